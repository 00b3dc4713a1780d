#!/usr/bin/env python3
"""Batch benchmark: `nq batch` against DuckDB running the same pipeline SQL, same data, same run.

Builds nothing: pass a release nq binary with --nq. Steps:
  1. `nq gen --out WORKDIR/data --events N --seed S` and `nq ingest` into WORKDIR/nq-store, and the DuckDB
     database WORKDIR/duck.db (as Benchmarks/query_bench.py makes them; reused when present).
  2. RUNS times, alternating: a fresh `nq batch --quiet` process on the store, and a fresh Python process
     running every statement of pipelines/batch/*.sql (sqlglot's BigQuery -> DuckDB translation with the
     fixes of Tests/oracle/differential/harness.py; SET threads=2) on a fresh copy of duck.db. Median wall
     time (nq: the whole process; DuckDB: connect + statements + CHECKPOINT inside its process, without the
     Python start-up and the copy) and peak RSS of each process (DuckDB's includes the interpreter).
Prints a markdown table with the ratios nq/DuckDB.

Example: python3 Benchmarks/batch_bench.py --nq .build/release/nq --events 10000000 --workdir /tmp/nqq
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Tests" / "oracle"))
from ingest_bench import REPO, measure  # noqa: E402
from query_bench import load_duckdb  # noqa: E402

DUCK_RUNNER = textwrap.dedent("""
    import json, sys, time, duckdb
    statements = json.loads(sys.stdin.read())
    t0 = time.perf_counter()
    con = duckdb.connect(sys.argv[1])
    con.execute("SET threads=2")
    con.execute("SET enable_progress_bar=false")
    for s in statements:
        con.execute(s)
    con.execute("CHECKPOINT")
    con.close()
    print(time.perf_counter() - t0)
""")


def duckdb_pipeline() -> list[str]:
    import sqlglot
    from differential.harness import to_duckdb
    out = []
    for f in sorted((REPO / "pipelines" / "batch").glob("*.sql")):
        for e in sqlglot.parse(f.read_text(), read="bigquery"):
            if e is not None:
                out.append(to_duckdb(e.sql(dialect="bigquery"), {}))
    return out


def main() -> None:
    import json
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nq", required=True)
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workdir", default="/tmp/nq-query-bench")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    work = Path(args.workdir)
    data, store, db = work / "data", work / "nq-store", work / "duck.db"
    work.mkdir(parents=True, exist_ok=True)
    if not (data / "watch_history.csv").exists():
        measure([args.nq, "gen", "--out", str(data), "--events", str(args.events), "--seed", str(args.seed)])
    if not store.exists():
        measure([args.nq, "--store", str(store), "ingest", str(data)])
    if not db.exists():
        subprocess.run([sys.executable, str(REPO / "Benchmarks" / "query_bench.py"), "--load-duckdb", str(db), str(data)], check=True)
    statements = json.dumps(duckdb_pipeline())
    scratch = work / "duck-batch.db"

    nq_t, nq_m, dk_t, dk_m = [], [], [], []
    for _ in range(args.runs):
        r = measure([args.nq, "--store", str(store), "batch", "--quiet"])
        nq_t.append(r["wall"]); nq_m.append(r["rss"])
        for p in [scratch, Path(str(scratch) + ".wal")]:
            p.unlink(missing_ok=True)
        shutil.copyfile(db, scratch)
        proc = subprocess.Popen([sys.executable, "-c", DUCK_RUNNER, str(scratch)], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.stdin.write(statements.encode()); proc.stdin.close()
        out, err = proc.stdout.read(), proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"DuckDB failed: {err.decode()}")
        dk_t.append(float(out.decode().strip())); dk_m.append(usage.ru_maxrss * 1024)
    a, b = statistics.median(nq_t), statistics.median(dk_t)
    ma, mb = statistics.median(nq_m) / 2**20, statistics.median(dk_m) / 2**20
    print("| events | nq batch s | DuckDB s | nq/DuckDB time | nq peak RSS MiB | DuckDB peak RSS MiB | nq/DuckDB memory |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {args.events:,} | {a:.2f} | {b:.2f} | {a / b:.2f} | {ma:.0f} | {mb:.0f} | {ma / mb:.2f} |")


if __name__ == "__main__":
    main()
