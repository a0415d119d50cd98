//! Findings: what a scan observed, turned into records a team can act on,
//! and the shape the API shows. Lifecycle SQL lives in the store; the rules
//! of the lifecycle are documented here and in the README:
//! - a finding is identified by its fingerprint (org, project, rule, asset);
//! - seen again: evidence and `last_seen_at` move, status and owner stay;
//! - not seen by a later completed scan of the same URL: `resolved`;
//! - a `resolved` finding seen again returns as `new`, marked `regressed`;
//! - `ignored` stays ignored.
use crate::domain::ids::sha256_hex;
use crate::domain::model::{Domain, Severity};
use crate::scanner::rules::{Outcome, RuleResult, MAX_EVIDENCE};
use crate::domain::scoring::{impact_for, priority_score};
use crate::domain::time::rfc3339;
use serde_json::{json, Value};

pub use crate::domain::model::FindingStatus;

/// One failing rule on one URL, as seen by one scan.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub fingerprint: String,
    pub rule_id: String,
    pub domain: Domain,
    pub severity: Severity,
    pub title: String,
    pub description: String,
    pub confidence: f64,
    pub impact: u8,
    pub effort: u8,
    pub risk: u8,
    pub score: u8,
    pub asset: String,
    /// JSON array, capped at [`MAX_EVIDENCE`] items.
    pub evidence: Value,
    pub evidence_total: usize,
    pub recommended_fix: Value,
    pub references: Value,
}

pub fn fingerprint(org: &str, project: &str, rule_id: &str, asset: &str) -> String {
    sha256_hex(&format!("{org}\n{project}\n{rule_id}\n{asset}"))
}

/// The observations of one scan: one per failing rule, evidence capped.
pub fn observations(results: &[RuleResult], org: &str, project: &str, asset: &str) -> Vec<Observation> {
    results
        .iter()
        .filter_map(|r| {
            let Outcome::Fail(v) = &r.outcome else { return None };
            let rule = r.rule;
            let severity = v.severity.unwrap_or(rule.severity);
            let impact = if severity == rule.severity { rule.impact } else { impact_for(severity) };
            let evidence: Vec<Value> = v
                .evidence
                .iter()
                .take(MAX_EVIDENCE)
                .map(|e| serde_json::to_value(e).unwrap_or(Value::Null))
                .collect();
            Some(Observation {
                fingerprint: fingerprint(org, project, rule.id, asset),
                rule_id: rule.id.to_string(),
                domain: rule.domain,
                severity,
                title: rule.title.to_string(),
                description: v.detail.clone().unwrap_or_else(|| rule.description.to_string()),
                confidence: ((v.confidence.clamp(0.0, 1.0) as f64) * 100.0).round() / 100.0,
                impact,
                effort: rule.effort,
                risk: rule.risk,
                score: priority_score(impact, rule.effort, rule.risk),
                asset: asset.to_string(),
                evidence: Value::Array(evidence),
                evidence_total: v.evidence_total(),
                recommended_fix: json!({
                    "summary": rule.fix.summary,
                    "steps": rule.fix.steps,
                    "estimated_minutes": rule.fix.estimated_minutes,
                }),
                references: serde_json::to_value(rule.references).unwrap_or(Value::Array(vec![])),
            })
        })
        .collect()
}

/// Counts by domain and severity of what this scan saw, plus the total.
pub fn summary(obs: &[Observation]) -> Value {
    let mut out = serde_json::Map::new();
    for d in Domain::ALL {
        let mut per = serde_json::Map::new();
        for s in Severity::ALL {
            let n = obs.iter().filter(|o| o.domain == d && o.severity == s).count();
            per.insert(s.as_str().into(), json!(n));
        }
        out.insert(d.as_str().into(), Value::Object(per));
    }
    out.insert("total".into(), json!(obs.len()));
    Value::Object(out)
}

/// A stored finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub id: String,
    pub org_id: String,
    pub project_id: String,
    pub obs: Observation,
    pub status: FindingStatus,
    pub owner_id: Option<String>,
    pub regressed: bool,
    pub first_seen_scan_id: String,
    pub last_seen_scan_id: String,
    pub resolved_by_scan_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_seen_at: i64,
}

