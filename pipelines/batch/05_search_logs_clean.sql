-- search_logs_clean: one row per search_id (same rule as users_clean).
CREATE OR REPLACE TABLE search_logs_clean AS
SELECT * EXCEPT (rn)
FROM (
  SELECT *,
    ROW_NUMBER() OVER (
      PARTITION BY search_id
      ORDER BY user_id ASC NULLS LAST, search_query ASC NULLS LAST, search_date ASC NULLS LAST,
        results_returned ASC NULLS LAST, clicked_result_position ASC NULLS LAST, device_type ASC NULLS LAST,
        search_duration_seconds ASC NULLS LAST, had_typo ASC NULLS LAST, used_filters ASC NULLS LAST,
        location_country ASC NULLS LAST) AS rn
  FROM search_logs
  WHERE search_id IS NOT NULL
)
WHERE rn = 1;
