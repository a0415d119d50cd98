//! Passive checks beyond the Observatory, in the spirit of OWASP ZAP's
//! passive scan rules: each decidable from one response and its HTML.
#[allow(unused_imports)]
use crate::scanner::rules::dom::AttrExt;
use super::util::{is_html, values};
use crate::domain::model::{Domain, Severity};
use crate::scanner::rules::dom::Analysis;
use crate::scanner::rules::{dom, Evidence, Fix, Outcome, Reference, Rule, Violation, MAX_EVIDENCE};
use scraper::ElementRef;

// ---------------------------------------------------------------- version disclosure

/// Headers that name server software; (header, leaks only when it has a digit).
const BANNER_HEADERS: [(&str, bool); 6] = [
    ("server", true),
    ("x-powered-by", false),
    ("x-aspnet-version", false),
    ("x-aspnetmvc-version", false),
    ("x-backend-server", false),
    ("x-generator", true),
];

fn check_version_disclosure(page: &Analysis) -> Outcome {
    let mut ev = Vec::new();
    for (name, needs_digit) in BANNER_HEADERS {
        for v in values(&page.headers, name) {
            let v = v.trim();
            if v.is_empty() || (needs_digit && !v.chars().any(|c| c.is_ascii_digit())) {
                continue;
            }
            ev.push(dom::header(name, Some(v)));
        }
    }
    if ev.is_empty() {
        return Outcome::Pass { code: None };
    }
    Outcome::Fail(Violation::new(ev).confidence(0.9).detail("Response headers reveal server software and versions, which helps attackers pick known exploits."))
}

pub const VERSION_DISCLOSURE_RULE: Rule = Rule {
    id: "server-version-disclosure",
    domain: Domain::Security,
    severity: Severity::Low,
    title: "Headers do not disclose server software versions",
    description: "Server (with a version), X-Powered-By, X-AspNet-Version, X-AspNetMvc-Version, X-Backend-Server and X-Generator name the software stack and often its exact version.",
    references: &[
        Reference { kind: "cwe", id: "CWE-200", url: "https://cwe.mitre.org/data/definitions/200.html" },
        Reference { kind: "cwe", id: "CWE-497", url: "https://cwe.mitre.org/data/definitions/497.html" },
        Reference { kind: "owasp", id: "WSTG-INFO-02", url: "https://owasp.org/www-project-web-security-testing-guide/latest/4-Information_Gathering/02-Fingerprint_Web_Server" },
    ],
    fix: Fix {
        summary: "Remove X-Powered-By/X-AspNet-* headers and strip versions from Server.",
        steps: &[
            "nginx: `server_tokens off;` Apache: `ServerTokens Prod` and `ServerSignature Off`.",
            "Express: `app.disable('x-powered-by')`; PHP: `expose_php = Off`.",
            "ASP.NET: `<httpRuntime enableVersionHeader=\"false\"/>` and remove X-Powered-By in web.config.",
        ],
        estimated_minutes: 10,
    },
    impact: 15,
    effort: 5,
    risk: 5,
    limits: "A Server header without digits (e.g. `cloudflare`) is not reported. Hiding versions does not fix outdated software.",
    check: check_version_disclosure,
};

// ---------------------------------------------------------------- permissions-policy

fn check_permissions_policy(page: &Analysis) -> Outcome {
    if !is_html(page) || page.html().is_none() {
        return Outcome::NotApplicable;
    }
    if values(&page.headers, "permissions-policy").any(|v| !v.trim().is_empty()) {
        return Outcome::Pass { code: None };
    }
    let fp = values(&page.headers, "feature-policy").next();
    let detail = if fp.is_some() {
        "Only the deprecated Feature-Policy header is set; browsers now read Permissions-Policy."
    } else {
        "No Permissions-Policy header limits which powerful browser features (camera, geolocation…) the page and its frames may use."
    };
    Outcome::Fail(Violation::new(vec![dom::header("permissions-policy", None)]).confidence(0.9).detail(detail))
}

