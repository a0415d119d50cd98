//! Webhooks and their deliveries in D1.
use super::{changes, n, s};
use crate::domain::time::rfc3339;
use serde::Deserialize;
use serde_json::{json, Value};
use wasm_bindgen::JsValue;
use worker::{D1Database, Result};

#[derive(Debug, Clone, Deserialize)]
pub struct Row {
    pub id: String,
    pub org_id: String,
    pub project_id: String,
    pub url: String,
    pub events: String,
    pub secret: String,
    pub created_at: f64,
}

impl Row {
    /// The public shape: never the secret.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "org_id": self.org_id,
            "project_id": self.project_id,
            "url": self.url,
            "events": self.events.split(',').filter(|e| !e.is_empty()).collect::<Vec<_>>(),
            "created_at": rfc3339(self.created_at as i64),
        })
    }
}

const COLS: &str = "id, org_id, project_id, url, events, secret, created_at";

/// At most this many webhooks per project (each event fans out to all of them).
pub const MAX_PER_PROJECT: i64 = 20;

/// Inserts unless the project already has [`MAX_PER_PROJECT`]; returns whether it did.
pub async fn insert(db: &D1Database, r: &Row) -> Result<bool> {
    let res = db
        .prepare(
            "INSERT INTO webhooks (id, org_id, project_id, url, events, secret, created_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 \
             WHERE (SELECT COUNT(*) FROM webhooks WHERE org_id = ?2 AND project_id = ?3) < ?8",
        )
        .bind(&[s(&r.id), s(&r.org_id), s(&r.project_id), s(&r.url), s(&r.events), s(&r.secret), n(r.created_at as i64), n(MAX_PER_PROJECT)])?
        .run()
        .await?;
    Ok(changes(&res) > 0)
}

pub async fn list(db: &D1Database, org: &str, project: &str) -> Result<Vec<Row>> {
    db.prepare(format!("SELECT {COLS} FROM webhooks WHERE org_id = ?1 AND project_id = ?2 ORDER BY created_at, id LIMIT 100"))
        .bind(&[s(org), s(project)])?
        .all()
        .await?
        .results()
}

pub async fn get(db: &D1Database, org: &str, project: &str, id: &str) -> Result<Option<Row>> {
    db.prepare(format!("SELECT {COLS} FROM webhooks WHERE id = ?1 AND org_id = ?2 AND project_id = ?3"))
        .bind(&[s(id), s(org), s(project)])?
        .first(None)
        .await
}

/// Deletes the webhook and its delivery log; deliveries still queued find
/// no webhook and are dropped.
pub async fn delete(db: &D1Database, org: &str, project: &str, id: &str) -> Result<bool> {
    let res = db
        .batch(vec![
            db.prepare("DELETE FROM webhooks WHERE id = ?1 AND org_id = ?2 AND project_id = ?3").bind(&[s(id), s(org), s(project)])?,
            db.prepare("DELETE FROM webhook_deliveries WHERE webhook_id = ?1 AND org_id = ?2 AND project_id = ?3 AND NOT EXISTS (SELECT 1 FROM webhooks WHERE id = ?1)")
                .bind(&[s(id), s(org), s(project)])?,
        ])
        .await?;
    Ok(res.first().map(changes).unwrap_or(0) > 0)
}

pub struct NewDelivery<'a> {
    pub id: &'a str,
    pub webhook_id: &'a str,
    pub org: &'a str,
    pub project: &'a str,
    pub event: &'a str,
    pub payload: &'a str,
    pub now: i64,
}

/// Inserts deliveries in one batch (7 parameters each).
pub async fn insert_deliveries(db: &D1Database, rows: &[NewDelivery<'_>]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut stmts = Vec::with_capacity(rows.len());
    for d in rows {
        stmts.push(
            db.prepare(
                "INSERT INTO webhook_deliveries (id, webhook_id, org_id, project_id, event, payload, status, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?7)",
            )
            .bind(&[s(d.id), s(d.webhook_id), s(d.org), s(d.project), s(d.event), s(d.payload), n(d.now)])?,
        );
    }
    db.batch(stmts).await?;
    Ok(())
}

#[derive(Debug, Clone, Deserialize)]
pub struct Delivery {
    pub id: String,
    pub webhook_id: String,
    pub event: String,
    pub payload: String,
    pub status: String,
    pub attempts: f64,
    pub last_status_code: Option<f64>,
    pub last_error: Option<String>,
    pub log: String,
    pub created_at: f64,
    pub updated_at: f64,
    pub delivered_at: Option<f64>,
}

impl Delivery {
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "webhook_id": self.webhook_id,
            "event": self.event,
            "status": self.status,
            "attempts": self.attempts as u64,
            "response_status": self.last_status_code.map(|c| c as u64),
            "error": self.last_error,
            "attempt_log": serde_json::from_str::<Value>(&self.log).unwrap_or(Value::Array(vec![])),
            "created_at": rfc3339(self.created_at as i64),
            "updated_at": rfc3339(self.updated_at as i64),
            "delivered_at": self.delivered_at.map(|t| rfc3339(t as i64)),
        })
    }
}

