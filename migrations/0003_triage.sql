-- When a finding was last resolved (by a scan or by hand), for trends.
ALTER TABLE findings ADD COLUMN resolved_at INTEGER;

-- Every change to a finding: who (an API key id, or "scan:<id>" for the
-- pipeline), when, which field, from what to what, and an optional note.
CREATE TABLE finding_events (
  id          TEXT PRIMARY KEY,
  finding_id  TEXT NOT NULL,
  org_id      TEXT NOT NULL,
  actor       TEXT NOT NULL,
  field       TEXT NOT NULL CHECK (field IN ('status','owner_id')),
  from_value  TEXT,
  to_value    TEXT,
  note        TEXT,
  at          INTEGER NOT NULL
);
CREATE INDEX finding_events_finding ON finding_events(finding_id, at);

-- When each sighting happened, so "seen by a scan inside the period" is an index probe.
ALTER TABLE scan_findings ADD COLUMN seen_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX scan_findings_seen ON scan_findings(finding_id, seen_at);

-- Command center: open findings of a project by last sighting (the counts
-- are answered from this index alone), and open findings by priority with
-- the period columns, so the top five are found without reading rows.
CREATE INDEX findings_open_seen ON findings(org_id, project_id, status, last_seen_at, created_at, severity, domain, confidence, id);
CREATE INDEX findings_open_priority ON findings(org_id, project_id, score DESC, created_at, id, last_seen_at)
  WHERE status IN ('new', 'acknowledged', 'in_progress');
-- Findings list: recency order and filters.
CREATE INDEX findings_recent ON findings(org_id, project_id, last_seen_at DESC, id DESC);
CREATE INDEX findings_rule ON findings(org_id, project_id, rule_id);
DROP INDEX findings_priority;
CREATE INDEX findings_priority ON findings(org_id, project_id, score DESC, id);
-- Trends: findings created / resolved per period; regression history.
CREATE INDEX findings_created ON findings(org_id, project_id, created_at);
CREATE INDEX findings_resolved_at ON findings(org_id, project_id, resolved_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX findings_regressed ON findings(org_id, project_id, status) WHERE regressed = 1;
