"""Crash safety of `nq consume`: SIGKILL the consumer at random moments while 200,000 events stream.

`nq produce --rate` streams a generated watch_history.csv (200,000 rows) into a 3-partition topic on a real
broker; meanwhile consumers are started and SIGKILLed after a seeded-random delay, at least 10 times (a kill
counts only if the consumer was still running). Each restart resumes from the offsets stored in the catalog.
After the producer is done, one last `nq consume --until-end --final` drains the topic. Then every message is
in the store exactly once (by partition and offset, watch_events plus _dead_letters), and every window table
equals DuckDB's recomputation from the stored watch_events (no event is late: the stream is in event-time
order per partition and the window state survives each kill with the offsets).
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import time

from conftest import run_nq
from stream_oracle import compare_windows, expected_windows, load_all, offsets_exactly_once, windows_emitted_once

EVENTS = 200_000
RATE = 4_000          # messages/s: the stream lasts 50 s, long enough for the kills
KILLS = 10
RNG_SEED = 20_251_127
# The generated events are sparse in event time (about one per 5 minutes): hour windows keep the window
# tables small enough for the debug build while every window still spans several kills' batches.
WINDOW = ["--window", "1h", "--lateness", "2h", "--flush-interval", "1"]


def test_kill_9_during_streaming_loses_and_duplicates_nothing(nq, kafka_broker, tmp_path):
    gen = tmp_path / "gen"
    run_nq(nq, "gen", "--out", str(gen), "--events", str(EVENTS), "--seed", "17", timeout=600)
    store = tmp_path / "store"
    run_nq(nq, "ingest", str(gen / "movies.csv"), store=store)
    total = sum(1 for _ in open(gen / "watch_history.csv")) - 1
    topic = "crash_events"
    consume_cmd = [str(nq), "--store", str(store), "consume", "--brokers", kafka_broker, "--topic", topic,
                   "--group", "nq-crash", *WINDOW]
    producer = subprocess.Popen([str(nq), "produce", "--brokers", kafka_broker, "--topic", topic,
                                 "--from", str(gen / "watch_history.csv"), "--rate", str(RATE)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    rng = random.Random(RNG_SEED)
    kills, attempts = 0, 0
    stored_after_kill = []

    def stored() -> int:
        out = run_nq(nq, "query", "--format", "csv", "SELECT count(*) FROM watch_events", store=store, check=False).stdout
        lines = out.splitlines()
        return int(lines[1]) if len(lines) > 1 and lines[1].isdigit() else 0

    try:
        # Consumers start once the producer has created the topic (a subscription to a missing topic
        # would first wait for a metadata refresh and a rebalance).
        deadline = time.monotonic() + 120
        while "p0 lag" not in run_nq(nq, "consume", "--status", "--brokers", kafka_broker, "--topic", topic,
                                     store=store, check=False).stdout:
            assert producer.poll() is None and time.monotonic() < deadline, "the producer did not create the topic"
            time.sleep(0.5)
        while kills < KILLS and attempts < 3 * KILLS:
            attempts += 1
            before = stored()
            c = subprocess.Popen(consume_cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            # Kill at a random moment once this consumer is storing (it has joined the group and fetched).
            deadline = time.monotonic() + 60
            while c.poll() is None and stored() == before and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(rng.uniform(0.0, 2.5))
            if c.poll() is None:
                c.send_signal(signal.SIGKILL)
                kills += 1
            c.wait()
            assert c.returncode in (-signal.SIGKILL, 0), f"consumer exited {c.returncode}"
            stored_after_kill.append(stored())
        out, err = producer.communicate(timeout=600)
        assert producer.returncode == 0, f"producer exited {producer.returncode}: {err[-2000:]}"
        assert f"produced {total} messages" in out, out
    finally:
        if producer.poll() is None:
            producer.kill()
    assert kills >= KILLS, f"only {kills} kills in {attempts} attempts"
    # The kills happened while the stream was being stored, not before anything arrived or after the end.
    assert 0 < stored_after_kill[0] and stored_after_kill[KILLS // 2] < total, stored_after_kill
    run_nq(nq, "consume", "--brokers", kafka_broker, "--topic", topic, "--group", "nq-crash", *WINDOW, "--until-end",
           "--final", store=store, timeout=600)
    run_nq(nq, "check", store=store)

    con = load_all(nq, store, tmp_path)
    problems = offsets_exactly_once(con, total)
    expected_windows(con, "false", window_minutes=60)
    problems += compare_windows(con)
    problems += windows_emitted_once(con)
    assert not problems, "\n".join(problems)
