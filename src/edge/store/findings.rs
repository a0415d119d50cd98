//! Findings in D1: the lifecycle writes of a completed scan and the reads.
//! The command center's counts follow every write to `findings` and
//! `scan_findings` by themselves (triggers, migration 0010), in the same
//! statement, so new writers need nothing extra.
use super::{n, s};
use crate::scanner::findings::{Finding, FindingStatus, Observation};
use crate::domain::model::{Domain, Severity};
use serde::Deserialize;
use serde_json::Value;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, Result};

const UPSERT: &str = "INSERT INTO findings (id, org_id, project_id, fingerprint, rule_id, domain, severity, title, description, confidence, \
  impact, effort, risk, score, asset, evidence, evidence_total, recommended_fix, refs, status, owner_id, regressed, \
  first_seen_scan_id, last_seen_scan_id, created_at, updated_at, last_seen_at) \
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, 'new', NULL, 0, ?20, ?20, ?21, ?21, ?21) \
  ON CONFLICT (org_id, project_id, fingerprint) DO UPDATE SET \
  severity = excluded.severity, title = excluded.title, description = excluded.description, confidence = excluded.confidence, \
  impact = excluded.impact, effort = excluded.effort, risk = excluded.risk, score = excluded.score, \
  evidence = excluded.evidence, evidence_total = excluded.evidence_total, recommended_fix = excluded.recommended_fix, refs = excluded.refs, \
  last_seen_scan_id = excluded.last_seen_scan_id, last_seen_at = excluded.last_seen_at, \
  regressed = CASE WHEN findings.status = 'resolved' THEN 1 ELSE findings.regressed END, \
  resolved_by_scan_id = CASE WHEN findings.status = 'resolved' THEN NULL ELSE findings.resolved_by_scan_id END, \
  updated_at = CASE WHEN findings.status = 'resolved' OR findings.severity != excluded.severity OR findings.evidence != excluded.evidence \
    THEN excluded.updated_at ELSE findings.updated_at END, \
  status = CASE WHEN findings.status = 'resolved' THEN 'new' ELSE findings.status END";

/// The completed scan whose observations are recorded.
pub struct ScanRef<'a> {
    pub org: &'a str,
    pub project: &'a str,
    pub scan_id: &'a str,
    pub asset: &'a str,
    /// The site scan this page scan belongs to: the findings are linked to
    /// it in the same batch (its page row is marked scanned by the crawl,
    /// once the page's links are recorded: see `edge::scanner::site`).
    pub site: Option<&'a str>,
}

/// Marks the scan completed with its summary and records its observations,
/// in one D1 batch: a scan's effects land together or not at all.
pub async fn record_completed_scan(
    db: &D1Database,
    scan: &ScanRef<'_>,
    summary: &str,
    obs: &[Observation],
    new_ids: &[String],
    now: i64,
    gate_result: Option<&str>,
) -> Result<()> {
    let mut stmts = vec![super::scans::complete_stmt(db, scan.scan_id, now, summary, gate_result)?];
    stmts.extend(record_stmts(db, scan, obs, new_ids, now)?);
    if let Some(site) = scan.site {
        stmts.push(super::sites::link_findings_stmt(db, site, scan.scan_id)?);
    }
    db.batch(stmts).await?;
    Ok(())
}

/// The statements that record a completed scan's observations, in order:
/// upsert each finding, link it to the scan, then resolve the open findings
/// of this URL that the scan no longer saw. Idempotent for a redelivered scan.

