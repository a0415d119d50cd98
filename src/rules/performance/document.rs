//! Rules decided from the HTML itself: render-blocking tags, DOM size,
//! unsized images, web-font display, viewport, doctype and charset.
#[allow(unused_imports)]
use crate::rules::dom::AttrExt;
use super::{element, elements, has_token, html, in_head, item, lh, metric};
use crate::model::{Domain, Severity};
use crate::rules::dom::Analysis;
use crate::rules::{dom, Fix, Outcome, Reference, Rule, Violation};
use ego_tree::iter::Edge;
use scraper::{ElementRef, Node};

// ---------------------------------------------------------------- render-blocking-resources

pub const RENDER_BLOCKING_RESOURCES: Rule = Rule {
    id: "render-blocking-resources",
    domain: Domain::Performance,
    severity: Severity::Medium,
    title: "Eliminate render-blocking resources",
    description: "Classic scripts in <head> without async/defer and stylesheets that apply to the screen must download before the first paint.",
    references: &[
        lh("render-blocking-resources", "https://developer.chrome.com/docs/lighthouse/performance/render-blocking-resources/"),
        lh("render-blocking-insight (v13; replaces render-blocking-resources)", "https://github.com/GoogleChrome/lighthouse/blob/main/core/audits/insights/render-blocking-insight.js"),
    ],
    fix: Fix {
        summary: "Defer non-critical scripts and inline or split critical CSS.",
        steps: &[
            "Add `defer` (or `async` for independent scripts) to <script src> in <head>, or use type=module.",
            "Inline the CSS needed for above-the-fold content; load the rest with a media attribute or later.",
            "Give stylesheets for print or large screens a matching `media` attribute so they stop blocking.",
        ],
        estimated_minutes: 90,
    },
    impact: 60,
    effort: 45,
    risk: 30,
    limits: "Uses Lighthouse 9's static definition (tags, not Chrome's renderBlocking flag): it cannot tell whether a resource is fast enough not to matter (< 50 ms), and media queries that depend on the viewport are assumed to match.",
    check: check_render_blocking,
};

/// Whether a `media` attribute can match on screen. Media queries that need
/// a viewport are assumed to match (the browser would evaluate them).
fn media_can_match(media: Option<&str>) -> bool {
    let Some(m) = media else { return true };
    let m = m.trim().to_ascii_lowercase();
    if m.is_empty() {
        return true;
    }
    m.split(',').any(|q| {
        let q = q.trim();
        !(q.starts_with("print") || q.starts_with("speech") || q.starts_with("not all") || q.starts_with("only print") || q == "not screen")
    })
}

/// Script types a browser executes as classic (blocking) scripts.
fn is_classic_script(ty: Option<&str>) -> bool {
    let Some(t) = ty else { return true };
    let t = t.trim().to_ascii_lowercase();
    t.is_empty()
        || matches!(
            t.as_str(),
            "text/javascript" | "application/javascript" | "application/ecmascript" | "text/ecmascript" | "application/x-javascript" | "text/jscript" | "javascript"
        )
}

fn check_render_blocking(page: &Analysis) -> Outcome {
    let Some(_) = html(page) else { return Outcome::NotApplicable };
    let mut blocking: Vec<ElementRef> = Vec::new();
    let mut scripts = 0usize;
    let mut sheets = 0usize;
    for el in dom::select(page, &["script", "link"], &["blocking"], crate::sel!("script[src], link[rel], [blocking]")) {
        let e = el.value();
        let explicit = e.attr_of("blocking").map(|b| has_token(b, "render")).unwrap_or(false);
        let is_blocking = match e.name() {
            "script" if e.attr_of("src").is_some() => {
                let src = e.attr_of("src").unwrap_or("").trim().to_ascii_lowercase();
                explicit
                    || (in_head(el)
                        && is_classic_script(e.attr_of("type"))
                        && e.attr_of("async").is_none()
                        && e.attr_of("defer").is_none()
                        && !src.starts_with("data:")
                        && !src.starts_with("blob:"))
            }
            "link" => {
                let rel = e.attr_of("rel").unwrap_or("");
                let sheet = has_token(rel, "stylesheet") && !has_token(rel, "alternate");
                (sheet && e.attr_of("disabled").is_none() && e.attr_of("href").is_some() && media_can_match(e.attr_of("media")))
                    || (has_token(rel, "import") && e.attr_of("async").is_none())
                    || explicit
            }
            _ => explicit,
        };
        if is_blocking {
            if e.name() == "script" {
                scripts += 1;
            } else {
                sheets += 1;
            }
            blocking.push(el);
        }
    }
    if blocking.is_empty() {
        return Outcome::Pass { code: None };
    }
    let n = blocking.len();
    // Bytes are known only for subresources the fetcher measured.
    let mut bytes = 0u64;
    for el in &blocking {
        let href = el.value().attr_of("src").or_else(|| el.value().attr_of("href"));
        if let Some(u) = href.and_then(|h| page.final_url.join(h).ok()) {
            if let Some(b) = page.subresources.iter().find(|s| s.url == u.as_str()).and_then(|s| s.transferred_bytes) {
                bytes += b;
            }
        }
    }
    let mut ev = vec![metric("render-blocking-requests", n as f64, 0.0, "count", None)];
    if bytes > 0 {
        ev.push(metric("render-blocking-bytes", bytes as f64, 0.0, "bytes", Some(bytes as f64)));
    }
    let total = ev.len() + blocking.len();
    ev.extend(elements(page, blocking));
    let v = Violation::new(ev)
        .total(total)
        .confidence(0.8)
        .detail(format!("{scripts} script(s) and {sheets} stylesheet(s) block the first paint."));
    Outcome::Fail(if n <= 1 { v.severity(Severity::Low) } else { v })
}

