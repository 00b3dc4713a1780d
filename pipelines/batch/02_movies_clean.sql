-- movies_clean: one row per movie_id (same rule as users_clean).
CREATE OR REPLACE TABLE movies_clean AS
SELECT * EXCEPT (rn)
FROM (
  SELECT *,
    ROW_NUMBER() OVER (
      PARTITION BY movie_id
      ORDER BY title ASC NULLS LAST, content_type ASC NULLS LAST, genre_primary ASC NULLS LAST,
        genre_secondary ASC NULLS LAST, release_year ASC NULLS LAST, duration_minutes ASC NULLS LAST,
        rating ASC NULLS LAST, language ASC NULLS LAST, country_of_origin ASC NULLS LAST,
        imdb_rating ASC NULLS LAST, production_budget ASC NULLS LAST, box_office_revenue ASC NULLS LAST,
        number_of_seasons ASC NULLS LAST, number_of_episodes ASC NULLS LAST, is_netflix_original ASC NULLS LAST,
        added_to_platform ASC NULLS LAST, content_warning ASC NULLS LAST) AS rn
  FROM movies
  WHERE movie_id IS NOT NULL
)
WHERE rn = 1;
