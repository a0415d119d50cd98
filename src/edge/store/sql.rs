//! Statements whose shape depends on the request (list filters, cursors),
//! built as plain data: SQL text plus parameters. D1 refuses a statement that
//! binds more than 100 parameters, so every such statement is built here and
//! `finish` refuses one that would exceed it; this file has no `worker`
//! import, so the shapes are checked natively (lib.rs compiles it into the
//! library under `cargo test`). Fixed statements elsewhere in `store` use
//! numbered placeholders only; a test below reads those files and checks them.
use crate::scanner::findings::FindingStatus;
use crate::domain::model::{Domain, Severity};
use crate::api::pagination::Cursor;
use crate::domain::scan::{ScanStatus, Trigger};

/// D1's limit on bound parameters per statement.
pub const D1_MAX_BINDS: usize = 100;

#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Text(String),
    Num(f64),
}

/// A statement ready to prepare and bind.
#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub sql: String,
    pub params: Vec<Param>,
}

/// A statement that would bind more parameters than D1 allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooManyBinds(pub usize);

impl std::fmt::Display for TooManyBinds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "statement would bind {} parameters (D1 allows {D1_MAX_BINDS})", self.0)
    }
}

struct Builder {
    sql: String,
    params: Vec<Param>,
}

impl Builder {
    fn new(sql: impl Into<String>) -> Self {
        Builder { sql: sql.into(), params: Vec::new() }
    }
    /// Binds a parameter; returns its placeholder.
    fn bind(&mut self, p: Param) -> String {
        self.params.push(p);
        format!("?{}", self.params.len())
    }
    fn text(&mut self, v: &str) -> String {
        self.bind(Param::Text(v.to_string()))
    }
    fn num(&mut self, v: i64) -> String {
        self.bind(Param::Num(v as f64))
    }
    fn push(&mut self, s: &str) {
        self.sql.push_str(s);
    }
    fn and_eq(&mut self, col: &str, v: &str) {
        let m = self.text(v);
        self.push(&format!(" AND {col} = {m}"));
    }
    /// `AND col IN (…)`; nothing for an empty list (no filter).
    fn and_in(&mut self, col: &str, values: &[&str]) {
        if values.is_empty() {
            return;
        }
        let marks: Vec<String> = values.iter().map(|v| self.text(v)).collect();
        self.push(&format!(" AND {col} IN ({})", marks.join(", ")));
    }
    fn finish(self) -> Result<Stmt, TooManyBinds> {
        if self.params.len() > D1_MAX_BINDS {
            return Err(TooManyBinds(self.params.len()));
        }
        Ok(Stmt { sql: self.sql, params: self.params })
    }
}

/// Filters of the scans list. Empty vectors mean "any".
pub struct ScanList<'a> {
    pub org: &'a str,
    pub project: &'a str,
    pub statuses: Vec<ScanStatus>,
    pub triggers: Vec<Trigger>,
    pub cursor: Option<Cursor>,
    pub limit: u32,
}

/// Newest first, keyset on (inserted_at, id); one row more than `limit` tells
/// whether another page follows.
pub fn scans_list(cols: &str, f: &ScanList<'_>) -> Result<Stmt, TooManyBinds> {
    // A site scan's page scans are listed under it (`/pages`), not here.
    let mut b = Builder::new(format!("SELECT {cols} FROM scans WHERE org_id = ?1 AND project_id = ?2 AND parent_id IS NULL"));
    b.text(f.org);
    b.text(f.project);
    b.and_in("status", &f.statuses.iter().map(|x| x.as_str()).collect::<Vec<_>>());
    b.and_in("trigger", &f.triggers.iter().map(|x| x.as_str()).collect::<Vec<_>>());
    if let Some(c) = &f.cursor {
        let (ms, id) = (b.num(c.ms), b.text(&c.id));
        b.push(&format!(" AND (inserted_at < {ms} OR (inserted_at = {ms} AND id < {id}))"));
    }
    let limit = b.num(f.limit as i64 + 1);
    b.push(&format!(" ORDER BY inserted_at DESC, id DESC LIMIT {limit}"));
    b.finish()
}