const DCOLS: &str = "id, webhook_id, event, payload, status, attempts, last_status_code, last_error, log, created_at, updated_at, delivered_at";

pub async fn delivery(db: &D1Database, id: &str) -> Result<Option<Delivery>> {
    db.prepare(format!("SELECT {DCOLS} FROM webhook_deliveries WHERE id = ?1")).bind(&[s(id)])?.first(None).await
}

/// The webhook a delivery goes to (with its secret).
pub async fn by_id(db: &D1Database, id: &str) -> Result<Option<Row>> {
    db.prepare(format!("SELECT {COLS} FROM webhooks WHERE id = ?1")).bind(&[s(id)])?.first(None).await
}

/// One attempt's outcome, appended to the delivery's log.
pub struct Attempt<'a> {
    pub attempt: u32,
    pub status_code: Option<u16>,
    pub error: Option<&'a str>,
    pub duration_ms: u64,
    /// The delivery's state after this attempt.
    pub state: &'a str,
    pub now: i64,
}

pub async fn record_attempt(db: &D1Database, id: &str, a: &Attempt<'_>) -> Result<()> {
    let entry = json!({
        "attempt": a.attempt,
        "status_code": a.status_code,
        "error": a.error,
        "duration_ms": a.duration_ms,
        "at": rfc3339(a.now),
    });
    db.prepare(
        "UPDATE webhook_deliveries SET status = ?2, attempts = ?3, last_status_code = ?4, last_error = ?5, \
         log = json_insert(log, '$[#]', json(?6)), updated_at = ?7, delivered_at = CASE WHEN ?2 = 'delivered' THEN ?7 ELSE delivered_at END \
         WHERE id = ?1",
    )
    .bind(&[
        s(id),
        s(a.state),
        n(a.attempt as i64),
        a.status_code.map(|c| n(c as i64)).unwrap_or(JsValue::NULL),
        a.error.map(s).unwrap_or(JsValue::NULL),
        s(&entry.to_string()),
        n(a.now),
    ])?
    .run()
    .await?;
    Ok(())
}

/// Marks a delivery failed without an attempt (dead-lettered, webhook gone).
pub async fn give_up(db: &D1Database, id: &str, error: &str, now: i64) -> Result<()> {
    db.prepare("UPDATE webhook_deliveries SET status = 'failed', last_error = ?2, updated_at = ?3 WHERE id = ?1 AND status != 'delivered'")
        .bind(&[s(id), s(error), n(now)])?
        .run()
        .await?;
    Ok(())
}

/// A page of a webhook's deliveries, newest first; `before` is the last
/// row of the previous page (created_at, id).
pub async fn deliveries_page(db: &D1Database, webhook_id: &str, before: Option<(i64, &str)>, limit: u32) -> Result<(Vec<Delivery>, bool)> {
    let (at, id) = before.unwrap_or((i64::MAX / 2, ""));
    let mut rows: Vec<Delivery> = db
        .prepare(format!(
            "SELECT {DCOLS} FROM webhook_deliveries WHERE webhook_id = ?1 AND (?4 = 0 OR created_at < ?2 OR (created_at = ?2 AND id < ?3)) \
             ORDER BY created_at DESC, id DESC LIMIT ?5"
        ))
        .bind(&[s(webhook_id), n(at), s(id), n(before.is_some() as i64), n(limit as i64 + 1)])?
        .all()
        .await?
        .results()?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

#[derive(Debug, Clone, Deserialize)]
pub struct Regressed {
    pub id: String,
    pub rule_id: String,
    pub domain: String,
    pub severity: String,
    pub title: String,
}

/// The findings this scan reopened (resolved, then seen again).
pub async fn regressed_in_scan(db: &D1Database, scan_id: &str) -> Result<Vec<Regressed>> {
    db.prepare(
        "SELECT f.id AS id, f.rule_id AS rule_id, f.domain AS domain, f.severity AS severity, f.title AS title \
         FROM scan_findings sf JOIN findings f ON f.id = sf.finding_id \
         WHERE sf.scan_id = ?1 AND EXISTS (SELECT 1 FROM finding_events e WHERE e.finding_id = f.id AND e.actor = ?2 AND e.from_value = 'resolved') \
         ORDER BY f.score DESC, f.id LIMIT 100",
    )
    .bind(&[s(scan_id), s(&format!("scan:{scan_id}"))])?
    .all()
    .await?
    .results()
}
