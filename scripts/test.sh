#!/usr/bin/env bash
# The test command of the README: sets up what the tests need, then runs every suite.
#   1. Debian packages and the Python oracles (scripts/setup.sh --with-python); the BigQuery and Cloud
#      Storage emulators in .venv-bq (scripts/setup-emulators.sh)
#   2. swift build + swift test           (unit tests and CLI tests that run the real binary)
#   3. fuzz targets for a bounded time    (scripts/fuzz.sh; FUZZ_SECONDS, default 60 each)
#   4. pytest Tests/oracle                (DuckDB as the oracle; crash-safety kills; BigQuery export and
#                                          queries against the local-bigquery emulator on 127.0.0.1)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --with-python
scripts/setup-emulators.sh

echo "== swift build"
swift build
echo "== swift test"
swift test 2>&1 | grep -v -E '^(◇|↳)' || { echo "swift test failed"; exit 1; }

echo "== fuzz"
scripts/fuzz.sh "${FUZZ_SECONDS:-60}" FuzzCSVReader FuzzSegmentReader FuzzSQLParser

echo "== oracle tests (pytest)"
NQ_BIN="$PWD/.build/debug/nq" python3 -m pytest Tests/oracle -q -p no:cacheprovider
