-- Findings live across scans, identified by a fingerprint of (org, project, rule, asset).
CREATE TABLE findings (
  id                   TEXT PRIMARY KEY,
  org_id               TEXT NOT NULL,
  project_id           TEXT NOT NULL,
  fingerprint          TEXT NOT NULL,
  rule_id              TEXT NOT NULL,
  domain               TEXT NOT NULL CHECK (domain IN ('security','performance','accessibility')),
  severity             TEXT NOT NULL CHECK (severity IN ('critical','high','medium','low','info')),
  title                TEXT NOT NULL,
  description          TEXT NOT NULL,
  confidence           REAL NOT NULL,
  impact               INTEGER NOT NULL,
  effort               INTEGER NOT NULL,
  risk                 INTEGER NOT NULL,
  score                INTEGER NOT NULL,
  asset                TEXT NOT NULL,
  evidence             TEXT NOT NULL,       -- JSON array, capped
  evidence_total       INTEGER NOT NULL,
  recommended_fix      TEXT NOT NULL,       -- JSON object
  refs                 TEXT NOT NULL,       -- JSON array
  status               TEXT NOT NULL CHECK (status IN ('new','acknowledged','in_progress','resolved','ignored')),
  owner_id             TEXT,
  regressed            INTEGER NOT NULL DEFAULT 0,
  first_seen_scan_id   TEXT NOT NULL,
  last_seen_scan_id    TEXT NOT NULL,
  resolved_by_scan_id  TEXT,
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL,
  last_seen_at         INTEGER NOT NULL,
  UNIQUE (org_id, project_id, fingerprint)
);
-- Resolving what a completed scan of a URL no longer sees.
CREATE INDEX findings_asset_status ON findings(org_id, project_id, asset, status);
-- Priority ordering of open findings (command center, findings list).
CREATE INDEX findings_priority ON findings(org_id, project_id, status, score DESC, created_at);

-- Which findings each scan saw (a scan's findings page; idempotent on redelivery).
CREATE TABLE scan_findings (
  scan_id     TEXT NOT NULL,
  finding_id  TEXT NOT NULL,
  severity    TEXT NOT NULL,
  PRIMARY KEY (scan_id, finding_id)
);
CREATE INDEX scan_findings_finding ON scan_findings(finding_id);
