//! The colours text is painted in and stands on, for the contrast rules
//! (`contrast.rs`): one walk of the element index in document order, with a
//! stack of the ancestors' computed values (colour, font size and weight,
//! the opaque colours behind, the blend of their opacity), judging every
//! element that holds text at every colour it can show.
use super::colour::{self, Image, Paint, Rgba};
use super::common::*;
use super::style_sheet::{px, Sheet};
use crate::scanner::rules::dom::index::HIDDEN_ALL;

/// Properties the cascade is asked for.
fn colour_prop(p: &str) -> bool {
    const PROPS: &[&str] = &[
        "color", "background", "background-color", "background-image", "background-clip", "-webkit-background-clip", "opacity", "font",
        "font-size", "font-weight", "text-shadow", "position", "display", "visibility", "filter", "backdrop-filter", "mix-blend-mode", "mask",
        "mask-image", "-webkit-mask", "-webkit-mask-image", "clip", "clip-path", "text-indent", "-webkit-text-fill-color",
        "-webkit-text-stroke", "-webkit-text-stroke-color",
    ];
    PROPS.contains(&p)
}

// Why a failure needs review instead (bits of `Style::doubt`).
/// A background image (`url()`) is behind the text.
const IMAGE: u8 = 1;
/// The text or a box behind it is positioned out of flow: what is behind it is not its ancestors.
const POSITIONED: u8 = 2;
/// A filter, blend mode, mask, clip or text fill changes what is painted.
const EFFECT: u8 = 4;
/// A value could not be read, or the cascade stopped (the sheet's limits).
const UNREAD: u8 = 8;
/// Too many colours to follow (several gradients, opacity over a gradient).
const MANY: u8 = 16;
/// A text shadow may give the glyphs their contrast.
const SHADOW: u8 = 32;

#[derive(Clone, Copy)]
enum Text {
    Rgba(Rgba),
    /// The user agent's link colours (unvisited and visited).
    Link,
    Unknown,
}

/// `final = a · inside + b`: what the ancestors' opacity does to a colour
/// painted inside them.
#[derive(Clone, Copy)]
struct Blend {
    a: f32,
    b: [f32; 3],
}

impl Blend {
    const NONE: Blend = Blend { a: 1.0, b: [0.0; 3] };

    fn apply(self, c: Rgba) -> Rgba {
        Rgba::rgb(self.a * c.r + self.b[0], self.a * c.g + self.b[1], self.a * c.b + self.b[2])
    }
}

/// An element's computed values, as its descendants see them.
#[derive(Clone, Copy)]
struct Style {
    /// Its subtree's end (exclusive) in document order.
    end: u32,
    text: Text,
    /// Font size bounds in px.
    font: (f32, f32),
    bold: Option<bool>,
    /// The opaque colours that can be behind its content (index into the backdrops).
    bg: u32,
    blend: Blend,
    pub doubt: u8,
    /// Nothing inside is judged: not rendered as text, or a disabled widget's label.
    skip: bool,
    visible: bool,
}

/// One element's text, judged at every colour it can show.
#[derive(Clone, Copy)]
pub struct Judged {
    pub pos: u32,
    /// Lowest and highest contrast over the colours it can show.
    pub worst: f32,
    pub best: f32,
    /// The colours of the lowest.
    pub worst_pair: (Rgba, Rgba),
    pub large: Option<bool>,
    pub doubt: u8,
    /// Colours and background come from the element's own inline style, so
    /// no stylesheet we cannot see could change them (short of `!important`).
    pub own: bool,
}

/// Every judged text of the page (shared by the two rules).
pub struct Contrast {
    /// The texts that may fail either rule (those that pass both at any size are not kept).
    pub judged: Vec<Judged>,
    /// Some text was judged.
    pub applicable: bool,
    /// The page's styles are all known: no linked stylesheet, every rule read.
    pub complete: bool,
}

