-- genre_monthly: one row per (month, genre_primary) that has sessions or reviews. Watch figures by
-- DATE_TRUNC(watch_date, MONTH), review figures by DATE_TRUNC(review_date, MONTH); the genre is the
-- title's movies_clean.genre_primary (reviews of unknown titles are left out).
CREATE OR REPLACE TABLE genre_monthly AS
WITH watch AS (
  SELECT DATE_TRUNC(w.watch_date, MONTH) AS month, m.genre_primary,
    COUNT(*) AS sessions,
    COALESCE(SUM(w.watch_duration_minutes), 0) AS total_watch_minutes,
    COUNTIF(w.action = 'completed') / COUNT(*) AS completion_rate,
    COUNTIF(w.action = 'stopped' AND w.progress_percentage < 25) / COUNT(*) AS skip_rate
  FROM watch_history_clean AS w
  JOIN movies_clean AS m ON m.movie_id = w.movie_id
  WHERE w.watch_date IS NOT NULL
  GROUP BY month, genre_primary
),
rated AS (
  SELECT DATE_TRUNC(r.review_date, MONTH) AS month, m.genre_primary,
    COUNT(*) AS reviews,
    AVG(r.rating) AS avg_rating
  FROM reviews_clean AS r
  JOIN movies_clean AS m ON m.movie_id = r.movie_id
  WHERE r.review_date IS NOT NULL
  GROUP BY month, genre_primary
)
SELECT COALESCE(w.month, r.month) AS month,
  COALESCE(w.genre_primary, r.genre_primary) AS genre_primary,
  COALESCE(w.sessions, 0) AS sessions,
  COALESCE(w.total_watch_minutes, 0) AS total_watch_minutes,
  w.completion_rate,
  w.skip_rate,
  COALESCE(r.reviews, 0) AS reviews,
  r.avg_rating
FROM watch AS w
FULL JOIN rated AS r
  ON r.month = w.month AND r.genre_primary IS NOT DISTINCT FROM w.genre_primary;
