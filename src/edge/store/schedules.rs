//! Schedules and their due runs in D1.
use super::{n, s};
use crate::domain::schedule::Cadence;
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
    pub name: Option<String>,
    pub url: String,
    pub cadence: String,
    pub weekday: Option<f64>,
    pub hour: Option<f64>,
    pub minute: f64,
    pub enabled: f64,
    pub next_run_at: f64,
    pub last_run_at: Option<f64>,
    pub last_scan_id: Option<String>,
    pub created_at: f64,
    pub updated_at: f64,
    pub scope: Option<String>,
    pub crawl: Option<String>,
}

impl Row {
    pub fn cadence(&self) -> Option<Cadence> {
        Cadence::from_parts(&self.cadence, self.weekday.map(|w| w as u8), self.hour.map(|h| h as u8), self.minute as u8)
    }

    pub fn to_json(&self) -> Value {
        let masked = url::Url::parse(&self.url).map(|u| crate::domain::schedule::masked_url(&u)).unwrap_or_default();
        let mut v = json!({
            "id": self.id,
            "org_id": self.org_id,
            "project_id": self.project_id,
            "name": self.name,
            "url": masked,
            "enabled": self.enabled != 0.0,
            "trigger": "scheduled",
            "scope": self.scope.as_deref().unwrap_or("page"),
            "next_run_at": rfc3339(self.next_run_at as i64),
            "last_run_at": self.last_run_at.map(|t| rfc3339(t as i64)),
            "last_scan_id": self.last_scan_id,
            "created_at": rfc3339(self.created_at as i64),
            "updated_at": rfc3339(self.updated_at as i64),
        });
        let crawl = self.crawl.as_deref().and_then(|c| serde_json::from_str::<Value>(c).ok());
        if let (Some(crawl), Some(obj)) = (crawl, v.as_object_mut()) {
            obj.insert("crawl".into(), crawl);
        }
        if let (Some(c), Some(obj)) = (self.cadence(), v.as_object_mut()) {
            if let Some(cj) = c.to_json().as_object() {
                for (k, val) in cj {
                    obj.insert(k.clone(), val.clone());
                }
            }
        }
        v
    }
}

const COLS: &str = "id, org_id, project_id, name, url, cadence, weekday, hour, minute, enabled, next_run_at, last_run_at, last_scan_id, created_at, updated_at, scope, crawl";

fn opt_n(v: Option<u8>) -> JsValue {
    v.map(|x| JsValue::from_f64(x as f64)).unwrap_or(JsValue::NULL)
}

pub struct NewSchedule<'a> {
    pub id: &'a str,
    pub org: &'a str,
    pub project: &'a str,
    pub name: Option<&'a str>,
    pub url: &'a str,
    pub cadence: Cadence,
    pub enabled: bool,
    pub next_run_at: i64,
    pub now: i64,
    pub scope: crate::domain::site::Scope,
    /// A site schedule's crawl options (JSON).
    pub crawl: Option<Value>,
}

