//! The source tree's shape, checked: no import cycle between modules, each
//! layer imports only the layers below it, and no source file is longer
//! than a reader can hold (600 lines). Reads `src/` as text: a module is a
//! file (or a folder with `mod.rs`), an import is any `crate::…`, `super::…`
//! or `self::…` path outside `#[cfg(test)]` code.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 600;

/// Layer → the top-level modules it may import (besides itself).
/// The request path (`api`) reads the scan path's rule catalogue and findings.
const LAYERS: &[(&str, &[&str])] = &[("domain", &[]), ("scanner", &["domain"]), ("api", &["domain", "scanner"]), ("edge", &["domain", "api", "scanner"])];

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut v: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    v.sort();
    for p in v {
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// `src/a/b.rs` → `["a", "b"]`; `src/a/mod.rs` → `["a"]`; `src/lib.rs` → `[]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap_or(file);
    let mut parts: Vec<String> = rel.iter().map(|c| c.to_string_lossy().into_owned()).collect();
    if let Some(last) = parts.pop() {
        let stem = last.trim_end_matches(".rs").to_string();
        if stem != "mod" && stem != "lib" {
            parts.push(stem);
        }
    }
    parts
}

/// The code of a file without its test modules.
fn non_test_code(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(l) = lines.next() {
        if l.trim() == "#[cfg(test)]" && lines.peek().is_some_and(|n| n.trim_start().starts_with("mod ")) {
            break;
        }
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// Every path the code names that starts at `crate::`, `super::` or `self::`,
/// as absolute module segments (as long as the path goes).
fn paths(code: &str, here: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    for start in ["crate::", "super::", "self::"] {
        let mut i = 0;
        while let Some(off) = code[i..].find(start) {
            let at = i + off;
            i = at + start.len();
            if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_' || bytes[at - 1] == b':') {
                continue;
            }
            let rest: String = code[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':').collect();
            let segs: Vec<&str> = rest.split("::").filter(|s| !s.is_empty()).collect();
            // The module a `super`/`self` path starts from: a file module's
            // parent is its folder; a `mod.rs` module's parent is one up.
            let mut base: Vec<String> = here.to_vec();
            let mut k = 0;
            match segs.first().copied() {
                Some("crate") => {
                    base.clear();
                    k = 1;
                }
                Some("self") => k = 1,
                _ => {}
            }
            while segs.get(k) == Some(&"super") {
                base.pop();
                k += 1;
            }
            let mut full = base;
            full.extend(segs[k..].iter().map(|s| s.to_string()));
            // `use x::{a, b::c}`: each item of the group is a path too.
            if code[at + rest.len()..].starts_with('{') {
                for item in group_items(&code[at + rest.len() + 1..]) {
                    let mut p = full.clone();
                    p.extend(item.split("::").map(str::trim).filter(|s| !s.is_empty() && *s != "self").map(str::to_string));
                    out.push(p);
                }
            }
            out.push(full);
        }
    }
    out
}

/// The top-level items of a `{…}` group (text after the `{`), each cut
/// before a nested group or an `as`.
fn group_items(text: &str) -> Vec<String> {
    let (mut depth, mut cur, mut items) = (0usize, String::new(), Vec::new());
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => items.push(std::mem::take(&mut cur)),
            _ if depth == 0 => cur.push(c),
            _ => {}
        }
    }
    items.push(cur);
    items.into_iter().map(|i| i.split(" as ").next().unwrap_or("").trim().trim_end_matches("::").to_string()).filter(|i| !i.is_empty()).collect()
}

struct Tree {
    modules: BTreeSet<Vec<String>>,
    /// `pub use` aliases at the crate root: alias → real path.
    aliases: BTreeMap<String, Vec<String>>,
}

impl Tree {
    /// The longest known module that is a prefix of `path`.
    fn resolve(&self, path: &[String]) -> Option<Vec<String>> {
        let mut p: Vec<String> = path.to_vec();
        if let Some(first) = p.first() {
            if let Some(real) = self.aliases.get(first) {
                let mut r = real.clone();
                r.extend(p.drain(1..));
                p = r;
            }
        }
        (1..=p.len()).rev().map(|n| p[..n].to_vec()).find(|m| self.modules.contains(m))
    }
}

