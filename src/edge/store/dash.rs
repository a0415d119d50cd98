//! What the dashboard reads besides the command center: the projects an
//! org has scanned, and the presented key's own record.
use super::s;
use serde::Deserialize;
use worker::{D1Database, Result};

#[derive(Deserialize)]
pub struct ProjectRow {
    pub project_id: String,
    pub scans: f64,
    pub last_scan_at: f64,
}

/// The org's projects that have at least one scan, most recently scanned
/// first (at most 200: a switcher, not a report).
pub async fn projects(db: &D1Database, org: &str) -> Result<Vec<ProjectRow>> {
    db.prepare(
        "SELECT project_id, COUNT(*) AS scans, MAX(inserted_at) AS last_scan_at FROM scans \
         WHERE org_id = ?1 AND parent_id IS NULL GROUP BY project_id ORDER BY last_scan_at DESC, project_id LIMIT 200",
    )
    .bind(&[s(org)])?
    .all()
    .await?
    .results()
}

#[derive(Deserialize)]
pub struct KeyRow {
    pub id: String,
    pub org_id: String,
    pub name: Option<String>,
    pub prefix: String,
    pub scopes: String,
    pub created_at: f64,
}

/// A key's own record (never its hash).
pub async fn key(db: &D1Database, id: &str) -> Result<Option<KeyRow>> {
    db.prepare("SELECT id, org_id, name, prefix, scopes, created_at FROM api_keys WHERE id = ?1")
        .bind(&[s(id)])?
        .first(None)
        .await
}