impl Finding {
    /// The spec's finding shape, plus `rule_id`, `references` and lifecycle fields.
    pub fn to_json(&self) -> Value {
        let o = &self.obs;
        json!({
            "id": self.id,
            "org_id": self.org_id,
            "project_id": self.project_id,
            "rule_id": o.rule_id,
            "domain": o.domain.as_str(),
            "title": o.title,
            "description": o.description,
            "severity": o.severity.as_str(),
            "status": self.status.as_str(),
            "confidence": o.confidence,
            "priority": { "impact": o.impact, "effort": o.effort, "risk": o.risk, "score": o.score },
            "owner_id": self.owner_id,
            "affected_assets": [{ "type": "url", "value": o.asset }],
            "evidence": o.evidence,
            "evidence_total": o.evidence_total,
            "recommended_fix": o.recommended_fix,
            "references": o.references,
            "regressed": self.regressed,
            "first_seen_scan_id": self.first_seen_scan_id,
            "last_seen_scan_id": self.last_seen_scan_id,
            "resolved_by_scan_id": self.resolved_by_scan_id,
            "last_seen_at": rfc3339(self.last_seen_at),
            "created_at": rfc3339(self.created_at),
            "updated_at": rfc3339(self.updated_at),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scanner::page::Page;
    use crate::scanner::rules::{Evidence, Fix, Rule, Violation};

    fn failing(_: &crate::scanner::rules::dom::Analysis) -> Outcome {
        Outcome::Fail(Violation::new((0..30).map(|i| Evidence::Item { value: format!("v{i}"), note: String::new() }).collect()))
    }
    fn passing(_: &crate::scanner::rules::dom::Analysis) -> Outcome {
        Outcome::Pass { code: None }
    }
    static FAIL: Rule = Rule {
        id: "test-fail",
        domain: Domain::Security,
        severity: Severity::Critical,
        title: "t",
        description: "d",
        references: &[],
        fix: Fix { summary: "s", steps: &["a"], estimated_minutes: 5 },
        impact: 80,
        effort: 20,
        risk: 90,
        limits: "",
        check: failing,
    };
    static PASS: Rule = Rule { id: "test-pass", check: passing, ..FAIL };

    #[test]
    fn one_observation_per_failing_rule_with_capped_evidence() {
        let page = Page::html_at("https://example.com/", &[], "<p>");
        let results = vec![
            RuleResult { rule: &FAIL, outcome: FAIL.check_page(&page) },
            RuleResult { rule: &PASS, outcome: PASS.check_page(&page) },
        ];
        let obs = observations(&results, "o", "p", "https://example.com/");
        assert_eq!(obs.len(), 1);
        assert_eq!(obs[0].score, 88);
        assert_eq!(obs[0].evidence.as_array().map(Vec::len), Some(MAX_EVIDENCE));
        assert_eq!(obs[0].evidence_total, 30);
        let s = summary(&obs);
        assert_eq!(s["security"]["critical"], 1);
        assert_eq!(s["performance"]["high"], 0);
        assert_eq!(s["total"], 1);
    }

    #[test]
    fn evidence_total_is_the_count_the_check_saw_not_the_count_it_kept() {
        // A page with 57 images without alt: the rule keeps 20 and reports all 57.
        let body = format!("<!doctype html><html lang=en><title>t</title>{}", "<img src=a.png>".repeat(57));
        let page = Page::html_at("https://example.com/", &[], &body);
        let rule = crate::scanner::rules::by_id("image-alt").expect("image-alt");
        let outcome = rule.check_page(&page);
        assert!(matches!(&outcome, Outcome::Fail(v) if v.evidence.len() == MAX_EVIDENCE));
        let obs = observations(&[RuleResult { rule, outcome }], "o", "p", "https://example.com/");
        assert_eq!(obs[0].evidence.as_array().map(Vec::len), Some(MAX_EVIDENCE));
        assert_eq!(obs[0].evidence_total, 57);
    }

    #[test]
    fn fingerprint_depends_on_each_part() {
        let a = fingerprint("o", "p", "r", "u");
        assert_eq!(a, fingerprint("o", "p", "r", "u"));
        for b in [fingerprint("o2", "p", "r", "u"), fingerprint("o", "p2", "r", "u"), fingerprint("o", "p", "r2", "u"), fingerprint("o", "p", "r", "u2")] {
            assert_ne!(a, b);
        }
    }
}
