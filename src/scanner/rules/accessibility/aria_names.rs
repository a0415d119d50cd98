//! Accessible names of ARIA widgets (`role=button`, `dialog`, `textbox`, `meter`, `tab`, …):
//! one shared check, applied to each role family axe names separately.
//!
//! Each rule's record follows its check; [`RULES`] lists the family, each rule with its
//! catalogue position (the public order, see [`super::RULES`]); the cases are in `tests` below.
use super::common::*;

/// axe `no-naming-method-matches`: elements with a native naming method are
/// covered by the element-specific rules instead.
fn no_naming_method(ctx: &Ctx, e: ElementRef) -> bool {
    let n = e.value().name();
    let native = match n {
        "a" => attr(e, "href").is_some(),
        "area" | "br" | "button" | "fieldset" | "figure" | "hr" | "img" | "output" | "select" | "summary" | "table"
        | "textarea" | "svg" => true,
        "input" => input_type(e) != "hidden",
        _ => false,
    };
    if native {
        return false;
    }
    if explicit_role(e) == Some("combobox")
        && e.descendants().filter_map(ElementRef::wrap).any(|d| name_is(d, "input") && input_type(d) != "hidden")
    {
        return false;
    }
    // A listbox popup of a combobox gets its name from the combobox.
    if explicit_role(e) == Some("listbox") {
        if let Some(id) = e.value().id() {
            let popup = ctx.candidates(Candidates::WithAttr(&["role"])).into_iter().any(|o| {
                explicit_role(o) == Some("combobox")
                    && ["aria-controls", "aria-owns"]
                        .iter()
                        .any(|a| attr(o, a).is_some_and(|v| v.split_ascii_whitespace().any(|t| t == id)))
            });
            if popup {
                return false;
            }
        }
    }
    true
}

fn aria_name_rule(page: &Analysis, roles: &'static [&'static str], content: bool) -> Outcome {
    run_in(page, Candidates::WithAttr(&["role"]), false, move |c, e| role_attr_is(e, roles) && no_naming_method(c, e), move |c, e| {
        pass_if((content && has_visible_text(c, e)) || aria_named(c, e))
    })
}

pub fn aria_command_name(page: &Analysis) -> Outcome {
    aria_name_rule(page, &["link", "button", "menuitem"], true)
}

pub const ARIA_COMMAND_NAME: Rule = Rule {
    id: "aria-command-name",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "ARIA commands must have an accessible name",
    description: "Elements with role link/button/menuitem need a name.",
    references: &[wcag("4.1.2 (A)"), axe_ref!("aria-command-name")],
    fix: Fix { summary: "Add text or aria-label.", steps: &["Add aria-label"], estimated_minutes: 3 },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: STATIC,
    check: aria_command_name,
};

pub fn aria_dialog_name(page: &Analysis) -> Outcome {
    aria_name_rule(page, &["dialog", "alertdialog"], false)
}

pub const ARIA_DIALOG_NAME: Rule = Rule {
    id: "aria-dialog-name",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "ARIA dialog and alertdialog nodes should have an accessible name",
    description: "Dialogs need a name.",
    references: &[axe_ref!("aria-dialog-name")],
    fix: Fix {
        summary: "Add aria-label or aria-labelledby.",
        steps: &["Point aria-labelledby at the dialog heading"],
        estimated_minutes: 3,
    },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: STATIC,
    check: aria_dialog_name,
};

pub fn aria_input_field_name(page: &Analysis) -> Outcome {
    aria_name_rule(page, &["combobox", "listbox", "searchbox", "slider", "spinbutton", "textbox"], false)
}

pub const ARIA_INPUT_FIELD_NAME: Rule = Rule {
    id: "aria-input-field-name",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "ARIA input fields must have an accessible name",
    description: "Custom input widgets need a name.",
    references: &[wcag("4.1.2 (A)"), axe_ref!("aria-input-field-name")],
    fix: Fix { summary: "Add aria-label or aria-labelledby.", steps: &["Add aria-label"], estimated_minutes: 3 },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: STATIC,
    check: aria_input_field_name,
};

pub fn aria_meter_name(page: &Analysis) -> Outcome {
    aria_name_rule(page, &["meter"], false)
}

pub const ARIA_METER_NAME: Rule = Rule {
    id: "aria-meter-name",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "ARIA meter nodes must have an accessible name",
    description: "Meters need a name.",
    references: &[wcag("1.1.1 (A)"), axe_ref!("aria-meter-name")],
    fix: Fix { summary: "Add aria-label.", steps: &["Add aria-label"], estimated_minutes: 2 },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: aria_meter_name,
};

pub fn aria_progressbar_name(page: &Analysis) -> Outcome {
    aria_name_rule(page, &["progressbar"], false)
}

pub const ARIA_PROGRESSBAR_NAME: Rule = Rule {
    id: "aria-progressbar-name",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "ARIA progressbar nodes must have an accessible name",
    description: "Progress bars need a name.",
    references: &[wcag("1.1.1 (A)"), axe_ref!("aria-progressbar-name")],
    fix: Fix { summary: "Add aria-label.", steps: &["Add aria-label"], estimated_minutes: 2 },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: aria_progressbar_name,
};

