-- One row: when the batch last succeeded, the end of the latest stream window, and the dead letters
-- so far. Shown as scorecards on both Looker Studio reports.
CREATE OR REPLACE VIEW nq.v_freshness AS
SELECT
  (SELECT MAX(ended_at) FROM nq._runs WHERE status = 'succeeded') AS last_run,
  (SELECT MAX(window_end) FROM nq.rt_engagement) AS last_window,
  (SELECT COUNT(*) FROM nq._dead_letters) AS dead_letters,
  (SELECT SUM(late_events) FROM nq.rt_late_events) AS late_events
