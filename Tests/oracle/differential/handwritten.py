"""Hand-written differential queries over the real sample (users, movies, reviews, search_logs) and over
`nq gen` data (watch_history, recommendation_logs and joins with the other tables).

`ordered=True` only where the ORDER BY totally orders the output: its keys are unique in the result, or
rows that tie on them are identical (the data has exact duplicate rows, which stay identical). Without
it the rows are compared as multisets.

Deliberately avoided (BigQuery and DuckDB differ and sqlglot does not translate the difference; the
DuckDB side cannot be adjusted without rewriting the query by hand):
- CAST(FLOAT64 AS STRING): BigQuery prints 2.0 as "2", DuckDB as "2.0".
- CAST(TIMESTAMP AS STRING): BigQuery appends the zone ("+00"), DuckDB does not.
- SUBSTR with position 0 or a negative position beyond the start: BigQuery starts at 1, DuckDB returns less.
- Division by zero with `/` (an error in BigQuery, NULL in DuckDB): checked by nq's golden tests instead.
"""
from __future__ import annotations

from .harness import Query

_QUERIES: list[Query] = []


def q(sql: str, data: str = "sample", ordered: bool = False, note: str = "", duck: str | None = None,
      approx: float | None = None, tag: str = "", unsupported: str = "") -> None:
    n = len(_QUERIES) + 1
    _QUERIES.append(Query(name=f"h{n:03d}{'_' + tag if tag else ''}", sql=" ".join(sql.split()), data=data,
                          ordered=ordered, note=note, duck=duck, approx=approx, unsupported=unsupported))


# ---------------------------------------------------------------------------------------------- basics
q("SELECT COUNT(*) FROM users", tag="count")
q("SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM movies), (SELECT COUNT(*) FROM reviews), "
  "(SELECT COUNT(*) FROM search_logs)", tag="scalar_subqueries")
q("SELECT * FROM users WHERE age >= 105 ORDER BY user_id", ordered=True, tag="star")
q("SELECT * FROM movies WHERE release_year < 1960", tag="star_movies")
q("SELECT * EXCEPT (email, first_name, last_name, city) FROM users WHERE household_size = 8 AND age > 60",
  tag="star_except")
q("SELECT * EXCEPT (review_text) FROM reviews WHERE review_date = DATE '2025-02-14' AND rating = 5", tag="star_except2")
q("SELECT DISTINCT country, subscription_plan FROM users", tag="distinct")
q("SELECT DISTINCT genre_primary FROM movies ORDER BY genre_primary", ordered=True, tag="distinct_ordered")
q("SELECT DISTINCT gender FROM users ORDER BY gender", ordered=True, tag="distinct_null_first")
q("SELECT DISTINCT household_size FROM users ORDER BY household_size DESC", ordered=True, tag="distinct_null_last")
q("SELECT DISTINCT search_query, device_type FROM search_logs WHERE search_query LIKE 'h%'", tag="distinct2")

# ---------------------------------------------------------------------------------------------- arithmetic
q("SELECT 7 / 2, 1 + 2 * 3, -5 / 2, 10 - 3 - 2, 2.5 * 4, 9 / 3, DIV(7, 2), MOD(-7, 2), DIV(-7, 2)", tag="const_arith")
q("SELECT movie_id, duration_minutes / 60 AS hours, release_year / 4, DIV(release_year, 4), MOD(release_year, 4), "
  "release_year - 2000, release_year * 2, -release_year FROM movies WHERE movie_id < 'movie_0040' ORDER BY movie_id",
  ordered=True, tag="int_arith")
q("SELECT movie_id, imdb_rating * 10, imdb_rating + release_year, box_office_revenue - production_budget, "
  "box_office_revenue / production_budget FROM movies WHERE production_budget > 0 ORDER BY movie_id",
  ordered=True, tag="float_arith")
q("SELECT user_id, monthly_spend * 12 AS yearly, monthly_spend / household_size AS per_person FROM users "
  "WHERE household_size > 0 AND monthly_spend > 500 ORDER BY user_id", ordered=True, tag="per_person")
q("SELECT SUM(results_returned * 2 + 1), SUM(results_returned / 2), AVG(results_returned - clicked_result_position) "
  "FROM search_logs", tag="agg_arith")

# ---------------------------------------------------------------------------------------------- comparisons, logic
q("SELECT COUNT(*) FROM users WHERE age >= 18 AND age < 65", tag="range")
q("SELECT COUNT(*), COUNTIF(age <> 30), COUNTIF(NOT (age > 30)), COUNTIF(age = 30), COUNTIF(age != 30) FROM users",
  tag="neq")
q("SELECT age > 50 AND monthly_spend > 100 AS a, age > 50 OR monthly_spend > 100 AS o, NOT age > 50 AS n, COUNT(*) "
  "FROM users GROUP BY 1, 2, 3", tag="three_valued")
q("SELECT COUNTIF(age > 50 OR monthly_spend > 100), COUNTIF(age > 50 AND monthly_spend > 100), "
  "COUNTIF((age > 50 AND monthly_spend > 100) IS NULL), COUNTIF((age > 50 OR monthly_spend > 100) IS NULL) FROM users",
  tag="three_valued_counts")
q("SELECT gender IS NULL, age IS NULL, monthly_spend IS NOT NULL, COUNT(*) FROM users GROUP BY 1, 2, 3",
  tag="is_null")
q("SELECT COUNT(*) FROM users WHERE is_active AND NOT (subscription_plan = 'Basic' OR country = 'Canada')",
  tag="bool_col")
q("SELECT is_active, is_active IS TRUE, is_active = FALSE, COUNT(*) FROM users GROUP BY 1, 2, 3", tag="bool_is")
q("SELECT COUNT(*) FROM movies WHERE title < 'C' OR title >= 'W'", tag="string_compare")
q("SELECT COUNT(*) FROM search_logs WHERE search_query > 'comedy' AND search_query <= 'horror movies'",
  tag="string_compare2")
q("SELECT COUNT(*) FROM movies WHERE added_to_platform > DATE '2024-06-30'", tag="date_compare")
q("SELECT COUNT(*) FROM users WHERE created_at < TIMESTAMP '2023-01-01 00:00:00'", tag="ts_compare")
q("SELECT COUNT(*) FROM users WHERE created_at >= TIMESTAMP '2024-10-10 15:39:11.030515'", tag="ts_micro")
q("SELECT COUNT(*) FROM movies WHERE imdb_rating > release_year / 300", tag="int_float_compare")

# ---------------------------------------------------------------------------------------------- IN, BETWEEN, LIKE
q("SELECT gender, COUNT(*) FROM users WHERE gender IN ('Male', 'Female') GROUP BY gender", tag="in")
q("SELECT COUNT(*) FROM users WHERE gender NOT IN ('Male', 'Female')", tag="not_in")
q("SELECT COUNT(*), COUNTIF(household_size IN (1, 2, NULL)), COUNTIF(household_size NOT IN (1, 2, NULL)), "
  "COUNTIF((household_size IN (1, 2, NULL)) IS NULL) FROM users", tag="in_null")
q("SELECT COUNT(*) FROM users WHERE age BETWEEN 20 AND 29", tag="between")
q("SELECT COUNT(*) FROM users WHERE age NOT BETWEEN 20 AND 80", tag="not_between")
q("SELECT COUNT(*) FROM reviews WHERE review_date BETWEEN DATE '2024-01-01' AND DATE '2024-03-31'", tag="between_date")
q("SELECT COUNT(*) FROM reviews WHERE review_date BETWEEN '2025-06-01' AND '2025-06-30'", tag="between_date_str")
q("SELECT COUNT(*) FROM movies WHERE imdb_rating BETWEEN 7.5 AND 10", tag="between_float")
q("SELECT COUNT(*), COUNTIF(email LIKE '%@example.com'), COUNTIF(email LIKE '%@example.org'), "
  "COUNTIF(email NOT LIKE '%example%'), COUNTIF(first_name LIKE '_a%'), COUNTIF(last_name LIKE '%son') FROM users",
  tag="like")
q("SELECT title FROM movies WHERE title LIKE 'The %' ORDER BY title", tag="like_prefix")
q("SELECT COUNT(*) FROM reviews WHERE review_text LIKE '%watch%' OR review_text LIKE 'Not%'", tag="like_nulls")
q("SELECT search_query, COUNT(*) FROM search_logs WHERE search_query LIKE '% %' GROUP BY 1", tag="like_space")

# ---------------------------------------------------------------------------------------------- CASE, IF, NULL functions
q("SELECT CASE WHEN age >= 65 THEN 'senior' WHEN age >= 18 THEN 'adult' WHEN age >= 0 THEN 'minor' END AS band, "
  "COUNT(*) FROM users GROUP BY band", tag="case_searched")
q("SELECT CASE subscription_plan WHEN 'Basic' THEN 1 WHEN 'Standard' THEN 2 WHEN 'Premium' THEN 3 ELSE 4 END AS tier, "
  "COUNT(*), SUM(monthly_spend) FROM users GROUP BY tier ORDER BY tier", ordered=True, tag="case_simple")
