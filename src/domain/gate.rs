//! Gates: the conditions a CI job sets on a scan, and their verdict. Pure;
//! the scanner evaluates a gate when a scan completes and stores the result.
use crate::domain::compare::{compare, Sighting};
use crate::domain::model::{Domain, Severity};
use serde_json::{json, Map, Value};
use std::collections::HashSet;

/// The Observatory grades, best first.
pub const GRADES: [&str; 13] = ["A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "D-", "F"];

/// Larger than any real scan can produce (one finding per rule per URL).
pub const MAX_NEW_LIMIT: u64 = 10_000;

/// A gate as requested. Every condition is optional; a gate with none passes.
// No serde derives here: hand-written JSON keeps the Worker's wasm smaller.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gate {
    /// Fail when a finding at this severity or above is present.
    pub fail_on: Option<Severity>,
    /// `fail_on` counts only findings new since the baseline, or more severe than there.
    pub new_only: Option<bool>,
    pub min_security_grade: Option<String>,
    /// Fail when more findings than this are new since the baseline.
    pub max_new: Option<u64>,
}

impl Gate {
    /// The set conditions only (what [`Gate::parse`] reads back).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        if let Some(s) = self.fail_on {
            m.insert("fail_on".into(), json!(s.as_str()));
        }
        if let Some(b) = self.new_only {
            m.insert("new_only".into(), json!(b));
        }
        if let Some(g) = &self.min_security_grade {
            m.insert("min_security_grade".into(), json!(g));
        }
        if let Some(n) = self.max_new {
            m.insert("max_new".into(), json!(n));
        }
        Value::Object(m)
    }

    /// Parses a gate object. Unknown fields are refused (unlike request
    /// bodies): a misspelt condition would otherwise pass every build.
    /// Errors are per field, named `prefix` + field.
    pub fn parse(v: &Value, prefix: &str) -> Result<Gate, Map<String, Value>> {
        let mut details = Map::new();
        let Some(obj) = v.as_object() else {
            let name = if prefix.is_empty() { "body" } else { prefix.trim_end_matches('.') };
            details.insert(name.into(), Value::String("must be an object".into()));
            return Err(details);
        };
        let mut bad = |field: &str, msg: &str| {
            details.insert(format!("{prefix}{field}"), Value::String(msg.into()));
        };
        let mut g = Gate::default();
        const KNOWN: [&str; 4] = ["fail_on", "new_only", "min_security_grade", "max_new"];
        for (k, val) in obj {
            // null is the same as leaving a condition out; an unknown key is
            // refused even with a null value.
            if val.is_null() && KNOWN.contains(&k.as_str()) {
                continue;
            }
            match k.as_str() {
                "fail_on" => match val.as_str().and_then(Severity::parse).filter(|s| *s != Severity::Info) {
                    Some(s) => g.fail_on = Some(s),
                    None => bad(k, "must be one of critical, high, medium, low"),
                },
                "new_only" => match val.as_bool() {
                    Some(b) => g.new_only = Some(b),
                    None => bad(k, "must be a boolean"),
                },
                "min_security_grade" => match val.as_str().filter(|s| GRADES.contains(s)) {
                    Some(s) => g.min_security_grade = Some(s.to_string()),
                    None => bad(k, "must be one of A+, A, A-, B+, B, B-, C+, C, C-, D+, D, D-, F"),
                },
                "max_new" => match val.as_u64().filter(|n| *n <= MAX_NEW_LIMIT) {
                    Some(n) => g.max_new = Some(n),
                    None => bad(k, "must be an integer from 0 to 10000"),
                },
                _ => bad(k, "is not a gate condition (fail_on, new_only, min_security_grade, max_new)"),
            }
        }
        if details.is_empty() {
            Ok(g)
        } else {
            Err(details)
        }
    }
}

/// One failed condition and the findings that failed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub condition: String,
    pub message: String,
    pub finding_ids: Vec<String>,
}

/// A gate's verdict on a completed scan.
#[derive(Debug, Clone, PartialEq)]
pub struct GateResult {
    pub passed: bool,
    pub baseline_scan_id: Option<String>,
    pub reasons: Vec<Reason>,
    /// The gate that was evaluated, and where it came from (`request` or `project`).
    pub conditions: Gate,
    pub source: String,
}

