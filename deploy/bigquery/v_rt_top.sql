-- Looker Studio source for the top-genre and top-country bars: both in one shape (kind, name).
CREATE OR REPLACE VIEW nq.v_rt_top AS
SELECT window_start, window_end, 'genre' AS kind, genre AS name, events, active_users
FROM nq.rt_top_genres
UNION ALL
SELECT window_start, window_end, 'country' AS kind, country AS name, events, active_users
FROM nq.rt_top_countries