fn record_stmts(
    db: &D1Database,
    scan: &ScanRef<'_>,
    obs: &[Observation],
    new_ids: &[String],
    now: i64,
) -> Result<Vec<D1PreparedStatement>> {
    let ScanRef { org, project, scan_id, asset, .. } = *scan;
    let mut out = Vec::with_capacity(obs.len() * 3 + 2);
    let actor = format!("scan:{scan_id}");
    for (o, id) in obs.iter().zip(new_ids) {
        // A resolved finding seen again reopens: record it before the upsert flips it.
        out.push(
            db.prepare(
                "INSERT INTO finding_events (id, finding_id, org_id, actor, field, from_value, to_value, note, at) \
                 SELECT lower(hex(randomblob(16))), id, org_id, ?4, 'status', 'resolved', 'new', 'regression: seen again', ?5 \
                 FROM findings WHERE org_id = ?1 AND project_id = ?2 AND fingerprint = ?3 AND status = 'resolved'",
            )
            .bind(&[s(org), s(project), s(&o.fingerprint), s(&actor), n(now)])?,
        );
        out.push(db.prepare(UPSERT).bind(&[
            s(id),
            s(org),
            s(project),
            s(&o.fingerprint),
            s(&o.rule_id),
            s(o.domain.as_str()),
            s(o.severity.as_str()),
            s(&o.title),
            s(&o.description),
            JsValue::from_f64(o.confidence),
            n(o.impact as i64),
            n(o.effort as i64),
            n(o.risk as i64),
            n(o.score as i64),
            s(&o.asset),
            s(&o.evidence.to_string()),
            n(o.evidence_total as i64),
            s(&o.recommended_fix.to_string()),
            s(&o.references.to_string()),
            s(scan_id),
            n(now),
        ])?);
        out.push(
            db.prepare(
                "INSERT OR IGNORE INTO scan_findings (scan_id, finding_id, severity, seen_at, evidence_sig) \
                 SELECT ?1, id, ?4, ?6, ?7 FROM findings WHERE org_id = ?2 AND project_id = ?3 AND fingerprint = ?5",
            )
            .bind(&[
                s(scan_id),
                s(org),
                s(project),
                s(o.severity.as_str()),
                s(&o.fingerprint),
                n(now),
                s(&crate::domain::compare::evidence_signature(&o.evidence, o.evidence_total)),
            ])?,
        );
    }
    out.push(
        db.prepare(
            "INSERT INTO finding_events (id, finding_id, org_id, actor, field, from_value, to_value, note, at) \
             SELECT lower(hex(randomblob(16))), id, org_id, ?5, 'status', status, 'resolved', 'not seen by a later scan', ?6 \
             FROM findings WHERE org_id = ?1 AND project_id = ?2 AND asset = ?3 AND status IN ('new', 'acknowledged', 'in_progress') \
             AND last_seen_scan_id != ?4",
        )
        .bind(&[s(org), s(project), s(asset), s(scan_id), s(&actor), n(now)])?,
    );
    out.push(
        db.prepare(
            "UPDATE findings SET status = 'resolved', resolved_by_scan_id = ?4, resolved_at = ?5, updated_at = ?5 \
             WHERE org_id = ?1 AND project_id = ?2 AND asset = ?3 AND status IN ('new', 'acknowledged', 'in_progress') \
             AND last_seen_scan_id != ?4",
        )
        .bind(&[s(org), s(project), s(asset), s(scan_id), n(now)])?,
    );
    Ok(out)
}

#[derive(Debug, Deserialize)]
struct Row {
    id: String,
    org_id: String,
    project_id: String,
    fingerprint: String,
    rule_id: String,
    domain: String,
    severity: String,
    title: String,
    description: String,
    confidence: f64,
    impact: f64,
    effort: f64,
    risk: f64,
    score: f64,
    asset: String,
    evidence: String,
    evidence_total: f64,
    recommended_fix: String,
    refs: String,
    status: String,
    owner_id: Option<String>,
    regressed: f64,
    first_seen_scan_id: String,
    last_seen_scan_id: String,
    resolved_by_scan_id: Option<String>,
    created_at: f64,
    updated_at: f64,
    last_seen_at: f64,
}

pub const COLS: &str = "f.id, f.org_id, f.project_id, f.fingerprint, f.rule_id, f.domain, f.severity, f.title, f.description, f.confidence, \
  f.impact, f.effort, f.risk, f.score, f.asset, f.evidence, f.evidence_total, f.recommended_fix, f.refs, f.status, f.owner_id, f.regressed, \
  f.first_seen_scan_id, f.last_seen_scan_id, f.resolved_by_scan_id, f.created_at, f.updated_at, f.last_seen_at";

fn json_or(s: &str, default: Value) -> Value {
    serde_json::from_str(s).unwrap_or(default)
}