// ---------------------------------------------------------------- dom-size

/// Lighthouse 12 scoring curve on body elements: p10 818, median 1400.
pub const DOM_ELEMENTS_P10: f64 = 818.0;
pub const DOM_ELEMENTS_MEDIAN: f64 = 1400.0;
/// Lighthouse's long-standing guidance for depth and children per parent.
pub const DOM_DEPTH_MAX: f64 = 32.0;
pub const DOM_WIDTH_MAX: f64 = 60.0;

pub const DOM_SIZE: Rule = Rule {
    id: "dom-size",
    domain: Domain::Performance,
    severity: Severity::Low,
    title: "Avoid an excessive DOM size",
    description: "Large DOM trees (Lighthouse flags from about 800 body elements) slow style calculation, layout and memory use.",
    references: &[
        lh("dom-size", "https://developer.chrome.com/docs/lighthouse/performance/dom-size/"),
        lh("dom-size-insight (v13; replaces dom-size)", "https://github.com/GoogleChrome/lighthouse/blob/main/core/audits/insights/dom-size-insight.js"),
    ],
    fix: Fix {
        summary: "Render less markup: paginate or virtualise long lists and flatten wrapper elements.",
        steps: &[
            "Virtualise or paginate long lists and tables.",
            "Remove wrapper <div>s that only exist for styling; use CSS grid/flex instead.",
            "Render hidden content (menus, modals, tabs) on demand.",
        ],
        estimated_minutes: 240,
    },
    impact: 35,
    effort: 70,
    risk: 30,
    limits: "Counts the server-rendered HTML only: pages that build their DOM with JavaScript look smaller here than in a browser. Lighthouse 13 judges the DOM by measured layout cost, which needs a browser.",
    check: check_dom_size,
};

/// Element count under <body>, the deepest element and the widest parent, in one pass.
pub struct DomStats<'a> {
    pub elements: usize,
    pub max_depth: usize,
    pub deepest: Option<ElementRef<'a>>,
    pub max_children: usize,
    pub widest: Option<ElementRef<'a>>,
}

