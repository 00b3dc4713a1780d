#!/usr/bin/env bash
# The README's main command: set up, build (release), generate a data set with `nq gen`, ingest it,
# print a few answers, and build the dashboards (demo/site/index.html). EVENTS (default 1,000,000) and SEED (default 7) size the data set;
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
echo "== a few answers"
"$NQ" "select m.genre_primary, count(*) as sessions, round(avg(w.watch_duration_minutes), 1) as avg_minutes
       from watch_history w join movies m using (movie_id)
       group by 1 order by sessions desc limit 5"
"$NQ" "select date_trunc(watch_date, month) as month, count(distinct user_id) as active_users, count(*) as sessions
       from watch_history group by 1 order by 1 desc limit 6"
"$NQ" "select u.subscription_plan, u.country, count(*) as users, round(avg(u.monthly_spend), 2) as avg_spend
       from users u group by 1, 2 order by 1, 2"
"$NQ" "select action, count(*) as events, round(100 * count(*) / sum(count(*)) over (), 1) as pct
       from watch_history group by action order by events desc"
echo "== integrity"
"$NQ" check
echo "== dashboards"
"$NQ" dashboard build --out demo/site
echo
echo "Store: $NQ_STORE   (try: $NQ --store $NQ_STORE describe movies)"
echo "Dashboards: open $PWD/demo/site/index.html   (live: $NQ dashboard serve, then http://127.0.0.1:8080/)"
