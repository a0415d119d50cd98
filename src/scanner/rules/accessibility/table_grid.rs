//! HTML tables as axe-core reads them (`commons/table`): the rows in
//! `table.rows` order, the slot grid that row and column spans make
//! (`toGrid`), header scope (`getScope`) and the data-table heuristic
//! (`isDataTable`), with the parts that need layout or computed style said
//! so ([`Kind::Likely`]). Everything here is one pass over the table's rows
//! and slots: nothing walks a cell's ancestors or the grid once per cell.
#[allow(unused_imports)]
use crate::scanner::rules::dom::AttrExt;
use super::aria::{explicit_role, role_info, Kind as RoleKind};
use super::ctx::Ctx;
use ego_tree::NodeId;
use scraper::ElementRef;
use std::rc::Rc;

/// Slots a table's grid may hold: eight per cell plus a little, so spans
/// cannot turn a small page into a huge grid (HTML allows colspan 1000 and
/// rowspan 65534 on every cell). A table past it is not judged.
const SLOTS_PER_CELL: usize = 8;
const SLOTS_EXTRA: usize = 4096;

/// Whether a table is a data table.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Layout,
    Data,
    /// axe's last steps decide: the table's rendered width against the
    /// viewport, which static HTML does not give. Taken as data, but a
    /// failure on it only needs review.
    Likely,
}

/// Grids hold node ids, not element references, so one page's grids can be
/// kept in the analysis context (which holds values by type) and shared by
/// every table rule.
pub struct Cell {
    pub node: NodeId,
    /// Top-left slot.
    pub y: usize,
    pub x: usize,
    pub colspan: usize,
    pub rowspan: usize,
    pub th: bool,
}

pub struct Grid {
    pub cells: Vec<Cell>,
    /// `slots[y][x]`: index into `cells`; every row is `width` long.
    pub slots: Vec<Vec<Option<usize>>>,
    pub width: usize,
    /// Rows in `table.rows` (the grid can be taller: row spans).
    pub rows: usize,
    /// Per cell: its scope as axe's `getScope` gives it.
    scope: Vec<Scope>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Scope {
    None,
    Col,
    Row,
    Auto,
}

fn kids<'a>(el: ElementRef<'a>) -> impl Iterator<Item = ElementRef<'a>> {
    el.children().filter_map(ElementRef::wrap)
}

fn is(el: ElementRef, name: &str) -> bool {
    el.value().name() == name && super::common::is_html(el)
}

/// `table.rows`: rows of the thead children first, then those of the table
/// and its tbody children, then those of the tfoot children, each in tree order.
pub fn rows<'a>(table: ElementRef<'a>) -> Vec<ElementRef<'a>> {
    let (mut head, mut body, mut foot) = (Vec::new(), Vec::new(), Vec::new());
    for k in kids(table) {
        match k.value().name() {
            "tr" if is(k, "tr") => body.push(k),
            "thead" => head.extend(kids(k).filter(|r| is(*r, "tr"))),
            "tbody" => body.extend(kids(k).filter(|r| is(*r, "tr"))),
            "tfoot" => foot.extend(kids(k).filter(|r| is(*r, "tr"))),
            _ => {}
        }
    }
    head.extend(body);
    head.extend(foot);
    head
}

/// `row.cells`.
pub fn row_cells<'a>(row: ElementRef<'a>) -> impl Iterator<Item = ElementRef<'a>> {
    kids(row).filter(|c| is(*c, "td") || is(*c, "th"))
}

fn span(el: ElementRef, name: &str, max: usize) -> Option<usize> {
    let v = el.value().attr_of(name)?.trim();
    let digits: String = v.chars().take_while(|c| c.is_ascii_digit()).collect();
    Some(digits.parse::<usize>().unwrap_or(1).min(max))
}

/// The grid of `table` (axe's `toGrid`), or None past the slot budget.
pub fn grid(table: ElementRef) -> Option<Grid> {
    let rows = rows(table);
    let mut cells = Vec::new();
    let mut els = Vec::new();
    let mut ragged: Vec<Vec<Option<usize>>> = Vec::new();
    let mut budget = SLOTS_EXTRA;
    let mut used = 0usize;
    for (i, row) in rows.iter().enumerate() {
        if ragged.len() <= i {
            ragged.push(Vec::new());
        }
        let mut col = 0usize;
        for c in row_cells(*row) {
            budget += SLOTS_PER_CELL;
            let colspan = span(c, "colspan", 1000).unwrap_or(1).max(1);
            let rowspan = match span(c, "rowspan", 65534) {
                Some(0) => rows.len().max(1),
                Some(n) => n,
                None => 1,
            };
            let idx = cells.len();
            let mut origin = None;
            for _ in 0..colspan {
                for r in 0..rowspan {
                    let y = i + r;
                    while ragged.len() <= y {
                        ragged.push(Vec::new());
                    }
                    let line = ragged.get_mut(y)?;
                    while line.get(col).is_some_and(|s| s.is_some()) {
                        col += 1;
                    }
                    if line.len() <= col {
                        used += col + 1 - line.len();
                        if used > budget {
                            return None;
                        }
                        line.resize(col + 1, None);
                    }
                    *line.get_mut(col)? = Some(idx);
                    origin.get_or_insert((y, col));
                }
                col += 1;
            }
            let (y, x) = origin.unwrap_or((i, col));
            cells.push(Cell { node: c.id(), y, x, colspan, rowspan, th: is(c, "th") });
            els.push(c);
        }
    }
    let width = ragged.iter().map(Vec::len).max().unwrap_or(0);
    if ragged.len().saturating_mul(width) > budget {
        return None;
    }
    for line in &mut ragged {
        line.resize(width, None);
    }
    let mut g = Grid { cells, slots: ragged, width, rows: rows.len(), scope: Vec::new() };
    g.scope = g.scopes(&els);
    Some(g)
}