q("SELECT IF(age >= 18, 'adult', 'minor') AS a, COUNT(*) FROM users GROUP BY 1", tag="if_null_cond")
q("SELECT IF(is_netflix_original, imdb_rating, NULL) AS r, COUNT(*) FROM movies GROUP BY 1", tag="if_null_branch")
q("SELECT COALESCE(monthly_spend, 0) AS s, IFNULL(gender, 'unknown') AS g, NULLIF(country, 'USA') AS c, "
  "COALESCE(age, household_size, -1) AS a FROM users WHERE user_id <= 'user_00300' ORDER BY user_id",
  tag="null_functions")
q("SELECT COALESCE(genre_secondary, genre_primary) AS g, COUNT(*) FROM movies GROUP BY 1", tag="coalesce_group")
q("SELECT NULLIF(helpful_votes, 0) AS h, COUNT(*) FROM reviews GROUP BY 1", tag="nullif_group")
q("SELECT SUM(IFNULL(helpful_votes, 0)), SUM(helpful_votes), COUNT(helpful_votes), COUNT(IFNULL(helpful_votes, 0)) "
  "FROM reviews", tag="ifnull_sum")
q("SELECT review_id, SAFE_DIVIDE(helpful_votes, total_votes) FROM reviews WHERE review_id < 'review_000400' "
  "ORDER BY review_id", ordered=True, tag="safe_divide")
q("SELECT COUNTIF(SAFE_DIVIDE(helpful_votes, total_votes) IS NULL), AVG(SAFE_DIVIDE(helpful_votes, total_votes)), "
  "SUM(SAFE_DIVIDE(box_office_revenue, production_budget)) FROM reviews CROSS JOIN (SELECT 1 AS one) AS o "
  "LEFT JOIN movies USING (movie_id)", tag="safe_divide_agg")

# ---------------------------------------------------------------------------------------------- CAST / SAFE_CAST
q("SELECT user_id, CAST(age AS STRING), CAST(household_size AS FLOAT64), CAST(is_active AS STRING), "
  "CAST(subscription_start_date AS STRING) FROM users WHERE user_id < 'user_00100' ORDER BY user_id", ordered=True,
  tag="cast_to_string")
q("SELECT movie_id, CAST(imdb_rating AS INT64), CAST(duration_minutes / 7 AS INT64), CAST(release_year AS FLOAT64) / 7 "
  "FROM movies ORDER BY movie_id", ordered=True, tag="cast_float_to_int",
  note="BigQuery rounds halfway cases away from zero; the DuckDB side wraps the argument in ROUND")
q("SELECT CAST(2.5 AS INT64), CAST(-2.5 AS INT64), CAST(3.5 AS INT64), CAST(0.49 AS INT64), CAST('123' AS INT64), "
  "CAST('-7' AS INT64), CAST('2.5' AS FLOAT64), CAST('2024-02-29' AS DATE), CAST(12 AS STRING), CAST(TRUE AS STRING)",
  tag="cast_literals")
q("SELECT SAFE_CAST('abc' AS INT64), SAFE_CAST('12' AS INT64), SAFE_CAST('2024-13-01' AS DATE), "
  "SAFE_CAST('x' AS FLOAT64), SAFE_CAST('1e3' AS FLOAT64)", tag="safe_cast_literals")
q("SELECT SUM(SAFE_CAST(SUBSTR(user_id, 6) AS INT64)), COUNT(SAFE_CAST(email AS INT64)), "
  "MAX(SAFE_CAST(SUBSTR(movie_id, 7) AS INT64)) FROM reviews JOIN users USING (user_id)", tag="safe_cast_columns")
q("SELECT CAST(SUBSTR(review_id, 8) AS INT64) AS n, rating FROM reviews WHERE review_id < 'review_000100' ORDER BY n",
  ordered=True, tag="cast_substr")
q("SELECT CAST(created_at AS DATE) AS d, COUNT(*) FROM users GROUP BY d ORDER BY d LIMIT 20", ordered=True,
  tag="cast_ts_date")
q("SELECT CAST(subscription_start_date AS TIMESTAMP) AS t FROM users WHERE user_id < 'user_00020' ORDER BY user_id",
  ordered=True, tag="cast_date_ts")

# ---------------------------------------------------------------------------------------------- math
q("SELECT user_id, ROUND(monthly_spend), ROUND(monthly_spend, 1), ROUND(monthly_spend / 3, 2), ABS(age - 40), "
  "ABS(-monthly_spend) FROM users WHERE user_id < 'user_00300' ORDER BY user_id", ordered=True, tag="round_abs")
q("SELECT ROUND(2.5), ROUND(-2.5), ROUND(1.25, 1), ABS(-2.5), ABS(-3), ROUND(123.456, -1)", tag="round_literals")
q("SELECT movie_id, FLOOR(imdb_rating), CEIL(imdb_rating), SIGN(imdb_rating - 5), SQRT(duration_minutes), "
  "POW(imdb_rating, 2), GREATEST(imdb_rating, 5), LEAST(imdb_rating, 5) FROM movies ORDER BY movie_id",
  ordered=True, tag="math_misc")
q("SELECT device_type, ROUND(AVG(search_duration_seconds), 3), ROUND(SUM(search_duration_seconds)) "
  "FROM search_logs GROUP BY device_type ORDER BY device_type", ordered=True, tag="round_agg")

# ---------------------------------------------------------------------------------------------- strings
q("SELECT user_id, LOWER(first_name), UPPER(last_name), LENGTH(email), CONCAT(first_name, ' ', last_name), "
  "SUBSTR(email, 1, 5), SUBSTR(user_id, 6), SUBSTR(email, -11), SUBSTR(email, 3, 2), STARTS_WITH(email, 'a') "
  "FROM users WHERE user_id < 'user_00300' ORDER BY user_id", ordered=True, tag="string_functions")
q("SELECT LENGTH(title), COUNT(*) FROM movies GROUP BY 1", tag="length_group")
q("SELECT UPPER(SUBSTR(search_query, 1, 1)) AS initial, COUNT(*) FROM search_logs GROUP BY initial "
  "ORDER BY initial", ordered=True, tag="initial")
q("SELECT COUNTIF(STARTS_WITH(title, 'The')), COUNTIF(ENDS_WITH(title, 'War')), COUNTIF(STRPOS(title, 'Love') > 0) "
  "FROM movies", tag="starts_ends")
q("SELECT movie_id, CONCAT(title, ' (', CAST(release_year AS STRING), ')'), title || ' / ' || language, "
  "REPLACE(title, ' ', '_'), LEFT(title, 3), RIGHT(title, 3), REVERSE(language) FROM movies ORDER BY movie_id",
  ordered=True, tag="concat")
q("SELECT CONCAT(genre_primary, '/', genre_secondary) AS g, COUNT(*) FROM movies GROUP BY g", tag="concat_null")
q("SELECT TRIM('  a b  '), LTRIM('  x'), RTRIM('y  '), LOWER('ÄbC'), LENGTH('héllo')",
  tag="string_literals",
  note="LOWER/LENGTH of non-ASCII: BigQuery works on Unicode characters, as DuckDB does")
q("SELECT MIN(email), MAX(email), MIN(LOWER(last_name)), MAX(CONCAT(last_name, first_name)) FROM users",
  tag="string_minmax")

# ---------------------------------------------------------------------------------------------- dates and timestamps
q("SELECT DATE '2024-02-29', TIMESTAMP '2024-01-01 12:34:56', TIMESTAMP '2024-01-01 12:34:56.5', "
  "DATE_ADD(DATE '2024-02-29', INTERVAL 1 YEAR), DATE_SUB(DATE '2024-03-31', INTERVAL 1 MONTH), "
  "DATE_ADD(DATE '2024-01-31', INTERVAL 1 MONTH), DATE_DIFF(DATE '2025-01-01', DATE '2024-12-31', YEAR)",
  tag="date_literals")
q("SELECT DATE_TRUNC(review_date, DAY) AS d, COUNT(*) FROM reviews WHERE review_date < '2024-02-01' GROUP BY d "
  "ORDER BY d", ordered=True, tag="trunc_day")
q("SELECT DATE_TRUNC(review_date, WEEK) AS w, COUNT(*), AVG(rating) FROM reviews GROUP BY w ORDER BY w",
  ordered=True, tag="trunc_week", note="BigQuery weeks start on Sunday (sqlglot shifts DuckDB's Monday weeks)")
q("SELECT DATE_TRUNC(review_date, MONTH) AS m, COUNT(*), AVG(rating) FROM reviews GROUP BY m ORDER BY m",
  ordered=True, tag="trunc_month")
q("SELECT DATE_TRUNC(search_date, QUARTER) AS qtr, device_type, COUNT(*) FROM search_logs GROUP BY 1, 2 "
  "ORDER BY 1, 2", ordered=True, tag="trunc_quarter")
q("SELECT DATE_TRUNC(added_to_platform, YEAR) AS y, COUNT(*), COUNTIF(is_netflix_original) FROM movies "
  "GROUP BY y ORDER BY y DESC", ordered=True, tag="trunc_year")
q("SELECT DATE_TRUNC(search_date, ISOWEEK) AS w, COUNT(*) FROM search_logs GROUP BY w ORDER BY w", ordered=True,
  tag="trunc_isoweek")
