-- One row per title. Source: movies.csv.
CREATE TABLE movies (
  movie_id STRING,
  title STRING,
  content_type STRING,
  genre_primary STRING,
  genre_secondary STRING,
  release_year INT64,
  duration_minutes INT64,
  rating STRING,
  language STRING,
  country_of_origin STRING,
  imdb_rating FLOAT64,
  production_budget FLOAT64,
  box_office_revenue FLOAT64,
  number_of_seasons INT64,
  number_of_episodes INT64,
  is_netflix_original BOOL,
  added_to_platform DATE,
  content_warning BOOL
);
