//! Worker configuration from `[vars]`, parsed once per request or batch.
use worker::Env;

#[derive(Debug, Clone)]
pub struct Config {
    pub development: bool,
    pub doh_url: String,
    /// Raw `SCAN_HOST_OVERRIDES`; honoured only in development.
    pub host_overrides: String,
    pub standard_limit: u32,
}

fn var(env: &Env, name: &str) -> Option<String> {
    env.var(name).ok().map(|v| v.to_string())
}

impl Config {
    pub fn from_env(env: &Env) -> Config {
        let development = var(env, "ENVIRONMENT").as_deref() == Some("development");
        Config {
            development,
            doh_url: var(env, "DOH_URL").filter(|s| !s.is_empty()).unwrap_or_else(|| "https://cloudflare-dns.com/dns-query".into()),
            host_overrides: if development { var(env, "SCAN_HOST_OVERRIDES").unwrap_or_default() } else { String::new() },
            standard_limit: var(env, "RATE_LIMIT_STANDARD").and_then(|s| s.parse().ok()).unwrap_or(300),
        }
    }
}