/// Inserts the schedule unless the project already has `max` of them (checked
/// inside the statement, so concurrent creates cannot pass the cap).
/// Returns whether it was inserted.
pub async fn insert(db: &D1Database, s_: &NewSchedule<'_>, max: u64) -> Result<bool> {
    let (weekday, hour, minute) = s_.cadence.parts();
    let r = db.prepare(
        "INSERT INTO schedules (id, org_id, project_id, name, url, cadence, weekday, hour, minute, enabled, next_run_at, created_at, updated_at, scope, crawl) \
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?14, ?15 \
         WHERE (SELECT COUNT(*) FROM schedules WHERE org_id = ?2 AND project_id = ?3) < ?13",
    )
    .bind(&[
        s(s_.id),
        s(s_.org),
        s(s_.project),
        s_.name.map(s).unwrap_or(JsValue::NULL),
        s(s_.url),
        s(s_.cadence.name()),
        opt_n(weekday),
        opt_n(hour),
        n(minute as i64),
        n(s_.enabled as i64),
        n(s_.next_run_at),
        n(s_.now),
        n(max as i64),
        s(s_.scope.as_str()),
        s_.crawl.as_ref().map(|c| s(&c.to_string())).unwrap_or(JsValue::NULL),
    ])?
    .run()
    .await?;
    Ok(r.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
}

pub async fn get(db: &D1Database, org: &str, project: &str, id: &str) -> Result<Option<Row>> {
    db.prepare(format!("SELECT {COLS} FROM schedules WHERE id = ?1 AND org_id = ?2 AND project_id = ?3"))
        .bind(&[s(id), s(org), s(project)])?
        .first(None)
        .await
}

pub async fn list(db: &D1Database, org: &str, project: &str) -> Result<Vec<Row>> {
    db.prepare(format!("SELECT {COLS} FROM schedules WHERE org_id = ?1 AND project_id = ?2 ORDER BY created_at, id LIMIT 500"))
        .bind(&[s(org), s(project)])?
        .all()
        .await?
        .results()
}

/// Writes a whole schedule back (after the handler merged an update).
pub async fn update(db: &D1Database, r: &Row, cadence: Cadence, now: i64) -> Result<()> {
    let (weekday, hour, minute) = cadence.parts();
    db.prepare(
        "UPDATE schedules SET name = ?2, url = ?3, cadence = ?4, weekday = ?5, hour = ?6, minute = ?7, enabled = ?8, next_run_at = ?9, updated_at = ?10 \
         WHERE id = ?1",
    )
    .bind(&[
        s(&r.id),
        r.name.as_deref().map(s).unwrap_or(JsValue::NULL),
        s(&r.url),
        s(cadence.name()),
        opt_n(weekday),
        opt_n(hour),
        n(minute as i64),
        n(r.enabled as i64),
        n(r.next_run_at as i64),
        n(now),
    ])?
    .run()
    .await?;
    Ok(())
}

pub async fn delete(db: &D1Database, org: &str, project: &str, id: &str) -> Result<bool> {
    let r = db
        .prepare("DELETE FROM schedules WHERE id = ?1 AND org_id = ?2 AND project_id = ?3")
        .bind(&[s(id), s(org), s(project)])?
        .run()
        .await?;
    Ok(r.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
}

/// Orgs with due schedules, a keyset page at a time (`after` is the last
/// org id of the previous page).
pub async fn due_orgs(db: &D1Database, now: i64, after: &str, limit: u32) -> Result<Vec<DueOrgRow>> {
    db.prepare(
        "SELECT org_id, MIN(next_run_at) AS oldest FROM schedules WHERE enabled = 1 AND next_run_at <= ?1 AND org_id > ?2 \
         GROUP BY org_id ORDER BY org_id LIMIT ?3",
    )
    .bind(&[n(now), s(after), n(limit as i64)])?
    .all()
    .await?
    .results()
}

#[derive(Debug, Deserialize)]
pub struct DueOrgRow {
    pub org_id: String,
    pub oldest: f64,
}

/// One org's due schedules, longest-waiting first.
pub async fn due_page(db: &D1Database, org: &str, now: i64, limit: usize) -> Result<Vec<Row>> {
    db.prepare(format!(
        "SELECT {COLS} FROM schedules WHERE org_id = ?1 AND enabled = 1 AND next_run_at <= ?2 ORDER BY next_run_at, id LIMIT ?3"
    ))
    .bind(&[s(org), n(now), n(limit as i64)])?
    .all()
    .await?
    .results()
}

#[derive(Deserialize)]
struct Count {
    n: f64,
}

pub async fn scheduled_scans_since(db: &D1Database, org: &str, since: i64) -> Result<u64> {
    let c: Option<Count> = db
        .prepare("SELECT COUNT(*) AS n FROM scans WHERE org_id = ?1 AND trigger = 'scheduled' AND parent_id IS NULL AND inserted_at > ?2")
        .bind(&[s(org), n(since)])?
        .first(None)
        .await?;
    Ok(c.map(|c| c.n as u64).unwrap_or(0))
}

/// One due slot to claim: the schedule as read, its next slot, and the scan
/// to create for it (None: the slot is skipped by the hourly cap).
pub struct Claim<'a> {
    pub row: &'a Row,
    pub next_run_at: i64,
    pub scan_id: Option<String>,
}

/// What claiming one slot did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claimed {
    /// Our update advanced the slot (no other run had taken it).
    pub won: bool,
    /// A scan was inserted for it.
    pub scan: bool,
}

/// Claims a page of due slots in one D1 batch (one transaction). Per slot:
/// the scan is inserted only while `next_run_at` still holds the slot we
/// read and the org is under its hourly cap *as the transaction sees it*, and
/// the slot is then advanced on the same condition. Overlapping cron runs
/// and concurrent page messages can therefore neither create two scans for
/// one slot nor take an org past the cap.
pub async fn claim_page(db: &D1Database, org: &str, claims: &[Claim<'_>], hour_ago: i64, cap: u32, now: i64) -> Result<Vec<Claimed>> {
    let mut stmts = Vec::with_capacity(claims.len() * 2);
    for c in claims {
        if let Some(scan_id) = &c.scan_id {
            stmts.push(
                db.prepare(
                    "INSERT INTO scans (id, org_id, project_id, url, trigger, status, summary, schedule_id, started_at, inserted_at, updated_at, scope) \
                     SELECT ?1, org_id, project_id, url, 'scheduled', 'queued', '{}', id, ?4, ?4, ?4, scope FROM schedules \
                     WHERE id = ?2 AND enabled = 1 AND next_run_at = ?3 \
                     AND (SELECT COUNT(*) FROM scans WHERE org_id = ?5 AND trigger = 'scheduled' AND parent_id IS NULL AND inserted_at > ?6) < ?7",
                )
                .bind(&[s(scan_id), s(&c.row.id), n(c.row.next_run_at as i64), n(now), s(org), n(hour_ago), n(cap as i64)])?,
            );
        }
        stmts.push(
            db.prepare(
                "UPDATE schedules SET next_run_at = ?3, last_run_at = ?4, \
                 last_scan_id = COALESCE((SELECT id FROM scans WHERE id = ?5), last_scan_id), updated_at = ?4 \
                 WHERE id = ?1 AND enabled = 1 AND next_run_at = ?2",
            )
            .bind(&[s(&c.row.id), n(c.row.next_run_at as i64), n(c.next_run_at), n(now), c.scan_id.as_deref().map(s).unwrap_or(JsValue::NULL)])?,
        );
    }
    if stmts.is_empty() {
        return Ok(Vec::new());
    }
    let results = db.batch(stmts).await?;
    let changed = |i: usize| results.get(i).and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0) > 0;
    let mut out = Vec::with_capacity(claims.len());
    let mut i = 0;
    for c in claims {
        let scan = if c.scan_id.is_some() {
            i += 1;
            changed(i - 1)
        } else {
            false
        };
        out.push(Claimed { won: changed(i), scan });
        i += 1;
    }
    Ok(out)
}
