-- Gates (issue 12). A scan keeps the gate its Run Scan request asked for and,
-- once completed, the gate's verdict (both JSON text; NULL = none).
ALTER TABLE scans ADD COLUMN gate TEXT;
ALTER TABLE scans ADD COLUMN gate_result TEXT;
-- A project's default gate, used when a scan's request has none.
CREATE TABLE project_gates (
  org_id      TEXT NOT NULL,
  project_id  TEXT NOT NULL,
  gate        TEXT NOT NULL,           -- JSON object
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (org_id, project_id)
);
-- A sighting's evidence signature (what a finding showed in that scan), so a
-- comparison can tell "the same finding, different evidence" per scan; NULL
-- for sightings recorded before this migration (never counted as changed).
ALTER TABLE scan_findings ADD COLUMN evidence_sig TEXT;
-- The baseline of a scan: the latest completed scan of the same URL before it.
CREATE INDEX scans_url_finished ON scans(org_id, project_id, url, finished_at) WHERE status = 'completed';
