//! What low-vision users change about the presentation: zoom (the viewport `<meta>`), text
//! spacing (inline `!important` styles) and orientation (rotations in `<style>` media queries).
//!
//! Each rule's record follows its check; [`RULES`] lists the family, each rule with its
//! catalogue position (the public order, see [`super::RULES`]); the cases are in `tests` below.
use super::common::*;

fn viewport_blocks_zoom(content: &str, minimum: f64, lower_bound: Option<f64>) -> bool {
    let mut map: HashMap<String, String> = HashMap::new();
    for item in content.split([';', ',']) {
        let item = item.trim();
        let mut kv = item.split('=');
        let (Some(k), Some(v)) = (kv.next(), kv.next()) else { continue };
        let (k, mut v) = (k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase());
        if k.is_empty() || v.is_empty() {
            continue;
        }
        if k == "maximum-scale" && v == "yes" {
            v = "1".into();
        }
        if k == "maximum-scale" && parse_float(&v).is_some_and(|f| f < 0.0) {
            continue;
        }
        map.insert(k, v);
    }
    let max = map.get("maximum-scale").and_then(|v| parse_float(v));
    if let Some(lb) = lower_bound {
        if max.is_some_and(|m| m < lb) {
            return false;
        }
    } else {
        if let Some(us) = map.get("user-scalable") {
            if us == "no" {
                return true;
            }
            if parse_float(us).is_some_and(|f| f > -1.0 && f < 1.0) {
                return true;
            }
        }
    }
    max.is_some_and(|m| m < minimum)
}

fn meta_viewport_rule(page: &Analysis, minimum: f64, lower_bound: Option<f64>) -> Outcome {
    run_in(
        page,
        Candidates::Named(&["meta"]),
        true,
        |_, e| name_is(e, "meta") && attr(e, "name").is_some_and(|n| n.eq_ignore_ascii_case("viewport")),
        move |_, e| pass_if(!viewport_blocks_zoom(attr(e, "content").unwrap_or(""), minimum, lower_bound)),
    )
}

pub fn meta_viewport(page: &Analysis) -> Outcome {
    meta_viewport_rule(page, 2.0, None)
}

pub const META_VIEWPORT: Rule = Rule {
    id: "meta-viewport",
    domain: Domain::Accessibility,
    severity: Severity::Medium,
    title: "Zooming and scaling must not be disabled",
    description: "user-scalable=no or a maximum-scale below 2 prevents people with low vision from zooming.",
    references: &[wcag("1.4.4 (AA)"), axe_ref!("meta-viewport")],
    fix: Fix {
        summary: "Remove user-scalable=no and maximum-scale limits.",
        steps: &["Edit the viewport <meta> content"],
        estimated_minutes: 2,
    },
    impact: MODERATE,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::AA, Harm::Blocks),
    limits: "",
    check: meta_viewport,
};

pub fn meta_viewport_large(page: &Analysis) -> Outcome {
    meta_viewport_rule(page, 5.0, Some(2.0))
}

pub const META_VIEWPORT_LARGE: Rule = Rule {
    id: "meta-viewport-large",
    domain: Domain::Accessibility,
    severity: Severity::Low,
    title: "Users should be able to zoom and scale the text up to 500%",
    description: "maximum-scale below 5 limits zoom.",
    references: &[axe_ref!("meta-viewport-large")],
    fix: Fix { summary: "Raise or remove maximum-scale.", steps: &["Edit the viewport meta"], estimated_minutes: 2 },
    impact: MINOR,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: "",
    check: meta_viewport_large,
};

pub fn avoid_inline_spacing(page: &Analysis) -> Outcome {
    use super::spacing;
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let applicable = ctx.candidates(Candidates::WithAttr(&["style"])).into_iter().any(|e| {
        attr(e, "style").is_some_and(|s| ["letter-spacing", "word-spacing", "line-height"].iter().any(|p| spacing::declared(s, p).is_some()))
    });
    // Without any spacing declaration there is nothing to walk the tree for.
    let fails: Vec<ElementRef> = if applicable {
        let sheet = sheet_font_sizes(&ctx);
        spacing::violations(ctx.doc.root_element(), sheet.as_ref()).into_iter().map(|(e, _)| e).collect()
    } else {
        Vec::new()
    };
    finish(page, applicable, &fails, &[])
}

