//! The guarded fetcher: every hop validated by the SSRF module, every
//! hostname checked over DNS-over-HTTPS before any connection, manual
//! redirects (at most 5), time budgets, a streamed body cap (a body past it
//! fails the scan: no page is ever analysed cut short). GET and HEAD, and
//! OPTIONS for the CORS preflight.
//! Policy lives in `crate::scanner::fetchpolicy` and `crate::scanner::scanlimits`; this file
//! is the I/O.
//!
//! After the main document, the auxiliary requests (subresource HEADs, the
//! http:// and https:// probes, the CORS preflight, security.txt) all run at
//! once under one shared deadline, so a far-away origin costs about two
//! round trips beyond the main document rather than one per request. Every
//! fetch and DoH query is counted against the scan's subrequest budget;
//! auxiliary requests that do not fit are skipped and counted.
use crate::edge::config::Config;
use crate::scanner::fetchpolicy::{self as policy, FetchError};
use crate::scanner::overrides::HostOverrides;
use crate::scanner::page::budget::Stepwise;
use crate::scanner::page::{CorsPreflight, Header, Hop, HttpProbe, HttpsProbe, Page, Subresource, Timings, LIMITS};
use crate::scanner::scanlimits::{SubrequestBudget, DOH_PER_HOST, SCAN_SUBREQUESTS};
use crate::scanner::slots::Slots;
use crate::domain::ssrf::{self, TargetUrl};
use futures::future::{join, join_all, select, Either, FutureExt, LocalBoxFuture, Shared};
use futures::StreamExt;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;
use url::Url;
use worker::{AbortController, Date, Delay, Fetch, Headers, Method, Request, RequestInit, RequestRedirect, Response, ResponseBody};


/// Bytes of HTML parsed between two yields of the thread (see [`yield_now`]).
const PARSE_SLICE_BYTES: usize = 512 * 1024;

/// Hands the thread back to the isolate's event loop (a zero-delay timer,
/// not a microtask, so pending I/O callbacks run). Parsing and the rules are
/// synchronous: without this, one scan of a big page holds every other scan
/// in the batch (their fetches, their deadlines) until it is done.
pub async fn yield_now() {
    worker::Delay::from(std::time::Duration::ZERO).await;
}

/// Why a request did not happen: the fetch failed, or the scan's subrequest
/// budget had no room for it.
#[derive(Debug, Clone)]
enum Failure {
    Fetch(FetchError),
    OverBudget,
}

impl From<FetchError> for Failure {
    fn from(e: FetchError) -> Self {
        Failure::Fetch(e)
    }
}

impl Failure {
    /// The main document cannot run out of budget (`MAIN_MAX_SUBREQUESTS`
    /// fits), but if it ever did the scan fails with a verdict, not a retry.
    fn into_main_error(self) -> FetchError {
        match self {
            Failure::Fetch(e) => e,
            Failure::OverBudget => FetchError {
                code: "too_many_redirects",
                message: format!("The scan's budget of {SCAN_SUBREQUESTS} requests ran out on the main document."),
                transient: false,
            },
        }
    }
}

/// An auxiliary request's outcome.
enum Aux<T> {
    Done(T),
    Failed,
    /// Not made (or cut short) for want of subrequest budget.
    Skipped,
}

type DnsCheck = Shared<LocalBoxFuture<'static, Result<(), Failure>>>;

pub struct Fetcher<'a> {
    cfg: &'a Config,
    overrides: HostOverrides,
    /// DNS checks by hostname for this scan. Shared futures: concurrent
    /// requests to one host wait for one lookup, later ones reuse its answer.
    dns: RefCell<HashMap<String, DnsCheck>>,
    budget: Rc<SubrequestBudget>,
    /// Connection slots by the server connected to (host and port, after
    /// any development override): see `scanner::slots`.
    slots: RefCell<HashMap<String, Rc<Slots>>>,
    /// A site scan's page other than its start URL: redirects off this
    /// origin are not followed, and the origin-level probes (http://,
    /// security.txt), judged once on the start URL, are left out.
    site_origin: Option<Url>,
}