pub fn dom_stats(body: ElementRef<'_>) -> DomStats<'_> {
    let mut s = DomStats { elements: 0, max_depth: 0, deepest: None, max_children: 0, widest: None };
    let mut depth = 0usize;
    for edge in body.traverse() {
        match edge {
            Edge::Open(n) => {
                let Some(el) = ElementRef::wrap(n) else { continue };
                let kids = n.children().filter(|c| c.value().is_element()).count();
                if kids > s.max_children {
                    s.max_children = kids;
                    s.widest = Some(el);
                }
                if n.id() != body.id() {
                    s.elements += 1;
                    depth += 1;
                    if depth > s.max_depth {
                        s.max_depth = depth;
                        s.deepest = Some(el);
                    }
                }
            }
            Edge::Close(n) => {
                if n.value().is_element() && n.id() != body.id() {
                    depth = depth.saturating_sub(1);
                }
            }
        }
    }
    s
}

/// [`dom_stats`] from the page's element index (depths and child counts
/// recorded when it was built) instead of another walk of the tree.
fn indexed_dom_stats<'a>(page: &'a Analysis, body: ElementRef<'a>) -> Option<DomStats<'a>> {
    let (ix, doc) = (page.element_index()?, page.html()?);
    let (elements, max_depth, deepest, max_children, widest) = ix.subtree_shape(ix.position(body.id())?)?;
    let at = |p: Option<u32>| p.and_then(|p| ix.node(p)).and_then(|id| doc.tree.get(id)).and_then(ElementRef::wrap);
    Some(DomStats { elements, max_depth, deepest: at(deepest), max_children, widest: at(widest) })
}

fn check_dom_size(page: &Analysis) -> Outcome {
    let Some(_) = html(page) else { return Outcome::NotApplicable };
    let Some(body) = dom::select_named(page, "body").into_iter().next() else { return Outcome::NotApplicable };
    let s = indexed_dom_stats(page, body).unwrap_or_else(|| dom_stats(body));
    let n = s.elements as f64;
    if n <= DOM_ELEMENTS_P10 {
        return Outcome::Pass { code: None };
    }
    let mut ev = vec![
        metric("dom-elements", n, DOM_ELEMENTS_P10, "count", Some(n - DOM_ELEMENTS_P10)),
        metric("dom-max-depth", s.max_depth as f64, DOM_DEPTH_MAX, "count", None),
        metric("dom-max-children", s.max_children as f64, DOM_WIDTH_MAX, "count", None),
    ];
    ev.extend(elements(page, s.deepest.into_iter().chain(s.widest)));
    let v = Violation::new(ev).confidence(0.9).detail(format!(
        "The body has {} elements (Lighthouse flags above {DOM_ELEMENTS_P10:.0}; {DOM_ELEMENTS_MEDIAN:.0} scores 0.5), max depth {}, widest parent {} children.",
        s.elements, s.max_depth, s.max_children
    ));
    Outcome::Fail(if n > DOM_ELEMENTS_MEDIAN { v.severity(Severity::Medium) } else { v })
}

// ---------------------------------------------------------------- unsized-images

pub const UNSIZED_IMAGES: Rule = Rule {
    id: "unsized-images",
    domain: Domain::Performance,
    severity: Severity::Medium,
    title: "Image elements have explicit width and height",
    description: "Images without both dimensions (or one dimension plus aspect-ratio) shift the layout when they load (CLS).",
    references: &[
        lh("unsized-images", "https://developer.chrome.com/docs/lighthouse/performance/unsized-images/"),
        lh("cls-culprits-insight (v13)", "https://github.com/GoogleChrome/lighthouse/blob/main/core/audits/insights/cls-culprits-insight.js"),
    ],
    fix: Fix {
        summary: "Give every <img> width and height attributes matching its intrinsic aspect ratio.",
        steps: &[
            "Add width and height attributes (the intrinsic pixel size); CSS can still scale it with height:auto.",
            "Or set one CSS dimension plus `aspect-ratio`.",
        ],
        estimated_minutes: 30,
    },
    impact: 50,
    effort: 20,
    risk: 10,
    limits: "Only width/height attributes and inline style are seen; sizes set by stylesheet rules, and images that are hidden or positioned fixed/absolute by class, cannot be recognised, so findings on pages with stylesheets need review.",
    check: check_unsized_images,
};

/// A width/height attribute counts when it parses as a non-negative integer (not "+10").
fn valid_dimension_attr(v: Option<&str>) -> bool {
    let Some(v) = v else { return false };
    let v = v.trim_start();
    !v.starts_with('+') && v.bytes().next().map(|b| b.is_ascii_digit()).unwrap_or(false)
}

/// Declarations of an inline style, lower-cased property → value.
fn inline_style(style: &str) -> impl Iterator<Item = (String, String)> + '_ {
    style.split(';').filter_map(|d| {
        let (k, v) = d.split_once(':')?;
        Some((k.trim().to_ascii_lowercase(), v.trim().trim_end_matches("!important").trim().to_ascii_lowercase()))
    })
}

fn css_sizes(v: &str) -> bool {
    !v.is_empty() && !matches!(v, "auto" | "initial" | "unset" | "inherit" | "revert" | "revert-layer")
}

/// Whether an `<img>` is judged sized, or should be skipped, from markup alone.
fn image_is_unsized(el: ElementRef) -> bool {
    let e = el.value();
    let src = e.attr_of("src").unwrap_or("").trim().to_ascii_lowercase();
    if src.starts_with("data:") || e.attr_of("hidden").is_some() {
        return false;
    }
    let mut w = valid_dimension_attr(e.attr_of("width"));
    let mut h = valid_dimension_attr(e.attr_of("height"));
    let mut ar = false;
    if let Some(style) = e.attr_of("style") {
        for (k, v) in inline_style(style) {
            match k.as_str() {
                "width" if css_sizes(&v) => w = true,
                "height" if css_sizes(&v) => h = true,
                "aspect-ratio" if css_sizes(&v) => ar = true,
                "position" if v == "fixed" || v == "absolute" => return false,
                "display" if v == "none" => return false,
                _ => {}
            }
        }
    }
    // Sized = two of {width, height, aspect-ratio}, at least one being a dimension.
    let sized = (w && (h || ar)) || (h && ar);
    !sized
}

