//! Search-engine page-quality rules (Lighthouse's SEO category) that are
//! decidable from the response and the HTML: status code, meta description,
//! indexability directives, link text, crawlable anchors, hreflang, canonical.
//! `document-title` and `image-alt` are axe rules and live with accessibility.
#[allow(unused_imports)]
use crate::rules::dom::AttrExt;
use super::{element, elements, has_token, html, in_head, item, lh, metric};
use crate::model::{Domain, Severity};
use crate::rules::dom::Analysis;
use crate::rules::{dom, Evidence, Fix, Outcome, Reference, Rule, Violation, MAX_EVIDENCE};
use scraper::{ElementRef, Node};

// ---------------------------------------------------------------- http-status-code

pub const HTTP_STATUS_CODE: Rule = Rule {
    id: "http-status-code",
    domain: Domain::Performance,
    severity: Severity::High,
    title: "Page has a successful HTTP status code",
    description: "Pages answering 4xx/5xx may not be indexed.",
    references: &[lh("http-status-code", "https://developer.chrome.com/docs/lighthouse/seo/http-status-code/")],
    fix: Fix {
        summary: "Serve the page with a 2xx status, or redirect it to where the content now lives.",
        steps: &["Fix the server error, or restore the content.", "For moved content, answer 301 to the new URL."],
        estimated_minutes: 30,
    },
    impact: 80,
    effort: 30,
    risk: 10,
    limits: "Exact for the status the Worker received; bot protection may answer a scanner differently from a browser.",
    check: check_http_status_code,
};

fn check_http_status_code(page: &Analysis) -> Outcome {
    if (400..=599).contains(&page.status) {
        return Outcome::Fail(
            Violation::new(vec![metric("http-status", page.status as f64, 400.0, "status", None)])
                .severity(if page.status >= 500 { Severity::Critical } else { Severity::High })
                .code(page.status.to_string())
                .detail(format!("The page answered HTTP {}.", page.status)),
        );
    }
    Outcome::Pass { code: Some(page.status.to_string()) }
}

// ---------------------------------------------------------------- meta-description

pub const META_DESCRIPTION: Rule = Rule {
    id: "meta-description",
    domain: Domain::Performance,
    severity: Severity::Low,
    title: "Document has a meta description",
    description: "Search engines may show the meta description in results; without one they pick arbitrary page text.",
    references: &[lh("meta-description", "https://developer.chrome.com/docs/lighthouse/seo/meta-description/")],
    fix: Fix {
        summary: "Add `<meta name=\"description\" content=\"…\">` with a concise summary of the page.",
        steps: &["Write a unique 1–2 sentence summary per page.", "Put it in a meta description tag in <head>."],
        estimated_minutes: 10,
    },
    impact: 30,
    effort: 10,
    risk: 5,
    limits: "Exact for server-rendered HTML; descriptions injected by JavaScript are not seen.",
    check: check_meta_description,
};

fn meta_named<'a>(page: &'a Analysis, name: &str) -> Option<ElementRef<'a>> {
    dom::select(page, &["meta"], &[], crate::sel!("meta[name]"))
        .into_iter()
        .find(|m| m.value().attr_of("name").map(|n| n.trim().eq_ignore_ascii_case(name)).unwrap_or(false))
}

fn check_meta_description(page: &Analysis) -> Outcome {
    let Some(_) = html(page) else { return Outcome::NotApplicable };
    let Some(meta) = meta_named(page, "description") else {
        return Outcome::Fail(
            Violation::new(vec![metric("meta-description-tags", 0.0, 1.0, "count", None)])
                .code("missing")
                .detail("The page has no meta description."),
        );
    };
    if meta.value().attr_of("content").unwrap_or("").trim().is_empty() {
        return Outcome::Fail(
            Violation::new(vec![metric("meta-description-length", 0.0, 1.0, "chars", None), element(page, meta)])
                .code("empty")
                .detail("The meta description is empty."),
        );
    }
    Outcome::Pass { code: None }
}

// ---------------------------------------------------------------- is-crawlable

/// Crawlers whose named meta tags / X-Robots-Tag prefixes Lighthouse honours.
const BOTS: &[&str] = &["googlebot", "bingbot", "duckduckbot", "archive.org_bot"];
/// Directives that contain a colon, so a `name:` prefix is not a user agent.
const COLON_DIRECTIVES: &[&str] = &["unavailable_after", "max-snippet", "max-image-preview", "max-video-preview"];