fn now() -> u64 {
    Date::now().as_millis()
}

fn header_list(h: &Headers) -> Vec<Header> {
    // Fetch's Headers iterator yields each Set-Cookie line separately.
    h.entries().map(|(name, value)| Header { name: name.to_ascii_lowercase(), value }).collect()
}

/// Lets go of a body we will not read, so its connection is released now
/// rather than when the response is collected: an invocation has 6
/// simultaneous connections, shared by every scan of the batch.
fn discard_body(resp: &Response) {
    if let ResponseBody::Stream(stream) = resp.body() {
        let _ = stream.cancel();
    }
}

/// An auxiliary response read into plain data, its body let go at once.
///
/// A response holds one of the invocation's 6 simultaneous connections
/// until its body is read or cancelled (or the object is collected), and
/// the runtime queues every request past six. An auxiliary response whose
/// body stayed unread until the whole wave was done held its connection
/// for that long: behind a server that closes each connection (HTTP/1.0,
/// `Connection: close`), the requests past the sixth started about a
/// second late (tests/integration/timings.test.mjs).
struct Reply {
    status: u16,
    headers: Vec<Header>,
}

impl Reply {
    fn of(resp: Response) -> Reply {
        let reply = Reply { status: resp.status_code(), headers: header_list(resp.headers()) };
        discard_body(&resp);
        reply
    }
}

/// A timer this late fired after the isolate was busy, not on time.
const LATE_TIMER_MS: u64 = 50;

/// The end of a phase (the main document, or the auxiliary requests), shared
/// by its requests. It only moves when a timer fires late (see `until`).
struct Deadline(Cell<u64>);

impl Deadline {
    fn after(ms: u64) -> Rc<Deadline> {
        Rc::new(Deadline(Cell::new(now() + ms)))
    }
    fn at(&self) -> u64 {
        self.0.get()
    }
    fn passed(&self) -> bool {
        self.at() <= now()
    }
}

/// Awaits `fut` until the deadline; None when time ran out first.
///
/// The scans of a batch share one thread: while one analyses its page (CPU,
/// no awaits), the others' responses and timers wait. A timer that fires
/// late measured the neighbour's analysis, not the network, so the time it
/// overslept is given back to the phase. The extensions add up to at most
/// the invocation's CPU time, which the lease already allows for
/// (`scanlimits::longest_scan_ms`).
async fn until<F: Future>(fut: F, deadline: &Deadline) -> Option<F::Output> {
    let mut fut = Box::pin(fut);
    loop {
        let at = deadline.at();
        let wait = at.saturating_sub(now()).max(1);
        match select(fut, Box::pin(Delay::from(Duration::from_millis(wait)))).await {
            Either::Left((out, _)) => return Some(out),
            Either::Right((_, pending)) => {
                let late = now().saturating_sub(at);
                if late < LATE_TIMER_MS {
                    if deadline.passed() {
                        return None;
                    }
                } else {
                    // Concurrent requests that overslept together extend it once.
                    deadline.0.set(deadline.at().max(now() + late));
                }
                fut = pending;
            }
        }
    }
}

/// Sends `req`, aborting it if no response arrives by the deadline.
async fn timed(req: Request, deadline: &Deadline) -> Result<Response, FetchError> {
    if deadline.passed() {
        return Err(FetchError::timeout("The time budget ran out."));
    }
    let budget_ms = deadline.at().saturating_sub(now());
    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Fetch::Request(req);
    match until(fetch.send_with_signal(&signal), deadline).await {
        Some(Ok(resp)) => Ok(resp),
        Some(Err(e)) => Err(FetchError::unreachable(format!("Connection failed: {e}"))),
        None => {
            controller.abort();
            Err(FetchError::timeout(format!("No response within {budget_ms} ms.")))
        }
    }
}

