//! `audit run`: runs a scan through the API, waits for it (progress on
//! stderr), prints the summary, the comparison with the baseline and the
//! gate (stdout), and exits by the gate: 0 passed or no gate, 1 gate failed
//! or scan failed, 2 usage, I/O or API errors.
use audit_worker::domain::gate::Gate;
use serde_json::{json, Value};
use std::io::Write;
use std::time::{Duration, Instant};

const USAGE: &str = "usage: audit run --api URL --org ID --project ID --url TARGET [options]

  --api URL              API base, e.g. https://app.krafter.dev/api/v1 (a bare origin gets /api/v1)
  --org ID               organization id (UUID)
  --project ID           project id
  --url TARGET           the URL to scan
  --gate JSON            gate for this scan, e.g. '{\"fail_on\":\"high\",\"new_only\":true}'
                         (without it the project's default gate applies, if any)
  --idempotency-key K    makes retries of the same request start one scan
  --trigger T            manual (default), scheduled or post_deploy
  --sarif FILE           also write the scan's SARIF (with baselineState) to FILE
  --timeout SECS         how long to wait for the scan (default 600)
  --poll SECS            seconds between status checks (default 2)

The API key is read from AUDIT_API_KEY.
Exit status: 0 gate passed or no gate, 1 gate failed or scan failed, 2 usage, I/O or API error.";

#[derive(Debug, Default, PartialEq)]
pub struct Opts {
    pub api: String,
    pub org: String,
    pub project: String,
    pub url: String,
    pub gate: Option<Value>,
    pub idempotency_key: Option<String>,
    pub trigger: String,
    pub sarif: Option<String>,
    pub timeout: Duration,
    pub poll: Duration,
}

/// Parses the arguments after `run`. Err is the message for stderr.
pub fn parse(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts { trigger: "manual".into(), timeout: Duration::from_secs(600), poll: Duration::from_secs(2), ..Opts::default() };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        if name == "--help" || name == "-h" {
            return Err(String::new());
        }
        let mut value = || inline.clone().or_else(|| it.next().cloned()).ok_or_else(|| format!("{name} needs a value"));
        match name {
            "--api" => o.api = value()?,
            "--org" => o.org = value()?,
            "--project" => o.project = value()?,
            "--url" => o.url = value()?,
            "--gate" => {
                let text = value()?;
                let v: Value = serde_json::from_str(&text).map_err(|e| format!("--gate is not JSON: {e}"))?;
                // Checked here as the API checks it, so a typo fails fast.
                Gate::parse(&v, "").map_err(|d| format!("--gate: {}", Value::Object(d)))?;
                o.gate = Some(v);
            }
            "--idempotency-key" => o.idempotency_key = Some(value()?),
            "--trigger" => {
                let t = value()?;
                if !["manual", "scheduled", "post_deploy"].contains(&t.as_str()) {
                    return Err("--trigger must be manual, scheduled or post_deploy".into());
                }
                o.trigger = t;
            }
            "--sarif" => o.sarif = Some(value()?),
            "--timeout" | "--poll" => {
                let secs: f64 = value()?.parse().map_err(|_| format!("{name} must be a number of seconds"))?;
                if !(secs > 0.0 && secs <= 86_400.0) {
                    return Err(format!("{name} must be between 0 and 86400 seconds"));
                }
                let d = Duration::from_secs_f64(secs);
                if name == "--timeout" {
                    o.timeout = d
                } else {
                    o.poll = d
                }
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    for (v, name) in [(&o.api, "--api"), (&o.org, "--org"), (&o.project, "--project"), (&o.url, "--url")] {
        if v.is_empty() {
            return Err(format!("{name} is required"));
        }
    }
    o.api = api_base(&o.api)?;
    Ok(o)
}

/// The spec's base URL: as given, or with `/api/v1` for a bare origin.
fn api_base(api: &str) -> Result<String, String> {
    let u = url::Url::parse(api).map_err(|_| "--api must be an http(s) URL".to_string())?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err("--api must be an http(s) URL".into());
    }
    let base = api.trim_end_matches('/');
    Ok(if u.path() == "/" || u.path().is_empty() { format!("{base}/api/v1") } else { base.to_string() })
}

/// An API failure worth a message and exit status 2.
struct Failure(String);

struct Client {
    agent: ureq::Agent,
    key: String,
    base: String,
}

impl Client {
    /// Sends a request; answers (status, body text). Transport errors are retried
    /// twice (a CI runner's network blips), 429 waits for `retry-after`.
    fn call(&self, method: &str, path: &str, body: Option<&Value>, headers: &[(&str, &str)]) -> Result<(u16, String), Failure> {
        let url = format!("{}{path}", self.base);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut req = self.agent.request(method, &url).set("authorization", &format!("Bearer {}", self.key));
            for (k, v) in headers {
                req = req.set(k, v);
            }
            let res = match body {
                Some(b) => req.set("content-type", "application/json").send_string(&b.to_string()),
                None => req.call(),
            };
            match res {
                Ok(r) => return Ok((r.status(), r.into_string().map_err(|e| Failure(format!("reading {url}: {e}")))?)),
                Err(ureq::Error::Status(429, r)) if attempt <= 5 => {
                    let wait = r.header("retry-after").and_then(|s| s.parse::<u64>().ok()).unwrap_or(5).clamp(1, 120);
                    eprintln!("rate limited; retrying in {wait}s");
                    std::thread::sleep(Duration::from_secs(wait));
                }
                Err(ureq::Error::Status(code, r)) => return Ok((code, r.into_string().unwrap_or_default())),
                Err(ureq::Error::Transport(t)) if attempt <= 2 => {
                    eprintln!("{method} {url}: {t}; retrying");
                    std::thread::sleep(Duration::from_secs(2));
                }
                Err(ureq::Error::Transport(t)) => return Err(Failure(format!("{method} {url}: {t}"))),
            }
        }
    }

    /// The `data` of a 2xx JSON answer, else a failure naming the error envelope.
    fn data(&self, method: &str, path: &str, body: Option<&Value>, headers: &[(&str, &str)]) -> Result<Value, Failure> {
        let (status, text) = self.call(method, path, body, headers)?;
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if (200..300).contains(&status) {
            return Ok(v.get("data").cloned().unwrap_or(Value::Null));
        }
        let e = &v["error"];
        let detail = if e.is_object() {
            format!("{} {}{}", e["code"].as_str().unwrap_or("error"), e["message"].as_str().unwrap_or(""), match e.get("details") {
                Some(d) if !d.is_null() => format!(" {d}"),
                _ => String::new(),
            })
        } else {
            text.chars().take(300).collect()
        };
        Err(Failure(format!("{method} {path}: HTTP {status}: {detail}")))
    }
}

pub fn main(args: &[String]) -> i32 {
    let opts = match parse(args) {
        Ok(o) => o,
        Err(msg) if msg.is_empty() => {
            println!("{USAGE}");
            return 0;
        }
        Err(msg) => {
            eprintln!("audit run: {msg}\n\n{USAGE}");
            return 2;
        }
    };
    let key = match std::env::var("AUDIT_API_KEY") {
        Ok(k) if !k.trim().is_empty() => k.trim().to_string(),
        _ => {
            eprintln!("audit run: set AUDIT_API_KEY to an API key with audit:read and audit:write");
            return 2;
        }
    };
    let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(30)).build();
    let base = format!("{}/orgs/{}/projects/{}/audit", opts.api, opts.org, opts.project);
    let client = Client { agent, key, base };
    match run(&client, &opts) {
        Ok(code) => code,
        Err(Failure(msg)) => {
            eprintln!("audit run: {msg}");
            2
        }
    }
}

