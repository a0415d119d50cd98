//! MDN HTTP Observatory conformance: every case of
//! `shared/conformance/observatory/cases.json` is turned into a `Page` and run
//! through the same rule code the Worker uses; the result code (and whatever
//! else the upstream test asserts) is compared with the expectation.
//!
//! Run with `cargo test --test conformance_observatory -- --nocapture`.
use audit_worker::scanner::page::{CorsPreflight, Header, Hop, HttpProbe, HttpsProbe, Page};
use audit_worker::scanner::rules::security::{cookies, csp, grade, headers, isolation, transport};
use audit_worker::scanner::rules::{self, Outcome, RuleResult};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Cases that must pass, of all 239 (raise it, never lower it). Today 234
/// passed, 1 failed, 4 skipped. content-security-policy/094 fails: it asserts
/// upstream's intersected `data` where a policy lacking script-src does not
/// fall back to its default-src 'none'; we follow browsers (scripts are
/// blocked, so script-src is 'none'). The result code still matches. Skipped
/// (see `needs_what_the_worker_lacks`): 3 cases need the HSTS preload list
/// and 1 a certificate verdict, neither of which the Worker can get.
const FLOOR_PASSED: usize = 234;
const MAX_SKIPPED: usize = 4;
const CASES: usize = 239;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/observatory")
}

fn read(path: &PathBuf) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("conformance data missing: {}: {e}", path.display()))
}

/// Deep-merges `over` into `base`; header maps merge with names compared case-insensitively.
fn merge(base: &mut Value, over: &Value, key: &str) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                if key == "headers" {
                    let existing: Vec<String> = b.keys().filter(|bk| bk.eq_ignore_ascii_case(k)).cloned().collect();
                    for e in existing {
                        b.remove(&e);
                    }
                    b.insert(k.clone(), v.clone());
                } else if v.is_object() && b.get(k).map(Value::is_object).unwrap_or(false) {
                    if let Some(bv) = b.get_mut(k) {
                        merge(bv, v, k);
                    }
                } else {
                    b.insert(k.clone(), v.clone());
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

fn header_lines(h: Option<&Value>) -> Vec<Header> {
    let mut out = Vec::new();
    if let Some(Value::Object(m)) = h {
        for (name, v) in m {
            let name = name.to_ascii_lowercase();
            match v {
                Value::Array(a) => {
                    for x in a {
                        out.push(Header { name: name.clone(), value: x.as_str().unwrap_or_default().to_string() });
                    }
                }
                Value::String(s) => out.push(Header { name, value: s.clone() }),
                other => out.push(Header { name, value: other.to_string() }),
            }
        }
    }
    out
}

/// Inputs the suite has and the Worker cannot get: such a case is skipped
/// with the reason, and stays in the count.
fn needs_what_the_worker_lacks(case: &Value) -> Option<&'static str> {
    let exp = &case["expected"];
    let preloaded = matches!(exp["result"].as_str(), Some("hsts-preloaded" | "redirection-all-redirects-preloaded"))
        || exp["preloaded"].as_bool() == Some(true);
    if preloaded {
        return Some("needs the HSTS preload list (the Worker has no copy of it)");
    }
    if case["input"]["responses"]["https"]["verified"].as_bool() == Some(false) {
        return Some("needs a certificate verdict (fetch() fails without saying why)");
    }
    None
}

fn status_of(r: &Value) -> u16 {
    r["status"].as_u64().unwrap_or(200) as u16
}

/// The http:// chain `[{url,status}]` as the fetcher's probe would record it.
fn http_probe(http: &Value, chain: &[Value], fallback: &str) -> HttpProbe {
    if http.is_null() {
        return HttpProbe { hops: vec![], final_url: None };
    }
    let urls: Vec<(String, u16)> = chain
        .iter()
        .map(|h| (h["url"].as_str().unwrap_or_default().to_string(), h["status"].as_u64().unwrap_or(0) as u16))
        .collect();
    if urls.is_empty() {
        return HttpProbe { hops: vec![], final_url: Some(fallback.to_string()) };
    }
    let n = urls.len();
    let hops = urls[..n - 1]
        .iter()
        .enumerate()
        .map(|(i, (u, s))| Hop { url: u.clone(), status: *s, location: Some(urls[i + 1].0.clone()) })
        .collect();
    HttpProbe { hops, final_url: Some(urls[n - 1].0.clone()) }
}

