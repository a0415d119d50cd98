-- Open findings per rule, kept by triggers like 0010's counts: the number of
-- URLs a rule's problem affects now (one finding per rule per URL). The
-- command center's top priorities break score ties by it, so a template
-- problem on many pages comes before a one-page problem of the same score.
CREATE TABLE finding_counts_rule (
  org_id      TEXT NOT NULL,
  project_id  TEXT NOT NULL,
  rule_id     TEXT NOT NULL,
  open        INTEGER NOT NULL,
  PRIMARY KEY (org_id, project_id, rule_id)
) WITHOUT ROWID;

INSERT INTO finding_counts_rule (org_id, project_id, rule_id, open)
  SELECT org_id, project_id, rule_id, COUNT(*) FROM findings
  WHERE status IN ('new', 'acknowledged', 'in_progress') GROUP BY org_id, project_id, rule_id;

CREATE TRIGGER findings_rule_counts_insert AFTER INSERT ON findings
WHEN NEW.status IN ('new', 'acknowledged', 'in_progress') BEGIN
  INSERT INTO finding_counts_rule (org_id, project_id, rule_id, open) VALUES (NEW.org_id, NEW.project_id, NEW.rule_id, 1)
    ON CONFLICT (org_id, project_id, rule_id) DO UPDATE SET open = open + 1;
END;

CREATE TRIGGER findings_rule_counts_delete AFTER DELETE ON findings
WHEN OLD.status IN ('new', 'acknowledged', 'in_progress') BEGIN
  UPDATE finding_counts_rule SET open = open - 1 WHERE org_id = OLD.org_id AND project_id = OLD.project_id AND rule_id = OLD.rule_id;
END;

CREATE TRIGGER findings_rule_counts_status AFTER UPDATE OF status ON findings
WHEN (OLD.status IN ('new', 'acknowledged', 'in_progress')) != (NEW.status IN ('new', 'acknowledged', 'in_progress')) BEGIN
  INSERT INTO finding_counts_rule (org_id, project_id, rule_id, open)
    VALUES (NEW.org_id, NEW.project_id, NEW.rule_id, CASE WHEN NEW.status IN ('new', 'acknowledged', 'in_progress') THEN 1 ELSE -1 END)
    ON CONFLICT (org_id, project_id, rule_id) DO UPDATE SET open = open + excluded.open;
END;
