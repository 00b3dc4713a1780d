-- watch_history_clean: one row per session_id, only sessions of known users and titles.
-- 1. exact duplicates dropped; a session_id with different rows keeps the first by every column
--    (in schema order, NULLs last), so reruns keep the same row;
-- 2. rows whose user_id is not in users_clean or whose movie_id is not in movies_clean are dropped;
-- 3. a negative watch_duration_minutes and a progress_percentage outside 0-100 become NULL.
-- tmp_ tables are scratch: `nq batch` drops them at the end of the run.
CREATE OR REPLACE TABLE tmp_watch_history_dedup AS
SELECT * EXCEPT (rn)
FROM (
  SELECT *,
    ROW_NUMBER() OVER (
      PARTITION BY session_id
      ORDER BY user_id ASC NULLS LAST, movie_id ASC NULLS LAST, watch_date ASC NULLS LAST,
        device_type ASC NULLS LAST, watch_duration_minutes ASC NULLS LAST, progress_percentage ASC NULLS LAST,
        action ASC NULLS LAST, quality ASC NULLS LAST, location_country ASC NULLS LAST,
        is_download ASC NULLS LAST, user_rating ASC NULLS LAST) AS rn
  FROM watch_history
  WHERE session_id IS NOT NULL
)
WHERE rn = 1;

CREATE OR REPLACE TABLE watch_history_clean AS
SELECT
  session_id, user_id, movie_id, watch_date, device_type,
  IF(watch_duration_minutes < 0, NULL, watch_duration_minutes) AS watch_duration_minutes,
  IF(progress_percentage < 0 OR progress_percentage > 100, NULL, progress_percentage) AS progress_percentage,
  action, quality, location_country, is_download, user_rating
FROM tmp_watch_history_dedup
WHERE user_id IN (SELECT user_id FROM users_clean)
  AND movie_id IN (SELECT movie_id FROM movies_clean);