fn https_probe(r: &Value, url: &str) -> HttpsProbe {
    // A refused certificate looks like no answer to the Worker (see needs_what_the_worker_lacks).
    if r.is_null() || r["verified"].as_bool() == Some(false) {
        HttpsProbe::Unreachable
    } else {
        HttpsProbe::Response { url: url.to_string(), status: status_of(r), headers: header_lines(r.get("headers")) }
    }
}

fn cors(r: &Value, origin_key: &str) -> Option<CorsPreflight> {
    if r.is_null() {
        return None;
    }
    let origin = r[origin_key].as_object().and_then(|m| m.iter().find(|(k, _)| k.eq_ignore_ascii_case("origin"))).and_then(|(_, v)| v.as_str()).map(str::to_string);
    Some(CorsPreflight { origin, status: status_of(r), headers: header_lines(r.get("headers")) })
}

/// Builds the page for a case: defaults + input overrides.
fn case_page(defaults: &Value, input: &Value) -> Page {
    let mut d = defaults.clone();
    merge(&mut d, input, "");
    let site = d["site"].as_str().unwrap_or("mozilla.org").to_string();
    let mut url = url::Url::parse(d["session_url"].as_str().unwrap_or("https://mozilla.org/")).expect("session url");
    let _ = url.set_host(Some(&site));
    let auto = &d["responses"]["auto"];
    let mut hs = header_lines(auto.get("headers"));
    for c in d["cookies"].as_array().into_iter().flatten() {
        hs.push(Header { name: "set-cookie".into(), value: c.as_str().unwrap_or_default().to_string() });
    }
    let body = match d["html_file"].as_str() {
        Some(f) => read(&data_dir().join("mdn-http-observatory").join(f)),
        None => d["body"].as_str().unwrap_or_default().to_string(),
    };
    let mut page = Page::from_response(url.clone(), url.clone(), status_of(auto), hs, Some(body));
    let chain = d["http_redirects"].as_array().cloned().unwrap_or_default();
    page.http_probe = Some(http_probe(&d["responses"]["http"], &chain, &format!("http://{site}/")));
    page.https_probe = Some(https_probe(&d["responses"]["https"], url.as_str()));
    page.cors_preflight = cors(&d["responses"]["cors"], "request_headers");
    page
}

/// Builds the page for an end-to-end capture (`test/fixtures/*.json`).
fn fixture_page(f: &Value) -> Page {
    let url = url::Url::parse(f["session"]["url"].as_str().unwrap_or_default()).expect("fixture url");
    let r = &f["responses"];
    let body = f["resources"]["path"].as_str().map(str::to_string);
    let mut page = Page::from_response(url.clone(), url.clone(), status_of(&r["auto"]), header_lines(r["auto"].get("headers")), body);
    let chain = r["httpRedirects"].as_array().cloned().unwrap_or_default();
    page.http_probe = Some(http_probe(&r["http"], &chain, url.as_str()));
    page.https_probe = Some(https_probe(&r["https"], url.as_str()));
    page.cors_preflight = cors(&r["cors"], "request");
    page
}

fn code_of(o: &Outcome) -> Option<String> {
    grade::outcome_code(o).map(str::to_string)
}

fn run_rule(id: &str, page: &Page) -> Result<Outcome, String> {
    let rule = rules::by_id(id).ok_or_else(|| format!("no rule {id}"))?;
    Ok(rule.check_page(page))
}

