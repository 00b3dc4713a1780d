-- users_clean: one row per user_id.
-- Exact duplicate rows are dropped; when one user_id has several different rows, the row that sorts
-- first by every column (in schema order, NULLs last) is kept, so reruns keep the same row.
CREATE OR REPLACE TABLE users_clean AS
SELECT * EXCEPT (rn)
FROM (
  SELECT *,
    ROW_NUMBER() OVER (
      PARTITION BY user_id
      ORDER BY email ASC NULLS LAST, first_name ASC NULLS LAST, last_name ASC NULLS LAST, age ASC NULLS LAST,
        gender ASC NULLS LAST, country ASC NULLS LAST, state_province ASC NULLS LAST, city ASC NULLS LAST,
        subscription_plan ASC NULLS LAST, subscription_start_date ASC NULLS LAST, is_active ASC NULLS LAST,
        monthly_spend ASC NULLS LAST, primary_device ASC NULLS LAST, household_size ASC NULLS LAST,
        created_at ASC NULLS LAST) AS rn
  FROM users
  WHERE user_id IS NOT NULL
)
WHERE rn = 1;
