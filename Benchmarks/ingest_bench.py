#!/usr/bin/env python3
"""Ingest benchmark: `nq ingest` of watch_history.csv against DuckDB's CREATE TABLE AS read_csv.

Builds nothing: pass a release nq binary with --nq. Steps:
  1. `nq gen --out WORKDIR/data --events N --seed S` (timed: wall time, rows/s, peak RSS).
  2. RUNS times, alternating: `nq --store <fresh dir> ingest watch_history.csv`, and, in a fresh Python
     subprocess, DuckDB (SET threads=2) `CREATE TABLE watch_history AS SELECT * FROM read_csv(<explicit
     columns from schemas/watch_history.sql>)` into a fresh database file, then CHECKPOINT.
     Wall time is measured around each subprocess; peak RSS is that subprocess's ru_maxrss (os.wait4).
  3. Sizes: CSV bytes, nq stored bytes (`nq tables --format json`) and store directory bytes, DuckDB
     database file bytes after CHECKPOINT.
Prints a markdown table (medians of the runs) and the ratios nq/DuckDB.

Example: python3 Benchmarks/ingest_bench.py --nq .build-py/release/nq --events 10000000 --workdir /tmp/nqbench
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DUCK_TYPES = {"STRING": "VARCHAR", "INT64": "BIGINT", "FLOAT64": "DOUBLE", "BOOL": "BOOLEAN", "DATE": "DATE",
              "TIMESTAMP": "TIMESTAMP"}


def schema_columns(table: str) -> list[tuple[str, str]]:
    text = re.sub(r"--[^\n]*", "", (REPO / "schemas" / f"{table}.sql").read_text())
    body = text[text.index("(") + 1: text.rindex(")")]
    cols = []
    for part in body.split(","):
        part = part.strip()
        if part:
            name, typ = part.split()
            cols.append((name, typ.upper()))
    return cols


def measure(cmd: list[str], env: dict | None = None) -> dict:
    """Runs cmd; returns wall seconds, peak RSS (bytes) of that one process, and its stdout/stderr."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    # communicate() would reap the child with waitpid; read the pipes ourselves and reap with wait4.
    stdout, stderr = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{stdout.decode()}\n{stderr.decode()}")
    return {"wall": wall, "rss": usage.ru_maxrss * 1024, "user": usage.ru_utime, "sys": usage.ru_stime,
            "stdout": stdout.decode(), "stderr": stderr.decode()}


