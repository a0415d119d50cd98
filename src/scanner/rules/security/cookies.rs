//! `cookies`: Secure, HttpOnly and SameSite on the cookies the page sets.
//!
//! A "session" cookie has `login` or `sess` in its name, an anti-CSRF cookie
//! `csrf` (ignoring case). Missing Secure is milder when HSTS protects the
//! host. The worst finding wins, in the Observatory's order.
use super::grade;
use super::transport::analyze_hsts;
use super::util::values;
use crate::domain::model::{Domain, Severity};
use crate::scanner::rules::dom::Analysis;
use crate::scanner::rules::{Evidence, Fix, Outcome, Reference, Rule};

/// Cookies a platform sets that say nothing about the site (Heroku's router).
const IGNORED: [&str; 1] = ["heroku-session-affinity"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cookie {
    pub name: String,
    pub secure: bool,
    pub http_only: bool,
    /// Lower-cased SameSite value when it is lax, strict or none.
    pub same_site: Option<String>,
    /// The SameSite attribute is present but empty or unknown.
    pub same_site_invalid: bool,
    pub domain: Option<String>,
    /// Max-Age ≤ 0 or an Expires in the past century: a deletion, not a cookie.
    pub deletes: bool,
}

/// The value of the last `SameSite` attribute, when there is one. The
/// `cookie` crate drops unknown SameSite values silently, but an unknown or
/// empty one is exactly what `cookies-samesite-flag-invalid` reports.
fn last_same_site(raw: &str) -> Option<&str> {
    raw.split(';').skip(1).filter_map(|attr| {
        let (k, v) = attr.split_once('=').unwrap_or((attr, ""));
        k.trim().eq_ignore_ascii_case("samesite").then(|| v.trim())
    }).last()
}

/// Parses one Set-Cookie value with the `cookie` crate; None when it has no name.
pub fn parse_set_cookie(raw: &str) -> Option<Cookie> {
    let parsed = match cookie::Cookie::parse(raw) {
        Ok(c) => c,
        // A pair without `=`: browsers keep it (RFC 6265bis), and it still
        // carries attributes worth checking, so read it as a name with no value.
        Err(cookie::ParseError::MissingPair) => {
            let (pair, attrs) = raw.split_once(';').unwrap_or((raw, ""));
            cookie::Cookie::parse(format!("{}=;{attrs}", pair.trim())).ok()?
        }
        Err(_) => return None,
    };
    let same_site_value = last_same_site(raw);
    let same_site = same_site_value
        .map(|v| v.to_ascii_lowercase())
        .filter(|v| matches!(v.as_str(), "lax" | "strict" | "none"));
    // Deletions use Max-Age=0 or dates such as 1 Jan 1970; no clock is needed to spot them.
    let deletes = match parsed.max_age() {
        Some(age) => age.is_zero() || age.is_negative(),
        None => parsed.expires_datetime().is_some_and(|t| t.year() < 2000),
    };
    Some(Cookie {
        name: parsed.name().to_string(),
        secure: parsed.secure().unwrap_or(false),
        http_only: parsed.http_only().unwrap_or(false),
        same_site_invalid: same_site_value.is_some() && same_site.is_none(),
        same_site,
        domain: parsed.domain().map(|d| d.trim_start_matches('.').to_ascii_lowercase()).filter(|d| !d.is_empty()),
        deletes,
    })
}

/// Whether a browser would store the cookie for this host (Domain must domain-match).
fn accepted_for(c: &Cookie, host: &str) -> bool {
    match &c.domain {
        None => true,
        Some(d) => host == d || host.ends_with(&format!(".{d}")),
    }
}

/// From best to worst; the worst finding wins.
const ORDER: [&str; 7] = [
    "cookies-without-secure-flag-but-protected-by-hsts",
    "cookies-without-secure-flag",
    "cookies-session-without-secure-flag-but-protected-by-hsts",
    "cookies-samesite-flag-invalid",
    "cookies-anticsrf-without-samesite-flag",
    "cookies-session-without-httponly-flag",
    "cookies-session-without-secure-flag",
];

fn worse(new: &'static str, old: Option<&'static str>) -> Option<&'static str> {
    let rank = |c: &str| ORDER.iter().position(|o| *o == c);
    match old {
        Some(o) if rank(o) >= rank(new) => Some(o),
        _ => Some(new),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CookieAnalysis {
    pub code: &'static str,
    pub cookies: Vec<Cookie>,
    /// (cookie name, what is wrong)
    pub problems: Vec<(String, &'static str)>,
}

pub fn analyze(page: &Analysis) -> CookieAnalysis {
    let host = page.final_url.host_str().unwrap_or("").to_ascii_lowercase();
    let hsts = analyze_hsts(page).map(|a| a.passes()).unwrap_or(false);
    let mut code: Option<&'static str> = None;
    let mut problems: Vec<(String, &'static str)> = Vec::new();
    let mut jar: Vec<Cookie> = Vec::new();
    for raw in values(&page.headers, "set-cookie") {
        let Some(c) = parse_set_cookie(raw) else { continue };
        if c.same_site_invalid {
            code = worse("cookies-samesite-flag-invalid", code);
            problems.push((c.name.clone(), "SameSite is empty or not lax/strict/none"));
        }
        if c.deletes || IGNORED.contains(&c.name.as_str()) || !accepted_for(&c, &host) {
            continue;
        }
        // A later Set-Cookie with the same name and domain replaces the earlier one.
        jar.retain(|o| !(o.name == c.name && o.domain == c.domain));
        jar.push(c);
    }
    if jar.is_empty() && code.is_none() {
        return CookieAnalysis { code: "cookies-not-found", cookies: jar, problems };
    }
    let mut missing_same_site = false;
    for c in &jar {
        let lname = c.name.to_ascii_lowercase();
        let session = lname.contains("login") || lname.contains("sess");
        let anticsrf = lname.contains("csrf");
        let mut flag = |p: &'static str, note: &'static str, code: &mut Option<&'static str>| {
            *code = worse(p, *code);
            problems.push((c.name.clone(), note));
        };
        if !c.secure && c.same_site.as_deref() == Some("none") {
            flag("cookies-samesite-flag-invalid", "SameSite=None without Secure", &mut code);
        }
        if !c.secure {
            if hsts {
                flag("cookies-without-secure-flag-but-protected-by-hsts", "no Secure flag (HSTS protects this host)", &mut code);
            } else {
                flag("cookies-without-secure-flag", "no Secure flag", &mut code);
            }
        }
        if anticsrf && c.same_site.is_none() {
            flag("cookies-anticsrf-without-samesite-flag", "anti-CSRF cookie without SameSite", &mut code);
        }
        if session && !c.secure {
            if hsts {
                flag("cookies-session-without-secure-flag-but-protected-by-hsts", "session cookie without Secure (HSTS protects this host)", &mut code);
            } else {
                flag("cookies-session-without-secure-flag", "session cookie without Secure", &mut code);
            }
        }
        if session && !c.http_only {
            flag("cookies-session-without-httponly-flag", "session cookie readable by scripts (no HttpOnly)", &mut code);
        }
        if c.same_site.is_none() {
            missing_same_site = true;
        }
    }
    let code = code.unwrap_or(if jar.is_empty() {
        "cookies-not-found"
    } else if missing_same_site {
        "cookies-secure-with-httponly-sessions"
    } else {
        "cookies-secure-with-httponly-sessions-and-samesite"
    });
    CookieAnalysis { code, cookies: jar, problems }
}

fn detail(code: &str) -> &'static str {
    match code {
        "cookies-session-without-secure-flag" => "A session cookie is sent without Secure, so it can leak over http.",
        "cookies-session-without-httponly-flag" => "A session cookie lacks HttpOnly, so injected scripts can steal it.",
        "cookies-anticsrf-without-samesite-flag" => "An anti-CSRF cookie lacks SameSite.",
        "cookies-samesite-flag-invalid" => "A SameSite attribute is invalid (empty, unknown, or None without Secure).",
        "cookies-without-secure-flag" => "Cookies are set without the Secure flag.",
        "cookies-session-without-secure-flag-but-protected-by-hsts" => {
            "A session cookie lacks Secure; HSTS protects this host but not sibling hosts the cookie may reach."
        }
        "cookies-without-secure-flag-but-protected-by-hsts" => "Cookies lack Secure; only HSTS protects them.",
        _ => "Cookies analysed.",
    }
}

fn check(page: &Analysis) -> Outcome {
    let a = analyze(page);
    let ev = a
        .problems
        .iter()
        .take(crate::scanner::rules::MAX_EVIDENCE)
        .map(|(n, note)| Evidence::Item { value: n.clone(), note: (*note).to_string() })
        .collect();
    grade::outcome(a.code, detail(a.code), ev).with_total(a.problems.len())
}

pub const RULE: Rule = Rule {
    id: "cookies",
    domain: Domain::Security,
    severity: Severity::Medium,
    title: "Cookies use Secure, HttpOnly and SameSite",
    description: "Cookies should be Secure; session cookies also HttpOnly; anti-CSRF cookies SameSite. Graded like the MDN HTTP Observatory.",
    references: &[
        Reference { kind: "cwe", id: "CWE-614", url: "https://cwe.mitre.org/data/definitions/614.html" },
        Reference { kind: "cwe", id: "CWE-1004", url: "https://cwe.mitre.org/data/definitions/1004.html" },
        Reference { kind: "cwe", id: "CWE-1275", url: "https://cwe.mitre.org/data/definitions/1275.html" },
        Reference { kind: "mdn", id: "Set-Cookie", url: "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Set-Cookie" },
        Reference { kind: "observatory", id: "cookies", url: "https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring" },
    ],
    fix: Fix {
        summary: "Set cookies with `Secure; HttpOnly; SameSite=Lax` (or Strict).",
        steps: &[
            "Add Secure to every cookie.",
            "Add HttpOnly to session and login cookies.",
            "Add SameSite=Lax or Strict; use None only together with Secure.",
        ],
        estimated_minutes: 20,
    },
    impact: 60,
    effort: 20,
    risk: 30,
    limits: "Sees only the Set-Cookie headers of the final response, not cookies set by scripts or on other requests. Session cookies are recognised by name.",
    check,
};

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;

    fn page(cookies: &[&str]) -> Page {
        {
        let h: Vec<(&str, &str)> = cookies.iter().map(|c| ("set-cookie", *c)).collect();
        Page::html_at("https://example.com/", &h, "")
        }
    }

    #[test]
    fn parses_attributes() {
        let c = parse_set_cookie("SID=1; Secure; HttpOnly; SameSite=Strict; Domain=.Example.com").expect("cookie");
        assert!(c.secure && c.http_only);
        assert_eq!(c.same_site.as_deref(), Some("strict"));
        assert_eq!(c.domain.as_deref(), Some("example.com"));
        assert!(parse_set_cookie("a=1; SameSite=").expect("c").same_site_invalid);
        assert!(parse_set_cookie("a=; Max-Age=0").expect("c").deletes);
        assert!(parse_set_cookie("a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT").expect("c").deletes);
    }

    #[test]
    fn results() {
        let code = |c: &[&str]| analyze(&crate::scanner::rules::analysis(&page(c))).code;
        assert_eq!(code(&[]), "cookies-not-found");
        assert_eq!(code(&["SESSIONID=1; Secure; HttpOnly", "foo=1; Secure"]), "cookies-secure-with-httponly-sessions");
        assert_eq!(code(&["SESSIONID=1; Secure; HttpOnly; SameSite=Lax"]), "cookies-secure-with-httponly-sessions-and-samesite");
        assert_eq!(code(&["SESSIONID=1; HttpOnly"]), "cookies-session-without-secure-flag");
        assert_eq!(code(&["SESSIONID=1; Secure"]), "cookies-session-without-httponly-flag");
        assert_eq!(code(&["csrftoken=1; Secure"]), "cookies-anticsrf-without-samesite-flag");
        assert_eq!(code(&["foo=1; SameSite=None"]), "cookies-samesite-flag-invalid");
        assert_eq!(code(&["foo=1"]), "cookies-without-secure-flag");
        assert_eq!(code(&["heroku-session-affinity=1", "foo=; Max-Age=0"]), "cookies-not-found");
        assert_eq!(code(&["sess=1; Domain=other.org"]), "cookies-not-found");
    }

    #[test]
    fn hsts_softens() {
        let p = Page::html_at("https://example.com/", &[("set-cookie", "foo=1"), ("strict-transport-security", "max-age=31536000")], "");
        assert_eq!(analyze(&crate::scanner::rules::analysis(&(p))).code, "cookies-without-secure-flag-but-protected-by-hsts");
        match check(&crate::scanner::rules::analysis(&(p))) {
            Outcome::Fail(v) => assert_eq!(v.severity, Some(Severity::Low)),
            other => panic!("{other:?}"),
        }
        assert!(matches!(check(&crate::scanner::rules::analysis(&page(&["a=1; Secure; SameSite=Lax"]))), Outcome::Pass { .. }));
    }
}
