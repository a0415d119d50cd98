//! axe-core rule fixtures (../shared/conformance/axe) run through our rules.
//! Per fixture: our violation node set must equal the fixture's `violations`,
//! no `passes` node may be flagged, and `incomplete` nodes must not be
//! violations (needs-review evidence is fine). Nodes are matched by resolving
//! the fixture selectors in our parsed document and comparing NodeIds.
use audit_worker::scanner::page::Page;
use audit_worker::scanner::rules::{accessibility, Evidence, Outcome, Rule};
use scraper::{ElementRef, Html, Selector};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

/// Floors: only ever raised. Counted over every fixture and case: one whose
/// rule is not implemented is skipped with that reason and its expected
/// nodes stay in the node counts, so deleting a rule lowers them.
const S_NODE_RATIO_FLOOR: f64 = 0.99;
const MAX_FLAGGED_PASSES_S: usize = 0;
/// Class S fixture files that must pass (today 71 passed, 2 failed of 73).
const S_FILES_PASSED_FLOOR: usize = 71;
/// Class P (partially static: axe also uses layout or computed style): its
/// expected nodes matched (all 160 today) and its fixture files passed (all 11).
const P_NODES_MATCHED_FLOOR: usize = 160;
const P_FILES_PASSED_FLOOR: usize = 11;
/// `_page-level/` whole-document cases that must pass, of 40 (37 today).
const PAGE_LEVEL_PASSED_FLOOR: usize = 37;
const PAGE_LEVEL_CASES: usize = 40;

fn data_dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/axe");
    assert!(d.join("manifest.json").exists(), "conformance data missing at {}", d.display());
    d
}

fn rule(id: &str) -> Option<&'static Rule> {
    accessibility::RULES.iter().find(|r| r.id == id)
}

/// (violation nodes, needs-review nodes) the rule reported.
fn reported(outcome: &Outcome) -> (HashSet<ego_tree::NodeId>, HashSet<ego_tree::NodeId>) {
    let (mut v, mut r) = (HashSet::new(), HashSet::new());
    if let Outcome::Fail(viol) = outcome {
        for e in &viol.evidence {
            if let Evidence::Element { node: Some(n), needs_review, .. } = e {
                if *needs_review {
                    r.insert(*n);
                } else {
                    v.insert(*n);
                }
            }
        }
    }
    (v, r)
}

fn resolve(doc: &Html, sel: &str) -> Result<ego_tree::NodeId, String> {
    let s = Selector::parse(sel).map_err(|e| format!("selector {sel:?} does not parse: {e:?}"))?;
    let found: Vec<ElementRef> = doc.select(&s).collect();
    match found.as_slice() {
        [one] => Ok(one.id()),
        _ => Err(format!("selector {sel:?} matched {} elements", found.len())),
    }
}

#[derive(Default)]
struct Tally {
    files: usize,
    passed: usize,
    failed: usize,
    skipped: usize,
    nodes: usize,
    matched: usize,
    flagged_passes: usize,
    extra: usize,
    reasons: Vec<String>,
}

