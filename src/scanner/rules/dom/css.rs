//! Inline `style` attributes, read as browsers read them: the attribute is a
//! CSS declaration list (parsed by `cssparser`, the tokenizer scraper's
//! selectors already use), so `;` inside strings or `url()` does not split a
//! declaration, a malformed declaration is skipped up to the next `;`, and
//! `!important` is recognised in any spelling CSS allows (`! IMPORTANT`).
//! Cascade within one attribute: an `!important` declaration beats a normal
//! one, then the last one wins. Values are not checked against the
//! property's grammar, so `display:none; display:bogus` reads as `bogus`
//! where a browser would drop the invalid one.
use cssparser::{
    AtRuleParser, CowRcStr, DeclarationParser, Delimiter, ParseError, Parser, ParserState, QualifiedRuleParser,
    RuleBodyItemParser, RuleBodyParser,
};

/// One declaration: property name and value lower-cased, the value trimmed and without `!important`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    pub name: String,
    pub value: String,
    pub important: bool,
}

/// Parses declarations; with `only`, builds just those whose name is in it
/// (the others are still parsed past, to find where the next one starts).
struct Declarations<'a> {
    only: Option<&'a [&'a str]>,
}

impl<'i> DeclarationParser<'i> for Declarations<'_> {
    type Declaration = Declaration;
    type Error = ();
    fn parse_value(
        &mut self,
        name: CowRcStr<'i>,
        input: &mut Parser<'i>,
        _start: &ParserState,
    ) -> Result<Declaration, ParseError<()>> {
        if self.only.is_some_and(|only| !only.iter().any(|p| name.eq_ignore_ascii_case(p))) {
            return Err(ParseError::unexpected_token());
        }
        let value = input.parse_until_before(Delimiter::Bang, |i| {
            let start = i.position();
            while i.next().is_ok() {}
            Ok(i.slice_from(start).trim().to_ascii_lowercase())
        })?;
        let important = input.try_parse(cssparser::parse_important).is_ok();
        input.expect_exhausted()?;
        if value.is_empty() {
            return Err(ParseError::unexpected_token());
        }
        Ok(Declaration { name: name.to_ascii_lowercase(), value, important })
    }
}

impl<'i> AtRuleParser<'i> for Declarations<'_> {
    type Prelude = ();
    type AtRule = Declaration;
    type Error = ();
}

impl<'i> QualifiedRuleParser<'i> for Declarations<'_> {
    type Prelude = ();
    type QualifiedRule = Declaration;
    type Error = ();
}

impl<'i> RuleBodyItemParser<'i, Declaration, ()> for Declarations<'_> {
    fn parse_declarations(&self) -> bool {
        true
    }
    fn parse_qualified(&self) -> bool {
        false
    }
}

/// The valid declarations of a `style` attribute, in source order.
pub fn declarations(style: &str) -> Vec<Declaration> {
    parse(style, None)
}

/// The valid declarations of the properties in `props`, in source order.
/// Attributes that do not mention any of them are not parsed (a property
/// name spelled with CSS escapes, which no real page does, is then missed).
pub fn declarations_of(style: &str, props: &[&str]) -> Vec<Declaration> {
    if !props.iter().any(|p| mentions(style, p)) {
        return Vec::new();
    }
    parse(style, Some(props))
}

fn parse(style: &str, only: Option<&[&str]>) -> Vec<Declaration> {
    let mut parser = Parser::new(style);
    RuleBodyParser::new(&mut parser, &mut Declarations { only }).filter_map(Result::ok).collect()
}

/// Whether `style` contains `prop`, ignoring ASCII case.
fn mentions(style: &str, prop: &str) -> bool {
    let (s, p) = (style.as_bytes(), prop.as_bytes());
    let Some(first) = p.first().map(u8::to_ascii_lowercase) else { return false };
    // Compare the rest only where the first byte matches: this runs for every styled element.
    s.len() >= p.len()
        && (0..=s.len() - p.len())
            .any(|i| s[i].to_ascii_lowercase() == first && s.get(i..i + p.len()).is_some_and(|w| w.eq_ignore_ascii_case(p)))
}