pub const AVOID_INLINE_SPACING: Rule = Rule {
    id: "avoid-inline-spacing",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "Inline text spacing must be adjustable with custom stylesheets",
    description: "letter-spacing, word-spacing or line-height forced with !important in a style attribute cannot be overridden by users who need wider spacing.",
    references: &[wcag("1.4.12 (AA)"), axe_ref!("avoid-inline-spacing")],
    fix: Fix {
        summary: "Drop !important from inline spacing, or use at least 0.12em letter, 0.16em word spacing and 1.5 line height.",
        steps: &["Remove !important from the style attribute", "or raise the value to the WCAG 1.4.12 minimum"],
        estimated_minutes: 5,
    },
    impact: SERIOUS,
    effort: Effort::Redesign as u8,
    risk: risk(Conformance::AA, Harm::Hinders),
    limits: "Font sizes from stylesheets are assumed to be 16px unless <style> rules set them by element name alone; whether text wraps (line-height) is estimated from its length and inline widths.",
    check: avoid_inline_spacing,
};

/// Which orientation an `@media` prelude is limited to, if any.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Orientation {
    Any,
    Portrait,
    Landscape,
}

/// A rotation of `html` (false) or `body` (true) a style rule declares, in degrees.
struct Rotation {
    body: bool,
    when: Orientation,
    degrees: f64,
}

/// An angle token's value in degrees.
fn angle_degrees(v: &str) -> Option<f64> {
    let v = v.trim().to_ascii_lowercase();
    for (unit, k) in [("deg", 1.0), ("grad", 0.9), ("rad", 180.0 / std::f64::consts::PI), ("turn", 360.0)] {
        if let Some(n) = v.strip_suffix(unit) {
            // `grad` also ends in `rad`: the longer unit is tried first.
            return n.trim().parse::<f64>().ok().map(|n| n * k);
        }
    }
    (v == "0").then_some(0.0)
}

/// The rotation about the screen's axis a `transform` value makes (the sum
/// of its rotate functions; a matrix's angle), None when it has none.
fn transform_degrees(value: &str) -> Option<f64> {
    let v = value.to_ascii_lowercase();
    let mut total = None;
    let mut rest = v.as_str();
    while let Some(open) = rest.find('(') {
        let name = rest[..open].trim().rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).next().unwrap_or("");
        let Some(close) = rest[open..].find(')') else { break };
        let args: Vec<&str> = rest[open + 1..open + close].split(',').map(str::trim).collect();
        let num = |i: usize| args.get(i).and_then(|a| a.parse::<f64>().ok());
        let d = match (name, args.len()) {
            ("rotate" | "rotatez", 1) => angle_degrees(args[0]),
            ("rotate3d", 4) if num(0) == Some(0.0) && num(1) == Some(0.0) && num(2).is_some_and(|z| z != 0.0) => {
                angle_degrees(args[3]).map(|a| if num(2).is_some_and(|z| z < 0.0) { -a } else { a })
            }
            ("matrix", 6) | ("matrix3d", 16) => match (num(0), num(1)) {
                (Some(a), Some(b)) => Some(b.atan2(a).to_degrees()),
                _ => None,
            },
            _ => None,
        };
        if let Some(d) = d {
            total = Some(total.unwrap_or(0.0) + d);
        }
        rest = &rest[open + close + 1..];
    }
    total
}

/// The `rotate` property's angle about the z axis, None for `none` or other axes.
fn rotate_degrees(value: &str) -> Option<f64> {
    let parts: Vec<&str> = value.split_ascii_whitespace().collect();
    match parts.as_slice() {
        [a] => angle_degrees(a),
        [axis, a] if axis.eq_ignore_ascii_case("z") => angle_degrees(a),
        _ => None,
    }
}

/// The rotations of `html`/`body` in one stylesheet, top level and in `@media` blocks.
fn stylesheet_rotations(css: &str, out: &mut Vec<Rotation>) {
    style_rules(css, &mut |media, selector, text| {
        let when = match media {
            None => Orientation::Any,
            Some(q) => {
                let q: String = q.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
                if q.contains("(orientation:portrait)") {
                    Orientation::Portrait
                } else if q.contains("(orientation:landscape)") {
                    Orientation::Landscape
                } else {
                    Orientation::Any
                }
            }
        };
        let selectors: Vec<String> = selector.split(',').map(|s| s.trim().to_ascii_lowercase()).collect();
        let html = selectors.iter().any(|s| s == "html" || s == ":root");
        let body = selectors.iter().any(|s| s == "body");
        if !(html || body) {
            return;
        }
        let decls = crate::scanner::rules::dom::css::declarations_of(text, &["transform", "rotate"]);
        let t = crate::scanner::rules::dom::css::winning(&decls, "transform").and_then(|(v, _)| transform_degrees(v));
        let r = crate::scanner::rules::dom::css::winning(&decls, "rotate").and_then(|(v, _)| rotate_degrees(v));
        if t.is_none() && r.is_none() {
            return;
        }
        let degrees = t.unwrap_or(0.0) + r.unwrap_or(0.0);
        for (is, body) in [(html, false), (body, true)] {
            if is {
                out.push(Rotation { body, when, degrees });
            }
        }
    });
}

