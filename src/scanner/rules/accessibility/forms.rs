//! Form fields: labels (present, single, visible) and `autocomplete` tokens.
//!
//! Each rule's record follows its check; [`RULES`] lists the family, each rule with its
//! catalogue position (the public order, see [`super::RULES`]); the cases are in `tests` below.
use super::common::*;

fn label_matches(e: ElementRef) -> bool {
    match e.value().name() {
        "textarea" => true,
        "input" => !matches!(input_type(e), "hidden" | "image" | "button" | "submit" | "reset"),
        _ => false,
    }
}

/// axe `hidden-explicit-label`: a hidden `label[for]` and no other name.
fn hidden_explicit_label(ctx: &Ctx, el: ElementRef) -> bool {
    let labels = ctx.explicit_labels(el);
    !labels.is_empty() && labels.iter().all(|l| ctx.hidden_from_at(*l)) && accessible_name(ctx, el).is_empty()
}

pub fn label(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["input", "textarea"]), false, |_, e| label_matches(e), |c, e| {
        if hidden_explicit_label(c, e) {
            return V::Fail;
        }
        pass_if(has_label(c, e) || aria_named(c, e) || nonempty(attr(e, "placeholder")) || presentational(c, e))
    })
}

pub const LABEL: Rule = Rule {
    id: "label",
    domain: Domain::Accessibility,
    severity: Severity::Critical,
    title: "Form elements must have labels",
    description: "Inputs and textareas need a label so users know what to enter.",
    references: &[wcag("4.1.2 (A)"), axe_ref!("label")],
    fix: Fix {
        summary: "Associate a <label> or add aria-label / aria-labelledby.",
        steps: &["Add <label for=id>", "or wrap the input in a <label>"],
        estimated_minutes: 5,
    },
    impact: CRITICAL,
    effort: Effort::Markup as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: STATIC,
    check: label,
};

pub fn select_name(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["select"]), false, |_, e| name_is(e, "select"), |c, e| {
        if hidden_explicit_label(c, e) {
            return V::Fail;
        }
        pass_if(has_label(c, e) || aria_named(c, e) || presentational(c, e))
    })
}

pub const SELECT_NAME: Rule = Rule {
    id: "select-name",
    domain: Domain::Accessibility,
    severity: Severity::Critical,
    title: "Select element must have an accessible name",
    description: "Select boxes need a label.",
    references: &[wcag("4.1.2 (A)"), axe_ref!("select-name")],
    fix: Fix { summary: "Associate a <label>.", steps: &["Add <label for>"], estimated_minutes: 3 },
    impact: CRITICAL,
    effort: Effort::Markup as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: STATIC,
    check: select_name,
};

pub fn form_field_multiple_labels(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Named(&["input", "select", "textarea"]),
        false,
        |_, e| matches!(e.value().name(), "input" | "select" | "textarea") && (name_is(e, "select") || name_is(e, "textarea") || label_matches(e)),
        |c, e| {
            let mut n = c.explicit_labels(e).len();
            if let Some(l) = c.implicit_label(e) {
                if !c.explicit_labels(e).iter().any(|x| x.id() == l.id()) {
                    n += 1;
                }
            }
            if n > 1 {
                V::Review
            } else {
                V::Pass
            }
        },
    )
}

pub const FORM_FIELD_MULTIPLE_LABELS: Rule = Rule {
    id: "form-field-multiple-labels",
    domain: Domain::Accessibility,
    severity: Severity::Medium,
    title: "Form field must not have multiple label elements",
    description: "Several labels on one field are read inconsistently (needs review).",
    references: &[wcag("3.3.2 (A)"), axe_ref!("form-field-multiple-labels")],
    fix: Fix { summary: "Use a single label.", steps: &["Merge the labels"], estimated_minutes: 3 },
    impact: MODERATE,
    effort: Effort::Markup as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: form_field_multiple_labels,
};

pub fn label_title_only(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Named(&["input", "select", "textarea"]),
        false,
        |_, e| name_is(e, "select") || name_is(e, "textarea") || (name_is(e, "input") && label_matches(e)),
        |c, e| {
            let other = has_label(c, e) || has_aria_label(e) || has_labelledby(c, e);
            let title_only = !other && (has_title(e) || nonempty(attr(e, "aria-describedby")));
            pass_if(!title_only)
        },
    )
}

