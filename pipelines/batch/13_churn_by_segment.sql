-- churn_by_segment: one row per (country, subscription_plan) of users_clean. inactive_users counts
-- is_active = false (a NULL is_active is neither active nor inactive); churn_rate = inactive_users / users.
CREATE OR REPLACE TABLE churn_by_segment AS
SELECT country, subscription_plan,
  COUNT(*) AS users,
  COUNTIF(is_active = FALSE) AS inactive_users,
  COUNTIF(is_active = FALSE) / COUNT(*) AS churn_rate,
  AVG(monthly_spend) AS avg_monthly_spend
FROM users_clean
GROUP BY country, subscription_plan;