pub const PERMISSIONS_POLICY_RULE: Rule = Rule {
    id: "permissions-policy",
    domain: Domain::Security,
    severity: Severity::Low,
    title: "Permissions-Policy restricts powerful browser features",
    description: "Permissions-Policy disables features the site does not use (camera, microphone, geolocation, payment…) for the page and any embedded frame, limiting what injected or third-party code can do.",
    references: &[
        Reference { kind: "cwe", id: "CWE-693", url: "https://cwe.mitre.org/data/definitions/693.html" },
        Reference { kind: "mdn", id: "Permissions-Policy", url: "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Permissions-Policy" },
    ],
    fix: Fix {
        summary: "Send e.g. `Permissions-Policy: camera=(), microphone=(), geolocation=(), payment=()`.",
        steps: &["List the features the site needs and disable the rest.", "Replace any Feature-Policy header."],
        estimated_minutes: 15,
    },
    impact: 15,
    effort: 10,
    risk: 15,
    limits: "Presence only: the policy's contents are not judged. HTML responses only.",
    check: check_permissions_policy,
};

// ---------------------------------------------------------------- mixed content

/// (selector, attribute, active): active content can rewrite the page.
/// (element name, attribute, its `name[attr]` selector, whether the load is active content).
fn mixed_targets() -> [(&'static str, &'static str, &'static scraper::Selector, bool); 14] {
    [
        ("script", "src", crate::sel!("script[src]"), true),
        ("iframe", "src", crate::sel!("iframe[src]"), true),
        ("frame", "src", crate::sel!("frame[src]"), true),
        ("object", "data", crate::sel!("object[data]"), true),
        ("embed", "src", crate::sel!("embed[src]"), true),
        ("link", "href", crate::sel!("link[href]"), true),
        ("form", "action", crate::sel!("form[action]"), true),
        ("button", "formaction", crate::sel!("button[formaction]"), true),
        ("input", "formaction", crate::sel!("input[formaction]"), true),
        ("img", "src", crate::sel!("img[src]"), false),
        ("audio", "src", crate::sel!("audio[src]"), false),
        ("video", "src", crate::sel!("video[src]"), false),
        ("source", "src", crate::sel!("source[src]"), false),
        ("video", "poster", crate::sel!("video[poster]"), false),
    ]
}

/// `<link rel>` values that load something (canonical, alternate, preconnect… do not).
fn link_loads(el: &ElementRef) -> bool {
    let rel = el.value().attr_of("rel").unwrap_or("").to_ascii_lowercase();
    rel.split_ascii_whitespace().any(|r| matches!(r, "stylesheet" | "icon" | "preload" | "modulepreload" | "prefetch" | "manifest" | "apple-touch-icon"))
}

fn check_mixed_content(page: &Analysis) -> Outcome {
    if page.final_url.scheme() != "https" {
        return Outcome::NotApplicable;
    }
    let Some(_) = page.html() else { return Outcome::NotApplicable };
    let mut ev = Vec::new();
    let mut active = false;
    let mut count = 0usize;
    for (name, attr, s, is_active) in mixed_targets() {
        for el in dom::select(page, &[name], &[], s) {
            if el.value().name() == "link" && !link_loads(&el) {
                continue;
            }
            let v = el.value().attr_of(attr).unwrap_or("").trim();
            if v.get(..5).map(|p| p.eq_ignore_ascii_case("http:")).unwrap_or(false) {
                count += 1;
                active |= is_active;
                if ev.len() < MAX_EVIDENCE {
                    ev.push(dom::element(page, el));
                }
            }
        }
    }
    if count == 0 {
        return Outcome::Pass { code: None };
    }
    let (sev, detail) = if active {
        (Severity::Medium, format!("{count} http:// resource(s) or form target(s) on an https page, including active content (scripts, frames, styles, forms) that browsers block or that exposes data in clear text."))
    } else {
        (Severity::Low, format!("{count} http:// image/media resource(s) on an https page: they travel unencrypted and can be swapped on the network."))
    };
    Outcome::Fail(Violation::new(ev).total(count).severity(sev).detail(detail))
}

pub const MIXED_CONTENT_RULE: Rule = Rule {
    id: "mixed-content",
    domain: Domain::Security,
    severity: Severity::Medium,
    title: "The https page loads nothing over http",
    description: "Subresources (scripts, styles, frames, images, media) and form targets with http:// URLs on an https page travel in clear text; browsers block active mixed content, breaking the page.",
    references: &[
        Reference { kind: "cwe", id: "CWE-311", url: "https://cwe.mitre.org/data/definitions/311.html" },
        Reference { kind: "cwe", id: "CWE-319", url: "https://cwe.mitre.org/data/definitions/319.html" },
        Reference { kind: "mdn", id: "Mixed content", url: "https://developer.mozilla.org/en-US/docs/Web/Security/Mixed_content" },
    ],
    fix: Fix {
        summary: "Change http:// subresource and form URLs to https:// (or relative).",
        steps: &["Update the URLs in templates and content.", "Add `Content-Security-Policy: upgrade-insecure-requests` as a safety net."],
        estimated_minutes: 20,
    },
    impact: 45,
    effort: 15,
    risk: 10,
    limits: "Static HTML only: URLs in CSS, srcset and script-built requests are not seen.",
    check: check_mixed_content,
};

// ---------------------------------------------------------------- compromised script hosts

/// Script CDNs taken over to serve malware (the 2024 polyfill.io supply-chain
/// attack and the sister domains run by the same operator).
pub const COMPROMISED_HOSTS: [&str; 9] = [
    "polyfill.io",
    "bootcdn.net",
    "bootcss.com",
    "staticfile.net",
    "staticfile.org",
    "unionadjs.com",
    "xhsbpza.com",
    "union.macoms.la",
    "newcrbpc.com",
];

fn compromised_host(url: &str) -> Option<&'static str> {
    let u = if url.starts_with("//") { format!("https:{url}") } else { url.to_string() };
    let host = url::Url::parse(&u).ok()?.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    COMPROMISED_HOSTS.iter().copied().find(|d| host == *d || host.ends_with(&format!(".{d}")))
}

