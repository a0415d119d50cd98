//! SSRF conformance: runs the shared payload lists through `ssrf::validate`,
//! the same function the Worker and the fetcher call.
//!
//! Run: `cargo test --test ssrf_conformance -- --nocapture`

use audit_worker::domain::ssrf::{validate, Rejection};
use std::path::PathBuf;

/// Checks that must pass (every non-DNS check passed when set). Only ever raised.
const FLOOR_PASSED: usize = 1084;

const DNS_MARKER: &str = " # dns";

fn data_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/ssrf");
    assert!(
        dir.is_dir(),
        "shared SSRF conformance data missing at {} — refusing to pass silently",
        dir.display()
    );
    dir
}

fn read(name: &str) -> String {
    let path = data_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: Vec<String>,
    skipped: Vec<String>,
}

impl Tally {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if ok {
            self.passed += 1;
        } else {
            self.failed.push(what());
        }
    }
    fn report(&self, suite: &str) {
        eprintln!(
            "[{suite}] {} passed, {} failed, {} skipped",
            self.passed,
            self.failed.len(),
            self.skipped.len()
        );
        for f in &self.failed {
            eprintln!("  FAIL {f}");
        }
    }
}

fn describe(r: &Result<audit_worker::domain::ssrf::TargetUrl, Rejection>) -> String {
    match r {
        Ok(t) => format!("accepted as {}", t.as_str()),
        Err(e) => format!("rejected: {}", e.message()),
    }
}

/// Same rendering as the `rust_url_host` field of the annotated file.
fn rust_url_host(input: &str) -> String {
    match url::Url::parse(input) {
        Err(e) => format!("ERR:{e}"),
        Ok(u) => match u.host() {
            None => "none".to_string(),
            Some(url::Host::Domain(d)) => format!("domain:{d}"),
            Some(url::Host::Ipv4(a)) => format!("ipv4:{a}"),
            Some(url::Host::Ipv6(a)) => format!("ipv6:{a}"),
        },
    }
}

fn kind(r: &Rejection) -> &'static str {
    match r {
        Rejection::Empty => "empty",
        Rejection::TooLong => "too-long",
        Rejection::Malformed => "malformed",
        Rejection::Scheme => "scheme",
        Rejection::Port => "port",
        Rejection::BlockedHost(_) => "blocked-host",
    }
}

/// The rejection kind the annotation's reason implies. Input that the WHATWG
/// parser would silently repair (tabs, newlines, edge spaces) is refused as
/// malformed by policy before its host is even looked at.
fn expected_kind(url: &str, reason: &str) -> Option<&'static str> {
    if url.trim() != url || url.chars().any(|c| c.is_ascii_control()) {
        return Some("malformed");
    }
    let head = reason.split(['(', ':', ',']).next().unwrap_or("");
    match head {
        "invalid-url" => Some("malformed"),
        "scheme-not-http" => Some("scheme"),
        "v4-blocked" | "v6-special-range" | "special-use-name" => Some("blocked-host"),
        _ => None,
    }
}

#[test]
fn ssrf_conformance() {
    let mut total = Tally::default();
    let mut dns_passing_syntax = Vec::new();
    let mut dns_refused_by_name = Vec::new();

    // 1. ssrf-payloads.txt: plain lines must be refused by validate alone.
    let mut txt = Tally::default();
    let payloads = read("ssrf-payloads.txt");
    for line in payloads.lines().filter(|l| !l.trim().is_empty()) {
        if let Some(url) = line.strip_suffix(DNS_MARKER) {
            let r = validate(url);
            if r.is_ok() {
                dns_passing_syntax.push(url.to_string());
            } else {
                dns_refused_by_name.push(format!("{url} ({})", describe(&r)));
            }
            txt.skipped.push(format!("{url}: needs DNS resolution (`# dns`)"));
            continue;
        }
        let r = validate(line);
        txt.check(r.is_err(), || format!("{line:?} must be rejected, {}", describe(&r)));
    }
    txt.report("ssrf-payloads.txt");
    eprintln!(
        "  `# dns` lines: {} pass validate syntactically (must be refused after DoH), {} already refused by name:",
        dns_passing_syntax.len(),
        dns_refused_by_name.len()
    );
    for d in &dns_refused_by_name {
        eprintln!("    refused by name: {d}");
    }
    for d in &dns_passing_syntax {
        eprintln!("    passes syntax:   {d}");
    }

    // 2. ssrf-must-allow.txt: public hosts hidden behind parser tricks.
    let mut allow = Tally::default();
    for line in read("ssrf-must-allow.txt").lines().filter(|l| !l.trim().is_empty()) {
        let r = validate(line);
        allow.check(r.is_ok(), || format!("{line:?} must be accepted, {}", describe(&r)));
    }
    allow.report("ssrf-must-allow.txt");

    // 3. annotated jsonl: verdicts plus a sanity check of the parser's host.
    let mut ann = Tally::default();
    let mut hosts = Tally::default();
    let mut kinds = Tally::default();
    for (n, line) in read("ssrf-payloads.annotated.jsonl").lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("annotated line {}: bad JSON: {e}", n + 1));
        let Some(url) = v.get("url").and_then(|x| x.as_str()) else {
            panic!("annotated line {}: no url", n + 1);
        };
        let expect = v.get("expect").and_then(|x| x.as_str()).unwrap_or("");

        if let Some(want) = v.get("rust_url_host").and_then(|x| x.as_str()) {
            let got = rust_url_host(url);
            hosts.check(got == want, || format!("{url:?}: url crate host {got:?}, annotated {want:?}"));
        } else {
            hosts.skipped.push(format!("{url:?}: no rust_url_host field"));
        }

        let r = validate(url);
        if let (Err(got), Some(reason)) = (&r, v.get("reason").and_then(|x| x.as_str())) {
            if expect == "reject" {
                let want = expected_kind(url, reason);
                let got_kind = kind(got);
                kinds.check(want == Some(got_kind), || {
                    format!("{url:?}: annotated {reason:?}, ours {got:?}")
                });
            }
        }
        match expect {
            "reject" => ann.check(r.is_err(), || format!("{url:?} must be rejected, {}", describe(&r))),
            "allow" => ann.check(r.is_ok(), || format!("{url:?} must be accepted, {}", describe(&r))),
            "reject-after-dns" => ann.skipped.push(format!("{url:?}: needs DNS resolution")),
            other => ann.skipped.push(format!("{url:?}: unknown expect {other:?}")),
        }
    }
    ann.report("ssrf-payloads.annotated.jsonl");
    hosts.report("annotated rust_url_host sanity");
    kinds.report("annotated reason vs rejection kind");

    for t in [&txt, &allow, &ann, &hosts, &kinds] {
        total.passed += t.passed;
        total.failed.extend(t.failed.iter().cloned());
        total.skipped.extend(t.skipped.iter().cloned());
    }
    let dns_skips = total.skipped.iter().filter(|s| s.contains("DNS")).count();
    println!(
        "ssrf conformance: {} passed, {} failed, {} skipped",
        total.passed,
        total.failed.len(),
        total.skipped.len()
    );
    println!(
        "  skip reasons: {dns_skips} need DNS resolution (checked by the fetcher via DoH + blocked_ip), {} other",
        total.skipped.len() - dns_skips
    );
    for s in total.skipped.iter().filter(|s| !s.contains("DNS")) {
        println!("    {s}");
    }

    assert!(total.failed.is_empty(), "{} SSRF conformance failures", total.failed.len());
    assert!(total.passed >= FLOOR_PASSED, "passed {} < floor {FLOOR_PASSED}", total.passed);
}