/// What the user agent's style sheet gives an element, as far as contrast goes.
#[derive(Clone, Copy, PartialEq)]
enum Ua {
    /// Nothing.
    Plain,
    /// Its text is not rendered as page text, or not by us (scripts, form
    /// control internals, embedded content's fallback).
    NotText,
    /// Link colours, when it has an `href`.
    Link,
    /// Black text, whatever it inherits (`button`, `mark`, `input`).
    Black,
    /// Bold, with a font size factor (lower and upper bound: an `h1` in a
    /// section is smaller).
    Bold(f32, f32),
    /// A font size factor.
    Font(f32, f32),
}

fn ua(name: &str) -> Ua {
    match name {
        "head" | "title" | "script" | "style" | "template" | "noscript" | "select" | "datalist" | "option" | "optgroup" | "textarea"
        | "iframe" | "object" | "embed" | "video" | "audio" | "canvas" | "frameset" | "noembed" | "noframes" => Ua::NotText,
        "a" | "area" => Ua::Link,
        "button" | "mark" | "input" => Ua::Black,
        "h1" => Ua::Bold(0.67, 2.0),
        "h2" => Ua::Bold(0.67, 1.5),
        "h3" => Ua::Bold(0.67, 1.17),
        "h4" | "b" | "strong" | "th" => Ua::Bold(1.0, 1.0),
        "h5" => Ua::Bold(0.83, 0.83),
        "h6" => Ua::Bold(0.67, 0.67),
        "small" | "sub" | "sup" => Ua::Font(0.8, 0.84),
        "big" => Ua::Font(1.2, 1.2),
        "code" | "kbd" | "samp" | "tt" | "pre" => Ua::Font(13.0 / 16.0, 1.0),
        _ => Ua::Plain,
    }
}

fn font_size(v: &str, parent: (f32, f32)) -> Option<(f32, f32)> {
    if let Some(k) = super::spacing::absolute_font_size(v) {
        return Some((k as f32, k as f32));
    }
    let scale = |f: f32| Some((parent.0 * f, parent.1 * f));
    match v {
        "smaller" => scale(1.0 / 1.2),
        "larger" => scale(1.2),
        _ if v.ends_with('%') => v.strip_suffix('%').and_then(|p| p.trim().parse::<f32>().ok()).and_then(|p| scale(p / 100.0)),
        _ if v.ends_with("rem") => px(v, 16.0).map(|x| (x, x)),
        _ if v.ends_with("em") => px(v, 1.0).and_then(scale),
        _ => px(v, parent.0).map(|x| (x, x)),
    }
}

fn weight(v: &str) -> Option<bool> {
    match v {
        "bold" | "bolder" => Some(true),
        "normal" | "lighter" => Some(false),
        _ => v.parse::<f32>().ok().map(|w| w >= 700.0),
    }
}

/// What an element's own declarations say, in cascade order.
#[derive(Default)]
struct Own {
    colour: Option<Option<Paint>>,
    bg_colour: Option<Option<Paint>>,
    bg_image: Option<Image>,
    opacity: Option<f32>,
    font: Option<Option<(f32, f32)>>,
    bold: Option<Option<bool>>,
    shadow: Option<bool>,
    display_none: bool,
    visible: Option<bool>,
    pub doubt: u8,
    /// Declarations of `color` and `background`/`background-color` that come from the inline style.
    inline_colour: bool,
    inline_bg: bool,
}

