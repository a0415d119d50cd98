//! ARIA attributes: valid names and values, required, allowed, prohibited and conditional
//! attributes, braille equivalents, and unique ids for the attributes that reference elements.
//!
//! Each rule's record follows its check; [`RULES`] lists the family, each rule with its
//! catalogue position (the public order, see [`super::RULES`]); the cases are in `tests` below.
use super::common::*;

fn aria_attr_names(e: ElementRef<'_>) -> impl Iterator<Item = (&str, &str)> {
    e.value().attrs().filter(|(n, _)| n.starts_with("aria-"))
}

fn has_aria_attr(_: &Ctx, e: ElementRef) -> bool {
    aria_attr_names(e).next().is_some()
}

pub fn aria_valid_attr(page: &Analysis) -> Outcome {
    run_in(page, Candidates::AriaAttr, false, has_aria_attr, |_, e| pass_if(aria_attr_names(e).all(|(n, _)| aria::attr_info(n).is_some())))
}

pub const ARIA_VALID_ATTR: Rule = Rule {
    id: "aria-valid-attr",
    domain: Domain::Accessibility,
    severity: Severity::Critical,
    title: "ARIA attributes must conform to valid names",
    description: "Misspelled aria-* attributes are ignored.",
    references: &[wcag("4.1.2 (A)"), axe_ref!("aria-valid-attr")],
    fix: Fix { summary: "Fix the attribute name.", steps: &["Correct the spelling"], estimated_minutes: 2 },
    impact: CRITICAL,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: aria_valid_attr,
};

fn valid_attr_value(ctx: &Ctx, _e: ElementRef, name: &str, value: &str) -> Option<bool> {
    let info = aria::attr_info(name)?;
    let v = value.trim();
    if v.is_empty() {
        return Some(info.allow_empty || info.ty == aria::AttrType::Str);
    }
    let lower = v.to_ascii_lowercase();
    use aria::AttrType::*;
    Some(match info.ty {
        Bool => lower == "true" || lower == "false",
        Token => info.values.contains(&lower.as_str()),
        Tokens => lower.split_ascii_whitespace().all(|t| info.values.contains(&t)),
        IdRef => ctx.by_id(v).is_some(),
        IdRefs => v.split_ascii_whitespace().any(|id| ctx.by_id(id).is_some()),
        Str => true,
        Int => {
            let s = v.strip_prefix('+').unwrap_or(v);
            let ok = s.strip_prefix('-').unwrap_or(s).chars().all(|c| c.is_ascii_digit()) && !s.is_empty() && s != "-";
            ok && s.parse::<i64>().is_ok_and(|n| n >= info.min)
        }
        Decimal => {
            let s = v.strip_prefix(['+', '-']).unwrap_or(v);
            let (a, b) = s.split_once('.').unwrap_or((s, ""));
            !s.is_empty() && s != "." && a.chars().all(|c| c.is_ascii_digit()) && b.chars().all(|c| c.is_ascii_digit())
        }
    })
}