q("SELECT TIMESTAMP_TRUNC(created_at, HOUR) AS h, COUNT(*) FROM users WHERE created_at < '2022-09-01' GROUP BY h "
  "ORDER BY h", ordered=True, tag="ts_trunc_hour")
q("SELECT TIMESTAMP_TRUNC(created_at, DAY) AS d, TIMESTAMP_TRUNC(created_at, MONTH) AS m, "
  "TIMESTAMP_TRUNC(created_at, YEAR) AS y, TIMESTAMP_TRUNC(created_at, MINUTE) AS mi, "
  "TIMESTAMP_TRUNC(created_at, SECOND) AS s FROM users WHERE user_id < 'user_00100' ORDER BY user_id",
  ordered=True, tag="ts_trunc")
q("SELECT TIMESTAMP_TRUNC(created_at, WEEK) AS w, COUNT(*) FROM users GROUP BY w ORDER BY w", ordered=True,
  tag="ts_trunc_week")
q("SELECT review_id, EXTRACT(YEAR FROM review_date), EXTRACT(MONTH FROM review_date), EXTRACT(DAY FROM review_date), "
  "EXTRACT(DAYOFWEEK FROM review_date), EXTRACT(DAYOFYEAR FROM review_date), EXTRACT(QUARTER FROM review_date), "
  "EXTRACT(WEEK FROM review_date), EXTRACT(ISOWEEK FROM review_date), EXTRACT(ISOYEAR FROM review_date) "
  "FROM reviews WHERE review_date IN ('2024-01-01', '2024-12-29', '2024-12-31', '2025-01-04', '2025-01-05', "
  "'2025-12-28', '2025-12-31') ORDER BY review_id", ordered=True, tag="extract_date",
  note="DAYOFWEEK is 1..7 from Sunday and WEEK counts Sunday weeks in BigQuery: the DuckDB side is adjusted")
q("SELECT EXTRACT(DAYOFWEEK FROM search_date) AS dow, COUNT(*) FROM search_logs GROUP BY dow ORDER BY dow",
  ordered=True, tag="extract_dow")
q("SELECT EXTRACT(WEEK FROM search_date) AS wk, COUNT(*) FROM search_logs GROUP BY wk ORDER BY wk", ordered=True,
  tag="extract_week")
q("SELECT user_id, EXTRACT(HOUR FROM created_at), EXTRACT(MINUTE FROM created_at), EXTRACT(SECOND FROM created_at), "
  "EXTRACT(YEAR FROM created_at), EXTRACT(DAYOFWEEK FROM created_at), DATE(created_at) FROM users "
  "WHERE user_id < 'user_00200' ORDER BY user_id", ordered=True, tag="extract_ts")
q("SELECT r.review_id, DATE_DIFF(r.review_date, u.subscription_start_date, DAY) AS days, "
  "DATE_DIFF(r.review_date, u.subscription_start_date, WEEK), DATE_DIFF(r.review_date, u.subscription_start_date, MONTH), "
  "DATE_DIFF(r.review_date, u.subscription_start_date, QUARTER), DATE_DIFF(r.review_date, u.subscription_start_date, YEAR) "
  "FROM reviews r JOIN users u ON r.user_id = u.user_id WHERE r.review_id < 'review_000300' ORDER BY r.review_id, days",
  ordered=True, tag="date_diff")
q("SELECT DATE_DIFF(search_date, DATE '2024-01-01', ISOWEEK) AS w, COUNT(*) FROM search_logs GROUP BY w", tag="date_diff_isoweek")
q("SELECT review_id, DATE_ADD(review_date, INTERVAL 30 DAY), DATE_SUB(review_date, INTERVAL 1 MONTH), "
  "DATE_ADD(review_date, INTERVAL 1 YEAR), DATE_ADD(review_date, INTERVAL 2 WEEK), DATE_SUB(review_date, INTERVAL 1 QUARTER) "
  "FROM reviews WHERE review_id < 'review_000300' ORDER BY review_id", ordered=True, tag="date_add")
q("SELECT COUNT(*) FROM reviews r JOIN users u USING (user_id) WHERE r.review_date < DATE_ADD(u.subscription_start_date, "
  "INTERVAL 90 DAY)", tag="date_add_join")
q("SELECT FORMAT_DATE('%Y-%m', review_date) AS ym, COUNT(*) FROM reviews GROUP BY ym ORDER BY ym", ordered=True,
  tag="format_ym")
q("SELECT review_id, FORMAT_DATE('%Y%m%d', review_date), FORMAT_DATE('%b %d, %Y', review_date), "
  "FORMAT_DATE('%A', review_date), FORMAT_DATE('%j', review_date), FORMAT_DATE('%a %B %U %W %u %w %y', review_date) "
  "FROM reviews WHERE review_id < 'review_000200' ORDER BY review_id", ordered=True, tag="format_date")
q("SELECT FORMAT_TIMESTAMP('%Y-%m-%d %H:%M:%S', created_at) AS f, user_id FROM users WHERE user_id < 'user_00050' "
  "ORDER BY user_id", ordered=True, tag="format_timestamp")
q("SELECT MIN(created_at), MAX(created_at), MIN(subscription_start_date), MAX(subscription_start_date), "
  "COUNT(DISTINCT subscription_start_date) FROM users", tag="date_minmax")
q("SELECT TIMESTAMP_DIFF(created_at, TIMESTAMP '2022-01-01 00:00:00', SECOND) AS s, "
  "TIMESTAMP_DIFF(created_at, TIMESTAMP '2022-01-01 00:00:00', HOUR) AS h, "
  "TIMESTAMP_ADD(created_at, INTERVAL 90 MINUTE) AS t FROM users WHERE user_id < 'user_00050' ORDER BY user_id",
  ordered=True, tag="timestamp_diff")

# ---------------------------------------------------------------------------------------------- aggregates
q("SELECT COUNT(*), COUNT(age), COUNT(DISTINCT age), SUM(age), AVG(age), MIN(age), MAX(age), "
  "SUM(monthly_spend), AVG(monthly_spend), MIN(monthly_spend), MAX(monthly_spend) FROM users", tag="global_aggs")
q("SELECT subscription_plan, country, COUNT(*), COUNT(DISTINCT user_id), AVG(monthly_spend), SUM(household_size), "
  "MIN(age), MAX(age) FROM users GROUP BY subscription_plan, country ORDER BY subscription_plan, country",
  ordered=True, tag="users_by_plan_country")
q("SELECT COUNT(*), SUM(age), AVG(age), MIN(email), MAX(created_at), COUNTIF(is_active), COUNT(DISTINCT country) "
  "FROM users WHERE age > 1000", tag="empty_aggs")
q("SELECT country, COUNT(*), SUM(age) FROM users WHERE age > 1000 GROUP BY country", tag="empty_groups")
q("SELECT genre_primary, COUNT(*) AS n, COUNTIF(is_netflix_original) AS originals, AVG(imdb_rating) AS r, "
  "MIN(release_year), MAX(release_year), SUM(duration_minutes) FROM movies GROUP BY genre_primary ORDER BY n DESC, "
  "genre_primary", ordered=True, tag="movies_by_genre")
q("SELECT device_type, COUNT(*), COUNT(clicked_result_position), COUNTIF(had_typo), COUNTIF(used_filters AND had_typo), "
  "AVG(search_duration_seconds), MAX(results_returned) FROM search_logs GROUP BY device_type", tag="search_by_device")
q("SELECT search_query, COUNT(*), AVG(results_returned), MIN(search_date), MAX(search_date) FROM search_logs "
  "GROUP BY search_query ORDER BY search_query", ordered=True, tag="search_by_query")
q("SELECT sentiment, rating, COUNT(*), AVG(sentiment_score), MIN(sentiment_score), MAX(sentiment_score) FROM reviews "
  "GROUP BY sentiment, rating", tag="reviews_sentiment")
q("SELECT COUNT(DISTINCT user_id), COUNT(DISTINCT movie_id), COUNT(DISTINCT review_text), "
  "COUNT(DISTINCT review_date), COUNT(DISTINCT sentiment_score) FROM reviews", tag="count_distinct")
q("SELECT APPROX_COUNT_DISTINCT(user_id), APPROX_COUNT_DISTINCT(search_query), APPROX_COUNT_DISTINCT(search_date) "
  "FROM search_logs", approx=0.02, tag="approx_count_distinct",
  note="approximate in BigQuery (HLL++, ~1% error): compared with the exact COUNT(DISTINCT) at 2%")
q("SELECT device_type, APPROX_COUNT_DISTINCT(user_id) FROM search_logs GROUP BY device_type", approx=0.02,
  tag="approx_group")
q("SELECT user_id, ANY_VALUE(country), ANY_VALUE(subscription_plan), COUNT(*) FROM users WHERE user_id < 'user_00500' "
  "GROUP BY user_id", tag="any_value",
  note="ANY_VALUE over duplicates of one user: every candidate is the same value")
q("SELECT country, ANY_VALUE(country = 'USA') FROM users GROUP BY country", tag="any_value_fd")
q("SELECT MIN(is_active), MAX(is_active), MIN(gender), MAX(gender), MIN(household_size), MAX(household_size) "
  "FROM users", tag="minmax_types")
q("SELECT COUNTIF(rating >= 4) / COUNT(*) AS share, SUM(helpful_votes) / SUM(total_votes) AS helpful FROM reviews",
  tag="ratios")

