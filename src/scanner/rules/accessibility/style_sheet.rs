//! The page's `<style>` rules as far as layout estimates need them: rules
//! that set anything but harmless properties, matched by scraper's selector
//! engine against the elements asked about (bucketed by their subject's id,
//! class or tag, as browsers do, so an element is tested only against rules
//! that can match it), cascaded with the inline style by importance, origin,
//! specificity and order. What cannot be read (a linked stylesheet,
//! `@import`, a conditional `@media` rule, a selector scraper does not
//! parse) makes the sheet incomplete rather than being guessed at.
use super::common::*;
use crate::scanner::rules::dom::css::{self, Declaration};
use scraper::Selector;

/// Properties that cannot change where content goes (any other property a
/// rule sets that is not modelled makes the estimate uncertain).
fn harmless(p: &str) -> bool {
    const SAFE: &[&str] = &[
        "color", "cursor", "font-family", "font-weight", "font-style", "font-variant", "opacity", "z-index", "text-align", "vertical-align",
        "text-transform", "text-shadow", "box-shadow", "pointer-events", "user-select", "fill", "stroke", "filter", "quotes", "caret-color",
        "accent-color", "appearance", "-webkit-appearance", "resize", "will-change", "scroll-behavior", "content-visibility",
    ];
    SAFE.contains(&p)
        || p.starts_with("--")
        || ["background", "outline", "text-decoration", "list-style", "transition", "border-radius", "scrollbar", "-webkit-tap"].iter().any(|s| p.starts_with(s))
        || (p.starts_with("border") && (p.ends_with("color") || p.ends_with("radius") || p.ends_with("style")))
}

/// Properties the estimate reads.
const MODELLED: &[&str] = &[
    "overflow", "overflow-x", "overflow-y", "display", "position", "float", "white-space", "font-size", "line-height", "width", "height",
    "max-width", "max-height", "min-width", "min-height", "box-sizing", "overflow-wrap", "word-wrap", "word-break", "visibility", "margin",
    "margin-top", "margin-right", "margin-bottom", "margin-left", "padding", "padding-top", "padding-right", "padding-bottom", "padding-left",
];

/// (important, inline, specificity, order): the cascade's sort key.
type Rank = (bool, bool, u32, u32);

struct SheetRule {
    sel: Selector,
    spec: u32,
    decls: Vec<Declaration>,
}

/// The page's `<style>` rules that set something other than harmless
/// properties, bucketed by the key of their subject (id, class, tag).
#[derive(Default)]
pub struct Sheet {
    rules: Vec<SheetRule>,
    /// Rules by their subject's key: `#id`, `.class` or tag name (lower case).
    by_id: HashMap<String, Vec<u32>>,
    by_class: HashMap<String, Vec<u32>>,
    /// A Bloom filter of the class keys: most classes on a page key no rule,
    /// and this turns them away without hashing them for the map.
    class_bloom: Vec<u64>,
    by_tag: HashMap<String, Vec<u32>>,
    any: Vec<u32>,
    /// Keys of the rules that set overflow (and whether one matches any subject).
    overflow_keys: HashSet<String>,
    overflow_any: bool,
    /// No linked stylesheet, `@import`, unknown at-rule, `@media` rule or
    /// selector we cannot read sets a property that matters.
    pub complete: bool,
    /// Some rule sets `overflow`, `overflow-x` or `overflow-y`.
    pub sets_overflow: bool,
    /// Rules past [`MAX_RULES`] were dropped, or selector matching ran past
    /// [`MAX_MATCHES`]: what they would have matched is not known.
    pub truncated: bool,
    matches_left: std::cell::Cell<usize>,
    /// The properties this sheet keeps (rules setting none of them are dropped).
    keep: Option<fn(&str) -> bool>,
}

/// Selectors kept from a page's `<style>` rules (real pages keep a few
/// hundred that matter), and selector tests per page: so a sheet of
/// thousands of rules with one subject cannot make each element cost them all.
pub const MAX_RULES: usize = 2048;
pub const MAX_MATCHES: usize = 100_000;

