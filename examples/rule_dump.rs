//! Prints every rule's outcome over every HTML page of the conformance suites
//! and over the benchmark's generated pages, one line per (page, rule), so two
//! builds can be compared byte for byte (`diff`). Used to show that a change
//! of structure or performance leaves rule output alone.
//! Run: `cargo run --release --example rule_dump > before.txt`
use audit_worker::scanner::page::Page;
use audit_worker::scanner::rules::{self, Evidence, Outcome};
use std::path::{Path, PathBuf};

#[path = "../benches/typical.rs"]
mod typical;

fn html_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            html_files(&p, out);
        } else if matches!(p.extension().and_then(|e| e.to_str()), Some("html" | "htm" | "xhtml")) {
            out.push(p);
        }
    }
}

fn line(e: &Evidence) -> String {
    match e {
        Evidence::Element { selector, snippet, line, needs_review, .. } => {
            format!("el[{selector}|{line:?}|{}|{snippet}]", if *needs_review { "review" } else { "" })
        }
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

fn dump(name: &str, page: &Page) {
    if !page.limits_hit.is_empty() {
        println!("{name}\tLIMITS\t{:?}", page.limits_hit);
    }
    for r in rules::run_all(page) {
        let text = match &r.outcome {
            Outcome::NotApplicable => "n/a".to_string(),
            Outcome::Pass { code } => format!("pass {code:?}"),
            Outcome::Fail(v) => format!(
                "FAIL {:?} {:.2} {:?} {:?} [{}] {}",
                v.severity,
                v.confidence,
                v.code,
                v.detail,
                // Kept items, and the true total when checks listed only the first ones.
                if v.evidence_total() == v.evidence.len() { v.evidence.len().to_string() } else { format!("{}/{}", v.evidence.len(), v.evidence_total()) },
                v.evidence.iter().map(line).collect::<Vec<_>>().join(" ; ")
            ),
        };
        println!("{name}\t{}\t{}", r.rule.id, text.replace('\n', "\\n"));
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance");
    let mut files = Vec::new();
    html_files(&root, &mut files);
    for f in &files {
        let Ok(bytes) = std::fs::read(f) else { continue };
        let body = String::from_utf8_lossy(&bytes).into_owned();
        let page = Page::html_at("https://example.com/page", &[], &body);
        dump(&f.strip_prefix(&root).unwrap_or(f).display().to_string(), &page);
    }
    for size in [10_000usize, 100_000, 1_000_000] {
        let page = Page::html_at("https://example.com/bench", &[], &typical::generate(size));
        dump(&format!("generated-{size}"), &page);
    }
}