# ---------------------------------------------------------------------------------------------- GROUP BY / HAVING / ORDER BY
q("SELECT subscription_plan AS plan, COUNT(*) AS n FROM users GROUP BY plan ORDER BY plan", ordered=True,
  tag="group_alias")
q("SELECT primary_device, is_active, COUNT(*) FROM users GROUP BY 1, 2 ORDER BY 1, 2", ordered=True,
  tag="group_ordinal")
q("SELECT state_province, COUNT(*) AS n FROM users GROUP BY state_province HAVING COUNT(*) > 300 ORDER BY n DESC, "
  "state_province", ordered=True, tag="having")
q("SELECT movie_id, AVG(rating) AS r, COUNT(*) AS n FROM reviews GROUP BY movie_id HAVING COUNT(*) >= 25 AND "
  "AVG(rating) >= 3 ORDER BY movie_id", ordered=True, tag="having2")
q("SELECT language, SUM(box_office_revenue) AS revenue FROM movies GROUP BY language HAVING MAX(imdb_rating) > 9 "
  "ORDER BY language", ordered=True, tag="having_other_agg")
q("SELECT age, COUNT(*) FROM users GROUP BY age ORDER BY age NULLS LAST", ordered=True, tag="order_nulls_last")
q("SELECT age, COUNT(*) FROM users GROUP BY age ORDER BY age DESC NULLS FIRST", ordered=True, tag="order_desc_nulls_first")
q("SELECT age, COUNT(*) FROM users GROUP BY age ORDER BY age DESC", ordered=True, tag="order_desc_default")
q("SELECT age, COUNT(*) FROM users GROUP BY age ORDER BY age", ordered=True, tag="order_asc_default")
q("SELECT user_id, monthly_spend FROM users ORDER BY monthly_spend DESC, user_id LIMIT 15", ordered=True, tag="top_n")
q("SELECT user_id, monthly_spend FROM users ORDER BY monthly_spend, user_id LIMIT 10 OFFSET 1010", ordered=True,
  tag="limit_offset_nulls")
q("SELECT movie_id, title FROM movies ORDER BY title DESC, movie_id ASC LIMIT 25 OFFSET 5", ordered=True, tag="offset")
q("SELECT search_query, COUNT(*) AS n FROM search_logs GROUP BY 1 ORDER BY n DESC, 1 LIMIT 5", ordered=True, tag="top_queries")
q("SELECT gender, AVG(age) AS a FROM users GROUP BY gender ORDER BY a", ordered=True, tag="order_by_agg")
q("SELECT country, subscription_plan, COUNT(*) FROM users GROUP BY country, subscription_plan "
  "ORDER BY COUNT(*) DESC, country, subscription_plan", ordered=True, tag="order_by_agg_expr")
q("SELECT EXTRACT(YEAR FROM subscription_start_date) AS y, EXTRACT(MONTH FROM subscription_start_date) AS m, COUNT(*) "
  "FROM users GROUP BY y, m ORDER BY y, m", ordered=True, tag="group_expr_alias")
q("SELECT release_year - MOD(release_year, 10) AS decade, COUNT(*) FROM movies GROUP BY decade ORDER BY decade",
  ordered=True, tag="decade")
q("SELECT user_id FROM users ORDER BY created_at DESC, user_id LIMIT 3", ordered=True, tag="order_by_unselected")

# ---------------------------------------------------------------------------------------------- joins
q("SELECT m.genre_primary, COUNT(*) AS reviews, AVG(r.rating) AS avg_rating, COUNT(DISTINCT r.user_id) AS reviewers "
  "FROM movies m JOIN reviews r ON m.movie_id = r.movie_id GROUP BY m.genre_primary ORDER BY m.genre_primary",
  ordered=True, tag="movies_join_reviews")
q("SELECT movie_id, title, COUNT(*) FROM movies JOIN reviews USING (movie_id) WHERE reviews.rating = 5 GROUP BY movie_id, title",
  tag="join_using")
q("SELECT m.movie_id, COUNT(r.review_id) AS n FROM movies m LEFT JOIN reviews r ON m.movie_id = r.movie_id "
  "AND r.rating = 1 GROUP BY m.movie_id ORDER BY m.movie_id", ordered=True, tag="left_join_count")
q("SELECT u.user_id, r.review_id FROM users u LEFT JOIN reviews r ON u.user_id = r.user_id WHERE r.review_id IS NULL "
  "ORDER BY u.user_id", ordered=True, tag="anti_join")
q("SELECT r.review_id, u.country FROM users u RIGHT JOIN reviews r ON u.user_id = r.user_id AND u.age > 90 "
  "WHERE r.review_id < 'review_001000'", tag="right_join")
q("SELECT COUNT(*), COUNT(u.user_id), COUNT(s.search_id) FROM (SELECT DISTINCT user_id FROM users WHERE age > 95) u "
  "FULL OUTER JOIN (SELECT * FROM search_logs WHERE results_returned = 0) s ON u.user_id = s.user_id", tag="full_join")
q("SELECT user_id, u.age, s.search_id FROM (SELECT * FROM users WHERE age > 100) u FULL JOIN "
  "(SELECT * FROM search_logs WHERE results_returned = 100 AND device_type = 'Tablet') s USING (user_id)", tag="full_join_using")
q("SELECT a.country, b.content_type, COUNT(*) FROM (SELECT DISTINCT country FROM users) a CROSS JOIN "
  "(SELECT DISTINCT content_type FROM movies) b GROUP BY 1, 2", tag="cross_join")
q("SELECT u.country, m.language, COUNT(*), AVG(r.rating) FROM reviews r JOIN users u ON r.user_id = u.user_id "
  "JOIN movies m ON m.movie_id = r.movie_id GROUP BY 1, 2 ORDER BY 1, 2", ordered=True, tag="three_way_join")
q("SELECT a.user_id, b.user_id FROM users a JOIN users b ON a.email = b.email AND a.user_id < b.user_id",
  tag="self_join")
q("SELECT s.device_type, u.primary_device, COUNT(*) FROM search_logs s JOIN users u ON s.user_id = u.user_id "
  "AND s.location_country = u.country GROUP BY 1, 2", tag="join_two_keys")
q("SELECT m.title, r.review_id FROM (SELECT * FROM movies WHERE release_year < 1975) m, reviews r "
  "WHERE m.movie_id = r.movie_id AND r.helpful_votes > 5", tag="comma_join",
  note="small left side: nq runs a comma join as a cross product filtered by WHERE")
q("SELECT COUNT(*) FROM reviews r JOIN search_logs s ON r.user_id = s.user_id AND r.review_date = s.search_date",
  tag="join_date_key")

# ---------------------------------------------------------------------------------------------- subqueries, WITH, UNION ALL
q("SELECT COUNT(*) FROM reviews WHERE movie_id IN (SELECT movie_id FROM movies WHERE is_netflix_original)",
  tag="in_subquery")
q("SELECT COUNT(*) FROM users WHERE user_id NOT IN (SELECT user_id FROM search_logs)", tag="not_in_subquery")
q("SELECT plan, AVG(n) FROM (SELECT u.subscription_plan AS plan, u.user_id, COUNT(*) AS n FROM users u "
  "JOIN search_logs s ON u.user_id = s.user_id GROUP BY 1, 2) t GROUP BY plan", tag="from_subquery")
q("SELECT * FROM (SELECT movie_id, AVG(rating) AS r FROM reviews GROUP BY movie_id) WHERE r > 4.2 ORDER BY movie_id",
  ordered=True, tag="from_subquery_filter")
q("SELECT user_id, monthly_spend FROM users WHERE monthly_spend > (SELECT AVG(monthly_spend) * 20 FROM users) "
  "ORDER BY user_id", ordered=True, tag="scalar_subquery_filter")
q("WITH per_user AS (SELECT user_id, COUNT(*) AS n, AVG(rating) AS r FROM reviews GROUP BY user_id) "
  "SELECT n, COUNT(*), AVG(r) FROM per_user GROUP BY n ORDER BY n", ordered=True, tag="with")
q("WITH a AS (SELECT movie_id, COUNT(*) AS n FROM reviews GROUP BY movie_id), "
  "b AS (SELECT movie_id, title, genre_primary FROM movies WHERE release_year >= 2015) "
  "SELECT b.genre_primary, SUM(a.n), MAX(a.n) FROM a JOIN b ON a.movie_id = b.movie_id GROUP BY 1", tag="with_two")
q("SELECT 'users' AS t, COUNT(*) FROM users UNION ALL SELECT 'movies', COUNT(*) FROM movies UNION ALL "
  "SELECT 'reviews', COUNT(*) FROM reviews", tag="union_all")
q("SELECT device_type, 'search' AS src FROM search_logs WHERE search_id < 'search_000050' UNION ALL "
  "SELECT device_type, 'review' FROM reviews WHERE review_id < 'review_000050'", tag="union_all_rows")
q("SELECT d, COUNT(*) FROM (SELECT device_type AS d FROM search_logs UNION ALL SELECT device_type FROM reviews) "
  "GROUP BY d ORDER BY d", ordered=True, tag="union_all_subquery")
