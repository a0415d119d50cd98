//! Site scans: the scope of a scan, the crawl options a Run Scan request (or
//! a schedule) carries, and the states of a site scan's pages. Pure: the
//! crawl itself (robots, sitemaps, links) is `scanner::crawl`.
use serde_json::{json, Map, Value};

/// Pages a site scan scans when the request does not say.
pub const DEFAULT_MAX_PAGES: u32 = 25;
/// The most pages one site scan may scan.
pub const MAX_PAGES_CEILING: u32 = 500;
/// Link depth followed when the request does not say (0 = the start URL only).
pub const DEFAULT_MAX_DEPTH: u32 = 5;
pub const MAX_DEPTH_CEILING: u32 = 20;
/// Path patterns per list, and characters per pattern.
pub const MAX_PATTERNS: usize = 20;
pub const MAX_PATTERN_CHARS: usize = 200;
/// Distinct URLs one site scan remembers (scanned or not); past it they are
/// only counted (`pages.discovered` stays exact, the pages list does not).
pub const MAX_SITE_ROWS: u32 = 2_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Page,
    Site,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Page => "page",
            Scope::Site => "site",
        }
    }
    pub fn parse(s: &str) -> Option<Scope> {
        [Scope::Page, Scope::Site].into_iter().find(|x| x.as_str() == s)
    }
}

/// A site scan's crawl options, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteOptions {
    pub max_pages: u32,
    pub max_depth: u32,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

impl Default for SiteOptions {
    fn default() -> Self {
        SiteOptions { max_pages: DEFAULT_MAX_PAGES, max_depth: DEFAULT_MAX_DEPTH, include: Vec::new(), exclude: Vec::new() }
    }
}

impl SiteOptions {
    pub fn to_json(&self) -> Value {
        json!({ "max_pages": self.max_pages, "max_depth": self.max_depth, "include": self.include, "exclude": self.exclude })
    }

    /// Reads options written by `to_json` (stored rows); anything unreadable
    /// falls back to the defaults, field by field.
    pub fn from_stored(v: &Value) -> SiteOptions {
        let mut d = Map::new();
        let obj = v.as_object().cloned().unwrap_or_default();
        parse_fields(&obj, "", &mut d)
    }
}

/// Parses `scope` and the crawl options from a request object (Run Scan's
/// body, a schedule's body). `prefix` names the fields in error details.
/// Returns the scope and, for a site scope, its options. Options given with
/// `scope: "page"` are refused, so a forgotten scope is not silently a page.
pub fn parse(body: &Map<String, Value>, details: &mut Map<String, Value>) -> (Scope, Option<SiteOptions>) {
    let scope = match body.get("scope") {
        None | Some(Value::Null) => Scope::Page,
        Some(Value::String(s)) => Scope::parse(s).unwrap_or_else(|| {
            details.insert("scope".into(), "must be one of page, site".into());
            Scope::Page
        }),
        Some(_) => {
            details.insert("scope".into(), "must be one of page, site".into());
            Scope::Page
        }
    };
    let given = ["max_pages", "max_depth", "include", "exclude"].into_iter().filter(|k| body.get(*k).is_some_and(|v| !v.is_null()));
    if scope == Scope::Page {
        for k in given {
            details.insert(k.into(), "is only accepted with scope \"site\"".into());
        }
        return (scope, None);
    }
    (scope, Some(parse_fields(body, "", details)))
}

fn parse_fields(body: &Map<String, Value>, prefix: &str, details: &mut Map<String, Value>) -> SiteOptions {
    let mut o = SiteOptions::default();
    let mut int = |key: &str, max: u32, min: u32, default: u32| -> u32 {
        match body.get(key) {
            None | Some(Value::Null) => default,
            Some(v) => match v.as_u64() {
                Some(n) if n >= min as u64 && n <= max as u64 => n as u32,
                _ => {
                    details.insert(format!("{prefix}{key}"), format!("must be an integer from {min} to {max}").into());
                    default
                }
            },
        }
    };
    o.max_pages = int("max_pages", MAX_PAGES_CEILING, 1, DEFAULT_MAX_PAGES);
    o.max_depth = int("max_depth", MAX_DEPTH_CEILING, 0, DEFAULT_MAX_DEPTH);
    for (key, out) in [("include", &mut o.include), ("exclude", &mut o.exclude)] {
        match body.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) if items.len() <= MAX_PATTERNS => {
                for item in items {
                    match item.as_str() {
                        Some(p) if pattern_ok(p) => {
                            if !out.iter().any(|x| x == p) {
                                out.push(p.to_string());
                            }
                        }
                        _ => {
                            details.insert(
                                format!("{prefix}{key}"),
                                format!("patterns are strings of 1 to {MAX_PATTERN_CHARS} characters starting with / or *").into(),
                            );
                        }
                    }
                }
            }
            Some(_) => {
                details.insert(format!("{prefix}{key}"), format!("must be an array of at most {MAX_PATTERNS} path patterns").into());
            }
        }
    }
    o
}

