-- Looker Studio source for the historical charts by month, country and plan.
-- Rates come with their numerators so Looker Studio can re-aggregate them correctly
-- (SUM(skipped_sessions) / SUM(sessions)) after filtering, instead of averaging averages.
CREATE OR REPLACE VIEW nq.v_monthly_engagement AS
SELECT
  month,
  country,
  subscription_plan,
  active_users,
  sessions,
  total_watch_minutes,
  avg_watch_minutes,
  distinct_titles,
  completion_rate,
  skip_rate,
  retention_rate,
  completion_rate * sessions AS completed_sessions,
  skip_rate * sessions AS skipped_sessions,
  retained_users
FROM nq.monthly_engagement
