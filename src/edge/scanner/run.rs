//! Runs one scan: fetch the target through the guarded fetcher, build the
//! page model, run the rules, and persist findings and the summary in one
//! D1 batch (so a scan's effects land together or not at all).
use crate::edge::config::Config;
use crate::edge::scanner::fetcher::{yield_now, Fetcher};
use crate::edge::store;
use crate::scanner::fetchpolicy::FetchError;
use crate::scanner::findings::{self, Observation};
use crate::domain::ids;
use crate::scanner::page::Page;
use crate::scanner::rules;
use crate::domain::scan::Scan;
use crate::domain::ssrf;
use serde_json::{json, Value};
use worker::D1Database;

/// Node visits the rules make between two yields of the thread.
const RULE_SLICE_NODES: usize = 250_000;

/// What a completed scan produced.
pub struct ScanDone {
    pub asset: String,
    pub observations: Vec<Observation>,
    pub summary: Value,
    /// Where the scan's CPU went (parse, rules), for the scan log line only.
    pub cpu: Value,
}

pub async fn run(cfg: &Config, scan: &Scan) -> Result<ScanDone, FetchError> {
    // The stored URL passed validation at submission; validating again keeps
    // the guard whole if the rules changed since.
    let target = ssrf::validate(&scan.url).map_err(|r| FetchError::blocked(r.message()))?;
    let fetcher = Fetcher::new(cfg);
    let page = fetcher.fetch_page(&target).await?;
    let t_rules = worker::Date::now().as_millis();
    // The results of `rules::run_all`, one rule at a time: a big page yields
    // the thread (see `yield_now`) whenever the rules since the last yield
    // have had about RULE_SLICE_NODES node visits between them, counting
    // each rule as one pass over the tree. A page of a few thousand nodes
    // never yields, so small scans are not held up behind big ones.
    let results = {
        let a = rules::analysis(&page);
        let nodes = page.document().map_or(0, |h| h.tree.values().count()).max(1);
        let mut results = Vec::with_capacity(rules::all().len());
        let mut since_yield = 0usize;
        for rule in rules::all() {
            results.push(rules::run_one(rule, &a));
            since_yield += nodes;
            if since_yield >= RULE_SLICE_NODES {
                since_yield = 0;
                yield_now().await;
            }
        }
        results
    };
    let mut done = analyse_results(&scan.org_id, &scan.project_id, target.as_str(), &page, &results);
    let rules_ms = worker::Date::now().as_millis().saturating_sub(t_rules);
    done.cpu = json!({ "parse_ms": page.timings.parse_ms.round(), "rules_ms": rules_ms });
    // What the scan spent of its subrequest budget, and the auxiliary
    // requests it left out for want of it (their rules then see no data).
    let (used, skipped) = fetcher.subrequests();
    if let Some(obj) = done.summary.as_object_mut() {
        obj.insert("subrequests".into(), json!(used));
        obj.insert("aux_skipped".into(), json!(skipped));
    }
    Ok(done)
}

/// The findings and summary of a page's rule results (pure, kept apart from the I/O above).
pub fn analyse_results(org: &str, project: &str, asset: &str, page: &Page, results: &[rules::RuleResult]) -> ScanDone {
    let observations = findings::observations(results, org, project, asset);
    let mut summary = findings::summary(&observations);
    let (score, grade) = rules::security::grade::observatory_grade(results);
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
    ScanDone { asset: asset.to_string(), observations, summary, cpu: Value::Null }
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
