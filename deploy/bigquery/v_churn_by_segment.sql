-- Looker Studio source for churn by plan and country (grouped bars).
CREATE OR REPLACE VIEW nq.v_churn_by_segment AS
SELECT
  country,
  subscription_plan,
  users,
  inactive_users,
  churn_rate,
  avg_monthly_spend
FROM nq.churn_by_segment