pub const LABEL_TITLE_ONLY: Rule = Rule {
    id: "label-title-only",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "Form elements should have a visible label",
    description: "A title or aria-describedby alone is not a visible label.",
    references: &[axe_ref!("label-title-only")],
    fix: Fix { summary: "Add a visible <label>.", steps: &["Add <label>"], estimated_minutes: 3 },
    impact: SERIOUS,
    effort: Effort::Markup as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: STATIC,
    check: label_title_only,
};

pub fn autocomplete_valid(page: &Analysis) -> Outcome {
    use super::autocomplete::{check, Verdict};
    run_in(
        page,
        Candidates::WithAttr(&["autocomplete"]),
        false,
        |_, e| {
            let applies_to = match e.value().name() {
                "select" | "textarea" => true,
                // The attribute does not apply to buttons, checkable and file inputs.
                "input" => !matches!(
                    input_type(e),
                    "hidden" | "button" | "submit" | "reset" | "image" | "checkbox" | "radio" | "file"
                ),
                _ => false,
            };
            let disabled = is_disabled(e)
                || ancestors(e).chain(Some(e)).any(|a| attr(a, "aria-disabled").is_some_and(|v| v.trim().eq_ignore_ascii_case("true")));
            let readonly = attr(e, "readonly").is_some() || attr(e, "aria-readonly").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
            // A non-widget role taken out of the tab order is not a form field users reach.
            let inert_role = explicit_role(e).and_then(role_info).is_some_and(|i| !matches!(i.kind, Kind::Widget | Kind::Composite))
                && tabindex(e).is_some_and(|t| t < 0);
            applies_to && is_html(e) && nonempty(attr(e, "autocomplete")) && !disabled && !readonly && !inert_role
        },
        |_, e| match check(attr(e, "autocomplete").unwrap_or("")) {
            Verdict::Valid => V::Pass,
            Verdict::Invalid => V::Fail,
            Verdict::Unknown => V::Review,
        },
    )
}

pub const AUTOCOMPLETE_VALID: Rule = Rule {
    id: "autocomplete-valid",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "autocomplete attribute must be used correctly",
    description: "An autocomplete value must follow the HTML autofill grammar so the field's purpose is programmatically identifiable.",
    references: &[wcag("1.3.5 (AA)"), axe_ref!("autocomplete-valid")],
    fix: Fix {
        summary: "Use a valid autofill token list such as \"email\" or \"shipping street-address\".",
        steps: &["Replace unknown field names with standard ones", "Order tokens as section-*, shipping/billing, home/work/..., field, webauthn"],
        estimated_minutes: 3,
    },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::AA, Harm::Hinders),
    limits: "Whether the token fits the user's data (appropriate purpose) is not judged.",
    check: autocomplete_valid,
};

/// This family's rules with their catalogue positions.
pub(super) const RULES: &[(u16, Rule)] = &[
    (7, LABEL),
    (19, SELECT_NAME),
    (33, FORM_FIELD_MULTIPLE_LABELS),
    (34, LABEL_TITLE_ONLY),
    (79, AUTOCOMPLETE_VALID),
];

#[cfg(test)]
mod tests {
    use super::RULES;

    /// (rule id, passing body, failing body); bodies starting with `<!` are whole documents.
    const CASES: &[(&str, &str, &str)] = &[
        ("label", r#"<label>Name <input></label>"#, r#"<input id=n>"#),
        ("select-name", r#"<label>Pick <select><option>a</select></label>"#, r#"<select><option>a</select>"#),
        ("form-field-multiple-labels", r#"<label for=i>A</label><input id=i>"#, r#"<label for=i>A</label><label for=i>B</label><input id=i>"#),
        ("label-title-only", r#"<label>A <input></label>"#, r#"<input title="Name">"#),
        ("autocomplete-valid", r#"<label>E <input autocomplete="work email"></label>"#, r#"<label>E <input autocomplete="work photo"></label>"#),
    ];

    #[test]
    fn pass_and_fail_cases() {
        super::super::tests::pass_and_fail(RULES, CASES);
    }
}
