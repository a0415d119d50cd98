//! `audit scan`'s output: text for people, JSON, SARIF (the API's own
//! builder, `api::sarif`) for code scanning, JUnit XML for CI test reporters.
use audit_worker::api::sarif;
use audit_worker::domain::model::{Domain, Severity};
use audit_worker::scanner::findings::{self, Finding, FindingStatus, Observation};
use serde_json::{json, Value};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Junit,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "text" => Some(Format::Text),
            "json" => Some(Format::Json),
            "sarif" => Some(Format::Sarif),
            "junit" => Some(Format::Junit),
            _ => None,
        }
    }
}

pub struct PageReport {
    pub path: String,
    pub url: String,
    pub rules_run: Vec<&'static str>,
    pub observations: Vec<Observation>,
    pub limits_hit: Vec<&'static str>,
}

pub struct Skipped {
    pub rule_id: &'static str,
    pub reason: &'static str,
}

pub struct Report {
    pub pages: Vec<PageReport>,
    pub skipped: Vec<Skipped>,
    pub fail_on: Option<Severity>,
    pub headers_given: bool,
    pub elapsed: Duration,
    pub threads: usize,
}

impl Report {
    fn all(&self) -> impl Iterator<Item = &Observation> {
        self.pages.iter().flat_map(|p| p.observations.iter())
    }

    /// A finding fails the gate when it is at least `--fail-on` severe.
    pub fn fails(&self, o: &Observation) -> bool {
        self.fail_on.is_some_and(|t| o.severity <= t)
    }

    pub fn failing(&self) -> usize {
        self.all().filter(|o| self.fails(o)).count()
    }

    pub fn passed(&self) -> bool {
        self.failing() == 0
    }

    pub fn pages_per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.pages.len() as f64 / secs
        } else {
            0.0
        }
    }

    pub fn speed_line(&self) -> String {
        format!(
            "scanned {} page{} in {:.3} s: {:.1} pages/s on {} thread{}",
            self.pages.len(),
            if self.pages.len() == 1 { "" } else { "s" },
            self.elapsed.as_secs_f64(),
            self.pages_per_second(),
            self.threads,
            if self.threads == 1 { "" } else { "s" }
        )
    }

    fn gate_json(&self) -> Value {
        json!({
            "fail_on": self.fail_on.map(Severity::as_str),
            "passed": self.passed(),
            "failing_findings": self.failing(),
        })
    }
}

pub fn render(r: &Report, f: Format) -> String {
    match f {
        Format::Text => text(r),
        Format::Json => format!("{:#}\n", to_json(r)),
        Format::Sarif => format!("{:#}\n", to_sarif(r)),
        Format::Junit => junit(r),
    }
}

/// The first element's line and selector, for a pointer into the file.
fn first_element(o: &Observation) -> Option<(Option<u64>, String)> {
    o.evidence.as_array()?.iter().find(|e| e.get("type").and_then(Value::as_str) == Some("element")).map(|e| {
        (e.get("line").and_then(Value::as_u64), e.get("selector").and_then(Value::as_str).unwrap_or_default().to_string())
    })
}

fn counts_line(obs: &[&Observation]) -> String {
    Severity::ALL.iter().map(|s| format!("{} {}", obs.iter().filter(|o| o.severity == *s).count(), s.as_str())).collect::<Vec<_>>().join(", ")
}

fn text(r: &Report) -> String {
    let mut out = String::new();
    for p in &r.pages {
        if p.observations.is_empty() {
            out.push_str(&format!("{}: no findings\n", p.path));
            continue;
        }
        out.push_str(&format!("{} ({} finding{})\n", p.path, p.observations.len(), if p.observations.len() == 1 { "" } else { "s" }));
        let mut obs: Vec<&Observation> = p.observations.iter().collect();
        obs.sort_by(|a, b| a.severity.cmp(&b.severity).then(b.score.cmp(&a.score)).then(a.rule_id.cmp(&b.rule_id)));
        for o in obs {
            let at = match first_element(o) {
                Some((Some(line), sel)) => format!("  line {line}: {sel}"),
                Some((None, sel)) => format!("  {sel}"),
                None => String::new(),
            };
            let more = if o.evidence_total > 1 { format!(" ({} places)", o.evidence_total) } else { String::new() };
            let mark = if r.fails(o) { "✗" } else { " " };
            out.push_str(&format!("  {mark} {:<8} {:<32} {}{more}{at}\n", o.severity.as_str(), o.rule_id, o.title));
        }
        if !p.limits_hit.is_empty() {
            out.push_str(&format!("  (past the analysis budget: {}; findings need review)\n", p.limits_hit.join(", ")));
        }
    }
    let all: Vec<&Observation> = r.all().collect();
    out.push_str(&format!("\n{} page{}, {} finding{}: {}\n", r.pages.len(), if r.pages.len() == 1 { "" } else { "s" }, all.len(), if all.len() == 1 { "" } else { "s" }, counts_line(&all)));
    if !r.skipped.is_empty() {
        let why = if r.headers_given { "need a live server" } else { "judge response headers (pass --header) or need a live server" };
        out.push_str(&format!("{} rules skipped: they {why}; `audit scan --list-rules` lists them\n", r.skipped.len()));
    }
    out.push_str(&match r.fail_on {
        None => "gate: none (--fail-on none)\n".to_string(),
        Some(t) if r.passed() => format!("gate: passed (no finding at {} or above)\n", t.as_str()),
        Some(t) => format!("gate: FAILED ({} finding{} at {} or above)\n", r.failing(), if r.failing() == 1 { "" } else { "s" }, t.as_str()),
    });
    out
}

fn summary(r: &Report) -> Value {
    let obs: Vec<Observation> = r.all().cloned().collect();
    findings::summary(&obs)
}

