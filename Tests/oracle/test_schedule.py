"""`nq schedule` with the real crontab (Debian's cron package): install, read back, run the installed line.

The user's crontab is saved before and restored after each test.

Run: NQ_BIN=$PWD/.build/debug/nq python3 -m pytest Tests/oracle/test_schedule.py -q
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import GEN_TABLES, run_nq

MARKER = "# nq schedule store="


def crontab_text() -> str:
    p = subprocess.run(["crontab", "-l"], capture_output=True, text=True)
    return p.stdout if p.returncode == 0 else ""


@pytest.fixture(autouse=True)
def saved_crontab():
    if shutil.which("crontab") is None:
        pytest.fail("crontab not found: scripts/setup.sh installs Debian's cron package", pytrace=False)
    before = subprocess.run(["crontab", "-l"], capture_output=True, text=True)
    yield
    if before.returncode == 0:
        subprocess.run(["crontab", "-"], input=before.stdout, text=True, check=True)
    else:
        subprocess.run(["crontab", "-r"], capture_output=True)


@pytest.fixture(scope="module")
def store(nq, tmp_path_factory) -> Path:
    csv_dir = tmp_path_factory.mktemp("sched-csv")
    run_nq(nq, "gen", "--out", str(csv_dir), "--events", "2000", "--seed", "5")
    s = tmp_path_factory.mktemp("sched") / "store"
    run_nq(nq, "ingest", *[str(csv_dir / f"{t}.csv") for t in GEN_TABLES], store=s)
    return s


def entries(store: Path) -> list[str]:
    return [l for l in crontab_text().splitlines() if l.endswith(MARKER + str(store))]


def run_as_cron(line: str) -> None:
    """Runs a crontab line's command the way cron does: the text after the five time fields, `\\%` → `%`, by sh."""
    command = line.split(None, 5)[5].replace("\\%", "%")
    subprocess.run(["sh", "-c", command], timeout=600)


def test_install_is_idempotent_per_store_and_keeps_other_entries(nq, store, tmp_path):
    subprocess.run(["crontab", "-"], input="# someone else's job\n*/5 * * * * /bin/true\n", text=True, check=True)
    run_nq(nq, "schedule", "install", "--cron", "0 3 * * *", "--", "batch", store=store)
    run_nq(nq, "schedule", "install", "--cron", "30 4 * * 1-5", "--", "batch", store=store)
    mine = entries(store)
    assert len(mine) == 1, crontab_text()
    assert mine[0].startswith("30 4 * * 1-5 flock -n "), mine[0]
    assert "*/5 * * * * /bin/true" in crontab_text(), "other entries are kept"
    listed = run_nq(nq, "schedule", "list").stdout
    assert str(store) in listed
    run_nq(nq, "schedule", "remove", store=store)
    assert entries(store) == []
    assert "*/5 * * * * /bin/true" in crontab_text()


def test_the_installed_line_runs_the_batch_and_logs_its_status(nq, store):
    run_nq(nq, "schedule", "install", "--cron", "0 3 * * *", "--", "batch", store=store)
    [line] = entries(store)
    log = store / "logs" / "schedule.log"
    before = log.read_text() if log.exists() else ""
    run_as_cron(line)
    text = log.read_text()[len(before):]
    assert "nq schedule: start: nq --store" in text and "batch" in text, text
    assert "nq schedule: end: exit status 0" in text, text
    assert "succeeded" in text, text
    runs = run_nq(nq, "query", "select count(*) from _runs where status = 'succeeded'", "--format", "csv", store=store).stdout
    assert int(runs.split()[1]) >= 1


def test_a_failing_scheduled_run_logs_its_error_and_a_nonzero_status(nq, store, tmp_path):
    run_nq(nq, "schedule", "install", "--cron", "0 3 * * *", "--", "batch", "--pipeline", str(tmp_path / "missing"),
           store=store)
    [line] = entries(store)
    log = store / "logs" / "schedule.log"
    before = log.read_text() if log.exists() else ""
    run_as_cron(line)
    text = log.read_text()[len(before):]
    assert f"no pipeline directory {tmp_path / 'missing'}" in text, text
    assert "nq schedule: end: exit status 1" in text, text


def test_a_run_that_finds_the_previous_one_still_running_is_skipped_and_logged(nq, store):
    run_nq(nq, "schedule", "install", "--cron", "0 3 * * *", "--", "batch", store=store)
    [line] = entries(store)
    log = store / "logs" / "schedule.log"
    before = log.read_text() if log.exists() else ""
    holder = subprocess.Popen(["flock", str(store / "SCHEDULE.lock"), "sleep", "30"])
    try:
        import time
        time.sleep(0.5)
        run_as_cron(line)
    finally:
        holder.kill()
        holder.wait()
    text = log.read_text()[len(before):]
    assert "exit status 75" in text and "start:" not in text, text


def test_a_bad_cron_expression_is_rejected_and_the_crontab_unchanged(nq, store):
    subprocess.run(["crontab", "-"], input="*/5 * * * * /bin/true\n", text=True, check=True)
    p = run_nq(nq, "schedule", "install", "--cron", "every day", "--", "batch", store=store, check=False)
    assert p.returncode != 0 and "five cron fields" in p.stderr, p.stderr
    assert crontab_text() == "*/5 * * * * /bin/true\n"
