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
-- For each (month, country, plan): the users active in that month or in the month before it. Each
-- session counts once under its own month and once under the next (shift 0 and 1), so one
-- COUNT(DISTINCT) per segment gives the size of the union. A user is retained in a month when the same
-- (user, country, plan) was active the month before, i.e. is in both sets, so
--   retained_users = active_users(month) + active_users(month before) - users_in_either.
-- This replaces a SELECT DISTINCT of every (month, country, plan, user) and a LAG window over it; the
-- numbers are the same (docs/metrics.md). The sessions are joined with users once and read by both
-- segment_month and either (a cross join with the two shifts, not a UNION ALL of two joins).
either AS (
  SELECT month, country, subscription_plan, COUNT(DISTINCT user_id) AS users_in_either
  FROM (
    SELECT DATE_ADD(s.month, INTERVAL k.shift MONTH) AS month, s.country, s.subscription_plan, s.user_id
    FROM sessions AS s
    CROSS JOIN (SELECT 0 AS shift UNION ALL SELECT 1 AS shift) AS k
  )
  GROUP BY month, country, subscription_plan
)
SELECT s.month, s.country, s.subscription_plan, s.active_users, s.sessions, s.total_watch_minutes,
  s.avg_watch_minutes, s.distinct_titles, s.completion_rate, s.skip_rate,
  s.active_users + COALESCE(p.active_users, 0) - e.users_in_either AS retained_users,
  IF(p.active_users IS NULL, NULL, (s.active_users + p.active_users - e.users_in_either) / p.active_users) AS retention_rate
FROM segment_month AS s
JOIN either AS e
  ON e.month = s.month
 AND e.country IS NOT DISTINCT FROM s.country
 AND e.subscription_plan IS NOT DISTINCT FROM s.subscription_plan
LEFT JOIN segment_month AS p
  ON p.month = DATE_SUB(s.month, INTERVAL 1 MONTH)
 AND p.country IS NOT DISTINCT FROM s.country
 AND p.subscription_plan IS NOT DISTINCT FROM s.subscription_plan;