/// One DoH query (A or AAAA), within the phase's deadline.
async fn doh_query(doh_url: &str, host: &str, rtype: &str, deadline: &Deadline) -> Result<policy::DohAnswer, FetchError> {
    let mut u = Url::parse(doh_url).map_err(|_| FetchError::dns("DOH_URL is not a URL."))?;
    u.query_pairs_mut().append_pair("name", host).append_pair("type", rtype);
    let headers = Headers::new();
    let _ = headers.set("accept", "application/dns-json");
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_headers(headers);
    let req = Request::new_with_init(u.as_str(), &init).map_err(|e| FetchError::dns(e.to_string()))?;
    let mut resp = timed(req, deadline).await.map_err(|e| FetchError::dns(format!("DNS-over-HTTPS: {}", e.message)))?;
    if resp.status_code() != 200 {
        return Err(FetchError::dns(format!("DNS-over-HTTPS answered {}.", resp.status_code())));
    }
    let body = until(resp.text(), deadline)
        .await
        .ok_or_else(|| FetchError::dns("DNS-over-HTTPS answer did not arrive in time."))?
        .map_err(|e| FetchError::dns(e.to_string()))?;
    policy::parse_doh(&body)
}

/// Resolves `host` (A and AAAA at once) and refuses it if any answer is not public.
async fn lookup(doh_url: String, host: String, deadline: Rc<Deadline>, budget: Rc<SubrequestBudget>) -> Result<(), Failure> {
    if !budget.try_take(DOH_PER_HOST) {
        return Err(Failure::OverBudget);
    }
    let (a, aaaa) = join(doh_query(&doh_url, &host, "A", &deadline), doh_query(&doh_url, &host, "AAAA", &deadline)).await;
    // One family's SERVFAIL beside usable addresses of the other is not a
    // failure; every other doubtful answer is (see fetchpolicy::combine_answers).
    let ips = policy::combine_answers(a?, aaaa?)?;
    policy::check_answers(&host, &ips)?;
    Ok(())
}

impl<'a> Fetcher<'a> {
    pub fn new(cfg: &'a Config) -> Self {
        let (overrides, _errors) = HostOverrides::parse(&cfg.host_overrides);
        Fetcher {
            cfg,
            overrides,
            dns: RefCell::new(HashMap::new()),
            budget: Rc::new(SubrequestBudget::new(SCAN_SUBREQUESTS)),
            slots: RefCell::new(HashMap::new()),
            site_origin: None,
        }
    }

    /// For a site scan's page other than its start URL (see `site_origin`).
    pub fn within_site(mut self, origin: Url) -> Self {
        self.site_origin = Some(origin);
        self
    }

    /// A small resource of the crawl (robots.txt, a sitemap): GET, redirects
    /// followed (each hop through the guard), body capped at `cap` bytes.
    pub async fn fetch_resource(&self, target: &TargetUrl, cap: usize) -> Result<(u16, Vec<Header>, Vec<u8>), FetchError> {
        let deadline = Deadline::after(self.cfg.scan_budget_ms);
        let (_, _, mut resp) = self.follow(target.as_url(), Method::Get, &deadline, None).await.map_err(Failure::into_main_error)?;
        let headers = header_list(resp.headers());
        let status = resp.status_code();
        if status != 200 {
            discard_body(&resp);
            return Ok((status, headers, Vec::new()));
        }
        let body = self.read_capped_at(&mut resp, &deadline, cap).await?;
        Ok((status, headers, body))
    }

    /// Subrequests made, and auxiliary requests skipped for want of budget.
    pub fn subrequests(&self) -> (u32, u32) {
        (self.budget.used(), self.budget.skipped())
    }