impl Grid {
    pub fn at(&self, y: usize, x: usize) -> Option<usize> {
        self.slots.get(y).and_then(|r| r.get(x)).copied().flatten()
    }

    pub fn scope(&self, cell: usize) -> Scope {
        self.scope.get(cell).copied().unwrap_or(Scope::None)
    }

    pub fn is_col_header(&self, cell: usize) -> bool {
        matches!(self.scope(cell), Scope::Col | Scope::Auto)
    }

    pub fn is_row_header(&self, cell: usize) -> bool {
        matches!(self.scope(cell), Scope::Row | Scope::Auto)
    }

    /// axe's `getScope` for every cell: role, then `scope`, then for `th` a
    /// row of only `th` (col) or a column of only `th` (row), else auto.
    fn scopes(&self, els: &[ElementRef]) -> Vec<Scope> {
        let th = |s: Option<usize>| s.and_then(|i| self.cells.get(i)).is_some_and(|c| c.th);
        // `every` over a row skips holes; a column needs a th in every row.
        let row_all_th: Vec<bool> = self.slots.iter().map(|r| r.iter().all(|s| s.is_none() || th(*s))).collect();
        let col_all_th: Vec<bool> = (0..self.width).map(|x| self.slots.iter().all(|r| th(r.get(x).copied().flatten()))).collect();
        self.cells
            .iter()
            .zip(els)
            .map(|(c, el)| match explicit_role(*el) {
                Some("columnheader") => Scope::Col,
                Some("rowheader") => Scope::Row,
                _ => match el.value().attr_of("scope").map(|s| s.trim().to_ascii_lowercase()).as_deref() {
                    Some("col") => Scope::Col,
                    Some("row") => Scope::Row,
                    _ if !c.th => Scope::None,
                    _ if row_all_th.get(c.y).copied().unwrap_or(false) => Scope::Col,
                    _ if col_all_th.get(c.x).copied().unwrap_or(false) => Scope::Row,
                    _ => Scope::Auto,
                },
            })
            .collect()
    }
}

/// A `headers` attribute naming at least one element that exists (axe then
/// uses those instead of the row and column headers).
pub fn resolving_headers<'a>(ctx: &Ctx<'a>, el: ElementRef) -> Vec<ElementRef<'a>> {
    match el.value().attr_of("headers") {
        Some(h) if !h.trim().is_empty() => h.split_ascii_whitespace().filter_map(|id| ctx.by_id(id)).collect(),
        _ => Vec::new(),
    }
}

