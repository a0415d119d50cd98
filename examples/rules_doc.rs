//! Writes docs/rules.md from the rule records: `npm run docs`.
fn main() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md");
    if let Err(e) = std::fs::write(path, audit_worker::scanner::rules::catalogue::markdown()) {
        eprintln!("could not write {path}: {e}");
        std::process::exit(1);
    }
    println!("wrote {path}");
}