fn sorted(v: &Value) -> Vec<String> {
    let mut s: Vec<String> = v.as_array().into_iter().flatten().filter_map(|x| x.as_str().map(str::to_string)).collect();
    s.sort();
    s.dedup();
    s
}

fn cmp<T: PartialEq + std::fmt::Debug>(errs: &mut Vec<String>, what: &str, got: T, want: T) {
    if got != want {
        errs.push(format!("{what}: got {got:?}, want {want:?}"));
    }
}

fn csp_flag(f: &csp::PolicyFlags, name: &str) -> Option<bool> {
    Some(match name {
        "unsafeInline" => f.unsafe_inline,
        "unsafeEval" => f.unsafe_eval,
        "unsafeInlineStyle" => f.unsafe_inline_style,
        "insecureSchemeActive" => f.insecure_scheme_active,
        "insecureSchemePassive" => f.insecure_scheme_passive,
        "defaultNone" => f.default_none,
        "strictDynamic" => f.strict_dynamic,
        "antiClickjacking" => f.anti_clickjacking,
        "insecureBaseUri" => f.insecure_base_uri,
        "insecureFormAction" => f.insecure_form_action,
        "unsafeObjects" => f.unsafe_objects,
        _ => return None,
    })
}

/// Checks the per-test extras the upstream test asserts.
fn extras(test: &str, page: &Page, exp: &Map<String, Value>, errs: &mut Vec<String>) {
    match test {
        "content-security-policy" => {
            let a = csp::analyze(&audit_worker::scanner::rules::analysis(page));
            if let Some(n) = exp.get("numPolicies").and_then(Value::as_u64) {
                cmp(errs, "numPolicies", a.num_policies as u64, n);
            }
            if let Some(b) = exp.get("http").and_then(Value::as_bool) {
                cmp(errs, "http", a.http, b);
            }
            if let Some(b) = exp.get("meta").and_then(Value::as_bool) {
                cmp(errs, "meta", a.meta, b);
            }
            if let Some(Value::Object(p)) = exp.get("policy") {
                let flags = a.policy.clone().unwrap_or_default();
                for (k, v) in p {
                    match csp_flag(&flags, k) {
                        Some(got) => cmp(errs, &format!("policy.{k}"), got, v.as_bool().unwrap_or(false)),
                        None => errs.push(format!("unknown flag {k}")),
                    }
                }
            }
            if let Some(Value::Object(data)) = exp.get("data") {
                let got = a.data.clone().unwrap_or_default();
                for (k, v) in data {
                    let mut g = got.get(k).cloned().unwrap_or_default();
                    g.sort();
                    cmp(errs, &format!("data.{k}"), g, sorted(v));
                }
            }
        }
        "strict-transport-security" => {
            let a = transport::analyze_hsts(&audit_worker::scanner::rules::analysis(page));
            let a = a.as_ref();
            if let Some(n) = exp.get("maxAge").and_then(Value::as_i64) {
                cmp(errs, "maxAge", a.and_then(|a| a.max_age), Some(n));
            }
            // `preloaded: true` cases are skipped; false is what the Worker always reports.
            for (k, f) in [("includeSubDomains", 0), ("preload", 1), ("preloaded", 2)] {
                if let Some(b) = exp.get(k).and_then(Value::as_bool) {
                    let got = a.map(|a| [a.include_subdomains, a.preload, false][f]).unwrap_or(false);
                    cmp(errs, k, got, b);
                }
            }
        }
        "referrer-policy" => {
            let (_, data) = headers::referrer_policy(&audit_worker::scanner::rules::analysis(page));
            if let Some(d) = exp.get("data").and_then(Value::as_str) {
                cmp(errs, "data", data.as_deref(), Some(d));
            }
            let http = page.headers.iter().any(|h| h.name == "referrer-policy");
            if let Some(b) = exp.get("http").and_then(Value::as_bool) {
                cmp(errs, "http", http, b);
            }
        }
        "cross-origin-resource-policy" => {
            if let Some(d) = exp.get("data").and_then(Value::as_str) {
                cmp(errs, "data", isolation::corp_code(&audit_worker::scanner::rules::analysis(page)).1.as_deref(), Some(d));
            }
        }
        "redirection" => {
            if let Some(r) = exp.get("route") {
                let want: Vec<String> = r.as_array().into_iter().flatten().filter_map(|x| x.as_str().map(str::to_string)).collect();
                cmp(errs, "route", transport::http_route(&audit_worker::scanner::rules::analysis(page)).unwrap_or_default(), want);
            }
        }
        "cookies" => {
            if let Some(Value::Object(m)) = exp.get("data_samesite") {
                let a = cookies::analyze(&audit_worker::scanner::rules::analysis(page));
                for (name, v) in m {
                    let got = a.cookies.iter().find(|c| &c.name == name).and_then(|c| c.same_site.clone());
                    cmp(errs, &format!("samesite[{name}]"), got, v.as_str().map(str::to_string));
                }
            }
            if let Some(b) = exp.get("sameSite").and_then(Value::as_bool) {
                let got = cookies::analyze(&audit_worker::scanner::rules::analysis(page)).code == "cookies-secure-with-httponly-sessions-and-samesite";
                cmp(errs, "sameSite", got, b);
            }
        }
        "cross-origin-resource-sharing" => {
            if let Some(d) = exp.get("data").and_then(Value::as_str) {
                let h = page.cors_preflight.as_ref().map(|c| c.headers.clone()).unwrap_or_default();
                let got = h.iter().find(|x| x.name == "access-control-allow-origin").map(|x| x.value.trim().to_ascii_lowercase());
                cmp(errs, "data", got.as_deref(), Some(d));
            }
        }
        _ => {}
    }
}

