//! Whether links can be followed and understood: `link-text`, `crawlable-anchors`.
#[allow(unused_imports)]
use crate::scanner::rules::dom::AttrExt;
use crate::scanner::rules::performance::{elements, has_token, html, item, lh, metric};
use crate::domain::model::{Domain, Severity};
use crate::scanner::rules::dom::Analysis;
use crate::scanner::rules::{dom, Evidence, Fix, Outcome, Reference, Rule, Violation, MAX_EVIDENCE};
use scraper::{ElementRef, Node};

// ---------------------------------------------------------------- link-text

/// Lighthouse's non-descriptive link texts per language (lower-case).
const NON_DESCRIPTIVE: &[(&str, &[&str])] = &[
    ("en", &["click here", "click this", "go", "here", "information", "learn more", "more", "more info", "more information", "right here", "read more", "see more", "start", "this"]),
    ("ja", &["ここをクリック", "こちらをクリック", "リンク", "続きを読む", "続く", "全文表示"]),
    ("es", &["click aquí", "click aqui", "clicka aquí", "clicka aqui", "pincha aquí", "pincha aqui", "aquí", "aqui", "más", "mas", "más información", "más informacion", "mas información", "mas informacion", "este", "enlace", "este enlace", "empezar"]),
    ("pt", &["clique aqui", "ir", "mais informação", "mais informações", "mais", "veja mais"]),
    ("ko", &["여기", "여기를 클릭", "클릭", "링크", "자세히", "자세히 보기", "계속", "이동", "전체 보기"]),
    ("sv", &["här", "klicka här", "läs mer", "mer", "mer info", "mer information"]),
    ("de", &["klicke hier", "hier klicken", "hier", "mehr", "siehe", "dies", "das", "weiterlesen"]),
    ("ta", &["அடுத்த பக்கம்", "மறுபக்கம்", "முந்தைய பக்கம்", "முன்பக்கம்", "மேலும் அறிக", "மேலும் தகவலுக்கு", "மேலும் தரவுகளுக்கு", "தயவுசெய்து இங்கே அழுத்தவும்", "இங்கே கிளிக் செய்யவும்"]),
    ("fa", &["اطلاعات بیشتر", "اطلاعات", "این", "اینجا بزنید", "اینجا کلیک کنید", "اینجا", "برو", "بیشتر بخوانید", "بیشتر بدانید", "بیشتر", "شروع"]),
];

/// Longest ASCII entry of [`NON_DESCRIPTIVE`], in bytes (an ASCII text can
/// only equal an ASCII entry, so a longer one matches none). Evaluated at
/// compile time over the static table, so the indexing cannot fail at run time.
const ASCII_MAX_LEN: usize = {
    let (mut max, mut i) = (0, 0);
    while i < NON_DESCRIPTIVE.len() {
        let list = NON_DESCRIPTIVE[i].1;
        let mut j = 0;
        while j < list.len() {
            if list[j].is_ascii() && list[j].len() > max {
                max = list[j].len();
            }
            j += 1;
        }
        i += 1;
    }
    max
};

pub const LINK_TEXT: Rule = Rule {
    id: "link-text",
    domain: Domain::Performance,
    severity: Severity::Low,
    title: "Links have descriptive text",
    description: "Generic link text such as \"click here\" tells search engines (and people) nothing about the target.",
    references: &[lh("link-text", "https://developer.chrome.com/docs/lighthouse/seo/link-text/")],
    fix: Fix {
        summary: "Replace generic link text with words that describe the destination.",
        steps: &["Rewrite \"click here\"/\"read more\" links to name the target (\"Read the pricing guide\")."],
        estimated_minutes: 15,
    },
    impact: 25,
    effort: 15,
    risk: 5,
    limits: "Link text is the text content with whitespace collapsed, an approximation of the rendered innerText (CSS-hidden text is counted). Language comes from `lang` attributes only.",
    check: check_link_text,
};

/// Elements whose text a browser never renders as link text.
fn is_unrendered(name: &str) -> bool {
    matches!(name, "script" | "style" | "template" | "noscript" | "title")
}

