//! Colours as the contrast rules need them: CSS colour values (hex, names,
//! system colours, `rgb()`/`hsl()` in both syntaxes), background layers
//! (a colour and gradients, sampled along their stops), compositing with
//! alpha, and WCAG 2 relative luminance and contrast ratio. What cannot be
//! read statically (`var()`, `color-mix()`, `lab()`, images) is `None` or
//! [`Image::Unknown`], never a guess.
use cssparser::{Parser, Token};

/// A colour: channels 0..=255, alpha 0..=1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rgba {
    pub r: f32,
    pub g: f32,
    pub b: f32,
    pub a: f32,
}

pub const WHITE: Rgba = Rgba::rgb(255.0, 255.0, 255.0);
pub const BLACK: Rgba = Rgba::rgb(0.0, 0.0, 0.0);
pub const TRANSPARENT: Rgba = Rgba { r: 0.0, g: 0.0, b: 0.0, a: 0.0 };

impl Rgba {
    pub const fn rgb(r: f32, g: f32, b: f32) -> Rgba {
        Rgba { r, g, b, a: 1.0 }
    }

    /// `self` painted over `below` (source-over; `below` may be translucent).
    pub fn over(self, below: Rgba) -> Rgba {
        let a = self.a + below.a * (1.0 - self.a);
        if a <= 0.0 {
            return TRANSPARENT;
        }
        let mix = |t: f32, b: f32| (t * self.a + b * below.a * (1.0 - self.a)) / a;
        Rgba { r: mix(self.r, below.r), g: mix(self.g, below.g), b: mix(self.b, below.b), a }
    }

    /// `below` + (`self` − `below`) × `t`, channel by channel (opaque colours).
    pub fn toward(below: Rgba, above: Rgba, t: f32) -> Rgba {
        let l = |b: f32, a: f32| b + (a - b) * t;
        Rgba { r: l(below.r, above.r), g: l(below.g, above.g), b: l(below.b, above.b), a: l(below.a, above.a) }
    }

    /// WCAG 2 relative luminance (sRGB), of the colour as painted (8 bits a channel).
    pub fn luminance(self) -> f32 {
        let t = linear();
        // Rounded by adding a half and truncating: `f32::round` is a libm call on wasm.
        let lin = |c: f32| t.get((c.clamp(0.0, 255.0) + 0.5) as usize).copied().unwrap_or(0.0);
        0.2126 * lin(self.r) + 0.7152 * lin(self.g) + 0.0722 * lin(self.b)
    }

    /// `#rrggbb` (alpha left out: only opaque colours are reported).
    pub fn hex(self) -> String {
        let c = |v: f32| v.round().clamp(0.0, 255.0) as u8;
        format!("#{:02x}{:02x}{:02x}", c(self.r), c(self.g), c(self.b))
    }
}

/// The linear value of each 8-bit sRGB channel value, computed once.
fn linear() -> &'static [f32; 256] {
    static TABLE: std::sync::OnceLock<[f32; 256]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        std::array::from_fn(|i| {
            let c = i as f32 / 255.0;
            if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        })
    })
}

/// WCAG 2 contrast ratio of two opaque colours (1 to 21).
pub fn contrast(a: Rgba, b: Rgba) -> f32 {
    let (x, y) = (a.luminance(), b.luminance());
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// A colour value as declared.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Paint {
    Rgba(Rgba),
    /// `currentcolor`: the element's text colour.
    Current,
}

/// User-agent system colours (Chromium's light scheme).
fn system(name: &str) -> Option<Rgba> {
    let hex = match name {
        "canvas" | "field" | "highlighttext" => 0xffffff,
        "canvastext" | "fieldtext" | "buttontext" | "marktext" | "visitedtext" => 0x000000,
        "linktext" => 0x0000ee,
        "activetext" => 0xff0000,
        "buttonface" | "buttonborder" => 0xefefef,
        "mark" => 0xffff00,
        "graytext" => 0x808080,
        "highlight" => 0x3390ff,
        _ => return None,
    };
    Some(Rgba::rgb((hex >> 16) as f32, ((hex >> 8) & 0xff) as f32, (hex & 0xff) as f32))
}

/// A colour keyword (`red`, `transparent`, `currentcolor`, system colours).
fn keyword(ident: &str) -> Option<Paint> {
    let i = ident.to_ascii_lowercase();
    match i.as_str() {
        "transparent" => Some(Paint::Rgba(TRANSPARENT)),
        "currentcolor" => Some(Paint::Current),
        _ => cssparser::color::parse_named_color(&i)
            .ok()
            .map(|(r, g, b)| Rgba::rgb(r as f32, g as f32, b as f32))
            .or_else(|| system(&i))
            .map(Paint::Rgba),
    }
}

