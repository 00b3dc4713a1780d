"""Crash safety of `nq ingest`: SIGKILL at random moments must leave the store at the before- or the after-state.

A watch_history file is generated once (`nq gen --events 20000`: in the debug build one ingest of it takes
about 1 s of CPU, 1-3 s wall; 400,000 events took 21 s of CPU and 70 s wall on a busy 2-core machine, far too long
for the ~60 ingests this test runs) and two more files are cut from it (so the
three have different row counts and contents). The store starts with version W1; then, cycling through
`--replace W2`, `--append A`, `--replace W1`, `--append A`, each ingest is started and SIGKILLed: 20 times after a
seeded-random delay spread over that ingest's measured duration, 8 times just after its segment file appears
(the write/commit window is ~20 ms, which random delays rarely hit). After each kill: `nq check` passes, the table
holds exactly the before- or the after-state's rows (and null counts), never anything in between; the same
ingest then runs to completion and gives the after-state, and DIR/segments holds exactly the files the catalog
references.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import describe, run_nq, tables_by_name

EVENTS = 20_000
SEED = 5
KILLS = 20            # ingests killed after a uniform random delay (attempts that finished first do not count)
WRITE_KILLS = 8       # ingests killed just after their first segment file appears
MAX_ATTEMPTS = 150     # bounded; attempts whose ingest finishes before the kill are retried
RNG_SEED = 20_251_231
TABLE = "watch_history"


def null_counts(nq, store) -> dict[str, int]:
    return {c["column"]: c["null_count"] for c in describe(nq, store, TABLE, summarize=False)["columns"]}


def segment_files(store: Path) -> list[str]:
    d = store / "segments"
    return sorted(os.listdir(d)) if d.is_dir() else []


@pytest.fixture(scope="module")
def files(nq, tmp_path_factory):
    """W1 (the generated file), W2 (its first 70 % of rows) and A (its last 40 %), each with its reference
    state (rows, null counts) and the wall time of a clean ingest into a fresh store."""
    root = tmp_path_factory.mktemp("crash")
    gen = root / "gen"
    t0 = time.monotonic()
    run_nq(nq, "gen", "--out", str(gen), "--events", str(EVENTS), "--seed", str(SEED))
    gen_seconds = time.monotonic() - t0
    w1 = gen / f"{TABLE}.csv"
    with open(w1, "rb") as f:
        header, *lines = f.read().splitlines(keepends=True)
    n = len(lines)
    out = {"W1": w1, "W2": root / "w2.csv", "A": root / "a.csv"}
    out["W2"].write_bytes(header + b"".join(lines[: n * 7 // 10]))
    out["A"].write_bytes(header + b"".join(lines[n * 6 // 10:]))
    ref = {}
    for name, path in out.items():
        store = root / f"ref-{name}"
        t0 = time.monotonic()
        run_nq(nq, "ingest", "--table", TABLE, str(path), store=store)
        seconds = time.monotonic() - t0
        ref[name] = {"path": path, "seconds": seconds, "rows": tables_by_name(nq, store)[TABLE]["rows"],
                     "nulls": null_counts(nq, store)}
    print(f"\ncrash fixture: gen {EVENTS} events {gen_seconds:.2f} s; clean ingest "
          + ", ".join(f"{k} {v['rows']} rows {v['seconds']:.2f} s" for k, v in ref.items()))
    assert len({ref[k]["rows"] for k in ref}) == 3
    return {"root": root, "ref": ref}


def state(ref, names: list[str]) -> dict:
    """The expected (rows, null counts) of a table holding the files `names`."""
    rows = sum(ref[n]["rows"] for n in names)
    cols = ref[names[0]]["nulls"].keys()
    return {"rows": rows, "nulls": {c: sum(ref[n]["nulls"][c] for n in names) for c in cols}, "files": names}


def observed(nq, store) -> dict:
    tables = tables_by_name(nq, store)
    assert set(tables) == {TABLE}, f"unexpected tables {sorted(tables)}"
    return {"rows": tables[TABLE]["rows"], "nulls": null_counts(nq, store), "segments": tables[TABLE]["segments"]}


def matches(obs: dict, st: dict) -> bool:
    return obs["rows"] == st["rows"] and obs["nulls"] == st["nulls"]


def test_sigkill_during_ingest_is_atomic(nq, files):
    ref, root = files["ref"], files["root"]
    store = root / "store"
    run_nq(nq, "ingest", "--table", TABLE, str(ref["W1"]["path"]), store=store)
    current = ["W1"]
    assert matches(observed(nq, store), state(ref, current))
    seconds = {k: v["seconds"] for k, v in ref.items()}  # latest measured duration of each ingest

    # The cycle of operations: (flag, file, state after as a function of the state before).
    ops = [("--replace", "W2", lambda s: ["W2"]), ("--append", "A", lambda s: s + ["A"]),
           ("--replace", "W1", lambda s: ["W1"]), ("--append", "A", lambda s: s + ["A"])]
    rng = random.Random(RNG_SEED)
    # Kill modes: "uniform" = after a delay uniform over the ingest's last measured duration; "on-write" =
    # 0-5 ms after a new file shows up in segments/ (the short window where segments are written and
    # committed: about 20 ms of a 1-10 s ingest, which uniform delays almost never hit).
    modes = ["uniform"] * KILLS + ["on-write"] * WRITE_KILLS
    rng.shuffle(modes)
    kills = {"uniform": 0, "on-write": 0}
    attempts, saw_before, saw_after, saw_leftovers = 0, 0, 0, 0
    log = []
    start = time.monotonic()
    while modes:
        assert attempts < MAX_ATTEMPTS, f"only {kills} kills in {attempts} attempts:\n" + "\n".join(log)
        mode = modes.pop()
        flag, name, after_fn = ops[attempts % len(ops)]
        attempts += 1
        before, after = state(ref, current), state(ref, after_fn(current))
        cmd = [str(nq), "--store", str(store), "ingest", flag, "--table", TABLE, str(ref[name]["path"])]
        known = set(segment_files(store))
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        t0 = time.monotonic()
        if mode == "uniform":
            delay = rng.uniform(0.0, seconds[name])
            time.sleep(delay)
        else:
            while proc.poll() is None and not set(segment_files(store)) - known:
                time.sleep(0.001)
            time.sleep(rng.uniform(0.0, 0.005))
            delay = time.monotonic() - t0
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=300)
        # The ingest may finish between the poll and the signal: only a SIGKILL exit counts as a kill.
        killed = proc.returncode == -signal.SIGKILL
        if killed:
            kills[mode] += 1
        else:
            assert proc.returncode == 0, f"{' '.join(cmd)} failed: {err.decode(errors='replace')}"
            modes.append(mode)  # finished before the kill: try this mode again

        # After the kill: the store checks out and shows the before- or the after-state, never a mix.
        check = run_nq(nq, "check", store=store, check=False)
        assert check.returncode == 0, f"attempt {attempts} ({flag} {name}, kill at {delay:.3f} s): nq check failed:\n{check.stdout}{check.stderr}"
        obs = observed(nq, store)
        is_before, is_after = matches(obs, before), matches(obs, after)
        assert is_before or is_after, (f"attempt {attempts} ({flag} {name}, kill at {delay:.3f} s): rows {obs['rows']} "
                                       f"(before {before['rows']}, after {after['rows']}); null counts {obs['nulls']} "
                                       f"(before {before['nulls']}, after {after['nulls']})")
        stray = len(segment_files(store)) - obs["segments"]
        if killed:
            saw_before += is_before
            saw_after += is_after
            saw_leftovers += stray > 0
        log.append(f"attempt {attempts}: {flag} {name} {mode} killed={killed} at {delay:.3f}/{seconds[name]:.3f} s -> "
                   f"{'before' if is_before else 'after'} state, {stray} stray files")

        # The same ingest, run to completion, gives the after-state (or, if the killed run had committed,
        # finds the file already loaded for --append, which is the after-state too).
        t0 = time.monotonic()
        done = run_nq(nq, *cmd[3:], store=store, check=False)
        seconds[name] = time.monotonic() - t0
        assert done.returncode == 0, f"attempt {attempts}: re-run failed:\n{done.stdout}{done.stderr}"
        obs = observed(nq, store)
        assert matches(obs, after), (f"attempt {attempts}: after the completed re-run rows {obs['rows']} != "
                                     f"{after['rows']} or null counts differ:\n{done.stdout}")
        if is_after and flag == "--append":
            assert "already loaded" in done.stdout, done.stdout
        # No stray files after a successful write: segments/ holds exactly the catalog's segments.
        left = segment_files(store)
        assert len(left) == obs["segments"], f"attempt {attempts}: {len(left)} files in segments/, catalog has {obs['segments']}: {left}"
        assert not any(f.endswith(".tmp") for f in left)
        current = after["files"]

    check = run_nq(nq, "check", store=store)
    assert check.stdout.startswith("ok:")
    summary = (f"{sum(kills.values())} kills ({kills}) in {attempts} attempts, {time.monotonic() - start:.1f} s; "
               f"killed runs left the before-state {saw_before}, the after-state {saw_after} times; "
               f"stray segment files after {saw_leftovers} kills")
    print("\n" + summary + "\n" + "\n".join(log))
    assert kills["uniform"] >= KILLS and kills["on-write"] >= WRITE_KILLS
    # The kills must have hit the window where segment files exist but are not committed, so that the
    # clean-up of leftovers was exercised.
    assert saw_leftovers >= 1, summary
