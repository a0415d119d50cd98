//! Runs one scan: fetch the target through the guarded fetcher, build the
//! page model, run the rules, and persist findings and the summary in one
//! D1 batch (so a scan's effects land together or not at all).
use crate::edge::config::Config;
use crate::edge::scanner::fetcher::Fetcher;
use crate::edge::store;
use crate::scanner::fetchpolicy::FetchError;
use crate::scanner::findings::{self, Observation};
use crate::domain::ids;
use crate::scanner::page::Page;
use crate::scanner::rules;
use crate::domain::scan::Scan;
use crate::domain::ssrf;
use serde_json::{json, Value};
use worker::{console_error, D1Database, Env};

/// What a completed scan produced.
pub struct ScanDone {
    pub asset: String,
    pub observations: Vec<Observation>,
    pub summary: Value,
}

pub async fn run(cfg: &Config, scan: &Scan) -> Result<ScanDone, FetchError> {
    // The stored URL passed validation at submission; validating again keeps
    // the guard whole if the rules changed since.
    let target = ssrf::validate(&scan.url).map_err(|r| FetchError::blocked(r.message()))?;
    let fetcher = Fetcher::new(cfg);
    let page = fetcher.fetch_page(&target).await?;
    let mut done = analyse(&scan.org_id, &scan.project_id, target.as_str(), &page);
    // What the scan spent of its subrequest budget, and the auxiliary
    // requests it left out for want of it (their rules then see no data).
    let (used, skipped) = fetcher.subrequests();
    if let Some(obj) = done.summary.as_object_mut() {
        obj.insert("subrequests".into(), json!(used));
        obj.insert("aux_skipped".into(), json!(skipped));
    }
    Ok(done)
}

/// Pure analysis of a fetched page (kept apart from the I/O above).
pub fn analyse(org: &str, project: &str, asset: &str, page: &Page) -> ScanDone {
    let results = rules::run_all(page);
    let observations = findings::observations(&results, org, project, asset);
    let mut summary = findings::summary(&observations);
    let (score, grade) = rules::security::grade::observatory_grade(&results);
    if let Some(obj) = summary.as_object_mut() {
        obj.insert("security_score".into(), json!(score));
        obj.insert("security_grade".into(), json!(grade));
        obj.insert("http_status".into(), json!(page.status));
        obj.insert("redirects".into(), json!(page.redirects.len()));
        obj.insert("ttfb_ms".into(), json!(page.timings.ttfb_ms.round()));
        obj.insert("total_ms".into(), json!(page.timings.total_ms.round()));
        obj.insert("decoded_bytes".into(), json!(page.decoded_bytes));
        obj.insert("transferred_bytes".into(), json!(page.transferred_bytes));
        obj.insert("content_encoding".into(), json!(page.content_encoding));
        obj.insert("rules_run".into(), json!(results.len()));
        // The work-budget limits the page went past (empty for real pages):
        // findings of rules that read the cut document carry page_too_complex.
        obj.insert("limits_hit".into(), json!(page.limits_hit.iter().map(|l| l.as_str()).collect::<Vec<_>>()));
        if !page.limits_hit.is_empty() {
            obj.insert("analysed_bytes".into(), json!(page.parsed_bytes));
        }
    }
    ScanDone { asset: asset.to_string(), observations, summary }
}

pub async fn persist(db: &D1Database, scan: &Scan, done: &ScanDone, now: i64) -> worker::Result<()> {
    let new_ids: Vec<String> = done
        .observations
        .iter()
        .map(|_| ids::uuid_v4().map_err(worker::Error::RustError))
        .collect::<worker::Result<_>>()?;
    let at = store::findings::ScanRef { org: &scan.org_id, project: &scan.project_id, scan_id: &scan.id, asset: &done.asset };
    store::findings::record_completed_scan(db, &at, &done.summary.to_string(), &done.observations, &new_ids, now).await
}

/// Emits `scan.completed` (and `finding.regressed` when the scan reopened
/// resolved findings) to the project's webhooks. Best effort: the scan is
/// already recorded, so a failure here is logged, not retried.
pub async fn announce_completed(env: &Env, scan: &Scan, done: &ScanDone, finished_at: i64) {
    use crate::domain::webhook::Event;
    let r = async {
        let data = json!({
            "scan_id": scan.id, "trigger": scan.trigger.as_str(), "status": "completed",
            "summary": done.summary, "finished_at": crate::domain::time::rfc3339(finished_at),
        });
        crate::edge::webhooks::emit(env, &scan.org_id, &scan.project_id, Event::ScanCompleted, data).await?;
        let db = env.d1("DB")?;
        let hooks = store::webhooks::list(&db, &scan.org_id, &scan.project_id).await?;
        if hooks.iter().any(|h| crate::domain::webhook::subscribed(&h.events, Event::FindingRegressed)) {
            let regressed = store::webhooks::regressed_in_scan(&db, &scan.id).await?;
            if !regressed.is_empty() {
                let findings: Vec<Value> = regressed
                    .iter()
                    .map(|f| json!({ "id": f.id, "rule_id": f.rule_id, "domain": f.domain, "severity": f.severity, "title": f.title }))
                    .collect();
                let data = json!({ "scan_id": scan.id, "findings": findings });
                crate::edge::webhooks::emit(env, &scan.org_id, &scan.project_id, Event::FindingRegressed, data).await?;
            }
        }
        Ok::<(), worker::Error>(())
    }
    .await;
    if let Err(e) = r {
        console_error!("{}", json!({ "type": "webhook", "scan_id": scan.id, "event": "emit_failed", "error": e.to_string() }));
    }
}

/// Emits `scan.failed` to the project's webhooks (best effort, as above).
pub async fn announce_failed(env: &Env, scan: &Scan, code: &str, message: &str, finished_at: i64) {
    let data = json!({
        "scan_id": scan.id, "trigger": scan.trigger.as_str(), "status": "failed",
        "error": { "code": code, "message": message }, "finished_at": crate::domain::time::rfc3339(finished_at),
    });
    if let Err(e) = crate::edge::webhooks::emit(env, &scan.org_id, &scan.project_id, crate::domain::webhook::Event::ScanFailed, data).await {
        console_error!("{}", json!({ "type": "webhook", "scan_id": scan.id, "event": "emit_failed", "error": e.to_string() }));
    }
}
