"""Same-run A/B of one query_bench.py query: nq binaries (order reversed every other round) and DuckDB
alternating over the query benchmark's store and database in WORKDIR.

    Benchmarks/top-priority.sh python3 Benchmarks/query_ab.py WORKDIR "QUERY NAME" ROUNDS BIN[@STORE]...

A binary runs over WORKDIR/nq-store unless written BIN@STORE, which names its own store (a store ingested
by that binary, e.g. to compare segment encodings); the table then labels it BIN@STORE.
Prints median / min wall, median CPU (user + system) and median peak RSS per binary, and every wall time.
With RENICE=1 in the environment, every thread of each nq process is set to nice -20 as it appears
(libdispatch's workers otherwise run at nice 0 / -4 whatever the process's nice; DuckDB's threads
inherit top-priority.sh's -20)."""
import os, statistics, subprocess, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import query_bench as qb
import sqlglot
work, name = sys.argv[1], sys.argv[2]
sql = dict(qb.QUERIES)[name]
duck_sql = sqlglot.transpile(sql, read="bigquery", write="duckdb")[0]
rounds, bins = int(sys.argv[3]), sys.argv[4:]
def binary_and_store(arg):
    b, _, store = arg.partition("@")
    return b, store or f"{work}/nq-store"
res = {b: [] for b in bins + ["duckdb"]}
for r in range(rounds):
    for b in (bins if r % 2 == 0 else bins[::-1]):
        t0 = time.perf_counter()
        binary, store = binary_and_store(b)
        p = subprocess.Popen([binary, "--store", store, "query", sql, "--format", "csv"], stdout=subprocess.DEVNULL)
        if os.environ.get("RENICE"):
            # libdispatch's workers run at nice 0 / -4 whatever the process's nice; give them the caller's.
            seen = set()
            while True:
                pid, st, ru = os.wait4(p.pid, os.WNOHANG)
                if pid: break
                try:
                    for t in os.listdir(f"/proc/{p.pid}/task"):
                        if t not in seen:
                            seen.add(t)
                            try: os.setpriority(os.PRIO_PROCESS, int(t), -20)
                            except OSError: pass
                except OSError: pass
                time.sleep(0.002)
        else:
            _, st, ru = os.wait4(p.pid, 0)
        res[b].append((time.perf_counter() - t0, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024))
    proc = subprocess.Popen([sys.executable, "-c", qb.DUCK_RUNNER, f"{work}/duck.db"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    proc.stdin.write(duck_sql.encode()); proc.stdin.close()
    out = proc.stdout.read(); _, st, ru = os.wait4(proc.pid, 0)
    res["duckdb"].append((float(out.decode()), ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024))
print("| binary | median wall s | min wall s | median CPU s | median peak MiB | walls |")
print("|---|---|---|---|---|---|")
for b, xs in res.items():
    w = [x[0] for x in xs]
    binary, store = binary_and_store(b)
    label = os.path.basename(binary) + (f"@{store}" if "@" in b else "")
    print(f"| {label} | {statistics.median(w):.3f} | {min(w):.3f} | {statistics.median([x[1] for x in xs]):.3f} | {statistics.median([x[2] for x in xs]):.0f} | {' '.join(f'{x:.2f}' for x in w)} |")
