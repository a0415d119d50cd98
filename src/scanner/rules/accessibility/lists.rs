//! List markup: `<ul>`/`<ol>` children, `<li>` parents, `<dl>` groups.
//!
//! Each rule's record follows its check; [`RULES`] lists the family, each rule with its
//! catalogue position (the public order, see [`super::RULES`]); the cases are in `tests` below.
use super::common::*;

fn visible_child_elements<'a>(c: &Ctx, e: ElementRef<'a>) -> Vec<ElementRef<'a>> {
    e.children().filter_map(ElementRef::wrap).filter(|x| !c.hidden_from_at(*x)).collect()
}

fn has_text_child(e: ElementRef) -> bool {
    e.children().any(|c| matches!(c.value(), Node::Text(t) if !t.trim().is_empty()))
}

pub fn list(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["ul", "ol"]), false, |_, e| matches!(e.value().name(), "ul" | "ol") && attr(e, "role").is_none(), |c, e| {
        if has_text_child(e) {
            return V::Fail;
        }
        // Every child must be exposed as a list item: a <li> re-roled to
        // something else is no longer one, so the list is malformed.
        for ch in visible_child_elements(c, e) {
            if c.role(ch) != Some("listitem") && !matches!(ch.value().name(), "script" | "template") {
                return V::Fail;
            }
        }
        V::Pass
    })
}

pub const LIST: Rule = Rule {
    id: "list",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "<ul> and <ol> must only directly contain <li>, <script> or <template> elements",
    description: "Lists with other children are announced wrongly.",
    references: &[wcag("1.3.1 (A)"), axe_ref!("list")],
    fix: Fix { summary: "Move other content into <li>.", steps: &["Wrap children in <li>"], estimated_minutes: 5 },
    impact: SERIOUS,
    effort: Effort::Restructure as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: list,
};

pub fn listitem(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["li"]), false, |_, e| name_is(e, "li") && attr(e, "role").is_none(), |_, e| {
        let Some(p) = e.parent().and_then(ElementRef::wrap) else { return V::Review };
        match explicit_role(p) {
            Some("presentation" | "none" | "list") => V::Pass,
            Some(_) => V::Fail,
            None => pass_if(matches!(p.value().name(), "ul" | "ol" | "menu")),
        }
    })
}

pub const LISTITEM: Rule = Rule {
    id: "listitem",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "<li> elements must be contained in a <ul> or <ol>",
    description: "List items outside lists lose their list semantics.",
    references: &[wcag("1.3.1 (A)"), axe_ref!("listitem")],
    fix: Fix { summary: "Put <li> inside <ul>/<ol>.", steps: &["Wrap in <ul>"], estimated_minutes: 3 },
    impact: SERIOUS,
    effort: Effort::Markup as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: listitem,
};

pub fn dlitem(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["dd", "dt"]), false, |_, e| matches!(e.value().name(), "dd" | "dt") && attr(e, "role").is_none(), |_, e| {
        let Some(mut p) = e.parent().and_then(ElementRef::wrap) else { return V::Fail };
        if name_is(p, "div") && matches!(explicit_role(p), None | Some("presentation" | "none")) {
            match p.parent().and_then(ElementRef::wrap) {
                Some(pp) => p = pp,
                None => return V::Fail,
            }
        }
        pass_if(name_is(p, "dl") && matches!(explicit_role(p), None | Some("presentation" | "none" | "list")))
    })
}

pub const DLITEM: Rule = Rule {
    id: "dlitem",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "<dt> and <dd> elements must be contained by a <dl>",
    description: "Definition items need a <dl> parent.",
    references: &[wcag("1.3.1 (A)"), axe_ref!("dlitem")],
    fix: Fix { summary: "Wrap in <dl>.", steps: &["Wrap in <dl>"], estimated_minutes: 3 },
    impact: SERIOUS,
    effort: Effort::Markup as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: dlitem,
};

pub fn definition_list(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["dl"]), false, |_, e| name_is(e, "dl") && attr(e, "role").is_none(), |c, e| {
        // structured-dlitems: a dd before any dt.
        let kids: Vec<ElementRef> = e.children().filter_map(ElementRef::wrap).collect();
        let mut has_dt = false;
        let mut unstructured = false;
        if !kids.is_empty() {
            let mut has_dd = false;
            let mut ok = false;
            for k in &kids {
                let n = k.value().name();
                if n == "dt" {
                    has_dt = true;
                }
                if has_dt && n == "dd" {
                    ok = true;
                    break;
                }
                if n == "dd" {
                    has_dd = true;
                }
            }
            unstructured = !ok && (has_dt || has_dd);
        }
        if unstructured {
            return V::Fail;
        }
        // only-dlitems
        let mut content: Vec<ego_tree::NodeRef<Node>> = Vec::new();
        for ch in e.children() {
            if let Some(ce) = ElementRef::wrap(ch) {
                if name_is(ce, "div") && c.role(ce).is_none() {
                    content.extend(ch.children());
                    continue;
                }
            }
            content.push(ch);
        }
        for n in content {
            match n.value() {
                Node::Text(t) if !t.trim().is_empty() => return V::Fail,
                Node::Element(_) => {
                    if let Some(ce) = ElementRef::wrap(n) {
                        if c.hidden_from_at(ce) {
                            continue;
                        }
                        let r = explicit_role(ce);
                        let nm = ce.value().name();
                        if ((nm != "dt" && nm != "dd") || r.is_some()) && !matches!(r, Some("definition" | "term" | "list")) {
                            if matches!(nm, "script" | "template") {
                                continue;
                            }
                            return V::Fail;
                        }
                    }
                }
                _ => {}
            }
        }
        V::Pass
    })
}

pub const DEFINITION_LIST: Rule = Rule {
    id: "definition-list",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "<dl> elements must only directly contain properly-ordered <dt> and <dd> groups, <script>, <template> or <div> elements",
    description: "Malformed definition lists are announced wrongly.",
    references: &[wcag("1.3.1 (A)"), axe_ref!("definition-list")],
    fix: Fix { summary: "Fix the <dl> structure.", steps: &["Order dt before dd"], estimated_minutes: 5 },
    impact: SERIOUS,
    effort: Effort::Restructure as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: definition_list,
};

/// This family's rules with their catalogue positions.
pub(super) const RULES: &[(u16, Rule)] = &[
    (51, LIST),
    (52, LISTITEM),
    (53, DLITEM),
    (54, DEFINITION_LIST),
];

#[cfg(test)]
mod tests {
    use super::RULES;

    /// (rule id, passing body, failing body); bodies starting with `<!` are whole documents.
    const CASES: &[(&str, &str, &str)] = &[
        ("list", r#"<ul><li>a</li></ul>"#, r#"<ul><div>a</div></ul>"#),
        ("listitem", r#"<ol><li>a</li></ol>"#, r#"<div><li>a</li></div>"#),
        ("dlitem", r#"<dl><dt>a</dt><dd>b</dd></dl>"#, r#"<div><dt>a</dt></div>"#),
        ("definition-list", r#"<dl><dt>a</dt><dd>b</dd></dl>"#, r#"<dl><p>a</p></dl>"#),
    ];

    #[test]
    fn pass_and_fail_cases() {
        super::super::tests::pass_and_fail(RULES, CASES);
    }
}
