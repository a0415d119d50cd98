//! Observatory result codes, their score modifiers, and the Observatory-style
//! score and letter grade of a scan.
//!
//! Formula (MDN HTTP Observatory, algorithm v6):
//! * `uncurved = 100 + Σ negative modifiers` of the Observatory codes found;
//! * `score = uncurved` when `uncurved < 90`, else `100 + Σ all modifiers`
//!   (bonuses only count for a site that already earns an A without them);
//! * `score = max(score, 0)`, no upper cap (at most 165);
//! * the grade is looked up at `min(score - score % 5, 100)` in the chart:
//!   100 A+, 90–95 A, 85 A-, 80 B+, 70–75 B, 65 B-, 60 C+, 50–55 C, 45 C-,
//!   40 D+, 30–35 D, 25 D-, 0–20 F.
//!
//! Only the results of rules whose id is an Observatory test name count, so the
//! extra passive rules never change the grade.
use crate::domain::model::Severity;
use crate::scanner::rules::{Evidence, Outcome, RuleResult, Violation};

/// One Observatory result: its test, code, score modifier and upstream pass flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScoreEntry {
    pub test: &'static str,
    pub code: &'static str,
    pub modifier: i32,
    pub pass: bool,
}

const fn e(test: &'static str, code: &'static str, modifier: i32, pass: bool) -> ScoreEntry {
    ScoreEntry { test, code, modifier, pass }
}

const CSP: &str = "content-security-policy";
const COOKIES: &str = "cookies";
const COEP: &str = "cross-origin-embedder-policy";
const COOP: &str = "cross-origin-opener-policy";
const CORS: &str = "cross-origin-resource-sharing";
const REDIR: &str = "redirection";
const RP: &str = "referrer-policy";
const HSTS: &str = "strict-transport-security";
const SRI: &str = "subresource-integrity";
const XCTO: &str = "x-content-type-options";
const XFO: &str = "x-frame-options";
const CORP: &str = "cross-origin-resource-policy";

/// The twelve Observatory tests (their names are our rule ids).
pub const OBSERVATORY_TESTS: [&str; 12] = [CSP, COOKIES, COEP, COOP, CORS, REDIR, RP, HSTS, SRI, XCTO, XFO, CORP];

