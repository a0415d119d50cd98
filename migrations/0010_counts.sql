-- Command-center counts (issue 13, point 7): the numbers the command center
-- answers, kept per project and UTC day (epoch ms / 86 400 000) by triggers,
-- so every statement that writes findings or sightings (scan persistence,
-- triage, retention, and whatever is added later) keeps them exact in its own
-- statement, hence in its own D1 batch. Reading them costs a few rows per day
-- of the period, whatever the number of findings.

-- Open findings (status new, acknowledged or in_progress) by sighting day. A
-- finding adds 1 at (day, prev_day) for each distinct day a scan saw it,
-- prev_day being the previous day it was seen (-1 for none), under its
-- current domain and severity. The findings seen at least once in days
-- [a, b] are then SUM(n) over a <= day <= b AND prev_day < a: each counts
-- once, at its first sighting inside the period. conf = sum of confidence in
-- hundredths (confidences have two decimals), so sums stay exact integers.
CREATE TABLE finding_counts_open (
  org_id      TEXT NOT NULL,
  project_id  TEXT NOT NULL,
  day         INTEGER NOT NULL,
  prev_day    INTEGER NOT NULL,
  domain      TEXT NOT NULL,
  severity    TEXT NOT NULL,
  n           INTEGER NOT NULL,
  conf        INTEGER NOT NULL,
  PRIMARY KEY (org_id, project_id, day, prev_day, domain, severity)
) WITHOUT ROWID;
-- Retention drops the rows of days it has emptied.
CREATE INDEX finding_counts_open_day ON finding_counts_open(day) WHERE n = 0;

-- Findings created (created_at) and last resolved (resolved_at) per day.
CREATE TABLE finding_counts_day (
  org_id      TEXT NOT NULL,
  project_id  TEXT NOT NULL,
  day         INTEGER NOT NULL,
  created     INTEGER NOT NULL,
  resolved    INTEGER NOT NULL,
  PRIMARY KEY (org_id, project_id, day)
) WITHOUT ROWID;
CREATE INDEX finding_counts_day_empty ON finding_counts_day(day) WHERE created = 0 AND resolved = 0;

-- Per project: findings resolved now, regressed ever, regressed and not resolved now.
CREATE TABLE finding_counts_project (
  org_id                TEXT NOT NULL,
  project_id            TEXT NOT NULL,
  resolved              INTEGER NOT NULL,
  regressed             INTEGER NOT NULL,
  regressed_unresolved  INTEGER NOT NULL,
  PRIMARY KEY (org_id, project_id)
) WITHOUT ROWID;

-- Backfill from the rows already there.
INSERT INTO finding_counts_open (org_id, project_id, day, prev_day, domain, severity, n, conf)
  SELECT org_id, project_id, d, prev, domain, severity, COUNT(*), SUM(conf) FROM (
    SELECT f.org_id, f.project_id, f.domain, f.severity, CAST(round(f.confidence * 100) AS INTEGER) AS conf, x.d,
      COALESCE(LAG(x.d) OVER (PARTITION BY x.finding_id ORDER BY x.d), -1) AS prev
    FROM (SELECT DISTINCT finding_id, seen_at / 86400000 AS d FROM scan_findings) x JOIN findings f ON f.id = x.finding_id
    WHERE f.status IN ('new', 'acknowledged', 'in_progress'))
  GROUP BY org_id, project_id, d, prev, domain, severity;
INSERT INTO finding_counts_day (org_id, project_id, day, created, resolved)
  SELECT org_id, project_id, day, SUM(c), SUM(r) FROM (
    SELECT org_id, project_id, created_at / 86400000 AS day, 1 AS c, 0 AS r FROM findings
    UNION ALL SELECT org_id, project_id, resolved_at / 86400000, 0, 1 FROM findings WHERE resolved_at IS NOT NULL)
  GROUP BY org_id, project_id, day;
INSERT INTO finding_counts_project (org_id, project_id, resolved, regressed, regressed_unresolved)
  SELECT org_id, project_id, SUM(status = 'resolved'), SUM(regressed = 1), SUM(regressed = 1 AND status != 'resolved')
  FROM findings GROUP BY org_id, project_id;