pub fn aria_valid_attr_value(page: &Analysis) -> Outcome {
    run_in(page, Candidates::AriaAttr, false, has_aria_attr, |c, e| {
        let mut review = false;
        for (n, v) in aria_attr_names(e) {
            // aria-current accepts any value as "true"; other tokens are checked.
            if n == "aria-current" {
                continue;
            }
            match valid_attr_value(c, e, n, v) {
                // An empty value reads as "not set" to browsers: worth a look, not wrong.
                Some(false) if v.trim().is_empty() => review = true,
                // Names and descriptions pointing nowhere may be inserted later
                // (or live in another tree): review.
                Some(false) if matches!(n, "aria-describedby" | "aria-labelledby") => review = true,
                Some(false) => {
                    // An idref pointing nowhere may be filled in by script later.
                    if matches!(n, "aria-controls" | "aria-owns" | "aria-describedby" | "aria-labelledby" | "aria-activedescendant" | "aria-details" | "aria-flowto") {
                        if n == "aria-controls" && attr(e, "aria-expanded") == Some("false") || n == "aria-controls" && attr(e, "aria-haspopup").is_some() {
                            continue;
                        }
                        return V::Fail;
                    }
                    if n == "aria-errormessage" {
                        continue;
                    }
                    return V::Fail;
                }
                _ => {}
            }
        }
        // aria-errormessage must point at a live/alert/describedby element.
        if let Some(em) = attr(e, "aria-errormessage") {
            let invalid = attr(e, "aria-invalid").is_some_and(|v| v != "false");
            if invalid && !em.trim().is_empty() {
                let toks: Vec<&str> = em.split_ascii_whitespace().collect();
                if toks.len() > 1 {
                    return V::Fail;
                }
                match c.by_id(em.trim()) {
                    Some(t) => {
                        if c.hidden_from_at(t) {
                            return V::Fail;
                        }
                        let described = attr(e, "aria-describedby").is_some_and(|d| d.split_ascii_whitespace().any(|x| x == em.trim()));
                        let live = explicit_role(t) == Some("alert") || matches!(attr(t, "aria-live"), Some("assertive" | "polite"));
                        if !(described || live) {
                            return V::Fail;
                        }
                    }
                    None => review = true,
                }
            }
        }
        if let Some(l) = attr(e, "aria-level") {
            if l.trim().parse::<i64>().is_ok_and(|n| n > 6) && is_heading(c, e) {
                review = true;
            }
        }
        if review {
            V::Review
        } else {
            V::Pass
        }
    })
}

pub const ARIA_VALID_ATTR_VALUE: Rule = Rule {
    id: "aria-valid-attr-value",
    domain: Domain::Accessibility,
    severity: Severity::Critical,
    title: "ARIA attributes must conform to valid values",
    description: "Invalid ARIA values are ignored or misread.",
    references: &[wcag("4.1.2 (A)"), axe_ref!("aria-valid-attr-value")],
    fix: Fix { summary: "Use allowed values.", steps: &["Correct the value"], estimated_minutes: 3 },
    impact: CRITICAL,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: aria_valid_attr_value,
};

/// Attributes the element's native semantics already provide.
fn implicit_attr(e: ElementRef, a: &str) -> bool {
    let n = e.value().name();
    match a {
        "aria-checked" => n == "input" && matches!(input_type(e), "checkbox" | "radio"),
        "aria-valuenow" => n == "input" && !matches!(input_type(e), "checkbox" | "radio" | "hidden"),
        "aria-level" => matches!(n, "h1" | "h2" | "h3" | "h4" | "h5" | "h6"),
        "aria-expanded" | "aria-controls" => false,
        _ => false,
    }
}

pub fn aria_required_attr(page: &Analysis) -> Outcome {
    run_in(page, Candidates::WithAttr(&["role"]), false, |_, e| attr(e, "role").is_some(), |c, e| {
        let Some(role) = explicit_role(e) else { return V::Pass };
        let Some(info) = role_info(role) else { return V::Pass };
        if info.required_attrs.is_empty() {
            return V::Pass;
        }
        if role == "separator" && !c.is_focusable(e) {
            return V::Pass;
        }
        if role == "combobox" && attr(e, "aria-expanded") == Some("false") {
            return V::Pass;
        }
        if role == "slider" && nonempty(attr(e, "aria-valuetext")) {
            return V::Pass;
        }
        let missing = info.required_attrs.iter().any(|a| attr(e, a).is_none_or(str::is_empty) && !implicit_attr(e, a));
        pass_if(!missing)
    })
}

pub const ARIA_REQUIRED_ATTR: Rule = Rule {
    id: "aria-required-attr",
    domain: Domain::Accessibility,
    severity: Severity::Critical,
    title: "Required ARIA attributes must be provided",
    description: "Roles such as checkbox or slider need their state attributes.",
    references: &[wcag("4.1.2 (A)"), axe_ref!("aria-required-attr")],
    fix: Fix { summary: "Add the required attributes.", steps: &["Add e.g. aria-checked"], estimated_minutes: 3 },
    impact: CRITICAL,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: STATIC,
    check: aria_required_attr,
};

