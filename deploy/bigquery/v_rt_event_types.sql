-- Looker Studio source for the stacked event-type chart (dimension: window_start, breakdown: action).
CREATE OR REPLACE VIEW nq.v_rt_event_types AS
SELECT window_start, window_end, action, events
FROM nq.rt_event_types
