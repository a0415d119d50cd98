//! `audit scan PATH…`: the rules that need no network, over local HTML files
//! and directories (built sites before deploy), in parallel. Exit 0 when the
//! gate passes, 1 when it fails, 2 for usage or I/O errors.
use crate::report::{self, Format, PageReport, Report, Skipped};
use audit_worker::domain::model::Severity;
use audit_worker::scanner::findings;
use audit_worker::scanner::page::Page;
use audit_worker::scanner::rules::{self, Rule};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

const HELP: &str = "usage: audit scan [options] PATH…

Runs every rule that needs no network on local HTML files, and on every
*.html / *.htm file under the given directories (recursively).

options:
  --header 'Name: value'   a response header the pages are served with (repeatable);
                           without any, rules that judge response headers are skipped
  --format text|json|sarif|junit   output on stdout (default text)
  --fail-on SEVERITY       fail (exit 1) when a finding is at least this severe:
                           critical, high, medium, low, info, or none (default high)
  --base-url URL           the URL the site is served at (default https://example.com/);
                           a file's URL is this joined with its path under the directory given
  --jobs N                 threads (default: the machine's parallelism)
  --list-rules             print each rule and whether it runs here, then exit

exit status: 0 the gate passes, 1 it fails, 2 usage or I/O error";

/// Rules that judge what only a live server shows (probes of other URLs,
/// redirects, status, timings, transfer sizes, subresource headers): never
/// run on files, since they would judge data the tool does not have.
pub const NETWORK_RULES: &[&str] = &[
    "redirection",            // the http:// probe
    "security-txt",           // GET /.well-known/security.txt
    "cors-origin-reflection", // the CORS preflight
    "server-response-time",   // time to first byte
    "redirects",              // the redirect chain
    "http-status-code",       // the response status
    "total-byte-weight",      // transferred bytes
    "uses-long-cache-ttl",    // subresources' cache headers (HEAD requests)
];

/// Rules that read the document but judge response headers as well, so
/// without headers they would report what the server may well send (a
/// missing CSP, for one): skipped unless `--header` is given. Rules that read
/// only headers are found by running them (they never touch the document).
pub const HEADER_RULES_READING_DOCUMENT: &[&str] = &[
    "content-security-policy", // the header, and <meta http-equiv> policies
    "x-frame-options",         // the header, or CSP frame-ancestors
    "permissions-policy",      // the header, and iframe allow attributes
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Judges the document alone: always run.
    Document,
    /// Needs response headers: run only when `--header` is given.
    Headers,
    /// Needs the network: never run here.
    Network,
}

impl Class {
    pub fn reason(self) -> &'static str {
        match self {
            Class::Document => "",
            Class::Headers => "judges response headers; pass --header to run it",
            Class::Network => "needs a live server (probes, timings or transfer sizes)",
        }
    }
}

/// Every rule's class. Whether a rule reads the document is observed, not
/// listed: each rule runs once on a reference page and the analysis context
/// records whether it asked for the document.
pub fn classify() -> Vec<(&'static Rule, Class)> {
    let page = Page::html_at("https://example.com/", &[], "<!doctype html><html lang=en><head><title>t</title></head><body><main><h1>t</h1><p>x</p></main></body></html>");
    let a = rules::analysis(&page);
    rules::all()
        .iter()
        .map(|rule| {
            a.take_document_read();
            let _ = (rule.check)(&a);
            let reads_document = a.take_document_read();
            let class = if NETWORK_RULES.contains(&rule.id) {
                Class::Network
            } else if !reads_document || HEADER_RULES_READING_DOCUMENT.contains(&rule.id) {
                Class::Headers
            } else {
                Class::Document
            };
            (*rule, class)
        })
        .collect()
}

struct Options {
    paths: Vec<String>,
    headers: Vec<(String, String)>,
    format: Format,
    fail_on: Option<Severity>,
    base_url: url::Url,
    jobs: usize,
    list_rules: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        paths: Vec::new(),
        headers: Vec::new(),
        format: Format::Text,
        fail_on: Some(Severity::High),
        base_url: url::Url::parse("https://example.com/").map_err(|e| e.to_string())?,
        jobs: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        list_rules: false,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--header" | "-H" => {
                let v = value("--header")?;
                let (name, val) = v.split_once(':').ok_or_else(|| format!("--header {v:?}: expected 'Name: value'"))?;
                let name = name.trim();
                if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic()) {
                    return Err(format!("--header {v:?}: not a header name"));
                }
                o.headers.push((name.to_ascii_lowercase(), val.trim().to_string()));
            }
            "--format" | "-f" => {
                let v = value("--format")?;
                o.format = Format::parse(&v).ok_or_else(|| format!("--format {v:?}: expected text, json, sarif or junit"))?;
            }
            "--fail-on" => {
                let v = value("--fail-on")?;
                o.fail_on = match v.as_str() {
                    "none" => None,
                    s => Some(Severity::parse(s).ok_or_else(|| format!("--fail-on {v:?}: expected critical, high, medium, low, info or none"))?),
                };
            }
            "--base-url" => {
                let v = value("--base-url")?;
                let mut u = url::Url::parse(&v).map_err(|e| format!("--base-url {v:?}: {e}"))?;
                if !matches!(u.scheme(), "http" | "https") {
                    return Err(format!("--base-url {v:?}: expected an http or https URL"));
                }
                if !u.path().ends_with('/') {
                    let p = format!("{}/", u.path());
                    u.set_path(&p);
                }
                o.base_url = u;
            }
            "--jobs" | "-j" => {
                let v = value("--jobs")?;
                o.jobs = v.parse().ok().filter(|n: &usize| *n >= 1 && *n <= 256).ok_or_else(|| format!("--jobs {v:?}: expected 1–256"))?;
            }
            "--list-rules" => o.list_rules = true,
            "--" => o.paths.extend(it.by_ref().cloned()),
            s if s.starts_with('-') && s.len() > 1 => return Err(format!("unknown option {s}")),
            s => o.paths.push(s.to_string()),
        }
    }
    if o.paths.is_empty() && !o.list_rules {
        return Err("no PATH given".into());
    }
    Ok(o)
}

