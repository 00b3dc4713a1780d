-- One row per review. Source: reviews.csv.
CREATE TABLE reviews (
  review_id STRING,
  user_id STRING,
  movie_id STRING,
  rating INT64,
  review_date DATE,
  device_type STRING,
  is_verified_watch BOOL,
  helpful_votes INT64,
  total_votes INT64,
  review_text STRING,
  sentiment STRING,
  sentiment_score FLOAT64
);
