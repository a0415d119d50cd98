//! The page model: everything the fetcher observed about one scanned URL,
//! with the HTML parsed once so rules query a tree instead of re-scanning text.
//! No I/O here: the Worker's fetcher fills it, tests build it by hand. Plain
//! data: what rules derive from it is built by their analysis context.
use scraper::Html;
use url::Url;

pub mod budget;
pub mod node_map;
pub use budget::{LimitHit, Limits, LIMITS};

/// One HTTP response header. Names are lower-case; repeated headers
/// (notably `set-cookie`) stay as separate entries, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// One redirect hop: the URL requested, the status it answered, and where it pointed.
#[derive(Debug, Clone, PartialEq)]
pub struct Hop {
    pub url: String,
    pub status: u16,
    pub location: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timings {
    /// Time from the first request to the final response's headers, redirects included.
    pub ttfb_ms: f64,
    /// Time from the first request until the body was read (or the cap hit).
    pub total_ms: f64,
    /// Time spent parsing the body into the document (CPU, for the scan log).
    pub parse_ms: f64,
    /// Time spent on the auxiliary requests after the document (probes,
    /// subresource HEADs), all in one wave: for the scan log.
    pub aux_ms: f64,
}

/// A same-origin (or referenced) subresource the fetcher looked at.
#[derive(Debug, Clone, PartialEq)]
pub struct Subresource {
    pub url: String,
    /// `script`, `stylesheet`, `image`, `font`, `other`.
    pub kind: String,
    pub status: u16,
    pub headers: Vec<Header>,
    /// Bytes as transferred (content-length when known), if fetched.
    pub transferred_bytes: Option<u64>,
}

/// Result of requesting the `http://` form of an https URL, to judge the redirect to https.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpProbe {
    pub hops: Vec<Hop>,
    /// The final URL reached (None when the probe failed to connect).
    pub final_url: Option<String>,
}

/// The first response to the `https://` form of the scanned URL, before any
/// redirect. HSTS is judged on it: browsers only honour the header from a
/// response they received over https, on the host that sent it.
#[derive(Debug, Clone, PartialEq)]
pub enum HttpsProbe {
    Response { url: String, status: u16, headers: Vec<Header> },
    /// Nothing answered over https. A certificate the runtime refuses ends
    /// here too: `fetch()` fails without saying why, so there is no
    /// separate invalid-certificate state.
    Unreachable,
}

/// The answer to the CORS preflight the fetcher sends to the final URL, as the
/// Observatory does: `OPTIONS` with an `Origin` the site does not know
/// (`fetchpolicy::CORS_PROBE_ORIGIN`) and `Access-Control-Request-Method: GET`.
#[derive(Debug, Clone, PartialEq)]
pub struct CorsPreflight {
    /// The `Origin` header that was sent (None when none was).
    pub origin: Option<String>,
    pub status: u16,
    pub headers: Vec<Header>,
}


#[derive(Debug)]
pub struct Page {
    /// The URL the user submitted.
    pub requested_url: Url,
    /// The URL of the final response after redirects.
    pub final_url: Url,
    pub status: u16,
    pub headers: Vec<Header>,
    pub redirects: Vec<Hop>,
    pub timings: Timings,
    pub transferred_bytes: Option<u64>,
    pub decoded_bytes: u64,
    pub content_encoding: Option<String>,
    /// The decoded body as text, when it was text and valid UTF-8 (or decoded lossily).
    pub body: Option<String>,
    /// Parsed HTML, when the response was HTML (only as far as the work
    /// budget allowed: see `limits_hit`).
    html: Option<Html>,
    /// The budget limits this page went past; empty for every real page.
    /// When not empty, `html` holds the document up to the point where the
    /// limit was hit, and rules that read it report `page_too_complex`.
    pub limits_hit: Vec<LimitHit>,
    /// Bytes of the body the parsed document was built from.
    pub parsed_bytes: usize,
    pub http_probe: Option<HttpProbe>,
    pub subresources: Vec<Subresource>,
    /// Status of `/.well-known/security.txt`, when it was checked.
    pub security_txt_status: Option<u16>,
    /// First response of the `https://` form of the URL, when probed.
    pub https_probe: Option<HttpsProbe>,
    /// The CORS preflight answer, when probed.
    pub cors_preflight: Option<CorsPreflight>,
}