fn from_row(r: Row) -> Finding {
    Finding {
        id: r.id,
        org_id: r.org_id,
        project_id: r.project_id,
        obs: Observation {
            fingerprint: r.fingerprint,
            rule_id: r.rule_id,
            domain: Domain::parse(&r.domain).unwrap_or(Domain::Security),
            severity: Severity::parse(&r.severity).unwrap_or(Severity::Info),
            title: r.title,
            description: r.description,
            confidence: r.confidence,
            impact: r.impact as u8,
            effort: r.effort as u8,
            risk: r.risk as u8,
            score: r.score as u8,
            asset: r.asset,
            evidence: json_or(&r.evidence, Value::Array(vec![])),
            evidence_total: r.evidence_total as usize,
            recommended_fix: json_or(&r.recommended_fix, Value::Object(Default::default())),
            references: json_or(&r.refs, Value::Array(vec![])),
        },
        status: FindingStatus::parse(&r.status).unwrap_or(FindingStatus::New),
        owner_id: r.owner_id,
        regressed: r.regressed != 0.0,
        first_seen_scan_id: r.first_seen_scan_id,
        last_seen_scan_id: r.last_seen_scan_id,
        resolved_by_scan_id: r.resolved_by_scan_id,
        created_at: r.created_at as i64,
        updated_at: r.updated_at as i64,
        last_seen_at: r.last_seen_at as i64,
    }
}

/// The findings a scan saw, by priority; keyset-paginated on (score, id).
pub async fn for_scan(
    db: &D1Database,
    scan_id: &str,
    after: Option<(i64, String)>,
    limit: u32,
) -> Result<(Vec<Finding>, bool)> {
    let stmt = super::sql::findings_for_scan(COLS, scan_id, after.as_ref(), limit)?;
    let rows: Vec<Row> = super::prepare(db, stmt)?.all().await?.results()?;
    let more = rows.len() > limit as usize;
    Ok((rows.into_iter().take(limit as usize).map(from_row).collect(), more))
}

/// Filters of the findings list. Empty vectors mean "any".
pub use super::sql::FindingList as ListFilter;

/// A page of findings and whether more follow.
pub async fn list(db: &D1Database, f: &ListFilter<'_>) -> Result<(Vec<Finding>, bool)> {
    let rows: Vec<Row> = super::prepare(db, super::sql::findings_list(COLS, f)?)?.all().await?.results()?;
    let more = rows.len() > f.limit as usize;
    Ok((rows.into_iter().take(f.limit as usize).map(from_row).collect(), more))
}

#[derive(Debug, Deserialize)]
struct GroupRow {
    rule_id: String,
    domain: String,
    title: String,
    asset: String,
    id: String,
    findings: f64,
    worst: f64,
    top: f64,
}

/// The filtered findings grouped by rule, most affected URLs first (ties:
/// higher priority score, then rule id): each rule's count of URLs, its
/// worst severity and best score, and up to three example findings.
pub async fn groups(db: &D1Database, f: &ListFilter<'_>) -> Result<Vec<Value>> {
    let rows: Vec<GroupRow> = super::prepare(db, super::sql::findings_groups(f)?)?.all().await?.results()?;
    let mut out: Vec<Value> = Vec::new();
    let mut current: Option<(String, Value)> = None;
    for r in rows {
        let example = serde_json::json!({ "finding_id": r.id, "url": r.asset });
        match &mut current {
            Some((rule, v)) if *rule == r.rule_id => {
                if let Some(list) = v.get_mut("examples").and_then(Value::as_array_mut) {
                    list.push(example);
                }
            }
            _ => {
                if let Some((_, v)) = current.take() {
                    out.push(v);
                }
                let worst = Severity::ALL.get(r.worst as usize).copied().unwrap_or(Severity::Info);
                let v = serde_json::json!({
                    "rule_id": r.rule_id, "domain": r.domain, "title": r.title, "worst_severity": worst.as_str(),
                    "urls": r.findings as u64, "top_score": r.top as u64, "examples": [example],
                });
                current = Some((r.rule_id, v));
            }
        }
    }
    out.extend(current.map(|(_, v)| v));
    Ok(out)
}

