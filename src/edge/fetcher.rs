//! The guarded fetcher: every hop validated by the SSRF module, every
//! hostname checked over DNS-over-HTTPS before any connection, manual
//! redirects (at most 5), time budgets, a streamed body cap, GET/HEAD only.
//! Policy lives in `crate::fetchpolicy`; this file is the I/O.
use super::config::Config;
use crate::fetchpolicy::{self as policy, FetchError};
use crate::overrides::HostOverrides;
use crate::page::{CorsPreflight, Header, Hop, HttpProbe, HttpsProbe, Page, Subresource, Timings};
use crate::ssrf::{self, TargetUrl};
use futures_util::future::{select, Either};
use futures_util::StreamExt;
use std::cell::RefCell;
use std::collections::HashSet;
use std::time::Duration;
use url::Url;
use worker::{AbortController, Date, Delay, Fetch, Headers, Method, Request, RequestInit, RequestRedirect, Response};

pub struct Fetcher<'a> {
    cfg: &'a Config,
    overrides: HostOverrides,
    /// Hostnames whose DNS answers were already checked in this scan.
    checked: RefCell<HashSet<String>>,
    /// Whether any connection was attempted (for the logs and tests).
    pub connections: RefCell<u32>,
}

fn now() -> u64 {
    Date::now().as_millis()
}

fn header_list(h: &Headers) -> Vec<Header> {
    // Fetch's Headers iterator yields each Set-Cookie line separately.
    h.entries().map(|(name, value)| Header { name: name.to_ascii_lowercase(), value }).collect()
}

impl<'a> Fetcher<'a> {
    pub fn new(cfg: &'a Config) -> Self {
        let (overrides, _errors) = HostOverrides::parse(&cfg.host_overrides);
        Fetcher { cfg, overrides, checked: RefCell::new(HashSet::new()), connections: RefCell::new(0) }
    }

    /// Runs `fut` with a time budget, aborting the request when it runs out.
    async fn timed(&self, req: Request, budget_ms: u64) -> Result<Response, FetchError> {
        let controller = AbortController::default();
        let signal = controller.signal();
        let fetch = Fetch::Request(req);
        let fut = Box::pin(fetch.send_with_signal(&signal));
        let timer = Box::pin(Delay::from(Duration::from_millis(budget_ms.max(1))));
        let outcome = select(fut, timer).await;
        let result = match outcome {
            Either::Left((Ok(resp), _)) => Ok(resp),
            Either::Left((Err(e), _)) => Err(FetchError::unreachable(format!("Connection failed: {e}"))),
            Either::Right(_) => {
                controller.abort();
                Err(FetchError::timeout(format!("No response within {budget_ms} ms.")))
            }
        };
        result
    }

    /// Checks every A/AAAA answer for the URL's hostname (IP literals were
    /// judged by the validator). Names are checked once per scan.
    async fn check_dns(&self, url: &Url) -> Result<(), FetchError> {
        let Some(url::Host::Domain(host)) = url.host() else {
            return match url.host() {
                Some(url::Host::Ipv4(ip)) => ssrf::blocked_ip(ip.into()).map_or(Ok(()), |w| Err(FetchError::blocked(w))),
                Some(url::Host::Ipv6(ip)) => ssrf::blocked_ip(ip.into()).map_or(Ok(()), |w| Err(FetchError::blocked(w))),
                _ => Err(FetchError::blocked("URL has no host.")),
            };
        };
        let host = host.to_ascii_lowercase();
        if self.checked.borrow().contains(&host) {
            return Ok(());
        }
        let mut answers = Vec::with_capacity(2);
        for rtype in ["A", "AAAA"] {
            let mut u = Url::parse(&self.cfg.doh_url).map_err(|_| FetchError::dns("DOH_URL is not a URL."))?;
            u.query_pairs_mut().append_pair("name", &host).append_pair("type", rtype);
            let headers = Headers::new();
            let _ = headers.set("accept", "application/dns-json");
            let mut init = RequestInit::new();
            init.with_method(Method::Get).with_headers(headers);
            let req = Request::new_with_init(u.as_str(), &init).map_err(|e| FetchError::dns(e.to_string()))?;
            let mut resp = self.timed(req, policy::AUX_BUDGET_MS).await.map_err(|e| FetchError::dns(format!("DNS-over-HTTPS: {}", e.message)))?;
            if resp.status_code() != 200 {
                return Err(FetchError::dns(format!("DNS-over-HTTPS answered {}.", resp.status_code())));
            }
            let body = resp.text().await.map_err(|e| FetchError::dns(e.to_string()))?;
            answers.push(policy::parse_doh(&body)?);
        }
        let aaaa = answers.pop().unwrap_or(policy::DohAnswer::ServFail);
        let a = answers.pop().unwrap_or(policy::DohAnswer::ServFail);
        let ips = policy::combine_answers(a, aaaa)?;
        policy::check_answers(&host, &ips)?;
        self.checked.borrow_mut().insert(host);
        Ok(())
    }

