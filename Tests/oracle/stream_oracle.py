"""DuckDB recomputation of the streaming windows from what `nq consume` stored (docs/streaming.md).

The windows are recomputed from the stored `watch_events` (every stored event, minus the ones the test
determined to be late by the watermark rule), with the metric definitions of docs/streaming.md, and compared
with the rt_* tables nq emitted.
"""
from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import duckdb

from conftest import run_nq

DUCK_TYPES = {"STRING": "VARCHAR", "INT64": "BIGINT", "FLOAT64": "DOUBLE", "BOOL": "BOOLEAN", "DATE": "DATE",
              "TIMESTAMP": "TIMESTAMP"}

WATCH_EVENTS = [("session_id", "STRING"), ("user_id", "STRING"), ("movie_id", "STRING"), ("watch_date", "DATE"),
                ("device_type", "STRING"), ("watch_duration_minutes", "FLOAT64"), ("progress_percentage", "FLOAT64"),
                ("action", "STRING"), ("quality", "STRING"), ("location_country", "STRING"), ("is_download", "BOOL"),
                ("user_rating", "INT64"), ("event_time", "TIMESTAMP"), ("kafka_partition", "INT64"),
                ("kafka_offset", "INT64")]
RT = {
    "rt_engagement": [("window_start", "TIMESTAMP"), ("window_end", "TIMESTAMP"), ("active_users", "INT64"),
                      ("events", "INT64"), ("sessions", "INT64"), ("avg_session_minutes", "FLOAT64"), ("skips", "INT64")],
    "rt_event_types": [("window_start", "TIMESTAMP"), ("window_end", "TIMESTAMP"), ("action", "STRING"), ("events", "INT64")],
    "rt_top_genres": [("window_start", "TIMESTAMP"), ("window_end", "TIMESTAMP"), ("genre", "STRING"), ("events", "INT64"),
                      ("active_users", "INT64"), ("rank", "INT64")],
    "rt_top_countries": [("window_start", "TIMESTAMP"), ("window_end", "TIMESTAMP"), ("country", "STRING"),
                         ("events", "INT64"), ("active_users", "INT64")],
    "rt_late_events": [("window_start", "TIMESTAMP"), ("window_end", "TIMESTAMP"), ("late_events", "INT64")],
}
DEAD_LETTERS = [("topic", "STRING"), ("partition", "INT64"), ("offset", "INT64"), ("key", "STRING"),
                ("payload", "STRING"), ("reason", "STRING"), ("received_at", "TIMESTAMP")]


def load_table(con: duckdb.DuckDBPyConnection, nq: Path, store: Path, table: str, columns, tmp: Path) -> None:
    """Copies an nq table into DuckDB through `nq query --format json` (NULLs stay NULL)."""
    import json
    names = ", ".join(f'`{c}`' if c in ("partition", "offset", "rank") else c for c, _ in columns)
    out = run_nq(nq, "query", "--format", "json", f"SELECT {names} FROM {table}", store=store, timeout=900).stdout
    rows = json.loads(out) if out.strip() else []
    path = tmp / f"{table}.jsonl"
    with open(path, "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    cols = ", ".join(f"'{c}': '{DUCK_TYPES[t]}'" for c, t in columns)
    con.execute(f'CREATE OR REPLACE TABLE "{table}" AS SELECT * FROM read_json(\'{path}\', format=\'newline_delimited\', '
                f'columns={{{cols}}})' if rows else
                f'CREATE OR REPLACE TABLE "{table}" ({", ".join(f"{chr(34)}{c}{chr(34)} {DUCK_TYPES[t]}" for c, t in columns)})')


def load_all(nq: Path, store: Path, tmp: Path, movies: bool = True) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    load_table(con, nq, store, "watch_events", WATCH_EVENTS, tmp)
    load_table(con, nq, store, "_dead_letters", DEAD_LETTERS, tmp)
    for t, cols in RT.items():
        load_table(con, nq, store, t, cols, tmp)
    if movies:
        load_table(con, nq, store, "movies", [("movie_id", "STRING"), ("genre_primary", "STRING")], tmp)
    else:
        con.execute("CREATE TABLE movies (movie_id VARCHAR, genre_primary VARCHAR)")
    return con


def expected_windows(con: duckdb.DuckDBPyConnection, late_predicate: str = "false", window_minutes: int = 1) -> None:
    """Creates exp_* tables: the windows (aligned to the epoch) over the stored on-time events, and the late counts."""
    us = window_minutes * 60_000_000
    con.execute(f"""
        CREATE OR REPLACE TABLE ev AS
        SELECT e.*, make_timestamp(CAST(floor(epoch_us(event_time) / {us}) * {us} AS BIGINT)) AS ws
        FROM watch_events e""")
    con.execute(f"CREATE OR REPLACE TABLE ev AS SELECT *, ({late_predicate}) AS late FROM ev")
    con.execute(f"SET VARIABLE window_len = INTERVAL {window_minutes} minute")
    con.execute("""
        CREATE OR REPLACE TABLE genre_of AS
        SELECT movie_id, coalesce(first(genre_primary ORDER BY rowid), 'unknown') AS genre FROM movies GROUP BY movie_id""")
    con.execute("""
        CREATE OR REPLACE TABLE exp_engagement AS
        SELECT ws AS window_start, ws + getvariable('window_len') AS window_end, count(DISTINCT user_id) AS active_users,
               count(*) AS events, count(DISTINCT session_id) AS sessions, avg(watch_duration_minutes) AS avg_session_minutes,
               count(*) FILTER (WHERE action = 'stopped' AND progress_percentage < 25) AS skips
        FROM ev WHERE NOT late GROUP BY ws""")
    con.execute("""
        CREATE OR REPLACE TABLE exp_event_types AS
        SELECT ws AS window_start, ws + getvariable('window_len') AS window_end, action, count(*) AS events
        FROM ev WHERE NOT late GROUP BY ws, action""")
    con.execute("""
        CREATE OR REPLACE TABLE exp_top_genres AS
        SELECT * FROM (
            SELECT *, row_number() OVER (PARTITION BY window_start ORDER BY events DESC, genre ASC) AS rank FROM (
                SELECT ws AS window_start, ws + getvariable('window_len') AS window_end, coalesce(g.genre, 'unknown') AS genre,
                       count(*) AS events, count(DISTINCT user_id) AS active_users
                FROM ev LEFT JOIN genre_of g USING (movie_id) WHERE NOT late GROUP BY ALL))
        WHERE rank <= 10""")
    con.execute("""
        CREATE OR REPLACE TABLE exp_top_countries AS
        SELECT ws AS window_start, ws + getvariable('window_len') AS window_end, coalesce(location_country, 'unknown') AS country,
               count(*) AS events, count(DISTINCT user_id) AS active_users
        FROM ev WHERE NOT late GROUP BY ALL""")
    con.execute("""
        CREATE OR REPLACE TABLE exp_late_events AS
        SELECT ws AS window_start, ws + getvariable('window_len') AS window_end, count(*) AS late_events
        FROM ev WHERE late GROUP BY ws""")


def _rows(con, sql: str) -> list[tuple]:
    return sorted(con.execute(sql).fetchall(), key=lambda r: tuple("" if v is None else str(v) for v in r))


def _same(a: tuple, b: tuple) -> bool:
    for x, y in zip(a, b):
        if isinstance(x, float) or isinstance(y, float):
            if x is None or y is None:
                if x is not y:
                    return False
            elif not math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9):
                return False
        elif x != y:
            return False
    return len(a) == len(b)


