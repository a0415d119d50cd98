//! docs/rules.md must match the rule records (regenerate with `npm run docs`).
#[test]
fn rules_doc_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md");
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        on_disk == audit_worker::scanner::rules::catalogue::markdown(),
        "docs/rules.md is stale: run `npm run docs` and commit it"
    );
}
