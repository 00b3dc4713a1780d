-- Looker Studio source for genre performance over time; genre_rank (1 = most watched minutes over
-- all months) lets a chart filter on the top 8 genres, as the nq dashboard does.
CREATE OR REPLACE VIEW nq.v_genre_monthly AS
WITH totals AS (
  SELECT genre_primary, SUM(total_watch_minutes) AS all_minutes
  FROM nq.genre_monthly
  GROUP BY genre_primary
)
SELECT
  g.month,
  g.genre_primary,
  g.sessions,
  g.total_watch_minutes,
  g.reviews,
  g.avg_rating,
  g.avg_rating * g.reviews AS rating_points,
  g.completion_rate,
  g.skip_rate,
  DENSE_RANK() OVER (ORDER BY t.all_minutes DESC, g.genre_primary) AS genre_rank
FROM nq.genre_monthly AS g
JOIN totals AS t ON t.genre_primary = g.genre_primary