q("SELECT user_id FROM users WHERE age < 0 UNION ALL SELECT user_id FROM users WHERE age > 105 ORDER BY 1",
  ordered=True, tag="union_all_order")

# ---------------------------------------------------------------------------------------------- windows, QUALIFY
q("SELECT user_id, country, monthly_spend, ROW_NUMBER() OVER (PARTITION BY country ORDER BY monthly_spend DESC, user_id) AS rn "
  "FROM users WHERE monthly_spend IS NOT NULL QUALIFY rn <= 3", tag="row_number_qualify")
q("SELECT movie_id, imdb_rating, RANK() OVER (ORDER BY imdb_rating DESC) AS rk, "
  "DENSE_RANK() OVER (ORDER BY imdb_rating DESC) AS drk FROM movies", tag="rank")
q("SELECT genre_primary, movie_id, RANK() OVER (PARTITION BY genre_primary ORDER BY release_year) FROM movies",
  tag="rank_partition")
q("SELECT review_id, rating, LAG(rating) OVER (ORDER BY review_id) AS prev, LEAD(rating) OVER (ORDER BY review_id) AS nxt, "
  "LAG(rating, 2) OVER (PARTITION BY movie_id ORDER BY review_id) AS prev2 FROM (SELECT DISTINCT * FROM reviews)",
  tag="lag_lead", note="DISTINCT: with exact duplicate rows, which copy a window puts first is arbitrary, and two "
  "windows may pick differently, so the pairing of their values would be too")
q("SELECT search_id, SUM(results_returned) OVER (PARTITION BY device_type ORDER BY search_id) AS running, "
  "COUNT(*) OVER (PARTITION BY device_type) AS n, AVG(search_duration_seconds) OVER (PARTITION BY search_query) AS a "
  "FROM search_logs WHERE search_date = '2024-05-05'", tag="window_aggs")
q("SELECT plan, n, SUM(n) OVER (ORDER BY plan) AS cum, n / SUM(n) OVER () AS share FROM "
  "(SELECT subscription_plan AS plan, COUNT(*) AS n FROM users GROUP BY 1) ORDER BY plan", ordered=True,
  tag="window_over_agg")
q("SELECT review_date, COUNT(*) AS n, SUM(COUNT(*)) OVER (ORDER BY review_date) AS cum FROM reviews "
  "WHERE review_date < '2024-03-01' GROUP BY review_date ORDER BY review_date", ordered=True, tag="window_of_aggregate")
q("SELECT user_id, review_id FROM reviews QUALIFY ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY review_date DESC, "
  "review_id DESC) = 1", tag="qualify_latest")
q("SELECT movie_id, COUNT(*) AS n FROM reviews GROUP BY movie_id QUALIFY RANK() OVER (ORDER BY COUNT(*) DESC) <= 5",
  tag="qualify_rank_agg")
q("SELECT country, user_id, age FROM users WHERE age IS NOT NULL QUALIFY age = MAX(age) OVER (PARTITION BY country)",
  tag="qualify_max_over")
q("SELECT movie_id, title, release_year, LAG(title) OVER (PARTITION BY release_year ORDER BY movie_id) AS prev_title, "
  "COUNT(*) OVER (PARTITION BY release_year ORDER BY movie_id) AS k FROM movies WHERE release_year >= 2020", tag="lag_strings")
q("SELECT device_type, d, n, LAG(n) OVER (PARTITION BY device_type ORDER BY d) AS prev FROM (SELECT device_type, "
  "DATE_TRUNC(search_date, MONTH) AS d, COUNT(*) AS n FROM search_logs GROUP BY 1, 2) ORDER BY device_type, d",
  ordered=True, tag="lag_monthly")

# ---------------------------------------------------------------------------------------------- edge cases
q("SELECT COUNT(*), COUNTIF(age IN (SELECT household_size FROM users)), "
  "COUNTIF(age NOT IN (SELECT household_size FROM users)), COUNTIF((age IN (SELECT household_size FROM users)) IS NULL) "
  "FROM users", tag="in_subquery_with_nulls",
  note="the subquery's NULLs make NOT IN NULL (never TRUE) and IN NULL where there is no match")
q("SELECT COUNT(*) FROM users WHERE age NOT IN (SELECT household_size FROM users WHERE household_size IS NOT NULL)",
  tag="not_in_subquery_no_nulls")
q("SELECT COUNT(*) FROM reviews WHERE rating = 5 OR user_id IN (SELECT user_id FROM users WHERE age > 100)",
  tag="in_subquery_or")
q("SELECT * FROM reviews JOIN users USING (user_id) WHERE reviews.rating = 1 AND users.age > 95",
  duck="SELECT user_id, reviews.* EXCLUDE (user_id), users.* EXCLUDE (user_id) FROM reviews JOIN users USING (user_id) "
  "WHERE reviews.rating = 1 AND users.age > 95", tag="star_using",
  note="SELECT * over JOIN USING lists the USING columns first (BigQuery, as the SQL standard); DuckDB keeps "
  "them in place, so the DuckDB side is written by hand")
q("SELECT a.movie_id, b.movie_id FROM movies a JOIN movies b ON a.genre_secondary = b.genre_primary "
  "WHERE a.release_year = 1990 AND b.release_year = 1991", tag="join_nullable_key",
  note="NULL join keys never match")
q("SELECT COUNT(*), COUNT(a.genre_secondary), COUNT(b.genre_primary) FROM (SELECT * FROM movies WHERE release_year < 1990) a "
  "FULL JOIN (SELECT * FROM movies WHERE release_year > 2020) b ON a.genre_secondary = b.genre_primary", tag="full_join_null_keys")
q("SELECT 1 AS x UNION ALL SELECT 2.5 UNION ALL SELECT NULL", tag="union_coercion")
q("SELECT age FROM users WHERE age > 105 UNION ALL SELECT monthly_spend FROM users WHERE monthly_spend > 990",
  tag="union_int_float")
q("SELECT IF(age > 50, 1, 2.5) AS a, COALESCE(age, 2.5) AS b, CASE WHEN age > 50 THEN 1 ELSE 0.5 END AS c, "
  "NULLIF(age, 43.0) AS d FROM users WHERE user_id < 'user_00100' ORDER BY user_id", ordered=True, tag="mixed_numeric")
q("SELECT COUNT(*) FROM users WHERE age IN (30, 40.0, 50.5)", tag="in_mixed_numeric")
q("SELECT COUNT(*) FROM movies WHERE imdb_rating = release_year / 250 OR duration_minutes = imdb_rating * 10",
  tag="int_float_equality")
q("SELECT review_text, COUNT(*) FROM reviews WHERE review_text = \"Amazing show! Couldn't stop watching.\" "
  "OR review_text = 'It\\'s fine for background watching.' GROUP BY 1", tag="string_quotes",
  note="double-quoted and backslash-escaped string literals")
q("SELECT `user_id`, USER_ID AS again, Age FROM `users` WHERE user_id = 'user_00042' /* block */ -- line",
  tag="identifiers_comments")
q("SELECT LAST_DAY(DATE '2024-02-10'), DATE(2024, 2, 29), UNIX_DATE(DATE '2024-01-01'), DATE_FROM_UNIX_DATE(19000), "
  "TIMESTAMP_SECONDS(1700000000), UNIX_SECONDS(TIMESTAMP '2024-01-01 00:00:00')", tag="date_constructors")
q("SELECT review_id, LAST_DAY(review_date), UNIX_DATE(review_date), DATE_DIFF(LAST_DAY(review_date), review_date, DAY) "
  "FROM reviews WHERE review_id < 'review_000100' ORDER BY review_id", ordered=True, tag="last_day")
q("SELECT 1 LIMIT 0", tag="limit_zero")
q("SELECT user_id FROM users ORDER BY user_id LIMIT 5 OFFSET 10290", ordered=True, tag="offset_past_end")
q("SELECT (SELECT MAX(age) FROM users WHERE age > 1000) IS NULL, (SELECT COUNT(*) FROM users WHERE age > 1000)",
  tag="scalar_subquery_empty")
q("SELECT is_active, COUNT(*) FROM users GROUP BY is_active ORDER BY is_active DESC", ordered=True, tag="order_bool")
q("SELECT created_at FROM users ORDER BY created_at DESC LIMIT 5", ordered=True, tag="order_timestamp")
q("SELECT MOD(age, 7), DIV(age, 7), MOD(-age, 7), DIV(-age, 7), COUNT(*) FROM users WHERE age IS NOT NULL GROUP BY 1, 2, 3, 4",
  tag="mod_div_negative", note="MOD and DIV truncate toward zero in BigQuery, like DuckDB's % and //")
q("SELECT subscription_plan, ROUND(SUM(monthly_spend) / COUNT(*) * 100, 4) AS x, ROUND(AVG(age), 2), "
  "SUM(age) / COUNT(age) FROM users GROUP BY 1 ORDER BY 1", ordered=True, tag="aggregate_arithmetic")
q("SELECT country, COUNT(*) AS n FROM users GROUP BY country HAVING n > 3000", tag="having_alias",
  note="BigQuery lets HAVING name a SELECT-list alias")