fn check_unsized_images(page: &Analysis) -> Outcome {
    let Some(_) = html(page) else { return Outcome::NotApplicable };
    let mut any = false;
    let mut flagged = Vec::new();
    for el in dom::select_named(page, "img") {
        any = true;
        if image_is_unsized(el) {
            flagged.push(el);
        }
    }
    if !any {
        return Outcome::NotApplicable;
    }
    if flagged.is_empty() {
        return Outcome::Pass { code: None };
    }
    // Author stylesheets may size the images; without them the verdict is firm.
    let has_css = !dom::select(page, &["style", "link"], &[], crate::sel!("style, link[rel~=stylesheet]")).is_empty();
    let n = flagged.len();
    let mut ev = vec![metric("unsized-images", n as f64, 0.0, "count", None)];
    ev.extend(elements(page, flagged));
    Outcome::Fail(
        Violation::new(ev)
            .total(1 + n)
            .confidence(if has_css { 0.6 } else { 0.9 })
            .detail(format!("{n} image(s) lack explicit width and height.")),
    )
}

// ---------------------------------------------------------------- font-display

pub const FONT_DISPLAY: Rule = Rule {
    id: "font-display",
    domain: Domain::Performance,
    severity: Severity::Low,
    title: "All text remains visible during webfont loads",
    description: "@font-face rules without font-display (swap, fallback, optional or block) hide text while the font downloads.",
    references: &[
        lh("font-display", "https://developer.chrome.com/docs/lighthouse/performance/font-display/"),
        lh("font-display-insight (v13; replaces font-display)", "https://github.com/GoogleChrome/lighthouse/blob/main/core/audits/insights/font-display-insight.js"),
        Reference { kind: "mdn", id: "font-display", url: "https://developer.mozilla.org/en-US/docs/Web/CSS/@font-face/font-display" },
    ],
    fix: Fix {
        summary: "Add `font-display: swap` (or optional) to each @font-face rule.",
        steps: &["Add `font-display: swap;` inside every @font-face block.", "For hosted fonts (Google Fonts), add `&display=swap` to the stylesheet URL."],
        estimated_minutes: 10,
    },
    impact: 30,
    effort: 5,
    risk: 5,
    limits: "Only inline <style> blocks are read; external stylesheets are not fetched. Lighthouse only counts fonts that actually downloaded; here every declared web font counts.",
    check: check_font_display,
};

const GOOD_FONT_DISPLAY: &[&str] = &["block", "fallback", "optional", "swap"];

/// Font families of @font-face blocks that load a URL without a good font-display.
pub fn font_faces_without_display(css: &str) -> Vec<String> {
    let lower = css.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0usize;
    while let Some(pos) = lower.get(from..).and_then(|s| s.find("@font-face")) {
        let start = from + pos;
        let Some(open) = lower.get(start..).and_then(|s| s.find('{')).map(|o| start + o) else { break };
        let close = lower.get(open..).and_then(|s| s.find('}')).map(|c| open + c).unwrap_or(lower.len());
        let block = lower.get(open + 1..close).unwrap_or("");
        from = close.max(start + 1);
        if !block.contains("url(") {
            continue;
        }
        let display = block
            .split(';')
            .filter_map(|d| d.split_once(':'))
            .find(|(k, _)| k.trim() == "font-display")
            .map(|(_, v)| v.trim().to_string());
        if display.as_deref().map(|d| GOOD_FONT_DISPLAY.contains(&d)).unwrap_or(false) {
            continue;
        }
        // Report the family name from the original text (case preserved).
        let family = css
            .get(open + 1..close)
            .unwrap_or("")
            .split(';')
            .filter_map(|d| d.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("font-family"))
            .map(|(_, v)| v.trim().trim_matches(|c| c == '"' || c == '\'').to_string())
            .unwrap_or_else(|| "(unnamed)".into());
        out.push(format!("{family} (font-display: {})", display.as_deref().unwrap_or("auto")));
    }
    out
}

fn check_font_display(page: &Analysis) -> Outcome {
    let Some(_) = html(page) else { return Outcome::NotApplicable };
    let mut faces = 0usize;
    let mut bad: Vec<(ElementRef, Vec<String>)> = Vec::new();
    for style in dom::select_named(page, "style") {
        let css: String = style.text().collect();
        if !css.to_ascii_lowercase().contains("@font-face") {
            continue;
        }
        faces += 1;
        let b = font_faces_without_display(&css);
        if !b.is_empty() {
            bad.push((style, b));
        }
    }
    if faces == 0 {
        return Outcome::NotApplicable;
    }
    if bad.is_empty() {
        return Outcome::Pass { code: None };
    }
    let n: usize = bad.iter().map(|(_, b)| b.len()).sum();
    let mut ev = vec![metric("font-faces-without-font-display", n as f64, 0.0, "count", None)];
    for (el, families) in bad.iter().take(crate::rules::MAX_EVIDENCE) {
        ev.push(element(page, *el));
        for f in families.iter().take(crate::rules::MAX_EVIDENCE) {
            ev.push(item(f.clone(), "@font-face without a font-display that shows fallback text"));
        }
    }
    let total = 1 + bad.len() + n;
    Outcome::Fail(Violation::new(ev).total(total).detail(format!("{n} @font-face rule(s) hide text while the font loads.")))
}