/// What a file name may hold that a URL path may not (`/` stays a separator).
const PATH_ESCAPES: &percent_encoding::AsciiSet =
    &percent_encoding::CONTROLS.add(b' ').add(b'"').add(b'#').add(b'%').add(b'<').add(b'>').add(b'?').add(b'\\').add(b'^').add(b'`').add(b'{').add(b'|').add(b'}');

/// A file to scan: where it is, what to call it, and its URL.
struct Input {
    file: PathBuf,
    display: String,
    url: String,
}

fn slashes(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?.map(|e| e.map(|e| e.path())).collect::<std::io::Result<_>>()?;
    entries.sort();
    for p in entries {
        // Symbolic links to directories are not followed (no cycles).
        let meta = std::fs::symlink_metadata(&p)?;
        if meta.is_dir() {
            walk(&p, out)?;
        } else if matches!(p.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref(), Some("html" | "htm")) {
            out.push(p);
        }
    }
    Ok(())
}

fn inputs(o: &Options) -> Result<Vec<Input>, String> {
    let mut out = Vec::new();
    for arg in &o.paths {
        let root = Path::new(arg);
        let meta = std::fs::metadata(root).map_err(|e| format!("{arg}: {e}"))?;
        let (files, base): (Vec<PathBuf>, &Path) = if meta.is_dir() {
            let mut v = Vec::new();
            walk(root, &mut v).map_err(|e| format!("{arg}: {e}"))?;
            (v, root)
        } else {
            (vec![root.to_path_buf()], root.parent().unwrap_or(Path::new("")))
        };
        for f in files {
            let rel = slashes(f.strip_prefix(base).unwrap_or(&f));
            let url = o.base_url.join(&percent_encoding::utf8_percent_encode(&rel, PATH_ESCAPES).to_string());
            let url = url.map_err(|e| format!("{}: no URL under --base-url: {e}", f.display()))?;
            out.push(Input { display: slashes(&f), file: f, url: url.to_string() });
        }
    }
    Ok(out)
}