/// Visits a stylesheet's style rules as (the prelude of the `@media` block
/// they are in, None at top level; selector text; declarations text). One
/// level of `@media` is entered; other blocks are skipped by the tokenizer
/// without recursion. False when the sheet holds rules not visited (an
/// `@import`, `@supports`, `@layer`, … or nested `@media`).
pub(super) fn style_rules(css: &str, f: &mut dyn FnMut(Option<&str>, &str, &str)) -> bool {
    let mut p = cssparser::Parser::new(css);
    let mut complete = true;
    walk_rules(&mut p, None, f, &mut complete);
    complete
}

fn walk_rules(p: &mut cssparser::Parser, media: Option<&str>, f: &mut dyn FnMut(Option<&str>, &str, &str), complete: &mut bool) {
    use cssparser::Token;
    loop {
        let start = p.position();
        let mut at: Option<String> = None;
        let mut block = false;
        loop {
            let before = p.position();
            let tok = p.next().cloned();
            match tok {
                Ok(Token::AtKeyword(k)) if at.is_none() && p.slice(start..before).trim().is_empty() => at = Some(k.to_ascii_lowercase()),
                Ok(Token::Semicolon) if at.is_some() => break,
                Ok(Token::CurlyBracketBlock) => {
                    block = true;
                    break;
                }
                Ok(_) => {}
                Err(_) => return,
            }
        }
        let harmless = |a: &str| matches!(a, "charset" | "namespace" | "font-face" | "keyframes" | "-webkit-keyframes" | "page" | "property");
        if let Some(a) = at.as_deref() {
            if !harmless(a) && !(a == "media" && media.is_none() && block) {
                *complete = false;
            }
        }
        if !block {
            continue;
        }
        // Up to the block's `{` (a nested block's tokens are skipped lazily, so
        // the position before the brace token can fall inside an earlier block).
        let prelude = p.slice_from(start).strip_suffix('{').unwrap_or("").to_string();
        match at.as_deref() {
            Some("media") if media.is_none() => {
                let _ = p.parse_nested_block(|inner| {
                    walk_rules(inner, Some(&prelude), f, complete);
                    Ok::<(), cssparser::ParseError<()>>(())
                });
            }
            Some(_) => {}
            None => {
                let text = p
                    .parse_nested_block(|inner| {
                        let s = inner.position();
                        while inner.next_including_whitespace_and_comments().is_ok() {}
                        Ok::<String, cssparser::ParseError<()>>(inner.slice_from(s).to_string())
                    })
                    .unwrap_or_default();
                f(media, prelude.trim(), &text);
            }
        }
    }
}

/// Font sizes the page's `<style>` rules set by element name
/// (`p { font-size: 20px }`), when that is the only way they set one: a font
/// size under any other selector, in an `@media` block or through the `font`
/// shorthand, a linked stylesheet, or rules not read make them unknown (None:
/// the 16px default stands).
fn sheet_font_sizes(ctx: &Ctx) -> Option<HashMap<String, (String, bool)>> {
    let linked = ctx.candidates(Candidates::Named(&["link"])).into_iter().any(|l| {
        attr(l, "rel").is_some_and(|r| r.split_ascii_whitespace().any(|t| t.eq_ignore_ascii_case("stylesheet")))
    });
    if linked {
        return None;
    }
    let mut sizes: HashMap<String, (String, bool)> = HashMap::new();
    let mut unknown = false;
    for s in ctx.candidates(Candidates::Named(&["style"])) {
        let css: String = s.text().collect();
        if !css.to_ascii_lowercase().contains("font") {
            continue;
        }
        let complete = style_rules(&css, &mut |media, selector, text| {
            let decls = crate::scanner::rules::dom::css::declarations_of(text, &["font-size", "font"]);
            if decls.is_empty() {
                return;
            }
            let by_name = |t: &str| t.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && t.chars().all(|c| c.is_ascii_alphanumeric());
            if media.is_some() || !selector.split(',').all(|t| by_name(t.trim())) || decls.iter().any(|d| d.name.eq_ignore_ascii_case("font")) {
                unknown = true;
                return;
            }
            for d in &decls {
                for t in selector.split(',') {
                    let slot = sizes.entry(t.trim().to_ascii_lowercase()).or_insert((String::new(), false));
                    // Same specificity: !important beats normal, then the later one wins.
                    if d.important || !slot.1 {
                        *slot = (d.value.trim().to_ascii_lowercase(), d.important);
                    }
                }
            }
        });
        unknown |= !complete;
    }
    (!unknown).then_some(sizes)
}