impl Page {
    /// Builds a page from a response body, parsing it when it is HTML.
    /// Used by the Worker after fetching and by tests and the conformance runner.
    pub fn from_response(
        requested_url: Url,
        final_url: Url,
        status: u16,
        headers: Vec<Header>,
        body: Option<String>,
    ) -> Page {
        let parsed = match body.as_deref() {
            Some(b) if Self::parses_as_html(&headers) => Some(budget::parse(b, &LIMITS)),
            _ => None,
        };
        Self::from_parsed(requested_url, final_url, status, headers, body, parsed)
    }

    /// Whether a response with these headers has its body parsed as HTML
    /// (a missing or empty content type counts as HTML).
    pub fn parses_as_html(headers: &[Header]) -> bool {
        headers
            .iter()
            .find(|h| h.name == "content-type")
            .map(|h| {
                let v = h.value.to_ascii_lowercase();
                v.contains("html") || v.trim().is_empty()
            })
            .unwrap_or(true)
    }

    /// A page from a response whose body was already parsed (the Worker
    /// parses in slices, see [`budget::Stepwise`]).
    pub fn from_parsed(
        requested_url: Url,
        final_url: Url,
        status: u16,
        headers: Vec<Header>,
        body: Option<String>,
        parsed: Option<budget::Parsed>,
    ) -> Page {
        let (html, limits_hit, parsed_bytes) = match parsed {
            Some(p) => (Some(p.html), p.limits_hit, p.parsed_bytes),
            None => (None, Vec::new(), 0),
        };
        let decoded_bytes = body.as_ref().map(|b| b.len() as u64).unwrap_or(0);
        Page {
            requested_url,
            final_url,
            status,
            headers,
            redirects: Vec::new(),
            timings: Timings::default(),
            transferred_bytes: None,
            decoded_bytes,
            content_encoding: None,
            body,
            html,
            limits_hit,
            parsed_bytes,
            http_probe: None,
            subresources: Vec::new(),
            security_txt_status: None,
            https_probe: None,
            cors_preflight: None,
        }
    }

    /// Convenience for tests and the conformance runner: an HTML page at `url`
    /// served with status 200 and the given headers.
    pub fn html_at(url: &str, headers: &[(&str, &str)], body: &str) -> Page {
        let u = Url::parse(url).unwrap_or_else(|_| Url::parse("https://example.com/").expect("static url")); // ok: static literal
        let mut hs: Vec<Header> = headers
            .iter()
            .map(|(n, v)| Header { name: n.to_ascii_lowercase(), value: (*v).to_string() })
            .collect();
        if !hs.iter().any(|h| h.name == "content-type") {
            hs.push(Header { name: "content-type".into(), value: "text/html; charset=utf-8".into() });
        }
        Page::from_response(u.clone(), u, 200, hs, Some(body.to_string()))
    }

    /// The first header with this (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|h| h.name == name).map(|h| h.value.as_str())
    }

    /// Every header with this (lower-case) name, in order.
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers.iter().filter(move |h| h.name == name).map(|h| h.value.as_str())
    }

    /// The parsed HTML document, when the response was HTML. Rules read it
    /// through their analysis context (`rules::dom::Analysis::html`), which
    /// records the read.
    pub fn document(&self) -> Option<&Html> {
        self.html.as_ref()
    }

    /// Forgets the parsed document (tests of non-HTML responses).
    pub fn drop_document(&mut self) {
        self.html = None;
    }

    pub fn is_https(&self) -> bool {
        self.final_url.scheme() == "https"
    }
}