/// axe's `isDataTable`, in its order. `in_editable`: inside a
/// `contenteditable="true"` element (the caller knows it without walking up).
pub fn kind(ctx: &Ctx, table: ElementRef, in_editable: bool) -> Kind {
    let role = explicit_role(table);
    if matches!(role, Some("presentation" | "none")) && !ctx.is_focusable(table) {
        return Kind::Layout;
    }
    if in_editable || table.value().attr_of("contenteditable") == Some("true") {
        return Kind::Data;
    }
    if matches!(role, Some("grid" | "treegrid" | "table")) || role.and_then(role_info).is_some_and(|r| r.kind == RoleKind::Landmark) {
        return Kind::Data;
    }
    if table.value().attr_of("datatable") == Some("0") {
        return Kind::Layout;
    }
    if table.value().attr_of("summary").is_some_and(|s| !s.is_empty()) {
        return Kind::Data;
    }
    if kids(table).any(|k| is(k, "thead") || is(k, "tfoot") || is(k, "caption") || is(k, "colgroup")) {
        return Kind::Data;
    }
    let rows = rows(table);
    let mut cells = 0usize;
    for row in &rows {
        for c in row_cells(*row) {
            if is(c, "th") {
                return Kind::Data;
            }
            let v = c.value();
            if v.attr_of("scope").is_some() || v.attr_of("headers").is_some() || v.attr_of("abbr").is_some() {
                return Kind::Data;
            }
            if matches!(explicit_role(c), Some("columnheader" | "rowheader")) {
                return Kind::Data;
            }
            let mut k = kids(c);
            if let (Some(only), None) = (k.next(), k.next()) {
                if is(only, "abbr") {
                    return Kind::Data;
                }
            }
            cells += 1;
        }
    }
    let ix = ctx.index();
    if let Some(p) = ctx.position(table) {
        let tables = ix.named("table");
        let next = tables.partition_point(|q| *q <= p);
        if tables.get(next).is_some_and(|q| ix.within(p, *q)) {
            return Kind::Layout;
        }
    }
    if rows.len() < 2 {
        return Kind::Layout;
    }
    let Some(sample) = rows.get(rows.len().div_ceil(2)).or(rows.last()) else { return Kind::Layout };
    let sample_cells: Vec<ElementRef> = row_cells(*sample).collect();
    if let [only] = sample_cells.as_slice() {
        if span(*only, "colspan", 1000).unwrap_or(1) <= 1 {
            return Kind::Layout;
        }
    }
    if sample_cells.len() >= 5 {
        return Kind::Data;
    }
    // Cell borders: the `border` attribute gives every cell one (HTML's
    // rendering rules); stylesheet borders are not seen.
    if table.value().attr_of("border").is_some_and(|b| b.trim().trim_start_matches('0') != "" || b.trim().is_empty()) {
        return Kind::Data;
    }
    // Differently coloured rows, as far as attributes and inline style say.
    let colour = |r: &ElementRef| {
        let style = super::super::dom::hidden::inline_style(*r, "background-color").or_else(|| super::super::dom::hidden::inline_style(*r, "background"));
        (style, r.value().attr_of("bgcolor").map(str::to_ascii_lowercase))
    };
    if let Some(first) = rows.first().map(colour) {
        if rows.iter().skip(1).any(|r| colour(r) != first) {
            return Kind::Data;
        }
    }
    if rows.len() >= 20 {
        return Kind::Data;
    }
    // A table as wide as the page is layout: only a declared 100% width says so here.
    let full = |w: Option<String>| w.is_some_and(|w| w.trim() == "100%");
    if full(table.value().attr_of("width").map(str::to_string)) || full(super::super::dom::hidden::inline_style(table, "width")) {
        return Kind::Layout;
    }
    if cells < 10 {
        return Kind::Layout;
    }
    if let Some(p) = ctx.position(table) {
        if ["object", "embed", "iframe", "applet"].iter().any(|n| ix.named_within(n, p)) {
            return Kind::Layout;
        }
    }
    Kind::Likely
}

/// Positions of the tables inside a `contenteditable="true"` element, from
/// one sweep over the editable elements (outermost first) and the tables.
pub fn tables_in_editable(ctx: &Ctx) -> std::collections::HashSet<u32> {
    let ix = ctx.index();
    let mut outer: Vec<u32> = Vec::new();
    for p in ix.with_attr("contenteditable") {
        let editable = ix.node(*p).and_then(|n| ctx.doc.tree.get(n)).and_then(ElementRef::wrap).is_some_and(|e| e.value().attr_of("contenteditable") == Some("true"));
        if editable && !outer.last().is_some_and(|o| ix.within(*o, *p)) {
            outer.push(*p);
        }
    }
    let mut out = std::collections::HashSet::new();
    if outer.is_empty() {
        return out;
    }
    let mut i = 0;
    for t in ix.named("table") {
        while outer.get(i + 1).is_some_and(|o| o <= t) {
            i += 1;
        }
        if outer.get(i).is_some_and(|o| ix.within(*o, *t) && o != t) {
            out.insert(*t);
        }
    }
    out
}

/// A visible HTML table that is not a layout table, with its grid (None
/// past the grid budget).
pub struct Table {
    pub node: NodeId,
    pub kind: Kind,
    pub grid: Option<Grid>,
}

/// The page's tables as the table rules judge them, in document order.
pub struct PageTables(pub Vec<Table>);

/// The page's tables, kinds and grids: built once per page (the first table
/// rule builds them) and shared by the rest.
pub fn page_tables(ctx: &Ctx) -> Rc<PageTables> {
    ctx.page.memo(|| {
        let editable = tables_in_editable(ctx);
        let mut out = Vec::new();
        for t in ctx.candidates(super::ctx::Candidates::Named(&["table"])) {
            if !super::common::is_html(t) || ctx.hidden_from_at(t) {
                continue;
            }
            let in_editable = ctx.position(t).is_some_and(|p| editable.contains(&p));
            let kind = kind(ctx, t, in_editable);
            if kind == Kind::Layout {
                continue;
            }
            out.push(Table { node: t.id(), kind, grid: grid(t) });
        }
        PageTables(out)
    })
}