/// The numbers of a colour function's arguments: (value, is a percentage);
/// angles in degrees. None when an argument is not a plain number (`var()`,
/// `none`, relative colour syntax).
fn arguments(p: &mut Parser) -> Option<Vec<(f32, bool)>> {
    let mut out = Vec::new();
    while let Ok(tok) = p.next() {
        match tok {
            Token::Number { value, .. } => out.push((*value, false)),
            Token::Percentage { unit_value, .. } => out.push((*unit_value * 100.0, true)),
            Token::Dimension { value, unit, .. } => {
                let deg = match unit.to_ascii_lowercase().as_str() {
                    "deg" => 1.0,
                    "grad" => 0.9,
                    "rad" => 180.0 / std::f32::consts::PI,
                    "turn" => 360.0,
                    _ => return None,
                };
                out.push((*value * deg, false));
            }
            Token::Comma | Token::Delim('/') => {}
            _ => return None,
        }
    }
    (out.len() == 3 || out.len() == 4).then_some(out)
}

fn function(name: &str, args: &[(f32, bool)]) -> Option<Rgba> {
    let alpha = match args.get(3) {
        Some((v, true)) => v / 100.0,
        Some((v, false)) => *v,
        None => 1.0,
    }
    .clamp(0.0, 1.0);
    let [(x, xp), (y, _), (z, _)] = [*args.first()?, *args.get(1)?, *args.get(2)?];
    match name {
        "rgb" | "rgba" => {
            let c = |(v, pct): (f32, bool)| if pct { v * 2.55 } else { v }.clamp(0.0, 255.0);
            Some(Rgba { r: c((x, xp)), g: c(*args.get(1)?), b: c(*args.get(2)?), a: alpha })
        }
        "hsl" | "hsla" => {
            let h = x.rem_euclid(360.0) / 360.0;
            let (s, l) = ((y / 100.0).clamp(0.0, 1.0), (z / 100.0).clamp(0.0, 1.0));
            // CSS Color 4, hsl to rgb.
            let f = |n: f32| {
                let k = (n + h * 12.0).rem_euclid(12.0);
                let a = s * l.min(1.0 - l);
                (l - a * (k - 3.0).min(9.0 - k).clamp(-1.0, 1.0)) * 255.0
            };
            Some(Rgba { r: f(0.0), g: f(8.0), b: f(4.0), a: alpha })
        }
        _ => None,
    }
}

/// One colour from the parser's next token(s); Err(()) when the next
/// component value is not a colour, Ok(None) when it is a colour we cannot
/// read (`lab()`, `color-mix()`, `var()`).
fn colour_token(p: &mut Parser) -> Result<Option<Paint>, ()> {
    let tok = p.next().map_err(|_| ())?.clone();
    match tok {
        Token::Hash(h) | Token::IDHash(h) => cssparser::color::parse_hash_color(h.as_bytes())
            .map(|(r, g, b, a)| Some(Paint::Rgba(Rgba { r: r as f32, g: g as f32, b: b as f32, a })))
            .map_err(|_| ()),
        Token::Ident(i) => keyword(&i).map(Some).ok_or(()),
        Token::Function(f) => {
            let f = f.to_ascii_lowercase();
            let colour_fn = matches!(f.as_str(), "rgb" | "rgba" | "hsl" | "hsla" | "hwb" | "lab" | "lch" | "oklab" | "oklch" | "color" | "color-mix" | "light-dark");
            if !colour_fn && !matches!(f.as_str(), "var" | "env" | "attr") {
                return Err(());
            }
            let args = p.parse_nested_block(|inner| Ok::<_, cssparser::ParseError<()>>(arguments(inner))).ok().flatten();
            Ok(args.and_then(|a| function(&f, &a)).map(Paint::Rgba))
        }
        _ => Err(()),
    }
}

/// A whole colour value (`color`, `background-color`). None when it is not
/// one we can read.
pub fn parse(value: &str) -> Option<Paint> {
    let mut p = Parser::new(value);
    let c = colour_token(&mut p).ok().flatten()?;
    p.expect_exhausted().ok()?;
    Some(c)
}

/// A background image layer list, as far as contrast needs it.
#[derive(Clone, Debug, PartialEq)]
pub enum Image {
    None,
    /// Gradients only: the colours they can show at any point (stops and
    /// points between them), to be painted over the background colour.
    Colours(Vec<Rgba>),
    /// An image (`url()`), `var()`, or something we do not read.
    Unknown,
}

/// Samples taken between two gradient stops (besides the stops).
const BETWEEN: usize = 6;
/// At most this many colours per background.
pub const MAX_SAMPLES: usize = 48;

