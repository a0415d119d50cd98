//! WCAG 1.4.12 Text Spacing, the statically decidable part: a `style`
//! attribute that sets letter-spacing, word-spacing or line-height with
//! `!important` cannot be overridden by a user stylesheet, so the value it
//! forces must already meet the thresholds (0.12 / 0.16 / 1.5 times the font
//! size). One top-down pass carries the inherited font size and the nearest
//! declaration of each property; every element with text of its own is judged
//! against what it inherits, and the declaring element is reported.
//!
//! Only inline styles are seen, and font sizes that `<style>` rules set by
//! element name alone (when they set none any other way and no stylesheet is
//! linked); otherwise stylesheet font sizes count as the 16px default. line-height only matters for text that wraps: that is taken
//! as text with a `<br>` or longer than fits the nearest inline width
//! (a 1024px viewport when none is given).
#[allow(unused_imports)]
use crate::scanner::rules::dom::AttrExt;
use crate::scanner::rules::dom::hidden::hidden_for_everyone;
use scraper::{ElementRef, Node};

const DEFAULT_FONT_PX: f64 = 16.0;
const DEFAULT_LINE_PX: f64 = 1024.0;
/// Average glyph advance as a fraction of the font size.
const GLYPH_EM: f64 = 0.5;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// An absolute length, resolved against the declaring element's font.
    Px(f64),
    /// A unitless line-height multiplier (inherited as a number).
    Factor(f64),
    /// `normal` / `initial`: 0 spacing, ~1.2 line height.
    Normal,
    /// Something we cannot resolve (%, viewport units, calc()): not judged.
    Unknown,
}

#[derive(Debug, Clone, Copy)]
struct Decl<'a> {
    value: Value,
    important: bool,
    by: ElementRef<'a>,
}

#[derive(Clone, Copy)]
pub enum Prop {
    Letter,
    Word,
    Line,
}

impl Prop {
    pub fn name(self) -> &'static str {
        match self {
            Prop::Letter => "letter-spacing",
            Prop::Word => "word-spacing",
            Prop::Line => "line-height",
        }
    }
    /// WCAG 1.4.12 minimum, in multiples of the font size.
    pub fn minimum(self) -> f64 {
        match self {
            Prop::Letter => 0.12,
            Prop::Word => 0.16,
            Prop::Line => 1.5,
        }
    }
    fn normal(self) -> f64 {
        match self {
            Prop::Line => 1.2,
            _ => 0.0,
        }
    }
}
const PROPS: [Prop; 3] = [Prop::Letter, Prop::Word, Prop::Line];

/// The winning declaration of `prop` in a style attribute, as CSS cascades
/// it: `!important` beats normal, then the last one wins.
pub fn declared(style: &str, prop: &str) -> Option<(String, bool)> {
    crate::scanner::rules::dom::css::declared(style, prop)
}

/// A CSS length in px, given the element's font size (for em/ch/ex).
pub fn length_px(v: &str, font_px: f64) -> Option<f64> {
    let v = v.trim();
    let split = v.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+')).unwrap_or(v.len());
    let (num, unit) = v.split_at(split);
    let n: f64 = num.parse().ok()?;
    if !n.is_finite() {
        return None;
    }
    Some(match unit {
        "px" => n,
        "em" => n * font_px,
        "rem" => n * DEFAULT_FONT_PX,
        "ch" | "ex" => n * font_px * GLYPH_EM,
        "pt" => n * 4.0 / 3.0,
        "pc" => n * 16.0,
        "in" => n * 96.0,
        "cm" => n * 96.0 / 2.54,
        "mm" => n * 96.0 / 25.4,
        "" if n == 0.0 => 0.0,
        _ => return None,
    })
}

fn parse_value(prop: Prop, v: &str, font_px: f64) -> Option<Value> {
    Some(match v {
        // Inherited properties: these keep the parent's value.
        "inherit" | "unset" => return None,
        "normal" | "initial" => Value::Normal,
        _ => {
            if let Some(p) = v.strip_suffix('%') {
                match (prop, p.trim().parse::<f64>()) {
                    (Prop::Line, Ok(n)) if n.is_finite() => Value::Px(n / 100.0 * font_px),
                    _ => Value::Unknown,
                }
            } else if let (Prop::Line, Ok(n)) = (prop, v.parse::<f64>()) {
                if n.is_finite() {
                    Value::Factor(n)
                } else {
                    Value::Unknown
                }
            } else {
                length_px(v, font_px).map_or(Value::Unknown, Value::Px)
            }
        }
    })
}