pub async fn get(db: &D1Database, org: &str, project: &str, id: &str) -> Result<Option<Finding>> {
    let row: Option<Row> = db
        .prepare(format!("SELECT {COLS} FROM findings f WHERE f.id = ?1 AND f.org_id = ?2 AND f.project_id = ?3"))
        .bind(&[s(id), s(org), s(project)])?
        .first(None)
        .await?;
    Ok(row.map(from_row))
}

#[derive(Debug, Deserialize)]
pub struct Event {
    /// The row's sequence number: with `at`, the history's order and cursor.
    pub seq: f64,
    pub actor: String,
    pub field: String,
    pub from_value: Option<String>,
    pub to_value: Option<String>,
    pub note: Option<String>,
    pub at: f64,
}

const EVENT_COLS: &str = "rowid AS seq, actor, field, from_value, to_value, note, at";

/// The latest `count` changes of a finding, oldest first, and whether older ones exist.
pub async fn latest_events(db: &D1Database, finding_id: &str, count: u32) -> Result<(Vec<Event>, bool)> {
    let mut rows: Vec<Event> = db
        .prepare(format!("SELECT {EVENT_COLS} FROM finding_events WHERE finding_id = ?1 ORDER BY at DESC, rowid DESC LIMIT ?2"))
        .bind(&[s(finding_id), n(count as i64 + 1)])?
        .all()
        .await?
        .results()?;
    let more = rows.len() > count as usize;
    rows.truncate(count as usize);
    rows.reverse();
    Ok((rows, more))
}

/// A page of a finding's changes, oldest first, after (at, seq); and whether more follow.
pub async fn events_page(db: &D1Database, finding_id: &str, after: Option<(i64, i64)>, limit: u32) -> Result<(Vec<Event>, bool)> {
    let stmt = match after {
        None => db
            .prepare(format!("SELECT {EVENT_COLS} FROM finding_events WHERE finding_id = ?1 ORDER BY at, rowid LIMIT ?2"))
            .bind(&[s(finding_id), n(limit as i64 + 1)])?,
        Some((at, seq)) => db
            .prepare(format!(
                "SELECT {EVENT_COLS} FROM finding_events WHERE finding_id = ?1 AND (at > ?2 OR (at = ?2 AND rowid > ?3)) \
                 ORDER BY at, rowid LIMIT ?4"
            ))
            .bind(&[s(finding_id), n(at), n(seq), n(limit as i64 + 1)])?,
    };
    let rows: Vec<Event> = stmt.all().await?.results()?;
    let more = rows.len() > limit as usize;
    Ok((rows.into_iter().take(limit as usize).collect(), more))
}

/// One field change to apply to a finding, with its history event.
pub struct Change<'a> {
    pub field: &'static str,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
}

/// A triage write: the new values, the recorded changes and who made them.
pub struct PatchWrite<'a> {
    pub new_status: FindingStatus,
    pub new_owner: Option<&'a str>,
    pub changes: &'a [Change<'a>],
    pub actor: &'a str,
    pub note: Option<&'a str>,
    /// One id per change, for its history event.
    pub event_ids: &'a [String],
    pub now: i64,
}

/// Applies the write if the finding still has the status it was read with
/// (another writer in between makes this return false and change nothing).
pub async fn apply_patch(db: &D1Database, finding: &Finding, w: &PatchWrite<'_>) -> Result<bool> {
    let PatchWrite { new_status, new_owner, changes, actor, note, event_ids, now } = *w;
    let expected_status = finding.status;
    let mut stmts = vec![db
        .prepare(
            "UPDATE findings SET status = ?3, owner_id = ?4, updated_at = ?5, \
             resolved_at = CASE WHEN ?3 = 'resolved' AND status != 'resolved' THEN ?5 ELSE resolved_at END, \
             resolved_by_scan_id = CASE WHEN ?3 != 'resolved' THEN NULL ELSE resolved_by_scan_id END \
             WHERE id = ?1 AND status = ?2",
        )
        .bind(&[
            s(&finding.id),
            s(expected_status.as_str()),
            s(new_status.as_str()),
            new_owner.map(s).unwrap_or(JsValue::NULL),
            n(now),
        ])?];
    for (c, id) in changes.iter().zip(event_ids) {
        // Only recorded when the update above applied (same status as read).
        stmts.push(
            db.prepare(
                "INSERT INTO finding_events (id, finding_id, org_id, actor, field, from_value, to_value, note, at) \
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 WHERE EXISTS (SELECT 1 FROM findings WHERE id = ?2 AND updated_at = ?9)",
            )
            .bind(&[
                s(id),
                s(&finding.id),
                s(&finding.org_id),
                s(actor),
                s(c.field),
                c.from.map(s).unwrap_or(JsValue::NULL),
                c.to.map(s).unwrap_or(JsValue::NULL),
                note.map(s).unwrap_or(JsValue::NULL),
                n(now),
            ])?,
        );
    }
    let results = db.batch(stmts).await?;
    let changed = results.first().and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0);
    Ok(changed > 0)
}

