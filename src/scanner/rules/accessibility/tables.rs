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

use super::table_grid::{self, Grid, Kind as TableKind};

/// axe's `hasContent`: text, an ARIA label, or visual content (images,
/// controls, media) in the element.
fn has_content(c: &Ctx, el: ElementRef) -> bool {
    const VISUAL: &[&str] = &["img", "iframe", "object", "video", "audio", "canvas", "svg", "math", "button", "select", "textarea", "keygen", "progress", "meter", "input"];
    // Own text settles it at once; only cells with child elements are searched further.
    if el.children().any(|n| n.value().as_text().is_some_and(|t| t.split_whitespace().next().is_some())) {
        return true;
    }
    has_aria_label(el)
        || has_labelledby(c, el)
        || (el.children().any(|n| n.value().is_element())
            && (has_visible_text(c, el) || c.position(el).is_some_and(|p| VISUAL.iter().any(|n| c.index().named_within(n, p)))))
}

/// Runs a data-table rule: `judge` sees each visible data table with its
/// grid (None past the grid budget: then the table needs review). On a table
/// that only axe's layout steps call a data table ([`TableKind::Likely`]) a
/// failure needs review.
fn run_tables(page: &Analysis, judge: impl Fn(&Ctx, ElementRef, &Grid, &[ElementRef]) -> Option<V>) -> Outcome {
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let tables = table_grid::page_tables(&ctx);
    let mut applicable = false;
    let (mut fails, mut reviews) = (Vec::new(), Vec::new());
    for table in &tables.0 {
        let Some(t) = ctx.node(table.node) else { continue };
        let Some(grid) = &table.grid else {
            applicable = true;
            reviews.push(t);
            continue;
        };
        // The grid's cells as elements (the shared grid holds node ids).
        let els: Vec<ElementRef> = grid.cells.iter().filter_map(|cell| ctx.node(cell.node)).collect();
        if els.len() != grid.cells.len() {
            continue;
        }
        let Some(verdict) = judge(&ctx, t, grid, &els) else { continue };
        applicable = true;
        match verdict {
            V::Pass => {}
            V::Fail if table.kind == TableKind::Data => fails.push(t),
            V::Fail | V::Review => reviews.push(t),
        }
    }
    finish(page, applicable, &fails, &reviews)
}

/// axe's `data-table-large-matches`: the tables td-has-header judges.
fn large(grid: &Grid) -> bool {
    // axe's toArray: at least three rows, each of the first three at least three cells wide.
    grid.rows >= 3 && (0..3).all(|y| (0..grid.width).filter(|x| grid.at(y, *x).is_some()).count() >= 3)
}

pub fn td_has_header(page: &Analysis) -> Outcome {
    run_tables(page, |c, _, g, els| {
        if !large(g) {
            return None;
        }
        let (h, w) = (g.slots.len(), g.width);
        // Per slot: a row (column) header with content; then prefix ORs
        // along the row (down the column), so each cell asks once per span.
        let mut row_any = vec![vec![false; w]; h];
        let mut col_any = vec![vec![false; w]; h];
        let content: Vec<bool> = els.iter().enumerate().map(|(i, el)| (g.is_row_header(i) || g.is_col_header(i)) && has_content(c, *el)).collect();
        for y in 0..h {
            for x in 0..w {
                let s = g.at(y, x);
                let rh = s.is_some_and(|i| g.is_row_header(i) && content[i]);
                let ch = s.is_some_and(|i| g.is_col_header(i) && content[i]);
                row_any[y][x] = rh || (x > 0 && row_any[y][x - 1]);
                col_any[y][x] = ch || (y > 0 && col_any[y - 1][x]);
            }
        }
        for (cell, e) in g.cells.iter().zip(els) {
            let e = *e;
            // axe's isDataCell (its emptiness test is implied by has_content).
            let data_cell = match explicit_role(e) {
                Some(r) => matches!(r, "cell" | "gridcell"),
                None => !cell.th,
            };
            if !data_cell || has_aria_label(e) || has_labelledby(c, e) || !has_content(c, e) {
                continue;
            }
            let named = table_grid::resolving_headers(c, e);
            let has = if !named.is_empty() {
                named.iter().any(|hd| has_content(c, *hd))
            } else {
                let (y1, x1) = ((cell.y + cell.rowspan).min(h).max(cell.y + 1) - 1, (cell.x + cell.colspan).min(w).max(cell.x + 1) - 1);
                (cell.y..=y1).any(|y| row_any[y][x1]) || (cell.x..=x1).any(|x| col_any[y1][x])
            };
            if !has {
                return Some(V::Fail);
            }
        }
        Some(V::Pass)
    })
}