#[test]
fn axe_rule_fixtures() {
    let dir = data_dir();
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let mut per_rule: BTreeMap<(String, String), Tally> = BTreeMap::new();
    for fx in manifest["fixtures"].as_array().unwrap() {
        let rule_id = fx["rule"].as_str().unwrap().to_string();
        let class = fx["class"].as_str().unwrap().to_string();
        let t = per_rule.entry((class.clone(), rule_id.clone())).or_default();
        t.files += 1;
        let expect: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(fx["json"].as_str().unwrap())).unwrap()).unwrap();
        let buckets = |k: &str| -> Vec<Vec<String>> {
            expect[k]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|t| t.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect())
                        .collect()
                })
                .unwrap_or_default()
        };
        let (ev, ep, ei) = (buckets("violations"), buckets("passes"), buckets("incomplete"));
        let total = ev.len() + ep.len() + ei.len();
        let Some(rule) = rule(&rule_id) else {
            t.skipped += 1;
            t.nodes += total;
            t.reasons.push(format!("{}: rule not implemented", fx["html"].as_str().unwrap()));
            continue;
        };
        let fragment = std::fs::read_to_string(dir.join(fx["html"].as_str().unwrap())).unwrap();
        let body = format!(
            "<!doctype html><html lang=\"en\"><head><title>t</title></head><body><div id=\"fixture\">{fragment}</div></body></html>"
        );
        let page = Page::html_at("https://example.com/fixture.html", &[], &body);
        let doc = page.document().unwrap();
        let fixture_root = resolve(doc, "#fixture").unwrap();
        let outcome = rule.check_page_listing_all(&page);
        let (mut ours, _reviews) = reported(&outcome);
        // axe's context is #fixture: ignore findings outside it.
        ours.retain(|n| {
            *n == fixture_root || doc.tree.get(*n).is_some_and(|nr| nr.ancestors().any(|a| a.id() == fixture_root))
        });
        let mut ok = true;
        let mut notes = Vec::new();
        let mut expected_v = HashSet::new();
        for target in &ev {
            t.nodes += 1;
            if target.len() > 1 {
                notes.push(format!("skip {:?}: iframe path", target));
                continue;
            }
            match resolve(doc, &target[0]) {
                Ok(n) => {
                    expected_v.insert(n);
                    if ours.contains(&n) {
                        t.matched += 1;
                    } else {
                        ok = false;
                        notes.push(format!("missed violation {}", target[0]));
                    }
                }
                Err(e) => {
                    ok = false;
                    notes.push(e);
                }
            }
        }
        for (bucket, name) in [(&ep, "pass"), (&ei, "incomplete")] {
            for target in bucket {
                t.nodes += 1;
                if target.len() > 1 {
                    notes.push(format!("skip {:?}: iframe path", target));
                    continue;
                }
                match resolve(doc, &target[0]) {
                    Ok(n) => {
                        if ours.contains(&n) {
                            ok = false;
                            if name == "pass" {
                                t.flagged_passes += 1;
                            }
                            notes.push(format!("flagged {name} {}", target[0]));
                        } else {
                            t.matched += 1;
                        }
                    }
                    Err(e) => notes.push(e),
                }
            }
        }
        let extra: Vec<_> = ours.difference(&expected_v).collect();
        let listed: HashSet<ego_tree::NodeId> = ep
            .iter()
            .chain(ei.iter())
            .filter(|t| t.len() == 1)
            .filter_map(|t| resolve(doc, &t[0]).ok())
            .collect();
        for n in extra {
            if !listed.contains(n) {
                ok = false;
                t.extra += 1;
                let html = doc.tree.get(*n).and_then(ElementRef::wrap).map(|e| e.html()).unwrap_or_default();
                notes.push(format!("unlisted violation {}", html.chars().take(100).collect::<String>()));
            }
        }
        if ok {
            t.passed += 1;
        } else {
            t.failed += 1;
            t.reasons.push(format!("{}: {}", fx["html"].as_str().unwrap(), notes.join("; ")));
        }
    }
    let mut s_nodes = 0;
    let mut s_matched = 0;
    let mut s_flagged = 0;
    let mut p_nodes = 0;
    let mut p_matched = 0;
    // class → (passed, failed, skipped) fixture files
    let mut files: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    println!("\n=== axe rule fixtures ===");
    for ((class, id), t) in &per_rule {
        println!(
            "[{class}] {id:32} files {:2} passed {:2} failed {:2} skipped {:2}  nodes {}/{} flagged-passes {} extra {}",
            t.files, t.passed, t.failed, t.skipped, t.matched, t.nodes, t.flagged_passes, t.extra
        );
        for r in &t.reasons {
            println!("      - {r}");
        }
        let f = files.entry(class.clone()).or_default();
        f.0 += t.passed;
        f.1 += t.failed;
        f.2 += t.skipped;
        if class == "S" {
            s_nodes += t.nodes;
            s_matched += t.matched;
            s_flagged += t.flagged_passes;
        } else {
            p_nodes += t.nodes;
            p_matched += t.matched;
        }
    }
    let page_level = page_level_cases();
    let s_ratio = s_matched as f64 / s_nodes.max(1) as f64;
    println!(
        "\nclass S: {s_matched}/{s_nodes} expected nodes matched ({:.1}%), flagged passes {s_flagged}",
        100.0 * s_ratio
    );
    println!("class P: {p_matched}/{p_nodes} expected nodes matched ({:.1}%)", 100.0 * p_matched as f64 / p_nodes.max(1) as f64);
    for (class, (p, f, s)) in &files {
        println!("axe class {class} fixtures: {p} passed, {f} failed, {s} skipped (rule not implemented)");
    }
    let (pl_passed, pl_failed, pl_skipped) = page_level;
    println!("axe page-level: {pl_passed} passed, {pl_failed} failed, {pl_skipped} skipped (rule not implemented)");
    assert!(s_ratio >= S_NODE_RATIO_FLOOR, "class S node ratio {s_ratio} below floor {S_NODE_RATIO_FLOOR}");
    assert!(s_flagged <= MAX_FLAGGED_PASSES_S, "{s_flagged} S-class pass nodes flagged");
    let (s_files, p_files) = (files.get("S").copied().unwrap_or_default(), files.get("P").copied().unwrap_or_default());
    assert!(s_files.0 >= S_FILES_PASSED_FLOOR, "{} class S fixtures passed, below the floor {S_FILES_PASSED_FLOOR}", s_files.0);
    assert!(p_matched >= P_NODES_MATCHED_FLOOR, "class P: {p_matched} nodes matched, below the floor {P_NODES_MATCHED_FLOOR}");
    assert!(p_files.0 >= P_FILES_PASSED_FLOOR, "{} class P fixtures passed, below the floor {P_FILES_PASSED_FLOOR}", p_files.0);
    assert_eq!(pl_passed + pl_failed + pl_skipped, PAGE_LEVEL_CASES, "expected {PAGE_LEVEL_CASES} page-level cases");
    assert!(pl_passed >= PAGE_LEVEL_PASSED_FLOOR, "{pl_passed} page-level cases passed, below the floor {PAGE_LEVEL_PASSED_FLOOR}");
}