/// Global attributes, and the role's allowed and required ones.
fn allowed_for(info: Option<&aria::RoleInfo>, attr: &aria::AttrInfo) -> bool {
    attr.global || info.is_some_and(|i| i.allowed_attrs.contains(&attr.name) || i.required_attrs.contains(&attr.name))
}

pub fn aria_allowed_attr(page: &Analysis) -> Outcome {
    run_in(page, Candidates::AriaAttr, false, has_aria_attr, |c, e| {
        // ARIA in HTML: these elements take no ARIA attribute but aria-hidden.
        if explicit_role(e).is_none()
            && matches!(e.value().name(), "br" | "wbr" | "picture" | "col" | "colgroup")
            && aria_attr_names(e).any(|(n, _)| n != "aria-hidden" && aria::attr_info(n).is_some())
        {
            return V::Fail;
        }
        let role = c.role(e);
        let info = role.and_then(role_info);
        let invalid = aria_attr_names(e).any(|(n, v)| {
            aria::attr_info(n).is_some_and(|a| !allowed_for(info, a))
                && !(n == "aria-required" && v == "false")
                && !(n == "aria-multiline" && v == "false" && attr(e, "contenteditable").is_some())
        });
        if !invalid {
            return V::Pass;
        }
        // Unknown semantics (foreign or custom elements): a script may give them a role.
        if role.is_none() && (!is_html(e) || e.value().name().contains('-')) && !c.is_focusable(e) {
            return V::Review;
        }
        V::Fail
    })
}

pub const ARIA_ALLOWED_ATTR: Rule = Rule {
    id: "aria-allowed-attr",
    domain: Domain::Accessibility,
    severity: Severity::Critical,
    title: "Elements must only use supported ARIA attributes",
    description: "Attributes not supported by the role are ignored.",
    references: &[wcag("4.1.2 (A)"), axe_ref!("aria-allowed-attr")],
    fix: Fix { summary: "Remove unsupported attributes.", steps: &["Remove the attribute"], estimated_minutes: 3 },
    impact: CRITICAL,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: aria_allowed_attr,
};

fn closest_widget_ancestor(c: &Ctx, e: ElementRef) -> bool {
    for a in ancestors(e) {
        if let Some(r) = c.role(a).filter(|r| !matches!(*r, "none" | "presentation")) {
            return role_info(r).is_some_and(|i| matches!(i.kind, Kind::Widget));
        }
    }
    false
}

pub fn aria_prohibited_attr(page: &Analysis) -> Outcome {
    run_in(page, Candidates::AriaAttr, false, has_aria_attr, |c, e| {
        let role = c.role(e);
        let list: &[&str] = match role.and_then(role_info) {
            Some(i) => i.prohibited_attrs,
            None => {
                if role.is_some() || matches!(e.value().name(), "input" | "applet") || closest_widget_ancestor(c, e) {
                    &[]
                } else {
                    &["aria-label", "aria-labelledby"]
                }
            }
        };
        let hit = list.iter().any(|a| attr(e, a).is_some_and(|v| !sanitize(v).is_empty()));
        if !hit {
            return V::Pass;
        }
        if has_visible_text(c, e) {
            return V::Review;
        }
        V::Fail
    })
}

pub const ARIA_PROHIBITED_ATTR: Rule = Rule {
    id: "aria-prohibited-attr",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "Elements must only use permitted ARIA attributes",
    description: "aria-label on generic or prohibited roles is ignored.",
    references: &[wcag("4.1.2 (A)"), axe_ref!("aria-prohibited-attr")],
    fix: Fix { summary: "Remove the attribute or add a role.", steps: &["Move the label"], estimated_minutes: 3 },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: aria_prohibited_attr,
};

pub fn aria_braille_equivalent(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::WithAttr(&["aria-braillelabel", "aria-brailleroledescription"]),
        false,
        |_, e| attr(e, "aria-braillelabel").is_some() || attr(e, "aria-brailleroledescription").is_some(),
        |c, e| {
            let label_ok = !nonempty(attr(e, "aria-braillelabel")) || !accessible_name(c, e).is_empty();
            let desc_ok = !nonempty(attr(e, "aria-brailleroledescription")) || nonempty(attr(e, "aria-roledescription"));
            if label_ok && desc_ok {
                V::Pass
            } else {
                V::Review
            }
        },
    )
}

