"""Helpers of the BigQuery integration tests: the local-bigquery emulator on 127.0.0.1, a small REST
reader that is independent of nq (tabledata.list, jobs.query), and the conversion of BigQuery cells to
the values `nq query --format json` prints.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VENV = REPO / ".venv-bq"
PROJECT = "nq-test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, what: str, timeout: float = 90) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode} before answering")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer at {url} within {timeout:g} s")


class Emulator:
    """local-bigquery serving on 127.0.0.1 with a data directory of its own."""

    def __init__(self, data_dir: Path, log_path: Path):
        exe = VENV / "bin" / "local-bigquery"
        if not exe.is_file():
            raise RuntimeError(f"{exe} not found: run scripts/setup-emulators.sh")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(
            [str(exe), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--grpc-port", str(free_port()),
             "--data-dir", str(data_dir), "--project", PROJECT],
            stdout=self.log, stderr=subprocess.STDOUT)
        wait_http(f"{self.url}/bigquery/v2/projects/{PROJECT}/datasets", self.proc, "local-bigquery")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()

    # ---- REST, independent of nq

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=120) as r:
            return json.loads(r.read() or b"{}")

    def table(self, dataset: str, table: str) -> dict:
        return self.call("GET", f"/bigquery/v2/projects/{PROJECT}/datasets/{dataset}/tables/{table}")

    def list_rows(self, dataset: str, table: str) -> tuple[list[dict], list[list]]:
        """(fields, rows) by tabledata.list, every page, timestamps as int64 microseconds."""
        fields = self.table(dataset, table)["schema"]["fields"]
        rows, token = [], None
        while True:
            q = "formatOptions.useInt64Timestamp=true&maxResults=5000" + (f"&pageToken={token}" if token else "")
            page = self.call("GET", f"/bigquery/v2/projects/{PROJECT}/datasets/{dataset}/tables/{table}/data?{q}")
            rows += [[c["v"] for c in r["f"]] for r in page.get("rows", [])]
            token = page.get("pageToken")
            if not token:
                return fields, rows

    def query(self, sql: str) -> tuple[list[dict], list[list]]:
        """(fields, rows) of jobs.query (GoogleSQL, int64 timestamps), following pages."""
        page = self.call("POST", f"/bigquery/v2/projects/{PROJECT}/queries",
                         {"query": sql, "useLegacySql": False, "formatOptions": {"useInt64Timestamp": True}})
        fields = page["schema"]["fields"]
        rows = [[c["v"] for c in r["f"]] for r in page.get("rows", [])]
        job = page["jobReference"]["jobId"]
        while page.get("pageToken"):
            page = self.call("GET", f"/bigquery/v2/projects/{PROJECT}/queries/{job}?formatOptions.useInt64Timestamp=true"
                                    f"&pageToken={page['pageToken']}")
            rows += [[c["v"] for c in r["f"]] for r in page.get("rows", [])]
        return fields, rows


EPOCH = dt.datetime(1970, 1, 1)


def as_nq_json(value, bq_type: str):
    """A BigQuery REST cell as `nq query --format json` prints the same value."""
    if value is None:
        return None
    t = bq_type.upper()
    if t in ("INTEGER", "INT64"):
        return int(value)
    if t in ("FLOAT", "FLOAT64"):
        f = float(value)
        if f != f:
            return "NaN"
        if f in (float("inf"), float("-inf")):
            return "Infinity" if f > 0 else "-Infinity"
        return f
    if t in ("BOOLEAN", "BOOL"):
        return value.lower()
    if t == "TIMESTAMP":
        return (EPOCH + dt.timedelta(microseconds=int(value))).isoformat(sep=" ")
    return value  # STRING, DATE


def converted(fields: list[dict], rows: list[list]) -> list[list]:
    return [[as_nq_json(v, f["type"]) for v, f in zip(r, fields)] for r in rows]


def clean_env(**extra: str) -> dict:
    """The environment for nq: no credentials of the machine's, plus `extra`."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("GOOGLE_APPLICATION_CREDENTIALS", "GCE_METADATA_HOST", "NQ_BIGQUERY_TOKEN", "NQ_BIGQUERY_PROJECT",
                        "NQ_BIGQUERY_DATASET", "NQ_BIGQUERY_ENDPOINT", "NQ_BIGQUERY_LOCATION", "CLOUDSDK_CONFIG",
                        "STORAGE_EMULATOR_HOST")}
    env.update(extra)
    return env
