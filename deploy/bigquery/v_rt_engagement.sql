-- Looker Studio source for the real-time line charts: one row per window, late events joined in.
CREATE OR REPLACE VIEW nq.v_rt_engagement AS
SELECT
  e.window_start,
  e.window_end,
  e.active_users,
  e.events,
  e.sessions,
  e.avg_session_minutes,
  e.skips,
  COALESCE(l.late_events, 0) AS late_events
FROM nq.rt_engagement AS e
LEFT JOIN nq.rt_late_events AS l ON l.window_start = e.window_start AND l.window_end = e.window_end
