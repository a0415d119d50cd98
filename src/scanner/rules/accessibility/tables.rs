//! Data tables: header cells, `headers` and `scope`, caption and summary.
//!
//! Each rule's record follows its check; [`RULES`] lists the family, each rule with its
//! catalogue position (the public order, see [`super::RULES`]); the cases are in `tests` below.
use super::common::*;

/// Rows and cells of a table, skipping nested tables.
fn table_cells<'a>(table: ElementRef<'a>) -> Vec<ElementRef<'a>> {
    let mut out = Vec::new();
    let mut stack: Vec<ElementRef<'a>> = table.children().filter_map(ElementRef::wrap).collect();
    stack.reverse();
    while let Some(n) = stack.pop() {
        match n.value().name() {
            "td" | "th" => out.push(n),
            "table" => {}
            "tr" | "thead" | "tbody" | "tfoot" => {
                let mut kids: Vec<ElementRef<'a>> = n.children().filter_map(ElementRef::wrap).collect();
                kids.reverse();
                stack.extend(kids);
            }
            _ => {}
        }
    }
    out
}

pub fn td_headers_attr(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Named(&["table"]),
        false,
        |c, e| name_is(e, "table") && matches!(c.role(e), Some("table" | "grid" | "treegrid")),
        |c, e| {
            // No `headers` attribute anywhere in the table: nothing to check.
            if !c.attr_within(e, "headers") {
                return V::Pass;
            }
            let cells = table_cells(e);
            let roles: HashMap<&str, Option<&str>> =
                cells.iter().filter_map(|cell| cell.value().id().map(|id| (id, c.role(*cell)))).collect();
            let mut bad = false;
            let mut review = false;
            for cell in &cells {
                let Some(h) = attr(*cell, "headers") else { continue };
                if c.hidden_from_at(*cell) {
                    continue;
                }
                if h.trim().is_empty() {
                    review = true;
                    continue;
                }
                for id in h.split_ascii_whitespace() {
                    if cell.value().id() == Some(id) {
                        bad = true;
                    } else {
                        match roles.get(id) {
                            None | Some(None) => bad = true,
                            Some(Some(r)) => bad |= !matches!(*r, "columnheader" | "rowheader"),
                        }
                    }
                }
            }
            if bad {
                V::Fail
            } else if review {
                V::Review
            } else {
                V::Pass
            }
        },
    )
}

pub const TD_HEADERS_ATTR: Rule = Rule {
    id: "td-headers-attr",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "Table cells that use the headers attribute must only refer to cells in the same table",
    description: "headers must reference header cells of the same table.",
    references: &[wcag("1.3.1 (A)"), axe_ref!("td-headers-attr")],
    fix: Fix { summary: "Fix the headers ids.", steps: &["Point headers at <th> ids"], estimated_minutes: 5 },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: td_headers_attr,
};

pub fn scope_attr_valid(page: &Analysis) -> Outcome {
    run_in(page, Candidates::WithAttr(&["scope"]), false, |_, e| matches!(e.value().name(), "td" | "th") && attr(e, "scope").is_some(), |_, e| {
        let v = attr(e, "scope").unwrap_or("").trim().to_ascii_lowercase();
        pass_if(name_is(e, "th") && matches!(v.as_str(), "row" | "col" | "rowgroup" | "colgroup"))
    })
}

pub const SCOPE_ATTR_VALID: Rule = Rule {
    id: "scope-attr-valid",
    domain: Domain::Accessibility,
    severity: Severity::Medium,
    title: "scope attribute should be used correctly",
    description: "scope belongs on <th> with row/col/rowgroup/colgroup.",
    references: &[axe_ref!("scope-attr-valid")],
    fix: Fix { summary: "Correct the scope attribute.", steps: &["Fix scope"], estimated_minutes: 2 },
    impact: MODERATE,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::BestPractice, Harm::Annoys),
    limits: STATIC,
    check: scope_attr_valid,
};

pub fn table_duplicate_name(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["table"]), false, |_, e| name_is(e, "table"), |_, e| {
        let summary = sanitize(attr(e, "summary").unwrap_or("")).to_lowercase();
        let caption = e
            .children()
            .filter_map(ElementRef::wrap)
            .find(|c| name_is(*c, "caption"))
            .map(|c| sanitize(&c.text().collect::<String>()).to_lowercase())
            .unwrap_or_default();
        pass_if(summary.is_empty() || summary != caption)
    })
}

pub const TABLE_DUPLICATE_NAME: Rule = Rule {
    id: "table-duplicate-name",
    domain: Domain::Accessibility,
    severity: Severity::Low,
    title: "Tables should not have the same summary and caption",
    description: "A caption repeated in summary is read twice.",
    references: &[axe_ref!("table-duplicate-name")],
    fix: Fix { summary: "Make them differ or drop summary.", steps: &["Remove summary"], estimated_minutes: 2 },
    impact: MINOR,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::BestPractice, Harm::Annoys),
    limits: STATIC,
    check: table_duplicate_name,
};

pub fn empty_table_header(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Union(&[Candidates::Named(&["th"]), Candidates::WithAttr(&["role"])]),
        false,
        |_, e| (name_is(e, "th") && attr(e, "role").is_none()) || role_attr_is(e, &["rowheader", "columnheader"]),
        |c, e| pass_if(has_visible_text(c, e)),
    )
}

pub const EMPTY_TABLE_HEADER: Rule = Rule {
    id: "empty-table-header",
    domain: Domain::Accessibility,
    severity: Severity::Low,
    title: "Table header text should not be empty",
    description: "Empty header cells give no context to data cells.",
    references: &[axe_ref!("empty-table-header")],
    fix: Fix { summary: "Add header text.", steps: &["Add text to the <th>"], estimated_minutes: 2 },
    impact: MINOR,
    effort: Effort::Markup as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: STATIC,
    check: empty_table_header,
};

/// This family's rules with their catalogue positions.
pub(super) const RULES: &[(u16, Rule)] = &[
    (55, TD_HEADERS_ATTR),
    (56, SCOPE_ATTR_VALID),
    (57, TABLE_DUPLICATE_NAME),
    (31, EMPTY_TABLE_HEADER),
];

#[cfg(test)]
mod tests {
    use super::RULES;

    /// (rule id, passing body, failing body); bodies starting with `<!` are whole documents.
    const CASES: &[(&str, &str, &str)] = &[
        ("td-headers-attr", r#"<table><tr><th id=h>H</th></tr><tr><td headers=h>a</td></tr></table>"#, r#"<table><tr><th>H</th></tr><tr><td headers=nope>a</td></tr></table>"#),
        ("scope-attr-valid", r#"<table><tr><th scope=col>H</th></tr></table>"#, r#"<table><tr><th scope=diagonal>H</th></tr></table>"#),
        ("table-duplicate-name", r#"<table summary="x"><caption>Y</caption><tr><td>a</td></tr></table>"#, r#"<table summary="Y"><caption>Y</caption><tr><td>a</td></tr></table>"#),
        ("empty-table-header", r#"<table><tr><th>Name</th></tr><tr><td>a</td></tr></table>"#, r#"<table><tr><th></th></tr><tr><td>a</td></tr></table>"#),
    ];

    #[test]
    fn pass_and_fail_cases() {
        super::super::tests::pass_and_fail(RULES, CASES);
    }
}
