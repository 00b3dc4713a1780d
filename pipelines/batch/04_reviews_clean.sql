-- reviews_clean: one row per review_id (same rule as users_clean).
CREATE OR REPLACE TABLE reviews_clean AS
SELECT * EXCEPT (rn)
FROM (
  SELECT *,
    ROW_NUMBER() OVER (
      PARTITION BY review_id
      ORDER BY user_id ASC NULLS LAST, movie_id ASC NULLS LAST, rating ASC NULLS LAST,
        review_date ASC NULLS LAST, device_type ASC NULLS LAST, is_verified_watch ASC NULLS LAST,
        helpful_votes ASC NULLS LAST, total_votes ASC NULLS LAST, review_text ASC NULLS LAST,
        sentiment ASC NULLS LAST, sentiment_score ASC NULLS LAST) AS rn
  FROM reviews
  WHERE review_id IS NOT NULL
)
WHERE rn = 1;