/// The whole-document cases in `_page-level/`. Returns (passed, failed, skipped).
fn page_level_cases() -> (usize, usize, usize) {
    let dir = data_dir().join("_page-level");
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    println!("\n=== axe page-level cases ===");
    for case in manifest["cases"].as_array().unwrap() {
        let file = case["file"].as_str().unwrap();
        let rule_id = case["rule"].as_str().unwrap();
        let Some(rule) = rule(rule_id) else {
            skipped += 1;
            println!("SKIP {file}: rule {rule_id} not implemented");
            continue;
        };
        let body = std::fs::read_to_string(dir.join(file)).unwrap();
        let page = Page::html_at("https://example.com/page.html", &[], &body);
        let doc = page.document().unwrap();
        let outcome = rule.check_page_listing_all(&page);
        let (ours, reviews) = reported(&outcome);
        let exp = &case["expected_top_level"];
        let sels = |k: &str| -> Vec<String> {
            exp[k].as_array().map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect()).unwrap_or_default()
        };
        let mut ok = true;
        let mut notes = Vec::new();
        let want: HashSet<_> = sels("violation").iter().filter_map(|s| resolve(doc, s).ok()).collect();
        if want != ours {
            ok = false;
            notes.push(format!("violations differ: expected {} got {}", want.len(), ours.len()));
        }
        for s in sels("incomplete") {
            if let Ok(n) = resolve(doc, &s) {
                if !reviews.contains(&n) {
                    notes.push(format!("incomplete {s} not reported as needs-review (informational)"));
                }
            }
        }
        let frame = case["frame_dependent"].as_bool().unwrap_or(false);
        if ok {
            passed += 1;
            println!("ok   {file}");
        } else {
            failed += 1;
            println!("FAIL {file}{}: {}", if frame { " (frame-dependent)" } else { "" }, notes.join("; "));
        }
    }
    (passed, failed, skipped)
}