-- A finding's whole contribution to finding_counts_open is added when it
-- becomes open (or is inserted open) and removed when it stops being open
-- (or is deleted), and moved when its domain, severity or confidence change.
CREATE TRIGGER findings_counts_insert AFTER INSERT ON findings BEGIN
  INSERT INTO finding_counts_day (org_id, project_id, day, created, resolved)
    VALUES (NEW.org_id, NEW.project_id, NEW.created_at / 86400000, 1, 0)
    ON CONFLICT (org_id, project_id, day) DO UPDATE SET created = created + 1;
  INSERT INTO finding_counts_day (org_id, project_id, day, created, resolved)
    SELECT NEW.org_id, NEW.project_id, NEW.resolved_at / 86400000, 0, 1 WHERE NEW.resolved_at IS NOT NULL
    ON CONFLICT (org_id, project_id, day) DO UPDATE SET resolved = resolved + 1;
  INSERT INTO finding_counts_project (org_id, project_id, resolved, regressed, regressed_unresolved)
    VALUES (NEW.org_id, NEW.project_id, NEW.status = 'resolved', NEW.regressed = 1, NEW.regressed = 1 AND NEW.status != 'resolved')
    ON CONFLICT (org_id, project_id) DO UPDATE SET resolved = resolved + excluded.resolved,
      regressed = regressed + excluded.regressed, regressed_unresolved = regressed_unresolved + excluded.regressed_unresolved;
  INSERT INTO finding_counts_open (org_id, project_id, day, prev_day, domain, severity, n, conf)
    SELECT NEW.org_id, NEW.project_id, d, COALESCE(LAG(d) OVER (ORDER BY d), -1), NEW.domain, NEW.severity, 1, CAST(round(NEW.confidence * 100) AS INTEGER)
    FROM (SELECT DISTINCT seen_at / 86400000 AS d FROM scan_findings WHERE finding_id = NEW.id)
    WHERE NEW.status IN ('new', 'acknowledged', 'in_progress')
    ON CONFLICT (org_id, project_id, day, prev_day, domain, severity) DO UPDATE SET n = n + excluded.n, conf = conf + excluded.conf;
END;

CREATE TRIGGER findings_counts_delete AFTER DELETE ON findings BEGIN
  UPDATE finding_counts_day SET created = created - 1
    WHERE org_id = OLD.org_id AND project_id = OLD.project_id AND day = OLD.created_at / 86400000;
  UPDATE finding_counts_day SET resolved = resolved - 1
    WHERE OLD.resolved_at IS NOT NULL AND org_id = OLD.org_id AND project_id = OLD.project_id AND day = OLD.resolved_at / 86400000;
  UPDATE finding_counts_project SET resolved = resolved - (OLD.status = 'resolved'), regressed = regressed - (OLD.regressed = 1),
      regressed_unresolved = regressed_unresolved - (OLD.regressed = 1 AND OLD.status != 'resolved')
    WHERE org_id = OLD.org_id AND project_id = OLD.project_id;
  UPDATE finding_counts_open SET n = n - 1, conf = conf - CAST(round(OLD.confidence * 100) AS INTEGER)
    FROM (SELECT d, COALESCE(LAG(d) OVER (ORDER BY d), -1) AS p FROM (SELECT DISTINCT seen_at / 86400000 AS d FROM scan_findings WHERE finding_id = OLD.id)) x
    WHERE OLD.status IN ('new', 'acknowledged', 'in_progress') AND org_id = OLD.org_id AND project_id = OLD.project_id
      AND day = x.d AND prev_day = x.p AND domain = OLD.domain AND severity = OLD.severity;
END;

CREATE TRIGGER findings_counts_resolved_at AFTER UPDATE OF resolved_at ON findings
WHEN OLD.resolved_at IS NOT NEW.resolved_at BEGIN
  UPDATE finding_counts_day SET resolved = resolved - 1
    WHERE OLD.resolved_at IS NOT NULL AND org_id = OLD.org_id AND project_id = OLD.project_id AND day = OLD.resolved_at / 86400000;
  INSERT INTO finding_counts_day (org_id, project_id, day, created, resolved)
    SELECT NEW.org_id, NEW.project_id, NEW.resolved_at / 86400000, 0, 1 WHERE NEW.resolved_at IS NOT NULL
    ON CONFLICT (org_id, project_id, day) DO UPDATE SET resolved = resolved + 1;