impl GateResult {
    /// The scan's `gate` object.
    pub fn to_json(&self) -> Value {
        let reasons: Vec<Value> = self
            .reasons
            .iter()
            .map(|r| json!({ "condition": r.condition, "message": r.message, "finding_ids": r.finding_ids }))
            .collect();
        json!({
            "passed": self.passed,
            "baseline_scan_id": self.baseline_scan_id,
            "reasons": reasons,
            "conditions": self.conditions.to_json(),
            "source": self.source,
        })
    }
}

/// What a gate is judged on.
pub struct Input<'a> {
    /// What the completed scan saw (finding ids as stored).
    pub scan: &'a [Sighting],
    /// The baseline scan and what it saw, if there is one.
    pub baseline: Option<(&'a str, &'a [Sighting])>,
    /// Fingerprints of findings triaged as `ignored`: no condition counts them.
    pub ignored: &'a HashSet<String>,
    /// The scan's security grade (`summary.security_grade`).
    pub security_grade: Option<&'a str>,
}

fn grade_rank(g: &str) -> usize {
    GRADES.iter().position(|x| *x == g).unwrap_or(GRADES.len() - 1)
}

fn ids(v: &[&Sighting]) -> Vec<String> {
    v.iter().map(|s| s.finding_id.clone()).collect()
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

pub fn evaluate(gate: &Gate, source: &str, input: &Input<'_>) -> GateResult {
    let counted = |s: &&Sighting| !input.ignored.contains(&s.fingerprint);
    let c = compare(input.scan, input.baseline.map(|b| b.1));
    let new: Vec<&Sighting> = c.new.iter().copied().filter(counted).collect();
    let mut reasons = Vec::new();
    if let Some(threshold) = gate.fail_on {
        // Severity orders critical first: "at or above" is `<=`.
        let at_least = |s: &Sighting| s.severity <= threshold;
        let new_only = gate.new_only.unwrap_or(false);
        let hits: Vec<&Sighting> = if new_only {
            let worse = c.changed.iter().filter(|ch| ch.now.severity < ch.before.severity).map(|ch| ch.now);
            new.iter().copied().chain(worse).filter(|s| counted(s) && at_least(s)).collect()
        } else {
            input.scan.iter().filter(|s| counted(s) && at_least(s)).collect()
        };
        if !hits.is_empty() {
            let scope = if new_only { " new since the baseline or more severe than there" } else { "" };
            reasons.push(Reason {
                condition: "fail_on".into(),
                message: format!("{} finding{} at {} or above{scope}", hits.len(), plural(hits.len()), threshold.as_str()),
                finding_ids: ids(&hits),
            });
        }
    }
    if let Some(max) = gate.max_new {
        if new.len() as u64 > max {
            reasons.push(Reason {
                condition: "max_new".into(),
                message: format!("{} new finding{} since the baseline, more than {max}", new.len(), plural(new.len())),
                finding_ids: ids(&new),
            });
        }
    }
    if let Some(min) = gate.min_security_grade.as_deref() {
        let grade = input.security_grade.unwrap_or("F");
        if grade_rank(grade) > grade_rank(min) {
            // The security findings that cost points (info ones do not).
            let costly: Vec<&Sighting> =
                input.scan.iter().filter(|s| s.domain == Domain::Security && s.severity != Severity::Info).collect();
            reasons.push(Reason {
                condition: "min_security_grade".into(),
                message: format!("security grade {grade} is below {min}"),
                finding_ids: ids(&costly),
            });
        }
    }
    GateResult {
        passed: reasons.is_empty(),
        baseline_scan_id: input.baseline.map(|b| b.0.to_string()),
        reasons,
        conditions: gate.clone(),
        source: source.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::compare::tests::s;

    fn gate(v: Value) -> Gate {
        Gate::parse(&v, "gate.").expect("valid gate")
    }

    fn run(g: &Gate, scan: &[Sighting], base: Option<&[Sighting]>, ignored: &[&str], grade: &str) -> GateResult {
        let ignored: HashSet<String> = ignored.iter().map(|x| x.to_string()).collect();
        evaluate(g, "request", &Input { scan, baseline: base.map(|b| ("BASE", b)), ignored: &ignored, security_grade: Some(grade) })
    }

    #[test]
    fn parse_validates_every_field() {
        assert_eq!(gate(json!({})), Gate::default());
        let g = gate(json!({"fail_on": "high", "new_only": true, "min_security_grade": "B", "max_new": 0}));
        assert_eq!(g.fail_on, Some(Severity::High));
        assert_eq!(g.to_json(), json!({"fail_on": "high", "new_only": true, "min_security_grade": "B", "max_new": 0}));
        assert_eq!(gate(json!({"fail_on": null})), Gate::default());
        let e = Gate::parse(&json!({"fail_on": "info", "new_only": 1, "min_security_grade": "E", "max_new": -1, "fail_onn": "x"}), "gate.")
            .expect_err("invalid");
        for k in ["gate.fail_on", "gate.new_only", "gate.min_security_grade", "gate.max_new", "gate.fail_onn"] {
            assert!(e.contains_key(k), "{k} in {e:?}");
        }
        assert!(Gate::parse(&json!({"max_new": 1.5}), "").is_err());
        assert!(Gate::parse(&json!({"max_new": 10001}), "").is_err());
        // An unknown key is refused even when null (found by schemathesis).
        assert!(Gate::parse(&json!({"": null}), "").expect_err("unknown key").contains_key(""));
        assert!(Gate::parse(&json!({"fail_onn": null}), "gate.").expect_err("unknown key").contains_key("gate.fail_onn"));
        assert!(Gate::parse(&json!([]), "gate.").expect_err("not an object").contains_key("gate"));
    }

    #[test]
    fn fail_on_counts_at_or_above() {
        let scan = [s("a", Severity::Medium, None), s("b", Severity::Low, None)];
        let r = run(&gate(json!({"fail_on": "medium"})), &scan, None, &[], "A");
        assert!(!r.passed);
        assert_eq!(r.reasons[0].condition, "fail_on");
        assert_eq!(r.reasons[0].finding_ids, ["id-a"]);
        assert!(run(&gate(json!({"fail_on": "high"})), &scan, None, &[], "A").passed);
        // An ignored finding does not count.
        assert!(run(&gate(json!({"fail_on": "medium"})), &scan, None, &["a"], "A").passed);
    }

    #[test]
    fn new_only_counts_new_and_worsened() {
        let base = [s("a", Severity::High, Some("x")), s("c", Severity::Low, Some("x"))];
        let scan = [s("a", Severity::High, Some("y")), s("c", Severity::High, Some("x"))];
        let g = gate(json!({"fail_on": "high", "new_only": true}));
        let r = run(&g, &scan, Some(&base), &[], "A");
        // a is as severe as before (only its evidence moved); c rose to high.
        assert_eq!(r.reasons[0].finding_ids, ["id-c"]);
        assert_eq!(r.baseline_scan_id.as_deref(), Some("BASE"));
        assert!(run(&g, &scan[..1], Some(&base), &[], "A").passed);
        // Without a baseline everything is new.
        assert!(!run(&g, &scan[..1], None, &[], "A").passed);
    }

    #[test]
    fn max_new_and_grade() {
        let base = [s("a", Severity::Low, None)];
        let scan = [s("a", Severity::Low, None), s("b", Severity::Info, None), s("s1", Severity::Medium, None)];
        let r = run(&gate(json!({"max_new": 1})), &scan, Some(&base), &[], "A");
        assert_eq!(r.reasons.len(), 1);
        assert_eq!(r.reasons[0].condition, "max_new");
        assert_eq!(r.reasons[0].finding_ids.len(), 2);
        assert!(run(&gate(json!({"max_new": 2})), &scan, Some(&base), &[], "A").passed);
        assert!(run(&gate(json!({"max_new": 1})), &scan, Some(&base), &["b"], "A").passed);
        let g = gate(json!({"min_security_grade": "B"}));
        assert!(run(&g, &scan, None, &[], "B").passed);
        assert!(run(&g, &scan, None, &[], "A+").passed);
        let r = run(&g, &scan, None, &[], "B-");
        assert_eq!(r.reasons[0].condition, "min_security_grade");
        assert_eq!(r.reasons[0].finding_ids, ["id-s1"]);
        assert_eq!(r.reasons[0].message, "security grade B- is below B");
    }

    #[test]
    fn every_failed_condition_is_a_reason_and_empty_gate_passes() {
        let scan = [s("s1", Severity::Critical, None)];
        let r = run(&gate(json!({"fail_on": "low", "max_new": 0, "min_security_grade": "A"})), &scan, None, &[], "F");
        let conds: Vec<&str> = r.reasons.iter().map(|x| x.condition.as_str()).collect();
        assert_eq!(conds, ["fail_on", "max_new", "min_security_grade"]);
        assert!(run(&Gate::default(), &scan, None, &[], "F").passed);
        let v = r.to_json();
        assert_eq!(v["passed"], false);
        assert_eq!(v["source"], "request");
        assert_eq!(v["conditions"]["max_new"], 0);
    }
}