fn check_compromised_scripts(page: &Analysis) -> Outcome {
    let Some(_) = page.html() else { return Outcome::NotApplicable };
    let mut ev = Vec::new();
    let mut confidence: f32 = 0.5;
    let mut found = 0usize;
    for (name, attr, s) in [("script", "src", crate::sel!("script[src]")), ("link", "href", crate::sel!("link[href]"))] {
        for el in dom::select(page, &[name], &[], s) {
            if el.value().name() == "link" && !link_loads(&el) {
                continue;
            }
            if compromised_host(el.value().attr_of(attr).unwrap_or("").trim()).is_some() {
                found += 1;
                if ev.len() < MAX_EVIDENCE {
                    ev.push(dom::element(page, el));
                    confidence = 0.95;
                }
            }
        }
    }
    // Loaders that build the URL in an inline script: weaker evidence.
    for el in dom::select(page, &["script"], &[], crate::sel!("script:not([src])")) {
        let text: String = el.text().collect::<String>().to_ascii_lowercase();
        if COMPROMISED_HOSTS.iter().any(|d| text.contains(d)) {
            found += 1;
            if ev.len() < MAX_EVIDENCE {
                ev.push(dom::element_review(page, el));
            }
        }
    }
    if ev.is_empty() {
        return Outcome::Pass { code: None };
    }
    Outcome::Fail(
        Violation::new(ev)
            .total(found)
            .confidence(confidence)
            .detail("The page loads script from a domain known to have served malware (polyfill.io supply-chain attack)."),
    )
}

pub const COMPROMISED_SCRIPT_RULE: Rule = Rule {
    id: "compromised-script-host",
    domain: Domain::Security,
    severity: Severity::High,
    title: "No scripts from known-compromised CDNs",
    description: "polyfill.io and its sister CDNs (bootcss, bootcdn, staticfile…) were taken over in 2024 and served malicious JavaScript to visitors.",
    references: &[
        Reference { kind: "cwe", id: "CWE-829", url: "https://cwe.mitre.org/data/definitions/829.html" },
        Reference { kind: "url", id: "polyfill.io supply-chain attack", url: "https://sansec.io/research/polyfill-supply-chain-attack" },
    ],
    fix: Fix {
        summary: "Remove these script tags; self-host what you need or use a trusted mirror (e.g. cdnjs.cloudflare.com/polyfill).",
        steps: &["Delete references to the listed domains.", "Audit for other third-party scripts and add Subresource Integrity."],
        estimated_minutes: 20,
    },
    impact: 90,
    effort: 15,
    risk: 15,
    limits: "A fixed domain list; scripts injected by other scripts at run time are only caught when an inline script names a listed domain (reported for review).",
    check: check_compromised_scripts,
};

// ---------------------------------------------------------------- CORS reflection