/// The closest `lang` attribute on the node or its ancestors.
fn lang_of(node: ego_tree::NodeRef<'_, Node>) -> Option<&str> {
    std::iter::once(node)
        .chain(node.ancestors())
        .filter_map(|n| n.value().as_element())
        .find_map(|e| e.attr_of("lang"))
}

/// A link's visible-ish text (whitespace collapsed) and the language all its
/// text shares (None when text nodes disagree or none declares one).
pub fn link_text_and_lang(a: ElementRef<'_>) -> (String, Option<String>) {
    (link_text(a), link_lang(a))
}

/// Text nodes of a link that a browser renders (script/style content excluded).
fn rendered_text_nodes<'a>(a: ElementRef<'a>) -> impl Iterator<Item = ego_tree::NodeRef<'a, Node>> + 'a {
    a.descendants().filter(move |n| {
        n.value().is_text()
            && !n
                .ancestors()
                .take_while(|p| p.id() != a.id())
                .filter_map(|p| p.value().as_element())
                .any(|e| is_unrendered(e.name()))
    })
}

/// The link text with whitespace collapsed, an approximation of innerText.
pub fn link_text(a: ElementRef<'_>) -> String {
    let mut out = String::new();
    link_text_into(a, &mut out);
    out
}

/// [`link_text`] into a reused buffer.
fn link_text_into(a: ElementRef<'_>, out: &mut String) {
    out.clear();
    for n in a.descendants() {
        match n.value() {
            Node::Text(t) => {
                if n.ancestors().take_while(|p| p.id() != a.id()).filter_map(|p| p.value().as_element()).any(|e| is_unrendered(e.name())) {
                    continue;
                }
                for w in t.split_whitespace() {
                    if !out.is_empty() && !out.ends_with(' ') {
                        out.push(' ');
                    }
                    out.push_str(w);
                }
                if t.ends_with(char::is_whitespace) && !out.is_empty() {
                    out.push(' ');
                }
            }
            // Block-level breaks and <br> separate words in innerText.
            Node::Element(e) if matches!(e.name(), "br" | "div" | "p" | "li") && !out.is_empty() => out.push(' '),
            _ => {}
        }
    }
    let kept = out.trim_end().len();
    out.truncate(kept);
}

/// The language shared by every non-blank text node of the link, if any.
pub fn link_lang(a: ElementRef<'_>) -> Option<String> {
    let mut lang: Option<Option<&str>> = None;
    for n in rendered_text_nodes(a) {
        if n.value().as_text().map(|t| t.trim().is_empty()).unwrap_or(true) {
            continue;
        }
        let l = lang_of(n);
        match lang {
            None => lang = Some(l),
            Some(prev) if prev != l => return None,
            _ => {}
        }
    }
    lang.flatten().map(str::to_string)
}

/// True when the text is generic in some language, or is a bare URL — the
/// cheap pre-filter before the link's language is worked out.
/// The ASCII entries of [`NON_DESCRIPTIVE`] by byte length: a link's text
/// is compared only with the few entries of its own length.
fn ascii_non_descriptive(len: usize) -> &'static [&'static [u8]] {
    static BY_LEN: std::sync::OnceLock<Vec<Vec<&'static [u8]>>> = std::sync::OnceLock::new();
    let by_len = BY_LEN.get_or_init(|| {
        let mut v: Vec<Vec<&'static [u8]>> = vec![Vec::new(); ASCII_MAX_LEN + 1];
        for w in NON_DESCRIPTIVE.iter().flat_map(|(_, list)| list.iter()).filter(|w| w.is_ascii()) {
            if let Some(slot) = v.get_mut(w.len()) {
                slot.push(w.as_bytes());
            }
        }
        v
    });
    by_len.get(len).map_or(&[], Vec::as_slice)
}

fn maybe_non_descriptive(text: &str) -> bool {
    if text.is_ascii() {
        if text.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("http")) {
            return true;
        }
        // Lower-cased on the stack; a text longer than every entry matches none.
        let mut buf = [0u8; ASCII_MAX_LEN];
        let Some(lower) = buf.get_mut(..text.len()) else { return false };
        lower.copy_from_slice(text.as_bytes());
        lower.make_ascii_lowercase();
        let lower: &[u8] = lower;
        return ascii_non_descriptive(lower.len()).contains(&lower);
    }
    let t = text.to_lowercase();
    t.starts_with("http") || NON_DESCRIPTIVE.iter().any(|(_, list)| list.contains(&t.as_str()))
}

