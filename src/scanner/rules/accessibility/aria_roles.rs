//! ARIA roles: valid and current roles, required parents and children, roles each HTML element
//! may take, `role=text`, presentational elements that keep their role.
//!
//! Each rule's record follows its check; [`RULES`] lists the family, each rule with its
//! catalogue position (the public order, see [`super::RULES`]); the cases are in `tests` below.
use super::common::*;

fn role_tokens(e: ElementRef) -> Vec<String> {
    attr(e, "role").map(|r| r.split_ascii_whitespace().map(|t| t.to_ascii_lowercase()).collect()).unwrap_or_default()
}

pub fn aria_roles(page: &Analysis) -> Outcome {
    run_in(page, Candidates::WithAttr(&["role"]), false, |_, e| nonempty(attr(e, "role")), |_, e| {
        let toks = role_tokens(e);
        let all_invalid = toks.iter().all(|t| role_info(t).is_none());
        let abstract_ = toks.iter().any(|t| role_info(t).is_some_and(|i| i.kind == Kind::Abstract));
        pass_if(!all_invalid && !abstract_)
    })
}

pub const ARIA_ROLES: Rule = Rule {
    id: "aria-roles",
    domain: Domain::Accessibility,
    severity: Severity::Critical,
    title: "ARIA roles used must conform to valid values",
    description: "Unknown or abstract roles are ignored.",
    references: &[wcag("4.1.2 (A)"), axe_ref!("aria-roles")],
    fix: Fix { summary: "Use a valid role.", steps: &["Fix the role"], estimated_minutes: 2 },
    impact: CRITICAL,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: STATIC,
    check: aria_roles,
};

pub fn aria_deprecated_role(page: &Analysis) -> Outcome {
    run_in(page, Candidates::WithAttr(&["role"]), false, |_, e| nonempty(attr(e, "role")), |_, e| {
        pass_if(!explicit_role(e).and_then(role_info).is_some_and(|i| i.deprecated))
    })
}

pub const ARIA_DEPRECATED_ROLE: Rule = Rule {
    id: "aria-deprecated-role",
    domain: Domain::Accessibility,
    severity: Severity::Low,
    title: "Deprecated ARIA roles must not be used",
    description: "Deprecated roles may not be supported.",
    references: &[wcag("4.1.2 (A)"), axe_ref!("aria-deprecated-role")],
    fix: Fix { summary: "Use a current role.", steps: &["Replace the role"], estimated_minutes: 2 },
    impact: MINOR,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Annoys),
    limits: STATIC,
    check: aria_deprecated_role,
};

pub fn aria_required_parent(page: &Analysis) -> Outcome {
    run_in(page, Candidates::WithAttr(&["role"]), false, |_, e| explicit_role(e).and_then(role_info).is_some_and(|i| !i.required_context.is_empty()), |c, e| {
        let role = explicit_role(e).unwrap_or("");
        let ctxs = role_info(role).map(|i| i.required_context).unwrap_or(&[]);
        if context_ok(c, e, ctxs, false, role) {
            return V::Pass;
        }
        // aria-owns on an ancestor-or-self provides the context instead.
        let owners = std::iter::once(e).chain(ancestors(e)).filter_map(|x| x.value().id()).filter_map(|id| c.owner_of(id));
        for o in owners {
            if context_ok(c, o, ctxs, true, role) {
                return V::Pass;
            }
        }
        V::Fail
    })
}

pub const ARIA_REQUIRED_PARENT: Rule = Rule {
    id: "aria-required-parent",
    domain: Domain::Accessibility,
    severity: Severity::Critical,
    title: "Certain ARIA roles must be contained by particular parents",
    description: "Roles like listitem or tab need their container role.",
    references: &[wcag("1.3.1 (A)"), axe_ref!("aria-required-parent")],
    fix: Fix { summary: "Add the required parent role.", steps: &["Wrap in the parent role"], estimated_minutes: 5 },
    impact: CRITICAL,
    effort: Effort::Restructure as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: aria_required_parent,
};

fn context_ok(c: &Ctx, e: ElementRef, ctxs: &[&str], include_self: bool, own: &str) -> bool {
    let allows_group = ctxs.contains(&"group");
    let mut group_seen = false;
    let start: Box<dyn Iterator<Item = ElementRef>> =
        if include_self { Box::new(std::iter::once(e).chain(ancestors(e))) } else { Box::new(ancestors(e)) };
    for a in start {
        let role = match c.role(a) {
            Some("none" | "presentation") => continue,
            // A generic wrapper is transparent unless global ARIA exposes it.
            None if aria::has_global_aria(a) => return false,
            None => continue,
            Some(r) => r,
        };
        if role == "group" && allows_group {
            group_seen = true;
            continue;
        }
        // Inside a group, tree and list items may also nest in an item of their own role.
        if group_seen && role == own && matches!(own, "listitem" | "treeitem") {
            return true;
        }
        return ctxs.iter().any(|x| *x == role && !(group_seen && *x == "group"));
    }
    false
}

