//! Worker configuration from `[vars]`, parsed once per request or batch.
use worker::Env;

#[derive(Debug, Clone)]
pub struct Config {
    pub development: bool,
    /// `WORKER_ROLE = "scanner"`: this deployment consumes the queue and runs
    /// the crons, and serves no public API. Anything else is the API Worker.
    pub scanner: bool,
    pub doh_url: String,
    /// Raw `SCAN_HOST_OVERRIDES`; honoured only in development.
    pub host_overrides: String,
    pub standard_limit: u32,
    /// Time budget for the main document, DNS checks included
    /// (`SCAN_BUDGET_MS`, default 15 s, at most `scanlimits::MAX_MAIN_BUDGET_MS`).
    pub scan_budget_ms: u64,
    /// First retry delay (`SCAN_RETRY_BASE_SECS`, default 10 s; doubles per attempt).
    pub retry_base_secs: u32,
    /// First retry delay of a failed webhook delivery (`WEBHOOK_RETRY_BASE_SECS`,
    /// default 30 s; doubles per attempt, 5 attempts).
    pub webhook_retry_base_secs: u32,
    /// Scheduled scans per org per hour before slots are skipped (`SCHEDULED_SCANS_PER_HOUR`, default 60).
    pub scheduled_per_hour: u32,
    /// Scans and findings older than this are deleted (`RETENTION_DAYS`, default 90).
    pub retention_days: u32,
    /// Pages an org's site scans may scan per rolling hour, charged with
    /// `max_pages` when one is accepted (`SITE_PAGES_PER_HOUR`, default 2000).
    pub site_pages_per_hour: u32,
    /// Page scans of one site in flight at once when robots.txt sets no
    /// crawl delay (`SITE_CONCURRENCY`, default 2, 1–8).
    pub site_concurrency: u32,
}

fn var(env: &Env, name: &str) -> Option<String> {
    env.var(name).ok().map(|v| v.to_string())
}

impl Config {
    pub fn from_env(env: &Env) -> Config {
        let development = var(env, "ENVIRONMENT").as_deref() == Some("development");
        Config {
            development,
            scanner: var(env, "WORKER_ROLE").as_deref() == Some("scanner"),
            doh_url: var(env, "DOH_URL").filter(|s| !s.is_empty()).unwrap_or_else(|| "https://cloudflare-dns.com/dns-query".into()),
            host_overrides: if development { var(env, "SCAN_HOST_OVERRIDES").unwrap_or_default() } else { String::new() },
            standard_limit: var(env, "RATE_LIMIT_STANDARD").and_then(|s| s.parse().ok()).unwrap_or(300),
            scan_budget_ms: var(env, "SCAN_BUDGET_MS")
                .and_then(|s| s.parse().ok())
                .unwrap_or(crate::scanner::fetchpolicy::MAIN_BUDGET_MS)
                .clamp(1, crate::scanner::scanlimits::MAX_MAIN_BUDGET_MS),
            retry_base_secs: var(env, "SCAN_RETRY_BASE_SECS").and_then(|s| s.parse().ok()).unwrap_or(10),
            webhook_retry_base_secs: var(env, "WEBHOOK_RETRY_BASE_SECS").and_then(|s| s.parse().ok()).unwrap_or(30),
            scheduled_per_hour: var(env, "SCHEDULED_SCANS_PER_HOUR").and_then(|s| s.parse().ok()).unwrap_or(60),
            retention_days: var(env, "RETENTION_DAYS").and_then(|s| s.parse().ok()).filter(|d| *d >= 1).unwrap_or(90),
            site_pages_per_hour: var(env, "SITE_PAGES_PER_HOUR").and_then(|s| s.parse().ok()).unwrap_or(2000),
            site_concurrency: var(env, "SITE_CONCURRENCY").and_then(|s| s.parse().ok()).unwrap_or(2).clamp(1, 8),
        }
    }
}
