//! Site scans in D1: the crawl's options, its frontier (`site_pages`), the
//! lanes that hand pages to the queue, and the parent's completion.
//!
//! Concurrency is decided by D1, not by the consumers: every step is one
//! statement or one batch (a transaction), so any number of isolates may
//! finish pages of the same site at once. A page is claimed `pending` →
//! `queued` only while fewer than `concurrency` pages are queued and fewer
//! than `max_pages` were taken; the parent completes with a conditional
//! update that only the last finisher can win.
use super::{changes, n, s};
use crate::domain::model::{Domain, Severity};
use crate::domain::site::{PageState, MAX_SITE_ROWS};
use serde::Deserialize;
use serde_json::{json, Value};
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, Result};

/// URLs bound per insert statement (one JSON parameter).
const URLS_PER_STATEMENT: usize = 200;

/// The statement that records a new site scan's options (batched with the
/// scan's own insert).
pub fn insert_stmt(db: &D1Database, scan_id: &str, org: &str, options: &Value, max_pages: u32, now: i64) -> Result<D1PreparedStatement> {
    db.prepare("INSERT INTO site_scans (scan_id, org_id, options, max_pages, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(&[s(scan_id), s(org), s(&options.to_string()), n(max_pages as i64), n(now)])
}

#[derive(Deserialize)]
struct Sum {
    n: Option<f64>,
}

#[derive(Deserialize)]
struct Reserved {
    n: Option<f64>,
    oldest: Option<f64>,
}

/// Pages the org's site scans created since `since` may scan (their
/// `max_pages`, summed: the per-org hourly budget is charged up front), and
/// when the oldest of those charges was made.
pub async fn pages_reserved_since(db: &D1Database, org: &str, since: i64) -> Result<(u64, Option<i64>)> {
    let r: Option<Reserved> = db
        .prepare("SELECT SUM(max_pages) AS n, MIN(created_at) AS oldest FROM site_scans WHERE org_id = ?1 AND created_at > ?2")
        .bind(&[s(org), n(since)])?
        .first(None)
        .await?;
    Ok(r.map(|r| (r.n.unwrap_or(0.0) as u64, r.oldest.map(|o| o as i64))).unwrap_or((0, None)))
}

#[derive(Debug, Deserialize)]
pub struct Site {
    pub options: String,
    pub robots: Option<String>,
    pub delay_secs: f64,
    pub discovered_at: Option<f64>,
    pub overflow: f64,
}

pub async fn get(db: &D1Database, scan_id: &str) -> Result<Option<Site>> {
    db.prepare(
        "SELECT options, robots, delay_secs, discovered_at, overflow FROM site_scans WHERE scan_id = ?1",
    )
    .bind(&[s(scan_id)])?
    .first(None)
    .await
}

/// Creates the options row of a scheduled site scan from its schedule (the
/// schedule's claim inserts only the scan row). No-op when it exists.
pub async fn ensure_from_schedule(db: &D1Database, scan_id: &str, now: i64) -> Result<()> {
    db.prepare(
        "INSERT OR IGNORE INTO site_scans (scan_id, org_id, options, max_pages, created_at) \
         SELECT s.id, s.org_id, COALESCE(h.crawl, '{}'), COALESCE(json_extract(h.crawl, '$.max_pages'), 25), ?2 \
         FROM scans s LEFT JOIN schedules h ON h.id = s.schedule_id WHERE s.id = ?1",
    )
    .bind(&[s(scan_id), n(now)])?
    .run()
    .await?;
    Ok(())
}

/// Records what discovery learnt (once; a redelivered parent keeps the first).
pub async fn set_discovered(db: &D1Database, scan_id: &str, robots: &str, concurrency: u32, delay_secs: u32, sitemap_urls: u32, now: i64) -> Result<()> {
    db.prepare(
        "UPDATE site_scans SET robots = ?2, concurrency = ?3, delay_secs = ?4, sitemap_urls = ?5, discovered_at = ?6 \
         WHERE scan_id = ?1 AND discovered_at IS NULL",
    )
    .bind(&[s(scan_id), s(robots), n(concurrency as i64), n(delay_secs as i64), n(sitemap_urls as i64), n(now)])?
    .run()
    .await?;
    Ok(())
}

/// A URL found by the crawl, with what was decided for it.
pub struct NewPage<'a> {
    pub url: &'a str,
    pub depth: u32,
    pub source: &'static str,
    /// `Pending` (to scan) or `Excluded` / `Skipped` with a reason.
    pub state: PageState,
    pub reason: Option<&'static str>,
    pub page_id: String,
}