pub fn aria_required_children(page: &Analysis) -> Outcome {
    run_in(page, Candidates::WithAttr(&["role"]), false, |_, e| explicit_role(e).and_then(role_info).is_some_and(|i| !i.required_owned.is_empty()), |c, e| {
        let role = explicit_role(e).unwrap_or("");
        let owned = role_info(role).map(|i| i.required_owned).unwrap_or(&[]);
        // Owned elements: children through generic containers, plus aria-owns.
        let mut kids: Vec<ElementRef> = Vec::new();
        collect_owned(c, e, &mut kids, 0);
        for o in c.idrefs(e, "aria-owns") {
            kids.push(o);
        }
        let (has_any, bad) = judge_owned(c, role, owned, &kids, 0);
        if bad {
            return V::Fail;
        }
        if has_any {
            return V::Pass;
        }
        if attr(e, "aria-busy") == Some("true") {
            return V::Pass;
        }
        if role == "combobox" {
            return V::Pass;
        }
        // Containers that scripts commonly fill later need review when empty;
        // a row without cells or a suggestion without changes is just wrong.
        const REVIEW_WHEN_EMPTY: &[&str] = &[
            "grid", "list", "listbox", "menu", "menubar", "table", "tablist", "tree", "treegrid", "rowgroup",
            "doc-bibliography", "doc-endnotes",
        ];
        if REVIEW_WHEN_EMPTY.contains(&role) {
            V::Review
        } else {
            V::Fail
        }
    })
}

pub const ARIA_REQUIRED_CHILDREN: Rule = Rule {
    id: "aria-required-children",
    domain: Domain::Accessibility,
    severity: Severity::Critical,
    title: "Certain ARIA roles must contain particular children",
    description: "Roles like list or tablist need their owned roles.",
    references: &[wcag("1.3.1 (A)"), axe_ref!("aria-required-children")],
    fix: Fix { summary: "Add the required children.", steps: &["Add child roles"], estimated_minutes: 5 },
    impact: CRITICAL,
    effort: Effort::Restructure as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: aria_required_children,
};

/// (some required owned element present, some disallowed element present).
/// An owned `group` must itself own only the container's item roles (ARIA's
/// "group → menuitem" style entries), so groups are checked recursively.
fn judge_owned(c: &Ctx, role: &str, owned: &[&str], kids: &[ElementRef], depth: usize) -> (bool, bool) {
    let (mut has_any, mut bad) = (false, false);
    for k in kids {
        if c.hidden_from_at(*k) {
            continue;
        }
        let r = c.role(*k);
        match r {
            Some("group") if owned.contains(&"group") && depth < 8 && role != "list" => {
                let mut inner = Vec::new();
                collect_owned(c, *k, &mut inner, 0);
                has_any = true;
                bad |= judge_owned(c, role, owned, &inner, depth + 1).1;
            }
            Some(r) if owned.contains(&r) => has_any = true,
            Some("group") if role == "list" => bad = true,
            Some("none" | "presentation") => {}
            // Only elements with a role (or focusable / globally ARIA'd) count against the parent.
            _ => bad |= r.is_some() || c.is_focusable(*k) || aria::has_global_aria(*k),
        }
    }
    (has_any, bad)
}

fn collect_owned<'a>(c: &Ctx, e: ElementRef<'a>, out: &mut Vec<ElementRef<'a>>, depth: usize) {
    if depth > 32 {
        return;
    }
    for k in e.children().filter_map(ElementRef::wrap) {
        if matches!(k.value().name(), "script" | "template" | "style") {
            continue;
        }
        match c.role(k) {
            // Generic wrappers are transparent unless focusable or carrying
            // global ARIA (then they are exposed, as a generic child).
            None | Some("none" | "presentation") if !c.is_focusable(k) && !aria::has_global_aria(k) => {
                collect_owned(c, k, out, depth + 1)
            }
            _ => out.push(k),
        }
    }
}

pub fn aria_text(page: &Analysis) -> Outcome {
    run_in(page, Candidates::WithAttr(&["role"]), false, |_, e| role_attr_is(e, &["text"]), |c, e| {
        pass_if(!e.descendants().skip(1).filter_map(ElementRef::wrap).any(|d| {
            c.is_tabbable(d)
                || (c.is_focusable(d)
                    && c.role(d).and_then(role_info).is_some_and(|i| matches!(i.kind, Kind::Widget | Kind::Composite)))
        }))
    })
}

