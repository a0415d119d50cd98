//! Gates and comparisons in D1: a project's default gate, what a scan saw
//! (its sightings), a scan's baseline, and a URL's findings' states.
use super::{n, s};
use crate::domain::compare::Sighting;
use crate::domain::gate::Gate;
use crate::domain::site::Scope;
use crate::domain::model::{Domain, Severity};
use serde::Deserialize;
use serde_json::Value;
use worker::{D1Database, Result};

#[derive(Deserialize)]
struct GateRow {
    gate: String,
    updated_at: f64,
}

/// A project's default gate and when it was set.
pub async fn project_gate(db: &D1Database, org: &str, project: &str) -> Result<Option<(Gate, i64)>> {
    let row: Option<GateRow> = db
        .prepare("SELECT gate, updated_at FROM project_gates WHERE org_id = ?1 AND project_id = ?2")
        .bind(&[s(org), s(project)])?
        .first(None)
        .await?;
    Ok(row.and_then(|r| Some((Gate::parse(&serde_json::from_str(&r.gate).ok()?, "").ok()?, r.updated_at as i64))))
}

pub async fn put_project_gate(db: &D1Database, org: &str, project: &str, gate: &Gate, now: i64) -> Result<()> {
    db.prepare(
        "INSERT INTO project_gates (org_id, project_id, gate, updated_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (org_id, project_id) DO UPDATE SET gate = excluded.gate, updated_at = excluded.updated_at",
    )
    .bind(&[s(org), s(project), s(&gate.to_json().to_string()), n(now)])?
    .run()
    .await?;
    Ok(())
}

/// Removes a project's default gate; whether there was one.
pub async fn delete_project_gate(db: &D1Database, org: &str, project: &str) -> Result<bool> {
    let r = db
        .prepare("DELETE FROM project_gates WHERE org_id = ?1 AND project_id = ?2")
        .bind(&[s(org), s(project)])?
        .run()
        .await?;
    Ok(super::changes(&r) > 0)
}

#[derive(Deserialize)]
struct SightingRow {
    finding_id: String,
    fingerprint: String,
    rule_id: String,
    domain: String,
    severity: String,
    title: String,
    evidence_sig: Option<String>,
}

/// What a scan saw: one row per finding (at most one per rule), with the
/// severity and evidence signature of that sighting.
pub async fn sightings(db: &D1Database, scan_id: &str) -> Result<Vec<Sighting>> {
    let rows: Vec<SightingRow> = db
        .prepare(
            "SELECT sf.finding_id AS finding_id, f.fingerprint AS fingerprint, f.rule_id AS rule_id, f.domain AS domain, \
             sf.severity AS severity, f.title AS title, sf.evidence_sig AS evidence_sig \
             FROM scan_findings sf JOIN findings f ON f.id = sf.finding_id WHERE sf.scan_id = ?1",
        )
        .bind(&[s(scan_id)])?
        .all()
        .await?
        .results()?;
    Ok(rows
        .into_iter()
        .map(|r| Sighting {
            finding_id: r.finding_id,
            fingerprint: r.fingerprint,
            rule_id: r.rule_id,
            domain: Domain::parse(&r.domain).unwrap_or(Domain::Security),
            severity: Severity::parse(&r.severity).unwrap_or(Severity::Info),
            title: r.title,
            evidence_sig: r.evidence_sig,
        })
        .collect())
}

#[derive(Deserialize)]
struct BaselineRow {
    id: String,
    summary: String,
}

/// The baseline of a scan that finished (or finishes) at `finished_at`: the
/// latest completed scan of the same URL that finished before it (ties by
/// id), with its summary. The same rule at completion and afterwards, so a
/// gate's baseline and a later comparison agree.
/// Site scans are compared with site scans of the same start URL; page scans
/// with page scans of the URL (a site scan's page of it included).
pub async fn baseline(db: &D1Database, org: &str, project: &str, url: &str, scope: Scope, (finished_at, id): (i64, &str)) -> Result<Option<(String, Value)>> {
    let row: Option<BaselineRow> = db
        .prepare(
            "SELECT id, summary FROM scans WHERE org_id = ?1 AND project_id = ?2 AND url = ?3 AND status = 'completed' \
             AND (finished_at < ?4 OR (finished_at = ?4 AND id < ?5)) AND scope = ?6 ORDER BY finished_at DESC, id DESC LIMIT 1",
        )
        .bind(&[s(org), s(project), s(url), n(finished_at), s(id), s(scope.as_str())])?
        .first(None)
        .await?;
    Ok(row.map(|r| (r.id, serde_json::from_str(&r.summary).unwrap_or(Value::Object(Default::default())))))
}

#[derive(Deserialize)]
pub struct AssetFinding {
    pub id: String,
    pub fingerprint: String,
    pub status: String,
}

/// The findings already recorded for a URL (one per rule at most), with
/// their triage status: a gate needs their ids and which are ignored.
#[derive(Deserialize)]
struct Fp {
    fingerprint: String,
}

/// Fingerprints of a scan's findings that are ignored now.
pub async fn ignored_in_scan(db: &D1Database, scan_id: &str) -> Result<Vec<String>> {
    let rows: Vec<Fp> = db
        .prepare(
            "SELECT f.fingerprint AS fingerprint FROM scan_findings sf JOIN findings f ON f.id = sf.finding_id              WHERE sf.scan_id = ?1 AND f.status = 'ignored'",
        )
        .bind(&[s(scan_id)])?
        .all()
        .await?
        .results()?;
    Ok(rows.into_iter().map(|r| r.fingerprint).collect())
}

pub async fn asset_findings(db: &D1Database, org: &str, project: &str, asset: &str) -> Result<Vec<AssetFinding>> {
    db.prepare("SELECT id, fingerprint, status FROM findings WHERE org_id = ?1 AND project_id = ?2 AND asset = ?3")
        .bind(&[s(org), s(project), s(asset)])?
        .all()
        .await?
        .results()
}