impl Own {
    fn read(sheet: &Sheet, el: ElementRef, parent: &Style) -> Own {
        let mut o = Own::default();
        let complete = sheet.cascade(el, &mut |d, from_inline| {
            let v = d.value.as_str();
            if matches!(v, "inherit" | "initial" | "unset" | "revert" | "revert-layer") && d.name != "color" {
                o.doubt |= UNREAD;
                return;
            }
            match d.name.as_str() {
                "color" => {
                    o.colour = Some(match v {
                        "inherit" | "unset" | "revert" | "revert-layer" => Some(Paint::Current),
                        "initial" => Some(Paint::Rgba(colour::BLACK)),
                        _ => colour::parse(v),
                    });
                    o.inline_colour = from_inline;
                }
                "background" => {
                    let (c, image) = colour::parse_background(v);
                    o.bg_colour = Some(c.unwrap_or(Some(Paint::Rgba(colour::TRANSPARENT))));
                    o.bg_image = Some(image);
                    o.inline_bg = from_inline;
                }
                "background-color" => {
                    o.bg_colour = Some(colour::parse(v));
                    o.inline_bg = from_inline;
                }
                "background-image" => o.bg_image = Some(colour::parse_image(v)),
                "background-clip" | "-webkit-background-clip" if v.contains("text") => o.doubt |= EFFECT,
                "opacity" => {
                    let n = v.strip_suffix('%').map_or_else(|| v.parse::<f32>().ok(), |p| p.trim().parse::<f32>().ok().map(|p| p / 100.0));
                    match n {
                        Some(n) if n.is_finite() => o.opacity = Some(n.clamp(0.0, 1.0)),
                        _ => o.doubt |= UNREAD,
                    }
                }
                "font-size" => o.font = Some(font_size(v, parent.font)),
                "font-weight" => o.bold = Some(weight(v)),
                "font" => {
                    // The shorthand resets the weight; its size is the first length in it.
                    let size = v.split_ascii_whitespace().map(|t| t.split('/').next().unwrap_or(t)).find_map(|t| font_size(t, parent.font));
                    o.font = Some(size);
                    o.bold = Some(Some(v.split_ascii_whitespace().any(|t| weight(t) == Some(true))));
                }
                "text-shadow" => o.shadow = Some(v != "none"),
                "position" => {
                    if matches!(v, "absolute" | "fixed") {
                        o.doubt |= POSITIONED;
                    }
                }
                "display" => o.display_none = v == "none",
                "visibility" => o.visible = Some(v == "visible"),
                "filter" | "backdrop-filter" | "mask" | "mask-image" | "-webkit-mask" | "-webkit-mask-image" | "clip-path" if v != "none" => {
                    o.doubt |= EFFECT
                }
                "mix-blend-mode" if v != "normal" => o.doubt |= EFFECT,
                "clip" if v != "auto" => o.doubt |= EFFECT,
                "text-indent" if v.starts_with('-') => o.doubt |= EFFECT,
                "-webkit-text-fill-color" | "-webkit-text-stroke" | "-webkit-text-stroke-color" => o.doubt |= EFFECT,
                _ => {}
            }
        });
        if !complete {
            o.doubt |= UNREAD;
        }
        o
    }
}

/// Has a text child in a human language (letters or digits: a row of
/// symbols expresses nothing to read).
fn holds_text(el: ElementRef) -> bool {
    el.children().any(|c| matches!(c.value(), Node::Text(t) if t.chars().any(char::is_alphanumeric)))
}

/// Positions of text that belongs to a disabled widget (ACT: such text has
/// no contrast requirement): inside a disabled button or fieldset, under
/// `aria-disabled="true"`, a `label` of a disabled control, or what a
/// disabled widget's `aria-labelledby` points at. As per-position flags,
/// built from ranges with a running count (linear, nesting-proof).
fn disabled_text(ctx: &Ctx) -> Vec<bool> {
    let ix = ctx.index();
    let n = ix.elements.len();
    let ranges = |starts: &[(u32, i32)]| -> Vec<bool> {
        let mut delta = vec![0i32; n + 1];
        for (p, d) in starts {
            if let Some(slot) = delta.get_mut(*p as usize) {
                *slot += d;
            }
        }
        let mut depth = 0i32;
        delta.iter().take(n).map(|d| {
            depth += d;
            depth > 0
        }).collect()
    };
    let mut marks: Vec<(u32, i32)> = Vec::new();
    let mark = |p: u32, marks: &mut Vec<(u32, i32)>| {
        if let Some(end) = ix.end(p) {
            marks.push((p, 1));
            marks.push((end, -1));
        }
    };
    for e in ctx.candidates(Candidates::WithAttr(&["aria-disabled", "disabled"])) {
        let Some(p) = ctx.position(e) else { continue };
        let v = e.value();
        if attr(e, "aria-disabled").is_some_and(|a| a.trim().eq_ignore_ascii_case("true")) || (v.name() == "button" && v.attr_of("disabled").is_some()) {
            mark(p, &mut marks);
        } else if v.name() == "fieldset" && v.attr_of("disabled").is_some() {
            mark(p, &mut marks);
            // Its first legend is not disabled.
            if let Some(l) = e.children().filter_map(ElementRef::wrap).find(|c| c.value().name() == "legend") {
                if let (Some(q), Some(end)) = (ctx.position(l), ctx.position(l).and_then(|q| ix.end(q))) {
                    marks.push((q, -1));
                    marks.push((end, 1));
                }
            }
        }
    }
    let first = ranges(&marks);
    let disabled = |e: ElementRef| is_disabled(e) || ctx.position(e).and_then(|p| first.get(p as usize).copied()).unwrap_or(false);
    // Labels of disabled controls: the `for` target, else the first labelable element inside.
    for l in ctx.candidates(Candidates::Named(&["label"])) {
        let Some(p) = ctx.position(l) else { continue };
        let control = match attr(l, "for") {
            Some(id) => ctx.by_id(id),
            None => {
                let end = ix.end(p).unwrap_or(p);
                ["input", "select", "textarea", "button", "meter", "output", "progress"]
                    .iter()
                    .filter_map(|name| {
                        let at = ix.named(name);
                        at.get(at.partition_point(|q| *q <= p)).copied().filter(|q| *q < end)
                    })
                    .min()
                    .and_then(|q| ix.node(q))
                    .and_then(|id| ctx.node(id))
            }
        };
        if control.is_some_and(disabled) {
            mark(p, &mut marks);
        }
    }
    for e in ctx.candidates(Candidates::WithAttr(&["aria-labelledby"])) {
        if disabled(e) {
            for t in ctx.idrefs(e, "aria-labelledby") {
                if let Some(p) = ctx.position(t) {
                    mark(p, &mut marks);
                }
            }
        }
    }
    ranges(&marks)
}