    /// Checks every A/AAAA answer for the URL's hostname (IP literals were
    /// judged by the validator). Each name is looked up once per scan.
    async fn check_dns(&self, url: &Url, deadline: &Rc<Deadline>) -> Result<(), Failure> {
        let host = match url.host() {
            Some(url::Host::Domain(host)) => host.to_ascii_lowercase(),
            Some(url::Host::Ipv4(ip)) => return ssrf::blocked_ip(ip.into()).map_or(Ok(()), |w| Err(FetchError::blocked(w).into())),
            Some(url::Host::Ipv6(ip)) => return ssrf::blocked_ip(ip.into()).map_or(Ok(()), |w| Err(FetchError::blocked(w).into())),
            None => return Err(FetchError::blocked("URL has no host.").into()),
        };
        let check = self
            .dns
            .borrow_mut()
            .entry(host.clone())
            .or_insert_with(|| lookup(self.cfg.doh_url.clone(), host, deadline.clone(), self.budget.clone()).boxed_local().shared())
            .clone();
        check.await
    }

    /// One request (no redirects followed), through the development host
    /// override when one applies.
    async fn request(&self, method: Method, url: &Url, deadline: &Rc<Deadline>) -> Result<Response, Failure> {
        self.request_with(method, url, deadline, &[]).await
    }

    async fn request_with(&self, method: Method, url: &Url, deadline: &Rc<Deadline>, extra: &[(&str, &str)]) -> Result<Response, Failure> {
        self.send(method, url, deadline, extra, None).await
    }

    /// A webhook delivery: one POST of `body` through the same guard as a
    /// scan (DNS-over-HTTPS check of every name, development overrides), no
    /// redirect followed. Returns the status, and the Location of a redirect.
    pub async fn post(&self, target: &TargetUrl, extra: &[(&str, &str)], body: &str, budget_ms: u64) -> Result<(u16, Option<String>), FetchError> {
        let deadline = Deadline::after(budget_ms);
        let resp = self.send(Method::Post, target.as_url(), &deadline, extra, Some(body)).await.map_err(Failure::into_main_error)?;
        let location = resp.headers().get("location").ok().flatten();
        discard_body(&resp);
        Ok((resp.status_code(), location))
    }

    async fn send(&self, method: Method, url: &Url, deadline: &Rc<Deadline>, extra: &[(&str, &str)], body: Option<&str>) -> Result<Response, Failure> {
        self.check_dns(url, deadline).await?;
        if !self.budget.try_take(1) {
            return Err(Failure::OverBudget);
        }
        let headers = Headers::new();
        for (k, v) in extra {
            let _ = headers.set(k, v);
        }
        let _ = headers.set("user-agent", policy::USER_AGENT);
        if body.is_none() {
            let _ = headers.set("accept", "text/html,application/xhtml+xml,*/*;q=0.8");
            let _ = headers.set("accept-encoding", "gzip, deflate, br");
        }
        let host = url.host_str().unwrap_or_default();
        let server = match self.overrides.lookup(host) {
            Some(addr) => addr.to_string(),
            None => format!("{host}:{}", url.port_or_known_default().unwrap_or(0)),
        };
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
        if let Some(b) = body {
            init.with_body(Some(wasm_bindgen::JsValue::from_str(b)));
        }
        let req = Request::new_with_init(&connect, &init).map_err(|e| FetchError::blocked(e.to_string()))?;
        let slots = self.slots.borrow_mut().entry(server).or_default().clone();
        // Held until the response's headers arrive: every caller reads or
        // cancels the body right after, before it next awaits.
        let _slot = Slots::take(slots).await;
        Ok(timed(req, deadline).await?)
    }