/// Filters of the findings list. Empty vectors mean "any".
pub struct FindingList<'a> {
    pub org: &'a str,
    pub project: &'a str,
    pub statuses: Vec<FindingStatus>,
    pub severities: Vec<Severity>,
    pub domains: Vec<Domain>,
    pub rule_ids: Vec<&'a str>,
    pub scan_id: Option<&'a str>,
    pub owner_id: Option<&'a str>,
    pub by_recency: bool,
    pub after: Option<(i64, String)>,
    pub limit: u32,
}

/// The findings list grouped by rule (`group_by=rule`): per rule, its
/// totals over the filtered findings (window aggregates) on each of its
/// first three findings by priority, the examples. A rule has one finding
/// per URL, so its finding count is its count of affected URLs. At most
/// three rows per rule: the answer is bounded by the rule count.
pub fn findings_groups(f: &FindingList<'_>) -> Result<Stmt, TooManyBinds> {
    let mut b = Builder::new(
        "SELECT rule_id, domain, title, severity, asset, id, score, findings, worst, top FROM ( \
         SELECT f.rule_id AS rule_id, f.domain AS domain, f.title AS title, f.severity AS severity, f.asset AS asset, f.id AS id, f.score AS score, \
         ROW_NUMBER() OVER (PARTITION BY f.rule_id ORDER BY f.score DESC, f.id) AS rn, \
         COUNT(*) OVER (PARTITION BY f.rule_id) AS findings, \
         MIN(CASE f.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END) OVER (PARTITION BY f.rule_id) AS worst, \
         MAX(f.score) OVER (PARTITION BY f.rule_id) AS top \
         FROM findings f WHERE f.org_id = ?1 AND f.project_id = ?2"
            .to_string(),
    );
    b.text(f.org);
    b.text(f.project);
    finding_filters(&mut b, f);
    b.push(") WHERE rn <= 3 ORDER BY findings DESC, top DESC, rule_id, rn");
    b.finish()
}

/// `cols` name the findings table `f`.
pub fn findings_list(cols: &str, f: &FindingList<'_>) -> Result<Stmt, TooManyBinds> {
    let mut b = Builder::new(format!("SELECT {cols} FROM findings f WHERE f.org_id = ?1 AND f.project_id = ?2"));
    b.text(f.org);
    b.text(f.project);
    finding_filters(&mut b, f);
    if let Some((k, id)) = &f.after {
        let (k, id) = (b.num(*k), b.text(id));
        if f.by_recency {
            b.push(&format!(" AND (f.last_seen_at < {k} OR (f.last_seen_at = {k} AND f.id < {id}))"));
        } else {
            b.push(&format!(" AND (f.score < {k} OR (f.score = {k} AND f.id > {id}))"));
        }
    }
    let limit = b.num(f.limit as i64 + 1);
    let order = if f.by_recency { "f.last_seen_at DESC, f.id DESC" } else { "f.score DESC, f.id ASC" };
    b.push(&format!(" ORDER BY {order} LIMIT {limit}"));
    b.finish()
}

/// The list's filters (everything but the cursor and order).
fn finding_filters(b: &mut Builder, f: &FindingList<'_>) {
    b.and_in("f.status", &f.statuses.iter().map(|x| x.as_str()).collect::<Vec<_>>());
    b.and_in("f.severity", &f.severities.iter().map(|x| x.as_str()).collect::<Vec<_>>());
    b.and_in("f.domain", &f.domains.iter().map(|x| x.as_str()).collect::<Vec<_>>());
    b.and_in("f.rule_id", &f.rule_ids);
    if let Some(owner) = f.owner_id {
        b.and_eq("f.owner_id", owner);
    }
    if let Some(scan) = f.scan_id {
        let m = b.text(scan);
        b.push(&format!(" AND f.id IN (SELECT finding_id FROM scan_findings WHERE scan_id = {m})"));
    }
}