DUCK_SCRIPT = textwrap.dedent("""
    import duckdb, json, os, sys, time
    db, csv, cols = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    t0 = time.perf_counter()
    con = duckdb.connect(db)
    con.execute("SET threads=2")
    con.execute("SET enable_progress_bar=false")
    columns = "{" + ", ".join("'%s': '%s'" % (n, t) for n, t in cols) + "}"
    con.execute("CREATE TABLE watch_history AS SELECT * FROM read_csv('%s', header=true, delim=',', quote='\\"', "
                "escape='\\"', auto_detect=false, columns=%s)" % (csv.replace("'", "''"), columns))
    t1 = time.perf_counter()
    con.execute("CHECKPOINT")
    rows = con.execute("SELECT count(*) FROM watch_history").fetchone()[0]
    con.close()
    t2 = time.perf_counter()
    print(json.dumps({"rows": rows, "create_s": t1 - t0, "checkpoint_s": t2 - t1}))
""")


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def fmt_bytes(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nq", required=True, help="nq binary (use the release build)")
    ap.add_argument("--events", type=int, default=10_000_000, help="watch_history rows to generate (default 10,000,000)")
    ap.add_argument("--workdir", required=True, help="scratch directory (data, stores, databases)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", action="store_true", help="keep the generated data and the last store/database")
    args = ap.parse_args()

    nq = str(Path(args.nq).resolve())
    work = Path(args.workdir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    data = work / "data"
    if data.exists():
        shutil.rmtree(data)

    load_start = os.getloadavg()
    # 1. Generate.
    gen = measure([nq, "gen", "--out", str(data), "--events", str(args.events), "--seed", str(args.seed)])
    m = re.search(r"^(\d+) rows in ([\d.]+) s \((\d+) rows/s\)", gen["stdout"], re.M)
    gen_rows = int(m.group(1)) if m else None
    gen_bytes = sum(f.stat().st_size for f in data.glob("*.csv"))
    csv = data / "watch_history.csv"
    csv_bytes = csv.stat().st_size
    print(f"gen: {gen_rows:,} rows, {fmt_bytes(gen_bytes)} in {gen['wall']:.2f} s wall "
          f"({gen_rows / gen['wall']:,.0f} rows/s, {gen_bytes / gen['wall'] / 1e6:,.0f} MB/s), "
          f"peak RSS {fmt_bytes(gen['rss'])}", flush=True)
    print(gen["stdout"].rstrip(), flush=True)

    cols = [(n, DUCK_TYPES[t]) for n, t in schema_columns("watch_history")]
    nq_runs, duck_runs = [], []
    for run in range(args.runs):
        store = work / f"nq-store-{run}"
        shutil.rmtree(store, ignore_errors=True)
        r = measure([nq, "--store", str(store), "ingest", str(csv)])
        tables = json.loads(subprocess.run([nq, "--store", str(store), "tables", "--format", "json"],
                                           capture_output=True, text=True, check=True).stdout)
        t = next(t for t in tables if t["name"] == "watch_history")
        r.update(rows=t["rows"], stored=t["stored_bytes"], raw=t["raw_bytes"], segments=t["segments"],
                 dir_bytes=dir_bytes(store))
        m = re.search(r"rows loaded, (\d+) rejected in ([\d.]+) s", r["stdout"])
        r["rejected"] = int(m.group(1)) if m else None
        nq_runs.append(r)
        print(f"run {run + 1}: nq     {r['wall']:7.2f} s  RSS {fmt_bytes(r['rss'])}  rows {r['rows']:,}  "
              f"rejected {r['rejected']}  stored {fmt_bytes(r['stored'])} in {r['segments']} segments "
              f"(user {r['user']:.1f} s, sys {r['sys']:.1f} s)", flush=True)
        if run < args.runs - 1 or not args.keep:
            shutil.rmtree(store)

        db = work / f"duck-{run}.duckdb"
        for p in (db, Path(str(db) + ".wal")):
            if p.exists():
                p.unlink()
        d = measure([sys.executable, "-c", DUCK_SCRIPT, str(db), str(csv), json.dumps(cols)])
        info = json.loads(d["stdout"].strip().splitlines()[-1])
        wal = Path(str(db) + ".wal")
        d.update(rows=info["rows"], create_s=info["create_s"], checkpoint_s=info["checkpoint_s"],
                 db_bytes=db.stat().st_size + (wal.stat().st_size if wal.exists() else 0))
        duck_runs.append(d)
        print(f"run {run + 1}: duckdb {d['wall']:7.2f} s  RSS {fmt_bytes(d['rss'])}  rows {d['rows']:,}  "
              f"db {fmt_bytes(d['db_bytes'])}  (CREATE {d['create_s']:.2f} s, CHECKPOINT {d['checkpoint_s']:.2f} s; "
              f"user {d['user']:.1f} s, sys {d['sys']:.1f} s)", flush=True)
        if run < args.runs - 1 or not args.keep:
            db.unlink()

    med = lambda runs, k: statistics.median(r[k] for r in runs)  # noqa: E731
    nq_wall, duck_wall = med(nq_runs, "wall"), med(duck_runs, "wall")
    nq_rss, duck_rss = med(nq_runs, "rss"), med(duck_runs, "rss")
    nq_stored, duck_db = nq_runs[-1]["stored"], duck_runs[-1]["db_bytes"]
    rows = nq_runs[-1]["rows"]
    if rows != duck_runs[-1]["rows"]:
        print(f"WARNING: row counts differ: nq {rows}, DuckDB {duck_runs[-1]['rows']}")

    print()
    print(f"watch_history.csv: {rows:,} rows, {csv_bytes:,} bytes; {args.runs} runs each, median wall time; "
          f"nproc {os.cpu_count()}")
    print()
    print("| metric | nq | DuckDB | nq / DuckDB |")
    print("|---|---:|---:|---:|")
    print(f"| wall time (median of {args.runs}) | {nq_wall:.2f} s | {duck_wall:.2f} s | {nq_wall / duck_wall:.2f} |")
    walls = lambda runs: ", ".join("%.2f" % r["wall"] for r in runs)  # noqa: E731
    print(f"| wall times of the runs | {walls(nq_runs)} s | {walls(duck_runs)} s | |")
    print(f"| rows/s | {rows / nq_wall:,.0f} | {rows / duck_wall:,.0f} | {duck_wall / nq_wall:.2f} |")
    print(f"| CSV MB/s | {csv_bytes / nq_wall / 1e6:,.1f} | {csv_bytes / duck_wall / 1e6:,.1f} | {duck_wall / nq_wall:.2f} |")
    print(f"| CPU time user+sys (median) | {statistics.median(r['user'] + r['sys'] for r in nq_runs):.2f} s "
          f"| {statistics.median(r['user'] + r['sys'] for r in duck_runs):.2f} s | |")
    print(f"| peak RSS (median) | {fmt_bytes(nq_rss)} | {fmt_bytes(duck_rss)} | {nq_rss / duck_rss:.2f} |")
    print(f"| CSV bytes | {csv_bytes:,} | {csv_bytes:,} | |")
    print(f"| stored bytes (nq segments / DuckDB file after CHECKPOINT) | {nq_stored:,} | {duck_db:,} "
          f"| {nq_stored / duck_db:.2f} |")
    print(f"| stored / CSV | {nq_stored / csv_bytes:.3f} | {duck_db / csv_bytes:.3f} | |")
    print(f"| nq store directory incl. catalog | {nq_runs[-1]['dir_bytes']:,} | | |")
    print()
    print(f"gen: {gen_rows:,} rows (6 tables, {fmt_bytes(gen_bytes)}) in {gen['wall']:.2f} s wall = "
          f"{gen_rows / gen['wall']:,.0f} rows/s, peak RSS {fmt_bytes(gen['rss'])}")
    print(f"DuckDB wall time includes starting Python and importing duckdb; its CREATE TABLE alone took "
          f"{med(duck_runs, 'create_s'):.2f} s and CHECKPOINT {med(duck_runs, 'checkpoint_s'):.2f} s (medians).")
    print(f"Load average (1/5/15 min) at start: {'/'.join('%.2f' % x for x in load_start)}, at end: "
          f"{'/'.join('%.2f' % x for x in os.getloadavg())} (this run itself adds about 1-2; more means other processes "
          f"competed for the {os.cpu_count()} cores).")
    print(f"Goals: nq wall <= DuckDB: {'met' if nq_wall <= duck_wall else 'NOT met'}; "
          f"nq stored bytes <= DuckDB: {'met' if nq_stored <= duck_db else 'NOT met'}.")
    if not args.keep:
        shutil.rmtree(data)


if __name__ == "__main__":
    main()
