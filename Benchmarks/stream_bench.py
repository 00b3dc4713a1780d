"""Streaming benchmark: sustained events/s from a real broker into the store, with windows, and the delay
from a window's watermark passing to its row being committed (queryable).

Starts a noida-db Kafka broker on 127.0.0.1 (a free port, a temporary data dir), generates watch_history.csv
with `nq gen`, produces it into a fresh 3-partition topic (`nq produce --max`), then times
`nq consume --until-end --final` reading the whole topic into a fresh store (movies ingested first), for each
window size given. The consumer reports the largest finalize delay it measured: the time from the moment the
watermark passed a window's end (the event that moved it was read) to the commit of the transaction that made
the window's rows visible to queries.

    swift build -c release --scratch-path .build-rel --product nq
    python3 Benchmarks/stream_bench.py --nq .build-rel/release/nq --events 1000000
"""
from __future__ import annotations

import argparse
import os
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nq", required=True)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--windows", default="1m,1h")
    ap.add_argument("--workdir", default=None)
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
        t0 = time.monotonic()
        out = run([nq, "produce", "--brokers", broker, "--topic", "bench", "--from", str(gen / "watch_history.csv")]).stdout
        print(f"produce: {out.strip()} (wall {time.monotonic() - t0:.2f} s including reading the CSV)")
        binaries = [("before", str(Path(args.nq_before).resolve()))] if args.nq_before else []
        binaries.append(("", nq))
        for window in args.windows.split(","):
            for label, binary in binaries:
                store = work / f"store-{window}{'-' + label if label else ''}"
                shutil.rmtree(store, ignore_errors=True)
                run([binary, "--store", str(store), "ingest", str(gen / "movies.csv")])
                load = os.getloadavg()[0]
                t0 = time.monotonic()
                c0 = os.times()
                out = run([binary, "--store", str(store), "consume", "--brokers", broker, "--topic", "bench", "--group",
                           f"bench-{window}{label}", "--window", window, "--until-end", "--final"]).stdout
                wall = time.monotonic() - t0
                c1 = os.times()
                cpu = (c1.children_user - c0.children_user, c1.children_system - c0.children_system)
                print(f"consume{' (' + label + ')' if label else ''} --window {window}: {out.strip()} "
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
