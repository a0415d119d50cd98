//! The page's declared alternates: `hreflang`, `canonical`.
#[allow(unused_imports)]
use crate::scanner::rules::dom::AttrExt;
use crate::scanner::rules::performance::{element, has_token, html, in_head, item, lh, metric};
use crate::domain::model::{Domain, Severity};
use crate::scanner::rules::dom::Analysis;
use crate::scanner::rules::{dom, Evidence, Fix, Outcome, Reference, Rule, Violation, MAX_EVIDENCE};

// ---------------------------------------------------------------- hreflang

/// ISO 639-1 language codes (the two-letter part of axe's valid-langs).
const ISO_639_1: &[&str] = &[
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh", "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz", "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj", "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln", "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo", "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// `x-default`, or a primary language subtag that is a known language.
/// Three-letter subtags are accepted by shape (ISO 639-2/3 is too large to embed).
pub fn valid_hreflang(v: &str) -> bool {
    if v.eq_ignore_ascii_case("x-default") {
        return true;
    }
    let primary = v.split('-').next().unwrap_or("").to_ascii_lowercase();
    match primary.len() {
        2 => ISO_639_1.contains(&primary.as_str()),
        3 => primary.bytes().all(|b| b.is_ascii_lowercase()),
        _ => false,
    }
}

pub const HREFLANG: Rule = Rule {
    id: "hreflang",
    domain: Domain::Performance,
    severity: Severity::Low,
    title: "Document has a valid hreflang",
    description: "Alternate-language links (in <head> or the Link header) need a valid language code and an absolute URL, or search engines ignore them.",
    references: &[
        lh("hreflang", "https://developer.chrome.com/docs/lighthouse/seo/hreflang/"),
        Reference { kind: "url", id: "Localized versions of your pages", url: "https://developers.google.com/search/docs/specialty/international/localized-versions" },
    ],
    fix: Fix {
        summary: "Use a valid language(-region) code or x-default, and a fully qualified href, on every hreflang link.",
        steps: &["Fix codes like `en_US`/`xx` to BCP 47 (`en-US`).", "Make every href absolute (https://…)."],
        estimated_minutes: 20,
    },
    impact: 25,
    effort: 15,
    risk: 5,
    limits: "Three-letter language subtags are accepted by shape only. Links in <body> are ignored, as Lighthouse does.",
    check: check_hreflang,
};

/// One `Link` header entry: the target and its lower-cased parameters.
pub struct LinkHeader {
    pub target: String,
    pub params: Vec<(String, String)>,
}

impl LinkHeader {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Parses `Link: <url>; rel="x"; hreflang="y", <url2>; …` (RFC 8288), leniently.
pub fn parse_link_headers(page: &Analysis) -> Vec<LinkHeader> {
    let mut out = Vec::new();
    for value in page.headers_named("link") {
        let mut rest = value;
        while let Some(lt) = rest.find('<') {
            let after = rest.get(lt + 1..).unwrap_or("");
            let Some(gt) = after.find('>') else { break };
            let target = after.get(..gt).unwrap_or("").trim().to_string();
            let tail = after.get(gt + 1..).unwrap_or("");
            // Parameters run until the next top-level comma followed by '<'.
            let mut end = tail.len();
            let mut in_quote = false;
            for (i, c) in tail.char_indices() {
                match c {
                    '"' => in_quote = !in_quote,
                    ',' if !in_quote => {
                        end = i;
                        break;
                    }
                    _ => {}
                }
            }
            let params = tail
                .get(..end)
                .unwrap_or("")
                .split(';')
                .filter_map(|p| p.split_once('='))
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().trim_matches('"').to_string()))
                .collect();
            out.push(LinkHeader { target, params });
            rest = tail.get(end..).unwrap_or("");
        }
    }
    out
}

fn fully_qualified(href: &str) -> bool {
    url::Url::parse(href).map(|u| matches!(u.scheme(), "http" | "https")).unwrap_or(false)
}