fn is_non_descriptive(text: &str, lang: Option<&str>) -> bool {
    let t = text.to_lowercase();
    if let Ok(u) = url::Url::parse(text) {
        if matches!(u.scheme(), "http" | "https") {
            return true;
        }
    }
    match lang {
        Some(l) => {
            let primary = l.split('-').next().unwrap_or("").to_ascii_lowercase();
            NON_DESCRIPTIVE.iter().find(|(k, _)| *k == primary).map(|(_, list)| list.contains(&t.as_str())).unwrap_or(false)
        }
        None => NON_DESCRIPTIVE.iter().any(|(_, list)| list.contains(&t.as_str())),
    }
}

fn without_fragment(u: &str) -> &str {
    u.split('#').next().unwrap_or(u)
}

fn check_link_text(page: &Analysis) -> Outcome {
    let Some(_) = html(page) else { return Outcome::NotApplicable };
    let mut flagged: Vec<(ElementRef, String, String, Option<String>)> = Vec::new();
    let mut any = false;
    let base = without_fragment(page.final_url.as_str());
    let mut buf = String::new();
    for a in dom::select_named(page, "a") {
        let e = a.value();
        let Some(raw) = e.attr_of("href") else { continue };
        any = true;
        // A bare fragment resolves to this page (skipped below) without a URL
        // parse, and without visiting the link's text nodes.
        if raw.trim().starts_with('#') {
            continue;
        }
        // Text next: most links are descriptive and need no URL work at all.
        link_text_into(a, &mut buf);
        if buf.is_empty() || !maybe_non_descriptive(&buf) {
            continue;
        }
        let text = buf.clone();
        let Ok(href) = page.final_url.join(raw.trim()) else { continue };
        if e.attr_of("rel").map(|r| has_token(r, "nofollow")).unwrap_or(false)
            || matches!(href.scheme(), "javascript" | "mailto")
            || without_fragment(href.as_str()) == base
        {
            continue;
        }
        let lang = link_lang(a);
        if is_non_descriptive(&text, lang.as_deref()) {
            flagged.push((a, href.to_string(), text, lang));
        }
    }
    if !any {
        return Outcome::NotApplicable;
    }
    if flagged.is_empty() {
        return Outcome::Pass { code: None };
    }
    let n = flagged.len();
    let mut ev = vec![metric("non-descriptive-links", n as f64, 0.0, "count", None)];
    flagged.truncate(MAX_EVIDENCE);
    let els = elements(page, flagged.iter().map(|f| f.0));
    for ((_, href, text, lang), el) in flagged.into_iter().zip(els) {
        ev.push(el);
        ev.push(item(text, format!("link to {href}; language: {}", lang.as_deref().unwrap_or("undetermined"))));
    }
    Outcome::Fail(Violation::new(ev).total(1 + 2 * n).confidence(0.85).detail(format!("{n} link(s) found with non-descriptive text.")))
}

// ---------------------------------------------------------------- crawlable-anchors

/// Attributes that only make sense with an href (HTML `a` element definition).
const HREF_ASSOCIATED: &[&str] = &["target", "download", "ping", "rel", "hreflang", "type", "referrerpolicy"];

pub const CRAWLABLE_ANCHORS: Rule = Rule {
    id: "crawlable-anchors",
    domain: Domain::Performance,
    severity: Severity::Medium,
    title: "Links are crawlable",
    description: "Crawlers follow `href`s only; links that navigate with JavaScript (`javascript:void(0)`, click handlers without href) hide pages from search engines.",
    references: &[
        lh("crawlable-anchors", "https://developer.chrome.com/docs/lighthouse/seo/crawlable-anchors/"),
        Reference { kind: "url", id: "Make your links crawlable", url: "https://developers.google.com/search/docs/crawling-indexing/links-crawlable" },
    ],
    fix: Fix {
        summary: "Give every navigating link a real URL in `href`; keep JavaScript handlers as an enhancement.",
        steps: &["Replace `javascript:void(0)` and href-less click handlers with `<a href=\"/target\">`.", "Use <button> for actions that don't navigate."],
        estimated_minutes: 30,
    },
    impact: 45,
    effort: 25,
    risk: 10,
    limits: "Event listeners attached by scripts are invisible without running them: an href-less link is reported for review only when an inline script adds listeners and names its id or class. Inline on* handler attributes are seen exactly.",
    check: check_crawlable_anchors,
};