/// Font sizes `<style>` rules set by element name: name → (value, important).
pub type SheetFonts = std::collections::HashMap<String, (String, bool)>;

/// CSS's absolute-size keywords in px, as browsers map them at a 16px default.
pub(super) fn absolute_font_size(v: &str) -> Option<f64> {
    match v {
        "xx-small" => Some(9.0),
        "x-small" => Some(10.0),
        "small" => Some(13.0),
        "medium" => Some(16.0),
        "large" => Some(18.0),
        "x-large" => Some(24.0),
        "xx-large" => Some(32.0),
        "xxx-large" => Some(48.0),
        _ => None,
    }
}

fn font_size(el: ElementRef, parent_px: f64, sheet: Option<&SheetFonts>) -> f64 {
    let inline = el.value().attr_of("style").and_then(|s| declared(s, "font-size"));
    let ruled = sheet.and_then(|m| m.get(el.value().name()));
    // The attribute beats a normal rule; an !important rule beats a normal attribute.
    let v = match (inline, ruled) {
        (Some((_, false)), Some((r, true))) => r.clone(),
        (Some((v, _)), _) => v,
        (None, Some((r, _))) => r.clone(),
        (None, None) => return parent_px,
    };
    let kw = absolute_font_size(&v).or(match v.as_str() {
        "smaller" => Some(parent_px / 1.2),
        "larger" => Some(parent_px * 1.2),
        _ => None,
    });
    if let Some(k) = kw {
        return k;
    }
    if let Some(p) = v.strip_suffix('%').and_then(|p| p.trim().parse::<f64>().ok()) {
        return p / 100.0 * parent_px;
    }
    length_px(&v, parent_px).filter(|n| *n > 0.0).unwrap_or(parent_px)
}

/// Far outside the viewport through inline positioning (a common way to hide).
fn offscreen(el: ElementRef, font_px: f64) -> bool {
    let Some(style) = el.value().attr_of("style") else { return false };
    let positioned = declared(style, "position").is_some_and(|(p, _)| p == "absolute" || p == "fixed");
    positioned
        && ["top", "left"].iter().any(|side| {
            declared(style, side).and_then(|(v, _)| length_px(&v, font_px)).is_some_and(|px| px <= -500.0)
        })
}

fn own_text(el: ElementRef) -> usize {
    el.children()
        .filter_map(|c| match c.value() {
            Node::Text(t) => Some(t.split_whitespace().map(|w| w.chars().count() + 1).sum::<usize>()),
            _ => None,
        })
        .sum()
}

#[derive(Clone, Copy)]
struct State<'a> {
    font_px: f64,
    width_px: f64,
    decls: [Option<Decl<'a>>; 3],
}