// ---------------------------------------------------------------- viewport

pub const VIEWPORT: Rule = Rule {
    id: "viewport",
    domain: Domain::Performance,
    severity: Severity::Medium,
    title: "Has a <meta name=\"viewport\"> tag with width or initial-scale",
    description: "Without a mobile viewport, phones render the page at desktop width and delay taps by up to 300 ms.",
    references: &[
        lh("viewport", "https://developer.chrome.com/docs/lighthouse/pwa/viewport/"),
        lh("viewport-insight (v13; replaces viewport)", "https://github.com/GoogleChrome/lighthouse/blob/main/core/audits/insights/viewport-insight.js"),
        Reference { kind: "mdn", id: "viewport meta tag", url: "https://developer.mozilla.org/en-US/docs/Web/HTML/Viewport_meta_tag" },
    ],
    fix: Fix {
        summary: "Add `<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">` to <head>.",
        steps: &["Add the viewport meta tag in <head>.", "Do not set initial-scale below 1."],
        estimated_minutes: 5,
    },
    impact: 55,
    effort: 5,
    risk: 10,
    limits: "Zoom restrictions (user-scalable, maximum-scale) are the accessibility rule `meta-viewport`'s concern, not this one.",
    check: check_viewport,
};

/// Parses viewport content the lenient way browsers do (`,`/`;` separators).
fn viewport_props(content: &str) -> Vec<(String, String)> {
    content
        .split([',', ';'])
        .filter_map(|p| {
            let (k, v) = p.split_once('=')?;
            Some((k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase()))
        })
        .collect()
}

fn check_viewport(page: &Analysis) -> Outcome {
    let Some(_) = html(page) else { return Outcome::NotApplicable };
    let meta = dom::select(page, &["meta"], &[], crate::sel!("meta[name]"))
        .into_iter()
        .find(|m| m.value().attr_of("name").map(|n| n.trim().eq_ignore_ascii_case("viewport")).unwrap_or(false));
    let Some(meta) = meta else {
        return Outcome::Fail(
            Violation::new(vec![metric("viewport-meta-tags", 0.0, 1.0, "count", None)])
                .code("no-viewport")
                .detail("No <meta name=\"viewport\"> tag found."),
        );
    };
    let props = viewport_props(meta.value().attr_of("content").unwrap_or(""));
    let width = props.iter().any(|(k, _)| k == "width");
    let scale = props.iter().find(|(k, _)| k == "initial-scale").map(|(_, v)| v.parse::<f64>().ok());
    if !width && scale.is_none() {
        return Outcome::Fail(
            Violation::new(vec![metric("viewport-width-or-initial-scale", 0.0, 1.0, "count", None), element(page, meta)])
                .code("no-width-or-initial-scale")
                .detail("The viewport meta tag sets neither width nor initial-scale."),
        );
    }
    if let Some(Some(s)) = scale {
        if s < 1.0 {
            return Outcome::Fail(
                Violation::new(vec![metric("initial-scale", s, 1.0, "ratio", None), element(page, meta)])
                    .severity(Severity::Low)
                    .code("initial-scale-below-1")
                    .detail(format!("initial-scale is {s}, below 1.")),
            );
        }
    }
    Outcome::Pass { code: None }
}

// ---------------------------------------------------------------- doctype

pub const DOCTYPE: Rule = Rule {
    id: "doctype",
    domain: Domain::Performance,
    severity: Severity::Low,
    title: "Page has the HTML doctype",
    description: "Without `<!DOCTYPE html>` browsers render in quirks mode, with legacy layout behaviour.",
    references: &[
        lh("doctype", "https://developer.chrome.com/docs/lighthouse/best-practices/doctype/"),
        Reference { kind: "url", id: "HTML: the DOCTYPE", url: "https://html.spec.whatwg.org/multipage/syntax.html#the-doctype" },
    ],
    fix: Fix { summary: "Start the document with `<!DOCTYPE html>`.", steps: &["Put `<!DOCTYPE html>` as the very first line of the HTML."], estimated_minutes: 5 },
    impact: 25,
    effort: 5,
    risk: 15,
    limits: "Exact: decided from the parser's doctype token and quirks mode.",
    check: check_doctype,
};

fn check_doctype(page: &Analysis) -> Outcome {
    let Some(doc) = html(page) else { return Outcome::NotApplicable };
    let dt = doc.tree.root().children().find_map(|n| match n.value() {
        Node::Doctype(d) => Some(d),
        _ => None,
    });
    let fail = |code: &str, detail: String| {
        Outcome::Fail(Violation::new(vec![metric("html5-doctype", 0.0, 1.0, "bool", None)]).code(code).detail(detail))
    };
    let Some(dt) = dt else { return fail("missing", "The document has no doctype, so it renders in quirks mode.".into()) };
    if !dt.name().eq_ignore_ascii_case("html") {
        return fail("name-not-html", format!("Doctype name is `{}`, expected `html`.", dt.name()));
    }
    if !dt.public_id().is_empty() {
        return fail("public-id", format!("Doctype has a public identifier (`{}`); expected none.", dt.public_id()));
    }
    if !dt.system_id().is_empty() {
        return fail("system-id", format!("Doctype has a system identifier (`{}`); expected none.", dt.system_id()));
    }
    // html5ever's QuirksMode is not re-exported by scraper; its Debug name is stable.
    let mode = format!("{:?}", doc.quirks_mode);
    if mode != "NoQuirks" {
        return fail("quirks-mode", format!("The document renders in {mode} mode."));
    }
    Outcome::Pass { code: None }
}

// ---------------------------------------------------------------- charset

/// Lighthouse: the declaration must sit within the first 1024 bytes.
pub const CHARSET_WINDOW: usize = 1024;

pub const CHARSET: Rule = Rule {
    id: "charset",
    domain: Domain::Performance,
    severity: Severity::Low,
    title: "Properly defines charset",
    description: "Declare the character encoding in the Content-Type header or in a <meta charset> within the first 1024 bytes, so the browser need not guess or re-parse.",
    references: &[
        lh("charset", "https://developer.chrome.com/docs/lighthouse/best-practices/charset/"),
        Reference { kind: "url", id: "HTML: character encoding declaration", url: "https://html.spec.whatwg.org/multipage/semantics.html#charset" },
    ],
    fix: Fix {
        summary: "Send `Content-Type: text/html; charset=utf-8` and put `<meta charset=\"utf-8\">` first in <head>.",
        steps: &["Set the charset parameter on the Content-Type header.", "Make `<meta charset=\"utf-8\">` the first element in <head>."],
        estimated_minutes: 5,
    },
    impact: 25,
    effort: 5,
    risk: 10,
    limits: "Exact for the header, BOM and the first 1024 bytes of the body as received.",
    check: check_charset,
};

