//! Comparing two scans' sightings by fingerprint: what is new, fixed,
//! unchanged or changed between a scan and its baseline. Pure; the store
//! reads the sightings, the API and the gate use the answer.
use crate::domain::ids::sha256_hex;
use crate::domain::model::{Domain, Severity};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// One finding as one scan saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sighting {
    pub finding_id: String,
    pub fingerprint: String,
    pub rule_id: String,
    pub domain: Domain,
    pub severity: Severity,
    pub title: String,
    /// [`evidence_signature`] of what the scan saw; `None` for sightings
    /// recorded before signatures were kept (never counted as a change).
    pub evidence_sig: Option<String>,
}

impl Sighting {
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.finding_id,
            "fingerprint": self.fingerprint,
            "rule_id": self.rule_id,
            "domain": self.domain.as_str(),
            "severity": self.severity.as_str(),
            "title": self.title,
        })
    }
}

/// What identifies the evidence of a finding across scans: the items without
/// what moves on every scan of an unchanged page (a metric's measured value
/// and savings, an element's line number, which shifts when unrelated content
/// above it changes), plus the total count.
pub fn evidence_signature(evidence: &Value, total: usize) -> String {
    const KEEP: [&str; 8] = ["type", "name", "value", "selector", "snippet", "threshold", "unit", "note"];
    let items: Vec<Value> = evidence
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| match e.as_object() {
                    Some(o) => Value::Object(
                        o.iter().filter(|(k, _)| KEEP.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect::<Map<_, _>>(),
                    ),
                    None => e.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    // serde_json's map is ordered by key, so equal evidence gives equal text.
    let text = json!({ "items": items, "total": total }).to_string();
    sha256_hex(&text)[..32].to_string()
}

/// A finding both scans saw whose severity or evidence moved.
#[derive(Debug, Clone, PartialEq)]
pub struct Changed<'a> {
    pub now: &'a Sighting,
    pub before: &'a Sighting,
}

impl Changed<'_> {
    pub fn severity_changed(&self) -> bool {
        self.now.severity != self.before.severity
    }
    pub fn evidence_changed(&self) -> bool {
        matches!((&self.now.evidence_sig, &self.before.evidence_sig), (Some(a), Some(b)) if a != b)
    }
}

#[derive(Debug, Default, PartialEq)]
pub struct Comparison<'a> {
    /// Seen by the scan, not by the baseline (everything, without a baseline).
    pub new: Vec<&'a Sighting>,
    /// Seen by the baseline, not by the scan (the baseline's sighting).
    pub fixed: Vec<&'a Sighting>,
    pub unchanged: Vec<&'a Sighting>,
    pub changed: Vec<Changed<'a>>,
}

/// Compares by fingerprint. Each list is in severity order (critical first),
/// then rule id, so answers are stable.
pub fn compare<'a>(scan: &'a [Sighting], base: Option<&'a [Sighting]>) -> Comparison<'a> {
    let mut out = Comparison::default();
    let before: HashMap<&str, &Sighting> = base.unwrap_or(&[]).iter().map(|s| (s.fingerprint.as_str(), s)).collect();
    for s in scan {
        match before.get(s.fingerprint.as_str()) {
            None => out.new.push(s),
            Some(b) => {
                let c = Changed { now: s, before: b };
                if c.severity_changed() || c.evidence_changed() {
                    out.changed.push(c);
                } else {
                    out.unchanged.push(s);
                }
            }
        }
    }
    let seen: std::collections::HashSet<&str> = scan.iter().map(|s| s.fingerprint.as_str()).collect();
    out.fixed = base.unwrap_or(&[]).iter().filter(|b| !seen.contains(b.fingerprint.as_str())).collect();
    let key = |s: &&Sighting| (s.severity, s.rule_id.clone(), s.fingerprint.clone());
    out.new.sort_by_key(key);
    out.fixed.sort_by_key(key);
    out.unchanged.sort_by_key(key);
    out.changed.sort_by_key(|c| key(&c.now));
    out
}

/// Counts of sightings by domain and by severity, for the deltas.
fn counts(s: &[Sighting]) -> (Map<String, Value>, Map<String, Value>) {
    let by_domain = Domain::ALL.iter().map(|d| (d.as_str().to_string(), json!(s.iter().filter(|x| x.domain == *d).count()))).collect();
    let by_severity =
        Severity::ALL.iter().map(|v| (v.as_str().to_string(), json!(s.iter().filter(|x| x.severity == *v).count()))).collect();
    (by_domain, by_severity)
}

/// `{key: {scan, base, delta}}` for every domain or severity; `base` is 0
/// without a baseline.
fn deltas(now: &Map<String, Value>, before: Option<&Map<String, Value>>) -> Value {
    let mut out = Map::new();
    for (k, v) in now {
        let n = v.as_i64().unwrap_or(0);
        let b = before.and_then(|m| m.get(k)).and_then(Value::as_i64).unwrap_or(0);
        out.insert(k.clone(), json!({ "scan": n, "base": b, "delta": n - b }));
    }
    Value::Object(out)
}

/// The security score and grade a scan's summary holds.
pub fn security_of(summary: &Value) -> Value {
    json!({ "score": summary.get("security_score"), "grade": summary.get("security_grade") })
}

