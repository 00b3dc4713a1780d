-- Looker Studio source for the retention heatmap (pivot table: cohort × months since signup).
CREATE OR REPLACE VIEW nq.v_cohort_retention AS
SELECT
  cohort_month,
  FORMAT_DATE('%Y-%m', cohort_month) AS cohort,
  months_since_signup,
  cohort_size,
  active_users,
  retention_rate
FROM nq.cohort_retention
