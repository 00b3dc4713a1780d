#!/usr/bin/env bash
# The README's main command: set up, build (release), generate a data set with `nq gen`, ingest it,
# and print a few answers. EVENTS (default 1,000,000) and SEED (default 7) size the data set;
# the store and the data go under ./demo/ (NQ_STORE is set to ./demo/nq-data).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
EVENTS="${EVENTS:-1000000}"
SEED="${SEED:-7}"
echo "== build (release)"
swift build -c release --product nq
NQ="$PWD/.build/release/nq"
export NQ_STORE="$PWD/demo/nq-data"
mkdir -p demo
echo "== generate $EVENTS watch events (seed $SEED)"
"$NQ" gen --out demo/data --events "$EVENTS" --seed "$SEED"
echo "== ingest"
"$NQ" ingest demo/data
echo "== tables"
"$NQ" tables
echo "== watch_history"
"$NQ" describe watch_history
echo "== users (full scan: counts and sums)"
"$NQ" describe users --summarize
echo "== integrity"
"$NQ" check
echo
echo "Store: $NQ_STORE   (try: $NQ --store $NQ_STORE describe movies)"