def compare_windows(con) -> list[str]:
    """Differences between every rt_* table and its recomputation (empty when all match)."""
    problems = []
    pairs = {
        "rt_engagement": "SELECT window_start, window_end, active_users, events, sessions, avg_session_minutes, skips FROM {}",
        "rt_event_types": "SELECT window_start, window_end, action, events FROM {}",
        "rt_top_genres": "SELECT window_start, window_end, genre, events, active_users, rank FROM {}",
        "rt_top_countries": "SELECT window_start, window_end, country, events, active_users FROM {}",
    }
    for table, sql in pairs.items():
        got = _rows(con, sql.format(f'"{table}"'))
        want = _rows(con, sql.format("exp_" + table[3:]))
        if len(got) != len(want) or not all(_same(a, b) for a, b in zip(got, want)):
            first = next((i for i, (a, b) in enumerate(zip(got, want)) if not _same(a, b)), min(len(got), len(want)))
            problems.append(f"{table}: nq {len(got)} rows, duckdb {len(want)}; first difference at row {first}: "
                            f"nq {got[first] if first < len(got) else None} vs duckdb {want[first] if first < len(want) else None}")
    got = _rows(con, 'SELECT window_start, window_end, sum(late_events) FROM rt_late_events GROUP BY ALL')
    want = _rows(con, "SELECT window_start, window_end, late_events FROM exp_late_events")
    if got != want:
        problems.append(f"rt_late_events: nq {got[:5]} ... ({len(got)}) vs duckdb {want[:5]} ... ({len(want)})")
    return problems


def windows_emitted_once(con) -> list[str]:
    """A window appears at most once in rt_engagement, and every other rt table only names emitted windows."""
    problems = []
    dup = con.execute("SELECT window_start, count(*) FROM rt_engagement GROUP BY 1 HAVING count(*) > 1 LIMIT 5").fetchall()
    if dup:
        problems.append(f"windows emitted twice: {dup}")
    for t, key in [("rt_event_types", "action"), ("rt_top_genres", "genre"), ("rt_top_countries", "country")]:
        d = con.execute(f"SELECT window_start, {key}, count(*) FROM {t} GROUP BY ALL HAVING count(*) > 1 LIMIT 5").fetchall()
        if d:
            problems.append(f"{t}: rows twice: {d}")
    return problems


def offsets_exactly_once(con, total: int) -> list[str]:
    """Every message is stored exactly once, in watch_events or _dead_letters: no (partition, offset) twice,
    each partition's offsets contiguous from 0, and as many as were produced."""
    problems = []
    con.execute("""CREATE OR REPLACE TABLE pos AS
                   SELECT kafka_partition AS p, kafka_offset AS o FROM watch_events
                   UNION ALL SELECT "partition", "offset" FROM _dead_letters""")
    dup = con.execute("SELECT p, o, count(*) FROM pos GROUP BY ALL HAVING count(*) > 1 LIMIT 5").fetchall()
    if dup:
        problems.append(f"offsets stored twice: {dup}")
    for p, n, lo, hi in con.execute("SELECT p, count(DISTINCT o), min(o), max(o) FROM pos GROUP BY p ORDER BY p").fetchall():
        if (lo, hi) != (0, n - 1):
            problems.append(f"partition {p}: {n} distinct offsets in [{lo}, {hi}]: a gap (lost message)")
    stored = con.execute("SELECT count(*) FROM pos").fetchone()[0]
    if stored != total:
        problems.append(f"{stored} messages stored, {total} produced")
    return problems