    /// Follows redirects by hand, re-validating each hop.
    async fn follow(&self, start: &Url, method: Method, deadline: &Rc<Deadline>, stay_on: Option<&Url>) -> Result<(Vec<Hop>, Url, Response), Failure> {
        let mut hops = Vec::new();
        let mut url = start.clone();
        loop {
            if deadline.passed() {
                return Err(FetchError::timeout("Time budget exhausted while following redirects.").into());
            }
            let resp = self.request(method.clone(), &url, deadline).await?;
            let status = resp.status_code();
            let location = resp.headers().get("location").ok().flatten();
            match (policy::is_redirect(status), location) {
                (true, Some(loc)) => {
                    discard_body(&resp);
                    hops.push(Hop { url: url.to_string(), status, location: Some(loc.clone()) });
                    if hops.len() > policy::MAX_REDIRECTS {
                        return Err(FetchError::too_many_redirects().into());
                    }
                    url = policy::resolve_redirect(&url, &loc)?.into_url();
                    if stay_on.is_some_and(|o| o.origin() != url.origin()) {
                        return Err(FetchError::off_origin(&url).into());
                    }
                }
                _ => return Ok((hops, url, resp)),
            }
        }
    }

    /// Reads the body as a stream, refusing more than the cap (decoded bytes,
    /// so a compression bomb stops at the cap too).
    async fn read_capped(&self, resp: &mut Response, deadline: &Deadline) -> Result<Vec<u8>, FetchError> {
        self.read_capped_at(resp, deadline, policy::MAX_BODY_BYTES).await
    }

    async fn read_capped_at(&self, resp: &mut Response, deadline: &Deadline, cap: usize) -> Result<Vec<u8>, FetchError> {
        read_stream_capped(resp, deadline, cap).await
    }

    /// Fetches the page and what the rules need around it. The main budget
    /// covers DNS checks, redirects and the body.
    pub async fn fetch_page(&self, target: &TargetUrl) -> Result<Page, FetchError> {
        let t0 = now();
        let deadline = Deadline::after(self.cfg.scan_budget_ms);
        let stay_on = self.site_origin.clone();
        let (hops, final_url, mut resp) =
            self.follow(target.as_url(), Method::Get, &deadline, stay_on.as_ref()).await.map_err(Failure::into_main_error)?;
        let ttfb = now().saturating_sub(t0);
        let headers = header_list(resp.headers());
        let status = resp.status_code();
        let raw = self.read_capped(&mut resp, &deadline).await?;
        let total = now().saturating_sub(t0);
        let content_type = headers.iter().find(|h| h.name == "content-type").map(|h| h.value.to_ascii_lowercase());
        let textual = content_type.as_deref().is_none_or(|ct| ct.contains("html") || ct.starts_with("text/") || ct.contains("xml"));
        let body = textual.then(|| String::from_utf8_lossy(&raw).into_owned());
        let transferred = headers.iter().find(|h| h.name == "content-length").and_then(|h| h.value.trim().parse().ok());
        let encoding = headers.iter().find(|h| h.name == "content-encoding").map(|h| h.value.clone());
        let t_parse = now();
        let parsed = match body.as_deref() {
            Some(b) if Page::parses_as_html(&headers) => {
                let mut parse = Stepwise::new(b, &LIMITS);
                while parse.step(PARSE_SLICE_BYTES) {
                    yield_now().await;
                }
                Some(parse.finish())
            }
            _ => None,
        };
        let mut page = Page::from_parsed(target.as_url().clone(), final_url, status, headers, body, parsed);
        let parse = now().saturating_sub(t_parse);
        page.redirects = hops;
        page.decoded_bytes = raw.len() as u64;
        page.transferred_bytes = transferred;
        page.content_encoding = encoding;
        let t_aux = now();
        self.probe_extras(&mut page).await;
        let aux = now().saturating_sub(t_aux);
        page.timings = Timings { ttfb_ms: ttfb as f64, total_ms: total as f64, parse_ms: parse as f64, aux_ms: aux as f64 };
        Ok(page)
    }

    /// An auxiliary request with redirects followed, read into a `Reply`.
    async fn follow_reply(&self, t: &TargetUrl, method: Method, deadline: &Rc<Deadline>) -> Result<(Vec<Hop>, Url, Reply), Failure> {
        let (hops, last, resp) = self.follow(t.as_url(), method, deadline, None).await?;
        Ok((hops, last, Reply::of(resp)))
    }

