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
  w.session_id, w.user_id, w.movie_id, w.watch_date, w.device_type,
  IF(w.watch_duration_minutes < 0, NULL, w.watch_duration_minutes) AS watch_duration_minutes,
  IF(w.progress_percentage < 0 OR w.progress_percentage > 100, NULL, w.progress_percentage) AS progress_percentage,
  w.action, w.quality, w.location_country, w.is_download, w.user_rating
FROM tmp_watch_history_dedup AS w
-- users_clean and movies_clean hold one row per key, so these joins only keep the known ones.
JOIN users_clean AS u ON u.user_id = w.user_id
JOIN movies_clean AS m ON m.movie_id = w.movie_id;
