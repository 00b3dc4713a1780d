"""`nq batch` is all or nothing, and reruns give identical tables.

A run is SIGKILLed at random points; after each kill every published table must still hold exactly what the
last successful run published (compared as text, byte for byte), the store must pass `nq check`, and the next
run must succeed, record the killed runs as `killed` in _runs, and publish tables identical to the first run's.

Run: NQ_BIN=$PWD/.build/debug/nq python3 -m pytest Tests/oracle/test_batch_crash.py -q
"""
from __future__ import annotations

import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import GEN_TABLES, run_nq
from test_batch import RESULTS

KILLS = 6


def snapshot(nq: Path, store: Path) -> dict[str, str]:
    """Every published table as sorted CSV text (all columns, full float precision)."""
    out = {}
    for t in RESULTS + ["dq_report"]:
        text = run_nq(nq, "query", f"select * from {t}", "--format", "csv", store=store).stdout
        header, *rows = text.splitlines()
        out[t] = "\n".join([header] + sorted(rows))
    return out


def succeeded_runs(nq: Path, store: Path) -> int:
    out = run_nq(nq, "query", "select count(*) from _runs where status = 'succeeded'", "--format", "csv", store=store).stdout
    return int(out.split()[1])


def without_run_ids(s: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in s.items() if k != "dq_report"}


@pytest.fixture(scope="module")
def store(nq, tmp_path_factory) -> Path:
    csv_dir = tmp_path_factory.mktemp("crash-csv")
    run_nq(nq, "gen", "--out", str(csv_dir), "--events", "8000", "--seed", "41")
    s = tmp_path_factory.mktemp("crash-store") / "store"
    run_nq(nq, "ingest", *[str(csv_dir / f"{t}.csv") for t in GEN_TABLES], store=s)
    return s


def test_a_rerun_on_the_same_data_gives_identical_tables(nq, store):
    run_nq(nq, "batch", store=store, timeout=900)
    first = snapshot(nq, store)
    run_nq(nq, "batch", store=store, timeout=900)
    second = snapshot(nq, store)
    assert without_run_ids(first) == without_run_ids(second)
    runs = run_nq(nq, "query", "select count(distinct run_id) from dq_report", "--format", "csv", store=store).stdout
    assert runs.split() == ["f0_", "2"], "each run appends its own data-quality rows"


def test_a_killed_run_leaves_the_previous_results_intact(nq, store):
    run_nq(nq, "batch", store=store, timeout=900)
    baseline = snapshot(nq, store)
    t0 = time.monotonic()
    run_nq(nq, "batch", store=store, timeout=900)
    duration = time.monotonic() - t0
    baseline = snapshot(nq, store)  # the state to protect: the last successful run's
    rnd = random.Random(20261127)
    kills = 0
    attempts = 0
    succeeded = succeeded_runs(nq, store)
    while kills < KILLS and attempts < KILLS * 4:
        attempts += 1
        p = subprocess.Popen([str(nq), "--store", str(store), "batch", "--quiet"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(rnd.uniform(0.02, duration * 0.95))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
        p.wait()
        now_succeeded = succeeded_runs(nq, store)
        if p.returncode == -signal.SIGKILL and now_succeeded == succeeded:
            kills += 1
            assert snapshot(nq, store) == baseline, f"kill {kills}: the published tables changed"
            run_nq(nq, "check", store=store)
        else:
            # Finished (or was killed after its commit): its results are the new baseline.
            assert p.returncode in (0, -signal.SIGKILL), p.stderr.read().decode()
            assert now_succeeded == succeeded + 1
            succeeded = now_succeeded
            baseline = snapshot(nq, store)
    assert kills == KILLS, f"only {kills} of {attempts} runs were killed before finishing"
    run_nq(nq, "batch", store=store, timeout=900)
    after = snapshot(nq, store)
    assert without_run_ids(after) == without_run_ids(baseline), "the run after the kills publishes the same tables"
    status = run_nq(nq, "query", "select status, count(*) from _runs group by status", "--format", "csv", store=store).stdout
    counts = dict(line.split(",") for line in status.splitlines()[1:])
    # A run killed before it recorded itself (in its first milliseconds) leaves no row; every other one is
    # marked killed by the next run.
    assert 1 <= int(counts.get("killed", 0)) <= kills, status
    assert "running" not in counts, status
    leftovers = run_nq(nq, "tables", "--format", "csv", store=store).stdout
    assert "_stage_" not in leftovers, leftovers