/// Everything the command center needs, in one D1 round trip.
pub struct CommandCenterData {
    /// (domain, severity, mean confidence, count) of open findings seen in the period.
    pub open_groups: Vec<(Domain, Severity, f64, u64)>,
    pub top: Vec<Finding>,
    pub regressed: u64,
    pub ever_resolved: u64,
    pub created_current: u64,
    pub created_previous: u64,
    pub resolved_current: u64,
    pub resolved_previous: u64,
    /// (epoch day, count) of findings created / resolved on each day of the period.
    pub created_daily: Vec<(i64, u64)>,
    pub resolved_daily: Vec<(i64, u64)>,
    pub latest_scan: Option<(String, String, f64)>,
}

/// The "open and seen by a scan inside [?3, ?4]" condition. A finding whose
/// last sighting lies inside the period qualifies at once; only findings seen
/// again after the period need the per-sighting probe.
const OPEN_IN_PERIOD: &str = "f.org_id = ?1 AND f.project_id = ?2 AND f.status IN ('new', 'acknowledged', 'in_progress') \
  AND f.last_seen_at >= ?3 AND f.created_at <= ?4 \
  AND (f.last_seen_at <= ?4 OR EXISTS (SELECT 1 FROM scan_findings sf WHERE sf.finding_id = f.id AND sf.seen_at BETWEEN ?3 AND ?4))";

/// The same findings counted from `finding_counts_open` (migration 0010):
/// each open finding seen in days [?5, ?6] has exactly one row there with
/// its first sighting day inside the period and its previous one before it.
/// Open findings of the period read in priority order for the top five;
/// ties at the fifth score beyond these are broken by age only.
const TOP_CANDIDATES: u32 = 50;

const OPEN_COUNTS: &str = "FROM finding_counts_open WHERE org_id = ?1 AND project_id = ?2 AND day BETWEEN ?5 AND ?6 AND prev_day < ?5";

#[derive(Deserialize)]
struct Group {
    domain: String,
    severity: String,
    c: f64,
    n: f64,
}
#[derive(Deserialize)]
struct Totals {
    r: f64,
    e: f64,
}
#[derive(Deserialize)]
struct DayRow {
    day: f64,
    created: f64,
    resolved: f64,
}
#[derive(Deserialize)]
struct Latest {
    id: String,
    status: String,
    inserted_at: f64,
}