END;

CREATE TRIGGER findings_counts_project AFTER UPDATE OF status, regressed ON findings
WHEN (OLD.status = 'resolved') != (NEW.status = 'resolved') OR OLD.regressed != NEW.regressed BEGIN
  UPDATE finding_counts_project SET resolved = resolved + (NEW.status = 'resolved') - (OLD.status = 'resolved'),
      regressed = regressed + (NEW.regressed = 1) - (OLD.regressed = 1),
      regressed_unresolved = regressed_unresolved + (NEW.regressed = 1 AND NEW.status != 'resolved') - (OLD.regressed = 1 AND OLD.status != 'resolved')
    WHERE org_id = NEW.org_id AND project_id = NEW.project_id;
END;

CREATE TRIGGER findings_counts_open_update AFTER UPDATE OF status, severity, confidence, domain ON findings
WHEN (OLD.status IN ('new', 'acknowledged', 'in_progress')) != (NEW.status IN ('new', 'acknowledged', 'in_progress'))
  OR (NEW.status IN ('new', 'acknowledged', 'in_progress')
      AND (OLD.severity != NEW.severity OR OLD.confidence != NEW.confidence OR OLD.domain != NEW.domain)) BEGIN
  UPDATE finding_counts_open SET n = n - 1, conf = conf - CAST(round(OLD.confidence * 100) AS INTEGER)
    FROM (SELECT d, COALESCE(LAG(d) OVER (ORDER BY d), -1) AS p FROM (SELECT DISTINCT seen_at / 86400000 AS d FROM scan_findings WHERE finding_id = OLD.id)) x
    WHERE OLD.status IN ('new', 'acknowledged', 'in_progress') AND org_id = OLD.org_id AND project_id = OLD.project_id
      AND day = x.d AND prev_day = x.p AND domain = OLD.domain AND severity = OLD.severity;
  INSERT INTO finding_counts_open (org_id, project_id, day, prev_day, domain, severity, n, conf)
    SELECT NEW.org_id, NEW.project_id, d, COALESCE(LAG(d) OVER (ORDER BY d), -1), NEW.domain, NEW.severity, 1, CAST(round(NEW.confidence * 100) AS INTEGER)
    FROM (SELECT DISTINCT seen_at / 86400000 AS d FROM scan_findings WHERE finding_id = NEW.id)
    WHERE NEW.status IN ('new', 'acknowledged', 'in_progress')
    ON CONFLICT (org_id, project_id, day, prev_day, domain, severity) DO UPDATE SET n = n + excluded.n, conf = conf + excluded.conf;
END;

