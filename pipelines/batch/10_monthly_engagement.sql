-- monthly_engagement: one row per (month, country, subscription_plan); country and plan are the
-- user's account values (users_clean). See docs/metrics.md for every definition.
CREATE OR REPLACE TABLE monthly_engagement AS
WITH sessions AS (
  SELECT DATE_TRUNC(w.watch_date, MONTH) AS month, u.country, u.subscription_plan,
    w.user_id, w.movie_id, w.watch_duration_minutes, w.action, w.progress_percentage
  FROM watch_history_clean AS w
  JOIN users_clean AS u ON u.user_id = w.user_id
  WHERE w.watch_date IS NOT NULL
),
segment_month AS (
  SELECT month, country, subscription_plan,
    COUNT(DISTINCT user_id) AS active_users,
    COUNT(*) AS sessions,
    COALESCE(SUM(watch_duration_minutes), 0) AS total_watch_minutes,
    AVG(watch_duration_minutes) AS avg_watch_minutes,
    COUNT(DISTINCT movie_id) AS distinct_titles,
    COUNTIF(action = 'completed') / COUNT(*) AS completion_rate,
    COUNTIF(action = 'stopped' AND progress_percentage < 25) / COUNT(*) AS skip_rate
  FROM sessions
  GROUP BY month, country, subscription_plan
),
-- The same (month, country, plan, user) rows as `sessions` gives, read a second time rather than
-- kept from it, so `sessions` is read once and streamed instead of held whole.
active AS (
  SELECT DISTINCT DATE_TRUNC(w.watch_date, MONTH) AS month, u.country, u.subscription_plan, w.user_id
  FROM watch_history_clean AS w
  JOIN users_clean AS u ON u.user_id = w.user_id
  WHERE w.watch_date IS NOT NULL
),
-- A user is retained in a month when the same (user, country, plan) was active the month before:
-- the previous active month of that (user, country, plan) is exactly one month earlier.
retained AS (
  SELECT month, country, subscription_plan,
    COUNTIF(previous_month = DATE_SUB(month, INTERVAL 1 MONTH)) AS retained_users
  FROM (
    SELECT month, country, subscription_plan,
      LAG(month) OVER (PARTITION BY user_id, country, subscription_plan ORDER BY month) AS previous_month
    FROM active
  )
  GROUP BY month, country, subscription_plan
)
SELECT s.month, s.country, s.subscription_plan, s.active_users, s.sessions, s.total_watch_minutes,
  s.avg_watch_minutes, s.distinct_titles, s.completion_rate, s.skip_rate,
  COALESCE(r.retained_users, 0) AS retained_users,
  IF(p.active_users IS NULL, NULL, COALESCE(r.retained_users, 0) / p.active_users) AS retention_rate
FROM segment_month AS s
LEFT JOIN retained AS r
  ON r.month = s.month
 AND r.country IS NOT DISTINCT FROM s.country
 AND r.subscription_plan IS NOT DISTINCT FROM s.subscription_plan
LEFT JOIN segment_month AS p
  ON p.month = DATE_SUB(s.month, INTERVAL 1 MONTH)
 AND p.country IS NOT DISTINCT FROM s.country
 AND p.subscription_plan IS NOT DISTINCT FROM s.subscription_plan;
