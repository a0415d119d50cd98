//! Findings in D1: the lifecycle writes of a completed scan and the reads.
use super::{n, s};
use crate::findings::{Finding, FindingStatus, Observation};
use crate::model::{Domain, Severity};
use serde::Deserialize;
use serde_json::Value;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, Result};

const UPSERT: &str = "INSERT INTO findings (id, org_id, project_id, fingerprint, rule_id, domain, severity, title, description, confidence, \
  impact, effort, risk, score, asset, evidence, evidence_total, recommended_fix, refs, status, owner_id, regressed, \
  first_seen_scan_id, last_seen_scan_id, created_at, updated_at, last_seen_at) \
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, 'new', NULL, 0, ?20, ?20, ?21, ?21, ?21) \
  ON CONFLICT (org_id, project_id, fingerprint) DO UPDATE SET \
  severity = excluded.severity, title = excluded.title, description = excluded.description, confidence = excluded.confidence, \
  impact = excluded.impact, effort = excluded.effort, risk = excluded.risk, score = excluded.score, \
  evidence = excluded.evidence, evidence_total = excluded.evidence_total, recommended_fix = excluded.recommended_fix, refs = excluded.refs, \
  last_seen_scan_id = excluded.last_seen_scan_id, last_seen_at = excluded.last_seen_at, \
  regressed = CASE WHEN findings.status = 'resolved' THEN 1 ELSE findings.regressed END, \
  resolved_by_scan_id = CASE WHEN findings.status = 'resolved' THEN NULL ELSE findings.resolved_by_scan_id END, \
  updated_at = CASE WHEN findings.status = 'resolved' OR findings.severity != excluded.severity OR findings.evidence != excluded.evidence \
    THEN excluded.updated_at ELSE findings.updated_at END, \
  status = CASE WHEN findings.status = 'resolved' THEN 'new' ELSE findings.status END";

/// The statements that record a completed scan's observations, in order:
/// upsert each finding, link it to the scan, then resolve the open findings
/// of this URL that the scan no longer saw. Idempotent for a redelivered scan.
pub fn record_stmts(
    db: &D1Database,
    org: &str,
    project: &str,
    scan_id: &str,
    asset: &str,
    obs: &[Observation],
    new_ids: &[String],
    now: i64,
) -> Result<Vec<D1PreparedStatement>> {
    let mut out = Vec::with_capacity(obs.len() * 2 + 1);
    for (o, id) in obs.iter().zip(new_ids) {
        out.push(db.prepare(UPSERT).bind(&[
            s(id),
            s(org),
            s(project),
            s(&o.fingerprint),
            s(&o.rule_id),
            s(o.domain.as_str()),
            s(o.severity.as_str()),
            s(&o.title),
            s(&o.description),
            JsValue::from_f64(o.confidence),
            n(o.impact as i64),
            n(o.effort as i64),
            n(o.risk as i64),
            n(o.score as i64),
            s(&o.asset),
            s(&o.evidence.to_string()),
            n(o.evidence_total as i64),
            s(&o.recommended_fix.to_string()),
            s(&o.references.to_string()),
            s(scan_id),
            n(now),
        ])?);
        out.push(
            db.prepare(
                "INSERT OR IGNORE INTO scan_findings (scan_id, finding_id, severity) \
                 SELECT ?1, id, ?4 FROM findings WHERE org_id = ?2 AND project_id = ?3 AND fingerprint = ?5",
            )
            .bind(&[s(scan_id), s(org), s(project), s(o.severity.as_str()), s(&o.fingerprint)])?,
        );
    }
    out.push(
        db.prepare(
            "UPDATE findings SET status = 'resolved', resolved_by_scan_id = ?4, updated_at = ?5 \
             WHERE org_id = ?1 AND project_id = ?2 AND asset = ?3 AND status IN ('new', 'acknowledged', 'in_progress') \
             AND last_seen_scan_id != ?4",
        )
        .bind(&[s(org), s(project), s(asset), s(scan_id), n(now)])?,
    );
    Ok(out)
}

