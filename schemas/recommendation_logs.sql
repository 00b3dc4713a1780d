-- One row per recommendation shown. Source: recommendation_logs.csv.
CREATE TABLE recommendation_logs (
  recommendation_id STRING,
  user_id STRING,
  movie_id STRING,
  recommendation_date DATE,
  recommendation_type STRING,
  recommendation_score FLOAT64,
  was_clicked BOOL,
  position_in_list INT64,
  device_type STRING,
  time_of_day STRING,
  algorithm_version STRING
);
