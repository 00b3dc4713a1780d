-- Data-quality counts of this run's cleaning, one row per (table, rule). `nq batch` appends them to
-- dq_report with the run's run_id. Rules (docs/metrics.md):
--   null_key_rows_dropped         rows whose primary key is NULL
--   exact_duplicate_rows_dropped  copies of a row identical in every column, beyond the first
--   conflicting_key_rows_dropped  rows of a key that has several different rows, beyond the kept one
--   unknown_user_rows_dropped     watch rows whose user_id is not in users_clean
--   unknown_movie_rows_dropped    watch rows of a known user whose movie_id is not in movies_clean
--   negative_duration_nulled      kept watch rows whose watch_duration_minutes was < 0
--   progress_out_of_range_nulled  kept watch rows whose progress_percentage was outside 0-100
-- Each expensive count (SELECT DISTINCT over a whole table) is computed once, into a scratch table.

CREATE OR REPLACE TABLE tmp_dq_table_counts AS
SELECT 'users' AS source,
  (SELECT COUNTIF(user_id IS NULL) FROM users) AS null_keys,
  (SELECT COUNTIF(user_id IS NOT NULL) FROM users) AS keyed_rows,
  (SELECT COUNT(*) FROM (SELECT DISTINCT * FROM users WHERE user_id IS NOT NULL)) AS distinct_rows,
  (SELECT COUNT(*) FROM users_clean) AS kept_rows
UNION ALL
SELECT 'movies' AS source,
  (SELECT COUNTIF(movie_id IS NULL) FROM movies) AS null_keys,
  (SELECT COUNTIF(movie_id IS NOT NULL) FROM movies) AS keyed_rows,
  (SELECT COUNT(*) FROM (SELECT DISTINCT * FROM movies WHERE movie_id IS NOT NULL)) AS distinct_rows,
  (SELECT COUNT(*) FROM movies_clean) AS kept_rows
UNION ALL
SELECT 'watch_history' AS source,
  (SELECT COUNTIF(session_id IS NULL) FROM watch_history) AS null_keys,
  (SELECT COUNTIF(session_id IS NOT NULL) FROM watch_history) AS keyed_rows,
  (SELECT COUNT(*) FROM (SELECT DISTINCT * FROM watch_history WHERE session_id IS NOT NULL)) AS distinct_rows,
  (SELECT COUNT(*) FROM tmp_watch_history_dedup) AS kept_rows
UNION ALL
SELECT 'reviews' AS source,
  (SELECT COUNTIF(review_id IS NULL) FROM reviews) AS null_keys,
  (SELECT COUNTIF(review_id IS NOT NULL) FROM reviews) AS keyed_rows,
  (SELECT COUNT(*) FROM (SELECT DISTINCT * FROM reviews WHERE review_id IS NOT NULL)) AS distinct_rows,
  (SELECT COUNT(*) FROM reviews_clean) AS kept_rows
UNION ALL
SELECT 'search_logs' AS source,
  (SELECT COUNTIF(search_id IS NULL) FROM search_logs) AS null_keys,
  (SELECT COUNTIF(search_id IS NOT NULL) FROM search_logs) AS keyed_rows,
  (SELECT COUNT(*) FROM (SELECT DISTINCT * FROM search_logs WHERE search_id IS NOT NULL)) AS distinct_rows,
  (SELECT COUNT(*) FROM search_logs_clean) AS kept_rows
UNION ALL
SELECT 'recommendation_logs' AS source,
  (SELECT COUNTIF(recommendation_id IS NULL) FROM recommendation_logs) AS null_keys,
  (SELECT COUNTIF(recommendation_id IS NOT NULL) FROM recommendation_logs) AS keyed_rows,
  (SELECT COUNT(*) FROM (SELECT DISTINCT * FROM recommendation_logs WHERE recommendation_id IS NOT NULL)) AS distinct_rows,
  (SELECT COUNT(*) FROM recommendation_logs_clean) AS kept_rows;

CREATE OR REPLACE TABLE tmp_dq_watch_counts AS
SELECT
  COUNTIF(NOT known_user) AS unknown_user,
  COUNTIF(known_user AND NOT known_movie) AS unknown_movie,
  COUNTIF(known_user AND known_movie AND watch_duration_minutes < 0) AS negative_duration,
  COUNTIF(known_user AND known_movie AND (progress_percentage < 0 OR progress_percentage > 100)) AS progress_out_of_range
FROM (
  SELECT w.watch_duration_minutes, w.progress_percentage,
    u.user_id IS NOT NULL AS known_user,
    m.movie_id IS NOT NULL AS known_movie
  FROM tmp_watch_history_dedup AS w
  LEFT JOIN users_clean AS u ON u.user_id = w.user_id
  LEFT JOIN movies_clean AS m ON m.movie_id = w.movie_id
);

CREATE OR REPLACE TABLE tmp_dq_counts AS
SELECT source AS `table`, 'null_key_rows_dropped' AS rule, null_keys AS `rows` FROM tmp_dq_table_counts
UNION ALL SELECT source, 'exact_duplicate_rows_dropped', keyed_rows - distinct_rows FROM tmp_dq_table_counts
UNION ALL SELECT source, 'conflicting_key_rows_dropped', distinct_rows - kept_rows FROM tmp_dq_table_counts
UNION ALL SELECT 'watch_history', 'unknown_user_rows_dropped', unknown_user FROM tmp_dq_watch_counts
UNION ALL SELECT 'watch_history', 'unknown_movie_rows_dropped', unknown_movie FROM tmp_dq_watch_counts
UNION ALL SELECT 'watch_history', 'negative_duration_nulled', negative_duration FROM tmp_dq_watch_counts
UNION ALL SELECT 'watch_history', 'progress_out_of_range_nulled', progress_out_of_range FROM tmp_dq_watch_counts;