/// Elements whose `!important` inline spacing forces text below the minimum,
/// each with the offending property.
/// `sheet`: font sizes from `<style>` rules by element name, when known.
pub fn violations<'a>(root: ElementRef<'a>, sheet: Option<&SheetFonts>) -> Vec<(ElementRef<'a>, Prop)> {
    let mut out: Vec<(ElementRef<'a>, Prop)> = Vec::new();
    let mut reported: std::collections::HashSet<ego_tree::NodeId> = std::collections::HashSet::new();
    let start = State { font_px: DEFAULT_FONT_PX, width_px: DEFAULT_LINE_PX, decls: [None; 3] };
    let mut stack = vec![(root, start)];
    while let Some((el, parent)) = stack.pop() {
        let font_px = font_size(el, parent.font_px, sheet);
        let mut st = State { font_px, ..parent };
        if let Some(style) = el.value().attr_of("style") {
            for w in ["max-width", "width"] {
                if let Some(px) = declared(style, w).and_then(|(v, _)| length_px(&v, font_px)).filter(|p| *p > 0.0) {
                    st.width_px = st.width_px.min(px);
                }
            }
            for (i, prop) in PROPS.iter().enumerate() {
                if let Some((v, important)) = declared(style, prop.name()) {
                    if let Some(value) = parse_value(*prop, &v, font_px) {
                        if let Some(slot) = st.decls.get_mut(i) {
                            *slot = Some(Decl { value, important, by: el });
                        }
                    }
                }
            }
        }
        // Text is only measured under a forced (!important) declaration.
        let forced = st.decls.iter().any(|d| d.is_some_and(|d| d.important));
        let text = if forced { own_text(el) } else { 0 };
        if text > 0 && forced {
            let multiline = el.children().filter_map(ElementRef::wrap).any(|c| c.value().name() == "br")
                || text as f64 * font_px * GLYPH_EM > st.width_px;
            for (i, prop) in PROPS.iter().enumerate() {
                let Some(Some(d)) = st.decls.get(i) else { continue };
                if !d.important || (matches!(prop, Prop::Line) && !multiline) {
                    continue;
                }
                let ratio = match d.value {
                    Value::Px(px) => px / font_px,
                    Value::Factor(f) => f,
                    Value::Normal => prop.normal(),
                    Value::Unknown => continue,
                };
                if ratio + 1e-9 < prop.minimum()
                    && !reported.contains(&d.by.id())
                    && !hidden_for_everyone(el)
                    && !std::iter::once(el).chain(el.ancestors().filter_map(ElementRef::wrap)).any(|a| offscreen(a, font_px))
                {
                    reported.insert(d.by.id());
                    out.push((d.by, *prop));
                }
            }
        }
        // Children pushed in reverse so they are visited in document order.
        let kids: Vec<ElementRef<'a>> = el.children().filter_map(ElementRef::wrap).collect();
        for k in kids.into_iter().rev() {
            stack.push((k, st));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::scanner::page::Page;
    use scraper::Html;

    fn bad(body: &str) -> usize {
        let doc = Html::parse_document(&format!("<body>{body}</body>"));
        violations(doc.root_element(), None).len()
    }

    #[test]
    fn cascade_in_one_attribute() {
        assert_eq!(declared("a: 1; letter-spacing: 1px !important; letter-spacing: 2px", "letter-spacing"), Some(("1px".into(), true)));
        assert_eq!(declared("letter-spacing: 1px ! important; letter-spacing: 2px !important", "letter-spacing"), Some(("2px".into(), true)));
    }

    #[test]
    fn thresholds() {
        assert_eq!(bad(r#"<p style="letter-spacing: 0.12em !important">Some text</p>"#), 0);
        assert_eq!(bad(r#"<p style="letter-spacing: 0.1em !important">Some text</p>"#), 1);
        assert_eq!(bad(r#"<p style="letter-spacing: 0.1em">Some text</p>"#), 0);
        assert_eq!(bad(r#"<p style="word-spacing: normal !important">Some text</p>"#), 1);
        assert_eq!(bad(r#"<p style="line-height: 1.2 !important">a<br>b</p>"#), 1);
        assert_eq!(bad(r#"<p style="line-height: 1.2 !important">one line</p>"#), 0);
        assert_eq!(bad(r#"<p style="line-height: 150% !important">a<br>b</p>"#), 0);
        assert_eq!(bad(r#"<p style="letter-spacing: unset !important">Some text</p>"#), 0);
    }

    #[test]
    fn stylesheet_font_size_by_element_name() {
        let doc = Html::parse_document(r#"<body><p style="letter-spacing: 2px !important">text</p></body>"#);
        let mut sheet = SheetFonts::new();
        sheet.insert("p".into(), ("20px".into(), false));
        // 2px is 0.125em of 16px but 0.1em of 20px.
        assert_eq!(violations(doc.root_element(), Some(&sheet)).len(), 1);
        assert_eq!(violations(doc.root_element(), None).len(), 0);
    }

    #[test]
    fn inheritance_and_font_size() {
        // 15px line height inherited by 10px text is 1.5.
        assert_eq!(bad(r#"<div style="font-size:16px; line-height: 15px !important"><p style="font-size:10px">a<br>b</p></div>"#), 0);
        assert_eq!(bad(r#"<div style="letter-spacing: 0.1em !important"><p>text</p></div>"#), 1);
        assert_eq!(bad(r#"<div style="letter-spacing: 0.1em !important"></div>"#), 0);
        assert_eq!(bad(r#"<p style="display:none; letter-spacing: 0.1em !important">text</p>"#), 0);
    }
}