/// Lower-cased text of all inline scripts, for the listener heuristic.
fn inline_script_text(page: &Analysis) -> String {
    let mut s = String::new();
    for sc in dom::select(page, &["script"], &[], crate::sel!("script:not([src])")) {
        for t in sc.text() {
            s.push_str(t);
        }
        s.push('\n');
    }
    s
}

fn script_attaches_listeners(script: &str) -> bool {
    script.contains("addEventListener") || script.contains(".onclick") || script.contains(".onmousedown") || script.contains(".on(") || script.contains(".click(")
}

/// Whether an inline script names this element by id or class, e.g. `.some-link` or `#menu`.
fn script_targets(el: &scraper::node::Element, script: &str) -> bool {
    let named = |prefix: char, token: &str| {
        let needle = format!("{prefix}{token}");
        script.match_indices(&needle).any(|(i, _)| {
            // The name must end there (not a longer class name).
            let next = script.get(i + needle.len()..).and_then(|r| r.chars().next());
            !matches!(next, Some(c) if c.is_alphanumeric() || c == '-' || c == '_')
        })
    };
    el.id().map(|id| named('#', id)).unwrap_or(false) || el.classes().any(|c| named('.', c))
}

fn check_crawlable_anchors(page: &Analysis) -> Outcome {
    let Some(_) = html(page) else { return Outcome::NotApplicable };
    let mut script: Option<String> = None;
    let mut exact: Vec<ElementRef> = Vec::new();
    let mut review: Vec<ElementRef> = Vec::new();
    let mut any = false;
    for a in dom::select_named(page, "a") {
        any = true;
        let e = a.value();
        let [href_attr, role_attr, name_attr] = e.attrs_of(["href", "role", "name"]);
        let has_handler = e.attrs().any(|(k, _)| k.len() > 2 && k.get(..2).map(|p| p.eq_ignore_ascii_case("on")).unwrap_or(false));
        // Browsers list href-less anchors only when something listens on them.
        let mut by_script = false;
        if href_attr.is_none() && !has_handler {
            let s = script.get_or_insert_with(|| inline_script_text(page));
            by_script = script_attaches_listeners(s) && script_targets(e, s);
            if !by_script {
                continue;
            }
        }
        // Borrowed unless the href has whitespace or upper case (most don't).
        let href_s = href_attr.unwrap_or("");
        let raw: std::borrow::Cow<str> = if href_s.chars().any(char::is_whitespace) {
            href_s.chars().filter(|c| !c.is_whitespace()).collect::<String>().into()
        } else {
            href_s.into()
        };
        let raw_l: std::borrow::Cow<str> =
            if raw.bytes().any(|b| b.is_ascii_uppercase()) { raw.to_ascii_lowercase().into() } else { std::borrow::Cow::Borrowed(&*raw) };
        if !role_attr.unwrap_or("").trim().is_empty() || raw_l.starts_with("mailto:") {
            continue;
        }
        if raw.is_empty() && href_attr.is_some() && e.id().is_some() {
            continue;
        }
        let failing = if raw_l.starts_with("file:") {
            true
        } else if !name_attr.unwrap_or("").trim().is_empty() {
            false
        } else if href_attr.is_none() {
            let placeholder = !HREF_ASSOCIATED.iter().any(|h| e.attr_of(h).is_some())
                && matches!(e.attr_of("aria-current").unwrap_or("").trim(), "page" | "location");
            !placeholder
        } else if is_js_void(&raw_l) {
            true
        } else {
            // Only a URL with an authority (`//host`) can fail to resolve against
            // an http(s) base; skipping the parse for the rest keeps this linear and cheap.
            raw.as_bytes().windows(2).any(|w| w == b"//") && page.final_url.join(&raw).is_err()
        };
        if failing {
            if by_script {
                review.push(a);
            } else {
                exact.push(a);
            }
        }
    }
    if !any {
        return Outcome::NotApplicable;
    }
    let n = exact.len() + review.len();
    if n == 0 {
        return Outcome::Pass { code: None };
    }
    let mut ev = vec![metric("uncrawlable-links", n as f64, 0.0, "count", None)];
    ev.extend(elements(page, exact.iter().copied()));
    let review_ev = elements(page, review.iter().copied().take(MAX_EVIDENCE.saturating_sub(exact.len())));
    ev.extend(review_ev.into_iter().map(|e| match e {
        Evidence::Element { selector, snippet, line, node, .. } => Evidence::Element { selector, snippet, line, needs_review: true, node },
        other => other,
    }));
    Outcome::Fail(
        Violation::new(ev)
            .total(1 + n)
            .confidence(if exact.is_empty() { 0.5 } else { 0.9 })
            .detail(format!("{n} link(s) cannot be followed by crawlers ({} need review: listeners added by script).", review.len())),
    )
}