/// The class Bloom filter's size in 64-bit words (4096 bits, two per key:
/// the rule cap's 2 048 class keys fill under two thirds of it).
const BLOOM_WORDS: usize = 64;

/// A class name's two bits in the Bloom filter, from one FNV-1a hash (cheap
/// on short names; a false positive only costs one real map lookup).
fn bloom_bits(class: &str) -> [usize; 2] {
    let h = class.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3));
    let bits = BLOOM_WORDS as u64 * 64;
    [(h % bits) as usize, ((h >> 32) % bits) as usize]
}

/// Specificity of a selector from its text: ids, then classes, attributes
/// and pseudo-classes, then type names (functional pseudo-classes counted as one).
fn specificity(s: &str) -> u32 {
    let (mut a, mut b, mut c) = (0u32, 0u32, 0u32);
    let bytes = s.as_bytes();
    let (mut i, mut depth) = (0usize, 0usize);
    let mut prev = b' ';
    while let Some(&ch) = bytes.get(i) {
        match ch {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            b'#' => a += 1,
            b'.' | b'[' => b += 1,
            b':' if bytes.get(i + 1) == Some(&b':') => {
                c += 1;
                i += 1;
            }
            b':' => b += 1,
            ch if ch.is_ascii_alphabetic() && matches!(prev, b' ' | b'>' | b'+' | b'~' | b',') => c += 1,
            _ => {}
        }
        if depth == 0 {
            prev = ch;
        }
        i += 1;
    }
    a.min(255) << 16 | b.min(255) << 8 | c.min(255)
}

/// The key of a selector's subject (its last compound): `#id`, `.class`, a
/// tag name, or None (any element).
fn subject_key(s: &str) -> Option<String> {
    // Only what is outside brackets, parentheses and quotes: `div:not(#x)`
    // and `a[title="b c"]` are keyed by their tag.
    let (mut top, mut depth, mut quote) = (String::new(), 0i32, None);
    for ch in s.chars() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(ch),
            (None, '(' | '[') => depth += 1,
            (None, ')' | ']') => depth -= 1,
            (None, c) if depth == 0 => top.push(c),
            _ => {}
        }
    }
    let start = top.trim_end().rfind([' ', '>', '+', '~']).map_or(0, |i| i + 1);
    let compound = top.get(start..)?.trim();
    let ident = |t: &str| -> String { t.chars().take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '_').collect() };
    if let Some(i) = compound.find('#') {
        return Some(format!("#{}", ident(compound.get(i + 1..)?)));
    }
    if let Some(i) = compound.find('.') {
        return Some(format!(".{}", ident(compound.get(i + 1..)?)));
    }
    let tag = ident(compound).to_ascii_lowercase();
    (!tag.is_empty()).then_some(tag)
}

/// Splits a selector list at its top-level commas.
fn selector_parts(s: &str) -> Vec<&str> {
    let (mut out, mut depth, mut from) = (Vec::new(), 0i32, 0usize);
    for (i, ch) in s.char_indices() {
        match ch {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                out.push(s.get(from..i).unwrap_or("").trim());
                from = i + 1;
            }
            _ => {}
        }
    }
    out.push(s.get(from..).unwrap_or("").trim());
    out
}

fn layout(p: &str) -> bool {
    !harmless(p)
}

impl Sheet {
    /// The rules that set what layout estimates read (anything but harmless properties).
    pub fn read(ctx: &Ctx) -> Sheet {
        Sheet::read_with(ctx, layout)
    }