/// Colours a gradient's arguments can show. None when a stop's colour
/// cannot be read.
fn gradient(p: &mut Parser) -> Option<Vec<Rgba>> {
    // (colour, positions as written) per stop; the first argument may be a direction or shape.
    let mut stops: Vec<(Rgba, Vec<String>)> = Vec::new();
    let mut first = true;
    loop {
        let (colour, positions, other, unread) = p
            .parse_until_before(cssparser::Delimiter::Comma, |a| {
                let (mut colour, mut positions, mut other, mut unread) = (None, Vec::new(), false, false);
                while !a.is_exhausted() {
                    let before = a.state();
                    match colour_token(a) {
                        Ok(Some(Paint::Rgba(c))) if colour.is_none() => colour = Some(c),
                        // currentcolor, a colour we cannot read, or two colours.
                        Ok(_) => unread = true,
                        Err(()) => {
                            a.reset(&before);
                            match a.next() {
                                Ok(Token::Percentage { .. } | Token::Dimension { .. } | Token::Number { .. }) => {
                                    positions.push(a.slice_from(before.position()).trim().to_string())
                                }
                                Ok(_) => other = true,
                                Err(_) => break,
                            }
                        }
                    }
                }
                Ok::<_, cssparser::ParseError<()>>((colour, positions, other, unread))
            })
            .ok()?;
        match colour {
            _ if unread => return None,
            Some(c) => stops.push((c, positions)),
            // A direction, shape or position comes first; a lone position is a colour hint.
            None if first || (!other && !positions.is_empty()) => {}
            None => return None,
        }
        first = false;
        if p.next().is_err() {
            break;
        }
    }
    if stops.is_empty() {
        return None;
    }
    let mut out: Vec<Rgba> = Vec::new();
    for (i, (c, at)) in stops.iter().enumerate() {
        out.push(*c);
        let Some((next, next_at)) = stops.get(i + 1) else { break };
        // Two stops at the same written position are a hard edge: nothing between them.
        let hard = at.last().is_some() && at.last() == next_at.first();
        if !hard {
            // Interpolated with premultiplied alpha, as CSS does.
            for k in 1..=BETWEEN {
                let t = k as f32 / (BETWEEN + 1) as f32;
                let (pa, na) = (c.a, next.a);
                let a = pa + (na - pa) * t;
                let ch = |x: f32, y: f32| if a > 0.0 { (x * pa + (y * na - x * pa) * t) / a } else { 0.0 };
                out.push(Rgba { r: ch(c.r, next.r), g: ch(c.g, next.g), b: ch(c.b, next.b), a });
            }
        }
    }
    out.truncate(MAX_SAMPLES);
    Some(out)
}

/// Reads image layers from the parser up to the end of the value; `colour`
/// receives a colour among them (the shorthand's final layer), and
/// `shorthand` lets keywords of the other background longhands pass.
fn layers(p: &mut Parser, shorthand: bool, colour: &mut Option<Option<Paint>>) -> Image {
    let mut colours: Vec<Rgba> = Vec::new();
    let mut gradients = 0;
    let mut unknown = false;
    while !p.is_exhausted() {
        let before = p.state();
        if shorthand {
            if let Ok(c) = colour_token(p) {
                // What an unreadable value (`var()`) stands for is not known: a colour or an image.
                unknown |= c.is_none();
                *colour = Some(c);
                continue;
            }
            p.reset(&before);
        }
        let Ok(tok) = p.next().cloned() else { break };
        match tok {
            Token::Function(f) => {
                let f = f.to_ascii_lowercase();
                let name = f.trim_start_matches("-webkit-").trim_start_matches("repeating-");
                if matches!(name, "linear-gradient" | "radial-gradient" | "conic-gradient") {
                    match p.parse_nested_block(|inner| Ok::<_, cssparser::ParseError<()>>(gradient(inner))).ok().flatten() {
                        Some(c) => {
                            gradients += 1;
                            colours.extend(c);
                        }
                        None => unknown = true,
                    }
                } else {
                    unknown = true;
                }
            }
            Token::UnquotedUrl(_) => unknown = true,
            Token::Ident(i) => {
                let i = i.to_ascii_lowercase();
                // background-clip: text paints the background through the glyphs.
                if i == "text" || !(i == "none" || shorthand) {
                    unknown = true;
                }
            }
            Token::Comma | Token::Delim('/') | Token::Number { .. } | Token::Percentage { .. } | Token::Dimension { .. } => {}
            Token::WhiteSpace(_) => {}
            _ => unknown = true,
        }
    }
    // Several gradient layers cover each other in ways their sizes decide.
    if unknown || gradients > 1 {
        Image::Unknown
    } else if colours.is_empty() {
        Image::None
    } else {
        colours.truncate(MAX_SAMPLES);
        Image::Colours(colours)
    }
}

/// `background-image`.
pub fn parse_image(value: &str) -> Image {
    let mut p = Parser::new(value);
    layers(&mut p, false, &mut None)
}