/// The opaque colours behind content: sets of samples, shared by index.
struct Backdrops {
    sets: Vec<Vec<Rgba>>,
    /// Samples kept in all (bounded by [`MAX_STORED`]).
    stored: usize,
}

/// Background samples kept per page: a flood of gradients cannot make the
/// rule's memory grow past this (1.6 MB); past it, backgrounds are doubted.
const MAX_STORED: usize = 100_000;

impl Backdrops {
    /// `layer` painted over every colour of set `below`: the new set's
    /// index, and whether colours were dropped (then the set is incomplete).
    fn paint(&mut self, below: u32, layer: &[Rgba]) -> (u32, bool) {
        if self.stored >= MAX_STORED {
            return (below, true);
        }
        let under = self.sets.get(below as usize).cloned().unwrap_or_default();
        let key = |c: Rgba| [c.r, c.g, c.b].map(|v| (v.clamp(0.0, 255.0) + 0.5) as u8);
        let mut out: Vec<Rgba> = Vec::new();
        let mut dropped = false;
        for l in layer {
            for u in &under {
                let c = l.over(*u);
                if out.iter().any(|o| key(*o) == key(c)) {
                    continue;
                }
                if out.len() >= colour::MAX_SAMPLES {
                    dropped = true;
                    continue;
                }
                out.push(c);
            }
        }
        self.stored += out.len();
        self.sets.push(out);
        ((self.sets.len() - 1) as u32, dropped)
    }
}

/// Judges texts as the walk meets them.
#[derive(Default)]
struct Judge {
    /// A page uses a handful of colour combinations: the last few answers are kept.
    recent: Vec<(Key, Option<Ratios>)>,
    /// Some text was judged (possibly passing without being kept).
    applicable: bool,
    judged: Vec<Judged>,
}

/// Every threshold of both rules at any size: a text at least this
/// contrasted can neither fail nor need review, so it is not kept.
const PASSES_ALL: f32 = 7.0;