/// Adds the URLs the site does not know yet, in order, up to the row cap;
/// distinct URLs past the cap are counted in `overflow`. Returns how many
/// rows were added.
pub async fn add_pages(db: &D1Database, site_id: &str, pages: &[NewPage<'_>], now: i64) -> Result<usize> {
    let mut added = 0;
    for chunk in pages.chunks(URLS_PER_STATEMENT) {
        let items: Vec<Value> = chunk
            .iter()
            .map(|p| json!({ "u": p.url, "d": p.depth, "s": p.source, "st": p.state.as_str(), "r": p.reason, "id": p.page_id }))
            .collect();
        let items = Value::Array(items).to_string();
        // Nothing is added once the site scan ended (a page finishing after a cancel).
        let fresh = "FROM json_each(?2) j WHERE NOT EXISTS (SELECT 1 FROM site_pages p WHERE p.site_id = ?1 AND p.url = json_extract(j.value, '$.u')) \
                     AND EXISTS (SELECT 1 FROM scans WHERE id = ?1 AND status = 'running')";
        let res = db
            .batch(vec![
                db.prepare(format!("SELECT COUNT(*) AS n {fresh}")).bind(&[s(site_id), s(&items)])?,
                db.prepare(format!(
                    "INSERT OR IGNORE INTO site_pages (site_id, url, seq, depth, source, page_id, state, reason, updated_at) \
                     SELECT ?1, json_extract(j.value, '$.u'), (SELECT COALESCE(MAX(seq), 0) FROM site_pages WHERE site_id = ?1) + j.key + 1, \
                     json_extract(j.value, '$.d'), json_extract(j.value, '$.s'), json_extract(j.value, '$.id'), json_extract(j.value, '$.st'), \
                     json_extract(j.value, '$.r'), ?3 {fresh} ORDER BY j.key \
                     LIMIT MAX(0, ?4 - (SELECT COUNT(*) FROM site_pages WHERE site_id = ?1))"
                ))
                .bind(&[s(site_id), s(&items), n(now), n(MAX_SITE_ROWS as i64)])?,
            ])
            .await?;
        let fresh_n = res.first().map(|r| r.results::<Sum>()).transpose()?.and_then(|v| v.first().and_then(|c| c.n)).unwrap_or(0.0) as usize;
        let inserted = res.get(1).map(changes).unwrap_or(0);
        added += inserted;
        if fresh_n > inserted {
            db.prepare("UPDATE site_scans SET overflow = overflow + ?2 WHERE scan_id = ?1")
                .bind(&[s(site_id), n((fresh_n - inserted) as i64)])?
                .run()
                .await?;
        }
    }
    Ok(added)
}

/// A page handed to the queue.
#[derive(Debug, Deserialize)]
pub struct Claimed {
    pub page_id: String,
}

const TAKEN: &str = "('queued', 'scanned', 'failed', 'skipped')";

/// Moves pending pages to `queued` (breadth first) while the site has free
/// lanes and `max_pages` is not reached, and creates their page scans, in
/// one transaction; pages still pending once `max_pages` is reached are
/// excluded. Nothing moves unless the site scan is running (a cancelled or
/// failed one stops here). Returns the page scans to send.
pub async fn claim(db: &D1Database, site_id: &str, now: i64) -> Result<Vec<Claimed>> {
    let binds = [s(site_id), n(now)];
    let res = db
        .batch(vec![
            db.prepare(format!(
                "UPDATE site_pages SET state = 'queued', updated_at = ?2 WHERE site_id = ?1 AND url IN ( \
                 SELECT url FROM site_pages WHERE site_id = ?1 AND state = 'pending' ORDER BY depth, seq \
                 LIMIT MAX(0, MIN( \
                   (SELECT concurrency FROM site_scans WHERE scan_id = ?1) - (SELECT COUNT(*) FROM site_pages WHERE site_id = ?1 AND state = 'queued'), \
                   (SELECT max_pages FROM site_scans WHERE scan_id = ?1) - (SELECT COUNT(*) FROM site_pages WHERE site_id = ?1 AND state IN {TAKEN})))) \
                 AND EXISTS (SELECT 1 FROM scans WHERE id = ?1 AND status = 'running') RETURNING page_id"
            ))
            .bind(&binds)?,
            db.prepare(
                "INSERT OR IGNORE INTO scans (id, org_id, project_id, url, trigger, status, summary, started_at, inserted_at, updated_at, scope, parent_id) \
                 SELECT p.page_id, t.org_id, t.project_id, p.url, t.trigger, 'queued', '{}', ?2, ?2, ?2, 'page', t.id \
                 FROM site_pages p JOIN scans t ON t.id = p.site_id \
                 WHERE p.site_id = ?1 AND p.state = 'queued' AND NOT EXISTS (SELECT 1 FROM scans c WHERE c.id = p.page_id)",
            )
            .bind(&binds)?,
            db.prepare(format!(
                "UPDATE site_pages SET state = 'excluded', reason = 'max_pages', updated_at = ?2 WHERE site_id = ?1 AND state = 'pending' \
                 AND (SELECT COUNT(*) FROM site_pages WHERE site_id = ?1 AND state IN {TAKEN}) >= (SELECT max_pages FROM site_scans WHERE scan_id = ?1)"
            ))
            .bind(&binds)?,
        ])
        .await?;
    match res.first() {
        Some(r) => r.results(),
        None => Ok(Vec::new()),
    }
}

/// The statement that ends a page's row when its page scan ends.
fn page_done_stmt(db: &D1Database, site_id: &str, page_id: &str, state: PageState, reason: Option<&str>, now: i64) -> Result<D1PreparedStatement> {
    db.prepare(
        "UPDATE site_pages SET state = ?3, reason = ?4, updated_at = ?5 WHERE site_id = ?1 AND page_id = ?2 AND state IN ('queued', 'pending')",
    )
    .bind(&[s(site_id), s(page_id), s(state.as_str()), reason.map(s).unwrap_or(JsValue::NULL), n(now)])
}

/// The statement that links a completed page scan's findings to its site
/// scan (so the site's findings, comparison, gate and SARIF read one set).
pub fn link_findings_stmt(db: &D1Database, site_id: &str, page_scan_id: &str) -> Result<D1PreparedStatement> {
    db.prepare(
        "INSERT OR IGNORE INTO scan_findings (scan_id, finding_id, severity, seen_at, evidence_sig) \
         SELECT ?1, finding_id, severity, seen_at, evidence_sig FROM scan_findings WHERE scan_id = ?2",
    )
    .bind(&[s(site_id), s(page_scan_id)])
}

pub async fn page_done(db: &D1Database, site_id: &str, page_id: &str, state: PageState, reason: Option<&str>, now: i64) -> Result<()> {
    page_done_stmt(db, site_id, page_id, state, reason, now)?.run().await?;
    Ok(())
}

#[derive(Deserialize)]
struct PageOf {
    depth: f64,
    source: String,
}

/// A page scan's depth and source in its site.
pub async fn page_of(db: &D1Database, site_id: &str, page_id: &str) -> Result<Option<(u32, String)>> {
    let r: Option<PageOf> = db
        .prepare("SELECT depth, source FROM site_pages WHERE site_id = ?1 AND page_id = ?2")
        .bind(&[s(site_id), s(page_id)])?
        .first(None)
        .await?;
    Ok(r.map(|r| (r.depth as u32, r.source)))
}

#[derive(Deserialize)]
struct StateCount {
    state: String,
    n: f64,
}

/// Rows per page state.
pub async fn state_counts(db: &D1Database, site_id: &str) -> Result<Vec<(PageState, u64)>> {
    let rows: Vec<StateCount> = db
        .prepare("SELECT state, COUNT(*) AS n FROM site_pages WHERE site_id = ?1 GROUP BY state")
        .bind(&[s(site_id)])?
        .all()
        .await?
        .results()?;
    Ok(rows.into_iter().filter_map(|r| Some((PageState::parse(&r.state)?, r.n as u64))).collect())
}

#[derive(Deserialize)]
struct SevCount {
    domain: String,
    severity: String,
    n: f64,
}

/// The site's findings (one per rule per URL) counted by domain and
/// severity, in the shape of a page scan's summary.
pub async fn findings_summary(db: &D1Database, site_id: &str) -> Result<Value> {
    let rows: Vec<SevCount> = db
        .prepare(
            "SELECT f.domain AS domain, sf.severity AS severity, COUNT(*) AS n FROM scan_findings sf JOIN findings f ON f.id = sf.finding_id \
             WHERE sf.scan_id = ?1 GROUP BY f.domain, sf.severity",
        )
        .bind(&[s(site_id)])?
        .all()
        .await?
        .results()?;
    let mut out = serde_json::Map::new();
    let mut total = 0u64;
    for d in Domain::ALL {
        let mut per = serde_json::Map::new();
        for sev in Severity::ALL {
            let k = rows.iter().filter(|r| r.domain == d.as_str() && r.severity == sev.as_str()).map(|r| r.n as u64).sum::<u64>();
            total += k;
            per.insert(sev.as_str().into(), json!(k));
        }
        out.insert(d.as_str().into(), Value::Object(per));
    }
    out.insert("total".into(), json!(total));
    Ok(Value::Object(out))
}

#[derive(Deserialize)]
pub struct StartPage {
    pub summary: Option<String>,
}

/// The start URL's page scan (its summary carries the security grade).
pub async fn start_page(db: &D1Database, site_id: &str) -> Result<Option<StartPage>> {
    db.prepare(
        "SELECT c.summary AS summary FROM site_pages p LEFT JOIN scans c ON c.id = p.page_id \
         WHERE p.site_id = ?1 AND p.source = 'start' LIMIT 1",
    )
    .bind(&[s(site_id)])?
    .first(None)
    .await
}

/// Completes the site scan if nothing is pending or queued any more; true
/// only for the one call that made the change.
pub async fn try_complete(db: &D1Database, site_id: &str, summary: &str, gate_result: Option<&str>, now: i64) -> Result<bool> {
    let r = db
        .prepare(
            "UPDATE scans SET status = 'completed', lease_until = NULL, error_code = NULL, error_message = NULL, summary = ?2, \
             finished_at = ?3, updated_at = ?3, gate_result = ?4 WHERE id = ?1 AND status = 'running' \
             AND NOT EXISTS (SELECT 1 FROM site_pages WHERE site_id = ?1 AND state IN ('pending', 'queued'))",
        )
        .bind(&[s(site_id), s(summary), n(now), gate_result.map(s).unwrap_or(JsValue::NULL)])?
        .run()
        .await?;
    Ok(changes(&r) > 0)
}

/// Whether the site has nothing pending or queued (then it may complete).
pub async fn settled(db: &D1Database, site_id: &str) -> Result<bool> {
    let r: Option<Sum> = db
        .prepare("SELECT COUNT(*) AS n FROM site_pages WHERE site_id = ?1 AND state IN ('pending', 'queued')")
        .bind(&[s(site_id)])?
        .first(None)
        .await?;
    Ok(r.and_then(|r| r.n).unwrap_or(0.0) == 0.0)
}

/// Ends a site scan early (cancelled, or its start URL failed): the scan is
/// failed with the reason, pages not yet started are cancelled, and so are
/// their page scans. Pages already running finish and keep their findings.
/// Returns whether this call ended it.
pub async fn stop(db: &D1Database, site_id: &str, code: &str, message: &str, now: i64) -> Result<bool> {
    let res = db
        .batch(vec![
            db.prepare(
                "UPDATE scans SET status = 'failed', lease_until = NULL, error_code = ?2, error_message = ?3, finished_at = ?4, updated_at = ?4 \
                 WHERE id = ?1 AND status IN ('queued', 'running')",
            )
            .bind(&[s(site_id), s(code), s(message), n(now)])?,
            db.prepare("UPDATE site_pages SET state = 'cancelled', reason = ?2, updated_at = ?3 WHERE site_id = ?1 AND state = 'pending'")
                .bind(&[s(site_id), s(code), n(now)])?,
            db.prepare(
                "UPDATE site_pages SET state = 'cancelled', reason = ?2, updated_at = ?3 WHERE site_id = ?1 AND state = 'queued' \
                 AND page_id IN (SELECT id FROM scans WHERE parent_id = ?1 AND status = 'queued')",
            )
            .bind(&[s(site_id), s(code), n(now)])?,
            db.prepare(
                "UPDATE scans SET status = 'failed', lease_until = NULL, error_code = ?2, error_message = ?3, finished_at = ?4, updated_at = ?4 \
                 WHERE parent_id = ?1 AND status = 'queued'",
            )
            .bind(&[s(site_id), s(code), s(message), n(now)])?,
        ])
        .await?;
    Ok(res.first().map(changes).unwrap_or(0) > 0)
}

/// One page of a site scan as listed.
#[derive(Debug, Deserialize)]
pub struct PageRow {
    pub url: String,
    pub seq: f64,
    pub depth: f64,
    pub source: String,
    pub state: String,
    pub reason: Option<String>,
    pub scan_id: Option<String>,
    pub summary: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

/// The site's pages in discovery order, after `after_seq`, optionally only
/// those in `states`; up to `limit` + 1 rows (the extra one says more follow).
pub async fn list_pages(db: &D1Database, site_id: &str, states: &[PageState], after_seq: Option<i64>, limit: u32) -> Result<Vec<PageRow>> {
    let states: Vec<&str> = if states.is_empty() { PageState::ALL.iter().map(|s| s.as_str()).collect() } else { states.iter().map(|s| s.as_str()).collect() };
    // The state list is one JSON parameter: no statement grows with the filter.
    let wanted = Value::from(states).to_string();
    db.prepare(
        "SELECT p.url, p.seq, p.depth, p.source, p.state, p.reason, c.id AS scan_id, c.summary, \
         c.error_code, c.error_message FROM site_pages p LEFT JOIN scans c ON c.id = p.page_id AND p.state NOT IN ('pending', 'excluded') \
         WHERE p.site_id = ?1 AND p.seq > ?2 AND p.state IN (SELECT value FROM json_each(?3)) ORDER BY p.seq LIMIT ?4",
    )
    .bind(&[s(site_id), n(after_seq.unwrap_or(0)), s(&wanted), n(limit as i64 + 1)])?
    .all()
    .await?
    .results()
}