/// The `background` shorthand: (its colour, Some(None) when it has one we
/// cannot read and None when it sets none, i.e. transparent; its images).
pub fn parse_background(value: &str) -> (Option<Option<Paint>>, Image) {
    let mut p = Parser::new(value);
    let mut colour = None;
    let image = layers(&mut p, true, &mut colour);
    (colour, image)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgba(v: &str) -> Option<(u8, u8, u8, f32)> {
        match parse(v)? {
            Paint::Rgba(c) => Some((c.r.round() as u8, c.g.round() as u8, c.b.round() as u8, (c.a * 100.0).round() / 100.0)),
            Paint::Current => None,
        }
    }

    #[test]
    fn colour_values() {
        assert_eq!(rgba("#AAA"), Some((170, 170, 170, 1.0)));
        assert_eq!(rgba("#11223380"), Some((17, 34, 51, 0.5)));
        assert_eq!(rgba("white"), Some((255, 255, 255, 1.0)));
        assert_eq!(rgba("Transparent"), Some((0, 0, 0, 0.0)));
        assert_eq!(rgba("rgba(0,0,0,.3)"), Some((0, 0, 0, 0.3)));
        assert_eq!(rgba("rgb(90 90 90 / 80%)"), Some((90, 90, 90, 0.8)));
        assert_eq!(rgba("rgb(100%, 0%, 50%)"), Some((255, 0, 128, 1.0)));
        assert_eq!(rgba("hsl(120, 100%, 25%)"), Some((0, 128, 0, 1.0)));
        assert_eq!(rgba("hsl(0.5turn 100% 50% / 0.5)"), Some((0, 255, 255, 0.5)));
        assert_eq!(rgba("ButtonFace"), Some((239, 239, 239, 1.0)));
        assert_eq!(parse("currentColor"), Some(Paint::Current));
        for unread in ["var(--fg)", "lab(50% 40 59)", "color-mix(in srgb, red, blue)", "rgb(var(--r) 0 0)", "red blue", "bogus", ""] {
            assert_eq!(rgba(unread), None, "{unread}");
        }
    }

    #[test]
    fn contrast_and_compositing() {
        assert!((contrast(BLACK, WHITE) - 21.0).abs() < 0.01);
        assert!((contrast(Rgba::rgb(170.0, 170.0, 170.0), WHITE) - 2.32).abs() < 0.01);
        assert!((contrast(Rgba::rgb(119.0, 119.0, 119.0), Rgba::rgb(238.0, 238.0, 238.0)) - 3.86).abs() < 0.01);
        let grey = Rgba { r: 0.0, g: 0.0, b: 0.0, a: 0.3 }.over(WHITE);
        assert_eq!(grey.hex(), "#b3b3b3");
        assert_eq!(TRANSPARENT.over(WHITE), WHITE);
        assert_eq!(Rgba::toward(WHITE, BLACK, 0.5).hex(), "#808080");
    }

    #[test]
    fn backgrounds() {
        let (c, i) = parse_background("#000 no-repeat -20px -20px url('/a.jpeg')");
        assert_eq!(c, Some(Some(Paint::Rgba(BLACK))));
        assert_eq!(i, Image::Unknown);
        let (c, i) = parse_background("linear-gradient(to right, #FFF, #00F)");
        assert_eq!(c, None);
        let Image::Colours(cs) = i else { panic!("gradient read") };
        assert_eq!(cs.first().map(|c| c.hex()), Some("#ffffff".into()));
        assert_eq!(cs.last().map(|c| c.hex()), Some("#0000ff".into()));
        assert_eq!(cs.len(), 2 + BETWEEN);
        // Hard stops: nothing between transparent at 3.3em and black at 3.3em.
        let Image::Colours(cs) = parse_image("linear-gradient(90deg, transparent, transparent 3.3em, black 3.3em, black 6em)") else { panic!() };
        assert!(cs.iter().all(|c| c.a == 0.0 || c.hex() == "#000000"), "{cs:?}");
        assert_eq!(parse_image("none"), Image::None);
        assert_eq!(parse_image("url(a.png), linear-gradient(red, blue)"), Image::Unknown);
        assert_eq!(parse_image("linear-gradient(red, blue), linear-gradient(red, blue)"), Image::Unknown);
        assert_eq!(parse_image("linear-gradient(var(--a), blue)"), Image::Unknown);
        assert_eq!(parse_background("white").0, Some(Some(Paint::Rgba(WHITE))));
        assert_eq!(parse_background("var(--bg)").1, Image::Unknown);
        assert_eq!(parse_background("none").0, None);
        assert_eq!(parse_background("padding-box text linear-gradient(red, blue)").1, Image::Unknown);
    }
}
