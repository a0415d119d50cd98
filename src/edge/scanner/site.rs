//! Site scans on the queue. The site scan's own message only queues its
//! start URL. Every page is a page scan of its own (`parent_id` = the site
//! scan), one queue message each, run by the ordinary page path; when one
//! ends, `after_page` records what it found (links; for the start URL also
//! robots.txt and the sitemaps), hands the next pending pages to the queue
//! (at most `concurrency` in flight, each sent after the politeness delay),
//! and completes the site scan if it was the last. D1 decides every race
//! (see `store::sites`): no loop polls, and redelivered messages find their
//! page already claimed or done.
use crate::domain::site::{PageState, SiteOptions};
use crate::domain::ssrf;
use crate::edge::config::Config;
use crate::edge::scanner::fetcher::{gunzip_capped, Fetcher};
use crate::edge::scanner::run::{self, ScanDone};
use crate::edge::store;
use crate::edge::store::sites::NewPage;
use crate::domain::scan::Scan;
use crate::domain::ids;
use crate::scanner::crawl::{self, frontier, frontier::Frontier, robots::Robots, sitemap, PathPatterns, Sitemap, Verdict};
use crate::scanner::fetchpolicy::USER_AGENT;
use serde_json::{json, Value};
use std::collections::HashSet;
use url::Url;
use worker::{console_error, console_log, D1Database, Date, Env};

/// A running site scan's lease: past it, the stuck-scan cron re-sends the
/// site scan's message, which queues what is pending and completes it if
/// nothing is (recovery after lost messages; never a second crawl).
pub const SITE_LEASE_MS: i64 = 6 * 3_600_000;
/// Bytes read of a sitemap (decompressed) and of robots.txt.
const SITEMAP_CAP: usize = 10 * 1024 * 1024;

fn now() -> i64 {
    Date::now().as_millis() as i64
}

/// The site scan's own message: claim it and queue its start URL.
pub async fn start(env: &Env, cfg: &Config, scan: &Scan) -> worker::Result<()> {
    let db = env.d1("DB")?;
    let at = now();
    if !store::scans::claim(&db, &scan.id, at, SITE_LEASE_MS).await? {
        return Ok(()); // another delivery holds it; its lease is long
    }
    if scan.trigger == crate::domain::scan::Trigger::Scheduled {
        store::sites::ensure_from_schedule(&db, &scan.id, at).await?;
        // Scheduled site scans are charged to the org's hourly page budget
        // too; past it this run fails (the next slot tries again).
        let (used, _) = store::sites::pages_reserved_since(&db, &scan.org_id, at - 3_600_000).await?;
        if used > cfg.site_pages_per_hour as u64 {
            let msg = format!("The org's site scans reached their budget of {} pages per hour.", cfg.site_pages_per_hour);
            if store::sites::stop(&db, &scan.id, "site_budget_exceeded", &msg, at).await? {
                run::announce_failed(env, scan, "site_budget_exceeded", &msg, at).await;
            }
            return Ok(());
        }
    }
    let start = NewPage { url: &scan.url, depth: 0, source: "start", state: PageState::Pending, reason: None, page_id: ids::uuid_v4().map_err(worker::Error::RustError)? };
    store::sites::add_pages(&db, &scan.id, &[start], at).await?;
    advance(env, &db, &scan.id).await
}

/// The start page's position and the crawl's settings, read once per page.
struct Crawl {
    options: SiteOptions,
    patterns: PathPatterns,
    robots: Robots,
}

async fn crawl_of(db: &D1Database, site_id: &str) -> worker::Result<Option<(store::sites::Site, Crawl)>> {
    let Some(site) = store::sites::get(db, site_id).await? else { return Ok(None) };
    let options = SiteOptions::from_stored(&serde_json::from_str(&site.options).unwrap_or(Value::Null));
    // Validated when the scan was accepted; unreadable stored patterns
    // exclude nothing rather than fail the crawl.
    let patterns = PathPatterns::parse(&options.include, &options.exclude).unwrap_or_default();
    let robots = site.robots.as_deref().map(|r| crawl::robots::parse(r, USER_AGENT)).unwrap_or_else(Robots::allow_all);
    Ok(Some((site, Crawl { options, patterns, robots })))
}

