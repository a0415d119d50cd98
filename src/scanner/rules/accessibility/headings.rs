//! Headings: an `<h1>`, levels in order, no empty headings.
//!
//! Each rule's record follows its check; [`RULES`] lists the family, each rule with its
//! catalogue position (the public order, see [`super::RULES`]); the cases are in `tests` below.
use super::common::*;

fn heading_level(ctx: &Ctx, e: ElementRef) -> i64 {
    if !is_heading(ctx, e) {
        return -1;
    }
    let tag_level = e.value().name().strip_prefix('h').and_then(|d| d.parse::<i64>().ok()).filter(|l| (1..=6).contains(l));
    let aria = attr(e, "aria-level");
    if let (Some(l), None) = (tag_level, aria) {
        return l;
    }
    match aria.and_then(|a| parse_float(a)).map(|f| f as i64) {
        Some(l) if l >= 1 => l,
        _ => tag_level.unwrap_or(2),
    }
}

pub fn heading_order(page: &Analysis) -> Outcome {
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let headings: Vec<(ElementRef, i64)> = ctx
        .candidates(Candidates::Role(&["heading"]))
        .into_iter()
        .filter(|e| is_heading(&ctx, *e) && !ctx.hidden_from_at(*e))
        .map(|e| (e, heading_level(&ctx, e)))
        .collect();
    let mut fails = Vec::new();
    for w in headings.windows(2) {
        if let [(_, prev), (e, cur)] = w {
            if cur - prev > 1 {
                fails.push(*e);
            }
        }
    }
    finish(page, !headings.is_empty(), &fails, &[])
}

pub const HEADING_ORDER: Rule = Rule {
    id: "heading-order",
    domain: Domain::Accessibility,
    severity: Severity::Medium,
    title: "Heading levels should only increase by one",
    description: "Skipping heading levels makes the document outline hard to navigate.",
    references: &[axe_ref!("heading-order")],
    fix: Fix {
        summary: "Use heading levels in order.",
        steps: &["Change the skipped heading to the next level"],
        estimated_minutes: 5,
    },
    impact: MODERATE,
    effort: Effort::Markup as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: STATIC,
    check: heading_order,
};

pub fn empty_heading(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Role(&["heading"]),
        false,
        |c, e| (matches!(e.value().name(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6") || role_attr_is(e, &["heading"])) && is_heading(c, e),
        |c, e| pass_if(has_visible_text(c, e) || aria_named(c, e)),
    )
}

pub const EMPTY_HEADING: Rule = Rule {
    id: "empty-heading",
    domain: Domain::Accessibility,
    severity: Severity::Low,
    title: "Headings should not be empty",
    description: "Empty headings confuse navigation by headings.",
    references: &[axe_ref!("empty-heading")],
    fix: Fix {
        summary: "Add text or remove the heading.",
        steps: &["Fill or remove the heading"],
        estimated_minutes: 2,
    },
    impact: MINOR,
    effort: Effort::Markup as u8,
    risk: risk(Conformance::BestPractice, Harm::Annoys),
    limits: STATIC,
    check: empty_heading,
};

pub fn page_has_heading_one(page: &Analysis) -> Outcome {
    page_has_unless_modal(page, Candidates::Role(&["heading"]), |c, e| is_heading(c, e) && heading_level(c, e) == 1)
}

pub const PAGE_HAS_HEADING_ONE: Rule = Rule {
    id: "page-has-heading-one",
    domain: Domain::Accessibility,
    severity: Severity::Medium,
    title: "Page should contain a level-one heading",
    description: "A level-one heading marks the start of the content.",
    references: &[axe_ref!("page-has-heading-one")],
    fix: Fix { summary: "Add an <h1>.", steps: &["Add <h1>"], estimated_minutes: 3 },
    impact: MODERATE,
    effort: Effort::Markup as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: STATIC,
    check: page_has_heading_one,
};

/// This family's rules with their catalogue positions.
pub(super) const RULES: &[(u16, Rule)] = &[
    (11, HEADING_ORDER),
    (30, EMPTY_HEADING),
    (42, PAGE_HAS_HEADING_ONE),
];

#[cfg(test)]
mod tests {
    use super::RULES;

    /// (rule id, passing body, failing body); bodies starting with `<!` are whole documents.
    const CASES: &[(&str, &str, &str)] = &[
        ("heading-order", r#"<h2>b</h2>"#, r#"<h3>c</h3>"#),
        ("empty-heading", r#"<h2>Intro</h2>"#, r#"<h2></h2>"#),
        ("page-has-heading-one", "<!doctype html><html lang=en><title>t</title><h1>x</h1>", "<!doctype html><html lang=en><title>t</title><h2>x</h2>"),
    ];

    #[test]
    fn pass_and_fail_cases() {
        super::super::tests::pass_and_fail(RULES, CASES);
    }
}
