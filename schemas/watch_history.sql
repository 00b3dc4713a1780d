-- The fact table: one row per viewing session. Source: watch_history.csv.
CREATE TABLE watch_history (
  session_id STRING,
  user_id STRING,
  movie_id STRING,
  watch_date DATE,
  device_type STRING,
  watch_duration_minutes FLOAT64,
  progress_percentage FLOAT64,
  action STRING,
  quality STRING,
  location_country STRING,
  is_download BOOL,
  user_rating INT64
);