fn header_charset_ok(ct: &str) -> bool {
    ct.split(';').skip(1).filter_map(|p| p.split_once('=')).any(|(k, v)| {
        let v = v.trim().trim_matches('"');
        k.trim().eq_ignore_ascii_case("charset")
            && v.len() >= 2
            && v.chars().all(|c| c.is_ascii_alphanumeric() || "-_:.()".contains(c))
    })
}

/// Byte offset of a `<meta …charset…>` tag (Lighthouse's regex shape), if any.
pub fn meta_charset_offset(src: &str) -> Option<usize> {
    let lower = src.to_ascii_lowercase();
    let mut from = 0usize;
    while let Some(p) = lower.get(from..).and_then(|s| s.find("<meta")) {
        let start = from + p;
        let after = start + 5;
        from = after;
        let rest = lower.get(after..).unwrap_or("");
        let tag_end = rest.find('>').unwrap_or(rest.len());
        let Some(cs) = rest.get(..tag_end).and_then(|t| t.find("charset")) else { continue };
        if cs == 0 {
            continue;
        }
        // After `charset`, at least one non-'<' character and then a '>'.
        let tail = rest.get(cs + 7..).unwrap_or("");
        let lt = tail.find('<').unwrap_or(tail.len());
        if tail.get(..lt).and_then(|t| t.get(1..)).map(|t| t.contains('>')).unwrap_or(false) {
            return Some(start);
        }
    }
    None
}

