"""Streaming benchmark: sustained events/s from a real broker into the store, with windows, and the delay
from a window's watermark passing to its row being committed (queryable).

Starts a noida-db Kafka broker on 127.0.0.1 (a free port, a temporary data dir), generates watch_history.csv
with `nq gen`, produces it into a fresh 3-partition topic (`nq produce --max`), then times
`nq consume --until-end --final` reading the whole topic into a fresh store (movies ingested first), for each
window size given. The consumer reports the largest finalize delay it measured: the time from the moment the
watermark passed a window's end (the event that moved it was read) to the commit of the transaction that made
the window's rows visible to queries.

Two scenarios (`--scenarios`, default both), each on its own topic:

- `sparse` (the backfill): watch_history.csv as `nq produce` sends it, with the event times of the spread rule
  (docs/streaming.md): 1 M generated events over about two years, so a 1-minute window holds about one event and
  a 1-hour window about 57, and the per-window work (finalizing, rt rows, window state) dominates.
- `live`: the same events, in the same order (event-time order of the spread rule, ties in file order), re-timed
  as a live stream at the goal rate: the i-th event (from 0) gets event time 2026-01-01 00:00:00 UTC + i * 4 us,
  i.e. 250,000 events per second of event time (`--live-rate`). The bench writes them as JSON lines
  (`live.jsonl`, every CSV field typed as `nq produce` types it, plus `event_time`), which `nq produce` sends
  in file order. 1 M events then span 4 s of event time: one 1-minute (or 1-hour) window holds them all.

    swift build -c release --scratch-path .build-rel --product nq --static-swift-stdlib
    python3 Benchmarks/stream_bench.py --nq .build-rel/release/nq --events 1000000
"""
from __future__ import annotations

import argparse
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Tests" / "oracle"))
from conftest import free_port, noida_binary  # noqa: E402


def run(cmd, **kw) -> subprocess.CompletedProcess:
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} exited {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


def live_jsonl(csv_path: Path, out: Path, rate: int) -> None:
    """Writes the `live` scenario's JSON lines (see the module doc) from watch_history.csv."""
    import csv
    import datetime
    import json
    numbers = {"watch_duration_minutes", "progress_percentage", "user_rating"}
    with open(csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    # The order `nq produce` sends the CSV in: event time by the spread rule, which keeps file order within a day.
    order = sorted(range(len(rows)), key=lambda i: (rows[i]["watch_date"], i))
    base = datetime.datetime(2026, 1, 1)
    step_us = 1_000_000 / rate
    with open(out, "w") as f:
        for n, i in enumerate(order):
            r = rows[i]
            obj = {}
            for k, v in r.items():
                if v == "":
                    obj[k] = None
                elif k in numbers:
                    obj[k] = float(v) if "." in v else int(v)
                elif k == "is_download":
                    obj[k] = v.lower() in ("true", "1")
                else:
                    obj[k] = v
            t = base + datetime.timedelta(microseconds=int(n * step_us))
            obj["event_time"] = t.strftime("%Y-%m-%d %H:%M:%S.%f")
            f.write(json.dumps(obj) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nq", required=True)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--windows", default="1m,1h")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--scenarios", default="sparse,live", help="sparse (the generated event times), live (re-timed)")
    ap.add_argument("--live-rate", type=int, default=250_000, help="events per second of event time in `live`")
    ap.add_argument("--nq-args", default="", help="extra `nq consume` arguments for --nq only (e.g. --kafka-option NAME=VALUE)")
    ap.add_argument("--nq-before", default=None,
                    help="also time this nq binary's consumer on the same topic (run first, one after the other)")
    args = ap.parse_args()
    nq = str(Path(args.nq).resolve())
    work = Path(args.workdir or tempfile.mkdtemp(prefix="nq-stream-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    broker = f"127.0.0.1:{port}"
    data = work / "noida"
    shutil.rmtree(data, ignore_errors=True)
    proc = subprocess.Popen([str(noida_binary()), "start", "--only", "kafka", "--host", "127.0.0.1",
                             "--kafka-port", str(port), "--data-dir", str(data)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        gen = work / "gen"
        if not (gen / "watch_history.csv").exists():
            run([nq, "gen", "--out", str(gen), "--events", str(args.events), "--seed", "7"])
        binaries = [("before", str(Path(args.nq_before).resolve()))] if args.nq_before else []
        binaries.append(("", nq))
        for scenario in args.scenarios.split(","):
            if scenario == "sparse":
                source, topic = gen / "watch_history.csv", "bench"
            elif scenario == "live":
                source, topic = gen / f"live-{args.live_rate}.jsonl", "live"
                if not source.exists():
                    live_jsonl(gen / "watch_history.csv", source, args.live_rate)
            else:
                raise SystemExit(f"unknown scenario {scenario}")
            t0 = time.monotonic()
            out = run([nq, "produce", "--brokers", broker, "--topic", topic, "--from", str(source)]).stdout
            print(f"[{scenario}] produce: {out.strip()} (wall {time.monotonic() - t0:.2f} s including reading the input)")
            for window in args.windows.split(","):
                for label, binary in binaries:
                    store = work / f"store-{scenario}-{window}{'-' + label if label else ''}"
                    shutil.rmtree(store, ignore_errors=True)
                    run([binary, "--store", str(store), "ingest", str(gen / "movies.csv")])
                    load = os.getloadavg()[0]
                    t0 = time.monotonic()
                    c0 = os.times()
                    extra = shlex.split(args.nq_args) if binary == nq and not label else []
                    out = run([binary, "--store", str(store), "consume", "--brokers", broker, "--topic", topic, "--group",
                               f"{scenario}-{window}{label}", "--window", window, "--until-end", "--final", *extra]).stdout
                    wall = time.monotonic() - t0
                    c1 = os.times()
                    cpu = (c1.children_user - c0.children_user, c1.children_system - c0.children_system)
                    print(f"[{scenario}] consume{' (' + label + ')' if label else ''} --window {window}: {out.strip()} "
                          f"[wall time of the process: {wall:.2f} s, CPU {cpu[0]:.2f} s user + {cpu[1]:.2f} s sys, "
                          f"load average at start {load:.1f}]", flush=True)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
