-- cohort_retention: one row per (cohort_month, months_since_signup >= 0) for every month that has
-- watch events, from the cohort's own month on; a month where no cohort user watched has
-- active_users = 0. Watch events before a user's signup month are not counted.
CREATE OR REPLACE TABLE cohort_retention AS
WITH cohorts AS (
  SELECT DATE_TRUNC(subscription_start_date, MONTH) AS cohort_month, COUNT(*) AS cohort_size
  FROM users_clean
  WHERE subscription_start_date IS NOT NULL
  GROUP BY cohort_month
),
data_months AS (
  SELECT DISTINCT DATE_TRUNC(watch_date, MONTH) AS month
  FROM watch_history_clean
  WHERE watch_date IS NOT NULL
),
activity AS (
  SELECT DATE_TRUNC(u.subscription_start_date, MONTH) AS cohort_month,
    DATE_TRUNC(w.watch_date, MONTH) AS month,
    COUNT(DISTINCT w.user_id) AS active_users
  FROM watch_history_clean AS w
  JOIN users_clean AS u ON u.user_id = w.user_id
  WHERE u.subscription_start_date IS NOT NULL AND w.watch_date IS NOT NULL
  GROUP BY cohort_month, month
)
SELECT c.cohort_month,
  DATE_DIFF(m.month, c.cohort_month, MONTH) AS months_since_signup,
  c.cohort_size,
  COALESCE(a.active_users, 0) AS active_users,
  COALESCE(a.active_users, 0) / c.cohort_size AS retention_rate
FROM cohorts AS c
CROSS JOIN data_months AS m
LEFT JOIN activity AS a ON a.cohort_month = c.cohort_month AND a.month = m.month
WHERE m.month >= c.cohort_month;
