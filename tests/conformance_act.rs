//! W3C ACT test pages (../shared/conformance/act) run through the axe rules
//! they map to. Semantics follow axe's act-runner: an expected `failed` page
//! needs at least one violation or needs-review finding from the mapped rules;
//! an expected `passed`/`inapplicable` page must have no violation (a
//! needs-review finding is not a violation).
use audit_worker::scanner::page::Page;
use audit_worker::scanner::rules::{accessibility, Evidence, Outcome, Rule};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Cases that must pass, of every case in the manifest (only ever raised).
/// A case whose axe rule is missing is skipped with that reason but stays in
/// the count, so deleting a rule lowers `passed` and fails this floor.
/// Today: 469 passed, 3 failed, 8 skipped (axe-core itself skips them) of 480.
const FLOOR_PASSED: usize = 469;
const CASES: usize = 480;

fn rule(id: &str) -> Option<&'static Rule> {
    accessibility::RULES.iter().find(|r| r.id == id)
}

#[derive(Default)]
struct Tally {
    name: String,
    passed: usize,
    failed: usize,
    skipped: usize,
    notes: Vec<String>,
}

#[test]
fn act_pages() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/act");
    assert!(dir.join("manifest.json").exists(), "ACT conformance data missing at {}", dir.display());
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let cases = manifest["testcases"].as_array().unwrap();
    let mut per: BTreeMap<String, Tally> = BTreeMap::new();
    let mut skip_reasons: BTreeMap<String, usize> = BTreeMap::new();
    for tc in cases {
        let act = tc["ruleId"].as_str().unwrap().to_string();
        let t = per.entry(act.clone()).or_default();
        t.name = tc["ruleName"].as_str().unwrap().to_string();
        let rel = tc["relativePath"].as_str().unwrap();
        let expected = tc["expected"].as_str().unwrap();
        let axe_rules: Vec<&str> = tc["axeRules"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        if tc["axeSkips"].as_bool().unwrap_or(false) {
            t.skipped += 1;
            *skip_reasons.entry("axe-core itself skips this case".into()).or_default() += 1;
            continue;
        }
        let missing: Vec<&str> = axe_rules.iter().copied().filter(|r| rule(r).is_none()).collect();
        if !missing.is_empty() {
            t.skipped += 1;
            *skip_reasons.entry(format!("rule not implemented: {}", missing.join(", "))).or_default() += 1;
            continue;
        }
        let body = std::fs::read_to_string(dir.join(rel)).unwrap();
        let url = format!("https://www.w3.org/WAI/content-assets/wcag-act-rules/{rel}");
        let page = Page::html_at(&url, &[], &body);
        let (mut violation, mut review) = (false, false);
        let mut fired = Vec::new();
        for r in &axe_rules {
            if let Some(rule) = rule(r) {
                if let Outcome::Fail(v) = rule.check_page(&page) {
                    let real = v.evidence.iter().any(|e| !matches!(e, Evidence::Element { needs_review: true, .. }));
                    if real {
                        violation = true;
                        fired.push(r.to_string());
                    } else {
                        review = true;
                    }
                }
            }
        }
        let ok = match expected {
            "failed" => violation || review,
            _ => !violation,
        };
        if ok {
            t.passed += 1;
        } else {
            t.failed += 1;
            t.notes.push(format!(
                "{} ({}) expected {expected}, got {}{}",
                tc["testcaseTitle"].as_str().unwrap(),
                rel,
                if violation { "violation" } else if review { "needs-review only" } else { "no finding" },
                if fired.is_empty() { String::new() } else { format!(" from {}", fired.join(",")) }
            ));
        }
    }
    let (mut p, mut f, mut s) = (0, 0, 0);
    println!("\n=== ACT test cases ===");
    for (id, t) in &per {
        println!("{id} {:70} passed {:3} failed {:3} skipped {:3}", t.name, t.passed, t.failed, t.skipped);
        for n in &t.notes {
            println!("      - {n}");
        }
        p += t.passed;
        f += t.failed;
        s += t.skipped;
    }
    println!("\nskip reasons:");
    for (r, n) in &skip_reasons {
        println!("  {n:4}  {r}");
    }
    let total = cases.len();
    println!(
        "\nACT: {p} passed, {f} failed, {s} skipped of {total} cases; {:.1}% of every case passed (floor {FLOOR_PASSED} passed)",
        100.0 * p as f64 / total.max(1) as f64
    );
    assert_eq!(total, CASES, "expected {CASES} ACT cases");
    assert_eq!(p + f + s, total, "every case is passed, failed or skipped");
    assert!(p >= FLOOR_PASSED, "{p} of {total} ACT cases passed, below the floor {FLOOR_PASSED}");
}