impl Judge {
    /// `el`'s text at every colour its style `s` can show (`own`: its own
    /// inline style sets both colours).
    fn text(&mut self, s: &Style, el: ElementRef, p: u32, own: bool, backdrops: &Backdrops) {
        if !s.visible {
            return;
        }
        let key = Key::of(s);
        let found = self.recent.iter().rev().find(|(k, _)| *k == key).map(|(_, r)| *r);
        let ratios = found.unwrap_or_else(|| {
            let r = ratios(s, backdrops);
            if self.recent.len() >= 8 {
                self.recent.remove(0);
            }
            self.recent.push((key, r));
            r
        });
        // Colours we cannot read are not judged.
        let Some((worst, best, worst_pair)) = ratios else { return };
        if worst >= PASSES_ALL {
            self.applicable = self.applicable || holds_text(el);
            return;
        }
        if !holds_text(el) {
            return;
        }
        self.applicable = true;
        let (f_lo, f_hi) = s.font;
        let large = if f_lo >= 24.0 || (s.bold == Some(true) && f_lo >= 18.66) {
            Some(true)
        } else if f_hi < 18.66 || (f_hi < 24.0 && s.bold == Some(false)) {
            Some(false)
        } else {
            None
        };
        self.judged.push(Judged { pos: p, worst, best, worst_pair, large, doubt: s.doubt, own });
    }
}

/// What decides a text's ratios: its colour, the backdrop set and the blend.
#[derive(Clone, Copy, PartialEq)]
struct Key([u32; 9]);

impl Key {
    fn of(s: &Style) -> Key {
        let (tag, c) = match s.text {
            Text::Rgba(c) => (0, c),
            Text::Link => (1, colour::TRANSPARENT),
            Text::Unknown => (2, colour::TRANSPARENT),
        };
        let b = s.blend;
        Key([tag, c.r.to_bits() ^ c.a.to_bits().rotate_left(7), c.g.to_bits(), c.b.to_bits(), s.bg, b.a.to_bits(), b.b[0].to_bits(), b.b[1].to_bits(), b.b[2].to_bits()])
    }
}

/// (lowest, highest, the lowest's colours).
type Ratios = (f32, f32, (Rgba, Rgba));

fn ratios(s: &Style, backdrops: &Backdrops) -> Option<Ratios> {
    let texts: &[Rgba] = match &s.text {
        Text::Rgba(c) if c.a <= 0.0 => return None,
        Text::Rgba(c) => &[*c],
        Text::Link => &[Rgba::rgb(0.0, 0.0, 238.0), Rgba::rgb(85.0, 26.0, 139.0)],
        Text::Unknown => return None,
    };
    let behind = backdrops.sets.get(s.bg as usize)?;
    let (mut worst, mut best) = (f32::INFINITY, 0.0f32);
    let mut worst_pair = (colour::BLACK, colour::WHITE);
    for b in behind {
        for t in texts {
            let (fg, bg) = (s.blend.apply(t.over(*b)), s.blend.apply(*b));
            let r = colour::contrast(fg, bg);
            if r < worst {
                worst = r;
                worst_pair = (fg, bg);
            }
            best = best.max(r);
        }
    }
    worst.is_finite().then_some((worst, best, worst_pair))
}

