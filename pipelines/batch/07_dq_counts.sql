-- Data-quality counts of this run's cleaning, one row per (table, rule). `nq batch` appends them to
-- dq_report with the run's run_id. Rules:
--   null_key_rows_dropped         rows whose primary key is NULL
--   exact_duplicate_rows_dropped  copies of a row identical in every column, beyond the first
--   conflicting_key_rows_dropped  rows of a key that has several different rows, beyond the kept one
--   unknown_user_rows_dropped     watch rows whose user_id is not in users_clean
--   unknown_movie_rows_dropped    watch rows of a known user whose movie_id is not in movies_clean
--   negative_duration_nulled      kept watch rows whose watch_duration_minutes was < 0
--   progress_out_of_range_nulled  kept watch rows whose progress_percentage was outside 0-100
CREATE OR REPLACE TABLE tmp_dq_counts AS
SELECT 'users' AS `table`, 'null_key_rows_dropped' AS rule, (SELECT COUNT(*) FROM users WHERE user_id IS NULL) AS `rows`
UNION ALL SELECT 'users', 'exact_duplicate_rows_dropped',
  (SELECT COUNT(*) FROM users WHERE user_id IS NOT NULL) - (SELECT COUNT(*) FROM (SELECT DISTINCT * FROM users WHERE user_id IS NOT NULL))
UNION ALL SELECT 'users', 'conflicting_key_rows_dropped',
  (SELECT COUNT(*) FROM (SELECT DISTINCT * FROM users WHERE user_id IS NOT NULL)) - (SELECT COUNT(*) FROM users_clean)
UNION ALL SELECT 'movies', 'null_key_rows_dropped', (SELECT COUNT(*) FROM movies WHERE movie_id IS NULL)
UNION ALL SELECT 'movies', 'exact_duplicate_rows_dropped',
  (SELECT COUNT(*) FROM movies WHERE movie_id IS NOT NULL) - (SELECT COUNT(*) FROM (SELECT DISTINCT * FROM movies WHERE movie_id IS NOT NULL))
UNION ALL SELECT 'movies', 'conflicting_key_rows_dropped',
  (SELECT COUNT(*) FROM (SELECT DISTINCT * FROM movies WHERE movie_id IS NOT NULL)) - (SELECT COUNT(*) FROM movies_clean)
UNION ALL SELECT 'watch_history', 'null_key_rows_dropped', (SELECT COUNT(*) FROM watch_history WHERE session_id IS NULL)
UNION ALL SELECT 'watch_history', 'exact_duplicate_rows_dropped',
  (SELECT COUNT(*) FROM watch_history WHERE session_id IS NOT NULL) - (SELECT COUNT(*) FROM (SELECT DISTINCT * FROM watch_history WHERE session_id IS NOT NULL))
UNION ALL SELECT 'watch_history', 'conflicting_key_rows_dropped',
  (SELECT COUNT(*) FROM (SELECT DISTINCT * FROM watch_history WHERE session_id IS NOT NULL)) - (SELECT COUNT(*) FROM tmp_watch_history_dedup)
UNION ALL SELECT 'watch_history', 'unknown_user_rows_dropped',
  (SELECT COUNT(*) FROM tmp_watch_history_dedup WHERE user_id IS NULL OR user_id NOT IN (SELECT user_id FROM users_clean))
UNION ALL SELECT 'watch_history', 'unknown_movie_rows_dropped',
  (SELECT COUNT(*) FROM tmp_watch_history_dedup
   WHERE user_id IN (SELECT user_id FROM users_clean)
     AND (movie_id IS NULL OR movie_id NOT IN (SELECT movie_id FROM movies_clean)))
UNION ALL SELECT 'watch_history', 'negative_duration_nulled',
  (SELECT COUNT(*) FROM tmp_watch_history_dedup
   WHERE user_id IN (SELECT user_id FROM users_clean) AND movie_id IN (SELECT movie_id FROM movies_clean)
     AND watch_duration_minutes < 0)
UNION ALL SELECT 'watch_history', 'progress_out_of_range_nulled',
  (SELECT COUNT(*) FROM tmp_watch_history_dedup
   WHERE user_id IN (SELECT user_id FROM users_clean) AND movie_id IN (SELECT movie_id FROM movies_clean)
     AND (progress_percentage < 0 OR progress_percentage > 100))
UNION ALL SELECT 'reviews', 'null_key_rows_dropped', (SELECT COUNT(*) FROM reviews WHERE review_id IS NULL)
UNION ALL SELECT 'reviews', 'exact_duplicate_rows_dropped',
  (SELECT COUNT(*) FROM reviews WHERE review_id IS NOT NULL) - (SELECT COUNT(*) FROM (SELECT DISTINCT * FROM reviews WHERE review_id IS NOT NULL))
UNION ALL SELECT 'reviews', 'conflicting_key_rows_dropped',
  (SELECT COUNT(*) FROM (SELECT DISTINCT * FROM reviews WHERE review_id IS NOT NULL)) - (SELECT COUNT(*) FROM reviews_clean)
UNION ALL SELECT 'search_logs', 'null_key_rows_dropped', (SELECT COUNT(*) FROM search_logs WHERE search_id IS NULL)
UNION ALL SELECT 'search_logs', 'exact_duplicate_rows_dropped',
  (SELECT COUNT(*) FROM search_logs WHERE search_id IS NOT NULL) - (SELECT COUNT(*) FROM (SELECT DISTINCT * FROM search_logs WHERE search_id IS NOT NULL))
UNION ALL SELECT 'search_logs', 'conflicting_key_rows_dropped',
  (SELECT COUNT(*) FROM (SELECT DISTINCT * FROM search_logs WHERE search_id IS NOT NULL)) - (SELECT COUNT(*) FROM search_logs_clean)
UNION ALL SELECT 'recommendation_logs', 'null_key_rows_dropped', (SELECT COUNT(*) FROM recommendation_logs WHERE recommendation_id IS NULL)
UNION ALL SELECT 'recommendation_logs', 'exact_duplicate_rows_dropped',
  (SELECT COUNT(*) FROM recommendation_logs WHERE recommendation_id IS NOT NULL)
  - (SELECT COUNT(*) FROM (SELECT DISTINCT * FROM recommendation_logs WHERE recommendation_id IS NOT NULL))
UNION ALL SELECT 'recommendation_logs', 'conflicting_key_rows_dropped',
  (SELECT COUNT(*) FROM (SELECT DISTINCT * FROM recommendation_logs WHERE recommendation_id IS NOT NULL))
  - (SELECT COUNT(*) FROM recommendation_logs_clean);