fn run(c: &Client, o: &Opts) -> Result<i32, Failure> {
    let mut body = json!({ "url": o.url, "trigger": o.trigger });
    if let Some(g) = &o.gate {
        body["gate"] = g.clone();
    }
    let headers: Vec<(&str, &str)> = o.idempotency_key.as_deref().map(|k| ("idempotency-key", k)).into_iter().collect();
    let created = c.data("POST", "/scans/run", Some(&body), &headers)?;
    let id = created["id"].as_str().ok_or_else(|| Failure("Run Scan answered without an id".into()))?.to_string();
    eprintln!("scan {id} queued");
    let started = Instant::now();
    let mut last = "queued".to_string();
    let mut dots = false;
    let scan = loop {
        let s = c.data("GET", &format!("/scans/{id}"), None, &[])?;
        let status = s["status"].as_str().unwrap_or("").to_string();
        if status == "completed" || status == "failed" {
            break s;
        }
        if status != last {
            eprintln!("{}scan {id} {status}", if dots { "\n" } else { "" });
            dots = false;
            last = status;
        } else {
            eprint!(".");
            dots = true;
            let _ = std::io::stderr().flush();
        }
        if started.elapsed() > o.timeout {
            return Err(Failure(format!("scan {id} did not finish within {}s (still {last})", o.timeout.as_secs())));
        }
        std::thread::sleep(o.poll);
    };
    eprintln!("{}scan {id} {} after {:.0}s", if dots { "\n" } else { "" }, scan["status"].as_str().unwrap_or(""), started.elapsed().as_secs_f64());
    if scan["status"] == "failed" {
        println!("scan {id} failed: {} {}", scan["error"]["code"].as_str().unwrap_or(""), scan["error"]["message"].as_str().unwrap_or(""));
        return Ok(1);
    }
    let cmp = c.data("GET", &format!("/scans/{id}/compare"), None, &[])?;
    print!("{}", report(&scan, &cmp));
    if let Some(path) = &o.sarif {
        let (status, text) = c.call("GET", &format!("/scans/{id}/findings.sarif"), None, &[])?;
        if status != 200 {
            return Err(Failure(format!("GET findings.sarif: HTTP {status}")));
        }
        std::fs::write(path, text).map_err(|e| Failure(format!("writing {path}: {e}")))?;
        println!("SARIF written to {path}");
    }
    Ok(match scan["gate"]["passed"].as_bool() {
        Some(false) => 1,
        _ => 0,
    })
}

