CREATE TABLE schedules (
  id            TEXT PRIMARY KEY,
  org_id        TEXT NOT NULL,
  project_id    TEXT NOT NULL,
  name          TEXT,
  url           TEXT NOT NULL,        -- shown masked (scheme and host)
  cadence       TEXT NOT NULL CHECK (cadence IN ('hourly','daily','weekly')),
  weekday       INTEGER,              -- ISO 1 = Monday … 7 = Sunday (weekly)
  hour          INTEGER,              -- 0–23 UTC (daily, weekly)
  minute        INTEGER NOT NULL,     -- 0–59
  enabled       INTEGER NOT NULL DEFAULT 1,
  next_run_at   INTEGER NOT NULL,
  last_run_at   INTEGER,
  last_scan_id  TEXT,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX schedules_due ON schedules(enabled, next_run_at);
CREATE INDEX schedules_project ON schedules(org_id, project_id, created_at);

-- Idempotency-Key on Run Scan: the first response, replayed for 24 hours.
CREATE TABLE idempotency_keys (
  org_id        TEXT NOT NULL,
  key           TEXT NOT NULL,
  request_hash  TEXT NOT NULL,
  status_code   INTEGER,              -- NULL while the first request is in flight
  response      TEXT,
  created_at    INTEGER NOT NULL,
  PRIMARY KEY (org_id, key)
);
CREATE INDEX idempotency_created ON idempotency_keys(created_at);

-- Per-org cap on scheduled scans per hour; retention by age.
CREATE INDEX scans_trigger_recent ON scans(org_id, trigger, inserted_at);
CREATE INDEX scans_finished ON scans(finished_at);
CREATE INDEX findings_last_seen ON findings(last_seen_at);