fn check_cors_reflection(page: &Analysis) -> Outcome {
    let Some(p) = page.cors_preflight.as_ref() else { return Outcome::NotApplicable };
    let acao = values(&p.headers, "access-control-allow-origin").next().map(str::trim);
    let creds = values(&p.headers, "access-control-allow-credentials").next().map(|v| v.trim().eq_ignore_ascii_case("true")).unwrap_or(false);
    let Some(acao) = acao.filter(|a| !a.is_empty()) else { return Outcome::Pass { code: None } };
    let reflected = p.origin.as_deref().map(|o| !o.is_empty() && o.eq_ignore_ascii_case(acao)).unwrap_or(false);
    let null_origin = acao.eq_ignore_ascii_case("null");
    if creds && (reflected || null_origin) {
        let detail = if reflected {
            "An arbitrary Origin is reflected in Access-Control-Allow-Origin with credentials allowed: any site can read authenticated responses."
        } else {
            "Access-Control-Allow-Origin: null with credentials: sandboxed frames and local files of any site can read authenticated responses."
        };
        let ev = vec![
            dom::header("access-control-allow-origin", Some(acao)),
            dom::header("access-control-allow-credentials", Some("true")),
            Evidence::Item { value: p.origin.clone().unwrap_or_default(), note: "Origin sent in the preflight".into() },
        ];
        return Outcome::Fail(Violation::new(ev).severity(Severity::Critical).detail(detail));
    }
    Outcome::Pass { code: None }
}

pub const CORS_REFLECTION_RULE: Rule = Rule {
    id: "cors-origin-reflection",
    domain: Domain::Security,
    severity: Severity::Critical,
    title: "CORS does not trust arbitrary or null origins with credentials",
    description: "Echoing the request's Origin (or allowing `null`) together with Access-Control-Allow-Credentials: true lets any website read responses made with the user's cookies.",
    references: &[
        Reference { kind: "cwe", id: "CWE-942", url: "https://cwe.mitre.org/data/definitions/942.html" },
        Reference { kind: "owasp", id: "WSTG-CLNT-07", url: "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/11-Client-side_Testing/07-Testing_Cross_Origin_Resource_Sharing" },
    ],
    fix: Fix {
        summary: "Check Origin against an allow-list before echoing it; never allow `null` with credentials.",
        steps: &["Keep a list of trusted origins.", "Send Access-Control-Allow-Credentials only for those."],
        estimated_minutes: 30,
    },
    impact: 85,
    effort: 25,
    risk: 30,
    limits: "Needs the fetcher's CORS preflight with a foreign Origin; not applicable without it.",
    check: check_cors_reflection,
};

// ---------------------------------------------------------------- security.txt

fn check_security_txt(page: &Analysis) -> Outcome {
    match page.security_txt_status {
        None => Outcome::NotApplicable,
        Some(200..=299) => Outcome::Pass { code: None },
        Some(status) => Outcome::Fail(
            Violation::new(vec![Evidence::Item { value: "/.well-known/security.txt".into(), note: format!("HTTP {status}") }])
                .severity(Severity::Info)
                .detail("No /.well-known/security.txt tells researchers how to report vulnerabilities."),
        ),
    }
}