/// Analyses one file with the rules that run here.
fn analyse(input: &Input, headers: &[(String, String)], run: &[&'static Rule]) -> Result<PageReport, String> {
    let bytes = std::fs::read(&input.file).map_err(|e| format!("{}: {e}", input.display))?;
    let body = String::from_utf8_lossy(&bytes);
    let hs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let page = Page::html_at(&input.url, &hs, &body);
    let a = rules::analysis(&page);
    let results: Vec<rules::RuleResult> = run.iter().map(|r| rules::run_one(r, &a)).collect();
    // The file's path is the finding's asset (and SARIF's artifact), so a
    // report points at the file in the repository.
    let observations = findings::observations(&results, "local", "local", &input.display);
    Ok(PageReport {
        path: input.display.clone(),
        url: input.url.clone(),
        rules_run: run.iter().map(|r| r.id).collect(),
        observations,
        limits_hit: page.limits_hit.iter().map(|l| l.as_str()).collect(),
    })
}

pub fn main(args: &[String]) -> i32 {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{HELP}");
        return 0;
    }
    let o = match parse(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("audit scan: {e}\n\n{HELP}");
            return 2;
        }
    };
    let classes = classify();
    if o.list_rules {
        for (r, c) in &classes {
            let runs = match c {
                Class::Document => "runs",
                Class::Headers if !o.headers.is_empty() => "runs",
                _ => "skipped",
            };
            println!("{}\t{}\t{runs}\t{}", r.id, r.domain.as_str(), c.reason());
        }
        return 0;
    }
    let run: Vec<&'static Rule> = classes
        .iter()
        .filter(|(_, c)| *c == Class::Document || (*c == Class::Headers && !o.headers.is_empty()))
        .map(|(r, _)| *r)
        .collect();
    let skipped: Vec<Skipped> = classes
        .iter()
        .filter(|(r, _)| !run.iter().any(|x| x.id == r.id))
        .map(|(r, c)| Skipped { rule_id: r.id, reason: c.reason() })
        .collect();
    let inputs = match inputs(&o) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("audit scan: {e}");
            return 2;
        }
    };
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let threads = o.jobs.min(inputs.len()).max(1);
    let mut done: Vec<(usize, Result<PageReport, String>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(input) = inputs.get(i) else { break };
                        mine.push((i, analyse(input, &o.headers, &run)));
                    }
                    mine
                })
            })
            .collect();
        // A worker that panicked (it should not: rules never panic on input)
        // loses its pages; they are reported missing below.
        workers.into_iter().flat_map(|w| w.join().unwrap_or_default()).collect()
    });
    let elapsed = started.elapsed();
    done.sort_by_key(|(i, _)| *i);
    let mut pages = Vec::with_capacity(done.len());
    for (_, r) in done {
        match r {
            Ok(p) => pages.push(p),
            Err(e) => {
                eprintln!("audit scan: {e}");
                return 2;
            }
        }
    }
    if pages.len() != inputs.len() {
        eprintln!("audit scan: {} of {} pages could not be analysed", inputs.len() - pages.len(), inputs.len());
        return 2;
    }
    let report = Report { pages, skipped, fail_on: o.fail_on, headers_given: !o.headers.is_empty(), elapsed, threads };
    let out = report::render(&report, o.format);
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(out.as_bytes()).and_then(|_| stdout.flush()).is_err() {
        return 2;
    }
    // The speed line goes to stderr for machine formats, so stdout stays one document.
    let speed = report.speed_line();
    if o.format == Format::Text {
        let _ = writeln!(stdout, "{speed}");
    } else {
        eprintln!("{speed}");
    }
    if report.passed() {
        0
    } else {
        1
    }
}