pub fn analyse(ctx: &Ctx) -> Contrast {
    let sheet = Sheet::read_with(ctx, colour_prop);
    let disabled = disabled_text(ctx);
    let ix = ctx.index();
    let mut backdrops = Backdrops { sets: vec![vec![colour::WHITE]], stored: 1 };
    let root = Style {
        end: u32::MAX,
        text: Text::Rgba(colour::BLACK),
        font: (16.0, 16.0),
        bold: Some(false),
        bg: 0,
        blend: Blend::NONE,
        doubt: 0,
        skip: false,
        visible: true,
    };
    let mut stack: Vec<Style> = Vec::new();
    let mut judge = Judge::default();
    for (p, id) in ix.elements.iter().enumerate() {
        let p = p as u32;
        while stack.last().is_some_and(|s| s.end <= p) {
            stack.pop();
        }
        let parent = stack.last().copied().unwrap_or(root);
        let Some(el) = ctx.node(*id) else { continue };
        let end = ix.end(p).unwrap_or(p + 1);
        let name = el.value().name();
        let ua = ua(name);
        if parent.skip || ua == Ua::NotText || !is_html(el) || ix.flags_at(p) & HIDDEN_ALL != 0 || disabled.get(p as usize).copied().unwrap_or(false) {
            stack.push(Style { end, skip: true, ..parent });
            continue;
        }
        // Most elements change nothing: they compute what their parent did.
        if ua == Ua::Plain && !sheet.may_apply(el) {
            let s = Style { end, ..parent };
            stack.push(s);
            judge.text(&s, el, p, false, &backdrops);
            continue;
        }
        let own = Own::read(&sheet, el, &parent);
        if own.display_none || own.opacity == Some(0.0) {
            stack.push(Style { end, skip: true, ..parent });
            continue;
        }
        let mut s = Style { end, doubt: parent.doubt | own.doubt, ..parent };
        // Text colour: declared, else the user agent's for links and controls, else inherited.
        let link = ua == Ua::Link && attr(el, "href").is_some();
        s.text = match own.colour {
            Some(Some(Paint::Rgba(c))) => Text::Rgba(c),
            Some(Some(Paint::Current)) => parent.text,
            Some(None) => Text::Unknown,
            None if link => Text::Link,
            None if ua == Ua::Black => Text::Rgba(colour::BLACK),
            None => parent.text,
        };
        let (lo, hi) = match ua {
            Ua::Bold(lo, hi) | Ua::Font(lo, hi) => (lo, hi),
            _ => (1.0, 1.0),
        };
        s.font = match own.font {
            Some(Some(f)) => f,
            Some(None) => (0.0, f32::INFINITY),
            None => (parent.font.0 * lo, parent.font.1 * hi),
        };
        s.bold = match own.bold {
            Some(b) => b,
            None if matches!(ua, Ua::Bold(..)) => Some(true),
            None => parent.bold,
        };
        if let Some(shadow) = own.shadow {
            s.doubt = if shadow { s.doubt | SHADOW } else { s.doubt & !SHADOW };
        }
        if let Some(v) = own.visible {
            s.visible = v;
        }
        // Its background: declared, else the user agent's for controls and `mark`.
        let bg_colour = match own.bg_colour {
            Some(Some(Paint::Rgba(c))) => Some(c),
            Some(Some(Paint::Current)) => match s.text {
                Text::Rgba(c) => Some(c),
                _ => None,
            },
            Some(None) => None,
            None if name == "mark" => Some(Rgba::rgb(255.0, 255.0, 0.0)),
            None => None,
        };
        if matches!(own.bg_colour, Some(None) | Some(Some(Paint::Current))) && bg_colour.is_none() {
            s.doubt |= UNREAD;
        }
        let ua_button = own.bg_colour.is_none() && own.bg_image.is_none() && name == "button";
        let mut layer: Vec<Rgba> = match own.bg_image.as_ref() {
            Some(Image::Colours(cs)) => cs.iter().map(|c| c.over(bg_colour.unwrap_or(colour::TRANSPARENT))).collect(),
            Some(Image::Unknown) => {
                s.doubt |= IMAGE;
                bg_colour.into_iter().collect()
            }
            _ => bg_colour.into_iter().collect(),
        };
        if ua_button {
            // Button faces differ between browsers (Chromium #efefef, Firefox #e9e9ed).
            layer = vec![Rgba::rgb(239.0, 239.0, 239.0), Rgba::rgb(233.0, 233.0, 237.0)];
        }
        if let Some(o) = own.opacity.filter(|o| *o < 1.0) {
            let behind = backdrops.sets.get(parent.bg as usize);
            if behind.is_some_and(|b| b.len() > 1) {
                s.doubt |= MANY;
            }
            let b0 = behind.and_then(|b| b.first()).copied().unwrap_or(colour::WHITE);
            let pb = parent.blend;
            s.blend = Blend { a: pb.a * o, b: [pb.a * (1.0 - o) * b0.r + pb.b[0], pb.a * (1.0 - o) * b0.g + pb.b[1], pb.a * (1.0 - o) * b0.b + pb.b[2]] };
        }
        if layer.iter().any(|c| c.a > 0.0) {
            let (bg, dropped) = backdrops.paint(parent.bg, &layer);
            s.bg = bg;
            if dropped {
                s.doubt |= MANY;
            }
        }
        stack.push(s);
        let own_colours = own.inline_colour && own.inline_bg && bg_colour.is_some_and(|c| c.a >= 1.0);
        judge.text(&s, el, p, own_colours, &backdrops);
    }
    Contrast { judged: judge.judged, applicable: judge.applicable, complete: sheet.complete && !sheet.truncated() }
}