fn observation_json(o: &Observation) -> Value {
    json!({
        "rule_id": o.rule_id,
        "domain": o.domain.as_str(),
        "severity": o.severity.as_str(),
        "title": o.title,
        "description": o.description,
        "confidence": o.confidence,
        "priority": { "impact": o.impact, "effort": o.effort, "risk": o.risk, "score": o.score },
        "evidence": o.evidence,
        "evidence_total": o.evidence_total,
        "recommended_fix": o.recommended_fix,
        "references": o.references,
        "fingerprint": o.fingerprint,
    })
}

fn to_json(r: &Report) -> Value {
    json!({
        "tool": { "name": "audit", "version": env!("CARGO_PKG_VERSION") },
        "gate": r.gate_json(),
        "summary": summary(r),
        "pages": r.pages.iter().map(|p| json!({
            "path": p.path,
            "url": p.url,
            "rules_run": p.rules_run.len(),
            "limits_hit": p.limits_hit,
            "findings": p.observations.iter().map(observation_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "skipped_rules": r.skipped.iter().map(|s| json!({ "rule_id": s.rule_id, "reason": s.reason })).collect::<Vec<_>>(),
        "stats": {
            "pages": r.pages.len(),
            "elapsed_ms": (r.elapsed.as_secs_f64() * 1000.0).round(),
            "pages_per_second": (r.pages_per_second() * 10.0).round() / 10.0,
            "threads": r.threads,
        },
    })
}

fn to_sarif(r: &Report) -> Value {
    let findings: Vec<Finding> = r
        .all()
        .map(|o| Finding {
            id: o.fingerprint.clone(),
            org_id: String::new(),
            project_id: String::new(),
            obs: o.clone(),
            status: FindingStatus::New,
            owner_id: None,
            regressed: false,
            first_seen_scan_id: String::new(),
            last_seen_scan_id: String::new(),
            resolved_by_scan_id: None,
            created_at: 0,
            updated_at: 0,
            last_seen_at: 0,
        })
        .collect();
    let mut log = sarif::to_sarif(&findings, env!("CARGO_PKG_VERSION"));
    // Paths are relative to where the tool ran (the repository, in CI).
    if let Some(run) = log.get_mut("runs").and_then(|r| r.get_mut(0)) {
        run["invocations"] = json!([{ "executionSuccessful": true, "exitCode": if r.passed() { 0 } else { 1 } }]);
    }
    log
}

use audit_worker::domain::xml::text as xml;

fn details(o: &Observation) -> String {
    let mut s = format!("{}\n", o.description);
    for e in o.evidence.as_array().into_iter().flatten() {
        match e.get("type").and_then(Value::as_str) {
            Some("element") => s.push_str(&format!(
                "line {}: {} {}\n",
                e.get("line").and_then(Value::as_u64).map(|l| l.to_string()).unwrap_or_else(|| "?".into()),
                e.get("selector").and_then(Value::as_str).unwrap_or_default(),
                e.get("snippet").and_then(Value::as_str).unwrap_or_default()
            )),
            _ => s.push_str(&format!("{e}\n")),
        }
    }
    if let Some(fix) = o.recommended_fix.get("summary").and_then(Value::as_str) {
        s.push_str(&format!("fix: {fix}\n"));
    }
    s
}

/// JUnit XML (the schema Jenkins, GitLab, GitHub test reporters read): one
/// test suite per page, one test case per rule; a finding at `--fail-on` or
/// above is a `<failure>`, one below it passes with the finding in
/// `<system-out>`, and rules that cannot run on files are `<skipped>`.
fn junit(r: &Report) -> String {
    let per_page_tests = |p: &PageReport| p.rules_run.len() + r.skipped.len();
    let total_tests: usize = r.pages.iter().map(per_page_tests).sum();
    let total_failures = r.failing();
    let total_skipped = r.skipped.len() * r.pages.len();
    let secs = r.elapsed.as_secs_f64();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"audit scan\" tests=\"{total_tests}\" failures=\"{total_failures}\" errors=\"0\" skipped=\"{total_skipped}\" time=\"{secs:.3}\">\n"
    ));
    for (i, p) in r.pages.iter().enumerate() {
        let failures = p.observations.iter().filter(|o| r.fails(o)).count();
        out.push_str(&format!(
            "  <testsuite name=\"{}\" id=\"{i}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{}\" time=\"0\">\n",
            xml(&p.path),
            per_page_tests(p),
            r.skipped.len()
        ));
        out.push_str(&format!("    <properties><property name=\"url\" value=\"{}\"/></properties>\n", xml(&p.url)));
        for id in &p.rules_run {
            let name = format!("{id}");
            let domain = audit_worker::scanner::rules::by_id(id).map(|r| r.domain).unwrap_or(Domain::Security);
            let open = format!("    <testcase name=\"{}\" classname=\"{}.{}\" file=\"{}\" time=\"0\"", xml(&name), xml(&p.path), domain.as_str(), xml(&p.path));
            match p.observations.iter().find(|o| o.rule_id == *id) {
                None => out.push_str(&format!("{open}/>\n")),
                Some(o) if r.fails(o) => out.push_str(&format!(
                    "{open}>\n      <failure message=\"{}: {}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                    o.severity.as_str(),
                    xml(&o.title),
                    o.severity.as_str(),
                    xml(&details(o))
                )),
                Some(o) => out.push_str(&format!(
                    "{open}>\n      <system-out>{}: {}\n{}</system-out>\n    </testcase>\n",
                    o.severity.as_str(),
                    xml(&o.title),
                    xml(&details(o))
                )),
            }
        }
        for s in &r.skipped {
            out.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{}.skipped\" time=\"0\">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                xml(s.rule_id),
                xml(&p.path),
                xml(s.reason)
            ));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