/// Runs one case; Ok(()) on pass, Err(reasons) on failure.
fn run_case(case: &Value, defaults: &Value) -> Result<(), Vec<String>> {
    let test = case["test"].as_str().unwrap_or_default();
    let input = &case["input"];
    let exp = case["expected"].as_object().cloned().unwrap_or_default();
    let derived = &case["derived"];
    let mut errs = Vec::new();
    match test {
        "csp-parser" => {
            let pols: Vec<&str> = input["policies"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            let r = csp::parse_policies(&pols);
            if let Some(t) = exp.get("throws").and_then(Value::as_bool) {
                cmp(&mut errs, "throws", r.is_err(), t);
            }
            if let Ok((map, dups)) = &r {
                if let Some(Value::Object(m)) = exp.get("map") {
                    let want: BTreeMap<String, Vec<String>> = m.iter().map(|(k, v)| (k.clone(), sorted(v))).collect();
                    let got: BTreeMap<String, Vec<String>> = map
                        .iter()
                        .map(|(k, v)| {
                            let mut v = v.clone();
                            v.sort();
                            (k.clone(), v)
                        })
                        .collect();
                    cmp(&mut errs, "map", got, want);
                }
                if let Some(d) = exp.get("duplicate_warnings") {
                    cmp(&mut errs, "duplicate_warnings", dups.clone(), sorted(d));
                }
            }
        }
        "grade" => {
            let raw = input["raw_score"].as_i64().unwrap_or(0) as i32;
            let (score, g) = grade::grade_for_score(raw);
            cmp(&mut errs, "score", score as i64, exp.get("score").and_then(Value::as_i64).unwrap_or(-1));
            cmp(&mut errs, "grade", g, exp.get("grade").and_then(Value::as_str).unwrap_or(""));
        }
        "scan" => {
            let f: Value = serde_json::from_str(&read(&data_dir().join("mdn-http-observatory").join(input["fixture"].as_str().unwrap_or_default())))
                .map_err(|e| vec![format!("fixture: {e}")])?;
            let page = fixture_page(&f);
            let results: Vec<RuleResult> = grade::OBSERVATORY_TESTS
                .iter()
                .filter_map(|id| rules::by_id(id))
                .map(|rule| RuleResult { rule, outcome: rule.check_page(&page) })
                .collect();
            for r in &results {
                let want = derived["tests"][r.rule.id]["result"].as_str();
                cmp(&mut errs, r.rule.id, code_of(&r.outcome).as_deref(), want);
            }
            let (score, g) = grade::observatory_grade(&results);
            cmp(&mut errs, "score", score as i64, exp.get("score").and_then(Value::as_i64).unwrap_or(-1));
            cmp(&mut errs, "grade", g, exp.get("grade").and_then(Value::as_str).unwrap_or(""));
            let passed = results.iter().filter(|r| matches!(r.outcome, Outcome::Pass { .. })).count() as u64;
            cmp(&mut errs, "testsPassed", passed, exp.get("testsPassed").and_then(Value::as_u64).unwrap_or(0));
        }
        _ => {
            let page = case_page(defaults, input);
            let outcome = run_rule(test, &page).map_err(|e| vec![e])?;
            let got = code_of(&outcome);
            let want = exp.get("result").and_then(Value::as_str).or_else(|| derived["result"].as_str());
            if let Some(w) = want {
                cmp(&mut errs, "result", got.as_deref(), Some(w));
            }
            if let Some(not) = exp.get("result_not").and_then(Value::as_str) {
                if got.as_deref() == Some(not) {
                    errs.push(format!("result must not be {not}"));
                }
            }
            if let Some(p) = exp.get("pass").and_then(Value::as_bool) {
                cmp(&mut errs, "pass", matches!(outcome, Outcome::Pass { .. }), p);
            }
            if let Some(m) = exp.get("scoreModifier").and_then(Value::as_i64) {
                cmp(&mut errs, "scoreModifier", got.as_deref().and_then(grade::modifier).map(i64::from), Some(m));
            }
            extras(test, &page, &exp, &mut errs);
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(errs)
    }
}

#[test]
fn observatory_conformance() {
    let all: Value = serde_json::from_str(&read(&data_dir().join("cases.json"))).expect("cases.json parses");
    let defaults = &all["defaults"];
    let cases = all["cases"].as_array().expect("cases array");
    // test → (passed, failed, skipped)
    let mut per: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let (mut pass, mut fail, mut skip) = (0usize, 0usize, 0usize);
    let mut skip_reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for case in cases {
        let test = case["test"].as_str().unwrap_or("?").to_string();
        let id = case["id"].as_str().unwrap_or("?");
        let entry = per.entry(test).or_default();
        if let Some(why) = needs_what_the_worker_lacks(case) {
            entry.2 += 1;
            skip += 1;
            *skip_reasons.entry(why).or_default() += 1;
            eprintln!("SKIP {id}: {why}");
            continue;
        }
        match run_case(case, defaults) {
            Ok(()) => {
                entry.0 += 1;
                pass += 1;
            }
            Err(reasons) => {
                entry.1 += 1;
                fail += 1;
                eprintln!("FAIL {id}: {}", reasons.join("; "));
            }
        }
    }
    eprintln!("\nobservatory conformance, per test (passed/failed/skipped):");
    for (t, (p, f, s)) in &per {
        eprintln!("  {t:<32} {p:>3} passed {f:>3} failed {s:>3} skipped");
    }
    eprintln!("\nskip reasons:");
    for (why, n) in &skip_reasons {
        eprintln!("  {n:>3} × {why}");
    }
    let total = pass + fail + skip;
    eprintln!("observatory: {pass} passed, {fail} failed, {skip} skipped of {total} (floor {FLOOR_PASSED} passed, at most {MAX_SKIPPED} skipped)");
    assert_eq!(total, CASES, "expected {CASES} cases");
    assert!(skip <= MAX_SKIPPED, "{skip} cases skipped, at most {MAX_SKIPPED}");
    assert!(pass >= FLOOR_PASSED, "{pass} of {total} cases passed, below the floor {FLOOR_PASSED}");
}