    /// The rules that set a property `keep` accepts (and only those declarations).
    pub fn read_with(ctx: &Ctx, keep: fn(&str) -> bool) -> Sheet {
        let mut sheet = Sheet { complete: true, matches_left: std::cell::Cell::new(MAX_MATCHES), keep: Some(keep), ..Default::default() };
        let linked = ctx.candidates(Candidates::Named(&["link"])).into_iter().any(|l| {
            attr(l, "rel").is_some_and(|r| r.split_ascii_whitespace().any(|t| t.eq_ignore_ascii_case("stylesheet")))
        });
        sheet.complete = !linked;
        for s in ctx.candidates(Candidates::Named(&["style"])) {
            // A template's content is not in the document.
            if !is_html(s) || aria::ancestors(s).any(|a| a.value().name() == "template") {
                continue;
            }
            let text: String = s.text().collect();
            let mut complete = true;
            let read_all = super::visual::style_rules(&text, &mut |media, selector, body| {
                let decls: Vec<Declaration> = css::declarations(body).into_iter().filter(|d| keep(&d.name)).collect();
                if decls.is_empty() {
                    return;
                }
                if let Some(m) = media {
                    // Print rules do not apply on screen; any other condition we do not evaluate.
                    let m = m.to_ascii_lowercase();
                    if !(m.contains("print") && !m.contains("screen") && !m.contains("all")) {
                        complete = false;
                    }
                    return;
                }
                let overflow = decls.iter().any(|d| d.name.starts_with("overflow"));
                for part in selector_parts(selector) {
                    if sheet.rules.len() >= MAX_RULES {
                        sheet.truncated = true;
                        return;
                    }
                    let Ok(sel) = Selector::parse(part) else {
                        complete = false;
                        continue;
                    };
                    let i = sheet.rules.len() as u32;
                    if let Some(class) = subject_key(part).as_deref().and_then(|k| k.strip_prefix('.')) {
                        if sheet.class_bloom.is_empty() {
                            sheet.class_bloom = vec![0; BLOOM_WORDS];
                        }
                        for bit in bloom_bits(class) {
                            if let Some(w) = sheet.class_bloom.get_mut(bit / 64) {
                                *w |= 1 << (bit % 64);
                            }
                        }
                    }
                    sheet.rules.push(SheetRule { sel, spec: specificity(part), decls: decls.clone() });
                    sheet.sets_overflow |= overflow;
                    match subject_key(part) {
                        Some(k) => {
                            if overflow {
                                sheet.overflow_keys.insert(k.clone());
                            }
                            let (map, key) = match k.as_bytes().first() {
                                Some(b'#') => (&mut sheet.by_id, k.get(1..).unwrap_or("").to_string()),
                                Some(b'.') => (&mut sheet.by_class, k.get(1..).unwrap_or("").to_string()),
                                _ => (&mut sheet.by_tag, k),
                            };
                            map.entry(key).or_default().push(i);
                        }
                        None => {
                            sheet.overflow_any |= overflow;
                            sheet.any.push(i);
                        }
                    }
                }
            });
            sheet.complete &= complete && read_all;
        }
        sheet
    }

    /// Whether a rule may be keyed by this class (false: certainly none).
    fn may_key(&self, class: &str) -> bool {
        bloom_bits(class).iter().all(|bit| self.class_bloom.get(bit / 64).is_some_and(|w| w & (1 << (bit % 64)) != 0))
    }

    /// Whether any declaration could apply to `el` (an inline style, or a
    /// rule keyed by its tag, id or a class, or by none): false lets a
    /// caller skip [`Sheet::cascade`].
    pub fn may_apply(&self, el: ElementRef) -> bool {
        let v = el.value();
        v.attr_of("style").is_some()
            || !self.any.is_empty()
            || (!self.by_tag.is_empty() && self.by_tag.contains_key(v.name()))
            || (!self.by_id.is_empty() && v.id().is_some_and(|id| self.by_id.contains_key(id)))
            || (!self.by_class.is_empty() && v.attr_of("class").unwrap_or("").split_ascii_whitespace().any(|c| self.may_key(c)))
    }

    /// Rules were dropped or matching stopped (see [`Sheet::truncated`]).
    pub fn truncated(&self) -> bool {
        self.truncated || self.matches_left.get() == 0
    }

