-- Webhooks (issue 12, point 3). The signing secret is kept as is: signing
-- needs it (unlike API keys, which are only compared, so only hashed).
CREATE TABLE webhooks (
  id            TEXT PRIMARY KEY,
  org_id        TEXT NOT NULL,
  project_id    TEXT NOT NULL,
  url           TEXT NOT NULL,        -- validated like a scan target; shown in full to its project
  events        TEXT NOT NULL,        -- comma-separated event names
  secret        TEXT NOT NULL,        -- whsec_…, shown once at creation
  created_at    INTEGER NOT NULL
);
CREATE INDEX webhooks_project ON webhooks(org_id, project_id, created_at);

-- One row per event sent to one webhook; `log` holds every attempt
-- ({attempt, status_code, error, at, duration_ms}), appended in SQL.
CREATE TABLE webhook_deliveries (
  id            TEXT PRIMARY KEY,     -- also the x-audit-delivery header
  webhook_id    TEXT NOT NULL,
  org_id        TEXT NOT NULL,
  project_id    TEXT NOT NULL,
  event         TEXT NOT NULL,
  payload       TEXT NOT NULL,        -- the exact body sent on every attempt
  status        TEXT NOT NULL CHECK (status IN ('pending','retrying','delivered','failed')),
  attempts      INTEGER NOT NULL DEFAULT 0,
  last_status_code INTEGER,
  last_error    TEXT,
  log           TEXT NOT NULL DEFAULT '[]',
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  delivered_at  INTEGER
);
CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries(webhook_id, created_at, id);
CREATE INDEX webhook_deliveries_created ON webhook_deliveries(created_at);

-- README badges (point 4): only the token's SHA-256 is stored.
CREATE TABLE badges (
  id            TEXT PRIMARY KEY,
  org_id        TEXT NOT NULL,
  project_id    TEXT NOT NULL,
  token_hash    TEXT NOT NULL UNIQUE,
  prefix        TEXT NOT NULL,        -- first characters of the token, to tell badges apart in lists
  name          TEXT,
  created_at    INTEGER NOT NULL,
  revoked_at    INTEGER
);
CREATE INDEX badges_project ON badges(org_id, project_id, created_at);