fn check_charset(page: &Analysis) -> Outcome {
    if html(page).is_none() {
        return Outcome::NotApplicable;
    }
    let ct = page.header("content-type");
    if ct.map(header_charset_ok).unwrap_or(false) {
        return Outcome::Pass { code: None };
    }
    let body = page.body.as_deref().unwrap_or("");
    if body.starts_with('\u{feff}') {
        return Outcome::Pass { code: None };
    }
    // Only the head of the document matters; cut on a char boundary.
    let mut cut = body.len().min(CHARSET_WINDOW * 4);
    while !body.is_char_boundary(cut) {
        cut -= 1;
    }
    let offset = meta_charset_offset(body.get(..cut).unwrap_or(""));
    match offset {
        Some(o) if o < CHARSET_WINDOW => Outcome::Pass { code: None },
        Some(o) => Outcome::Fail(
            Violation::new(vec![metric("meta-charset-byte-offset", o as f64, CHARSET_WINDOW as f64, "bytes", None), dom::header("content-type", ct)])
                .code("meta-charset-too-late")
                .detail(format!("<meta charset> starts at byte {o}, after the first {CHARSET_WINDOW} bytes, and the Content-Type header has no charset.")),
        ),
        None => Outcome::Fail(
            Violation::new(vec![metric("charset-declarations", 0.0, 1.0, "count", None), dom::header("content-type", ct)])
                .code("no-charset")
                .detail("No charset in the Content-Type header and no <meta charset> in the first 1024 bytes."),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::page::Page;
    use crate::rules::Evidence;

    fn p(body: &str) -> Page {
        {
        Page::html_at("https://example.com/", &[], body)
        }
    }
    fn snippets(o: &Outcome) -> Vec<String> {
        match o {
            Outcome::Fail(v) => v
                .evidence
                .iter()
                .filter_map(|e| match e {
                    Evidence::Element { snippet, .. } => Some(snippet.clone()),
                    _ => None,
                })
                .collect(),
            _ => vec![],
        }
    }
    fn is_pass(o: &Outcome) -> bool {
        matches!(o, Outcome::Pass { .. })
    }

    #[test]
    fn render_blocking() {
        let ok = p(r#"<html><head><script src="a.js" defer></script><script src="b.js" async></script><script type="module" src="m.js"></script>
            <link rel="stylesheet" href="print.css" media="print"><link rel="preload" href="x.css" as="style"></head>
            <body><script src="late.js"></script></body></html>"#);
        assert!(is_pass(&check_render_blocking(&crate::rules::analysis(&ok))));
        let bad = p(r#"<html><head><script src="a.js"></script><link rel="stylesheet" href="s.css">
            <link rel="stylesheet" href="w.css" media="screen and (min-width: 900px)"></head><body></body></html>"#);
        let o = check_render_blocking(&crate::rules::analysis(&bad));
        assert_eq!(snippets(&o).len(), 3);
        let Outcome::Fail(v) = o else { panic!() };
        assert!(v.evidence.iter().any(|e| matches!(e, Evidence::Metric { name, observed, .. } if name == "render-blocking-requests" && *observed == 3.0)));
    }

    #[test]
    fn dom_size() {
        assert!(is_pass(&check_dom_size(&crate::rules::analysis(&p("<body><div><p>hi</p></div></body>")))));
        let big = format!("<body><ul>{}</ul></body>", "<li>x</li>".repeat(900));
        let o = check_dom_size(&crate::rules::analysis(&p(&big)));
        let Outcome::Fail(v) = o else { panic!("expected fail") };
        assert_eq!(v.severity, None);
        assert!(v.evidence.iter().any(|e| matches!(e, Evidence::Metric { name, observed, .. } if name == "dom-elements" && *observed == 901.0)));
        assert!(v.evidence.iter().any(|e| matches!(e, Evidence::Metric { name, observed, .. } if name == "dom-max-children" && *observed == 900.0)));
        let doc = scraper::Html::parse_document("<body><div><div><span></span></div></div><p></p></body>");
        let s = dom_stats(doc.select(crate::sel!("body")).next().unwrap());
        assert_eq!((s.elements, s.max_depth, s.max_children), (4, 3, 2));
    }

    /// The index-based shape equals the walk, ties included.
    #[test]
    fn dom_size_indexed_matches_walk() {
        for html in [
            "<body><div><div><span></span></div></div><p></p></body>",
            "<body><ul><li>a<li>b</ul><ol><li><b><i>x</i></b><li>y</ol><div><span><em>z</em></span></div><template><p>t</p><p>u</p></template><svg><g><rect/></g></svg></body>",
            "<p>x</p><table><td>1<td>2</table><!-- c --><select><option>a<option>b<option>c</select>",
        ] {
            let page = p(html);
            let body = dom::select(crate::rules::held(&page), &["body"], &[], crate::sel!("body")).into_iter().next().unwrap();
            let (a, b) = (indexed_dom_stats(crate::rules::held(&page), body).unwrap(), dom_stats(body));
            assert_eq!((a.elements, a.max_depth, a.max_children), (b.elements, b.max_depth, b.max_children), "{html}");
            assert_eq!(a.deepest.map(|e| e.id()), b.deepest.map(|e| e.id()), "{html}");
            assert_eq!(a.widest.map(|e| e.id()), b.widest.map(|e| e.id()), "{html}");
        }
    }

    #[test]
    fn unsized_images() {
        assert_eq!(check_unsized_images(&crate::rules::analysis(&p("<p>no images</p>"))), Outcome::NotApplicable);
        let ok = p(r#"<img src="a.png" width="10" height="10"><img src="b.png" style="width:10px;aspect-ratio:1/1">
            <img src="data:image/png;base64,AAA"><img src="c.png" style="position:absolute"><img src="d.png" height="5" style="aspect-ratio: 2">"#);
        assert!(is_pass(&check_unsized_images(&crate::rules::analysis(&ok))));
        let bad = p(r#"<img src="a.png" width="10"><img src="b.png" style="width:10px;height:auto"><img src="c.png" width="+10" height="10"><img src="e.png">"#);
        assert_eq!(snippets(&check_unsized_images(&crate::rules::analysis(&bad))).len(), 4);
    }

    #[test]
    fn font_display() {
        assert_eq!(check_font_display(&crate::rules::analysis(&p("<style>body{}</style>"))), Outcome::NotApplicable);
        let ok = p("<style>@font-face{font-family:A;src:url(a.woff2);font-display:swap}@font-face{font-family:L;src:local(Arial)}</style>");
        assert!(is_pass(&check_font_display(&crate::rules::analysis(&ok))));
        let bad = p("<style>@font-face{font-family:'Brand';src:url(b.woff2)} @font-face{font-family:C;src:url(c.woff2);font-display:auto;}</style>");
        let Outcome::Fail(v) = check_font_display(&crate::rules::analysis(&bad)) else { panic!() };
        let items: Vec<_> = v.evidence.iter().filter_map(|e| if let Evidence::Item { value, .. } = e { Some(value.clone()) } else { None }).collect();
        assert_eq!(items, vec!["Brand (font-display: auto)".to_string(), "C (font-display: auto)".to_string()]);
    }

    #[test]
    fn viewport() {
        assert!(is_pass(&check_viewport(&crate::rules::analysis(&p(r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#)))));
        assert!(matches!(check_viewport(&crate::rules::analysis(&p("<title>x</title>"))), Outcome::Fail(v) if v.code.as_deref() == Some("no-viewport")));
        assert!(matches!(check_viewport(&crate::rules::analysis(&p(r#"<meta name="Viewport" content="user-scalable=no">"#))), Outcome::Fail(v) if v.code.as_deref() == Some("no-width-or-initial-scale")));
        assert!(matches!(check_viewport(&crate::rules::analysis(&p(r#"<meta name="viewport" content="width=device-width, initial-scale=0.5">"#))), Outcome::Fail(v) if v.code.as_deref() == Some("initial-scale-below-1")));
    }

    #[test]
    fn doctype() {
        assert!(is_pass(&check_doctype(&crate::rules::analysis(&p("<!DOCTYPE html><html></html>")))));
        let code = |b: &str| match check_doctype(&crate::rules::analysis(&p(b))) {
            Outcome::Fail(v) => v.code,
            _ => None,
        };
        assert_eq!(code("<html></html>").as_deref(), Some("missing"));
        assert_eq!(code(r#"<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd"><html></html>"#).as_deref(), Some("public-id"));
        assert_eq!(code(r#"<!DOCTYPE html SYSTEM "about:legacy-compat"><html></html>"#).as_deref(), Some("system-id"));
        assert_eq!(code("<!DOCTYPE svg><html></html>").as_deref(), Some("name-not-html"));
    }

    #[test]
    fn charset() {
        // html_at sends `text/html; charset=utf-8`.
        assert!(is_pass(&check_charset(&crate::rules::analysis(&p("<p>x</p>")))));
        let no_cs = |b: &str| Page::html_at("https://example.com/", &[("content-type", "text/html")], b);
        assert!(is_pass(&check_charset(&crate::rules::analysis(&no_cs("<!doctype html><meta charset=\"utf-8\"><p>x</p>")))));
        assert!(is_pass(&check_charset(&crate::rules::analysis(&no_cs("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">")))));
        assert!(is_pass(&check_charset(&crate::rules::analysis(&no_cs("\u{feff}<p>x</p>")))));
        assert!(matches!(check_charset(&crate::rules::analysis(&no_cs("<p>x</p>"))), Outcome::Fail(v) if v.code.as_deref() == Some("no-charset")));
        let late = format!("<!-- {} --><meta charset=\"utf-8\">", "x".repeat(1100));
        assert!(matches!(check_charset(&crate::rules::analysis(&no_cs(&late))), Outcome::Fail(v) if v.code.as_deref() == Some("meta-charset-too-late")));
        assert!(!header_charset_ok("text/html; charset=u"));
        assert!(header_charset_ok("text/html; Charset=\"UTF-8\""));
    }
}