q("SELECT DISTINCT country, COUNT(*) OVER (PARTITION BY country) AS n FROM users", tag="distinct_window")
q("SELECT COUNT(DISTINCT gender), COUNT(DISTINCT household_size), MIN(gender), MAX(household_size), AVG(household_size) "
  "FROM users WHERE age > 1000 OR gender IS NULL", tag="distinct_with_nulls")
q("WITH t AS (SELECT user_id, COUNT(*) AS n FROM reviews GROUP BY user_id) SELECT a.n, COUNT(*) FROM t a JOIN t b "
  "ON a.user_id = b.user_id AND a.n = b.n GROUP BY 1", tag="cte_twice")
q("WITH a AS (SELECT * FROM movies WHERE is_netflix_original), b AS (SELECT genre_primary, COUNT(*) AS n FROM a "
  "GROUP BY 1) SELECT * FROM b WHERE n > 10", tag="cte_chain")
q("SELECT m.language, t.n FROM movies m JOIN (SELECT movie_id, COUNT(*) AS n FROM reviews GROUP BY movie_id) t "
  "ON m.movie_id = t.movie_id WHERE t.n > 25", tag="join_derived")
q("SELECT COUNT(*) FROM reviews WHERE review_date > (SELECT MAX(subscription_start_date) FROM users)",
  tag="scalar_subquery_compare")
q("SELECT STRPOS(email, '@'), LENGTH(email) - STRPOS(email, '@'), SUBSTR(email, STRPOS(email, '@') + 1) AS domain "
  "FROM users WHERE user_id < 'user_00050' ORDER BY user_id", ordered=True, tag="email_domain")
q("SELECT SUBSTR(email, STRPOS(email, '@') + 1) AS domain, COUNT(*) FROM users GROUP BY domain ORDER BY domain",
  ordered=True, tag="group_domain")
q("SELECT COUNT(*), COUNTIF(title LIKE '%\\\\_%'), COUNTIF(title LIKE 'A%e'), COUNTIF('a_b' LIKE 'a\\\\_b'), "
  "COUNTIF('axb' LIKE 'a\\\\_b'), COUNTIF('50%' LIKE '50\\\\%'), COUNTIF('5x' LIKE '5\\\\%') FROM movies",
  tag="like_escape", note="'\\\\_' in a LIKE pattern is a literal underscore (the DuckDB side adds ESCAPE)")
q("SELECT CAST(is_active AS INT64), CAST(1 AS BOOL), CAST(0 AS BOOL), CAST('true' AS BOOL), CAST('FALSE' AS BOOL), "
  "COUNT(*) FROM users GROUP BY 1", tag="cast_bool")
q("SELECT SAFE_CAST(SUBSTR(search_query, 1, 3) AS INT64) IS NULL, COUNT(*) FROM search_logs GROUP BY 1",
  tag="safe_cast_group")
q("SELECT DATE_TRUNC(DATE '2024-12-31', WEEK), DATE_TRUNC(DATE '2025-01-04', WEEK), DATE_TRUNC(DATE '2025-01-05', WEEK), "
  "DATE_TRUNC(DATE '2024-12-30', ISOWEEK), DATE_TRUNC(DATE '2024-12-30', ISOYEAR), DATE_TRUNC(DATE '2024-08-17', QUARTER)",
  tag="trunc_boundaries")
q("SELECT EXTRACT(WEEK FROM DATE '2025-01-04'), EXTRACT(WEEK FROM DATE '2025-01-05'), EXTRACT(ISOWEEK FROM DATE '2024-12-30'), "
  "EXTRACT(ISOYEAR FROM DATE '2024-12-30'), EXTRACT(DAYOFWEEK FROM DATE '2024-06-01'), EXTRACT(DAYOFYEAR FROM DATE '2024-12-31')",
  tag="extract_boundaries")
q("SELECT DATE_DIFF(DATE '2024-03-01', DATE '2024-02-28', DAY), DATE_DIFF(DATE '2024-01-01', DATE '2024-12-31', MONTH), "
  "DATE_DIFF(DATE '2025-01-05', DATE '2025-01-04', WEEK), DATE_DIFF(DATE '2025-01-06', DATE '2025-01-05', ISOWEEK), "
  "DATE_DIFF(DATE '2024-04-01', DATE '2024-03-31', QUARTER), DATE_DIFF(DATE '2020-02-29', DATE '2024-02-28', YEAR)",
  tag="date_diff_boundaries")
q("SELECT ROUND(6.05, 1), ROUND(2.675, 2), ROUND(0.125, 2), ROUND(1.005, 2), ROUND(-0.5), ROUND(1e300, 2), "
  "ROUND(12345.678, -2)", tag="round_halfway",
  note="ROUND works on the exact binary value: 6.05 is 6.0499999…, so it rounds down; only exact halves go away from zero")
q("SELECT user_id, monthly_spend, ROUND(monthly_spend, 1), ROUND(monthly_spend * 3, 1) FROM users "
  "WHERE ROUND(monthly_spend * 100) = monthly_spend * 100 AND MOD(CAST(ROUND(monthly_spend * 100) AS INT64), 10) = 5 "
  "ORDER BY user_id", ordered=True, tag="round_halves_data")

# ---------------------------------------------------------------------------------------------- joins, windows: corners
q("SELECT u.user_id, r.review_id FROM users u LEFT JOIN reviews r ON u.user_id = r.user_id AND u.age > 100 "
  "WHERE u.user_id < 'user_00300'", tag="left_join_left_only_condition",
  note="a condition on the preserved side in ON does not drop its rows; it only prevents matches")
q("SELECT COUNT(*), COUNT(r.review_id), COUNT(u.user_id) FROM users u RIGHT JOIN reviews r "
  "ON u.user_id = r.user_id AND r.rating = 5", tag="right_join_right_only_condition")
q("SELECT COUNT(*), COUNT(a.user_id), COUNT(b.user_id) FROM (SELECT * FROM users WHERE age > 90) a FULL JOIN "
  "(SELECT * FROM users WHERE household_size = 8) b ON a.user_id = b.user_id AND a.country = 'USA'", tag="full_join_residual")
q("SELECT a.movie_id, b.movie_id FROM (SELECT * FROM movies WHERE release_year < 1958) a JOIN "
  "(SELECT * FROM movies WHERE release_year > 2023) b ON a.imdb_rating > b.imdb_rating", tag="non_equi_join")
q("SELECT COUNT(*), SUM(r.rating) FROM reviews r JOIN movies m ON r.rating = m.imdb_rating", tag="join_int_float_keys",
  note="an INT64 key equals a FLOAT64 key of the same value")
q("SELECT COUNT(*) FROM reviews r JOIN (SELECT DISTINCT number_of_seasons FROM movies) s "
  "ON r.helpful_votes = s.number_of_seasons", tag="join_nullable_int_keys")
q("SELECT COUNT(*) FROM (SELECT user_id, age FROM users) a JOIN (SELECT user_id, age FROM users) b "
  "USING (user_id, age)", tag="using_two_columns_nullable", note="rows with a NULL age never match")
q("SELECT k, COUNT(*), COUNT(a.user_id), COUNT(b.user_id) FROM (SELECT user_id, country AS k FROM users WHERE age > 100) a "
  "FULL JOIN (SELECT user_id, country AS k FROM users WHERE age < 0) b USING (user_id, k) GROUP BY k", tag="full_using_group")
q("SELECT review_id, rating, LAG(rating, 1, 0) OVER (PARTITION BY movie_id ORDER BY review_id) AS p, "
  "LEAD(rating, 3) OVER (PARTITION BY movie_id ORDER BY review_id) AS n3 FROM (SELECT DISTINCT * FROM reviews) "
  "WHERE movie_id < 'movie_0050'", tag="lag_default")
q("SELECT user_id, age, RANK() OVER (PARTITION BY country ORDER BY age DESC NULLS FIRST) AS r, "
  "DENSE_RANK() OVER (ORDER BY age NULLS LAST) AS d FROM users", tag="rank_nulls",
  note="NULLs tie with each other in RANK")
q("SELECT search_id, clicked_result_position, COUNT(clicked_result_position) OVER (ORDER BY search_id) AS c, "
  "MIN(clicked_result_position) OVER (PARTITION BY device_type ORDER BY search_id) AS mn, "
  "MAX(search_duration_seconds) OVER (PARTITION BY device_type ORDER BY search_id) AS mx "
  "FROM search_logs WHERE search_date < '2024-02-01'", tag="running_min_max")
q("SELECT review_date, rating, AVG(rating) OVER (ORDER BY review_date) AS running_avg, "
  "SUM(rating) OVER (ORDER BY review_date DESC) AS rsum FROM reviews WHERE review_date < '2024-01-20'",
  tag="running_avg_peers", note="the default frame includes every peer of the current row")
q("SELECT country, subscription_plan, COUNT(*) AS n, RANK() OVER (PARTITION BY country ORDER BY COUNT(*) DESC) AS r, "
  "SUM(COUNT(*)) OVER (PARTITION BY country) AS total FROM users GROUP BY 1, 2 HAVING COUNT(*) > 100", tag="window_having")
q("SELECT user_id, monthly_spend FROM users WHERE monthly_spend > 900 QUALIFY "
  "ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY monthly_spend) = 1", tag="qualify_dedupe")