pub const SECURITY_TXT_RULE: Rule = Rule {
    id: "security-txt",
    domain: Domain::Security,
    severity: Severity::Info,
    title: "A security.txt tells researchers where to report issues",
    description: "RFC 9116 `/.well-known/security.txt` gives a contact and policy for vulnerability reports.",
    references: &[
        Reference { kind: "url", id: "RFC 9116", url: "https://www.rfc-editor.org/rfc/rfc9116" },
        Reference { kind: "url", id: "securitytxt.org", url: "https://securitytxt.org/" },
    ],
    fix: Fix {
        summary: "Publish /.well-known/security.txt with Contact: and Expires: fields.",
        steps: &["Generate one at securitytxt.org.", "Serve it as text/plain over https."],
        estimated_minutes: 10,
    },
    impact: 5,
    effort: 5,
    risk: 0,
    limits: "Only the status of the file is checked, not its fields or signature.",
    check: check_security_txt,
};

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;
    use crate::scanner::page::{CorsPreflight, Header};

    fn page(h: &[(&str, &str)], body: &str) -> Page {
        Page::html_at("https://example.com/", h, body)
    }

    #[test]
    fn version_disclosure() {
        assert!(matches!(check_version_disclosure(&crate::scanner::rules::analysis(&page(&[("server", "cloudflare")], ""))), Outcome::Pass { .. }));
        assert!(matches!(check_version_disclosure(&crate::scanner::rules::analysis(&page(&[("server", "Apache/2.4.1")], ""))), Outcome::Fail(_)));
        assert!(matches!(check_version_disclosure(&crate::scanner::rules::analysis(&page(&[("x-powered-by", "PHP")], ""))), Outcome::Fail(_)));
    }

    #[test]
    fn permissions_policy() {
        assert!(matches!(check_permissions_policy(&crate::scanner::rules::analysis(&page(&[("permissions-policy", "camera=()")], "<p>"))), Outcome::Pass { .. }));
        assert!(matches!(check_permissions_policy(&crate::scanner::rules::analysis(&page(&[], "<p>"))), Outcome::Fail(_)));
    }

    #[test]
    fn mixed_content() {
        let ok = page(&[], r#"<img src="https://a.org/x.png"><link rel="canonical" href="http://example.com/">"#);
        assert!(matches!(check_mixed_content(&crate::scanner::rules::analysis(&ok)), Outcome::Pass { .. }));
        match check_mixed_content(&crate::scanner::rules::analysis(&page(&[], r#"<img src="HTTP://a.org/x.png">"#))) {
            Outcome::Fail(v) => assert_eq!(v.severity, Some(Severity::Low)),
            other => panic!("{other:?}"),
        }
        match check_mixed_content(&crate::scanner::rules::analysis(&page(&[], r#"<script src="http://a.org/x.js"></script>"#))) {
            Outcome::Fail(v) => assert_eq!(v.severity, Some(Severity::Medium)),
            other => panic!("{other:?}"),
        }
        let http = Page::html_at("http://example.com/", &[], r#"<script src="http://a.org/x.js"></script>"#);
        assert!(matches!(check_mixed_content(&crate::scanner::rules::analysis(&http)), Outcome::NotApplicable));
    }

    #[test]
    fn compromised_scripts() {
        let bad = page(&[], r#"<script src="https://cdn.polyfill.io/v3/polyfill.min.js"></script>"#);
        assert!(matches!(check_compromised_scripts(&crate::scanner::rules::analysis(&bad)), Outcome::Fail(_)));
        let bad2 = page(&[], r#"<script src="//cdn.bootcss.com/jquery.js"></script>"#);
        assert!(matches!(check_compromised_scripts(&crate::scanner::rules::analysis(&bad2)), Outcome::Fail(_)));
        let ok = page(&[], r#"<script src="https://cdnjs.cloudflare.com/polyfill/v3/polyfill.min.js"></script>"#);
        assert!(matches!(check_compromised_scripts(&crate::scanner::rules::analysis(&ok)), Outcome::Pass { .. }));
        assert!(compromised_host("https://notpolyfill.io/x.js").is_none());
    }

    #[test]
    fn cors_reflection() {
        let mut p = page(&[], "");
        assert!(matches!(check_cors_reflection(&crate::scanner::rules::analysis(&(p))), Outcome::NotApplicable));
        let hs = |a: &str| vec![
            Header { name: "access-control-allow-origin".into(), value: a.into() },
            Header { name: "access-control-allow-credentials".into(), value: "true".into() },
        ];
        p.cors_preflight = Some(CorsPreflight { origin: Some("https://evil.example".into()), status: 204, headers: hs("https://evil.example") });
        assert!(matches!(check_cors_reflection(&crate::scanner::rules::analysis(&(p))), Outcome::Fail(_)));
        p.cors_preflight = Some(CorsPreflight { origin: Some("https://evil.example".into()), status: 204, headers: hs("https://example.com") });
        assert!(matches!(check_cors_reflection(&crate::scanner::rules::analysis(&(p))), Outcome::Pass { .. }));
        p.cors_preflight = Some(CorsPreflight { origin: Some("https://evil.example".into()), status: 204, headers: hs("null") });
        assert!(matches!(check_cors_reflection(&crate::scanner::rules::analysis(&(p))), Outcome::Fail(_)));
    }

    #[test]
    fn security_txt() {
        let mut p = page(&[], "");
        assert!(matches!(check_security_txt(&crate::scanner::rules::analysis(&(p))), Outcome::NotApplicable));
        p.security_txt_status = Some(200);
        assert!(matches!(check_security_txt(&crate::scanner::rules::analysis(&(p))), Outcome::Pass { .. }));
        p.security_txt_status = Some(404);
        assert!(matches!(check_security_txt(&crate::scanner::rules::analysis(&(p))), Outcome::Fail(_)));
    }
}
