-- API keys: only the SHA-256 of the secret is stored.
CREATE TABLE api_keys (
  id          TEXT PRIMARY KEY,           -- uuid, shown in `keys list` and in finding history
  org_id      TEXT NOT NULL,
  name        TEXT,
  key_hash    TEXT NOT NULL UNIQUE,       -- lower-case hex sha256 of the secret
  prefix      TEXT NOT NULL,              -- first characters of the secret, for humans
  scopes      TEXT NOT NULL,              -- space-separated, e.g. "audit:read audit:write"
  created_at  INTEGER NOT NULL,           -- epoch ms
  revoked_at  INTEGER
);
CREATE INDEX api_keys_org ON api_keys(org_id);

-- Scans. Times are epoch milliseconds; the API formats them as RFC 3339.
CREATE TABLE scans (
  id             TEXT PRIMARY KEY,
  org_id         TEXT NOT NULL,
  project_id     TEXT NOT NULL,
  url            TEXT NOT NULL,           -- never echoed by the API
  trigger        TEXT NOT NULL CHECK (trigger IN ('manual','scheduled','post_deploy')),
  status         TEXT NOT NULL CHECK (status IN ('queued','running','completed','failed')),
  summary        TEXT NOT NULL DEFAULT '{}',
  error_code     TEXT,
  error_message  TEXT,
  attempts       INTEGER NOT NULL DEFAULT 0,  -- processing attempts (queue messages carry none)
  lease_until    INTEGER,                     -- a running scan's lease; past it, another consumer may take over
  schedule_id    TEXT,
  started_at     INTEGER NOT NULL,
  finished_at    INTEGER,
  inserted_at    INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
-- Newest-first listing per project with keyset pagination, optionally filtered.
CREATE INDEX scans_project_recent ON scans(org_id, project_id, inserted_at DESC, id DESC);
-- Housekeeping: stuck scans.
CREATE INDEX scans_status_lease ON scans(status, lease_until);