/// `javascript:void(0)` and its bracket-less variants (href already without whitespace).
fn is_js_void(raw_lower: &str) -> bool {
    // Cheap exit for the common case (no scheme at all).
    if !raw_lower.as_bytes().contains(&b':') {
        return false;
    }
    raw_lower.match_indices("javascript:void").any(|(i, m)| {
        let rest = raw_lower.get(i + m.len()..).unwrap_or("");
        let rest = rest.strip_prefix('(').unwrap_or(rest);
        rest.starts_with('0')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use super::super::test_support::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;


    #[test]
    fn link_text() {
        let ok = p(r##"<a href="/pricing">See pricing</a><a href="#top">click here</a><a href="/x" rel="nofollow">here</a><a href="javascript:;">more</a>"##);
        assert!(matches!(check_link_text(&crate::scanner::rules::analysis(&ok)), Outcome::Pass { .. }));
        let bad = p(r#"<a href="/a"> Click  Here </a><a href="/b" lang="de">hier</a><a href="/c" lang="de">here</a><a href="/d">https://example.com/d</a>"#);
        assert_eq!(count(&check_link_text(&crate::scanner::rules::analysis(&bad)), "non-descriptive-links"), 3.0);
        let doc = scraper::Html::parse_document(r#"<html lang="en"><a href="/m"><span lang="de">click</span> <span lang="fr">here</span></a><a href="/n"><img alt="x">here</a></html>"#);
        let links: Vec<_> = doc.select(crate::sel!("a")).map(link_text_and_lang).collect();
        assert_eq!(links[0], ("click here".to_string(), None));
        assert_eq!(links[1], ("here".to_string(), Some("en".to_string())));
    }

    #[test]
    fn crawlable_anchors() {
        let ok = p(r#"<a href="/ok">a</a><a id="top"></a><a href="mailto:x@example.com">m</a><a role="button" onclick="x()">b</a><a>placeholder</a>"#);
        assert!(matches!(check_crawlable_anchors(&crate::scanner::rules::analysis(&ok)), Outcome::Pass { .. }));
        let bad = p(r#"<a href="javascript:void(0)">a</a><a onclick="go()">b</a><a href="file:///c">c</a><a href="http://[bad">d</a>"#);
        assert_eq!(count(&check_crawlable_anchors(&crate::scanner::rules::analysis(&bad)), "uncrawlable-links"), 4.0);
        let script = p(r#"<a class="js-link">x</a><a class="other">y</a><script>document.querySelector('.js-link').addEventListener('click', f)</script>"#);
        let o = check_crawlable_anchors(&crate::scanner::rules::analysis(&script));
        assert_eq!(count(&o, "uncrawlable-links"), 1.0);
        assert!(matches!(&o, Outcome::Fail(v) if v.evidence.iter().any(|e| matches!(e, Evidence::Element { needs_review: true, .. }))));
    }

}
