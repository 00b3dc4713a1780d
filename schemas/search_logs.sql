-- One row per search. Source: search_logs.csv.
CREATE TABLE search_logs (
  search_id STRING,
  user_id STRING,
  search_query STRING,
  search_date DATE,
  results_returned INT64,
  clicked_result_position INT64,
  device_type STRING,
  search_duration_seconds FLOAT64,
  had_typo BOOL,
  used_filters BOOL,
  location_country STRING
);
