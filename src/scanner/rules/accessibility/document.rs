//! The page as a whole: its title, a body hidden from assistive technology, timed refreshes.
//!
//! Each rule's record follows its check; [`RULES`] lists the family, each rule with its
//! catalogue position (the public order, see [`super::RULES`]); the cases are in `tests` below.
use super::common::*;

pub fn document_title(page: &Analysis) -> Outcome {
    root_outcome(page, |c, _| {
        let t = c.candidates(Candidates::Named(&["title"])).into_iter().find(|e| name_is(*e, "title") && is_html(*e));
        pass_if(t.is_some_and(|t| !sanitize(&t.text().collect::<String>()).is_empty()))
    })
}

pub const DOCUMENT_TITLE: Rule = Rule {
    id: "document-title",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "Documents must have a <title> element to aid in navigation",
    description: "A non-empty <title> identifies the page in tabs, history and screen readers.",
    references: &[wcag("2.4.2 (A)"), axe_ref!("document-title")],
    fix: Fix {
        summary: "Add a descriptive, non-empty <title>.",
        steps: &["Add <title> inside <head>"],
        estimated_minutes: 2,
    },
    impact: SERIOUS,
    effort: Effort::Markup as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: document_title,
};

pub fn aria_hidden_body(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["body"]), true, |_, e| name_is(e, "body"), |_, e| {
        pass_if(!attr(e, "aria-hidden").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")))
    })
}

pub const ARIA_HIDDEN_BODY: Rule = Rule {
    id: "aria-hidden-body",
    domain: Domain::Accessibility,
    severity: Severity::Critical,
    title: "aria-hidden=\"true\" must not be present on the document body",
    description: "aria-hidden on body hides the whole page from assistive technology.",
    references: &[wcag("1.3.1 (A)"), wcag("4.1.2 (A)"), axe_ref!("aria-hidden-body")],
    fix: Fix { summary: "Remove aria-hidden from <body>.", steps: &["Remove the attribute"], estimated_minutes: 2 },
    impact: CRITICAL,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: "",
    check: aria_hidden_body,
};

/// The delay of a `<meta http-equiv=refresh>` whose content parses as a
/// refresh (digits first), else None.
fn refresh_delay(e: ElementRef) -> Option<f64> {
    if !(name_is(e, "meta") && attr(e, "http-equiv").is_some_and(|h| h.trim().eq_ignore_ascii_case("refresh"))) {
        return None;
    }
    let content = attr(e, "content")?.trim();
    let first = content.split([';', ',', ' ', '\t', '\n', '\r']).next().unwrap_or("");
    if first.is_empty() || !first.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    Some(parse_float(first).unwrap_or(0.0))
}

fn meta_refresh_rule(page: &Analysis, max: Option<f64>) -> Outcome {
    // A browser acts on the first meta refresh that parses and ignores the
    // rest (HTML's "will declaratively refresh"), so only that one is judged.
    let first = crate::scanner::rules::dom::select_named(page, "meta").into_iter().find(|e| refresh_delay(*e).is_some()).map(|e| e.id());
    run_in(
        page,
        Candidates::Named(&["meta"]),
        true,
        |_, e| {
            name_is(e, "meta")
                && attr(e, "http-equiv").is_some_and(|h| h.trim().eq_ignore_ascii_case("refresh"))
                && attr(e, "content").is_some()
                && first.is_none_or(|f| f == e.id())
        },
        move |_, e| {
            let Some(delay) = refresh_delay(e) else { return V::Pass };
            if delay <= 0.0 || max.is_some_and(|m| delay > m) {
                return V::Pass;
            }
            V::Fail
        },
    )
}

pub fn meta_refresh(page: &Analysis) -> Outcome {
    meta_refresh_rule(page, Some(72000.0))
}

pub const META_REFRESH: Rule = Rule {
    id: "meta-refresh",
    domain: Domain::Accessibility,
    severity: Severity::Critical,
    title: "Delayed refresh under 20 hours must not be used",
    description: "Timed refreshes and redirects move users without warning.",
    references: &[wcag("2.2.1 (A)"), axe_ref!("meta-refresh")],
    fix: Fix {
        summary: "Remove the meta refresh or redirect server-side.",
        steps: &["Use a 301 redirect instead"],
        estimated_minutes: 10,
    },
    impact: CRITICAL,
    effort: Effort::Markup as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: "",
    check: meta_refresh,
};

pub fn meta_refresh_no_exceptions(page: &Analysis) -> Outcome {
    meta_refresh_rule(page, None)
}

pub const META_REFRESH_NO_EXCEPTIONS: Rule = Rule {
    id: "meta-refresh-no-exceptions",
    domain: Domain::Accessibility,
    severity: Severity::Low,
    title: "Delayed refresh must not be used",
    description: "Any timed refresh or redirect (even one of 20 hours or more) moves users without their asking (WCAG AAA).",
    references: &[wcag("2.2.4 (AAA)"), wcag("3.2.5 (AAA)"), axe_ref!("meta-refresh-no-exceptions")],
    fix: Fix {
        summary: "Remove the meta refresh or redirect server-side.",
        steps: &["Use a 301 redirect instead", "Let users refresh content themselves"],
        estimated_minutes: 10,
    },
    impact: MINOR,
    effort: Effort::Markup as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: "",
    check: meta_refresh_no_exceptions,
};

/// This family's rules with their catalogue positions.
pub(super) const RULES: &[(u16, Rule)] = &[
    (4, DOCUMENT_TITLE),
    (40, ARIA_HIDDEN_BODY),
    (38, META_REFRESH),
    (87, META_REFRESH_NO_EXCEPTIONS),
];

#[cfg(test)]
mod tests {
    use super::RULES;

    /// (rule id, passing body, failing body); bodies starting with `<!` are whole documents.
    const CASES: &[(&str, &str, &str)] = &[
        ("document-title", "<!doctype html><html lang=en><title>Home</title>", "<!doctype html><html lang=en><title> </title>"),
        ("aria-hidden-body", "<!doctype html><html lang=en><title>t</title><body>x", "<!doctype html><html lang=en><title>t</title><body aria-hidden=true>x"),
        ("meta-refresh", r#"<meta http-equiv=refresh content="0; url=/x">"#, r#"<meta http-equiv=refresh content="30">"#),
        ("meta-refresh-no-exceptions", r#"<meta http-equiv=refresh content="0; url=/x">"#, r#"<meta http-equiv=refresh content="72001">"#),
    ];

    #[test]
    fn pass_and_fail_cases() {
        super::super::tests::pass_and_fail(RULES, CASES);
    }

    /// Browsers act on the first meta refresh that parses and ignore later
    /// ones (ACT bc659a, Passed Example 2).
    #[test]
    fn only_the_first_meta_refresh_counts() {
        let head = |m: &str| format!("<!doctype html><html lang=en><head><title>t</title>{m}</head></html>");
        assert_eq!(super::super::tests::verdict("meta-refresh", &head(r#"<meta http-equiv=refresh content="0; https://w3.org"><meta http-equiv=refresh content="5; https://w3.org">"#)), "pass");
        assert_eq!(super::super::tests::verdict("meta-refresh", &head(r#"<meta http-equiv=refresh content="5; https://w3.org"><meta http-equiv=refresh content="0; https://w3.org">"#)), "fail");
        // One that does not parse is skipped: the next one is the first.
        assert_eq!(super::super::tests::verdict("meta-refresh", &head(r#"<meta http-equiv=refresh content="soon"><meta http-equiv=refresh content="5">"#)), "fail");
    }

}