fn check_hreflang(page: &Analysis) -> Outcome {
    let mut seen = 0usize;
    let mut bad: Vec<Evidence> = Vec::new();
    let reason = |lang: &str, href: Option<&str>| -> Option<String> {
        let mut r = Vec::new();
        if !valid_hreflang(lang) {
            r.push(format!("unexpected language code `{lang}`"));
        }
        if !href.map(fully_qualified).unwrap_or(false) {
            r.push(format!("href `{}` is not a fully qualified URL", href.unwrap_or("")));
        }
        (!r.is_empty()).then(|| r.join("; "))
    };
    if html(page).is_some() {
        for l in dom::select(page, &["link"], &[], crate::sel!("link[hreflang]")) {
            let e = l.value();
            if !in_head(l) || !e.attr_of("rel").map(|r| has_token(r, "alternate")).unwrap_or(false) {
                continue;
            }
            seen += 1;
            if let Some(why) = reason(e.attr_of("hreflang").unwrap_or(""), e.attr_of("href")) {
                bad.push(element(page, l));
                bad.push(item(e.attr_of("href").unwrap_or("(no href)"), why));
            }
        }
    }
    for lh in parse_link_headers(page) {
        let (Some(rel), Some(lang)) = (lh.param("rel"), lh.param("hreflang")) else { continue };
        if !has_token(rel, "alternate") {
            continue;
        }
        seen += 1;
        if let Some(why) = reason(lang, Some(&lh.target)) {
            bad.push(dom::header("link", Some(&format!("<{}>; rel=\"{rel}\"; hreflang=\"{lang}\"", lh.target))));
            bad.push(item(lh.target.clone(), why));
        }
    }
    if seen == 0 {
        return Outcome::NotApplicable;
    }
    if bad.is_empty() {
        return Outcome::Pass { code: None };
    }
    let n = bad.len() / 2;
    let total = 1 + bad.len();
    let mut ev = vec![metric("invalid-hreflang-links", n as f64, 0.0, "count", None)];
    ev.extend(bad.into_iter().take(MAX_EVIDENCE * 2));
    Outcome::Fail(Violation::new(ev).total(total).detail(format!("{n} hreflang link(s) are invalid.")))
}

// ---------------------------------------------------------------- canonical

pub const CANONICAL: Rule = Rule {
    id: "canonical",
    domain: Domain::Performance,
    severity: Severity::Medium,
    title: "Document has a valid rel=canonical",
    description: "The canonical URL (in <head> or the Link header) must be a single absolute URL for this content, or search engines may ignore or misapply it.",
    references: &[
        lh("canonical", "https://developer.chrome.com/docs/lighthouse/seo/canonical/"),
        Reference { kind: "url", id: "Consolidate duplicate URLs", url: "https://developers.google.com/search/docs/crawling-indexing/consolidate-duplicate-urls" },
    ],
    fix: Fix {
        summary: "Declare exactly one absolute canonical URL pointing at this page's preferred address.",
        steps: &[
            "Remove conflicting canonicals (HTML vs Link header, or several tags).",
            "Use an absolute URL; don't point every page at the home page or at another language version.",
        ],
        estimated_minutes: 20,
    },
    impact: 45,
    effort: 15,
    risk: 10,
    limits: "Exact for what the page and headers declare; whether the canonical target is itself indexable is not checked.",
    check: check_canonical,
};

fn check_canonical(page: &Analysis) -> Outcome {
    // (raw href, evidence) for each declaration, <head> first then headers, as Lighthouse orders them.
    let mut decl: Vec<(String, Evidence)> = Vec::new();
    let mut alternates: Vec<String> = Vec::new();
    if html(page).is_some() {
        for l in dom::select(page, &["link"], &[], crate::sel!("link[rel]")) {
            if !in_head(l) {
                continue;
            }
            let e = l.value();
            let rel = e.attr_of("rel").unwrap_or("");
            let href = e.attr_of("href").unwrap_or("").trim();
            if has_token(rel, "canonical") && !href.is_empty() {
                decl.push((href.to_string(), element(page, l)));
            } else if has_token(rel, "alternate") && e.attr_of("hreflang").is_some() && !href.is_empty() {
                if let Ok(u) = page.final_url.join(href) {
                    alternates.push(u.to_string());
                }
            }
        }
    }
    for lh in parse_link_headers(page) {
        let Some(rel) = lh.param("rel") else { continue };
        if has_token(rel, "canonical") && !lh.target.is_empty() {
            decl.push((lh.target.clone(), dom::header("link", Some(&format!("<{}>; rel=\"{rel}\"", lh.target)))));
        } else if has_token(rel, "alternate") && lh.param("hreflang").is_some() {
            if let Ok(u) = page.final_url.join(&lh.target) {
                alternates.push(u.to_string());
            }
        }
    }
    if decl.is_empty() {
        return Outcome::NotApplicable;
    }
    // Every declaration is evidence when the verdict is about all of them.
    let declared = decl.len();
    let fail = |code: &str, detail: String, mut ev: Vec<Evidence>, n: usize| {
        let total = 1 + if ev.len() == declared.min(MAX_EVIDENCE) { declared } else { ev.len() };
        ev.insert(0, metric("canonical-urls", n as f64, 1.0, "count", None));
        Outcome::Fail(Violation::new(ev).total(total).code(code).detail(detail))
    };
    let mut unique: Vec<url::Url> = Vec::new();
    for (raw, ev) in &decl {
        match url::Url::parse(raw) {
            Ok(u) if u.has_host() => {
                if !unique.contains(&u) {
                    unique.push(u);
                }
            }
            Ok(_) => return fail("invalid", format!("Invalid URL ({raw})"), vec![ev.clone()], decl.len()),
            Err(_) if page.final_url.join(raw).is_ok() => {
                return fail("relative", format!("Is not an absolute URL ({raw})"), vec![ev.clone()], decl.len())
            }
            Err(_) => return fail("invalid", format!("Invalid URL ({raw})"), vec![ev.clone()], decl.len()),
        }
    }
    if unique.len() > 1 {
        let list = unique.iter().map(|u| u.as_str()).collect::<Vec<_>>().join(", ");
        let ev = decl.into_iter().map(|(_, e)| e).take(MAX_EVIDENCE).collect();
        return fail("conflict", format!("Multiple conflicting URLs ({list})"), ev, unique.len());
    }
    let Some(canon) = unique.into_iter().next() else { return Outcome::NotApplicable };
    let base = &page.final_url;
    let ev: Vec<Evidence> = decl.into_iter().map(|(_, e)| e).take(MAX_EVIDENCE).collect();
    if canon != *base && alternates.iter().any(|a| a == base.as_str()) && alternates.iter().any(|a| a == canon.as_str()) {
        return fail("points-elsewhere", format!("Points to another `hreflang` location ({base})"), ev, 1);
    }
    if canon.origin() == base.origin() && canon.path() == "/" && base.path() != "/" {
        return fail("points-to-root", "Points to the domain's root URL (the homepage), instead of an equivalent page of content".into(), ev, 1);
    }
    Outcome::Pass { code: None }
}

