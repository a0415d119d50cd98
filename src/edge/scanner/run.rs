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
use crate::domain::compare::{evidence_signature, Sighting};
use crate::domain::gate::{self, GateResult};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use url::Url;
use worker::{console_error, D1Database, Env};

/// Node visits the rules make between two yields of the thread.
const RULE_SLICE_NODES: usize = 250_000;

/// What a completed scan produced.
pub struct ScanDone {
    pub asset: String,
    pub observations: Vec<Observation>,
    pub summary: Value,
    /// Where the scan's CPU went (parse, rules), for the scan log line only.
    pub cpu: Value,
    /// A site scan's page: the URL it ended at, and the links it offers the crawl.
    pub final_url: Option<Url>,
    pub links: Vec<Url>,
}

/// How a page scan that belongs to a site scan is fetched.
pub struct InSite {
    /// None for the start URL (redirects followed anywhere the guard allows,
    /// origin-level probes made); else the site's origin.
    pub origin: Option<Url>,
}

pub async fn run(cfg: &Config, scan: &Scan, in_site: Option<&InSite>) -> Result<ScanDone, FetchError> {
    // The stored URL passed validation at submission; validating again keeps
    // the guard whole if the rules changed since.
    let target = ssrf::validate(&scan.url).map_err(|r| FetchError::blocked(r.message()))?;
    let fetcher = match in_site.and_then(|s| s.origin.clone()) {
        Some(origin) => Fetcher::new(cfg).within_site(origin),
        None => Fetcher::new(cfg),
    };
    let page = fetcher.fetch_page(&target).await?;
    // A site scan analyses HTML pages only; anything else is skipped.
    if in_site.is_some() && page.document().is_none() {
        return Err(FetchError { code: "not_html", message: "The response is not an HTML page.".into(), transient: false });
    }
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
    if in_site.is_some() {
        done.links = crate::scanner::crawl::links::page_links(&page, &page.final_url);
        done.final_url = Some(page.final_url.clone());
    }
    let rules_ms = worker::Date::now().as_millis().saturating_sub(t_rules);
    done.cpu = json!({ "parse_ms": page.timings.parse_ms.round(), "aux_ms": page.timings.aux_ms.round(), "rules_ms": rules_ms });
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
    ScanDone { asset: asset.to_string(), observations, summary, cpu: Value::Null, final_url: None, links: Vec::new() }
}

/// Writes the scan's findings and summary; returns its gate verdict (the
/// scan's `gate` object), if it has a gate.
pub async fn persist(db: &D1Database, scan: &Scan, done: &ScanDone, now: i64) -> worker::Result<Option<Value>> {
    let new_ids: Vec<String> = done
        .observations
        .iter()
        .map(|_| ids::uuid_v4().map_err(worker::Error::RustError))
        .collect::<worker::Result<_>>()?;
    // A site scan's pages are judged together, by the site scan's gate.
    let verdict = if scan.parent_id.is_some() { None } else { gate_verdict(db, scan, done, &new_ids, now).await? };
    let verdict = verdict.map(|v| v.to_json());
    let text = verdict.as_ref().map(|v| v.to_string());
    let at = store::findings::ScanRef {
        org: &scan.org_id,
        project: &scan.project_id,
        scan_id: &scan.id,
        asset: &done.asset,
        site: scan.parent_id.as_deref(),
    };
    store::findings::record_completed_scan(db, &at, &done.summary.to_string(), &done.observations, &new_ids, now, text.as_deref()).await?;
    Ok(verdict)
}

/// The gate a completed scan is judged by and what it is judged against.
struct Judged {
    gate: gate::Gate,
    source: &'static str,
    baseline: Option<(String, Value)>,
    base_sightings: Vec<Sighting>,
}

/// The scan's gate (its request's, else the project's default, read now)
/// and its baseline's sightings; None (and no more reads) without a gate.
async fn gate_and_baseline(db: &D1Database, scan: &Scan, now: i64) -> worker::Result<Option<Judged>> {
    let (gate, source) = match &scan.gate {
        Some(g) => (g.clone(), "request"),
        None => match store::gates::project_gate(db, &scan.org_id, &scan.project_id).await? {
            Some((g, _)) => (g, "project"),
            None => return Ok(None),
        },
    };
    let baseline = store::gates::baseline(db, &scan.org_id, &scan.project_id, &scan.url, scan.scope, (now, &scan.id)).await?;
    let base_sightings = match &baseline {
        Some((id, _)) => store::gates::sightings(db, id).await?,
        None => Vec::new(),
    };
    Ok(Some(Judged { gate, source, baseline, base_sightings }))
}

