#!/usr/bin/env bash
# The README's main command: set up, build (release), generate a data set with `nq gen`, ingest it,
# run the batch pipeline (`nq batch`: clean tables and monthly metrics), print a few answers, and build the
# dashboards (demo/site/index.html). EVENTS (default 1,000,000) and SEED (default 7) size the data set;
# the store and the data go under ./demo/ (NQ_STORE is set to ./demo/nq-data).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
EVENTS="${EVENTS:-1000000}"
SEED="${SEED:-7}"
echo "== build (release)"
swift build -c release --product nq --static-swift-stdlib   # Swift runtime linked in: ~30 % less start-up CPU (docs/BENCHMARKS.md)
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
echo "== batch pipeline (pipelines/batch/*.sql)"
"$NQ" batch --quiet
"$NQ" "select month, active_users, sessions, round(total_watch_minutes) as minutes
       from monthly_active_users order by month desc limit 6"
"$NQ" "select month, subscription_plan, sum(active_users) as active_users,
              round(sum(retained_users) / sum(active_users), 3) as share_retained
       from monthly_engagement where month = (select max(month) from monthly_engagement)
       group by 1, 2 order by 2"
"$NQ" "select cohort_month, months_since_signup, cohort_size, round(retention_rate, 3) as retention
       from cohort_retention where cohort_month = (select max(cohort_month) from cohort_retention where months_since_signup >= 3)
       order by months_since_signup limit 6"
"$NQ" "select \`table\`, rule, \`rows\` from dq_report
       where run_id = (select max(run_id) from _runs where status = 'succeeded') and \`rows\` > 0 order by 1, 2"
echo "== integrity"
"$NQ" check
echo "== dashboards"
"$NQ" dashboard build --out demo/site
echo
echo "Store: $NQ_STORE   (try: $NQ --store $NQ_STORE describe movies)"
echo "Dashboards: open $PWD/demo/site/index.html   (live: $NQ dashboard serve, then http://127.0.0.1:8080/)"