/// The text printed for a completed scan: summary, comparison, gate.
pub fn report(scan: &Value, cmp: &Value) -> String {
    let mut out = String::new();
    let s = &scan["summary"];
    let id = scan["id"].as_str().unwrap_or("");
    out.push_str(&format!("scan {id} completed: {} findings, security {} ({})\n", s["total"], s["security_grade"].as_str().unwrap_or("?"), s["security_score"]));
    for d in ["security", "performance", "accessibility"] {
        let n = |sev: &str| s[d][sev].as_u64().unwrap_or(0);
        out.push_str(&format!(
            "  {d:<14} critical {} high {} medium {} low {} info {}\n",
            n("critical"),
            n("high"),
            n("medium"),
            n("low"),
            n("info")
        ));
    }
    let count = |k: &str| cmp[k].as_array().map(Vec::len).unwrap_or(0);
    match cmp["base_scan_id"].as_str() {
        Some(b) => out.push_str(&format!(
            "compared with {b}: {} new, {} fixed, {} changed, {} unchanged; security {} -> {}\n",
            count("new"),
            count("fixed"),
            count("changed"),
            count("unchanged"),
            cmp["security"]["base"]["grade"].as_str().unwrap_or("?"),
            cmp["security"]["scan"]["grade"].as_str().unwrap_or("?"),
        )),
        None => out.push_str(&format!("no baseline (first completed scan of this URL): {} new\n", count("new"))),
    }
    let line = |out: &mut String, mark: &str, f: &Value, extra: String| {
        out.push_str(&format!(
            "  {mark} {:<8} {:<32} {}{extra}\n",
            f["severity"].as_str().unwrap_or(""),
            f["rule_id"].as_str().unwrap_or(""),
            f["title"].as_str().unwrap_or("")
        ));
    };
    if cmp["base_scan_id"].is_string() {
        for f in cmp["new"].as_array().into_iter().flatten().take(20) {
            line(&mut out, "+", f, String::new());
        }
        for f in cmp["fixed"].as_array().into_iter().flatten().take(20) {
            line(&mut out, "-", f, String::new());
        }
        for f in cmp["changed"].as_array().into_iter().flatten().take(20) {
            let what = match f["severity_changed"].as_bool() {
                Some(true) => format!(" (was {})", f["previous_severity"].as_str().unwrap_or("")),
                _ => " (evidence changed)".to_string(),
            };
            line(&mut out, "~", f, what);
        }
    }
    let gate = &scan["gate"];
    if gate.is_null() {
        out.push_str("gate: none\n");
        return out;
    }
    let passed = gate["passed"].as_bool().unwrap_or(false);
    out.push_str(&format!(
        "gate ({} {}): {}\n",
        gate["source"].as_str().unwrap_or("request"),
        gate["conditions"],
        if passed { "passed" } else { "FAILED" }
    ));
    // Titles for the finding ids a reason names, from the comparison.
    let titles: std::collections::HashMap<&str, &Value> = ["new", "unchanged", "changed"]
        .iter()
        .flat_map(|k| cmp[*k].as_array().into_iter().flatten())
        .filter_map(|f| Some((f["id"].as_str()?, f)))
        .collect();
    for r in gate["reasons"].as_array().into_iter().flatten() {
        out.push_str(&format!("  {}: {}\n", r["condition"].as_str().unwrap_or(""), r["message"].as_str().unwrap_or("")));
        for fid in r["finding_ids"].as_array().into_iter().flatten().filter_map(Value::as_str).take(20) {
            match titles.get(fid) {
                Some(f) => line(&mut out, "!", f, format!(" [{fid}]")),
                None => out.push_str(&format!("    ! {fid}\n")),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }
    const REQ: [&str; 8] = ["--api", "http://127.0.0.1:8787", "--org", "o", "--project", "p", "--url", "https://example.com"];

    #[test]
    fn parses_options() {
        let mut a = args(&REQ);
        a.extend(args(&["--gate", r#"{"fail_on":"high"}"#, "--idempotency-key=k1", "--trigger", "post_deploy", "--timeout", "30"]));
        let o = parse(&a).expect("valid");
        assert_eq!(o.api, "http://127.0.0.1:8787/api/v1");
        assert_eq!(o.gate, Some(json!({"fail_on": "high"})));
        assert_eq!(o.idempotency_key.as_deref(), Some("k1"));
        assert_eq!(o.trigger, "post_deploy");
        assert_eq!(o.timeout, Duration::from_secs(30));
        let mut b = args(&REQ);
        b[1] = "https://app.krafter.dev/api/v1/".into();
        assert_eq!(parse(&b).expect("valid").api, "https://app.krafter.dev/api/v1");
    }

    #[test]
    fn refuses_bad_usage() {
        assert!(parse(&args(&REQ[..6])).expect_err("no url").contains("--url"));
        let bad = |extra: &[&str]| {
            let mut a = args(&REQ);
            a.extend(args(extra));
            parse(&a).expect_err("invalid")
        };
        assert!(bad(&["--gate", "{"]).contains("not JSON"));
        assert!(bad(&["--gate", r#"{"fail_onn":"high"}"#]).contains("fail_onn"));
        assert!(bad(&["--trigger", "cron"]).contains("--trigger"));
        assert!(bad(&["--nope"]).contains("unknown option"));
        assert!(bad(&["--timeout", "-1"]).contains("--timeout"));
        assert!(bad(&["--sarif"]).contains("needs a value"));
        assert_eq!(parse(&args(&["--help"])), Err(String::new()));
    }

    #[test]
    fn report_shows_comparison_and_reasons() {
        let scan = json!({"id": "S", "summary": {"total": 2, "security_grade": "B", "security_score": 70},
            "gate": {"passed": false, "source": "request", "conditions": {"max_new": 0},
                     "reasons": [{"condition": "max_new", "message": "1 new finding since the baseline, more than 0", "finding_ids": ["f1"]}]}});
        let cmp = json!({"base_scan_id": "B", "new": [{"id": "f1", "severity": "high", "rule_id": "image-alt", "title": "Images need alt"}],
            "fixed": [], "unchanged": [], "security": {"scan": {"grade": "B"}, "base": {"grade": "C"}},
            "changed": [{"id": "f2", "severity": "high", "rule_id": "a", "title": "A", "previous_severity": "low", "severity_changed": true},
                        {"id": "f3", "severity": "low", "rule_id": "b", "title": "B", "previous_severity": "low", "severity_changed": false}]});
        let r = report(&scan, &cmp);
        assert!(r.contains("compared with B: 1 new, 0 fixed, 2 changed"), "{r}");
        assert!(r.contains("security C -> B"), "{r}");
        assert!(r.contains("FAILED"), "{r}");
        assert!(r.contains("! high     image-alt"), "{r}");
        assert!(r.contains("~ high     a") && r.contains("(was low)"), "{r}");
        assert!(r.contains("B (evidence changed)"), "{r}");
        let none = report(&json!({"id": "S", "summary": {}, "gate": null}), &json!({"base_scan_id": null, "new": []}));
        assert!(none.contains("gate: none") && none.contains("no baseline"), "{none}");
    }
}