/// Reads the counts tables (a few rows per day of the period, whatever the
/// number of findings) and the top five, which walk the open findings in
/// priority order and stop once all the period's open findings (at most
/// five) are found.
pub async fn command_center(
    db: &D1Database,
    org: &str,
    project: &str,
    (from, to): (i64, i64),
    (prev_from, prev_to): (i64, i64),
) -> Result<CommandCenterData> {
    let day = |ms: i64| ms.div_euclid(86_400_000);
    let (from_day, to_day, prev_from_day, prev_to_day) = (day(from), day(to), day(prev_from), day(prev_to));
    let binds = [s(org), s(project), n(from), n(to), n(from_day), n(to_day), n(prev_from_day)];
    let stmts = vec![
        db.prepare(format!(
            "SELECT domain, severity, SUM(conf) AS c, SUM(n) AS n {OPEN_COUNTS} GROUP BY 1, 2 HAVING SUM(n) > 0"
        ))
        .bind(&binds[..6])?,
        // The partial index walks open findings in priority order and holds the
        // period columns; the LIMIT (at most the period's open count, and at
        // most TOP_CANDIDATES) ends the walk as soon as the last is found.
        // Score ties among those candidates go to the rule open on the most
        // URLs (`finding_counts_rule`, migration 0012): a template problem
        // on many pages before a one-page problem of the same score.
        db.prepare(format!(
            "SELECT c.* FROM (SELECT {COLS} FROM findings f INDEXED BY findings_open_priority WHERE {OPEN_IN_PERIOD} \
             ORDER BY f.score DESC, f.created_at ASC, f.id ASC LIMIT (SELECT min({TOP_CANDIDATES}, COALESCE(SUM(n), 0)) {OPEN_COUNTS})) c \
             LEFT JOIN finding_counts_rule r ON r.org_id = ?1 AND r.project_id = ?2 AND r.rule_id = c.rule_id \
             ORDER BY c.score DESC, COALESCE(r.open, 0) DESC, c.created_at ASC, c.id ASC LIMIT 5"
        ))
        .bind(&binds[..6])?,
        db.prepare("SELECT regressed AS r, resolved + regressed_unresolved AS e FROM finding_counts_project WHERE org_id = ?1 AND project_id = ?2")
            .bind(&binds[..2])?,
        db.prepare(
            "SELECT day, created, resolved FROM finding_counts_day WHERE org_id = ?1 AND project_id = ?2 AND day BETWEEN ?7 AND ?6 \
             AND (created != 0 OR resolved != 0)",
        )
        .bind(&binds)?,
        db.prepare("SELECT id, status, inserted_at FROM scans WHERE org_id = ?1 AND project_id = ?2 AND parent_id IS NULL ORDER BY inserted_at DESC, id DESC LIMIT 1")
            .bind(&binds[..2])?,
    ];
    let res = db.batch(stmts).await?;
    let groups: Vec<Group> = res.first().map(|r| r.results()).transpose()?.unwrap_or_default();
    let top: Vec<Row> = res.get(1).map(|r| r.results()).transpose()?.unwrap_or_default();
    let totals: Vec<Totals> = res.get(2).map(|r| r.results()).transpose()?.unwrap_or_default();
    let days: Vec<DayRow> = res.get(3).map(|r| r.results()).transpose()?.unwrap_or_default();
    let latest: Vec<Latest> = res.get(4).map(|r| r.results()).transpose()?.unwrap_or_default();
    let days: Vec<(i64, u64, u64)> = days.into_iter().map(|d| (d.day as i64, d.created as u64, d.resolved as u64)).collect();
    let sum = |lo: i64, hi: i64, pick: fn(&(i64, u64, u64)) -> u64| days.iter().filter(|d| d.0 >= lo && d.0 <= hi).map(pick).sum::<u64>();
    let daily = |pick: fn(&(i64, u64, u64)) -> u64| {
        days.iter().filter(|d| d.0 >= from_day && pick(d) != 0).map(|d| (d.0, pick(d))).collect::<Vec<_>>()
    };
    let totals = totals.first();
    Ok(CommandCenterData {
        open_groups: groups
            .into_iter()
            .filter_map(|g| Some((Domain::parse(&g.domain)?, Severity::parse(&g.severity)?, g.c / 100.0 / g.n, g.n as u64)))
            .collect(),
        top: top.into_iter().map(from_row).collect(),
        regressed: totals.map(|t| t.r as u64).unwrap_or(0),
        ever_resolved: totals.map(|t| t.e as u64).unwrap_or(0),
        created_current: sum(from_day, to_day, |d| d.1),
        created_previous: sum(prev_from_day, prev_to_day, |d| d.1),
        resolved_current: sum(from_day, to_day, |d| d.2),
        resolved_previous: sum(prev_from_day, prev_to_day, |d| d.2),
        created_daily: daily(|d| d.1),
        resolved_daily: daily(|d| d.2),
        latest_scan: latest.into_iter().next().map(|l| (l.id, l.status, l.inserted_at)),
    })
}