    /// Whether a rule that sets overflow could match `el` (by its subject's
    /// key alone; [`Sheet::declared`] then matches for real).
    pub fn may_set_overflow(&self, el: ElementRef) -> bool {
        if self.overflow_any {
            return true;
        }
        let v = el.value();
        let key = |p: &str, k: &str| self.overflow_keys.iter().any(|o| o.strip_prefix(p) == Some(k));
        self.overflow_keys.contains(v.name()) || v.id().is_some_and(|id| key("#", id)) || v.classes().any(|c| key(".", c))
    }

    /// Visits the declarations that apply to `el`, the sheet's matching
    /// rules and its inline style (only the properties the sheet keeps),
    /// lowest precedence first: importance, then inline over rules, then
    /// specificity, then order; with whether it is the inline style's.
    /// False when selector matching ran out, so more may apply than was visited.
    pub fn cascade(&self, el: ElementRef, visit: &mut dyn FnMut(&Declaration, bool)) -> bool {
        let v = el.value();
        if self.matches_left.get() == 0 {
            return false;
        }
        let mut hits: Vec<u32> = Vec::new();
        if !self.by_tag.is_empty() {
            hits.extend(self.by_tag.get(v.name()).into_iter().flatten());
        }
        if let (Some(id), false) = (v.id(), self.by_id.is_empty()) {
            hits.extend(self.by_id.get(id).into_iter().flatten());
        }
        if !self.by_class.is_empty() {
            // The attribute's words, as scraper splits them (without interning each as `classes()` does).
            for c in v.attr_of("class").unwrap_or("").split_ascii_whitespace() {
                if self.may_key(c) {
                    hits.extend(self.by_class.get(c).into_iter().flatten());
                }
            }
        }
        hits.extend(&self.any);
        let style = v.attr_of("style");
        if hits.is_empty() && style.is_none() {
            return true;
        }
        hits.sort_unstable();
        hits.dedup();
        let mut complete = true;
        let mut ranked: Vec<(Rank, &Declaration)> = Vec::new();
        for i in hits {
            if let Some(r) = self.rules.get(i as usize) {
                let left = self.matches_left.get();
                if left == 0 {
                    complete = false;
                    break;
                }
                self.matches_left.set(left - 1);
                if r.sel.matches(&el) {
                    ranked.extend(r.decls.iter().enumerate().map(|(j, d)| ((d.important, false, r.spec, (i << 16) + (j as u32).min(0xFFFF)), d)));
                }
            }
        }
        let keep = self.keep.unwrap_or(layout);
        // Parsed through the shared cache: floods repeat one style text.
        let inline = style.map(css::recent).unwrap_or_default();
        ranked.extend(inline.iter().filter(|d| keep(&d.name)).enumerate().map(|(j, d)| ((d.important, true, 0, j as u32), d)));
        ranked.sort_by_key(|(k, _)| *k);
        for ((_, inline, _, _), d) in ranked {
            visit(d, inline);
        }
        complete
    }

    /// The declared values (cascade of the sheet and the inline style) of
    /// `el`, and whether something the estimate does not model applies.
    pub fn declared(&self, el: ElementRef) -> Declared {
        let mut out = Declared::default();
        let complete = self.cascade(el, &mut |d, _| {
            if !MODELLED.contains(&d.name.as_str()) {
                out.unknown = true;
                return;
            }
            if d.name.starts_with("margin") && d.value.contains('-') {
                out.unknown = true;
            }
            // Later (higher ranked) declarations replace earlier ones.
            out.props.retain(|(n, _)| *n != d.name);
            out.props.push((d.name.clone(), d.value.to_ascii_lowercase()));
        });
        out.unknown |= !complete;
        out
    }
}

#[derive(Default)]
pub struct Declared {
    props: Vec<(String, String)>,
    pub unknown: bool,
}

impl Declared {
    pub fn get(&self, p: &str) -> Option<&str> {
        self.props.iter().rev().find(|(n, _)| n == p).map(|(_, v)| v.as_str())
    }

    /// A border width may be set (any border property but colour, style, radius).
    pub fn any_border(&self) -> bool {
        self.unknown
    }