pub const ARIA_TEXT: Rule = Rule {
    id: "aria-text",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "\"role=text\" should have no focusable descendants",
    description: "role=text hides the semantics of focusable children.",
    references: &[axe_ref!("aria-text")],
    fix: Fix { summary: "Remove focusable descendants.", steps: &["Remove role=text"], estimated_minutes: 3 },
    impact: SERIOUS,
    effort: Effort::Markup as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: STATIC,
    check: aria_text,
};

pub fn presentation_role_conflict(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Union(&[Candidates::Named(&["img"]), Candidates::WithAttr(&["role"])]),
        false,
        |c, e| {
            let marked = (name_is(e, "img") && attr(e, "alt") == Some("")) || role_attr_is(e, &["none", "presentation"]);
            marked && chromium_implicit_role(c, e)
        },
        |c, e| pass_if(!c.presentation_conflict(e)),
    )
}

pub const PRESENTATION_ROLE_CONFLICT: Rule = Rule {
    id: "presentation-role-conflict",
    domain: Domain::Accessibility,
    severity: Severity::Low,
    title: "Elements marked as presentational should be consistently ignored",
    description: "Presentational elements that are focusable or have global ARIA keep their role.",
    references: &[axe_ref!("presentation-role-conflict")],
    fix: Fix { summary: "Remove the conflict.", steps: &["Remove tabindex or global ARIA"], estimated_minutes: 3 },
    impact: MINOR,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::BestPractice, Harm::Annoys),
    limits: STATIC,
    check: presentation_role_conflict,
};

/// Elements Chromium maps to a role of their own (most elements except
/// generic containers).
fn chromium_implicit_role(c: &Ctx, e: ElementRef) -> bool {
    aria::implicit_role(c, e).is_some()
        || !matches!(e.value().name(), "div" | "span" | "b" | "i" | "u" | "s" | "small" | "bdi" | "bdo" | "font")
}

pub fn aria_allowed_role(page: &Analysis) -> Outcome {
    // Hidden elements included, as in axe: the wrong role matters once shown.
    run_in(page, Candidates::WithAttr(&["role"]), true, |_, e| nonempty(attr(e, "role")) && !html_aria::in_foreign_content(e), |c, e| {
        match html_aria::disallowed(c, e) {
            None => V::Pass,
            Some(true) => V::Fail,
            Some(false) => V::Review,
        }
    })
}

pub const ARIA_ALLOWED_ROLE: Rule = Rule {
    id: "aria-allowed-role",
    domain: Domain::Accessibility,
    severity: Severity::Low,
    title: "ARIA role should be appropriate for the element",
    description: "ARIA in HTML limits which roles each element may take; a role that contradicts the element's native semantics confuses assistive technology.",
    references: &[axe_ref!("aria-allowed-role")],
    fix: Fix {
        summary: "Use an element whose native role fits, or a role the element allows.",
        steps: &["Remove the role", "or change the element (e.g. <button> for role=button)"],
        estimated_minutes: 5,
    },
    impact: MINOR,
    effort: Effort::Markup as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: "none/presentation on a focusable element needs review: browsers ignore it, so the outcome depends on conflict resolution.",
    check: aria_allowed_role,
};

/// This family's rules with their catalogue positions.
pub(super) const RULES: &[(u16, Rule)] = &[
    (66, ARIA_ROLES),
    (67, ARIA_DEPRECATED_ROLE),
    (71, ARIA_REQUIRED_PARENT),
    (72, ARIA_REQUIRED_CHILDREN),
    (74, ARIA_TEXT),
    (76, PRESENTATION_ROLE_CONFLICT),
    (77, ARIA_ALLOWED_ROLE),
];

#[cfg(test)]
mod tests {
    use super::RULES;

    /// (rule id, passing body, failing body); bodies starting with `<!` are whole documents.
    const CASES: &[(&str, &str, &str)] = &[
        ("aria-roles", r#"<div role=button>a</div>"#, r#"<div role=buton>a</div>"#),
        ("aria-deprecated-role", r#"<div role=list><div role=listitem>a</div></div>"#, r#"<div role=directory>a</div>"#),
        ("aria-required-parent", r#"<div role=list><div role=listitem>a</div></div>"#, r#"<div><div role=listitem>a</div></div>"#),
        ("aria-required-children", r#"<div role=list><div role=listitem>a</div></div>"#, r#"<div role=tablist><div role=button tabindex=0>a</div></div>"#),
        ("aria-text", r#"<span role=text>a</span>"#, r#"<span role=text><a href=a>x</a></span>"#),
        ("presentation-role-conflict", r#"<li role=none>a</li>"#, r#"<li role=none aria-label=x tabindex=0>a</li>"#),
        ("aria-allowed-role", r#"<ul role=tablist><li role=tab>a</li></ul>"#, r#"<h2 role=button>a</h2>"#),
    ];

    #[test]
    fn pass_and_fail_cases() {
        super::super::tests::pass_and_fail(RULES, CASES);
    }
}