    /// One auxiliary request (no redirect followed), read into a `Reply`.
    async fn once_reply(&self, t: &TargetUrl, method: Method, deadline: &Rc<Deadline>, extra: &[(&str, &str)]) -> Result<Reply, Failure> {
        self.request_with(method, t.as_url(), deadline, extra).await.map(Reply::of)
    }

    /// Runs one auxiliary request, sorting its outcome.
    async fn aux<T>(&self, fut: impl Future<Output = Result<T, Failure>>) -> Aux<T> {
        match fut.await {
            Ok(v) => Aux::Done(v),
            Err(Failure::OverBudget) => {
                self.budget.note_skipped();
                Aux::Skipped
            }
            Err(Failure::Fetch(_)) => Aux::Failed,
        }
    }

    /// Best-effort auxiliary requests, all at once; their failures never fail
    /// the scan. The probes come first so that, when the budget runs short,
    /// subresource HEADs are what gets skipped.
    async fn probe_extras(&self, page: &mut Page) {
        let deadline = Deadline::after(policy::AUX_BUDGET_MS);
        let deadline = &deadline;
        let origin_url = |scheme: &str, path: &str| -> Option<TargetUrl> {
            let mut u = page.final_url.clone();
            u.set_scheme(scheme).ok()?;
            if scheme == "http" && u.port() == Some(443) {
                u.set_port(None).ok()?;
            }
            u.set_path(path);
            u.set_query(None);
            ssrf::validate(u.as_str()).ok()
        };
        let origin_level = self.site_origin.is_none();
        let http_target = origin_url("http", "/").filter(|_| origin_level);
        // The first https response (HSTS is judged on it): the page itself
        // when it was requested over https and answered without a redirect.
        let https_target = origin_url("https", page.requested_url.path());
        let https_is_page = https_target.as_ref().is_some_and(|t| t.as_url() == &page.requested_url) && page.redirects.is_empty();
        let cors_target = ssrf::validate(page.final_url.as_str()).ok();
        let security_txt = origin_url(page.final_url.scheme(), "/.well-known/security.txt").filter(|_| origin_level);
        let subresources: Vec<(Url, &'static str, TargetUrl)> = policy::subresource_candidates(page, policy::MAX_SUBRESOURCES)
            .into_iter()
            .filter_map(|(url, kind)| ssrf::validate(url.as_str()).ok().map(|t| (url, kind, t)))
            .collect();

        // Each response is read into a `Reply` the moment it arrives, so its
        // connection is free for the next request (see `Reply`).
        let follow = |t, method| self.follow_reply(t, method, deadline);
        let once = |t, method, extra| self.once_reply(t, method, deadline, extra);
        const PREFLIGHT: [(&str, &str); 2] = [("origin", policy::CORS_PROBE_ORIGIN), ("access-control-request-method", "GET")];
        let http_probe = async {
            let t = http_target.as_ref()?;
            Some(self.aux(follow(t, Method::Get)).await)
        };
        let https_probe = async {
            let t = https_target.as_ref().filter(|_| !https_is_page)?;
            Some(self.aux(once(t, Method::Head, &[])).await)
        };
        let cors = async {
            let t = cors_target.as_ref()?;
            Some(self.aux(once(t, Method::Options, &PREFLIGHT)).await)
        };
        let sec_txt = async {
            let t = security_txt.as_ref()?;
            Some(self.aux(once(t, Method::Get, &[])).await)
        };
        let subs = join_all(subresources.iter().map(|(_, _, t)| self.aux(follow(t, Method::Head))));
        let (((http, https), (cors, sec_txt)), subs) = join(join(join(http_probe, https_probe), join(cors, sec_txt)), subs).await;

        match http {
            Some(Aux::Done((mut hops, last, reply))) => {
                hops.push(Hop { url: last.to_string(), status: reply.status, location: None });
                page.http_probe = Some(HttpProbe { hops, final_url: Some(last.to_string()) });
            }
            Some(Aux::Failed) => page.http_probe = Some(HttpProbe { hops: vec![], final_url: None }),
            Some(Aux::Skipped) | None => {}
        }
        if let Some(t) = &https_target {
            let url = t.as_str().to_string();
            page.https_probe = match https {
                _ if https_is_page => Some(HttpsProbe::Response { url, status: page.status, headers: page.headers.clone() }),
                Some(Aux::Done(reply)) => Some(HttpsProbe::Response { url, status: reply.status, headers: reply.headers }),
                Some(Aux::Failed) => Some(HttpsProbe::Unreachable),
                Some(Aux::Skipped) | None => None,
            };
        }
        if let Some(Aux::Done(reply)) = cors {
            page.cors_preflight = Some(CorsPreflight { origin: Some(policy::CORS_PROBE_ORIGIN.to_string()), status: reply.status, headers: reply.headers });
        }
        if let Some(Aux::Done(reply)) = sec_txt {
            page.security_txt_status = Some(reply.status);
        }
        for ((url, kind, _), outcome) in subresources.iter().zip(subs) {
            if let Aux::Done((_, _, Reply { status, headers })) = outcome {
                let transferred = headers.iter().find(|h| h.name == "content-length").and_then(|h| h.value.trim().parse().ok());
                page.subresources.push(Subresource { url: url.to_string(), kind: kind.to_string(), status, headers, transferred_bytes: transferred });
            }
        }
    }
}

/// Reads a body as a stream, refusing more than `cap` bytes.
async fn read_stream_capped(resp: &mut Response, deadline: &Deadline, cap: usize) -> Result<Vec<u8>, FetchError> {
    let mut stream = resp.stream().map_err(|e| FetchError::unreachable(e.to_string()))?;
    let mut body = Vec::new();
    loop {
        match until(stream.next(), deadline).await {
            Some(Some(Ok(chunk))) => {
                body.extend_from_slice(&chunk);
                if body.len() > cap {
                    return Err(FetchError::too_large());
                }
            }
            Some(Some(Err(e))) => return Err(FetchError::unreachable(format!("Body read failed: {e}"))),
            Some(None) => return Ok(body),
            None => return Err(FetchError::timeout("The body did not arrive within the time budget.")),
        }
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The runtime's `DecompressionStream` (declared here: web-sys has it
    /// only behind its unstable-APIs flag).
    type DecompressionStream;
    #[wasm_bindgen::prelude::wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, wasm_bindgen::JsValue>;
    /// A `ReadableStream`, seen through `pipeThrough` (web-sys types it for
    /// a `ReadableWritablePair` only).
    type PipeSource;
    #[wasm_bindgen::prelude::wasm_bindgen(method, js_name = pipeThrough)]
    fn pipe_through(this: &PipeSource, transform: &DecompressionStream) -> worker::web_sys::ReadableStream;
}

/// Inflates a gzip body (a `.xml.gz` sitemap) with the runtime's streams,
/// refusing more than `cap` decompressed bytes, so a gzip bomb stops there.
pub async fn gunzip_capped(gz: &[u8], cap: usize, budget_ms: u64) -> Result<Vec<u8>, FetchError> {
    let bad = |e: wasm_bindgen::JsValue| FetchError { code: "bad_gzip", message: format!("{e:?}"), transient: false };
    let mut input = gz.to_vec();
    let source = worker::web_sys::Response::new_with_opt_u8_array(Some(&mut input)).map_err(bad)?;
    let body = source.body().ok_or_else(|| bad(wasm_bindgen::JsValue::from_str("no body")))?;
    use wasm_bindgen::JsCast;
    let inflated = body.unchecked_into::<PipeSource>().pipe_through(&DecompressionStream::new("gzip").map_err(bad)?);
    let out = worker::web_sys::Response::new_with_opt_readable_stream(Some(&inflated)).map_err(bad)?;
    let mut resp = Response::from(out);
    let deadline = Deadline::after(budget_ms);
    read_stream_capped(&mut resp, &deadline, cap).await
}
