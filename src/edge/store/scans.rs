//! Scans in D1.
use super::{n, s};
use crate::domain::scan::{Scan, ScanStatus, Trigger};
use crate::domain::site::Scope;
use serde::Deserialize;
use serde_json::Value;
use worker::{D1Database, Result};

#[derive(Debug, Deserialize)]
struct Row {
    id: String,
    org_id: String,
    project_id: String,
    url: String,
    trigger: String,
    status: String,
    summary: String,
    error_code: Option<String>,
    error_message: Option<String>,
    attempts: f64,
    started_at: f64,
    finished_at: Option<f64>,
    inserted_at: f64,
    updated_at: f64,
    gate: Option<String>,
    gate_result: Option<String>,
    scope: Option<String>,
    parent_id: Option<String>,
}

/// A scan plus the bookkeeping the consumer needs.
#[derive(Debug)]
pub struct StoredScan {
    pub scan: Scan,
    pub attempts: u32,
}

const COLS: &str = "id, org_id, project_id, url, trigger, status, summary, error_code, error_message, attempts, started_at, finished_at, inserted_at, updated_at, gate, gate_result, scope, parent_id";

fn from_row(r: Row) -> StoredScan {
    let error = match (r.error_code, r.error_message) {
        (Some(c), m) => Some((c, m.unwrap_or_default())),
        _ => None,
    };
    StoredScan {
        attempts: r.attempts as u32,
        scan: Scan {
            id: r.id,
            org_id: r.org_id,
            project_id: r.project_id,
            url: r.url,
            trigger: Trigger::parse(&r.trigger).unwrap_or(Trigger::Manual),
            status: ScanStatus::parse(&r.status).unwrap_or(ScanStatus::Failed),
            summary: serde_json::from_str(&r.summary).unwrap_or(Value::Object(Default::default())),
            error,
            started_at: r.started_at as i64,
            finished_at: r.finished_at.map(|f| f as i64),
            inserted_at: r.inserted_at as i64,
            updated_at: r.updated_at as i64,
            // Unreadable JSON (never written by us) reads as no gate.
            gate: r.gate.and_then(|g| serde_json::from_str::<Value>(&g).ok()).and_then(|g| crate::domain::gate::Gate::parse(&g, "").ok()),
            gate_result: r.gate_result.and_then(|g| serde_json::from_str(&g).ok()),
            scope: r.scope.as_deref().and_then(Scope::parse).unwrap_or(Scope::Page),
            parent_id: r.parent_id,
        },
    }
}

/// Inserts the scan; a site scan's crawl options go in the same batch.
pub async fn insert(db: &D1Database, scan: &Scan, site: Option<&crate::domain::site::SiteOptions>) -> Result<()> {
    let row = db.prepare(
        "INSERT INTO scans (id, org_id, project_id, url, trigger, status, summary, started_at, inserted_at, updated_at, gate, scope, parent_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, '{}', ?7, ?8, ?9, ?10, ?11, ?12)",
    )
    .bind(&[
        s(&scan.id),
        s(&scan.org_id),
        s(&scan.project_id),
        s(&scan.url),
        s(scan.trigger.as_str()),
        s(scan.status.as_str()),
        n(scan.started_at),
        n(scan.inserted_at),
        n(scan.updated_at),
        scan.gate.as_ref().map(|g| s(&g.to_json().to_string())).unwrap_or(wasm_bindgen::JsValue::NULL),
        s(scan.scope.as_str()),
        scan.parent_id.as_deref().map(s).unwrap_or(wasm_bindgen::JsValue::NULL),
    ])?;
    match site {
        None => {
            row.run().await?;
        }
        Some(o) => {
            let site = super::sites::insert_stmt(db, &scan.id, &scan.org_id, &o.to_json(), o.max_pages, scan.inserted_at)?;
            db.batch(vec![row, site]).await?;
        }
    }
    Ok(())
}

pub async fn delete(db: &D1Database, id: &str) -> Result<()> {
    db.prepare("DELETE FROM scans WHERE id = ?1").bind(&[s(id)])?.run().await?;
    Ok(())
}

/// A scan of this org and project (other projects' ids are not found).
pub async fn get(db: &D1Database, org: &str, project: &str, id: &str) -> Result<Option<StoredScan>> {
    let row: Option<Row> = db
        .prepare(format!("SELECT {COLS} FROM scans WHERE id = ?1 AND org_id = ?2 AND project_id = ?3"))
        .bind(&[s(id), s(org), s(project)])?
        .first(None)
        .await?;
    Ok(row.map(from_row))
}

pub async fn get_by_id(db: &D1Database, id: &str) -> Result<Option<StoredScan>> {
    let row: Option<Row> =
        db.prepare(format!("SELECT {COLS} FROM scans WHERE id = ?1")).bind(&[s(id)])?.first(None).await?;
    Ok(row.map(from_row))
}

