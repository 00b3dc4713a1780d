#!/usr/bin/env python3
"""Query benchmark: the same GoogleSQL queries on nq and on DuckDB (2 threads), same data, same run.

Builds nothing: pass a release nq binary with --nq. Steps:
  1. `nq gen --out WORKDIR/data --events N --seed S` unless WORKDIR/data already holds the files.
  2. `nq ingest` of the six CSVs into WORKDIR/nq-store, and DuckDB CREATE TABLE AS read_csv (types from
     schemas/*.sql; INT64 columns written as `43.0` are read as DOUBLE and cast) into WORKDIR/duck.db.
  3. For each query: RUNS times, alternating, a fresh `nq query --format csv` process and a fresh Python
     process running DuckDB (SET threads=2) on the database file; median wall time (nq: the whole process;
     DuckDB: connect + query + fetch inside its process, without Python's start-up) and peak RSS of each
     (os.wait4 ru_maxrss of that process; DuckDB's includes the Python interpreter). The DuckDB text is sqlglot's BigQuery -> DuckDB translation.
Prints a markdown table with the ratios nq/DuckDB.

Example (build the binary as release binaries are built, with the Swift runtime linked in, which takes about
a third off nq's start-up CPU; see docs/BENCHMARKS.md):
  swift build -c release --product nq --static-swift-stdlib
  python3 Benchmarks/query_bench.py --nq .build/release/nq --events 10000000 --workdir /tmp/nqq
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest_bench import REPO, DUCK_TYPES, schema_columns, measure  # noqa: E402

TABLES = ["users", "movies", "watch_history", "reviews", "search_logs", "recommendation_logs"]

QUERIES = [
    ("scan-filter count", "select count(*) from watch_history where watch_duration_minutes > 120 and device_type = 'Mobile'"),
    ("zone-map range", "select count(*), sum(watch_duration_minutes) from watch_history where watch_date >= '2025-12-01'"),
    ("group by low cardinality", "select action, quality, count(*) as n, avg(progress_percentage) as p from watch_history group by 1, 2 order by 1, 2"),
    ("group by high cardinality", "select user_id, count(*) as n, sum(watch_duration_minutes) as m from watch_history group by user_id order by n desc, user_id limit 10"),
    ("count distinct", "select count(distinct user_id) as users, count(distinct movie_id) as titles from watch_history"),
    ("monthly active users", "select date_trunc(watch_date, month) as month, count(distinct user_id) as active from watch_history group by 1 order by 1"),
    ("join movies", "select m.genre_primary, count(*) as n, avg(w.watch_duration_minutes) as avg_m from watch_history w join movies m using (movie_id) group by 1 order by n desc"),
    ("join users", "select u.country, u.subscription_plan, count(*) as sessions from watch_history w join users u using (user_id) group by 1, 2 order by 1, 2"),
    ("window dedup qualify", "select count(*) from (select session_id, watch_date from watch_history qualify row_number() over (partition by session_id order by watch_date desc) = 1)"),
    ("top-n", "select session_id, watch_duration_minutes from watch_history where watch_duration_minutes is not null order by watch_duration_minutes desc, session_id limit 10"),
    ("reviews by genre", "select m.genre_primary, avg(r.rating) as avg_rating from reviews r join movies m using (movie_id) group by 1 order by 2 desc"),
]

DUCK_RUNNER = textwrap.dedent("""
    import sys, time, duckdb
    sql = sys.stdin.read()
    t0 = time.perf_counter()
    con = duckdb.connect(sys.argv[1], read_only=True)
    con.execute("SET threads=2")
    con.execute("SET enable_progress_bar=false")
    rows = con.execute(sql).fetchall()
    print(time.perf_counter() - t0)
""")


def load_duckdb(db: Path, data: Path) -> None:
    import duckdb
    if db.exists():
        db.unlink()
    con = duckdb.connect(str(db))
    con.execute("SET threads=2")
    for t in TABLES:
        cols = schema_columns(t)
        read = ", ".join(f"'{n}': '{'DOUBLE' if ty == 'INT64' else DUCK_TYPES[ty]}'" for n, ty in cols)
        select = ", ".join(f"CAST({n} AS BIGINT) AS {n}" if ty == "INT64" else n for n, ty in cols)
        con.execute(f"CREATE TABLE {t} AS SELECT {select} FROM read_csv('{data / (t + '.csv')}', header=true, columns={{{read}}})")
    con.execute("CHECKPOINT")
    con.close()


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--load-duckdb":
        load_duckdb(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nq", required=True)
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workdir", default="/tmp/nq-query-bench")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", action="append", metavar="NAME",
                    help="run only the query of this name (repeatable; default: all)")
    args = ap.parse_args()
    import sqlglot

    work = Path(args.workdir)
    data, store, db = work / "data", work / "nq-store", work / "duck.db"
    work.mkdir(parents=True, exist_ok=True)
    if not (data / "watch_history.csv").exists():
        measure([args.nq, "gen", "--out", str(data), "--events", str(args.events), "--seed", str(args.seed)])
    if not store.exists():
        measure([args.nq, "--store", str(store), "ingest", str(data)])
    if not db.exists():
        # In a child process: a parent that held DuckDB's tables would pass its resident size on to every
        # process it forks, and ru_maxrss would count it.
        subprocess.run([sys.executable, __file__, "--load-duckdb", str(db), str(data)], check=True)

    print(f"| query | nq s | DuckDB s | nq/DuckDB time | nq peak RSS MiB | DuckDB peak RSS MiB | nq/DuckDB memory |")
    print("|---|---|---|---|---|---|---|")
    names = [n for n, _ in QUERIES]
    for n in args.only or []:
        if n not in names:
            sys.exit(f"no query named {n!r}; the names are: {', '.join(names)}")
    for name, sql in QUERIES:
        if args.only and name not in args.only:
            continue
        duck_sql = sqlglot.transpile(sql, read="bigquery", write="duckdb")[0]
        nq_t, nq_m, dk_t, dk_m = [], [], [], []
        for _ in range(args.runs):
            r = measure([args.nq, "--store", str(store), "query", sql, "--format", "csv"])
            nq_t.append(r["wall"]); nq_m.append(r["rss"])
            t0 = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-c", DUCK_RUNNER, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            proc.stdin.write(duck_sql.encode()); proc.stdin.close()
            out, err = proc.stdout.read(), proc.stderr.read()
            _, status, usage = os.wait4(proc.pid, 0)
            if os.waitstatus_to_exitcode(status) != 0:
                sys.exit(f"DuckDB failed on {name}: {err.decode()}")
            # DuckDB's time is measured inside its process (connect + query + fetch), without the Python
            # start-up; nq's is the whole process. Both favour DuckDB, not nq.
            dk_t.append(float(out.decode().strip())); dk_m.append(usage.ru_maxrss * 1024)
        a, b = statistics.median(nq_t), statistics.median(dk_t)
        ma, mb = statistics.median(nq_m) / 2**20, statistics.median(dk_m) / 2**20
        print(f"| {name} | {a:.3f} | {b:.3f} | {a / b:.2f} | {ma:.0f} | {mb:.0f} | {ma / mb:.2f} |", flush=True)


if __name__ == "__main__":
    main()