/// After one page scan of the site ended (completed, failed or skipped):
/// the start page discovers robots.txt and the sitemaps; every completed
/// page adds its links; then the next pages go to the queue.
pub async fn after_page(env: &Env, cfg: &Config, page: &Scan, site_id: &str, done: Option<&ScanDone>) -> worker::Result<()> {
    let db = env.d1("DB")?;
    let at = now();
    let Some(parent) = store::scans::get_by_id(&db, site_id).await? else { return Ok(()) };
    let Some((site, mut crawl)) = crawl_of(&db, site_id).await? else { return Ok(()) };
    let start = Url::parse(&parent.scan.url).map_err(|e| worker::Error::RustError(e.to_string()))?;
    let (depth, source) = store::sites::page_of(&db, site_id, &page.id).await?.unwrap_or((0, String::new()));
    if source == "start" && site.discovered_at.is_none() {
        // The origin is the start URL's (a start URL that redirects to
        // another origin ends with its links counted as other origins).
        let origin = done.and_then(|d| d.final_url.clone()).filter(|u| crawl::same_origin(u, &start)).unwrap_or_else(|| start.clone());
        let (robots_text, robots) = read_robots(cfg, &origin).await;
        let delay = robots.crawl_delay().map(|d| d.ceil() as u32).filter(|d| *d > 0);
        // Page scans of one site in flight at once (`SITE_CONCURRENCY`), unless
        // robots.txt asks for a crawl delay: then one at a time, that many seconds apart.
        let concurrency = if delay.is_some() { 1 } else { cfg.site_concurrency };
        let sitemap_urls = read_sitemaps(cfg, &origin, &robots).await;
        store::sites::set_discovered(&db, site_id, &robots_text, concurrency, delay.unwrap_or(0), sitemap_urls.len() as u32, at).await?;
        crawl.robots = robots;
        let found: Vec<(Url, u32, &'static str)> = sitemap_urls.into_iter().map(|u| (u, frontier::SITEMAP_DEPTH, "sitemap")).collect();
        add_found(&db, site_id, &start, &crawl, found, at).await?;
    }
    if let Some(d) = done {
        let found = d.links.iter().cloned().map(|u| (u, depth + 1, "link")).collect();
        add_found(&db, site_id, &start, &crawl, found, at).await?;
        // Only now is the page done: a finisher that sees nothing queued has
        // therefore seen every link of every finished page (marking it in
        // the findings batch let the last page complete the site before a
        // neighbour's links were in).
        store::sites::page_done(&db, site_id, &page.id, PageState::Scanned, None, at).await?;
    }
    advance(env, &db, site_id).await
}

/// A page scan's message came again after the scan ended (a redelivery, or
/// a retry after the consumer failed between recording the page and
/// updating the crawl): its row is ended from the scan if it is still
/// queued, and the crawl moves on (completing the site if it was last).
pub async fn resume(env: &Env, page: &Scan, site_id: &str) -> worker::Result<()> {
    let db = env.d1("DB")?;
    let (state, reason) = match (page.status, &page.error) {
        (crate::domain::scan::ScanStatus::Completed, _) => (PageState::Scanned, None),
        (_, Some((code, _))) if matches!(code.as_str(), "not_html" | "redirect_off_origin") => (PageState::Skipped, Some(code.as_str())),
        (_, Some((code, _))) => (PageState::Failed, Some(code.as_str())),
        (_, None) => (PageState::Failed, None),
    };
    store::sites::page_done(&db, site_id, &page.id, state, reason, now()).await?;
    advance(env, &db, site_id).await
}

/// Classifies found URLs and records them (new ones only).
async fn add_found(db: &D1Database, site_id: &str, start: &Url, crawl: &Crawl, found: Vec<(Url, u32, &'static str)>, at: i64) -> worker::Result<()> {
    let f = Frontier { start, options: &crawl.options, patterns: &crawl.patterns, robots: &crawl.robots, queued: 0 };
    let mut seen = HashSet::new();
    let mut pages = Vec::with_capacity(found.len());
    for (url, depth, source) in &found {
        let key = url.as_str();
        if !seen.insert(key) {
            continue;
        }
        let (state, reason) = match crawl::classify(url, *depth, &f, |_| false) {
            Verdict::Queue | Verdict::Duplicate | Verdict::OverLimit => (PageState::Pending, None),
            Verdict::OtherOrigin => (PageState::Skipped, Some("other_origin")),
            Verdict::Excluded => (PageState::Excluded, Some("pattern")),
            Verdict::Disallowed => (PageState::Excluded, Some("robots_txt")),
            Verdict::TooDeep => (PageState::Excluded, Some("max_depth")),
        };
        pages.push(NewPage { url: key, depth: *depth, source, state, reason, page_id: ids::uuid_v4().map_err(worker::Error::RustError)? });
    }
    store::sites::add_pages(db, site_id, &pages, at).await?;
    Ok(())
}

/// robots.txt of the origin: its text (kept for the later pages) and rules.
async fn read_robots(cfg: &Config, origin: &Url) -> (String, Robots) {
    let Some(target) = frontier::robots_url(origin).and_then(|u| ssrf::validate(u.as_str()).ok()) else {
        return (String::new(), Robots::allow_all());
    };
    match Fetcher::new(cfg).fetch_resource(&target, crawl::robots::MAX_BYTES).await {
        Ok((status, _, body)) => {
            let text = String::from_utf8_lossy(&body).into_owned();
            let robots = Robots::for_status(Some(status), &text, USER_AGENT);
            // A failed robots.txt is stored as a disallow-all file, so the
            // later pages read the same verdict.
            let kept = match status {
                200..=299 => text,
                400..=499 => String::new(),
                _ => "User-agent: *\nDisallow: /\n".to_string(),
            };
            (kept, robots)
        }
        // Unreachable (RFC 9309 §2.3.1.4): assume complete disallow.
        Err(_) => ("User-agent: *\nDisallow: /\n".to_string(), Robots::disallow_all()),
    }
}

/// Page URLs from the sitemaps robots.txt names, else `/sitemap.xml`
/// (`frontier::sitemap_urls`); sitemap indexes are followed one level, at most
/// `MAX_SITEMAP_FETCHES` files, each read up to 10 MiB (gzip inflated with
/// the same cap). Failures only mean fewer URLs.
async fn read_sitemaps(cfg: &Config, origin: &Url, robots: &Robots) -> Vec<Url> {
    let mut queue = frontier::sitemap_urls(robots, origin);
    let initial = queue.len();
    let fetcher = Fetcher::new(cfg);
    let mut urls = Vec::new();
    let mut fetched = 0;
    let mut i = 0;
    while i < queue.len() && fetched < frontier::MAX_SITEMAP_FETCHES {
        let url = queue[i].clone();
        i += 1;
        let Ok(target) = ssrf::validate(url.as_str()) else { continue };
        fetched += 1;
        let body = match fetcher.fetch_resource(&target, SITEMAP_CAP).await {
            Ok((200, _, body)) => body,
            _ => continue,
        };
        let body = if sitemap::looks_gzipped(&body) {
            match gunzip_capped(&body, SITEMAP_CAP, cfg.scan_budget_ms).await {
                Ok(b) => b,
                Err(_) => continue,
            }
        } else {
            body
        };
        match sitemap::parse(&body, crate::domain::site::MAX_SITE_ROWS as usize) {
            Ok(Sitemap::UrlSet(list)) => urls.extend(list.iter().filter_map(|u| crawl::normalise(&url, u))),
            // One level of index: its sitemaps are read, nested indexes are not.
            Ok(Sitemap::Index(list)) if i <= initial => {
                queue.extend(list.iter().filter_map(|u| crawl::normalise(&url, u)).filter(|u| crawl::same_origin(u, origin)));
            }
            _ => {}
        }
        if urls.len() >= crate::domain::site::MAX_SITE_ROWS as usize {
            break;
        }
    }
    urls
}

/// Hands pending pages to the queue while lanes are free, then completes
/// the site scan if nothing is left.
async fn advance(env: &Env, db: &D1Database, site_id: &str) -> worker::Result<()> {
    let at = now();
    let claimed = store::sites::claim(db, site_id, at).await?;
    if !claimed.is_empty() {
        let delay = store::sites::get(db, site_id).await?.map_or(0, |s| s.delay_secs as u32);
        let ids: Vec<String> = claimed.into_iter().map(|c| c.page_id).collect();
        // A lost send leaves the page scan queued: the stuck-scan cron re-sends it.
        crate::edge::jobs::enqueue_scans_after(env, &ids, delay).await?;
        return Ok(());
    }
    if store::sites::settled(db, site_id).await? {
        finish(env, db, site_id).await?;
    }
    Ok(())
}

/// Completes the site scan: its summary over all pages, its gate, its
/// webhooks. Several finishers may get here at once; one wins the update.
async fn finish(env: &Env, db: &D1Database, site_id: &str) -> worker::Result<()> {
    let Some(parent) = store::scans::get_by_id(db, site_id).await? else { return Ok(()) };
    if parent.scan.status.is_final() {
        return Ok(());
    }
    let at = now();
    let mut summary = store::sites::findings_summary(db, site_id).await?;
    let counts = store::sites::state_counts(db, site_id).await?;
    let overflow = store::sites::get(db, site_id).await?.map_or(0, |s| s.overflow as u64);
    let start = store::sites::start_page(db, site_id).await?;
    let start_summary: Value = start.and_then(|s| s.summary).and_then(|s| serde_json::from_str(&s).ok()).unwrap_or(Value::Null);
    if let Some(obj) = summary.as_object_mut() {
        obj.insert("pages".into(), crate::domain::site::pages_summary(&counts, overflow));
        // The security grade is the start URL's: headers are per origin, and
        // the start page is the one the user named.
        for k in ["security_score", "security_grade", "http_status"] {
            obj.insert(k.into(), start_summary.get(k).cloned().unwrap_or(Value::Null));
        }
    }
    let gate = run::site_gate_verdict(db, &parent.scan, &summary, at).await?;
    let gate_text = gate.as_ref().map(|g| g.to_string());
    if store::sites::try_complete(db, site_id, &summary.to_string(), gate_text.as_deref(), at).await? {
        console_log!("{}", json!({ "type": "site_scan", "scan_id": site_id, "event": "completed", "pages": summary.get("pages") }));
        let done = ScanDone { asset: parent.scan.url.clone(), observations: Vec::new(), summary, cpu: Value::Null, final_url: None, links: Vec::new() };
        run::announce_completed(env, &parent.scan, &done, gate.as_ref(), at).await;
    }
    Ok(())
}

/// How a page scan of the site fetches: the start URL freely (None), the
/// others within the site's origin (the start URL's).
pub async fn origin_for(db: &D1Database, site_id: &str, page: &Scan) -> worker::Result<Option<Url>> {
    let source = store::sites::page_of(db, site_id, &page.id).await?.map(|(_, s)| s);
    if source.as_deref() == Some("start") {
        return Ok(None);
    }
    let parent = store::scans::get_by_id(db, site_id).await?;
    Ok(parent.and_then(|p| Url::parse(&p.scan.url).ok()))
}

/// A page scan of the site failed for good (or was skipped: not HTML,
/// redirected off the origin). The start URL failing fails the site scan.
pub async fn page_failed(env: &Env, cfg: &Config, page: &Scan, site_id: &str, code: &str, message: &str) -> worker::Result<()> {
    let db = env.d1("DB")?;
    let at = now();
    let state = if matches!(code, "not_html" | "redirect_off_origin") { PageState::Skipped } else { PageState::Failed };
    let source = store::sites::page_of(&db, site_id, &page.id).await?.map(|(_, s)| s);
    store::sites::page_done(&db, site_id, &page.id, state, Some(code), at).await?;
    if source.as_deref() == Some("start") {
        start_failed(env, site_id, code, message).await;
        return Ok(());
    }
    after_page(env, cfg, page, site_id, None).await
}

/// The start URL could not be scanned: the site scan fails with its reason.
pub async fn start_failed(env: &Env, site_id: &str, code: &str, message: &str) {
    let r = async {
        let db = env.d1("DB")?;
        let at = now();
        let msg = format!("The start URL could not be scanned: {message}");
        if store::sites::stop(&db, site_id, code, &msg, at).await? {
            if let Some(parent) = store::scans::get_by_id(&db, site_id).await? {
                run::announce_failed(env, &parent.scan, code, &msg, at).await;
            }
        }
        Ok::<(), worker::Error>(())
    }
    .await;
    if let Err(e) = r {
        console_error!("{}", json!({ "type": "site_scan", "scan_id": site_id, "event": "stop_failed", "error": e.to_string() }));
    }
}