/// Every Observatory result code with its modifier and pass flag.
pub static SCORE_TABLE: &[ScoreEntry] = &[
    e(CSP, "csp-implemented-with-no-unsafe-default-src-none", 10, true),
    e(CSP, "csp-implemented-with-no-unsafe", 5, true),
    e(CSP, "csp-implemented-with-unsafe-inline-in-style-src-only", 0, true),
    e(CSP, "csp-implemented-with-insecure-scheme-in-passive-content-only", -10, true),
    e(CSP, "csp-implemented-with-unsafe-eval", -10, false),
    e(CSP, "csp-implemented-with-unsafe-inline", -20, false),
    e(CSP, "csp-implemented-with-insecure-scheme", -20, false),
    e(CSP, "csp-implemented-but-duplicate-directives", 0, true),
    e(CSP, "csp-header-invalid", -25, false),
    e(CSP, "csp-not-implemented", -25, false),
    e(CSP, "csp-not-implemented-but-reporting-enabled", -25, false),
    e(COOKIES, "cookies-secure-with-httponly-sessions-and-samesite", 5, true),
    e(COOKIES, "cookies-secure-with-httponly-sessions", 0, true),
    e(COOKIES, "cookies-not-found", 0, true),
    e(COOKIES, "cookies-without-secure-flag-but-protected-by-hsts", -5, false),
    e(COOKIES, "cookies-session-without-secure-flag-but-protected-by-hsts", -10, false),
    e(COOKIES, "cookies-without-secure-flag", -20, false),
    e(COOKIES, "cookies-samesite-flag-invalid", -20, false),
    e(COOKIES, "cookies-anticsrf-without-samesite-flag", -20, false),
    e(COOKIES, "cookies-session-without-httponly-flag", -30, false),
    e(COOKIES, "cookies-session-without-secure-flag", -40, false),
    e(COEP, "coep-not-implemented", 0, true),
    e(COEP, "coep-implemented-with-require-corp", 10, true),
    e(COEP, "coep-implemented-with-credentialless", 10, true),
    e(COEP, "coep-implemented-with-unsafe-none", 0, true),
    e(COEP, "coep-header-invalid", -5, false),
    e(COOP, "coop-not-implemented", 0, true),
    e(COOP, "coop-implemented-with-same-origin", 10, true),
    e(COOP, "coop-implemented-with-same-origin-allow-popups", 10, true),
    e(COOP, "coop-implemented-with-noopener-allow-popups", 10, true),
    e(COOP, "coop-implemented-with-unsafe-none", 0, true),
    e(COOP, "coop-header-invalid", -5, false),
    e(CORS, "cross-origin-resource-sharing-not-implemented", 0, true),
    e(CORS, "cross-origin-resource-sharing-implemented-with-public-access", 0, true),
    e(CORS, "cross-origin-resource-sharing-implemented-with-restricted-access", 0, true),
    e(CORS, "cross-origin-resource-sharing-implemented-with-universal-access", -50, false),
    e(REDIR, "redirection-all-redirects-preloaded", 0, true),
    e(REDIR, "redirection-to-https", 0, true),
    e(REDIR, "redirection-not-needed-no-http", 0, true),
    e(REDIR, "redirection-off-host-from-http", -5, false),
    e(REDIR, "redirection-not-to-https-on-initial-redirection", -10, false),
    e(REDIR, "redirection-not-to-https", -20, false),
    e(REDIR, "redirection-missing", -20, false),
    e(REDIR, "redirection-invalid-cert", -20, false),
    e(RP, "referrer-policy-private", 5, true),
    e(RP, "referrer-policy-not-implemented", 0, true),
    e(RP, "referrer-policy-unsafe", -5, false),
    e(RP, "referrer-policy-header-invalid", -5, false),
    e(HSTS, "hsts-preloaded", 5, true),
    e(HSTS, "hsts-implemented-max-age-at-least-six-months", 0, true),
    e(HSTS, "hsts-implemented-max-age-less-than-six-months", -10, false),
    e(HSTS, "hsts-not-implemented", -20, false),
    e(HSTS, "hsts-header-invalid", -20, false),
    e(HSTS, "hsts-not-implemented-no-https", -20, false),
    e(HSTS, "hsts-invalid-cert", -20, false),
    e(SRI, "sri-implemented-and-all-scripts-loaded-securely", 5, true),
    e(SRI, "sri-implemented-and-external-scripts-loaded-securely", 5, true),
    e(SRI, "sri-not-implemented-response-not-html", 0, true),
    e(SRI, "sri-not-implemented-but-no-scripts-loaded", 0, true),
    e(SRI, "sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0, true),
    e(SRI, "sri-not-implemented-but-external-scripts-loaded-securely", -5, false),
    e(SRI, "sri-implemented-but-external-scripts-not-loaded-securely", -20, false),
    e(SRI, "sri-not-implemented-and-external-scripts-not-loaded-securely", -50, false),
    e(SRI, "html-not-parseable", -20, false),
    e(XCTO, "x-content-type-options-nosniff", 0, true),
    e(XCTO, "x-content-type-options-header-invalid", -5, false),
    e(XCTO, "x-content-type-options-not-implemented", -5, false),
    e(XFO, "x-frame-options-implemented-via-csp", 5, true),
    e(XFO, "x-frame-options-sameorigin-or-deny", 5, true),
    e(XFO, "x-frame-options-allow-from-origin", 0, true),
    e(XFO, "x-frame-options-not-implemented", -20, false),
    e(XFO, "x-frame-options-header-invalid", -20, false),
    e(CORP, "corp-not-implemented", 0, true),
    e(CORP, "corp-implemented-with-same-origin", 10, true),
    e(CORP, "corp-implemented-with-same-site", 10, true),
    e(CORP, "corp-implemented-with-cross-origin", 0, true),
    e(CORP, "corp-header-invalid", -5, false),
];

pub fn entry(code: &str) -> Option<&'static ScoreEntry> {
    SCORE_TABLE.iter().find(|e| e.code == code)
}

/// The score modifier of an Observatory result code.
pub fn modifier(code: &str) -> Option<i32> {
    entry(code).map(|e| e.modifier)
}

/// Severity of a failing Observatory result, from its score modifier:
/// ≤ −50 critical, −25..−49 high, −10..−24 medium, −1..−9 low, ≥ 0 info.
pub fn severity_for_modifier(m: i32) -> Severity {
    match m {
        i32::MIN..=-50 => Severity::Critical,
        -49..=-25 => Severity::High,
        -24..=-10 => Severity::Medium,
        -9..=-1 => Severity::Low,
        _ => Severity::Info,
    }
}