pub use super::sql::ScanList as ListFilter;

/// Newest first; returns up to `limit` scans and whether more follow.
pub async fn list(db: &D1Database, f: &ListFilter<'_>) -> Result<(Vec<Scan>, bool)> {
    let rows: Vec<Row> = super::prepare(db, super::sql::scans_list(COLS, f)?)?.all().await?.results()?;
    let more = rows.len() > f.limit as usize;
    let scans = rows.into_iter().take(f.limit as usize).map(|r| from_row(r).scan).collect();
    Ok((scans, more))
}

/// Takes a scan for processing: queued, or running with an expired lease.
/// Returns false when another consumer holds it (or it is final).
pub async fn claim(db: &D1Database, id: &str, now: i64, lease_ms: i64) -> Result<bool> {
    let r = db
        .prepare(
            "UPDATE scans SET status = 'running', started_at = ?2, lease_until = ?3, attempts = attempts + 1, updated_at = ?2 \
             WHERE id = ?1 AND (status = 'queued' OR (status = 'running' AND (lease_until IS NULL OR lease_until < ?2)))",
        )
        .bind(&[s(id), n(now), n(now + lease_ms)])?
        .run()
        .await?;
    Ok(r.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
}

/// Puts a running scan back to `queued` to wait for a retry.
pub async fn requeue(db: &D1Database, id: &str, now: i64, code: &str, message: &str) -> Result<()> {
    db.prepare(
        "UPDATE scans SET status = 'queued', lease_until = NULL, error_code = ?2, error_message = ?3, updated_at = ?4 \
         WHERE id = ?1 AND status = 'running'",
    )
    .bind(&[s(id), s(code), s(message), n(now)])?
    .run()
    .await?;
    Ok(())
}

/// Cancels a queued or running page scan; true when this call ended it.
pub async fn cancel(db: &D1Database, id: &str, now: i64, message: &str) -> Result<bool> {
    let r = db
        .prepare(
            "UPDATE scans SET status = 'failed', lease_until = NULL, error_code = 'cancelled', error_message = ?2, finished_at = ?3, updated_at = ?3 \
             WHERE id = ?1 AND status IN ('queued', 'running')",
        )
        .bind(&[s(id), s(message), n(now)])?
        .run()
        .await?;
    Ok(super::changes(&r) > 0)
}

/// Ends a scan as failed unless it already finished.
pub async fn fail(db: &D1Database, id: &str, now: i64, code: &str, message: &str) -> Result<()> {
    db.prepare(
        "UPDATE scans SET status = 'failed', lease_until = NULL, error_code = ?2, error_message = ?3, finished_at = ?4, updated_at = ?4 \
         WHERE id = ?1 AND status IN ('queued', 'running')",
    )
    .bind(&[s(id), s(code), s(message), n(now)])?
    .run()
    .await?;
    Ok(())
}

/// The statement that completes a running scan with its summary; returned so
/// the caller can put it in the same D1 batch as the findings it wrote.
/// `gate_result` is the gate's verdict as JSON (None: no gate applied).
pub(super) fn complete_stmt(db: &D1Database, id: &str, now: i64, summary: &str, gate_result: Option<&str>) -> Result<worker::D1PreparedStatement> {
    db.prepare(
        "UPDATE scans SET status = 'completed', lease_until = NULL, error_code = NULL, error_message = NULL, summary = ?2, finished_at = ?3, updated_at = ?3, \
         gate_result = ?4 WHERE id = ?1 AND status = 'running'",
    )
    .bind(&[s(id), s(summary), n(now), gate_result.map(s).unwrap_or(wasm_bindgen::JsValue::NULL)])
}


/// A scan the minute cron must look at again.
#[derive(Deserialize)]
pub struct Stuck {
    pub id: String,
    pub attempts: f64,
    pub status: String,
}

/// Scans `running` past their lease or `queued` untouched since
/// `queued_before`, oldest first, at most `limit`.
pub async fn stuck(db: &D1Database, now: i64, queued_before: i64, limit: i64) -> Result<Vec<Stuck>> {
    db.prepare(
        "SELECT id, attempts, status FROM scans WHERE (status = 'running' AND lease_until < ?1) \
         OR (status = 'queued' AND updated_at < ?2) ORDER BY updated_at LIMIT ?3",
    )
    .bind(&[n(now), n(queued_before), n(limit)])?
    .all()
    .await?
    .results()
}

/// Moves `updated_at` so a re-sent scan is not picked up again next minute.
pub async fn touch(db: &D1Database, id: &str, now: i64) -> Result<()> {
    db.prepare("UPDATE scans SET updated_at = ?2 WHERE id = ?1").bind(&[s(id), n(now)])?.run().await?;
    Ok(())
}