pub const TD_HAS_HEADER: Rule = Rule {
    id: "td-has-header",
    domain: Domain::Accessibility,
    severity: Severity::Critical,
    title: "Non-empty data cells in larger tables must have an associated table header",
    description: "In a data table of at least 3 by 3, every non-empty data cell needs a row or column header (or headers/ARIA label).",
    references: &[wcag("1.3.1 (A)"), axe_ref!("td-has-header")],
    fix: Fix { summary: "Give the cells headers.", steps: &["Mark the header row or column with <th>", "Or point headers at header cells"], estimated_minutes: 10 },
    impact: CRITICAL,
    effort: Effort::Restructure as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: "Static HTML only; axe's layout test for data tables (table width against the viewport) is not available, so a table only that test would call data needs review.",
    check: td_has_header,
};

pub fn th_has_data_cells(page: &Analysis) -> Outcome {
    run_tables(page, |c, _, g, els| {
        let (h, w) = (g.slots.len(), g.width);
        let mut reffed: HashSet<&str> = HashSet::new();
        for el in els {
            for a in ["headers", "aria-labelledby"] {
                reffed.extend(attr(*el, a).unwrap_or("").split_ascii_whitespace());
            }
        }
        // A slot that names its headers by row and column: a cell that is
        // not that kind of header and has no resolving headers attribute.
        let by_position: Vec<bool> = els.iter().map(|el| table_grid::resolving_headers(c, *el).is_empty()).collect();
        // Per slot: a good cell in the unbroken run below (right), axe's
        // `traverse` stopping at the first empty slot.
        let mut below = vec![vec![false; w]; h + 1];
        for y in (0..h).rev() {
            for x in 0..w {
                below[y][x] = g.at(y + 1, x).is_some_and(|i| (!g.is_col_header(i) && by_position[i]) || below[y + 1][x]);
            }
        }
        let mut right = vec![vec![false; w + 1]; h];
        for y in 0..h {
            for x in (0..w).rev() {
                right[y][x] = g.at(y, x + 1).is_some_and(|i| (!g.is_row_header(i) && by_position[i]) || right[y][x + 1]);
            }
        }
        for (i, (cell, e)) in g.cells.iter().zip(els).enumerate() {
            let e = *e;
            let header = cell.th || matches!(explicit_role(e), Some("rowheader" | "columnheader"));
            if !header || !has_visible_text(c, e) || e.value().id().is_some_and(|id| reffed.contains(id)) {
                continue;
            }
            let has = (g.is_col_header(i) && below[cell.y][cell.x]) || (g.is_row_header(i) && right[cell.y][cell.x]);
            if !has {
                return Some(V::Review);
            }
        }
        Some(V::Pass)
    })
}

pub const TH_HAS_DATA_CELLS: Rule = Rule {
    id: "th-has-data-cells",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "Table headers in a data table must refer to data cells",
    description: "A header cell with no data cell under it or beside it describes nothing.",
    references: &[wcag("1.3.1 (A)"), axe_ref!("th-has-data-cells")],
    fix: Fix { summary: "Give each header data cells, or make it a data cell.", steps: &["Check the header's row or column has data", "Use <td> for cells that are not headers"], estimated_minutes: 5 },
    impact: SERIOUS,
    effort: Effort::Restructure as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: "Needs review only (as axe: a header without data cells may be intended). Static HTML only.",
    check: th_has_data_cells,
};