    /// One request (no redirects followed), through the development host
    /// override when one applies.
    async fn request(&self, method: Method, url: &Url, budget_ms: u64) -> Result<Response, FetchError> {
        self.request_with(method, url, budget_ms, &[]).await
    }

    async fn request_with(&self, method: Method, url: &Url, budget_ms: u64, extra: &[(&str, &str)]) -> Result<Response, FetchError> {
        self.check_dns(url).await?;
        let headers = Headers::new();
        for (k, v) in extra {
            let _ = headers.set(k, v);
        }
        let _ = headers.set("user-agent", policy::USER_AGENT);
        let _ = headers.set("accept", "text/html,application/xhtml+xml,*/*;q=0.8");
        let _ = headers.set("accept-encoding", "gzip, deflate, br");
        let host = url.host_str().unwrap_or_default();
        let connect = match self.overrides.lookup(host) {
            Some(addr) => {
                // Like curl --resolve: connect to the fixture, keep the original
                // host visible to it. Plain HTTP on loopback (no TLS fixture).
                let _ = headers.set("x-forwarded-host", &url[url::Position::BeforeHost..url::Position::BeforePath]);
                let _ = headers.set("x-forwarded-proto", url.scheme());
                format!("http://{addr}{}", &url[url::Position::BeforePath..url::Position::AfterQuery])
            }
            None => url.as_str().to_string(),
        };
        let mut init = RequestInit::new();
        init.with_method(method).with_headers(headers).with_redirect(RequestRedirect::Manual);
        let req = Request::new_with_init(&connect, &init).map_err(|e| FetchError::blocked(e.to_string()))?;
        *self.connections.borrow_mut() += 1;
        self.timed(req, budget_ms).await
    }

    /// Follows redirects by hand, re-validating each hop.
    async fn follow(&self, start: &Url, method: Method, deadline: u64) -> Result<(Vec<Hop>, Url, Response), FetchError> {
        let mut hops = Vec::new();
        let mut url = start.clone();
        loop {
            let budget = deadline.saturating_sub(now());
            if budget == 0 {
                return Err(FetchError::timeout("Time budget exhausted while following redirects."));
            }
            let resp = self.request(method.clone(), &url, budget).await?;
            let status = resp.status_code();
            let location = resp.headers().get("location").ok().flatten();
            match (policy::is_redirect(status), location) {
                (true, Some(loc)) => {
                    hops.push(Hop { url: url.to_string(), status, location: Some(loc.clone()) });
                    if hops.len() > policy::MAX_REDIRECTS {
                        return Err(FetchError::too_many_redirects());
                    }
                    url = policy::resolve_redirect(&url, &loc)?.into_url();
                }
                _ => return Ok((hops, url, resp)),
            }
        }
    }

    /// Reads the body as a stream, refusing more than the cap (decoded bytes,
    /// so a compression bomb stops at the cap too).
    async fn read_capped(&self, resp: &mut Response, deadline: u64) -> Result<Vec<u8>, FetchError> {
        let mut stream = resp.stream().map_err(|e| FetchError::unreachable(e.to_string()))?;
        let mut body = Vec::new();
        loop {
            let budget = deadline.saturating_sub(now());
            let next = Box::pin(stream.next());
            let timer = Box::pin(Delay::from(Duration::from_millis(budget.max(1))));
            match select(next, timer).await {
                Either::Left((Some(Ok(chunk)), _)) => {
                    body.extend_from_slice(&chunk);
                    if body.len() > policy::MAX_BODY_BYTES {
                        return Err(FetchError::too_large());
                    }
                }
                Either::Left((Some(Err(e)), _)) => return Err(FetchError::unreachable(format!("Body read failed: {e}"))),
                Either::Left((None, _)) => return Ok(body),
                Either::Right(_) => return Err(FetchError::timeout("The body did not arrive within the time budget.")),
            }
        }
    }