/// The compare endpoint's `data` object.
pub fn to_json(
    scan_id: &str,
    base_scan_id: Option<&str>,
    scan: &[Sighting],
    base: Option<&[Sighting]>,
    (scan_summary, base_summary): (&Value, Option<&Value>),
) -> Value {
    let c = compare(scan, base);
    let list = |v: &[&Sighting]| v.iter().map(|s| s.to_json()).collect::<Vec<_>>();
    let changed: Vec<Value> = c
        .changed
        .iter()
        .map(|ch| {
            let mut v = ch.now.to_json();
            v["previous_severity"] = json!(ch.before.severity.as_str());
            v["severity_changed"] = json!(ch.severity_changed());
            v["evidence_changed"] = json!(ch.evidence_changed());
            v
        })
        .collect();
    let (now_d, now_s) = counts(scan);
    let before = base.map(counts);
    json!({
        "scan_id": scan_id,
        "base_scan_id": base_scan_id,
        "new": list(&c.new),
        "fixed": list(&c.fixed),
        "unchanged": list(&c.unchanged),
        "changed": changed,
        "counts": { "new": c.new.len(), "fixed": c.fixed.len(), "unchanged": c.unchanged.len(), "changed": c.changed.len() },
        "deltas": {
            "by_domain": deltas(&now_d, before.as_ref().map(|b| &b.0)),
            "by_severity": deltas(&now_s, before.as_ref().map(|b| &b.1)),
        },
        "security": { "scan": security_of(scan_summary), "base": base_summary.map(security_of) },
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn s(fp: &str, sev: Severity, sig: Option<&str>) -> Sighting {
        Sighting {
            finding_id: format!("id-{fp}"),
            fingerprint: fp.into(),
            rule_id: format!("rule-{fp}"),
            domain: if fp.starts_with('s') { Domain::Security } else { Domain::Accessibility },
            severity: sev,
            title: format!("title {fp}"),
            evidence_sig: sig.map(str::to_string),
        }
    }

    #[test]
    fn classifies_by_fingerprint() {
        let base = [s("a", Severity::High, Some("x")), s("b", Severity::Low, Some("x")), s("c", Severity::Medium, Some("x")), s("d", Severity::Low, None)];
        let now = [s("a", Severity::High, Some("x")), s("c", Severity::High, Some("x")), s("d", Severity::Low, Some("y")), s("e", Severity::Critical, Some("x"))];
        let c = compare(&now, Some(&base));
        let fps = |v: &[&Sighting]| v.iter().map(|s| s.fingerprint.clone()).collect::<Vec<_>>();
        assert_eq!(fps(&c.new), ["e"]);
        assert_eq!(fps(&c.fixed), ["b"]);
        // d: evidence unknown on one side is not a change.
        assert_eq!(fps(&c.unchanged), ["a", "d"]);
        assert_eq!(c.changed.len(), 1);
        assert_eq!(c.changed[0].now.fingerprint, "c");
        assert!(c.changed[0].severity_changed() && !c.changed[0].evidence_changed());
    }

    #[test]
    fn evidence_change_alone_is_a_change() {
        let (now, base) = ([s("a", Severity::Low, Some("y"))], [s("a", Severity::Low, Some("x"))]);
        let c = compare(&now, Some(&base));
        assert_eq!(c.changed.len(), 1);
        assert!(c.changed[0].evidence_changed());
    }

    #[test]
    fn without_a_baseline_everything_is_new() {
        let now = [s("a", Severity::Low, None), s("b", Severity::Critical, None)];
        let c = compare(&now, None);
        assert_eq!(c.new.len(), 2);
        assert_eq!(c.new[0].fingerprint, "b", "critical first");
        assert!(c.fixed.is_empty() && c.unchanged.is_empty() && c.changed.is_empty());
    }

    #[test]
    fn signature_ignores_what_moves_on_every_scan() {
        let a = json!([{"type": "metric", "name": "ttfb", "observed": 120, "threshold": 600, "unit": "ms", "savings": 3},
                       {"type": "element", "selector": "img", "snippet": "<img>", "line": 4, "needs_review": false}]);
        let b = json!([{"type": "metric", "name": "ttfb", "observed": 480, "threshold": 600, "unit": "ms", "savings": 9},
                       {"type": "element", "selector": "img", "snippet": "<img>", "line": 9, "needs_review": false}]);
        assert_eq!(evidence_signature(&a, 2), evidence_signature(&b, 2));
        assert_ne!(evidence_signature(&a, 2), evidence_signature(&a, 3));
        let c = json!([{"type": "element", "selector": "img.hero", "snippet": "<img class=hero>", "line": 4}]);
        assert_ne!(evidence_signature(&a, 2), evidence_signature(&c, 2));
    }

    #[test]
    fn json_has_deltas_and_security() {
        let base = [s("a", Severity::High, None), s("b", Severity::Low, None)];
        let now = [s("a", Severity::Medium, None)];
        let v = to_json("S", Some("B"), &now, Some(&base), (&json!({"security_score": 80, "security_grade": "B+"}), Some(&json!({"security_score": 40, "security_grade": "D+"}))));
        assert_eq!(v["base_scan_id"], "B");
        assert_eq!(v["changed"][0]["previous_severity"], "high");
        assert_eq!(v["fixed"][0]["id"], "id-b");
        assert_eq!(v["deltas"]["by_severity"]["low"], json!({"scan": 0, "base": 1, "delta": -1}));
        assert_eq!(v["deltas"]["by_domain"]["accessibility"], json!({"scan": 1, "base": 2, "delta": -1}));
        assert_eq!(v["security"]["base"]["grade"], "D+");
        let none = to_json("S", None, &now, None, (&json!({}), None));
        assert_eq!(none["security"]["base"], Value::Null);
        assert_eq!(none["new"].as_array().map(Vec::len), Some(1));
        assert_eq!(none["deltas"]["by_severity"]["medium"], json!({"scan": 1, "base": 0, "delta": 1}));
    }
}
