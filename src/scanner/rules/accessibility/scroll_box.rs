//! Scrolling boxes without layout, for `scrollable-region-focusable`: which
//! elements scroll (their overflow as inline style and the page's `<style>`
//! rules give it) and bounds on how much room their content needs.
//!
//! The lower bound is what the content needs at least, whatever the fonts:
//! the narrowest plausible glyphs, lines no taller than the font, no
//! margins, out-of-flow and unmodelled boxes taken as empty. Only it can say
//! that content certainly overflows. The upper bound (the widest glyphs,
//! tall lines, the UA margins) is known only for plain text content, and
//! says that content certainly fits. Every walk is one explicit-stack pass
//! over the box's subtree that stops at nested clipping boxes, so an element
//! is walked for at most one scrolling box.
use super::common::*;
pub use super::style_sheet::{num, px, Declared, Sheet};
use ego_tree::NodeRef;

/// axe's `getScroll(node, 13)`: overflow of up to 13px does not count.
pub const BUFFER: f32 = 13.0;

/// Smallest and largest plausible advance of a character, in em.
fn char_width(c: char) -> (f32, f32, bool) {
    let cjk = matches!(c as u32, 0x1100..=0x11FF | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6);
    match c {
        '\u{200B}'..='\u{200D}' | '\u{FEFF}' | '\u{AD}' | '\u{300}'..='\u{36F}' => (0.0, 0.0, true),
        _ if cjk => (0.8, 1.0, true),
        'i' | 'j' | 'l' | 'I' | 'f' | 't' | 'r' | '1' => (0.15, 1.0, false),
        _ if c.is_ascii_alphanumeric() => (0.3, 1.0, false),
        _ if c.is_ascii() => (0.15, 1.0, "-/?!".contains(c)),
        _ if (c as u32) > 0xFFFF => (0.15, 1.5, true),
        _ => (0.15, 1.0, false),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Ws {
    Normal,
    NoWrap,
    Pre,
    PreWrap,
    PreLine,
}

/// What children inherit: font size bounds (px), line height, white-space.
#[derive(Clone, Copy)]
pub struct Inh {
    lo: f32,
    hi: f32,
    /// Line height as a factor of the font size (None: normal), or px.
    lh_factor: Option<f32>,
    lh_px: Option<f32>,
    ws: Ws,
    break_any: bool,
}

impl Default for Inh {
    fn default() -> Self {
        Inh { lo: 16.0, hi: 16.0, lh_factor: None, lh_px: None, ws: Ws::Normal, break_any: false }
    }
}

impl Inh {
    /// The child's inherited values: its UA font size and its declared ones.
    /// Returns also whether a declared value could not be read.
    pub fn child(&self, el: ElementRef, d: &Declared) -> (Inh, bool) {
        let mut n = *self;
        let mut unsure = false;
        let (flo, fhi) = match el.value().name() {
            "h1" => (0.67, 2.0),
            "h2" => (0.67, 1.5),
            "h3" => (0.67, 1.17),
            "h5" => (0.83, 0.83),
            "h6" => (0.67, 0.67),
            "small" | "sub" | "sup" => (0.8, 0.84),
            "big" => (1.2, 1.2),
            "code" | "kbd" | "samp" | "tt" | "pre" | "textarea" => (13.0 / 16.0, 1.0),
            _ => (1.0, 1.0),
        };
        n.lo *= flo;
        n.hi *= fhi;
        if let Some(v) = d.get("font-size") {
            let kw = super::spacing::absolute_font_size(v).map(|k| k as f32);
            let pct = v.strip_suffix('%').and_then(|p| num(p.trim())).map(|p| p / 100.0);
            match (kw, pct, px(v, 1.0), v.ends_with("rem")) {
                (Some(k), _, _, _) => (n.lo, n.hi) = (k, k),
                (_, Some(p), _, _) => (n.lo, n.hi) = (self.lo * p, self.hi * p),
                (_, _, Some(x), true) => (n.lo, n.hi) = (x, x),
                (_, _, Some(f), false) if v.ends_with("em") => (n.lo, n.hi) = (self.lo * f, self.hi * f),
                (_, _, Some(x), false) => (n.lo, n.hi) = (x, x),
                _ => unsure = true,
            }
        }
        if let Some(v) = d.get("line-height") {
            if v == "normal" {
                (n.lh_factor, n.lh_px) = (None, None);
            } else if let Some(f) = num(v) {
                (n.lh_factor, n.lh_px) = (Some(f), None);
            } else if let Some(p) = v.strip_suffix('%').and_then(|p| num(p.trim())) {
                (n.lh_factor, n.lh_px) = (None, Some(p / 100.0 * n.lo));
            } else if let Some(x) = px(v, n.lo) {
                (n.lh_factor, n.lh_px) = (None, Some(x));
            } else {
                unsure = true;
            }
        }
        if el.value().name() == "pre" {
            n.ws = Ws::Pre;
        }
        if let Some(v) = d.get("white-space") {
            n.ws = match v {
                "normal" => Ws::Normal,
                "nowrap" => Ws::NoWrap,
                "pre" => Ws::Pre,
                "pre-wrap" | "break-spaces" => Ws::PreWrap,
                "pre-line" => Ws::PreLine,
                _ => {
                    unsure = true;
                    n.ws
                }
            };
        }
        for p in ["overflow-wrap", "word-wrap", "word-break"] {
            if let Some(v) = d.get(p) {
                n.break_any = matches!(v, "anywhere" | "break-word" | "break-all");
            }
        }
        (n, unsure)
    }

    pub fn font_lo(&self) -> f32 {
        self.lo
    }

    /// Line height bounds in px (normal: the font size to 1.5 times it).
    fn line(&self) -> (f32, f32) {
        match (self.lh_factor, self.lh_px) {
            (Some(f), _) => (f * self.lo, f * self.hi),
            (_, Some(p)) => (p, p),
            _ => (self.lo, 1.5 * self.hi),
        }
    }
}

/// The bounds for one scrolling box's content.
pub struct Estimate {
    /// Lower bounds: the bottom of the last content, the widest unbreakable run.
    pub lo_h: f32,
    pub lo_w: f32,
    /// Upper bounds, when known.
    pub hi: Option<(f32, f32)>,
    /// Something applies that the lower bound does not model.
    pub unsure: bool,
}

/// Greedy line filling over unbreakable pieces: first-fit gives the fewest
/// lines for given widths and break opportunities, so narrow widths and
/// extra opportunities give a lower bound, wide widths and fewer an upper one.
#[derive(Default)]
struct Fill {
    lines: u32,
    cur: f32,
    run: f32,
    run_max: f32,
    piece: f32,
    piece_space: f32,
    piece_break: bool,
    open: bool,
    next_space: f32,
    next_break: bool,
}

impl Fill {
    /// A break opportunity (`brk`) or a space that does not break.
    fn boundary(&mut self, wl: f32, space: f32, brk: bool) {
        self.commit(wl);
        self.next_break |= brk;
        self.next_space = self.next_space.max(space);
    }

    fn glyph(&mut self, w: f32) {
        if !self.open {
            self.open = true;
            self.piece_break = self.next_break;
            self.piece_space = self.next_space;
            (self.next_break, self.next_space) = (false, 0.0);
        }
        self.piece += w;
    }

    fn commit(&mut self, wl: f32) {
        if !self.open {
            return;
        }
        self.open = false;
        let (w, sp) = (self.piece, self.piece_space);
        if self.piece_break && self.cur > 0.0 && self.cur + sp + w > wl {
            self.lines += 1;
            (self.cur, self.run) = (w, w);
        } else {
            self.cur += if self.cur > 0.0 { sp } else { 0.0 } + w;
            self.run = if self.piece_break { w } else { self.run + sp + w };
        }
        self.run_max = self.run_max.max(self.run);
        self.piece = 0.0;
    }

    fn forced(&mut self, wl: f32) {
        self.commit(wl);
        self.lines += 1;
        (self.cur, self.run, self.next_break, self.next_space) = (0.0, 0.0, false, 0.0);
    }

    /// Lines used; the context is reset for the next one.
    fn end(&mut self, wl: f32) -> (u32, f32) {
        self.commit(wl);
        let out = (self.lines + u32::from(self.cur > 0.0), self.run_max);
        *self = Fill::default();
        out
    }
}

struct Block {
    wl_lo: f32,
    wl_hi: Option<f32>,
    strut: (f32, f32),
    /// UA margin below (upper bound, px).
    margin_hi: f32,
}

/// The UA stylesheet's vertical margins (em, each side) and horizontal
/// inset (px) of blocks; None for elements the upper bound does not know.
fn ua_block(name: &str) -> Option<(f32, f32)> {
    Some(match name {
        "p" | "ul" | "ol" | "menu" | "dl" => (1.0, if name == "p" || name == "dl" { 0.0 } else { 40.0 }),
        "blockquote" | "figure" => (1.0, 80.0),
        "h1" => (0.67, 0.0),
        "h2" => (0.83, 0.0),
        "h3" => (1.0, 0.0),
        "h4" => (1.33, 0.0),
        "h5" => (1.67, 0.0),
        "h6" => (2.33, 0.0),
        "dd" => (0.0, 40.0),
        "div" | "section" | "article" | "aside" | "header" | "footer" | "main" | "nav" | "address" | "hgroup" | "li" | "dt" | "figcaption" | "search" => (0.0, 0.0),
        _ => return None,
    })
}

fn ua_display(name: &str) -> &'static str {
    match name {
        "table" => "table",
        "tr" | "td" | "th" | "tbody" | "thead" | "tfoot" | "caption" | "colgroup" | "col" => "table-part",
        "li" => "list-item",
        "img" | "input" | "button" | "select" | "textarea" | "meter" | "progress" | "iframe" | "video" | "audio" | "canvas" | "svg" | "object" | "embed" | "math" => "inline-block",
        n if ua_block(n).is_some() || matches!(n, "pre" | "hr" | "fieldset" | "form" | "details" | "summary" | "legend" | "center" | "dialog") => "block",
        _ => "inline",
    }
}

/// Elements drawn as a box of their own size (axe's visual content).
fn replaced(name: &str) -> bool {
    matches!(name, "img" | "input" | "button" | "select" | "textarea" | "meter" | "progress" | "iframe" | "video" | "audio" | "canvas" | "svg" | "object" | "embed" | "math")
}

/// A box's width or height: CSS (px) first, then the attribute.
fn dim(el: ElementRef, d: &Declared, prop: &str, font: f32) -> Option<f32> {
    match d.get(prop) {
        Some(v) => px(v, font),
        None => attr(el, prop).and_then(|v| num(v.trim())),
    }
}


/// The walk's running state.
#[derive(Default)]
struct Acc {
    lo: Fill,
    hi: Fill,
    /// The current inline context has content; its tallest line and atoms.
    content: bool,
    lh_hi: f32,
    atom_lo: f32,
    atom_hi: f32,
    cursor: f32,
    bottom: f32,
    lo_w: f32,
    hi_h: f32,
    hi_w: f32,
    hi_ok: bool,
    unsure: bool,
}

impl Acc {
    /// Ends the current inline formatting context of block `b`.
    fn flush(&mut self, b: &Block) {
        let (lines, run) = self.lo.end(b.wl_lo);
        self.cursor += lines as f32 * b.strut.0 + if lines > 0 { (self.atom_lo - b.strut.0).max(0.0) } else { 0.0 };
        if self.content {
            self.bottom = self.cursor;
        }
        self.lo_w = self.lo_w.max(run);
        let (lines, run) = self.hi.end(b.wl_hi.unwrap_or(0.0));
        if lines > 0 && b.wl_hi.is_none() {
            self.hi_ok = false;
        }
        self.hi_h += lines as f32 * b.strut.1.max(self.lh_hi).max(self.atom_hi);
        self.hi_w = self.hi_w.max(run);
        (self.content, self.lh_hi, self.atom_lo, self.atom_hi) = (false, 0.0, 0.0, 0.0);
    }
}

/// Lower and upper bounds for the s.content of the scrolling box `root`
/// (`inh`: its inherited values; `wl_lo`: an upper bound of its s.content
/// width, `wl_hi`: a lower bound). None when `budget` element visits ran out.
pub fn estimate(sheet: &Sheet, root: ElementRef, inh: Inh, wl_lo: f32, wl_hi: Option<f32>, budget: &mut usize) -> Option<Estimate> {
    enum Ev<'a> {
        Node(NodeRef<'a, Node>, Inh),
        Exit,
    }
    let mut blocks = vec![Block { wl_lo, wl_hi, strut: inh.line(), margin_hi: 0.0 }];
    let mut s = Acc { hi_ok: true, ..Default::default() };
    let mut stack: Vec<Ev> = root.children().rev().map(|n| Ev::Node(n, inh)).collect();
    while let Some(ev) = stack.pop() {
        let b = blocks.last()?;
        let (n, inh) = match ev {
            Ev::Exit => {
                s.flush(b);
                s.hi_h += b.margin_hi;
                blocks.pop();
                continue;
            }
            Ev::Node(n, inh) => (n, inh),
        };
        if let Some(t) = n.value().as_text() {
            let wrap = matches!(inh.ws, Ws::Normal | Ws::PreWrap | Ws::PreLine);
            let collapse = matches!(inh.ws, Ws::Normal | Ws::NoWrap | Ws::PreLine);
            s.lh_hi = s.lh_hi.max(inh.line().1);
            for c in t.chars() {
                if c == '\n' && !matches!(inh.ws, Ws::Normal | Ws::NoWrap) {
                    s.lo.forced(b.wl_lo);
                    s.hi.forced(b.wl_hi.unwrap_or(0.0));
                } else if c.is_whitespace() && c != '\u{A0}' && (collapse || inh.ws == Ws::PreWrap) {
                    s.lo.boundary(b.wl_lo, 0.2 * inh.lo, wrap);
                    s.hi.boundary(b.wl_hi.unwrap_or(0.0), 0.6 * inh.hi, wrap);
                } else {
                    let (a, z, opp) = if c.is_whitespace() { (0.2, if c == '\t' { 4.8 } else { 0.6 }, false) } else { char_width(c) };
                    let split = wrap && (opp || inh.break_any);
                    if split {
                        s.lo.boundary(b.wl_lo, 0.0, true);
                    }
                    s.lo.glyph(a * inh.lo);
                    if split {
                        s.lo.boundary(b.wl_lo, 0.0, true);
                    }
                    s.hi.glyph(z * inh.hi);
                    s.content |= !c.is_whitespace();
                }
            }
            continue;
        }
        let Some(e) = ElementRef::wrap(n) else { continue };
        *budget = budget.checked_sub(1)?;
        let d = sheet.declared(e);
        let name = e.value().name();
        s.unsure |= d.unknown;
        s.hi_ok &= !d.any_set();
        let display = d.get("display").unwrap_or(ua_display(name)).to_string();
        if display == "none" || crate::scanner::rules::dom::hidden::display_none(e) {
            continue;
        }
        if matches!(d.get("position"), Some("absolute" | "fixed")) || matches!(d.get("float"), Some("left" | "right" | "inline-start" | "inline-end")) {
            continue;
        }
        let (child, u) = inh.child(e, &d);
        s.unsure |= u;
        let block_level = !display.starts_with("inline") && display != "contents";
        if name == "br" {
            s.lo.forced(b.wl_lo);
            s.hi.forced(b.wl_hi.unwrap_or(0.0));
            continue;
        }
        if replaced(name) {
            let (w, h) = (dim(e, &d, "width", child.lo), dim(e, &d, "height", child.lo));
            s.hi_ok &= w.is_some() && h.is_some() && !matches!(name, "input" | "button" | "select" | "textarea" | "meter" | "progress");
            let (w, h) = (w.unwrap_or(0.0), h.unwrap_or(0.0));
            if block_level {
                s.flush(b);
                s.cursor += h;
                s.bottom = s.cursor;
                s.lo_w = s.lo_w.max(w);
                s.hi_h += h;
                s.hi_w = s.hi_w.max(w);
            } else {
                let wrap = matches!(child.ws, Ws::Normal | Ws::PreWrap | Ws::PreLine);
                s.lo.boundary(b.wl_lo, 0.0, wrap);
                s.lo.glyph(w);
                s.lo.boundary(b.wl_lo, 0.0, wrap);
                s.hi.glyph(w);
                s.atom_lo = s.atom_lo.max(h);
                s.atom_hi = s.atom_hi.max(h);
                s.content = true;
            }
            continue;
        }
        let clips = {
            let (x, y) = d.overflow();
            x != "visible" || y != "visible"
        };
        let sized = d.get("height").or(d.get("max-height")).is_some();
        let modelled = matches!(display.as_str(), "block" | "list-item" | "flow-root" | "inline" | "contents");
        if !modelled || clips || (sized && block_level) {
            // A box we do not lay out: empty for the lower bound (but its
            // height, when given, still pushes what follows down).
            s.hi_ok = false;
            if block_level {
                s.flush(b);
                s.cursor += d.get("height").and_then(|v| px(v, child.lo)).unwrap_or(0.0).max(0.0);
            }
            continue;
        }
        let kids = e.children().rev().map(|k| Ev::Node(k, child));
        if !block_level {
            stack.extend(kids);
            continue;
        }
        s.flush(b);
        let mut wl = b.wl_lo;
        if let Some(v) = d.get("width") {
            match px(v, child.lo) {
                Some(w) => wl = w,
                None if v.ends_with('%') && num(v.trim_end_matches('%').trim()).is_some_and(|p| p <= 100.0) => {}
                None if v == "auto" => {}
                None => s.unsure = true,
            }
        }
        if let Some(m) = d.get("max-width").and_then(|v| px(v, child.lo)) {
            wl = wl.min(m);
        }
        if let Some(m) = d.get("min-width").and_then(|v| px(v, child.lo)) {
            wl = wl.max(m);
        }
        let ua = ua_block(name);
        s.hi_ok &= ua.is_some() || name == "pre";
        let (margin, inset) = ua.unwrap_or((1.0, 0.0));
        let margin = margin * child.hi;
        s.hi_h += margin;
        let wl_hi = b.wl_hi.map(|w| w - inset);
        blocks.push(Block { wl_lo: wl, wl_hi, strut: child.line(), margin_hi: margin });
        stack.push(Ev::Exit);
        stack.extend(kids);
    }
    let b = blocks.last()?;
    s.flush(b);
    Some(Estimate { lo_h: s.bottom, lo_w: s.lo_w, hi: s.hi_ok.then_some((s.hi_h, s.hi_w)), unsure: s.unsure })
}