pub const IS_CRAWLABLE: Rule = Rule {
    id: "is-crawlable",
    domain: Domain::Performance,
    severity: Severity::High,
    title: "Page isn't blocked from indexing",
    description: "A `noindex`/`none` robots meta tag or X-Robots-Tag header keeps the page out of search results.",
    references: &[
        lh("is-crawlable", "https://developer.chrome.com/docs/lighthouse/seo/is-crawlable/"),
        Reference { kind: "url", id: "Robots meta tag and X-Robots-Tag", url: "https://developers.google.com/search/docs/crawling-indexing/robots-meta-tag" },
    ],
    fix: Fix {
        summary: "Remove `noindex`/`none` from the robots meta tag and X-Robots-Tag header on pages that should be found.",
        steps: &["Check templates and CDN/header rules for noindex.", "Keep noindex only on staging and private pages."],
        estimated_minutes: 15,
    },
    impact: 90,
    effort: 10,
    risk: 10,
    limits: "robots.txt is not fetched, so a Disallow rule for this URL is not detected. `unavailable_after` is judged against the response's Date header when both dates parse.",
    check: check_is_crawlable,
};

/// True when a comma-separated directive list blocks indexing.
fn blocks_indexing(directives: &str, now: Option<f64>) -> bool {
    directives.split(',').any(|raw| {
        let d = raw.trim().to_ascii_lowercase();
        if d == "noindex" || d == "none" {
            return true;
        }
        if d.starts_with("unavailable_after:") {
            // HTTP dates are case-sensitive: read the date as written.
            let date = raw.trim().get("unavailable_after:".len()..).unwrap_or("");
            if let (Some(t), Some(now)) = (parse_loose_date(date), now) {
                return t < now;
            }
        }
        false
    })
}

