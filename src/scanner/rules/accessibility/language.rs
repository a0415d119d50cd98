//! The language of the page and of its parts (`lang`, `xml:lang`; WCAG 3.1.1, 3.1.2).
//!
//! Each rule's record follows its check; [`RULES`] lists the family, each rule with its
//! catalogue position (the public order, see [`super::RULES`]); the cases are in `tests` below.
use super::common::*;

pub fn html_has_lang(page: &Analysis) -> Outcome {
    root_outcome(page, |_, r| pass_if(nonempty(attr(r, "lang"))))
}

pub const HTML_HAS_LANG: Rule = Rule {
    id: "html-has-lang",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "<html> element must have a lang attribute",
    description: "The page language lets screen readers pick the right pronunciation.",
    references: &[wcag("3.1.1 (A)"), axe_ref!("html-has-lang")],
    fix: Fix {
        summary: "Add lang to the <html> element.",
        steps: &["Add lang=\"en\" (or the page's language) to <html>"],
        estimated_minutes: 2,
    },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: html_has_lang,
};

pub fn html_lang_valid(page: &Analysis) -> Outcome {
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let r = root(&ctx);
    let vals: Vec<&str> = ["lang", "xml:lang"].iter().filter_map(|a| attr(r, a)).filter(|v| !v.is_empty()).collect();
    if vals.is_empty() {
        return Outcome::NotApplicable;
    }
    let bad = vals.iter().any(|v| lang::is_invalid_value(v));
    let fails = if bad { vec![r] } else { vec![] };
    finish(page, true, &fails, &[])
}

pub const HTML_LANG_VALID: Rule = Rule {
    id: "html-lang-valid",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "<html> element must have a valid value for the lang attribute",
    description: "The lang attribute must be a valid BCP 47 language tag.",
    references: &[wcag("3.1.1 (A)"), axe_ref!("html-lang-valid")],
    fix: Fix {
        summary: "Use a valid language tag such as en or fr-CA.",
        steps: &["Correct the lang attribute on <html>"],
        estimated_minutes: 2,
    },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: "Three-letter codes are accepted unless the language has a two-letter code.",
    check: html_lang_valid,
};

pub fn html_xml_lang_mismatch(page: &Analysis) -> Outcome {
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let r = root(&ctx);
    let (Some(l), Some(x)) = (attr(r, "lang"), attr(r, "xml:lang")) else { return Outcome::NotApplicable };
    let (bl, bx) = (lang::base_lang(l), lang::base_lang(x));
    if !lang::is_valid_base(&bl) || !lang::is_valid_base(&bx) {
        return Outcome::NotApplicable;
    }
    let fails = if bl != bx { vec![r] } else { vec![] };
    finish(page, true, &fails, &[])
}

pub const HTML_XML_LANG_MISMATCH: Rule = Rule {
    id: "html-xml-lang-mismatch",
    domain: Domain::Accessibility,
    severity: Severity::Medium,
    title: "HTML elements with lang and xml:lang must have the same base language",
    description: "lang and xml:lang must agree.",
    references: &[wcag("3.1.1 (A)"), axe_ref!("html-xml-lang-mismatch")],
    fix: Fix {
        summary: "Make both attributes name the same language.",
        steps: &["Align xml:lang with lang"],
        estimated_minutes: 2,
    },
    impact: MODERATE,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: html_xml_lang_mismatch,
};

pub fn valid_lang(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::WithAttr(&["lang", "xml:lang"]),
        false,
        |_, e| !name_is(e, "html") && (attr(e, "lang").is_some() || attr(e, "xml:lang").is_some()),
        |c, e| {
            let bad = ["lang", "xml:lang"].iter().filter_map(|a| attr(e, a)).any(lang::is_invalid_value);
            if !bad {
                return V::Pass;
            }
            // Only elements that hold text of their own (not overridden by a nested lang).
            pass_if(!has_lang_text(c, e))
        },
    )
}

pub const VALID_LANG: Rule = Rule {
    id: "valid-lang",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "lang attribute must have a valid value",
    description: "Language changes inside the page need valid language tags.",
    references: &[wcag("3.1.2 (AA)"), axe_ref!("valid-lang")],
    fix: Fix { summary: "Use valid BCP 47 tags.", steps: &["Correct the lang value"], estimated_minutes: 2 },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::AA, Harm::Hinders),
    limits: STATIC,
    check: valid_lang,
};

/// Whether `e`'s children hold text its `lang` applies to: text, or an
/// image's text alternative, in descendants not hidden from everyone and not
/// under a nested `lang`. Rendered text counts even when aria-hidden (sighted
/// users read it). One bottom-up pass answers it for every element, so
/// nested `lang`/`xml:lang` elements cost linear work, not a walk each.
fn has_lang_text(ctx: &Ctx, e: ElementRef) -> bool {
    let ix = ctx.index();
    let Some(p) = ix.position(e.id()) else { return false };
    let table = ctx.lang_text.get_or_init(|| {
        let n = ix.elements.len();
        let mut has = vec![false; n];
        for q in (0..n).rev() {
            let Some(el) = ix.node(q as u32).and_then(|id| ctx.doc.tree.get(id)).and_then(ElementRef::wrap) else { continue };
            // Children come after their parent in document order: final here.
            let found = el.children().any(|c| match c.value() {
                Node::Text(t) => !t.trim().is_empty(),
                Node::Element(_) => ElementRef::wrap(c).is_some_and(|ce| {
                    ce.value().attr_of("lang").is_none()
                        && !ctx.hidden_for_everyone(ce)
                        && ((name_is(ce, "img") && nonempty(attr(ce, "alt")))
                            || ix.position(ce.id()).and_then(|cq| has.get(cq as usize)).copied().unwrap_or(false))
                }),
                _ => false,
            });
            if let Some(slot) = has.get_mut(q) {
                *slot = found;
            }
        }
        has
    });
    table.get(p as usize).copied().unwrap_or(false)
}

/// This family's rules with their catalogue positions.
pub(super) const RULES: &[(u16, Rule)] = &[
    (2, HTML_HAS_LANG),
    (3, HTML_LANG_VALID),
    (36, HTML_XML_LANG_MISMATCH),
    (37, VALID_LANG),
];

#[cfg(test)]
mod tests {
    use super::RULES;

    /// (rule id, passing body, failing body); bodies starting with `<!` are whole documents.
    const CASES: &[(&str, &str, &str)] = &[
        ("html-has-lang", "<!doctype html><html lang=en><title>t</title>", "<!doctype html><html><title>t</title>"),
        ("html-lang-valid", "<!doctype html><html lang=en-GB><title>t</title>", "<!doctype html><html lang=english><title>t</title>"),
        ("html-xml-lang-mismatch", r#"<!doctype html><html lang=en xml:lang=en-US><title>t</title>"#, r#"<!doctype html><html lang=en xml:lang=fr><title>t</title>"#),
        ("valid-lang", r#"<p lang=fr>Bonjour</p>"#, r#"<p lang=french>Bonjour</p>"#),
    ];

    #[test]
    fn pass_and_fail_cases() {
        super::super::tests::pass_and_fail(RULES, CASES);
    }
}
