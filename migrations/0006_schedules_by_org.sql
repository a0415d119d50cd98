-- The schedule fan-out reads due schedules one org at a time (a page per
-- queue message), oldest slot first.
CREATE INDEX schedules_org_due ON schedules(org_id, enabled, next_run_at);
