"""Shared fixtures for the nq oracle tests (pytest).

The nq binary comes from $NQ_BIN (default: <repo>/.build/debug/nq). The real data sample is looked up at
<repo>/../shared/data/kaggle-sample; tests that need it skip with a visible reason when it is absent.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCHEMA_DIR = REPO / "schemas"
SAMPLE_DIR = (REPO.parent / "shared" / "data" / "kaggle-sample").resolve()
SAMPLE_TABLES = ["users", "movies", "reviews", "search_logs"]
GEN_TABLES = ["users", "movies", "watch_history", "reviews", "search_logs", "recommendation_logs"]
GEN_EVENTS = 30_000
GEN_SEED = 3


def nq_bin() -> Path:
    return Path(os.environ.get("NQ_BIN") or REPO / ".build" / "debug" / "nq")


@pytest.fixture(scope="session")
def nq() -> Path:
    path = nq_bin()
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"nq binary not found at {path}: build it (swift build --product nq) or set NQ_BIN", pytrace=False)
    return path


def run_nq(nq: Path, *args: str, store: Path | None = None, check: bool = True,
           timeout: float = 600) -> subprocess.CompletedProcess:
    """Runs nq with `--store store` (if given) and returns the completed process (text mode)."""
    cmd = [str(nq)] + (["--store", str(store)] if store is not None else []) + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {p.returncode}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def nq_json(nq: Path, *args: str, store: Path) -> object:
    out = run_nq(nq, *args, "--format", "json", store=store).stdout
    try:
        return json.loads(out)
    except json.JSONDecodeError as e:
        raise AssertionError(f"nq {' '.join(args)} printed invalid JSON ({e}):\n{out[:2000]}") from None


def tables_by_name(nq: Path, store: Path) -> dict[str, dict]:
    return {t["name"]: t for t in nq_json(nq, "tables", store=store)}


def describe(nq: Path, store: Path, table: str, summarize: bool = True) -> dict:
    return nq_json(nq, "describe", table, *(["--summarize"] if summarize else []), store=store)


_COLUMN_RE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s+([A-Za-z0-9_]+)\s*,?\s*$")


def parse_schema(path: Path) -> list[tuple[str, str]]:
    """The (column, GoogleSQL type) pairs of a `CREATE TABLE` file of schemas/, in order."""
    text = re.sub(r"--[^\n]*", "", path.read_text())
    body = text[text.index("(") + 1: text.rindex(")")]
    cols = []
    for line in body.split(","):
        line = line.strip()
        if not line:
            continue
        m = _COLUMN_RE.match(line)
        assert m, f"{path}: cannot parse column definition {line!r}"
        cols.append((m.group(1), m.group(2).upper()))
    return cols


@pytest.fixture(scope="session")
def schemas() -> dict[str, list[tuple[str, str]]]:
    return {p.stem: parse_schema(p) for p in sorted(SCHEMA_DIR.glob("*.sql"))}


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    if not SAMPLE_DIR.is_dir():
        pytest.skip(f"real data sample not found at {SAMPLE_DIR} (expected <repo>/../shared/data/kaggle-sample)")
    missing = [t for t in SAMPLE_TABLES if not (SAMPLE_DIR / f"{t}.csv").is_file()]
    if missing:
        pytest.skip(f"real data sample at {SAMPLE_DIR} lacks {', '.join(m + '.csv' for m in missing)}")
    return SAMPLE_DIR


@pytest.fixture(scope="session")
def gen_dir(nq: Path, tmp_path_factory) -> Path:
    """`nq gen --events 30000 --seed 3`, generated once per session."""
    out = tmp_path_factory.mktemp("gen")
    try:
        run_nq(nq, "gen", "--out", str(out), "--events", str(GEN_EVENTS), "--seed", str(GEN_SEED), timeout=300)
    except subprocess.TimeoutExpired:
        pytest.fail(f"nq gen --events {GEN_EVENTS} did not finish in 300 s", pytrace=False)
    missing = [t for t in GEN_TABLES if not (out / f"{t}.csv").is_file()]
    assert not missing, f"nq gen did not write {missing}"
    return out


# --- Kafka-protocol broker for the streaming tests ---------------------------------------------------

def noida_binary() -> Path | None:
    """The real noida-db binary inside the installed package (the console-script wrapper does not stop
    its child when killed, so the tests start the binary itself)."""
    try:
        import noida_db  # noqa: PLC0415
    except ImportError:
        return None
    path = Path(noida_db.__file__).resolve().parent / "noida-db"
    return path if path.is_file() and os.access(path, os.X_OK) else None


def free_port() -> int:
    import socket  # noqa: PLC0415
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory) -> str:
    """A noida-db Kafka broker on 127.0.0.1 (a free port, a temporary data dir), killed at the end."""
    import socket  # noqa: PLC0415
    import time  # noqa: PLC0415
    binary = noida_binary()
    if binary is None:
        pytest.fail("noida-db is not installed: pip install -r scripts/requirements-test.txt", pytrace=False)
    port = int(os.environ.get("NQ_TEST_KAFKA_PORT") or free_port())
    data = tmp_path_factory.mktemp("noida")
    log = open(data / "broker.log", "w")
    proc = subprocess.Popen([str(binary), "start", "--only", "kafka", "--host", "127.0.0.1", "--kafka-port", str(port),
                             "--data-dir", str(data / "db")], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            pytest.fail(f"noida-db exited with {proc.returncode}: {(data / 'broker.log').read_text()[-2000:]}", pytrace=False)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"noida-db did not accept connections on 127.0.0.1:{port} within 60 s", pytrace=False)
            time.sleep(0.2)
    yield f"127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()