pub fn aria_tab_name(page: &Analysis) -> Outcome {
    aria_name_rule(page, &["tab"], true)
}

pub const ARIA_TAB_NAME: Rule = Rule {
    id: "aria-tab-name",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "ARIA tab elements must have an accessible name",
    description: "Tabs need a name.",
    references: &[wcag("4.1.2 (A)"), axe_ref!("aria-tab-name")],
    fix: Fix { summary: "Add tab text or aria-label.", steps: &["Add text"], estimated_minutes: 2 },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: STATIC,
    check: aria_tab_name,
};

pub fn aria_toggle_field_name(page: &Analysis) -> Outcome {
    aria_name_rule(page, &["checkbox", "menuitemcheckbox", "menuitemradio", "radio", "switch", "option"], true)
}

pub const ARIA_TOGGLE_FIELD_NAME: Rule = Rule {
    id: "aria-toggle-field-name",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "ARIA toggle fields must have an accessible name",
    description: "Custom checkboxes, radios, switches and options need a name.",
    references: &[wcag("4.1.2 (A)"), axe_ref!("aria-toggle-field-name")],
    fix: Fix { summary: "Add text or aria-label.", steps: &["Add aria-label"], estimated_minutes: 3 },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: STATIC,
    check: aria_toggle_field_name,
};

pub fn aria_tooltip_name(page: &Analysis) -> Outcome {
    aria_name_rule(page, &["tooltip"], true)
}

pub const ARIA_TOOLTIP_NAME: Rule = Rule {
    id: "aria-tooltip-name",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "ARIA tooltip nodes must have an accessible name",
    description: "Tooltips need text.",
    references: &[wcag("4.1.2 (A)"), axe_ref!("aria-tooltip-name")],
    fix: Fix { summary: "Add tooltip text.", steps: &["Add text"], estimated_minutes: 2 },
    impact: SERIOUS,
    effort: Effort::Markup as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: aria_tooltip_name,
};

pub fn aria_treeitem_name(page: &Analysis) -> Outcome {
    aria_name_rule(page, &["treeitem"], true)
}

pub const ARIA_TREEITEM_NAME: Rule = Rule {
    id: "aria-treeitem-name",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "ARIA treeitem nodes should have an accessible name",
    description: "Tree items need a name.",
    references: &[axe_ref!("aria-treeitem-name")],
    fix: Fix { summary: "Add text or aria-label.", steps: &["Add text"], estimated_minutes: 2 },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::BestPractice, Harm::Blocks),
    limits: STATIC,
    check: aria_treeitem_name,
};

/// This family's rules with their catalogue positions.
pub(super) const RULES: &[(u16, Rule)] = &[
    (20, ARIA_COMMAND_NAME),
    (21, ARIA_DIALOG_NAME),
    (22, ARIA_INPUT_FIELD_NAME),
    (23, ARIA_METER_NAME),
    (24, ARIA_PROGRESSBAR_NAME),
    (25, ARIA_TAB_NAME),
    (26, ARIA_TOGGLE_FIELD_NAME),
    (27, ARIA_TOOLTIP_NAME),
    (28, ARIA_TREEITEM_NAME),
];

#[cfg(test)]
mod tests {
    use super::RULES;

    /// (rule id, passing body, failing body); bodies starting with `<!` are whole documents.
    const CASES: &[(&str, &str, &str)] = &[
        ("aria-command-name", r#"<div role=button>Go</div>"#, r#"<div role=button></div>"#),
        ("aria-dialog-name", r#"<div role=dialog aria-label="Settings"></div>"#, r#"<div role=dialog></div>"#),
        ("aria-input-field-name", r#"<div role=textbox aria-label="Q"></div>"#, r#"<div role=textbox></div>"#),
        ("aria-meter-name", r#"<div role=meter aria-valuenow=1 aria-label="Disk"></div>"#, r#"<div role=meter aria-valuenow=1></div>"#),
        ("aria-progressbar-name", r#"<div role=progressbar aria-label="Upload"></div>"#, r#"<div role=progressbar></div>"#),
        ("aria-tab-name", r#"<div role=tablist><div role=tab>One</div></div>"#, r#"<div role=tablist><div role=tab></div></div>"#),
        ("aria-toggle-field-name", r#"<div role=checkbox aria-checked=false>Agree</div>"#, r#"<div role=checkbox aria-checked=false></div>"#),
        ("aria-tooltip-name", r#"<div role=tooltip>Help</div>"#, r#"<div role=tooltip></div>"#),
        ("aria-treeitem-name", r#"<div role=tree><div role=treeitem>A</div></div>"#, r#"<div role=tree><div role=treeitem></div></div>"#),
    ];

    #[test]
    fn pass_and_fail_cases() {
        super::super::tests::pass_and_fail(RULES, CASES);
    }
}