#[cfg(test)]
mod tests {
    use super::*;
    use super::super::test_support::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;


    #[test]
    fn hreflang() {
        assert_eq!(check_hreflang(&crate::scanner::rules::analysis(&p("<title>x</title>"))), Outcome::NotApplicable);
        let ok = p(r#"<head><link rel="alternate" hreflang="en-GB" href="https://example.co.uk/"><link rel="alternate" hreflang="x-default" href="https://example.com/"></head>"#);
        assert!(matches!(check_hreflang(&crate::scanner::rules::analysis(&ok)), Outcome::Pass { .. }));
        let bad = ph(
            &[("link", r#"<https://example.com/xx>; rel="alternate"; hreflang="xx""#)],
            r#"<head><link rel="alternate" hreflang="es" href="/es"><link rel="alternate" hreflang=" x-default" href="https://example.com/"></head><body><link rel="alternate" hreflang="zz" href="/zz"></body>"#,
        );
        assert_eq!(count(&check_hreflang(&crate::scanner::rules::analysis(&bad)), "invalid-hreflang-links"), 3.0);
        assert!(valid_hreflang("zh-Hans-TW") && valid_hreflang("X-DEFAULT") && !valid_hreflang("en_US") && !valid_hreflang("xx"));
    }

    #[test]
    fn canonical() {
        assert_eq!(check_canonical(&crate::scanner::rules::analysis(&p("<title>x</title>"))), Outcome::NotApplicable);
        assert!(matches!(check_canonical(&crate::scanner::rules::analysis(&p(r#"<head><link rel="canonical" href="https://example.com/page"></head>"#))), Outcome::Pass { .. }));
        let conflict = ph(&[("link", "<https://example.com>; rel=\"canonical\"")], r#"<head><link rel="canonical" href="https://example.com/other"></head>"#);
        match check_canonical(&crate::scanner::rules::analysis(&conflict)) {
            Outcome::Fail(v) => assert_eq!(v.detail.as_deref(), Some("Multiple conflicting URLs (https://example.com/other, https://example.com/)")),
            o => panic!("{o:?}"),
        }
        assert_eq!(code(check_canonical(&crate::scanner::rules::analysis(&p(r#"<head><link rel="canonical" href="/page"></head>"#)))).as_deref(), Some("relative"));
        assert_eq!(code(check_canonical(&crate::scanner::rules::analysis(&p(r#"<head><link rel="canonical" href="https://example.com/"></head>"#)))).as_deref(), Some("points-to-root"));
        // Canonicals in <body> are ignored.
        assert_eq!(check_canonical(&crate::scanner::rules::analysis(&p(r#"<body><p>x</p><link rel="canonical" href="https://example.com/"></body>"#))), Outcome::NotApplicable);
    }
}
