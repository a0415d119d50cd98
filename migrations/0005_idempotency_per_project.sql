-- Idempotency keys are scoped to (org, project): the same key sent to two
-- projects of one org names two different requests. SQLite cannot change a
-- primary key in place, so the table is rebuilt. Completed keys keep their
-- project (it is in the stored 202 body); keys still in flight (no response
-- yet) are dropped: at worst a retry racing this migration makes a new scan.
-- project_id defaults to '' (no project has that id) so a Worker still on the
-- old code between `migrations apply` and `deploy` can insert; such rows are
-- inert and purged after 24 hours like any other.
CREATE TABLE idempotency_keys_v2 (
  org_id        TEXT NOT NULL,
  project_id    TEXT NOT NULL DEFAULT '',
  key           TEXT NOT NULL,
  request_hash  TEXT NOT NULL,
  status_code   INTEGER,              -- NULL while the first request is in flight
  response      TEXT,
  created_at    INTEGER NOT NULL,
  PRIMARY KEY (org_id, project_id, key)
);
INSERT OR IGNORE INTO idempotency_keys_v2 (org_id, project_id, key, request_hash, status_code, response, created_at)
  SELECT org_id, json_extract(response, '$.data.project_id'), key, request_hash, status_code, response, created_at
  FROM idempotency_keys
  WHERE response IS NOT NULL AND json_valid(response) AND json_extract(response, '$.data.project_id') IS NOT NULL;
DROP TABLE idempotency_keys;
ALTER TABLE idempotency_keys_v2 RENAME TO idempotency_keys;
CREATE INDEX idempotency_created ON idempotency_keys(created_at);