/// The findings a scan saw, by priority; keyset on (score, id).
pub fn findings_for_scan(cols: &str, scan_id: &str, after: Option<&(i64, String)>, limit: u32) -> Result<Stmt, TooManyBinds> {
    let mut b = Builder::new(format!("SELECT {cols} FROM scan_findings sf JOIN findings f ON f.id = sf.finding_id WHERE sf.scan_id = ?1"));
    b.text(scan_id);
    if let Some((score, id)) = after {
        let (score, id) = (b.num(*score), b.text(id));
        b.push(&format!(" AND (f.score < {score} OR (f.score = {score} AND f.id > {id}))"));
    }
    let limit = b.num(limit as i64 + 1);
    b.push(&format!(" ORDER BY f.score DESC, f.id ASC LIMIT {limit}"));
    b.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::filters::MAX_FILTER_VALUES;

    /// Every `?N` in the SQL, in order.
    fn placeholders(sql: &str) -> Vec<usize> {
        let b = sql.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'?' {
                let digits: String = sql[i + 1..].chars().take_while(|c| c.is_ascii_digit()).collect();
                if let Ok(n) = digits.parse() {
                    out.push(n);
                }
                i += digits.len();
            }
            i += 1;
        }
        out
    }

    /// Every placeholder names a bound parameter and every parameter is used.
    fn assert_consistent(s: &Stmt) {
        let marks = placeholders(&s.sql);
        assert!(s.params.len() <= D1_MAX_BINDS, "{} binds: {}", s.params.len(), s.sql);
        assert!(marks.iter().all(|n| (1..=s.params.len()).contains(n)), "{}", s.sql);
        for n in 1..=s.params.len() {
            assert!(marks.contains(&n), "?{n} unused in {}", s.sql);
        }
        assert!(!s.sql.contains("? "), "anonymous placeholder in {}", s.sql);
    }

    fn cursor() -> Cursor {
        Cursor { ms: 1, id: "a1b2c3d4-5e6f-4a8b-9c0d-1e2f3a4b5c6d".into() }
    }

    #[test]
    fn the_widest_findings_list_stays_within_d1s_limit() {
        let rules: Vec<String> = (0..MAX_FILTER_VALUES).map(|i| format!("rule-{i}")).collect();
        for by_recency in [false, true] {
            let f = FindingList {
                org: "o",
                project: "p",
                statuses: FindingStatus::ALL.to_vec(),
                severities: Severity::ALL.to_vec(),
                domains: Domain::ALL.to_vec(),
                rule_ids: rules.iter().map(String::as_str).collect(),
                scan_id: Some("s"),
                owner_id: Some("alice"),
                by_recency,
                after: Some((5, "x".into())),
                limit: 100,
            };
            let s = findings_list("f.id", &f).expect("within the limit");
            assert_consistent(&s);
            assert_eq!(s.params.len(), 2 + 5 + 5 + 3 + MAX_FILTER_VALUES + 1 + 1 + 2 + 1);
            assert_eq!(s.params.last(), Some(&Param::Num(101.0)));
        }
        let bare = FindingList {
            org: "o",
            project: "p",
            statuses: vec![],
            severities: vec![],
            domains: vec![],
            rule_ids: vec![],
            scan_id: None,
            owner_id: None,
            by_recency: false,
            after: None,
            limit: 20,
        };
        let s = findings_list("f.id", &bare).expect("bare");
        assert_consistent(&s);
        assert_eq!(s.params, vec![Param::Text("o".into()), Param::Text("p".into()), Param::Num(21.0)]);
        assert!(!s.sql.contains(" IN ("));
    }

    #[test]
    fn a_statement_past_the_limit_is_refused_not_sent() {
        let rules: Vec<String> = (0..120).map(|i| format!("rule-{i}")).collect();
        let f = FindingList {
            org: "o",
            project: "p",
            statuses: vec![],
            severities: vec![],
            domains: vec![],
            rule_ids: rules.iter().map(String::as_str).collect(),
            scan_id: None,
            owner_id: None,
            by_recency: false,
            after: None,
            limit: 20,
        };
        assert_eq!(findings_list("f.id", &f), Err(TooManyBinds(123)));
        // Exactly at the limit is fine.
        let rules97: Vec<&str> = rules.iter().take(97).map(String::as_str).collect();
        let s = findings_list("f.id", &FindingList { rule_ids: rules97, ..f }).expect("100 binds");
        assert_eq!(s.params.len(), 100);
        assert_consistent(&s);
    }

    #[test]
    fn the_widest_scans_list_stays_within_d1s_limit() {
        let f = ScanList {
            org: "o",
            project: "p",
            statuses: ScanStatus::ALL.to_vec(),
            triggers: Trigger::ALL.to_vec(),
            cursor: Some(cursor()),
            limit: 100,
        };
        let s = scans_list("id", &f).expect("within the limit");
        assert_consistent(&s);
        assert_eq!(s.params.len(), 2 + 4 + 3 + 2 + 1);
        let s = scans_list("id", &ScanList { statuses: vec![], triggers: vec![], cursor: None, ..f }).expect("bare");
        assert_consistent(&s);
        assert_eq!(s.params.len(), 3);
    }

    #[test]
    fn findings_of_a_scan() {
        let s = findings_for_scan("f.id", "s", Some(&(80, "x".into())), 100).expect("ok");
        assert_consistent(&s);
        assert_eq!(s.params.len(), 4);
        let s = findings_for_scan("f.id", "s", None, 100).expect("ok");
        assert_consistent(&s);
        assert_eq!(s.params.len(), 2);
    }

    /// The fixed statements: every file that holds SQL uses numbered
    /// placeholders up to ?100 at most, and builds none at run time (only
    /// this module does, checked above).
    #[test]
    fn fixed_statements_elsewhere_bind_at_most_100_parameters() {
        let files = [
            ("findings.rs", include_str!("findings.rs")),
            ("gates.rs", include_str!("gates.rs")),
            ("scans.rs", include_str!("scans.rs")),
            ("schedules.rs", include_str!("schedules.rs")),
            ("idempotency.rs", include_str!("idempotency.rs")),
            ("keys.rs", include_str!("keys.rs")),
            ("health.rs", include_str!("health.rs")),
            ("retention.rs", include_str!("retention.rs")),
            ("badges.rs", include_str!("badges.rs")),
            ("webhooks.rs", include_str!("webhooks.rs")),
            ("dash.rs", include_str!("dash.rs")),
            ("sites.rs", include_str!("sites.rs")),
        ];
        let mut widest = 0;
        for (name, src) in files {
            assert!(!src.contains("?{"), "{name} builds placeholders at run time; build the statement in store::sql");
            let max = placeholders(src).into_iter().max().unwrap_or(0);
            assert!(max <= D1_MAX_BINDS, "{name} uses ?{max}");
            widest = widest.max(max);
        }
        // The findings upsert is the widest fixed statement.
        assert_eq!(widest, 21);
    }

    /// Every store file is in the list above, and no file outside `edge/store`
    /// talks to D1 (the rate limiter's Durable Object keeps its own SQLite).
    #[test]
    fn all_d1_sql_is_in_the_store() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut store: Vec<String> = std::fs::read_dir(root.join("edge/store"))
            .expect("store dir")
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .filter(|n| n.ends_with(".rs") && n != "mod.rs" && n != "sql.rs")
            .collect();
        store.sort();
        let listed = ["badges.rs", "dash.rs", "findings.rs", "gates.rs", "health.rs", "idempotency.rs", "keys.rs", "retention.rs", "scans.rs", "schedules.rs", "sites.rs", "webhooks.rs"];
        assert_eq!(store, listed, "a store file is missing from fixed_statements_elsewhere_bind_at_most_100_parameters");
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).expect("dir").flatten() {
                let p = e.path();
                if p.is_dir() {
                    if p != root.join("edge/store") {
                        stack.push(p);
                    }
                    continue;
                }
                if p.extension().is_none_or(|x| x != "rs") || p == root.join("edge/api/ratelimiter.rs") {
                    continue;
                }
                let src = std::fs::read_to_string(&p).expect("read");
                for needle in [".prepare(", ".batch(", "\"SELECT ", "\"INSERT ", "\"UPDATE ", "\"DELETE "] {
                    assert!(!src.contains(needle), "{} holds SQL ({needle}); move it to edge/store", p.display());
                }
            }
        }
    }
}