-- A sighting on a day the open finding was not yet seen: +1 at (D, P), and
-- the next sighting day N (if any; only when sightings arrive out of order)
-- moves from (N, P) to (N, D). Removing the only sighting of a day undoes
-- exactly that. P is the previous sighting day (-1 for none).
CREATE TRIGGER scan_findings_counts_insert AFTER INSERT ON scan_findings
WHEN NOT EXISTS (SELECT 1 FROM scan_findings WHERE finding_id = NEW.finding_id AND scan_id != NEW.scan_id
    AND seen_at BETWEEN NEW.seen_at / 86400000 * 86400000 AND NEW.seen_at / 86400000 * 86400000 + 86399999) BEGIN
  INSERT INTO finding_counts_open (org_id, project_id, day, prev_day, domain, severity, n, conf)
    SELECT f.org_id, f.project_id, x.day, x.prev, f.domain, f.severity, x.dn, x.dn * CAST(round(f.confidence * 100) AS INTEGER)
    FROM findings f, (
      SELECT d AS day, p AS prev, 1 AS dn FROM (SELECT NEW.seen_at / 86400000 AS d, COALESCE((SELECT MAX(seen_at) FROM scan_findings WHERE finding_id = NEW.finding_id AND seen_at < NEW.seen_at / 86400000 * 86400000) / 86400000, -1) AS p, (SELECT MIN(seen_at) FROM scan_findings WHERE finding_id = NEW.finding_id AND seen_at >= (NEW.seen_at / 86400000 + 1) * 86400000) / 86400000 AS nx)
      UNION ALL SELECT nx, p, -1 FROM (SELECT NEW.seen_at / 86400000 AS d, COALESCE((SELECT MAX(seen_at) FROM scan_findings WHERE finding_id = NEW.finding_id AND seen_at < NEW.seen_at / 86400000 * 86400000) / 86400000, -1) AS p, (SELECT MIN(seen_at) FROM scan_findings WHERE finding_id = NEW.finding_id AND seen_at >= (NEW.seen_at / 86400000 + 1) * 86400000) / 86400000 AS nx) WHERE nx IS NOT NULL
      UNION ALL SELECT nx, d, 1 FROM (SELECT NEW.seen_at / 86400000 AS d, COALESCE((SELECT MAX(seen_at) FROM scan_findings WHERE finding_id = NEW.finding_id AND seen_at < NEW.seen_at / 86400000 * 86400000) / 86400000, -1) AS p, (SELECT MIN(seen_at) FROM scan_findings WHERE finding_id = NEW.finding_id AND seen_at >= (NEW.seen_at / 86400000 + 1) * 86400000) / 86400000 AS nx) WHERE nx IS NOT NULL
    ) x
    WHERE f.id = NEW.finding_id AND f.status IN ('new', 'acknowledged', 'in_progress')
    ON CONFLICT (org_id, project_id, day, prev_day, domain, severity) DO UPDATE SET n = n + excluded.n, conf = conf + excluded.conf;
END;

CREATE TRIGGER scan_findings_counts_delete AFTER DELETE ON scan_findings
WHEN NOT EXISTS (SELECT 1 FROM scan_findings WHERE finding_id = OLD.finding_id
    AND seen_at BETWEEN OLD.seen_at / 86400000 * 86400000 AND OLD.seen_at / 86400000 * 86400000 + 86399999) BEGIN
  INSERT INTO finding_counts_open (org_id, project_id, day, prev_day, domain, severity, n, conf)
    SELECT f.org_id, f.project_id, x.day, x.prev, f.domain, f.severity, x.dn, x.dn * CAST(round(f.confidence * 100) AS INTEGER)
    FROM findings f, (
      SELECT d AS day, p AS prev, -1 AS dn FROM (SELECT OLD.seen_at / 86400000 AS d, COALESCE((SELECT MAX(seen_at) FROM scan_findings WHERE finding_id = OLD.finding_id AND seen_at < OLD.seen_at / 86400000 * 86400000) / 86400000, -1) AS p, (SELECT MIN(seen_at) FROM scan_findings WHERE finding_id = OLD.finding_id AND seen_at >= (OLD.seen_at / 86400000 + 1) * 86400000) / 86400000 AS nx)
      UNION ALL SELECT nx, p, 1 FROM (SELECT OLD.seen_at / 86400000 AS d, COALESCE((SELECT MAX(seen_at) FROM scan_findings WHERE finding_id = OLD.finding_id AND seen_at < OLD.seen_at / 86400000 * 86400000) / 86400000, -1) AS p, (SELECT MIN(seen_at) FROM scan_findings WHERE finding_id = OLD.finding_id AND seen_at >= (OLD.seen_at / 86400000 + 1) * 86400000) / 86400000 AS nx) WHERE nx IS NOT NULL
      UNION ALL SELECT nx, d, -1 FROM (SELECT OLD.seen_at / 86400000 AS d, COALESCE((SELECT MAX(seen_at) FROM scan_findings WHERE finding_id = OLD.finding_id AND seen_at < OLD.seen_at / 86400000 * 86400000) / 86400000, -1) AS p, (SELECT MIN(seen_at) FROM scan_findings WHERE finding_id = OLD.finding_id AND seen_at >= (OLD.seen_at / 86400000 + 1) * 86400000) / 86400000 AS nx) WHERE nx IS NOT NULL
    ) x
    WHERE f.id = OLD.finding_id AND f.status IN ('new', 'acknowledged', 'in_progress')
    ON CONFLICT (org_id, project_id, day, prev_day, domain, severity) DO UPDATE SET n = n + excluded.n, conf = conf + excluded.conf;
END;