pub const ARIA_BRAILLE_EQUIVALENT: Rule = Rule {
    id: "aria-braille-equivalent",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "aria-braille attributes must have a non-braille equivalent",
    description: "Braille labels need a matching accessible name (needs review).",
    references: &[wcag("4.1.2 (A)"), axe_ref!("aria-braille-equivalent")],
    fix: Fix {
        summary: "Add aria-label / aria-roledescription.",
        steps: &["Add the equivalent"],
        estimated_minutes: 2,
    },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: aria_braille_equivalent,
};

/// ARIA 1.2 attributes that are only supported in some contexts of a role:
/// rows take aria-expanded/-level/-posinset/-setsize only inside a treegrid,
/// and a native checkbox's aria-checked must agree with its checked state
/// (which cannot be "mixed" without script).
pub fn aria_conditional_attr(page: &Analysis) -> Outcome {
    const TREEGRID_ROW_ATTRS: &[&str] = &["aria-expanded", "aria-level", "aria-posinset", "aria-setsize"];
    let native_checkbox = |e: ElementRef| {
        name_is(e, "input") && input_type(e) == "checkbox" && explicit_role(e).is_none_or(|r| r == "checkbox")
    };
    run_in(
        page,
        Candidates::Union(&[Candidates::Named(&["input"]), Candidates::WithAttr(TREEGRID_ROW_ATTRS)]),
        false,
        |c, e| {
            (native_checkbox(e) && attr(e, "aria-checked").is_some())
                || (TREEGRID_ROW_ATTRS.iter().any(|a| attr(e, a).is_some()) && c.role(e) == Some("row"))
        },
        |c, e| {
            if native_checkbox(e) {
                let v = attr(e, "aria-checked").unwrap_or("").trim().to_ascii_lowercase();
                let checked = attr(e, "checked").is_some();
                return pass_if(match v.as_str() {
                    "mixed" => false,
                    "true" => checked,
                    "false" => !checked,
                    _ => true,
                });
            }
            let container = ancestors(e).find_map(|a| c.role(a).filter(|r| matches!(*r, "table" | "grid" | "treegrid")));
            pass_if(!matches!(container, Some("table" | "grid")))
        },
    )
}

pub const ARIA_CONDITIONAL_ATTR: Rule = Rule {
    id: "aria-conditional-attr",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "ARIA attributes must be used as specified for the element's role",
    description: "Some ARIA attributes are only supported in some contexts: row expansion/level/position attributes only in a treegrid, and aria-checked on a native checkbox must match its checked state.",
    references: &[wcag("4.1.2 (A)"), axe_ref!("aria-conditional-attr")],
    fix: Fix {
        summary: "Remove the unsupported attribute or make it agree with the native state.",
        steps: &["Drop aria-expanded/-level/-posinset/-setsize from rows outside a treegrid", "Remove aria-checked from native checkboxes"],
        estimated_minutes: 3,
    },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: aria_conditional_attr,
};

const ID_REF_ATTRS: &[&str] = &[
    "aria-activedescendant", "aria-controls", "aria-describedby", "aria-details", "aria-errormessage", "aria-flowto",
    "aria-labelledby", "aria-owns",
];