pub fn table_fake_caption(page: &Analysis) -> Outcome {
    run_tables(page, |_, _, g, _| {
        let first: Vec<Option<usize>> = g.slots.first().cloned().unwrap_or_default();
        let defined = first.iter().filter(|s| s.is_some()).count();
        if g.slots.len() <= 1 || defined <= 1 || g.rows <= 1 {
            return Some(V::Pass);
        }
        // Fails when the first row is one cell spanning it.
        Some(pass_if(first.windows(2).any(|w| matches!((w[0], w[1]), (Some(a), Some(b)) if a != b))))
    })
}

pub const TABLE_FAKE_CAPTION: Rule = Rule {
    id: "table-fake-caption",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "Data or header cells must not be used to give caption to a data table",
    description: "A first row made of one cell spanning the table is a caption in disguise: use <caption>.",
    references: &[wcag("1.3.1 (A)"), axe_ref!("table-fake-caption")],
    fix: Fix { summary: "Use <caption>.", steps: &["Move the spanning first row's text into <caption>"], estimated_minutes: 5 },
    impact: SERIOUS,
    effort: Effort::Markup as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: "Static HTML only; a table only axe's layout test would call data needs review.",
    check: table_fake_caption,
};

/// This family's rules with their catalogue positions.
pub(super) const RULES: &[(u16, Rule)] = &[
    (55, TD_HEADERS_ATTR),
    (56, SCOPE_ATTR_VALID),
    (57, TABLE_DUPLICATE_NAME),
    (31, EMPTY_TABLE_HEADER),
    (83, TD_HAS_HEADER),
    (84, TH_HAS_DATA_CELLS),
    (85, TABLE_FAKE_CAPTION),
];

#[cfg(test)]
mod tests {
    use super::RULES;

    /// (rule id, passing body, failing body); bodies starting with `<!` are whole documents.
    const CASES: &[(&str, &str, &str)] = &[
        ("td-headers-attr", r#"<table><tr><th id=h>H</th></tr><tr><td headers=h>a</td></tr></table>"#, r#"<table><tr><th>H</th></tr><tr><td headers=nope>a</td></tr></table>"#),
        ("scope-attr-valid", r#"<table><tr><th scope=col>H</th></tr></table>"#, r#"<table><tr><th scope=diagonal>H</th></tr></table>"#),
        ("table-duplicate-name", r#"<table summary="x"><caption>Y</caption><tr><td>a</td></tr></table>"#, r#"<table summary="Y"><caption>Y</caption><tr><td>a</td></tr></table>"#),
        ("td-has-header", r#"<table><tr><th>A</th><th>B</th><th>C</th></tr><tr><td>1</td><td>2</td><td>3</td></tr><tr><td>4</td><td>5</td><td>6</td></tr></table>"#, r#"<table><tr><th>A</th><th>B</th><td>c</td></tr><tr><td>1</td><td>2</td><td>3</td></tr><tr><td>4</td><td>5</td><td>6</td></tr></table>"#),
        ("th-has-data-cells", r#"<table><tr><th>A</th></tr><tr><td>1</td></tr></table>"#, r#"<table><tr><th>A</th></tr><tr><th>B</th></tr></table>"#),
        ("table-fake-caption", r#"<table role=grid><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>"#, r#"<table role=grid><tr><th colspan=2>Title</th></tr><tr><td>1</td><td>2</td></tr></table>"#),
        ("empty-table-header", r#"<table><tr><th>Name</th></tr><tr><td>a</td></tr></table>"#, r#"<table><tr><th></th></tr><tr><td>a</td></tr></table>"#),
    ];

    #[test]
    fn pass_and_fail_cases() {
        super::super::tests::pass_and_fail(RULES, CASES);
    }
}