q("SELECT * EXCEPT (rn) FROM (SELECT movie_id, rating, review_id, ROW_NUMBER() OVER (PARTITION BY movie_id, rating "
  "ORDER BY review_date DESC NULLS FIRST, review_id) AS rn FROM reviews) WHERE rn = 1 AND movie_id < 'movie_0300'",
  tag="dedup_where_rn_two_keys")
q("SELECT DISTINCT genre_primary, language FROM movies ORDER BY language DESC, genre_primary LIMIT 7", ordered=True,
  tag="distinct_order_limit")
q("SELECT * FROM (SELECT movie_id, imdb_rating FROM movies ORDER BY imdb_rating DESC, movie_id LIMIT 5) "
  "UNION ALL SELECT * FROM (SELECT movie_id, imdb_rating FROM movies ORDER BY imdb_rating, movie_id LIMIT 5)",
  tag="union_of_top_n")
q("SELECT x, COUNT(*) FROM (SELECT age AS x FROM users UNION ALL SELECT household_size FROM users UNION ALL "
  "SELECT rating FROM reviews) GROUP BY x ORDER BY x", ordered=True, tag="union_three")

# ---------------------------------------------------------------------------------------------- scalar corners
q("SELECT CONCAT('a', NULL), LENGTH(NULL), UPPER(NULL), SUBSTR(NULL, 1), NULL + 1, NULL = NULL, NULL IS NULL, "
  "COALESCE(NULL, NULL, 3), IFNULL(NULL, 'x'), NULLIF(1, 1), NULLIF(1, 2)", tag="null_propagation")
q("SELECT COUNT(*) FROM reviews WHERE '2024-06-01' < review_date AND DATE '2025-06-01' >= review_date", tag="literal_on_left")
q("SELECT review_id, DATE_ADD(review_date, INTERVAL -10 DAY), DATE_SUB(review_date, INTERVAL 3 WEEK), "
  "DATE_DIFF(DATE '2024-01-15', review_date, MONTH), DATE_DIFF(DATE '2024-01-15', review_date, YEAR), "
  "DATE_DIFF(DATE '2024-01-15', review_date, WEEK) FROM reviews WHERE review_id < 'review_000150' ORDER BY review_id",
  ordered=True, tag="date_negative")
q("SELECT user_id, TIMESTAMP_TRUNC(created_at, QUARTER), TIMESTAMP_TRUNC(created_at, ISOWEEK), "
  "TIMESTAMP_ADD(created_at, INTERVAL -36 HOUR), TIMESTAMP_SUB(created_at, INTERVAL 1500 MILLISECOND), "
  "EXTRACT(DAYOFYEAR FROM created_at), EXTRACT(QUARTER FROM created_at) FROM users WHERE user_id < 'user_00100' "
  "ORDER BY user_id", ordered=True, tag="timestamp_misc")
q("SELECT TIMESTAMP_DIFF(TIMESTAMP '2024-01-01 01:01:00', TIMESTAMP '2024-01-01 00:59:00', HOUR), "
  "TIMESTAMP_DIFF(TIMESTAMP '2024-01-01 00:59:00', TIMESTAMP '2024-01-01 01:01:00', HOUR), "
  "TIMESTAMP_DIFF(TIMESTAMP '2024-01-02 00:00:00.5', TIMESTAMP '2024-01-01 23:59:59.9', SECOND), "
  "TIMESTAMP_DIFF(TIMESTAMP '2024-01-02 01:00:00', TIMESTAMP '2024-01-01 23:00:00', DAY), "
  "TIMESTAMP_DIFF(TIMESTAMP '2024-01-01 00:00:00.001999', TIMESTAMP '2024-01-01 00:00:00', MILLISECOND)",
  tag="timestamp_diff_truncates", note="whole units between the instants, not unit boundaries crossed")
q("SELECT a.user_id, TIMESTAMP_DIFF(a.created_at, b.created_at, MINUTE) AS m, TIMESTAMP_DIFF(a.created_at, b.created_at, DAY) AS d, "
  "TIMESTAMP_DIFF(a.created_at, CAST(a.subscription_start_date AS TIMESTAMP), HOUR) AS h FROM users a CROSS JOIN "
  "(SELECT created_at FROM users WHERE user_id = 'user_00001') b WHERE a.user_id < 'user_00200'",
  tag="timestamp_diff_columns")
q("SELECT 9223372036854775807, -9223372036854775807, 4611686018427387904 * 1, 1e20, 1.5e-7, 0.1 + 0.2, 1 / 3",
  tag="numeric_extremes")
q("SELECT IEEE_DIVIDE(1, 0), IEEE_DIVIDE(-1, 0), SAFE_DIVIDE(1, 0), SAFE_DIVIDE(0, 0), IEEE_DIVIDE(6, 4)",
  duck="SELECT 'inf'::DOUBLE, '-inf'::DOUBLE, NULL, NULL, 1.5", tag="ieee_divide",
  note="DuckDB has no IEEE_DIVIDE (and / by zero is NULL there): the expected values are written out")
q("SELECT movie_id, SQRT(imdb_rating), POW(2, release_year - 2000), LN(duration_minutes + 1), LOG10(duration_minutes + 1), "
  "EXP(imdb_rating / 10), SIGN(release_year - 2000) FROM movies WHERE movie_id < 'movie_0200' ORDER BY movie_id",
  ordered=True, tag="math_functions")
q("SELECT GREATEST(title, language), LEAST(added_to_platform, DATE '2022-01-01'), GREATEST(imdb_rating, release_year / 300), "
  "LEAST(number_of_seasons, 3) FROM movies WHERE movie_id < 'movie_0100'", tag="greatest_types")
q("SELECT CAST('  12' AS INT64) IS NULL", tag="cast_whitespace", duck="SELECT false",
  note="BigQuery trims ASCII whitespace when casting STRING to INT64")
q("SELECT SUBSTR('hello', 2, 100), SUBSTR('hello', 5), SUBSTR('hello', 6), SUBSTR('hello', -3, 2), "
  "SUBSTR('héllo wörld', 2, 4), LENGTH('héllo wörld'), BYTE_LENGTH('héllo'), REVERSE('héllo'), UPPER('héllo')",
  tag="substr_unicode")
q("SELECT STARTS_WITH('abc', ''), ENDS_WITH('abc', ''), STRPOS('abc', ''), STRPOS('abcabc', 'c'), "
  "REPLACE('aaa', 'a', 'bb'), REPLACE('abc', '', 'x'), '' LIKE '%', 'abc' LIKE 'a_c', 'ABC' LIKE 'abc'", tag="string_corners")

# ---------------------------------------------------------------------------------------------- zone-map edges
# Literals at and just beyond each column's minimum and maximum (the scan prunes blocks by min/max), with
# literals of the other numeric type and strings standing for dates and timestamps.
q("SELECT COUNTIF(age > 108.5), COUNTIF(age >= 109), COUNTIF(age < -6.5), COUNTIF(age <= -7), COUNTIF(age = 109.0), "
  "COUNTIF(age > 109), COUNTIF(age < -7), COUNTIF(age <> 109) FROM users", tag="zone_int_edges")
q("SELECT COUNT(*) FROM users WHERE age > 108.5", tag="zone_int_float_literal")
q("SELECT COUNT(*) FROM users WHERE age >= 109", tag="zone_int_max")
q("SELECT COUNT(*) FROM users WHERE age < -6.5", tag="zone_int_min_float")
q("SELECT COUNT(*) FROM users WHERE age = 109.0", tag="zone_int_eq_float")
q("SELECT COUNT(*) FROM users WHERE monthly_spend >= 997.8", tag="zone_float_max")
q("SELECT COUNT(*) FROM users WHERE monthly_spend > 997", tag="zone_float_int_literal")
q("SELECT COUNT(*) FROM users WHERE monthly_spend <= 0.11", tag="zone_float_min")
q("SELECT COUNT(*) FROM users WHERE household_size = 8.0", tag="zone_int_eq_float2")
q("SELECT COUNT(*) FROM users WHERE created_at >= '2025-08-02 14:44:19.470061'", tag="zone_ts_max_string")
q("SELECT COUNT(*) FROM users WHERE created_at <= TIMESTAMP '2022-08-03 08:42:45.250770'", tag="zone_ts_min")
q("SELECT COUNT(*) FROM users WHERE created_at > TIMESTAMP '2025-08-02 14:44:19.470060'", tag="zone_ts_micro")
q("SELECT COUNT(*) FROM reviews WHERE review_date >= '2025-12-31'", tag="zone_date_max")
q("SELECT COUNT(*) FROM reviews WHERE review_date < DATE '2024-01-02'", tag="zone_date_min")
q("SELECT COUNT(*) FROM users WHERE user_id >= 'user_10000'", tag="zone_string_max")
q("SELECT COUNT(*) FROM users WHERE email <= 'aaron32@example.org'", tag="zone_string_min")
q("SELECT COUNT(*) FROM users WHERE first_name = 'Zoe'", tag="zone_string_eq_max")
q("SELECT COUNT(*) FROM users WHERE last_name > 'Zuniga'", tag="zone_string_beyond")
q("SELECT COUNT(*) FROM movies WHERE is_netflix_original = TRUE AND content_warning", tag="zone_bool")
q("SELECT COUNT(*) FROM movies WHERE release_year BETWEEN 2024 AND 2030", tag="zone_between_max")
q("SELECT COUNT(*) FROM movies WHERE duration_minutes = 0", tag="zone_zero")
q("SELECT COUNT(*) FROM search_logs WHERE clicked_result_position >= 10 OR clicked_result_position IS NULL",
  tag="zone_or_null")
