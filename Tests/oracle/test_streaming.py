"""`nq produce` / `nq consume` against a real Kafka-protocol broker (noida-db on 127.0.0.1), checked by DuckDB.

Each test streams in two phases into a fresh store: the events (phase 1, consumed with --until-end), then a file
of injected messages (phase 2, consumed with --until-end --final): malformed messages, duplicate-key messages
(a session_id seen before, at the end of the stream) and late messages (event times far behind the watermark).

Which stored events are late is derived from the watermark rule, not from the injected file: after phase 1 the
watermark is min over partitions of (latest event time) - 2 minutes; a phase-2 event whose window ends at or
before it is late. The windows are then recomputed by DuckDB from the stored watch_events and compared with
every rt_* table; exactly-once is checked on (partition, offset).
"""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from conftest import run_nq
from stream_oracle import compare_windows, expected_windows, load_all, offsets_exactly_once, windows_emitted_once


def produce(nq, broker, topic, path) -> int:
    out = run_nq(nq, "produce", "--brokers", broker, "--topic", topic, "--from", str(path), timeout=600).stdout
    m = re.search(r"produced (\d+) messages", out)
    assert m, out
    return int(m.group(1))


def consume(nq, broker, topic, store, *flags) -> str:
    # One group per topic and store (a group's partitions are split between its consumers).
    return run_nq(nq, "consume", "--brokers", broker, "--topic", topic, "--group", f"nq-{topic}", "--until-end", *flags,
                  store=store, timeout=600).stdout


def phase1_watermark_sql(con) -> str:
    """The late-event predicate for rows stored in phase 2 (offsets past each partition's phase-1 end)."""
    ends = dict(con.execute("SELECT p, max(o) + 1 FROM pos1 GROUP BY p").fetchall())
    wm = con.execute("SELECT min(m) - INTERVAL 2 minute FROM (SELECT kafka_partition, max(event_time) AS m "
                     "FROM watch_events WHERE kafka_offset < (SELECT max(o) + 1 FROM pos1 WHERE p = kafka_partition) "
                     "GROUP BY kafka_partition)").fetchone()[0]
    cases = " OR ".join(f"(kafka_partition = {p} AND kafka_offset >= {e})" for p, e in ends.items())
    return f"(({cases}) AND ws + INTERVAL 1 minute <= TIMESTAMP '{wm}')"


def injected_lines(events: list[dict], end_time: str, rng: random.Random) -> tuple[list[str], dict]:
    """Malformed, duplicate-key and late messages built from real events."""
    lines, expect = [], {"malformed": 0, "late": set(), "dup": 0}
    malformed = [
        "this is not JSON",
        '{"session_id": "bad_1", "user_id": "user_00001", "movie_id": "movie_0001", "action": "started"}',
        '{"session_id": "bad_2", "user_id": 42, "movie_id": "movie_0001", "action": "started", "timestamp": "2025-12-31 23:59:00"}',
        '{"session_id": "bad_3", "user_id": "user_00001", "movie_id": "movie_0001", "action": "started", '
        '"timestamp": "2025-12-31 23:59:00", "progress_percentage": 150.0}',
        '{"session_id": "bad_4", "user_id": "user_00001", "movie_id": "movie_0001", "action": "started", '
        '"timestamp": "2025-13-45 99:00:00"}',
        '{"session_id": "bad_5", "user_id": "user_00001", "movie_id": "movie_0001", "action": "started", '
        '"timestamp": "2025-12-31 23:59:00", "watch_duration_minutes": -4.0}',
        '{"session_id": "bad_6", "user_id": "user_00001", "movie_id": "movie_0001", "action": "stopped", '
        '"timestamp": "2025-12-31 23:59:00"',
    ]
    for i, e in enumerate(rng.sample(events, 40)):
        kind = i % 3
        d = dict(e)
        d.pop("timestamp", None)
        d.pop("event_time", None)
        if kind == 0:       # late: a time from the first half of the stream
            d["session_id"] = f"late_{i}"
            d["event_time"] = e.get("timestamp") or e["event_time"]
            expect["late"].add(d["session_id"])
        else:               # duplicate key: a session_id seen before, on time at the end of the stream
            d["event_time"] = end_time
            expect["dup"] += 1
        lines.append(json.dumps(d))
        if i % 6 == 0 and malformed:
            lines.append(malformed.pop())
            expect["malformed"] += 1
    while malformed:
        lines.append(malformed.pop())
        expect["malformed"] += 1
    return lines, expect