/// The declaration of `prop` that applies among `decls`: the last
/// `!important` one, else the last one. Returns (value, important).
pub fn winning<'d>(decls: &'d [Declaration], prop: &str) -> Option<(&'d str, bool)> {
    let of = |important: bool| decls.iter().rev().find(|d| d.important == important && d.name.eq_ignore_ascii_case(prop));
    of(true).or_else(|| of(false)).map(|d| (d.value.as_str(), d.important))
}

/// [`winning`] straight from the attribute's text. Rules ask for several
/// properties of one element, and of its ancestors, in turn, and pages repeat
/// the same style text, so the last few attributes parsed are kept (by text).
pub fn declared(style: &str, prop: &str) -> Option<(String, bool)> {
    if !mentions(style, prop) {
        return None;
    }
    let decls = recent(style);
    winning(&decls, prop).map(|(v, i)| (v.to_string(), i))
}

/// How many parsed attributes [`declared`] and [`recent`] keep.
const RECENT: usize = 8;

/// The declarations of a `style` attribute, from the last few parsed when
/// the same text was seen (pages repeat style texts).
pub fn recent(style: &str) -> std::rc::Rc<Vec<Declaration>> {
    use std::cell::RefCell;
    use std::rc::Rc;
    thread_local! {
        static KEPT: RefCell<(usize, Vec<(String, Rc<Vec<Declaration>>)>)> = const { RefCell::new((0, Vec::new())) };
    }
    KEPT.with(|k| {
        let mut k = k.borrow_mut();
        if let Some((_, d)) = k.1.iter().find(|(s, _)| s == style) {
            return d.clone();
        }
        let d = Rc::new(declarations(style));
        let (next, kept) = &mut *k;
        if kept.len() < RECENT {
            kept.push((style.to_string(), d.clone()));
        } else if let Some(slot) = kept.get_mut(*next % RECENT) {
            *slot = (style.to_string(), d.clone());
        }
        *next = next.wrapping_add(1);
        d
    })
}

/// The value of `prop` that applies (see [`winning`]).
pub fn value(style: &str, prop: &str) -> Option<String> {
    declared(style, prop).map(|(v, _)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn important_beats_later_normal_declarations() {
        assert_eq!(declared("display:none !important; display:block", "display"), Some(("none".into(), true)));
        assert_eq!(declared("display:none; display:block", "display"), Some(("block".into(), false)));
        assert_eq!(declared("a: 1; letter-spacing: 1px !important; letter-spacing: 2px", "letter-spacing"), Some(("1px".into(), true)));
        assert_eq!(declared("letter-spacing: 1px ! important; letter-spacing: 2px !IMPORTANT", "letter-spacing"), Some(("2px".into(), true)));
    }

    #[test]
    fn declarations_are_split_as_css_splits_them() {
        // A `;` inside a string does not end the declaration; a broken one is skipped.
        let d = declarations(r#"background: url("a;b.png"); DISPLAY: None; color red; visibility: hidden"#);
        let names: Vec<&str> = d.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["background", "display", "visibility"]);
        assert_eq!(value(r#"background: url("a;b.png"); display: none"#, "display").as_deref(), Some("none"));
        assert_eq!(value("display:", "display"), None);
        assert_eq!(value("width: 10px !important junk", "width"), None);
        // Reading some properties gives the same answer as reading all.
        let style = "Display: none !important; visibility:hidden; display: block; width: 1px";
        let some = declarations_of(style, &["display", "width"]);
        let all: Vec<Declaration> = declarations(style).into_iter().filter(|d| d.name != "visibility").collect();
        assert_eq!(some, all);
        assert!(declarations_of("color: red", &["display"]).is_empty());
    }
}