q("SELECT COUNT(*) FROM search_logs WHERE 10 <= clicked_result_position", tag="zone_literal_left")
q("SELECT COUNT(*) FROM search_logs WHERE search_duration_seconds < 0.2000001", tag="zone_float_tight")

# ====================================================================================== nq gen data
# watch_history and recommendation_logs exist only in `nq gen` data.
q("SELECT COUNT(*), COUNT(DISTINCT session_id), COUNT(user_rating), COUNT(watch_duration_minutes), "
  "COUNT(progress_percentage) FROM watch_history", data="gen", tag="gen_counts")
q("SELECT * FROM watch_history WHERE watch_duration_minutes > 400", data="gen", tag="gen_star")
q("SELECT DATE_TRUNC(watch_date, MONTH) AS month, COUNT(*) AS sessions, COUNT(DISTINCT user_id) AS viewers, "
  "SUM(watch_duration_minutes) / 60 AS hours, AVG(progress_percentage) FROM watch_history GROUP BY month ORDER BY month",
  data="gen", ordered=True, tag="watch_by_month")
q("SELECT device_type, action, COUNT(*), AVG(watch_duration_minutes), COUNTIF(is_download) FROM watch_history "
  "GROUP BY device_type, action ORDER BY device_type, action", data="gen", ordered=True, tag="watch_by_device")
q("SELECT quality, location_country, COUNTIF(action = 'completed') / COUNT(*) AS completion FROM watch_history "
  "GROUP BY 1, 2", data="gen", tag="completion_rate")
q("SELECT user_rating, COUNT(*) FROM watch_history GROUP BY user_rating ORDER BY user_rating", data="gen",
  ordered=True, tag="user_rating_nulls")
q("SELECT u.subscription_plan, COUNT(*) AS sessions, SUM(w.watch_duration_minutes) AS minutes FROM watch_history w "
  "JOIN users u ON w.user_id = u.user_id GROUP BY 1 ORDER BY 1", data="gen", ordered=True, tag="watch_join_users")
q("SELECT m.genre_primary, m.content_type, COUNT(*), AVG(w.progress_percentage) FROM watch_history w "
  "JOIN movies m USING (movie_id) GROUP BY 1, 2", data="gen", tag="watch_join_movies")
q("SELECT m.movie_id, m.title, COUNT(*) AS n FROM watch_history w JOIN movies m ON w.movie_id = m.movie_id "
  "GROUP BY 1, 2 ORDER BY n DESC, m.movie_id LIMIT 10", data="gen", ordered=True, tag="top_movies")
q("SELECT recommendation_type, COUNT(*), COUNTIF(was_clicked), COUNTIF(was_clicked) / COUNT(*) AS ctr, "
  "AVG(recommendation_score), AVG(position_in_list) FROM recommendation_logs GROUP BY 1 ORDER BY 1", data="gen",
  ordered=True, tag="reco_ctr")
q("SELECT algorithm_version, time_of_day, COUNT(*) FROM recommendation_logs GROUP BY 1, 2 ORDER BY 1, 2",
  data="gen", ordered=True, tag="reco_algorithm")
q("SELECT position_in_list, SAFE_DIVIDE(COUNTIF(was_clicked), COUNT(*)) FROM recommendation_logs GROUP BY 1 "
  "ORDER BY 1", data="gen", ordered=True, tag="reco_position")
q("SELECT r.user_id, COUNT(*) AS shown, COUNTIF(w.session_id IS NOT NULL) AS watched FROM recommendation_logs r "
  "LEFT JOIN watch_history w ON r.user_id = w.user_id AND r.movie_id = w.movie_id GROUP BY r.user_id "
  "HAVING COUNT(*) > 3", data="gen", tag="reco_left_join_watch")
q("SELECT user_id, watch_date, session_id, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY watch_date, session_id) AS k "
  "FROM watch_history QUALIFY k = 1", data="gen", tag="first_session")
q("SELECT user_id, SUM(watch_duration_minutes) AS m, RANK() OVER (ORDER BY SUM(watch_duration_minutes) DESC) AS rk "
  "FROM watch_history GROUP BY user_id QUALIFY rk <= 10", data="gen", tag="top_watchers")
q("SELECT EXTRACT(DAYOFWEEK FROM watch_date) AS dow, EXTRACT(QUARTER FROM watch_date) AS qtr, COUNT(*) FROM watch_history "
  "GROUP BY 1, 2 ORDER BY 1, 2", data="gen", ordered=True, tag="watch_dow")
q("SELECT FORMAT_DATE('%Y-%m', recommendation_date) AS ym, device_type, COUNT(*) FROM recommendation_logs "
  "GROUP BY 1, 2 ORDER BY 1, 2", data="gen", ordered=True, tag="reco_monthly")
q("SELECT session_id, watch_duration_minutes, progress_percentage, ROUND(watch_duration_minutes * progress_percentage / 100, 2) "
  "FROM watch_history WHERE session_id < 'session_000300' ORDER BY session_id", data="gen", tag="watch_round")
q("SELECT COUNT(*) FROM watch_history WHERE user_id IN (SELECT user_id FROM users WHERE subscription_plan = 'Premium+') "
  "AND movie_id NOT IN (SELECT movie_id FROM movies WHERE content_type = 'Movie')", data="gen", tag="watch_in_subqueries")
q("WITH daily AS (SELECT watch_date, COUNT(*) AS n FROM watch_history GROUP BY watch_date) "
  "SELECT watch_date, n, AVG(n) OVER (ORDER BY watch_date ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS ma7 "
  "FROM daily ORDER BY watch_date", data="gen", ordered=True, tag="moving_average",
  unsupported="window frame clauses (ROWS BETWEEN ...) are outside nq's subset")
q("SELECT w.location_country, u.country, COUNT(*) FROM watch_history w LEFT JOIN users u USING (user_id) GROUP BY 1, 2",
  data="gen", tag="watch_country")
q("SELECT DATE_DIFF(w.watch_date, u.subscription_start_date, MONTH) AS months, COUNT(*) FROM watch_history w "
  "JOIN users u ON w.user_id = u.user_id GROUP BY 1 ORDER BY 1", data="gen", ordered=True, tag="watch_tenure")
q("SELECT action, LAG(action) OVER (PARTITION BY user_id ORDER BY watch_date, session_id) AS prev, COUNT(*) OVER () "
  "FROM watch_history WHERE user_id < 'user_00100'", data="gen", tag="watch_lag")
# The same questions over the generated users/movies/reviews/search_logs (a second data shape).
q("SELECT subscription_plan, country, COUNT(*), AVG(monthly_spend), MIN(created_at), MAX(created_at) FROM users "
  "GROUP BY 1, 2 ORDER BY 1, 2", data="gen", ordered=True, tag="gen_users")
q("SELECT genre_primary, COUNT(*), AVG(imdb_rating), SUM(production_budget) FROM movies GROUP BY 1 ORDER BY 1",
  data="gen", ordered=True, tag="gen_movies")
q("SELECT m.genre_primary, AVG(r.rating), COUNT(*) FROM movies m JOIN reviews r USING (movie_id) GROUP BY 1 ORDER BY 1",
  data="gen", ordered=True, tag="gen_movies_reviews")
q("SELECT device_type, COUNT(*), AVG(search_duration_seconds), COUNTIF(had_typo) FROM search_logs GROUP BY 1 ORDER BY 1",
  data="gen", ordered=True, tag="gen_search")
q("SELECT DATE_TRUNC(review_date, WEEK) AS w, COUNT(*) FROM reviews GROUP BY w ORDER BY w", data="gen2", ordered=True,
  tag="gen2_reviews_weekly")
q("SELECT DATE_TRUNC(watch_date, QUARTER) AS qtr, quality, COUNT(*), SUM(watch_duration_minutes) FROM watch_history "
  "GROUP BY 1, 2 ORDER BY 1, 2", data="gen2", ordered=True, tag="gen2_watch_quarterly")

# ---------------------------------------------------------------------------------------------- top-one counted
# Nothing above reads a column of the kept rows: counted as distinct partition keys (NULL keys are one key).
q("SELECT COUNT(*) FROM (SELECT user_id, review_id FROM reviews QUALIFY ROW_NUMBER() OVER (PARTITION BY user_id, rating "
  "ORDER BY review_date DESC) = 1)", tag="qualify_count_keys")
q("SELECT COUNT(*), COUNT(rn) FROM (SELECT ROW_NUMBER() OVER (PARTITION BY country, age ORDER BY user_id) AS rn FROM users) "
  "WHERE rn <= 1", tag="where_rn_le_1_count")
q("SELECT country, COUNT(*) AS n FROM (SELECT country, user_id FROM users QUALIFY ROW_NUMBER() OVER (PARTITION BY country, "
  "subscription_plan ORDER BY monthly_spend DESC) < 2) GROUP BY country", tag="qualify_rn_lt_2_grouped")

HANDWRITTEN: list[Query] = list(_QUERIES)