/// Unix seconds of an `unavailable_after` date. Google takes "a widely adopted
/// format" (RFC 822, RFC 850, ISO 8601 are named; its own example is
/// `25 Jun 2010 15:00:00 PST`), which is not an HTTP date, so this reads the
/// day, month name, year and time tokens in any order and ignores the zone.
/// (To be replaced by chrono's RFC 2822 / RFC 3339 parsers once the crate has chrono.)
fn parse_loose_date(s: &str) -> Option<f64> {
    let mut day = None;
    let mut month = None;
    let mut year = None;
    let mut hms = None;
    for tok in s.split([' ', ',', '-']).filter(|t| !t.is_empty()) {
        if tok.contains(':') {
            let mut p = tok.split(':').map(|x| x.parse::<i64>().ok());
            let (h, m, sec) = (p.next().flatten()?, p.next().flatten()?, p.next().flatten()?);
            if !(0..24).contains(&h) || !(0..60).contains(&m) || !(0..=60).contains(&sec) {
                return None;
            }
            hms = Some(h * 3600 + m * 60 + sec);
        } else if let Some(mi) = MONTHS.iter().position(|m| tok.len() >= 3 && tok.get(..3).map(|t| t.eq_ignore_ascii_case(m)).unwrap_or(false)) {
            month = Some(mi as i64 + 1);
        } else if let Ok(n) = tok.parse::<i64>() {
            if day.is_none() && tok.len() <= 2 && month.is_none() {
                day = Some(n);
            } else if day.is_none() && month.is_some() && tok.len() <= 2 && year.is_none() {
                // asctime: "Nov  6 08:49:37 1994"
                day = Some(n);
            } else {
                year = Some(if tok.len() == 2 { if n < 70 { 2000 + n } else { 1900 + n } } else { n });
            }
        }
    }
    let (d, m, y, t) = (day?, month?, year?, hms?);
    if !(1..=31).contains(&d) || !(0..=86400).contains(&t) || !(1600..=9999).contains(&y) {
        return None;
    }
    Some((days_from_civil(y, m, d) * 86400 + t) as f64)
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn check_is_crawlable(page: &Analysis) -> Outcome {
    let now = page.header("date").and_then(super::network::parse_http_date);
    let mut ev: Vec<Evidence> = Vec::new();
    for value in page.headers_named("x-robots-tag") {
        // "googlebot: noindex" applies to that bot only; unknown bots don't matter here.
        let applies_and_directives = match value.split_once(':') {
            Some((ua, rest)) if !COLON_DIRECTIVES.contains(&ua.trim().to_ascii_lowercase().as_str()) => {
                let ua = ua.trim().to_ascii_lowercase();
                (BOTS.contains(&ua.as_str()), rest)
            }
            _ => (true, value),
        };
        if applies_and_directives.0 && blocks_indexing(applies_and_directives.1, now) {
            ev.push(dom::header("x-robots-tag", Some(value)));
        }
    }
    if html(page).is_some() {
        for meta in dom::select(page, &["meta"], &[], crate::sel!("meta[name]")) {
            let name = meta.value().attr_of("name").unwrap_or("").trim().to_ascii_lowercase();
            if (name == "robots" || BOTS.contains(&name.as_str())) && blocks_indexing(meta.value().attr_of("content").unwrap_or(""), now) {
                ev.push(element(page, meta));
            }
        }
    }
    if ev.is_empty() {
        return Outcome::Pass { code: None };
    }
    let n = ev.len();
    ev.insert(0, metric("blocking-directives", n as f64, 0.0, "count", None));
    Outcome::Fail(Violation::new(ev).detail(format!("{n} directive(s) block search engines from indexing the page.")))
}

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

/// Longest entry of [`NON_DESCRIPTIVE`], in bytes: longer text matches none.
/// (Evaluated at compile time over the static table, so the indexing below
/// cannot fail at run time.)
const NON_DESCRIPTIVE_MAX_LEN: usize = {
    let (mut max, mut i) = (0, 0);
    while i < NON_DESCRIPTIVE.len() {
        let list = NON_DESCRIPTIVE[i].1;
        let mut j = 0;
        while j < list.len() {
            if list[j].len() > max {
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
fn maybe_non_descriptive(text: &str) -> bool {
    if text.is_ascii() {
        // Lower-casing ASCII keeps length and is per byte: compare in place.
        let eq = |w: &str| w.len() == text.len() && w.bytes().zip(text.bytes()).all(|(x, y)| x == y.to_ascii_lowercase());
        return text.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("http"))
            || (text.len() <= NON_DESCRIPTIVE_MAX_LEN && NON_DESCRIPTIVE.iter().any(|(_, list)| list.iter().any(|w| eq(w))));
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
        let href_attr = e.attr_of("href");
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
        if !e.attr_of("role").unwrap_or("").trim().is_empty() || raw_l.starts_with("mailto:") {
            continue;
        }
        if raw.is_empty() && href_attr.is_some() && e.id().is_some() {
            continue;
        }
        let failing = if raw_l.starts_with("file:") {
            true
        } else if !e.attr_of("name").unwrap_or("").trim().is_empty() {
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
    #[allow(unused_imports)]
    use crate::page::Page;

    fn p(body: &str) -> Page {
        {
        Page::html_at("https://example.com/page", &[], body)
        }
    }
    fn ph(headers: &[(&str, &str)], body: &str) -> Page {
        Page::html_at("https://example.com/page", headers, body)
    }
    fn code(o: Outcome) -> Option<String> {
        match o {
            Outcome::Fail(v) => Some(v.code.unwrap_or_else(|| "fail".into())),
            _ => None,
        }
    }
    fn count(o: &Outcome, metric_name: &str) -> f64 {
        match o {
            Outcome::Fail(v) => v
                .evidence
                .iter()
                .find_map(|e| match e {
                    Evidence::Metric { name, observed, .. } if name == metric_name => Some(*observed),
                    _ => None,
                })
                .unwrap_or(-1.0),
            _ => 0.0,
        }
    }

    #[test]
    fn status_code() {
        let mut pg = p("x");
        assert!(matches!(check_http_status_code(&crate::rules::analysis(&(pg))), Outcome::Pass { .. }));
        pg.status = 404;
        assert_eq!(code(check_http_status_code(&crate::rules::analysis(&(pg)))).as_deref(), Some("404"));
    }

    #[test]
    fn meta_description() {
        assert!(matches!(check_meta_description(&crate::rules::analysis(&p(r#"<meta name="Description" content="About us">"#))), Outcome::Pass { .. }));
        assert_eq!(code(check_meta_description(&crate::rules::analysis(&p("<title>x</title>")))).as_deref(), Some("missing"));
        assert_eq!(code(check_meta_description(&crate::rules::analysis(&p(r#"<meta name="description" content="  ">"#)))).as_deref(), Some("empty"));
    }

    #[test]
    fn is_crawlable() {
        assert!(matches!(check_is_crawlable(&crate::rules::analysis(&p(r#"<meta name="robots" content="index, follow">"#))), Outcome::Pass { .. }));
        assert!(matches!(check_is_crawlable(&crate::rules::analysis(&ph(&[("x-robots-tag", "otherbot: noindex")], ""))), Outcome::Pass { .. }));
        let o = check_is_crawlable(&crate::rules::analysis(&ph(&[("x-robots-tag", "none")], r#"<meta name="RoBots" content="nofollow, NOINDEX">"#)));
        assert_eq!(count(&o, "blocking-directives"), 2.0);
        assert!(matches!(check_is_crawlable(&crate::rules::analysis(&ph(&[("x-robots-tag", "googlebot: noindex")], ""))), Outcome::Fail(_)));
        let past = ph(&[("date", "Wed, 01 Jan 2025 00:00:00 GMT"), ("x-robots-tag", "unavailable_after: 25 Jun 2010 15:00:00 PST")], "");
        assert!(matches!(check_is_crawlable(&crate::rules::analysis(&past)), Outcome::Fail(_)));
    }

    #[test]
    fn link_text() {
        let ok = p(r##"<a href="/pricing">See pricing</a><a href="#top">click here</a><a href="/x" rel="nofollow">here</a><a href="javascript:;">more</a>"##);
        assert!(matches!(check_link_text(&crate::rules::analysis(&ok)), Outcome::Pass { .. }));
        let bad = p(r#"<a href="/a"> Click  Here </a><a href="/b" lang="de">hier</a><a href="/c" lang="de">here</a><a href="/d">https://example.com/d</a>"#);
        assert_eq!(count(&check_link_text(&crate::rules::analysis(&bad)), "non-descriptive-links"), 3.0);
        let doc = scraper::Html::parse_document(r#"<html lang="en"><a href="/m"><span lang="de">click</span> <span lang="fr">here</span></a><a href="/n"><img alt="x">here</a></html>"#);
        let links: Vec<_> = doc.select(crate::sel!("a")).map(link_text_and_lang).collect();
        assert_eq!(links[0], ("click here".to_string(), None));
        assert_eq!(links[1], ("here".to_string(), Some("en".to_string())));
    }

    #[test]
    fn crawlable_anchors() {
        let ok = p(r#"<a href="/ok">a</a><a id="top"></a><a href="mailto:x@example.com">m</a><a role="button" onclick="x()">b</a><a>placeholder</a>"#);
        assert!(matches!(check_crawlable_anchors(&crate::rules::analysis(&ok)), Outcome::Pass { .. }));
        let bad = p(r#"<a href="javascript:void(0)">a</a><a onclick="go()">b</a><a href="file:///c">c</a><a href="http://[bad">d</a>"#);
        assert_eq!(count(&check_crawlable_anchors(&crate::rules::analysis(&bad)), "uncrawlable-links"), 4.0);
        let script = p(r#"<a class="js-link">x</a><a class="other">y</a><script>document.querySelector('.js-link').addEventListener('click', f)</script>"#);
        let o = check_crawlable_anchors(&crate::rules::analysis(&script));
        assert_eq!(count(&o, "uncrawlable-links"), 1.0);
        assert!(matches!(&o, Outcome::Fail(v) if v.evidence.iter().any(|e| matches!(e, Evidence::Element { needs_review: true, .. }))));
    }

    #[test]
    fn hreflang() {
        assert_eq!(check_hreflang(&crate::rules::analysis(&p("<title>x</title>"))), Outcome::NotApplicable);
        let ok = p(r#"<head><link rel="alternate" hreflang="en-GB" href="https://example.co.uk/"><link rel="alternate" hreflang="x-default" href="https://example.com/"></head>"#);
        assert!(matches!(check_hreflang(&crate::rules::analysis(&ok)), Outcome::Pass { .. }));
        let bad = ph(
            &[("link", r#"<https://example.com/xx>; rel="alternate"; hreflang="xx""#)],
            r#"<head><link rel="alternate" hreflang="es" href="/es"><link rel="alternate" hreflang=" x-default" href="https://example.com/"></head><body><link rel="alternate" hreflang="zz" href="/zz"></body>"#,
        );
        assert_eq!(count(&check_hreflang(&crate::rules::analysis(&bad)), "invalid-hreflang-links"), 3.0);
        assert!(valid_hreflang("zh-Hans-TW") && valid_hreflang("X-DEFAULT") && !valid_hreflang("en_US") && !valid_hreflang("xx"));
    }

    #[test]
    fn canonical() {
        assert_eq!(check_canonical(&crate::rules::analysis(&p("<title>x</title>"))), Outcome::NotApplicable);
        assert!(matches!(check_canonical(&crate::rules::analysis(&p(r#"<head><link rel="canonical" href="https://example.com/page"></head>"#))), Outcome::Pass { .. }));
        let conflict = ph(&[("link", "<https://example.com>; rel=\"canonical\"")], r#"<head><link rel="canonical" href="https://example.com/other"></head>"#);
        match check_canonical(&crate::rules::analysis(&conflict)) {
            Outcome::Fail(v) => assert_eq!(v.detail.as_deref(), Some("Multiple conflicting URLs (https://example.com/other, https://example.com/)")),
            o => panic!("{o:?}"),
        }
        assert_eq!(code(check_canonical(&crate::rules::analysis(&p(r#"<head><link rel="canonical" href="/page"></head>"#)))).as_deref(), Some("relative"));
        assert_eq!(code(check_canonical(&crate::rules::analysis(&p(r#"<head><link rel="canonical" href="https://example.com/"></head>"#)))).as_deref(), Some("points-to-root"));
        // Canonicals in <body> are ignored.
        assert_eq!(check_canonical(&crate::rules::analysis(&p(r#"<body><p>x</p><link rel="canonical" href="https://example.com/"></body>"#))), Outcome::NotApplicable);
    }
}