def check_store(nq, store, tmp, total, expect, movies=True):
    con = load_all(nq, store, tmp, movies=movies)
    con.execute("CREATE TABLE pos1 AS SELECT * FROM read_json(?)", [str(tmp / "pos1.json")])
    problems = offsets_exactly_once(con, total)
    late_sql = phase1_watermark_sql(con)
    expected_windows(con, late_sql)
    late_ids = {r[0] for r in con.execute("SELECT session_id FROM ev WHERE late").fetchall()}
    assert late_ids == expect["late"], f"late by the watermark rule {sorted(late_ids)[:5]} != injected late {sorted(expect['late'])[:5]}"
    problems += compare_windows(con)
    problems += windows_emitted_once(con)
    dead = con.execute("SELECT count(*) FROM _dead_letters").fetchone()[0]
    if dead != expect["malformed"]:
        problems.append(f"{dead} dead letters, {expect['malformed']} malformed messages sent")
    reasons = [r[0] for r in con.execute("SELECT reason FROM _dead_letters").fetchall()]
    for want in ["not JSON", "missing key field timestamp", "wrong type: user_id", "impossible value: progress_percentage",
                 "impossible value: timestamp", "impossible value: watch_duration_minutes"]:
        if not any(r.startswith(want) for r in reasons):
            problems.append(f"no dead letter with reason {want!r}: {reasons}")
    assert not problems, "\n".join(problems)
    return con


def save_phase1_positions(nq, store, tmp):
    out = run_nq(nq, "query", "--format", "json",
                 "SELECT kafka_partition AS p, kafka_offset AS o FROM watch_events "
                 "UNION ALL SELECT `partition`, `offset` FROM _dead_letters", store=store).stdout
    (tmp / "pos1.json").write_text(out)


def test_real_sample_events_stream_exactly_once_and_windows_match_duckdb(nq, kafka_broker, sample_dir, tmp_path):
    store = tmp_path / "store"
    run_nq(nq, "ingest", str(sample_dir / "movies.csv"), store=store)
    topic = "sample_events"
    source = sample_dir / "watch_events.jsonl"
    n1 = produce(nq, kafka_broker, topic, source)
    assert n1 == 4_500
    consume(nq, kafka_broker, topic, store)
    save_phase1_positions(nq, store, tmp_path)

    text = source.read_text()
    events = [json.loads(line.replace("NaN", "null")) for line in text.splitlines()]
    lines, expect = injected_lines(events, "2025-12-31 23:58:30", random.Random(11))
    injected = tmp_path / "injected.jsonl"
    injected.write_text("\n".join(lines) + "\n")
    n2 = produce(nq, kafka_broker, topic, injected)
    out = consume(nq, kafka_broker, topic, store, "--final")
    assert "dead letters" in out

    con = check_store(nq, store, tmp_path, n1 + n2, expect)
    # Bare NaN in the real events loads as NULL, never as a number.
    for column in ["user_rating", "progress_percentage", "watch_duration_minutes"]:
        nan = sum(1 for line in text.splitlines() if f'"{column}": NaN' in line)
        nulls = con.execute(f"SELECT count(*) FROM watch_events w JOIN pos1 ON w.kafka_partition = pos1.p "
                            f"AND w.kafka_offset = pos1.o WHERE {column} IS NULL").fetchone()[0]
        assert nulls == nan > 0, f"{column}: {nan} NaN in the sample, {nulls} NULL stored"
    # The topic was created with 3 partitions, and all are caught up.
    status = run_nq(nq, "consume", "--status", "--brokers", kafka_broker, "--topic", topic, store=store).stdout
    assert re.search(r"p0 lag 0, p1 lag 0, p2 lag 0\]", status), status
    assert f"dead letters {expect['malformed']}" in status and "open windows 0" in status, status


def test_generated_csv_events_stream_exactly_once_and_windows_match_duckdb(nq, kafka_broker, tmp_path):
    gen = tmp_path / "gen"
    run_nq(nq, "gen", "--out", str(gen), "--events", "20000", "--seed", "11")
    store = tmp_path / "store"
    run_nq(nq, "ingest", str(gen / "movies.csv"), store=store)
    topic = "gen_events"
    n1 = produce(nq, kafka_broker, topic, gen / "watch_history.csv")
    assert n1 == sum(1 for _ in open(gen / "watch_history.csv")) - 1
    consume(nq, kafka_broker, topic, store)
    save_phase1_positions(nq, store, tmp_path)
    # Injected messages reuse generated rows; their late times come from the phase-1 events nq stored.
    rows = json.loads(run_nq(nq, "query", "--format", "json",
                             "SELECT session_id, user_id, movie_id, CAST(watch_date AS STRING) AS watch_date, action, "
                             "progress_percentage, location_country, CAST(event_time AS STRING) AS event_time "
                             "FROM watch_events LIMIT 2000", store=store).stdout)
    last = run_nq(nq, "query", "--format", "csv", "SELECT CAST(max(event_time) AS STRING) FROM watch_events",
                  store=store).stdout.splitlines()[1]
    lines, expect = injected_lines(rows, last, random.Random(5))
    injected = tmp_path / "injected.jsonl"
    injected.write_text("\n".join(lines) + "\n")
    n2 = produce(nq, kafka_broker, topic, injected)
    consume(nq, kafka_broker, topic, store, "--final")
    check_store(nq, store, tmp_path, n1 + n2, expect)
