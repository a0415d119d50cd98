//! README badges in D1: only the token's hash is stored.
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
    pub prefix: String,
    pub name: Option<String>,
    pub created_at: f64,
    pub revoked_at: Option<f64>,
}

impl Row {
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "org_id": self.org_id,
            "project_id": self.project_id,
            "name": self.name,
            "token_prefix": self.prefix,
            "revoked": self.revoked_at.is_some(),
            "created_at": rfc3339(self.created_at as i64),
            "revoked_at": self.revoked_at.map(|t| rfc3339(t as i64)),
        })
    }
}

const COLS: &str = "id, org_id, project_id, prefix, name, created_at, revoked_at";

pub struct NewBadge<'a> {
    pub id: &'a str,
    pub org: &'a str,
    pub project: &'a str,
    pub token_hash: &'a str,
    pub prefix: &'a str,
    pub name: Option<&'a str>,
    pub now: i64,
}

pub async fn insert(db: &D1Database, b: &NewBadge<'_>) -> Result<()> {
    db.prepare("INSERT INTO badges (id, org_id, project_id, token_hash, prefix, name, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .bind(&[s(b.id), s(b.org), s(b.project), s(b.token_hash), s(b.prefix), b.name.map(s).unwrap_or(JsValue::NULL), n(b.now)])?
        .run()
        .await?;
    Ok(())
}

pub async fn list(db: &D1Database, org: &str, project: &str) -> Result<Vec<Row>> {
    db.prepare(format!("SELECT {COLS} FROM badges WHERE org_id = ?1 AND project_id = ?2 ORDER BY created_at, id LIMIT 500"))
        .bind(&[s(org), s(project)])?
        .all()
        .await?
        .results()
}

pub async fn get(db: &D1Database, org: &str, project: &str, id: &str) -> Result<Option<Row>> {
    db.prepare(format!("SELECT {COLS} FROM badges WHERE id = ?1 AND org_id = ?2 AND project_id = ?3"))
        .bind(&[s(id), s(org), s(project)])?
        .first(None)
        .await
}

/// Revokes a badge; false when there is no such (unrevoked) badge.
pub async fn revoke(db: &D1Database, org: &str, project: &str, id: &str, now: i64) -> Result<bool> {
    let r = db
        .prepare("UPDATE badges SET revoked_at = ?4 WHERE id = ?1 AND org_id = ?2 AND project_id = ?3 AND revoked_at IS NULL")
        .bind(&[s(id), s(org), s(project), n(now)])?
        .run()
        .await?;
    Ok(changes(&r) > 0)
}

/// The live badge a token names.
pub async fn by_token_hash(db: &D1Database, hash: &str) -> Result<Option<Row>> {
    db.prepare(format!("SELECT {COLS} FROM badges WHERE token_hash = ?1 AND revoked_at IS NULL"))
        .bind(&[s(hash)])?
        .first(None)
        .await
}

#[derive(Deserialize)]
struct Summary {
    summary: String,
}

/// The summary of the project's latest completed scan (its security grade).
pub async fn latest_summary(db: &D1Database, org: &str, project: &str) -> Result<Option<Value>> {
    let row: Option<Summary> = db
        .prepare(
            "SELECT summary FROM scans WHERE org_id = ?1 AND project_id = ?2 AND status = 'completed' AND parent_id IS NULL \
             ORDER BY inserted_at DESC, id DESC LIMIT 1",
        )
        .bind(&[s(org), s(project)])?
        .first(None)
        .await?;
    Ok(row.and_then(|r| serde_json::from_str(&r.summary).ok()))
}
