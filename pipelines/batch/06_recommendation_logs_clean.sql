-- recommendation_logs_clean: one row per recommendation_id (same rule as users_clean).
CREATE OR REPLACE TABLE recommendation_logs_clean AS
SELECT * EXCEPT (rn)
FROM (
  SELECT *,
    ROW_NUMBER() OVER (
      PARTITION BY recommendation_id
      ORDER BY user_id ASC NULLS LAST, movie_id ASC NULLS LAST, recommendation_date ASC NULLS LAST,
        recommendation_type ASC NULLS LAST, recommendation_score ASC NULLS LAST, was_clicked ASC NULLS LAST,
        position_in_list ASC NULLS LAST, device_type ASC NULLS LAST, time_of_day ASC NULLS LAST,
        algorithm_version ASC NULLS LAST) AS rn
  FROM recommendation_logs
  WHERE recommendation_id IS NOT NULL
)
WHERE rn = 1;