fn pattern_ok(p: &str) -> bool {
    !p.is_empty() && p.chars().count() <= MAX_PATTERN_CHARS && (p.starts_with('/') || p.starts_with('*')) && !p.chars().any(char::is_control)
}

/// What happened to one URL a site scan found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageState {
    /// Found, waiting for a free lane.
    Pending,
    /// Its page scan is queued or running.
    Queued,
    Scanned,
    Failed,
    /// Fetched but not analysed (not HTML, redirected off the origin).
    Skipped,
    /// Never fetched: robots.txt, include/exclude, depth, max_pages, other origin.
    Excluded,
    Cancelled,
}

impl PageState {
    pub const ALL: [PageState; 7] = [
        PageState::Pending,
        PageState::Queued,
        PageState::Scanned,
        PageState::Failed,
        PageState::Skipped,
        PageState::Excluded,
        PageState::Cancelled,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            PageState::Pending => "pending",
            PageState::Queued => "queued",
            PageState::Scanned => "scanned",
            PageState::Failed => "failed",
            PageState::Skipped => "skipped",
            PageState::Excluded => "excluded",
            PageState::Cancelled => "cancelled",
        }
    }
    pub fn parse(s: &str) -> Option<PageState> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The parent's `pages` summary object from the count of rows per state
/// (`overflow`: distinct URLs past the row cap, counted as discovered and excluded).
pub fn pages_summary(counts: &[(PageState, u64)], overflow: u64) -> Value {
    let get = |s: PageState| counts.iter().filter(|(k, _)| *k == s).map(|(_, n)| *n).sum::<u64>();
    let total: u64 = counts.iter().map(|(_, n)| *n).sum::<u64>() + overflow;
    json!({
        "discovered": total,
        "scanned": get(PageState::Scanned),
        "failed": get(PageState::Failed),
        "skipped": get(PageState::Skipped),
        "excluded": get(PageState::Excluded) + overflow,
        "cancelled": get(PageState::Cancelled),
        "pending": get(PageState::Pending) + get(PageState::Queued),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn page_is_the_default_and_refuses_crawl_options() {
        let mut d = Map::new();
        assert_eq!(parse(&obj(json!({})), &mut d), (Scope::Page, None));
        assert!(d.is_empty());
        parse(&obj(json!({"max_pages": 5})), &mut d);
        assert!(d.contains_key("max_pages"));
    }

    #[test]
    fn site_options_default_and_bounds() {
        let mut d = Map::new();
        let (s, o) = parse(&obj(json!({"scope": "site"})), &mut d);
        assert_eq!(s, Scope::Site);
        assert_eq!(o, Some(SiteOptions::default()));
        let mut d = Map::new();
        parse(&obj(json!({"scope": "site", "max_pages": 501, "max_depth": -1, "include": ["nope"], "exclude": "x"})), &mut d);
        for k in ["max_pages", "max_depth", "include", "exclude"] {
            assert!(d.contains_key(k), "{k}: {d:?}");
        }
        let mut d = Map::new();
        let (_, o) = parse(&obj(json!({"scope": "site", "max_pages": 500, "max_depth": 0, "exclude": ["/private/", "/private/", "*.pdf$"]})), &mut d);
        assert!(d.is_empty(), "{d:?}");
        let o = o.expect("options");
        assert_eq!((o.max_pages, o.max_depth), (500, 0));
        assert_eq!(o.exclude, vec!["/private/", "*.pdf$"], "duplicates dropped");
        let mut d = Map::new();
        parse(&obj(json!({"scope": "everything"})), &mut d);
        assert!(d.contains_key("scope"));
    }

    #[test]
    fn too_many_patterns_are_refused() {
        let many: Vec<String> = (0..21).map(|i| format!("/p{i}")).collect();
        let mut d = Map::new();
        parse(&obj(json!({"scope": "site", "include": many})), &mut d);
        assert!(d.contains_key("include"));
    }

    #[test]
    fn stored_options_round_trip() {
        let o = SiteOptions { max_pages: 40, max_depth: 2, include: vec!["/docs".into()], exclude: vec!["/private/".into()] };
        assert_eq!(SiteOptions::from_stored(&o.to_json()), o);
        assert_eq!(SiteOptions::from_stored(&json!("junk")), SiteOptions::default());
    }

    #[test]
    fn pages_summary_counts_overflow_as_excluded() {
        let v = pages_summary(&[(PageState::Scanned, 3), (PageState::Excluded, 2), (PageState::Pending, 1)], 4);
        assert_eq!(v["discovered"], 10);
        assert_eq!(v["excluded"], 6);
        assert_eq!(v["scanned"], 3);
        assert_eq!(v["pending"], 1);
    }
}