    pub fn any_set(&self) -> bool {
        self.unknown || !self.props.is_empty()
    }

    /// Computed overflow (x, y): `overflow` then its longhands, with
    /// visible/clip computing to auto/hidden beside a scrolling axis.
    pub fn overflow(&self) -> (String, String) {
        let mut x = "visible".to_string();
        let mut y = "visible".to_string();
        for (n, v) in &self.props {
            match n.as_str() {
                "overflow" => {
                    let mut it = v.split_ascii_whitespace();
                    x = it.next().unwrap_or("visible").to_string();
                    y = it.next().unwrap_or(&x).to_string();
                }
                "overflow-x" => x = v.clone(),
                "overflow-y" => y = v.clone(),
                _ => {}
            }
        }
        let plain = |s: &str| matches!(s, "visible" | "clip");
        let fix = |a: &str, other: &str| match a {
            "visible" if !plain(other) => "auto".to_string(),
            "clip" if !plain(other) => "hidden".to_string(),
            _ => a.to_string(),
        };
        (fix(&x, &y), fix(&y, &x))
    }
}

/// A CSS number (parsed as f64, as the rest of the crate does: one float
/// parser in the wasm).
pub fn num(s: &str) -> Option<f32> {
    s.parse::<f64>().ok().map(|x| x as f32).filter(|x| x.is_finite())
}

/// A length in px: px, em (of `font`), rem, pt, or 0. None for percentages,
/// viewport units, calc() and keywords.
pub fn px(v: &str, font: f32) -> Option<f32> {
    let v = v.trim();
    if v == "0" {
        return Some(0.0);
    }
    let num_end = v.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+')).unwrap_or(v.len());
    let n = num(v.get(..num_end)?)?;
    let f = match v.get(num_end..)? {
        "px" => 1.0,
        "em" => font,
        "rem" => 16.0,
        "pt" => 4.0 / 3.0,
        _ => return None,
    };
    Some(n * f).filter(|x| x.is_finite())
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specificity_counts_ids_classes_and_types() {
        assert_eq!(specificity("section > img"), 2);
        assert_eq!(specificity("#a .b[c]:hover p::before"), 1 << 16 | 3 << 8 | 2);
        assert!(specificity("div.x") > specificity("div p span"));
        assert_eq!(selector_parts("a, b:is(c, d), [x=','] e"), vec!["a", "b:is(c, d)", "[x=','] e"]);
        assert_eq!(subject_key("main > div.card#k"), Some("#k".to_string()));
        assert_eq!(subject_key("ul li.item:hover"), Some(".item".to_string()));
        assert_eq!(subject_key("SECTION"), Some("section".to_string()));
        assert_eq!(subject_key("div > *"), None);
        assert_eq!(subject_key("div:not(#x)"), Some("div".to_string()));
        assert_eq!(subject_key(r#"a[title="b .c"]"#), Some("a".to_string()));
        assert_eq!(subject_key(":is(.a, .b) > p.k"), Some(".k".to_string()));
    }

    /// CSS Overflow 3: visible (clip) beside a scrolling or hidden axis computes to auto (hidden).
    #[test]
    fn overflow_computes_per_axis() {
        let d = |v: &[(&str, &str)]| Declared { props: v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(), unknown: false };
        let o = |v: &[(&str, &str)]| {
            let (x, y) = d(v).overflow();
            format!("{x} {y}")
        };
        assert_eq!(o(&[("overflow-y", "scroll")]), "auto scroll");
        assert_eq!(o(&[("overflow", "hidden")]), "hidden hidden");
        assert_eq!(o(&[("overflow", "clip auto")]), "hidden auto");
        assert_eq!(o(&[("overflow", "auto"), ("overflow-x", "hidden")]), "hidden auto");
        assert_eq!(o(&[]), "visible visible");
        assert_eq!(px("2em", 10.0), Some(20.0));
        assert_eq!(px("50%", 10.0), None);
    }
}
