"""The deployment files: deploy/compose.yaml checked by a real Compose implementation (Debian's
docker-compose, `config` only: no Docker engine runs here, so nothing is started), and the BigQuery
views of deploy/bigquery run by nq itself over the fixture tables (their SQL is GoogleSQL within
nq's subset, so a view that nq cannot run would likely fail in BigQuery too)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, run_nq

COMPOSE = REPO / "deploy" / "compose.yaml"
VIEWS = sorted((REPO / "deploy" / "bigquery").glob("*.sql"))
FIXTURES = REPO / "Tests" / "DashboardTests" / "fixtures"


def compose(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    exe = shutil.which("docker-compose")
    if not exe:
        pytest.fail("docker-compose not found: scripts/setup.sh installs Debian's docker-compose", pytrace=False)
    return subprocess.run([exe, "-f", str(COMPOSE), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})}, cwd=REPO)


def test_compose_file_is_valid_and_has_every_role():
    p = compose("config", "-q")
    assert p.returncode == 0, p.stderr
    services = set(compose("config", "--services").stdout.split())
    assert services == {"kafka", "producer", "consumer", "batch", "dashboard"}


def test_compose_shares_one_store_and_mounts_credentials_as_a_secret(tmp_path):
    key = tmp_path / "key.json"
    key.write_text("{}")
    p = compose("config", env={"NQ_GCP_CREDENTIALS": str(key)})
    assert p.returncode == 0, p.stderr
    text = p.stdout
    import yaml  # scripts/requirements-test.txt
    cfg = yaml.safe_load(text)
    svc = cfg["services"]
    for name in ("producer", "consumer", "batch", "dashboard"):
        vols = [v if isinstance(v, str) else f"{v['source']}:{v['target']}" for v in svc[name]["volumes"]]
        assert any(v.startswith("store:/data") for v in vols), f"{name}: {vols}"
    kafka_env = svc["kafka"]["environment"]
    assert kafka_env["KAFKA_PROCESS_ROLES"] == "broker,controller" and "zookeeper" not in text.lower()
    assert "--export" in svc["consumer"]["command"]
    assert "nq batch --export" in " ".join(svc["batch"]["command"]) and "cron" in " ".join(svc["batch"]["command"])
    assert svc["dashboard"]["command"][:2] == ["dashboard", "serve"]
    assert cfg["secrets"]["gcp-credentials"]["file"] == str(key)
    for name in ("consumer", "batch"):
        assert any((s if isinstance(s, str) else s["source"]) == "gcp-credentials" for s in svc[name]["secrets"])
        assert svc[name]["environment"]["GOOGLE_APPLICATION_CREDENTIALS"] == "/run/secrets/gcp-credentials"
    ports = svc["dashboard"]["ports"]
    assert all(str(p.get("host_ip", p) if isinstance(p, dict) else p).startswith("127.0.0.1") for p in ports)


@pytest.fixture(scope="module")
def store(nq, tmp_path_factory) -> Path:
    s = tmp_path_factory.mktemp("views") / "store"
    for f in sorted(FIXTURES.glob("*.csv")):
        run_nq(nq, "ingest", str(f), "--table", f.stem, store=s)
    return s


@pytest.mark.parametrize("view", VIEWS, ids=[v.stem for v in VIEWS])
def test_bigquery_view_runs_over_the_tables(nq, store, view):
    sql = re.sub(r"--[^\n]*", "", view.read_text())
    m = re.match(r"\s*CREATE OR REPLACE VIEW nq\.(\w+) AS\s+(.*)$", sql, re.S)
    assert m and m.group(1) == view.stem, f"{view.name}: must define the view nq.{view.stem}"
    select = m.group(2).replace("nq.", "")
    rows = json.loads(run_nq(nq, "query", select, "--format", "json", store=store).stdout or "[]")
    assert rows, f"{view.name} returned no rows"
