//! Idempotency keys in D1.
use super::{n, s};
use crate::api::idempotency::TTL_MS;
use serde::Deserialize;
use worker::{D1Database, Result};

pub enum Reservation {
    /// First use: go ahead, then `complete` (or `release` on failure).
    New,
    /// Seen before with this body: replay the stored response.
    Replay { status: u16, body: String },
    /// Seen before with another body.
    Mismatch,
    /// The first request with this key is still running.
    InFlight,
}

#[derive(Deserialize)]
struct Row {
    request_hash: String,
    status_code: Option<f64>,
    response: Option<String>,
}

/// Where a key lives: keys are scoped to one project of one org.
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    pub org: &'a str,
    pub project: &'a str,
    pub key: &'a str,
}

/// Takes the key for this org and project, or reports what it already holds.
/// Keys older than 24 hours are forgotten first, in the same transaction.
pub async fn reserve(db: &D1Database, k: Scope<'_>, hash: &str, now: i64) -> Result<Reservation> {
    let (org, project, key) = (k.org, k.project, k.key);
    let res = db
        .batch(vec![
            db.prepare("DELETE FROM idempotency_keys WHERE org_id = ?1 AND project_id = ?2 AND key = ?3 AND created_at < ?4")
                .bind(&[s(org), s(project), s(key), n(now - TTL_MS)])?,
            db.prepare(
                "INSERT OR IGNORE INTO idempotency_keys (org_id, project_id, key, request_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .bind(&[s(org), s(project), s(key), s(hash), n(now)])?,
            db.prepare("SELECT request_hash, status_code, response FROM idempotency_keys WHERE org_id = ?1 AND project_id = ?2 AND key = ?3")
                .bind(&[s(org), s(project), s(key)])?,
        ])
        .await?;
    let inserted = res.get(1).and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0) > 0;
    if inserted {
        return Ok(Reservation::New);
    }
    let row: Option<Row> = res.get(2).map(|r| r.results::<Row>()).transpose()?.and_then(|v| v.into_iter().next());
    Ok(match row {
        None => Reservation::InFlight,
        Some(r) if r.request_hash != hash => Reservation::Mismatch,
        Some(Row { status_code: Some(st), response: Some(body), .. }) => Reservation::Replay { status: st as u16, body },
        Some(_) => Reservation::InFlight,
    })
}

pub async fn complete(db: &D1Database, k: Scope<'_>, status: u16, body: &str) -> Result<()> {
    db.prepare("UPDATE idempotency_keys SET status_code = ?4, response = ?5 WHERE org_id = ?1 AND project_id = ?2 AND key = ?3")
        .bind(&[s(k.org), s(k.project), s(k.key), n(status as i64), s(body)])?
        .run()
        .await?;
    Ok(())
}

/// Frees a key whose request failed, so the client may retry with it.
pub async fn release(db: &D1Database, k: Scope<'_>) -> Result<()> {
    db.prepare("DELETE FROM idempotency_keys WHERE org_id = ?1 AND project_id = ?2 AND key = ?3 AND status_code IS NULL")
        .bind(&[s(k.org), s(k.project), s(k.key)])?
        .run()
        .await?;
    Ok(())
}

/// Deletes up to 1000 keys created before `before`; returns how many went.
pub async fn purge_before(db: &D1Database, before: i64) -> Result<usize> {
    let r = db
        .prepare("DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE created_at < ?1 LIMIT 1000)")
        .bind(&[n(before)])?
        .run()
        .await?;
    Ok(super::changes(&r))
}