pub fn css_orientation_lock(page: &Analysis) -> Outcome {
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let mut rotations = Vec::new();
    for s in ctx.candidates(Candidates::Named(&["style"])) {
        let css: String = s.text().collect();
        // Only stylesheets that mention orientation can lock it.
        if css.to_ascii_lowercase().contains("orientation") {
            stylesheet_rotations(&css, &mut rotations);
        }
    }
    let html = root(&ctx);
    let body = html.children().filter_map(ElementRef::wrap).find(|e| name_is(*e, "body"));
    let mut applicable = false;
    let mut fails = Vec::new();
    for (is_body, el) in [(false, Some(html)), (true, body)] {
        let Some(el) = el else { continue };
        if ctx.hidden_for_everyone(el) {
            continue;
        }
        let mine: Vec<&Rotation> = rotations.iter().filter(|r| r.body == is_body).collect();
        // The rotation that applies in any orientation: the last unconditional one.
        let base = mine.iter().rev().find(|r| r.when == Orientation::Any).map_or(0.0, |r| r.degrees);
        let conditional: Vec<&&Rotation> = mine.iter().filter(|r| r.when != Orientation::Any).collect();
        if conditional.is_empty() {
            continue;
        }
        applicable = true;
        // A quarter turn between orientations forces the content into one of them.
        let locks = conditional.iter().any(|r| {
            let d = (r.degrees - base).rem_euclid(180.0);
            (d - 90.0).abs() <= 1.0
        });
        if locks {
            fails.push(el);
        }
    }
    finish(page, applicable, &fails, &[])
}

pub const CSS_ORIENTATION_LOCK: Rule = Rule {
    id: "css-orientation-lock",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "CSS media queries must not lock display orientation",
    description: "Rotating the page a quarter turn in an orientation media query forces one orientation on users who cannot turn their device.",
    references: &[wcag("1.3.4 (AA)"), axe_ref!("css-orientation-lock")],
    fix: Fix { summary: "Let the page follow the device's orientation.", steps: &["Remove the rotate transform from the orientation media query"], estimated_minutes: 15 },
    impact: SERIOUS,
    effort: Effort::Markup as u8,
    risk: risk(Conformance::AA, Harm::Blocks),
    limits: "Only <style> elements in the page are read (not linked stylesheets); rotations of html and body in @media (orientation: …) are compared with their rotation outside it.",
    check: css_orientation_lock,
};

/// This family's rules with their catalogue positions.
pub(super) const RULES: &[(u16, Rule)] = &[
    (9, META_VIEWPORT),
    (39, META_VIEWPORT_LARGE),
    (80, AVOID_INLINE_SPACING),
    (89, CSS_ORIENTATION_LOCK),
];

#[cfg(test)]
mod tests {
    use super::RULES;

    /// (rule id, passing body, failing body); bodies starting with `<!` are whole documents.
    const CASES: &[(&str, &str, &str)] = &[
        ("meta-viewport", r#"<meta name=viewport content="width=device-width">"#, r#"<meta name=viewport content="user-scalable=no">"#),
        ("meta-viewport-large", r#"<meta name=viewport content="maximum-scale=5">"#, r#"<meta name=viewport content="maximum-scale=3">"#),
        ("avoid-inline-spacing", r#"<p style="letter-spacing: 0.12em !important">text</p>"#, r#"<p style="letter-spacing: 0.05em !important">text</p>"#),
        ("css-orientation-lock", r#"<style>@media (orientation: portrait) { html { transform: rotate(1turn) } }</style><p>x</p>"#, r#"<style>body { rotate: 2.5deg } @media (orientation: landscape) { body { transform: matrix(0, -1, 1, 0, 0, 0); rotate: 2.5deg } }</style><p>x</p>"#),
    ];

    #[test]
    fn stylesheet_font_sizes_only_when_all_are_by_element_name() {
        use crate::scanner::page::Page;
        use crate::scanner::rules::Outcome;
        let fails = |head: &str| {
            let html = format!("<!doctype html><html lang=en><head><title>t</title>{head}</head><body><p style=\"letter-spacing: 2px !important\">text</p></body></html>");
            matches!(super::AVOID_INLINE_SPACING.check_page(&Page::html_at("https://example.com/", &[], &html)), Outcome::Fail(_))
        };
        assert!(fails("<style>p { font-size: 20px }</style>"));
        assert!(!fails("<style>p { font-size: 20px } .small { font-size: 12px }</style>"));
        assert!(!fails("<style>p { font: 20px serif }</style>"));
        assert!(!fails("<style>@media print { p { font-size: 20px } } p { font-size: 20px }</style>"));
        assert!(!fails("<link rel=stylesheet href=a.css><style>p { font-size: 20px }</style>"));
        assert!(!fails("<style>@import 'a.css'; p { font-size: 20px }</style>"));
    }

    #[test]
    fn pass_and_fail_cases() {
        super::super::tests::pass_and_fail(RULES, CASES);
    }
}