/// Judges the scan's gate (its request's, else the project's default, read
/// now) against the scan's baseline. No gate: no verdict, and no extra reads.
async fn gate_verdict(db: &D1Database, scan: &Scan, done: &ScanDone, new_ids: &[String], now: i64) -> worker::Result<Option<GateResult>> {
    let Some(Judged { gate, source, baseline, base_sightings }) = gate_and_baseline(db, scan, now).await? else { return Ok(None) };
    // Existing findings keep their ids (the upsert does not change them);
    // new ones get the id the upsert will insert.
    let known = store::gates::asset_findings(db, &scan.org_id, &scan.project_id, &done.asset).await?;
    let id_of: HashMap<&str, &str> = known.iter().map(|f| (f.fingerprint.as_str(), f.id.as_str())).collect();
    let ignored: HashSet<String> = known.iter().filter(|f| f.status == "ignored").map(|f| f.fingerprint.clone()).collect();
    let current: Vec<Sighting> = done
        .observations
        .iter()
        .zip(new_ids)
        .map(|(o, new_id)| Sighting {
            finding_id: id_of.get(o.fingerprint.as_str()).map(|s| s.to_string()).unwrap_or_else(|| new_id.clone()),
            fingerprint: o.fingerprint.clone(),
            rule_id: o.rule_id.clone(),
            domain: o.domain,
            severity: o.severity,
            title: o.title.clone(),
            evidence_sig: Some(evidence_signature(&o.evidence, o.evidence_total)),
        })
        .collect();
    let input = gate::Input {
        scan: &current,
        baseline: baseline.as_ref().map(|(id, _)| (id.as_str(), base_sightings.as_slice())),
        ignored: &ignored,
        security_grade: done.summary.get("security_grade").and_then(Value::as_str),
    };
    Ok(Some(gate::evaluate(&gate, source, &input)))
}

/// A site scan's gate verdict, judged on the findings of all its pages
/// (linked to it) against the previous site scan of the same start URL.
pub async fn site_gate_verdict(db: &D1Database, scan: &Scan, summary: &Value, now: i64) -> worker::Result<Option<Value>> {
    let Some(Judged { gate, source, baseline, base_sightings }) = gate_and_baseline(db, scan, now).await? else { return Ok(None) };
    let current = store::gates::sightings(db, &scan.id).await?;
    let ignored: HashSet<String> = store::gates::ignored_in_scan(db, &scan.id).await?.into_iter().collect();
    let input = gate::Input {
        scan: &current,
        baseline: baseline.as_ref().map(|(id, _)| (id.as_str(), base_sightings.as_slice())),
        ignored: &ignored,
        security_grade: summary.get("security_grade").and_then(Value::as_str),
    };
    Ok(Some(gate::evaluate(&gate, source, &input).to_json()))
}

/// Emits `scan.completed` (and `finding.regressed` when the scan reopened
/// resolved findings) to the project's webhooks. Best effort: the scan is
/// already recorded, so a failure here is logged, not retried.
pub async fn announce_completed(env: &Env, scan: &Scan, done: &ScanDone, gate: Option<&Value>, finished_at: i64) {
    use crate::domain::webhook::Event;
    use crate::domain::webhook::subscribed;
    use crate::edge::webhooks::emit_to;
    let r = async {
        // The project's webhooks, read once for all three events (most
        // projects have none: then nothing more is read or written).
        let db = env.d1("DB")?;
        let hooks = store::webhooks::list(&db, &scan.org_id, &scan.project_id).await?;
        let to = |event: Event| hooks.iter().filter(|h| subscribed(&h.events, event)).cloned().collect::<Vec<_>>();
        let data = json!({
            "scan_id": scan.id, "trigger": scan.trigger.as_str(), "status": "completed",
            "summary": done.summary, "gate": gate, "finished_at": crate::domain::time::rfc3339(finished_at),
        });
        emit_to(env, &to(Event::ScanCompleted), Event::ScanCompleted, data).await?;
        if let Some(verdict) = gate.filter(|g| g.get("passed") == Some(&Value::Bool(false))) {
            let data = json!({ "scan_id": scan.id, "gate": verdict });
            emit_to(env, &to(Event::GateFailed), Event::GateFailed, data).await?;
        }
        let regressed_to = to(Event::FindingRegressed);
        if !regressed_to.is_empty() {
            let regressed = store::webhooks::regressed_in_scan(&db, &scan.id).await?;
            if !regressed.is_empty() {
                let findings: Vec<Value> = regressed
                    .iter()
                    .map(|f| json!({ "id": f.id, "rule_id": f.rule_id, "domain": f.domain, "severity": f.severity, "title": f.title }))
                    .collect();
                let data = json!({ "scan_id": scan.id, "findings": findings });
                emit_to(env, &regressed_to, Event::FindingRegressed, data).await?;
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
