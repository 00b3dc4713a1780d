-- monthly_active_users: one row per month of watch_history_clean.
CREATE OR REPLACE TABLE monthly_active_users AS
SELECT DATE_TRUNC(watch_date, MONTH) AS month,
  COUNT(DISTINCT user_id) AS active_users,
  COUNT(*) AS sessions,
  COALESCE(SUM(watch_duration_minutes), 0) AS total_watch_minutes
FROM watch_history_clean
WHERE watch_date IS NOT NULL
GROUP BY month;