#[derive(Debug, Deserialize)]
struct Row {
    id: String,
    org_id: String,
    project_id: String,
    fingerprint: String,
    rule_id: String,
    domain: String,
    severity: String,
    title: String,
    description: String,
    confidence: f64,
    impact: f64,
    effort: f64,
    risk: f64,
    score: f64,
    asset: String,
    evidence: String,
    evidence_total: f64,
    recommended_fix: String,
    refs: String,
    status: String,
    owner_id: Option<String>,
    regressed: f64,
    first_seen_scan_id: String,
    last_seen_scan_id: String,
    resolved_by_scan_id: Option<String>,
    created_at: f64,
    updated_at: f64,
    last_seen_at: f64,
}

pub const COLS: &str = "f.id, f.org_id, f.project_id, f.fingerprint, f.rule_id, f.domain, f.severity, f.title, f.description, f.confidence, \
  f.impact, f.effort, f.risk, f.score, f.asset, f.evidence, f.evidence_total, f.recommended_fix, f.refs, f.status, f.owner_id, f.regressed, \
  f.first_seen_scan_id, f.last_seen_scan_id, f.resolved_by_scan_id, f.created_at, f.updated_at, f.last_seen_at";

fn json_or(s: &str, default: Value) -> Value {
    serde_json::from_str(s).unwrap_or(default)
}

fn from_row(r: Row) -> Finding {
    Finding {
        id: r.id,
        org_id: r.org_id,
        project_id: r.project_id,
        obs: Observation {
            fingerprint: r.fingerprint,
            rule_id: r.rule_id,
            domain: Domain::parse(&r.domain).unwrap_or(Domain::Security),
            severity: Severity::parse(&r.severity).unwrap_or(Severity::Info),
            title: r.title,
            description: r.description,
            confidence: r.confidence,
            impact: r.impact as u8,
            effort: r.effort as u8,
            risk: r.risk as u8,
            score: r.score as u8,
            asset: r.asset,
            evidence: json_or(&r.evidence, Value::Array(vec![])),
            evidence_total: r.evidence_total as usize,
            recommended_fix: json_or(&r.recommended_fix, Value::Object(Default::default())),
            references: json_or(&r.refs, Value::Array(vec![])),
        },
        status: FindingStatus::parse(&r.status).unwrap_or(FindingStatus::New),
        owner_id: r.owner_id,
        regressed: r.regressed != 0.0,
        first_seen_scan_id: r.first_seen_scan_id,
        last_seen_scan_id: r.last_seen_scan_id,
        resolved_by_scan_id: r.resolved_by_scan_id,
        created_at: r.created_at as i64,
        updated_at: r.updated_at as i64,
        last_seen_at: r.last_seen_at as i64,
    }
}

/// The findings a scan saw, by priority; keyset-paginated on (score, id).
pub async fn for_scan(
    db: &D1Database,
    scan_id: &str,
    after: Option<(i64, String)>,
    limit: u32,
) -> Result<(Vec<Finding>, bool)> {
    let mut sql = format!("SELECT {COLS} FROM scan_findings sf JOIN findings f ON f.id = sf.finding_id WHERE sf.scan_id = ?1");
    let mut binds = vec![s(scan_id)];
    if let Some((score, id)) = &after {
        binds.push(n(*score));
        binds.push(s(id));
        sql.push_str(" AND (f.score < ?2 OR (f.score = ?2 AND f.id > ?3))");
    }
    binds.push(n(limit as i64 + 1));
    sql.push_str(&format!(" ORDER BY f.score DESC, f.id ASC LIMIT ?{}", binds.len()));
    let rows: Vec<Row> = db.prepare(sql).bind(&binds)?.all().await?.results()?;
    let more = rows.len() > limit as usize;
    Ok((rows.into_iter().take(limit as usize).map(from_row).collect(), more))
}
