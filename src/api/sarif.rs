//! SARIF 2.1.0 export of a scan's findings, shaped for GitHub code scanning:
//! one `reportingDescriptor` per rule with its help URI, one result per
//! finding (per element for HTML evidence, with the source line), the scanned
//! URL as the artifact location.
use crate::domain::compare::{self, Sighting};
use crate::scanner::findings::Finding;
use crate::domain::model::Severity;
use crate::scanner::rules;
use serde_json::{json, Value};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub ranks alerts by this property (0.0–10.0).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "7.5",
        Severity::Medium => "5.0",
        Severity::Low => "2.0",
        Severity::Info => "0.5",
    }
}

fn help_uri(references: &Value) -> Option<String> {
    references
        .as_array()?
        .iter()
        .filter_map(|r| r.get("url").and_then(Value::as_str))
        .find(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(str::to_string)
}

/// Builds the SARIF log. `version` is the tool version.
pub fn to_sarif(findings: &[Finding], version: &str) -> Value {
    to_sarif_with_baseline(findings, version, None)
}

/// A comparison for SARIF's `baselineState`: the base scan's id and what
/// each side saw, and the URL the base scan's findings were at.
pub struct Baseline<'a> {
    pub base_scan_id: &'a str,
    pub scan: &'a [Sighting],
    pub base: Option<&'a [Sighting]>,
    pub base_asset: &'a str,
}