/// Turns an Observatory result code into an outcome: a pass when the
/// Observatory passes it, else a violation whose severity follows the modifier.
pub fn outcome(code: &'static str, detail: impl Into<String>, evidence: Vec<Evidence>) -> Outcome {
    let e = entry(code);
    let pass = e.map(|e| e.pass).unwrap_or(false);
    if pass {
        return Outcome::Pass { code: Some(code.to_string()) };
    }
    let sev = severity_for_modifier(e.map(|e| e.modifier).unwrap_or(0));
    Outcome::Fail(Violation::new(evidence).code(code).severity(sev).detail(detail))
}

/// The grade chart, keyed by the score rounded down to a multiple of 5 (capped at 100).
pub fn grade_for_score(score: i32) -> (i32, &'static str) {
    let score = score.max(0);
    let key = (score - score % 5).min(100);
    let grade = match key {
        100 => "A+",
        90 | 95 => "A",
        85 => "A-",
        80 => "B+",
        70 | 75 => "B",
        65 => "B-",
        60 => "C+",
        50 | 55 => "C",
        45 => "C-",
        40 => "D+",
        30 | 35 => "D",
        25 => "D-",
        _ => "F",
    };
    (score, grade)
}

/// The result code an outcome carries, if any.
pub fn outcome_code(o: &Outcome) -> Option<&str> {
    match o {
        Outcome::Pass { code } => code.as_deref(),
        Outcome::Fail(v) => v.code.as_deref(),
        Outcome::NotApplicable => None,
    }
}

/// Score from a list of Observatory result codes (see the module doc).
pub fn score_codes<'a>(codes: impl IntoIterator<Item = &'a str>) -> (i32, &'static str) {
    let mods: Vec<i32> = codes.into_iter().filter_map(modifier).collect();
    let uncurved = 100 + mods.iter().filter(|m| **m < 0).sum::<i32>();
    let score = if uncurved >= 90 { 100 + mods.iter().sum::<i32>() } else { uncurved };
    grade_for_score(score)
}

/// The Observatory-style score and letter grade of a scan's rule results.
pub fn observatory_grade(results: &[RuleResult]) -> (i32, &'static str) {
    score_codes(
        results
            .iter()
            .filter(|r| OBSERVATORY_TESTS.contains(&r.rule.id))
            .filter_map(|r| outcome_code(&r.outcome)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;

    #[test]
    fn severity_mapping() {
        assert_eq!(severity_for_modifier(-50), Severity::Critical);
        assert_eq!(severity_for_modifier(-40), Severity::High);
        assert_eq!(severity_for_modifier(-25), Severity::High);
        assert_eq!(severity_for_modifier(-20), Severity::Medium);
        assert_eq!(severity_for_modifier(-10), Severity::Medium);
        assert_eq!(severity_for_modifier(-5), Severity::Low);
        assert_eq!(severity_for_modifier(0), Severity::Info);
        assert_eq!(severity_for_modifier(10), Severity::Info);
    }

    #[test]
    fn grade_chart() {
        assert_eq!(grade_for_score(100), (100, "A+"));
        assert_eq!(grade_for_score(120), (120, "A+"));
        assert_eq!(grade_for_score(0), (0, "F"));
        assert_eq!(grade_for_score(-10), (0, "F"));
        assert_eq!(grade_for_score(89), (89, "A-"));
        assert_eq!(grade_for_score(75), (75, "B"));
    }

    #[test]
    fn bonus_only_from_90() {
        // mozilla.org: -20 and -5 leave 75, so +10, +5, +5 are dropped.
        let codes = [
            "csp-implemented-with-unsafe-inline",
            "sri-not-implemented-but-external-scripts-loaded-securely",
            "coop-implemented-with-same-origin",
            "referrer-policy-private",
            "x-frame-options-sameorigin-or-deny",
        ];
        assert_eq!(score_codes(codes), (75, "B"));
        assert_eq!(score_codes(["referrer-policy-private", "x-frame-options-sameorigin-or-deny"]), (110, "A+"));
        assert_eq!(score_codes(["referrer-policy-unsafe", "corp-implemented-with-same-site"]), (105, "A+"));
    }

    #[test]
    fn outcome_follows_pass_flag() {
        assert!(matches!(outcome("csp-implemented-with-insecure-scheme-in-passive-content-only", "", vec![]), Outcome::Pass { .. }));
        match outcome("cookies-session-without-secure-flag", "d", vec![]) {
            Outcome::Fail(v) => assert_eq!(v.severity, Some(Severity::High)),
            other => panic!("{other:?}"),
        }
    }
}