pub fn duplicate_id_aria(page: &Analysis) -> Outcome {
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let mut referenced: HashSet<&str> = HashSet::new();
    let ix = ctx.index();
    let element = |p: &u32| ix.node(*p).and_then(|id| ctx.doc.tree.get(id)).and_then(ElementRef::wrap);
    // Attribute by attribute, over only the elements that carry it; pages
    // that repeat one reference many times hash it once per run.
    let mut last: Option<&str> = None;
    for a in ID_REF_ATTRS {
        for e in ix.with_attr(a).iter().filter_map(element) {
            for t in attr(e, a).unwrap_or("").split_ascii_whitespace() {
                if last != Some(t) {
                    referenced.insert(t);
                    last = Some(t);
                }
            }
        }
    }
    for e in ix.named("label").iter().filter_map(element) {
        if let Some(f) = attr(e, "for").map(str::trim) {
            if last != Some(f) {
                referenced.insert(f);
                last = Some(f);
            }
        }
    }
    let mut applicable = false;
    let mut reviews = Vec::new();
    let mut previous: Option<&str> = None;
    for e in ctx.candidates(Candidates::WithAttr(&["id"])) {
        let Some(id) = e.value().id() else { continue };
        // The same id as the element before: the same verdict, and never
        // the first element with it, so nothing more to learn.
        if previous == Some(id) {
            continue;
        }
        previous = Some(id);
        if id.trim().is_empty() || !referenced.contains(id) {
            continue;
        }
        applicable = true;
        // Report each duplicated id once, on its first element.
        if ctx.id_count(id) > 1 && ctx.by_id(id).map(|f| f.id()) == Some(e.id()) {
            reviews.push(e);
        }
    }
    finish(page, applicable, &[], &reviews)
}

pub const DUPLICATE_ID_ARIA: Rule = Rule {
    id: "duplicate-id-aria",
    domain: Domain::Accessibility,
    severity: Severity::Critical,
    title: "IDs used in ARIA and labels must be unique",
    description: "Duplicate ids referenced by ARIA or label[for] make the reference ambiguous (needs review, as in axe).",
    references: &[wcag("4.1.2 (A)"), axe_ref!("duplicate-id-aria")],
    fix: Fix {
        summary: "Make each referenced id unique.",
        steps: &["Rename the duplicate ids", "Update references"],
        estimated_minutes: 10,
    },
    impact: CRITICAL,
    effort: Effort::Markup as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: duplicate_id_aria,
};

/// This family's rules with their catalogue positions.
pub(super) const RULES: &[(u16, Rule)] = &[
    (64, ARIA_VALID_ATTR),
    (65, ARIA_VALID_ATTR_VALUE),
    (68, ARIA_REQUIRED_ATTR),
    (69, ARIA_ALLOWED_ATTR),
    (70, ARIA_PROHIBITED_ATTR),
    (73, ARIA_BRAILLE_EQUIVALENT),
    (78, ARIA_CONDITIONAL_ATTR),
    (10, DUPLICATE_ID_ARIA),
];

#[cfg(test)]
mod tests {
    use super::RULES;

    /// (rule id, passing body, failing body); bodies starting with `<!` are whole documents.
    const CASES: &[(&str, &str, &str)] = &[
        ("aria-valid-attr", r#"<div aria-label="x">a</div>"#, r#"<div aria-lable="x">a</div>"#),
        ("aria-valid-attr-value", r#"<div role=checkbox aria-checked=true>a</div>"#, r#"<div role=checkbox aria-checked=yes>a</div>"#),
        ("aria-required-attr", r#"<div role=checkbox aria-checked=false>a</div>"#, r#"<div role=checkbox>a</div>"#),
        ("aria-allowed-attr", r#"<div role=checkbox aria-checked=false>a</div>"#, r#"<div role=link aria-checked=false>a</div>"#),
        ("aria-prohibited-attr", r#"<div role=button aria-label=x></div>"#, r#"<div aria-label=x></div>"#),
        ("aria-braille-equivalent", r#"<img alt=x aria-braillelabel=x>"#, r#"<button aria-braillelabel=x></button>"#),
        ("aria-conditional-attr", r#"<input type=checkbox checked aria-checked=true>"#, r#"<div role=grid><div role=row aria-expanded=true><div role=gridcell>a</div></div></div>"#),
        ("duplicate-id-aria", r#"<p id=a>x</p><div aria-labelledby=a></div>"#, r#"<p id=a>x</p><p id=a>y</p><div aria-labelledby=a></div>"#),
    ];

    #[test]
    fn pass_and_fail_cases() {
        super::super::tests::pass_and_fail(RULES, CASES);
    }
}