/// As [`to_sarif`], with every result's `baselineState` against the
/// baseline (`new`, `unchanged`, `updated`), and one `absent` result per
/// finding the baseline saw and this scan did not. Without a base scan
/// every result is `new`, as in the comparison.
pub fn to_sarif_with_baseline(findings: &[Finding], version: &str, baseline: Option<&Baseline<'_>>) -> Value {
    let cmp = baseline.map(|b| compare::compare(b.scan, b.base));
    let state_of = |fp: &str| -> Option<&'static str> {
        let c = cmp.as_ref()?;
        if c.unchanged.iter().any(|s| s.fingerprint == fp) {
            Some("unchanged")
        } else if c.changed.iter().any(|ch| ch.now.fingerprint == fp) {
            Some("updated")
        } else {
            Some("new")
        }
    };
    let absent: Vec<&Sighting> = cmp.as_ref().map(|c| c.fixed.clone()).unwrap_or_default();
    let mut rule_ids: Vec<&str> = findings.iter().map(|f| f.obs.rule_id.as_str()).chain(absent.iter().map(|s| s.rule_id.as_str())).collect();
    rule_ids.sort_unstable();
    rule_ids.dedup();
    let descriptors: Vec<Value> = rule_ids
        .iter()
        .map(|id| {
            let f = findings.iter().find(|f| f.obs.rule_id == *id);
            let known = rules::by_id(id);
            let gone = absent.iter().find(|s| s.rule_id == *id);
            let title = known
                .map(|r| r.title.to_string())
                .or_else(|| f.map(|f| f.obs.title.clone()))
                .or_else(|| gone.map(|s| s.title.clone()))
                .unwrap_or_default();
            let description = known.map(|r| r.description.to_string()).unwrap_or_else(|| title.clone());
            let severity = known.map(|r| r.severity).or_else(|| f.map(|f| f.obs.severity)).unwrap_or(Severity::Info);
            let mut d = json!({
                "id": id,
                "name": id,
                "shortDescription": { "text": title },
                "fullDescription": { "text": description },
                "defaultConfiguration": { "level": level(severity) },
                "properties": {
                    "tags": [known.map(|r| r.domain.as_str()).unwrap_or("audit")],
                    "security-severity": security_severity(severity),
                },
            });
            if let Some(fix) = known.map(|r| r.fix.summary) {
                d["help"] = json!({ "text": fix });
            }
            if let Some(uri) = f.and_then(|f| help_uri(&f.obs.references)) {
                d["helpUri"] = json!(uri);
            }
            d
        })
        .collect();
    let mut results = Vec::new();
    for f in findings {
        let rule_index = rule_ids.iter().position(|r| *r == f.obs.rule_id).unwrap_or(0);
        let mut base = json!({
            "ruleId": f.obs.rule_id,
            "ruleIndex": rule_index,
            "level": level(f.obs.severity),
            "message": { "text": format!("{}: {}", f.obs.title, f.obs.description) },
            "partialFingerprints": { "auditFingerprint/v1": f.obs.fingerprint },
            "properties": {
                "finding_id": f.id,
                "status": f.status.as_str(),
                "confidence": f.obs.confidence,
                "priority": f.obs.score,
            },
        });
        if let Some(state) = state_of(&f.obs.fingerprint) {
            base["baselineState"] = json!(state);
        }
        let location = |line: Option<u64>, snippet: Option<&str>| {
            let mut physical = json!({ "artifactLocation": { "uri": f.obs.asset } });
            if let Some(l) = line.filter(|l| *l >= 1) {
                let mut region = json!({ "startLine": l });
                if let Some(s) = snippet {
                    region["snippet"] = json!({ "text": s });
                }
                physical["region"] = region;
            }
            json!([{ "physicalLocation": physical }])
        };
        let elements: Vec<&Value> = f
            .obs
            .evidence
            .as_array()
            .map(|a| a.iter().filter(|e| e.get("type").and_then(Value::as_str) == Some("element")).collect())
            .unwrap_or_default();
        if elements.is_empty() {
            let mut r = base.clone();
            r["locations"] = location(None, None);
            results.push(r);
        } else {
            for e in elements {
                let mut r = base.clone();
                r["locations"] = location(e.get("line").and_then(Value::as_u64), e.get("snippet").and_then(Value::as_str));
                if let Some(sel) = e.get("selector").and_then(Value::as_str) {
                    r["properties"]["selector"] = json!(sel);
                }
                results.push(r);
            }
        }
    }
    // What the baseline saw and this scan no longer does.
    for s in &absent {
        let rule_index = rule_ids.iter().position(|r| *r == s.rule_id).unwrap_or(0);
        results.push(json!({
            "ruleId": s.rule_id,
            "ruleIndex": rule_index,
            "level": level(s.severity),
            "message": { "text": format!("{} (seen by the baseline scan, no longer seen)", s.title) },
            "partialFingerprints": { "auditFingerprint/v1": s.fingerprint },
            "baselineState": "absent",
            "locations": [{ "physicalLocation": { "artifactLocation": { "uri": baseline.map(|b| b.base_asset).unwrap_or_default() } } }],
            "properties": { "finding_id": s.finding_id },
        }));
    }
    let mut run = json!({
        "tool": { "driver": {
            "name": "krafter-audit",
            "version": version,
            "informationUri": "https://app.krafter.dev/docs/audit",
            "rules": descriptors,
        }},
        "results": results,
    });
    if let Some(b) = baseline.filter(|b| b.base.is_some()) {
        run["baselineGuid"] = json!(b.base_scan_id);
    }
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [run],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::Domain;
    use crate::scanner::findings::{FindingStatus, Observation};

    fn finding(fp: &str, rule: &str) -> Finding {
        Finding {
            id: format!("id-{fp}"),
            org_id: "o".into(),
            project_id: "p".into(),
            obs: Observation {
                fingerprint: fp.into(),
                rule_id: rule.into(),
                domain: Domain::Accessibility,
                severity: Severity::High,
                title: format!("t {rule}"),
                description: "d".into(),
                confidence: 1.0,
                impact: 50,
                effort: 10,
                risk: 20,
                score: 40,
                asset: "https://example.com/".into(),
                evidence: json!([]),
                evidence_total: 0,
                recommended_fix: json!({}),
                references: json!([]),
            },
            status: FindingStatus::New,
            owner_id: None,
            regressed: false,
            first_seen_scan_id: "s".into(),
            last_seen_scan_id: "s".into(),
            resolved_by_scan_id: None,
            created_at: 0,
            updated_at: 0,
            last_seen_at: 0,
        }
    }

    fn sighting(fp: &str, rule: &str, sig: &str) -> Sighting {
        Sighting {
            finding_id: format!("id-{fp}"),
            fingerprint: fp.into(),
            rule_id: rule.into(),
            domain: Domain::Accessibility,
            severity: Severity::High,
            title: format!("t {rule}"),
            evidence_sig: Some(sig.into()),
        }
    }

    #[test]
    fn baseline_states() {
        let findings = [finding("a", "image-alt"), finding("b", "link-name"), finding("c", "button-name")];
        let scan = [sighting("a", "image-alt", "x"), sighting("b", "link-name", "x"), sighting("c", "button-name", "y")];
        let base = [sighting("b", "link-name", "x"), sighting("c", "button-name", "x"), sighting("d", "html-has-lang", "x")];
        let b = Baseline { base_scan_id: "BASE", scan: &scan, base: Some(&base), base_asset: "https://example.com/" };
        let log = to_sarif_with_baseline(&findings, "1", Some(&b));
        let run = &log["runs"][0];
        assert_eq!(run["baselineGuid"], "BASE");
        let state = |rule: &str| {
            run["results"].as_array().and_then(|r| r.iter().find(|x| x["ruleId"] == rule)).map(|x| x["baselineState"].clone())
        };
        assert_eq!(state("image-alt"), Some(json!("new")));
        assert_eq!(state("link-name"), Some(json!("unchanged")));
        assert_eq!(state("button-name"), Some(json!("updated")));
        assert_eq!(state("html-has-lang"), Some(json!("absent")));
        // The absent result's rule has a descriptor, at the index it names.
        let absent = run["results"].as_array().and_then(|r| r.iter().find(|x| x["ruleId"] == "html-has-lang")).cloned().unwrap_or_default();
        let idx = absent["ruleIndex"].as_u64().unwrap_or(99) as usize;
        assert_eq!(run["tool"]["driver"]["rules"][idx]["id"], "html-has-lang");
        // No base scan: everything new, no baselineGuid; no baseline at all: no state.
        let none = to_sarif_with_baseline(&findings, "1", Some(&Baseline { base_scan_id: "", scan: &scan, base: None, base_asset: "" }));
        assert!(none["runs"][0].get("baselineGuid").is_none());
        assert!(none["runs"][0]["results"].as_array().is_some_and(|r| r.iter().all(|x| x["baselineState"] == "new")));
        assert!(to_sarif(&findings, "1")["runs"][0]["results"][0].get("baselineState").is_none());
    }
}