fn crate_root_aliases(lib: &str) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for line in lib.lines() {
        let l = line.trim();
        let Some(rest) = l.strip_prefix("pub use ") else { continue };
        let rest = rest.trim_end_matches(';');
        if let Some((head, group)) = rest.split_once("::{") {
            for item in group.trim_end_matches('}').split(',') {
                let item = item.trim();
                if !item.is_empty() {
                    out.insert(item.to_string(), vec![head.to_string(), item.to_string()]);
                }
            }
        }
    }
    out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Edges between sibling modules: an import from `a` to `b` counts at their
/// lowest common ancestor, between its children that contain them (a module
/// using its own parent or child is one unit, not an edge).
fn sibling_edges() -> BTreeMap<Vec<String>, BTreeSet<(String, String)>> {
    let src = src();
    let mut files = Vec::new();
    rs_files(&src, &mut files);
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap_or_default();
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(&src, f)).collect();
    let tree = Tree { modules, aliases: crate_root_aliases(&lib) };
    let mut edges: BTreeMap<Vec<String>, BTreeSet<(String, String)>> = BTreeMap::new();
    for f in &files {
        let here = module_of(&src, f);
        let text = std::fs::read_to_string(f).unwrap_or_default();
        for p in paths(&non_test_code(&text), &here) {
            let Some(to) = tree.resolve(&p) else { continue };
            let common = here.iter().zip(&to).take_while(|(a, b)| a == b).count();
            if common == here.len() || common == to.len() {
                continue;
            }
            edges.entry(here[..common].to_vec()).or_default().insert((here[common].clone(), to[common].clone()));
        }
    }
    edges
}

#[test]
fn no_import_cycles() {
    let mut cycles = Vec::new();
    for (parent, es) in sibling_edges() {
        // A cycle exists when some edge a → b has a path back from b to a.
        for (a, b) in &es {
            let mut seen = BTreeSet::new();
            let mut stack = vec![b.clone()];
            while let Some(n) = stack.pop() {
                if &n == a {
                    cycles.push(format!("{}: {a} -> {b} -> … -> {a}", if parent.is_empty() { "crate".into() } else { parent.join("::") }));
                    break;
                }
                if seen.insert(n.clone()) {
                    stack.extend(es.iter().filter(|(x, _)| *x == n).map(|(_, y)| y.clone()));
                }
            }
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn layers_import_only_what_is_below_them() {
    let edges = sibling_edges();
    let top = edges.get(&Vec::new()).cloned().unwrap_or_default();
    let mut wrong = Vec::new();
    for (from, to) in &top {
        let Some((_, allowed)) = LAYERS.iter().find(|(l, _)| l == from) else { continue };
        if !allowed.contains(&to.as_str()) {
            wrong.push(format!("{from} imports {to}"));
        }
    }
    // Along the scan path, the page model knows nothing of the rules, and
    // the fetch policy nothing of either's analysis.
    let scanner = edges.get(&vec!["scanner".to_string()]).cloned().unwrap_or_default();
    for (from, to) in &scanner {
        if matches!((from.as_str(), to.as_str()), ("page", "rules") | ("fetchpolicy", "rules") | ("page", "findings") | ("rules", "findings")) {
            wrong.push(format!("scanner::{from} imports scanner::{to}"));
        }
    }
    assert!(wrong.is_empty(), "imports against the layering:\n{}", wrong.join("\n"));
}

#[test]
fn no_source_file_is_longer_than_600_lines() {
    let mut files = Vec::new();
    rs_files(&src(), &mut files);
    assert!(files.len() > 50, "sources not found");
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).ok()?.lines().count();
            (n > MAX_LINES).then(|| format!("{} ({n} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "files over {MAX_LINES} lines:\n{}", long.join("\n"));
}