    /// Fetches the page and what the rules need around it.
    pub async fn fetch_page(&self, target: &TargetUrl) -> Result<Page, FetchError> {
        let t0 = now();
        let deadline = t0 + self.cfg.scan_budget_ms;
        let (hops, final_url, mut resp) = self.follow(target.as_url(), Method::Get, deadline).await?;
        let ttfb = now().saturating_sub(t0);
        let headers = header_list(resp.headers());
        let status = resp.status_code();
        let raw = self.read_capped(&mut resp, deadline).await?;
        let total = now().saturating_sub(t0);
        let content_type = headers.iter().find(|h| h.name == "content-type").map(|h| h.value.to_ascii_lowercase());
        let textual = content_type.as_deref().is_none_or(|ct| ct.contains("html") || ct.starts_with("text/") || ct.contains("xml"));
        let body = textual.then(|| String::from_utf8_lossy(&raw).into_owned());
        let transferred = headers.iter().find(|h| h.name == "content-length").and_then(|h| h.value.trim().parse().ok());
        let encoding = headers.iter().find(|h| h.name == "content-encoding").map(|h| h.value.clone());
        let mut page = Page::from_response(target.as_url().clone(), final_url, status, headers, body);
        page.redirects = hops;
        page.timings = Timings { ttfb_ms: ttfb as f64, total_ms: total as f64 };
        page.decoded_bytes = raw.len() as u64;
        page.transferred_bytes = transferred;
        page.content_encoding = encoding;
        self.probe_extras(&mut page).await;
        Ok(page)
    }

    /// Best-effort auxiliary requests; their failures never fail the scan.
    async fn probe_extras(&self, page: &mut Page) {
        let aux_deadline = || now() + policy::AUX_BUDGET_MS;
        // Subresources: HEAD, same origin, a handful.
        for (url, kind) in policy::subresource_candidates(page, policy::MAX_SUBRESOURCES) {
            let Ok(valid) = ssrf::validate(url.as_str()) else { continue };
            if let Ok((_, _, resp)) = self.follow(valid.as_url(), Method::Head, aux_deadline()).await {
                let headers = header_list(resp.headers());
                let transferred = headers.iter().find(|h| h.name == "content-length").and_then(|h| h.value.trim().parse().ok());
                page.subresources.push(Subresource { url: url.to_string(), kind: kind.to_string(), status: resp.status_code(), headers, transferred_bytes: transferred });
            }
        }
        let origin_url = |scheme: &str, path: &str| -> Option<Url> {
            let mut u = page.final_url.clone();
            u.set_scheme(scheme).ok()?;
            if scheme == "http" && u.port() == Some(443) {
                u.set_port(None).ok()?;
            }
            u.set_path(path);
            u.set_query(None);
            Some(u)
        };
        // The http:// form: does it redirect to https?
        if let Some(http) = origin_url("http", "/").and_then(|u| ssrf::validate(u.as_str()).ok()) {
            page.http_probe = Some(match self.follow(http.as_url(), Method::Get, aux_deadline()).await {
                Ok((mut hops, last, resp)) => {
                    hops.push(Hop { url: last.to_string(), status: resp.status_code(), location: None });
                    HttpProbe { hops, final_url: Some(last.to_string()) }
                }
                Err(_) => HttpProbe { hops: vec![], final_url: None },
            });
        }
        // The first https response (HSTS is judged on it).
        if let Some(https) = origin_url("https", page.requested_url.path()).and_then(|u| ssrf::validate(u.as_str()).ok()) {
            page.https_probe = Some(if https.as_url() == &page.requested_url && page.redirects.is_empty() {
                HttpsProbe::Response { url: https.as_str().to_string(), status: page.status, headers: page.headers.clone() }
            } else {
                match self.request(Method::Head, https.as_url(), policy::AUX_BUDGET_MS).await {
                    Ok(resp) => HttpsProbe::Response { url: https.as_str().to_string(), status: resp.status_code(), headers: header_list(resp.headers()) },
                    Err(_) => HttpsProbe::Unreachable,
                }
            });
        }
        // CORS: does the page answer a foreign Origin by trusting it?
        if let Ok(target) = ssrf::validate(page.final_url.as_str()) {
            let origin = [("origin", policy::CORS_PROBE_ORIGIN)];
            if let Ok(resp) = self.request_with(Method::Head, target.as_url(), policy::AUX_BUDGET_MS, &origin).await {
                page.cors_preflight = Some(CorsPreflight {
                    origin: Some(policy::CORS_PROBE_ORIGIN.to_string()),
                    status: resp.status_code(),
                    headers: header_list(resp.headers()),
                });
            }
        }
        if let Some(st) = origin_url(page.final_url.scheme(), "/.well-known/security.txt").and_then(|u| ssrf::validate(u.as_str()).ok()) {
            if let Ok(resp) = self.request(Method::Get, st.as_url(), policy::AUX_BUDGET_MS).await {
                page.security_txt_status = Some(resp.status_code());
            }
        }
    }
}
