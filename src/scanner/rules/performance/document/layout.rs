//! The document's size and layout stability: `dom-size`, `unsized-images`.
#[allow(unused_imports)]
use crate::scanner::rules::dom::AttrExt;
use crate::scanner::rules::performance::{elements, html, lh, metric};
use crate::domain::model::{Domain, Severity};
use crate::scanner::rules::dom::Analysis;
use crate::scanner::rules::{dom, Fix, Outcome, Rule, Violation};
use ego_tree::iter::Edge;
use scraper::ElementRef;

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
        let decls = dom::css::declarations_of(style, &["position", "display", "width", "height", "aspect-ratio"]);
        let applied = |prop: &str| dom::css::winning(&decls, prop).map(|(v, _)| v);
        if applied("position").is_some_and(|v| v == "fixed" || v == "absolute") || applied("display") == Some("none") {
            return false;
        }
        w |= applied("width").is_some_and(css_sizes);
        h |= applied("height").is_some_and(css_sizes);
        ar |= applied("aspect-ratio").is_some_and(css_sizes);
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

#[cfg(test)]
mod tests {
    use super::*;
    use super::super::test_support::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;
    use crate::scanner::rules::Evidence;


    #[test]
    fn dom_size() {
        assert!(is_pass(&check_dom_size(&crate::scanner::rules::analysis(&p("<body><div><p>hi</p></div></body>")))));
        let big = format!("<body><ul>{}</ul></body>", "<li>x</li>".repeat(900));
        let o = check_dom_size(&crate::scanner::rules::analysis(&p(&big)));
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
            let body = dom::select(crate::scanner::rules::held(&page), &["body"], &[], crate::sel!("body")).into_iter().next().unwrap();
            let (a, b) = (indexed_dom_stats(crate::scanner::rules::held(&page), body).unwrap(), dom_stats(body));
            assert_eq!((a.elements, a.max_depth, a.max_children), (b.elements, b.max_depth, b.max_children), "{html}");
            assert_eq!(a.deepest.map(|e| e.id()), b.deepest.map(|e| e.id()), "{html}");
            assert_eq!(a.widest.map(|e| e.id()), b.widest.map(|e| e.id()), "{html}");
        }
    }

    #[test]
    fn unsized_images() {
        assert_eq!(check_unsized_images(&crate::scanner::rules::analysis(&p("<p>no images</p>"))), Outcome::NotApplicable);
        let ok = p(r#"<img src="a.png" width="10" height="10"><img src="b.png" style="width:10px;aspect-ratio:1/1">
            <img src="data:image/png;base64,AAA"><img src="c.png" style="position:absolute"><img src="d.png" height="5" style="aspect-ratio: 2">"#);
        assert!(is_pass(&check_unsized_images(&crate::scanner::rules::analysis(&ok))));
        let bad = p(r#"<img src="a.png" width="10"><img src="b.png" style="width:10px;height:auto"><img src="c.png" width="+10" height="10"><img src="e.png">"#);
        assert_eq!(snippets(&check_unsized_images(&crate::scanner::rules::analysis(&bad))).len(), 4);
        // The declaration that applies decides: `!important` first, then the last one.
        let cascade = p(r#"<img src="a.png" style="width:10px !important; height:10px; width:auto"><img src="b.png" style="width:10px; height:10px; width:auto">
            <img src="c.png" style="position:absolute; position:static">"#);
        assert_eq!(snippets(&check_unsized_images(&crate::scanner::rules::analysis(&cascade))).len(), 2);
    }

}
