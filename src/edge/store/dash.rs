//! What the dashboard reads besides the command center: the daily trend,
//! the projects an org has scanned, and the presented key's own record.
use super::{n, s};
use serde::Deserialize;
use worker::{D1Database, Result};

#[derive(Deserialize)]
struct DayRow {
    d: f64,
    n: f64,
}

/// (epoch day, findings created that day) and (epoch day, findings resolved
/// that day) within `[from, to]` ms. Both walk an index on
/// (org, project, created_at | resolved_at).
pub async fn daily(db: &D1Database, org: &str, project: &str, (from, to): (i64, i64)) -> Result<(Vec<(i64, u64)>, Vec<(i64, u64)>)> {
    let binds = [s(org), s(project), n(from), n(to)];
    let stmts = vec![
        db.prepare(
            "SELECT created_at / 86400000 AS d, COUNT(*) AS n FROM findings \
             WHERE org_id = ?1 AND project_id = ?2 AND created_at BETWEEN ?3 AND ?4 GROUP BY 1",
        )
        .bind(&binds)?,
        db.prepare(
            "SELECT resolved_at / 86400000 AS d, COUNT(*) AS n FROM findings \
             WHERE org_id = ?1 AND project_id = ?2 AND resolved_at BETWEEN ?3 AND ?4 GROUP BY 1",
        )
        .bind(&binds)?,
    ];
    let mut out = db.batch(stmts).await?.into_iter();
    let mut rows = || -> Result<Vec<(i64, u64)>> {
        let r = out.next().ok_or_else(|| worker::Error::RustError("missing batch result".into()))?;
        Ok(r.results::<DayRow>()?.into_iter().map(|x| (x.d as i64, x.n as u64)).collect())
    };
    let created = rows()?;
    let resolved = rows()?;
    Ok((created, resolved))
}

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
