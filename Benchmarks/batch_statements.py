#!/usr/bin/env python3
"""DuckDB's time per statement of the batch pipeline, to set beside the per-statement lines `nq batch` prints.

Runs every statement of pipelines/batch/*.sql (sqlglot's BigQuery -> DuckDB translation, as
Benchmarks/batch_bench.py does; SET threads=2) one at a time on a fresh copy of a DuckDB database that
query_bench.py / batch_bench.py made, and prints each statement's wall time and the process's CPU time
(getrusage) spent in it.

    Benchmarks/top-priority.sh python3 Benchmarks/batch_statements.py /tmp/bat/duck.db /tmp/bat/duck-stmts.db
"""
from __future__ import annotations

import os
import resource
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Tests" / "oracle"))
from batch_bench import duckdb_pipeline  # noqa: E402


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} SOURCE.db SCRATCH.db")
    import duckdb
    src, scratch = sys.argv[1], sys.argv[2]
    for p in [scratch, scratch + ".wal"]:
        if os.path.exists(p):
            os.unlink(p)
    shutil.copyfile(src, scratch)
    con = duckdb.connect(scratch)
    con.execute("SET threads=2")
    con.execute("SET enable_progress_bar=false")
    for s in duckdb_pipeline():
        r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        con.execute(s)
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        cpu = r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime
        print(f"{time.perf_counter() - t0:8.2f} s wall {cpu:8.2f} s cpu  {' '.join(s.split())[:90]}", flush=True)
    con.execute("CHECKPOINT")
    con.close()
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
