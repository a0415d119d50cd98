//! Accessible names of native controls: links, buttons, `<input type=button>`, `<summary>`,
//! frames, and whether a visible label is part of the name (label in name, 2.5.3).
//!
//! Each rule's record follows its check; [`RULES`] lists the family, each rule with its
//! catalogue position (the public order, see [`super::RULES`]); the cases are in `tests` below.
use super::common::*;

pub fn link_name(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["a"]), false, |_, e| name_is(e, "a") && attr(e, "href").is_some(), |c, e| {
        pass_if(has_visible_text(c, e) || aria_named(c, e))
    })
}

pub const LINK_NAME: Rule = Rule {
    id: "link-name",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "Links must have discernible text",
    description: "Links need text, an aria-label, aria-labelledby or title so users know where they go.",
    references: &[wcag("2.4.4 (A)"), wcag("4.1.2 (A)"), axe_ref!("link-name")],
    fix: Fix {
        summary: "Give each link an accessible name.",
        steps: &["Add link text", "or add aria-label to icon links"],
        estimated_minutes: 5,
    },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: STATIC,
    check: link_name,
};

pub fn button_name(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["button"]), false, |c, e| name_is(e, "button") && no_explicit_name_required(c, e), |c, e| {
        pass_if(has_visible_text(c, e) || aria_named(c, e) || has_label(c, e) || presentational(c, e))
    })
}

pub const BUTTON_NAME: Rule = Rule {
    id: "button-name",
    domain: Domain::Accessibility,
    severity: Severity::Critical,
    title: "Buttons must have discernible text",
    description: "Buttons need an accessible name that says what they do.",
    references: &[wcag("4.1.2 (A)"), axe_ref!("button-name")],
    fix: Fix {
        summary: "Give each button text or an aria-label.",
        steps: &["Add text content or aria-label to the button"],
        estimated_minutes: 5,
    },
    impact: CRITICAL,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: STATIC,
    check: button_name,
};

pub fn input_button_name(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Named(&["input"]),
        false,
        |c, e| {
            name_is(e, "input")
                && matches!(input_type(e), "button" | "submit" | "reset")
                && attr(e, "type").is_some_and(|t| matches!(t.trim().to_ascii_lowercase().as_str(), "button" | "submit" | "reset"))
                && no_explicit_name_required(c, e)
        },
        |c, e| {
            let ty = input_type(e);
            let default_label = attr(e, "value").is_none() && ty != "button";
            pass_if(default_label || nonempty(attr(e, "value")) || aria_named(c, e) || has_label(c, e) || presentational(c, e))
        },
    )
}

pub const INPUT_BUTTON_NAME: Rule = Rule {
    id: "input-button-name",
    domain: Domain::Accessibility,
    severity: Severity::Critical,
    title: "Input buttons must have discernible text",
    description: "Input buttons need a value or label.",
    references: &[wcag("4.1.2 (A)"), axe_ref!("input-button-name")],
    fix: Fix { summary: "Add a value attribute.", steps: &["Set value=\"…\""], estimated_minutes: 2 },
    impact: CRITICAL,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: STATIC,
    check: input_button_name,
};

pub fn summary_name(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Named(&["summary"]),
        false,
        |_, e| {
            name_is(e, "summary")
                && e.parent().and_then(ElementRef::wrap).is_some_and(|p| {
                    name_is(p, "details")
                        && p.children().filter_map(ElementRef::wrap).find(|c| name_is(*c, "summary")).map(|s| s.id())
                            == Some(e.id())
                })
        },
        |c, e| pass_if(has_visible_text(c, e) || aria_named(c, e)),
    )
}

pub const SUMMARY_NAME: Rule = Rule {
    id: "summary-name",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "Summary elements must have discernible text",
    description: "A <details> summary needs text.",
    references: &[wcag("4.1.2 (A)"), axe_ref!("summary-name")],
    fix: Fix { summary: "Add text to <summary>.", steps: &["Add text"], estimated_minutes: 2 },
    impact: SERIOUS,
    effort: Effort::Markup as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: STATIC,
    check: summary_name,
};

pub fn frame_title(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Named(&["iframe", "frame"]),
        false,
        |_, e| matches!(e.value().name(), "iframe" | "frame") && tabindex(e).is_none_or(|t| t >= 0),
        |c, e| {
            // Presentational frames pass unless global ARIA, a tabindex or a title re-expose them.
            let pres = matches!(explicit_role(e), Some("none" | "presentation"))
                && !aria::has_global_aria(e)
                && attr(e, "tabindex").is_none()
                && attr(e, "title").is_none();
            pass_if(aria_named(c, e) || pres)
        },
    )
}

pub const FRAME_TITLE: Rule = Rule {
    id: "frame-title",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "Frames must have an accessible name",
    description: "Frames and iframes need a title or aria-label describing their content.",
    references: &[wcag("4.1.2 (A)"), axe_ref!("frame-title")],
    fix: Fix {
        summary: "Add a title attribute to each iframe.",
        steps: &["Add title=\"…\" to the iframe"],
        estimated_minutes: 2,
    },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: frame_title,
};

pub fn frame_title_unique(page: &Analysis) -> Outcome {
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let mut by_title: HashMap<String, Vec<ElementRef>> = HashMap::new();
    for e in ctx.candidates(Candidates::Named(&["iframe", "frame"])) {
        if matches!(e.value().name(), "iframe" | "frame") && nonempty(attr(e, "title")) && !ctx.hidden_from_at(e) {
            by_title.entry(sanitize(attr(e, "title").unwrap_or("")).to_lowercase()).or_default().push(e);
        }
    }
    let applicable = !by_title.is_empty();
    let mut reviews: Vec<ElementRef> = by_title.into_values().filter(|v| v.len() > 1).flatten().collect();
    reviews.sort_by_key(|e| ctx.position(*e));
    finish(page, applicable, &[], &reviews)
}

pub const FRAME_TITLE_UNIQUE: Rule = Rule {
    id: "frame-title-unique",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "Frames must have a unique title attribute",
    description: "Frames sharing a title cannot be told apart (needs review, as in axe).",
    references: &[wcag("4.1.2 (A)"), axe_ref!("frame-title-unique")],
    fix: Fix { summary: "Give each frame a distinct title.", steps: &["Edit titles"], estimated_minutes: 3 },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: frame_title_unique,
};

pub fn label_content_name_mismatch(page: &Analysis) -> Outcome {
    use super::label_in_name::{compare, visible_text, Verdict};
    run_in(
        page,
        Candidates::WithAttr(&["aria-label", "aria-labelledby"]),
        false,
        |c, e| {
            let widget_from_content = c.role(e).and_then(role_info).is_some_and(|i| i.kind == Kind::Widget && i.name_from_content);
            widget_from_content && (has_aria_label(e) || nonempty(attr(e, "aria-labelledby")))
        },
        |c, e| {
            // A control with no visible text passes whatever its name: skip
            // computing the name (a page can give a thousand of them one).
            let visible = visible_text(e);
            let name = if visible.trim().is_empty() { String::new() } else { accessible_name(c, e) };
            match compare(&visible, &name) {
            Verdict::Pass => V::Pass,
            Verdict::Fail => V::Fail,
            Verdict::Review => V::Review,
            }
        },
    )
}

pub const LABEL_CONTENT_NAME_MISMATCH: Rule = Rule {
    id: "label-content-name-mismatch",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "Elements labelled through their content must have their visible text as part of their accessible name",
    description: "Speech-input users say what they see; an aria-label that does not contain the visible text breaks voice control.",
    references: &[wcag("2.5.3 (A)"), axe_ref!("label-content-name-mismatch")],
    fix: Fix {
        summary: "Make the aria-label / aria-labelledby text start with or contain the visible label.",
        steps: &["Include the visible words, in order, in the accessible name", "or remove the aria-label"],
        estimated_minutes: 5,
    },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: "Text hidden by stylesheet classes and icon-font ligatures are invisible to us; very short or symbol-only text needs review.",
    check: label_content_name_mismatch,
};

/// The parts of a link's URL axe compares (`urlPropsFromAttribute`): https
/// and ftps read as http and ftp, default ports dropped, the path without
/// its file name and with a trailing slash, `index.*` files ignored, the
/// query as an unordered map, and the fragment only when it is a route
/// (`#!` or `#/`).
#[derive(PartialEq, Eq)]
struct UrlProps {
    protocol: String,
    host: String,
    port: String,
    path: String,
    query: std::collections::BTreeMap<String, String>,
    hash: String,
    file: String,
}

/// A fragment-only href that is not a route (`#!`, `#/`): `url_props` gives
/// it the page's own parts. The URL parser drops tabs and newlines, so they
/// are skipped before the route check.
fn in_page_anchor(href: &str) -> bool {
    href.trim().strip_prefix('#').is_some_and(|f| !f.trim_start_matches(['\t', '\n', '\r']).starts_with(['!', '/']))
}

fn url_props(base: &url::Url, href: &str) -> Option<UrlProps> {
    let u = base.join(href.trim()).ok()?;
    let protocol = match u.scheme() {
        "https" => "http".to_string(),
        "ftps" => "ftp".to_string(),
        s => s.to_string(),
    };
    let port = u.port().map(|p| p.to_string()).filter(|p| p != "443" && p != "80").unwrap_or_default();
    let full = if u.path().starts_with('/') { u.path().to_string() } else { format!("/{}", u.path()) };
    let last = full.rsplit('/').next().unwrap_or("");
    let (mut path, file) = if last.contains('.') {
        let file = if last.find("index").is_some_and(|i| i + 5 < last.len()) { String::new() } else { last.to_string() };
        (full.replacen(last, "", 1), file)
    } else {
        (full.clone(), String::new())
    };
    if !path.ends_with('/') {
        path.push('/');
    }
    let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
    let query = u
        .query()
        .filter(|q| !q.is_empty())
        .map(|q| {
            q.split('&')
                .map(|pair| {
                    let mut kv = pair.splitn(2, '=');
                    (decode(kv.next().unwrap_or("")), decode(kv.next().unwrap_or("").split('=').next().unwrap_or("")))
                })
                .collect()
        })
        .unwrap_or_default();
    let hash = match u.fragment() {
        Some(f) if f.starts_with('!') || f.starts_with('/') => format!("#{f}"),
        _ => String::new(),
    };
    Some(UrlProps { protocol, host: u.host_str().unwrap_or("").to_string(), port, path, query, hash, file })
}

/// axe's link-name normalisation: punctuation, symbols and emoji removed,
/// whitespace collapsed, lower case.
fn link_purpose_name_into(out: &mut String, name: &str) {
    let dropped = |ch: char| {
        let c = ch as u32;
        ch.is_ascii_punctuation()
            || matches!(ch, '£' | '¢' | '¥' | '§' | '€' | '±')
            || (0x2000..=0x206F).contains(&c)
            || (0x2E00..=0x2E7F).contains(&c)
            || (0x1D00..=0x1DFF).contains(&c)
            || (0x20A0..=0x27BF).contains(&c)
            || (0xE000..=0xF8FF).contains(&c)
            || (0xFE00..=0xFE0F).contains(&c)
            || c >= 0x1F000
    };
    let start = out.len();
    let mut space = false;
    if name.is_ascii() {
        // The same steps per byte: only ASCII punctuation is dropped, and
        // ASCII white space is U+0009–U+000D and the space.
        out.reserve(name.len());
        for b in name.bytes().filter(|b| !b.is_ascii_punctuation()) {
            if matches!(b, b'\t'..=b'\r' | b' ') {
                space = out.len() > start;
            } else {
                if space {
                    out.push(' ');
                    space = false;
                }
                out.push(char::from(b.to_ascii_lowercase()));
            }
        }
        return;
    }
    for ch in name.chars().filter(|c| !dropped(*c)) {
        if ch.is_whitespace() {
            space = out.len() > start;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            if ch.is_ascii() {
                out.push(ch.to_ascii_lowercase());
            } else {
                out.extend(ch.to_lowercase());
            }
        }
    }
}

/// A link's name without the full computation when it is plain text: no
/// ARIA naming attributes and only text children (most links). Written into
/// `buf`, which is reused from link to link.
fn link_name_text_into(ctx: &Ctx, e: ElementRef, aria_named: bool, buf: &mut String) {
    buf.clear();
    // Hidden links keep the full computation (their name is empty).
    let plain = !aria_named
        && e.children().all(|c| c.value().is_text())
        && !ctx.hidden_from_at(e);
    if plain {
        e.children().filter_map(|c| c.value().as_text().map(|t| &**t)).for_each(|t| buf.push_str(t));
        if buf.split_whitespace().next().is_some() {
            return;
        }
        buf.clear();
    }
    buf.push_str(&accessible_name(ctx, e));
}

pub fn identical_links_same_purpose(page: &Analysis) -> Outcome {
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let base = &page.page.final_url;
    // Every link's purpose name goes into one arena, keyed by a keyed hash;
    // sorting (hash, document position) puts each name's links together in
    // document order. A link flood thus costs one sort of small pairs, not a
    // hash table of 150 000 strings (whose cache misses dominated).
    let hasher = std::collections::hash_map::RandomState::new();
    let links = ctx.candidates(Candidates::Union(&[Candidates::Named(&["a", "area"]), Candidates::WithAttr(&["role"])]));
    let mut arena = String::new();
    let mut text = String::new();
    // (hash, link number); per link number its element, href and name span.
    let mut keys: Vec<(u64, u32)> = Vec::with_capacity(links.len());
    let mut named: Vec<(ElementRef, Option<&str>, std::ops::Range<usize>)> = Vec::with_capacity(links.len());
    for e in links {
        // The attributes read per link, in one pass (a flood has 150 000).
        let [href, role, label, labelledby] = e.value().attrs_of(["href", "role", "aria-label", "aria-labelledby"]);
        let selected = (matches!(e.value().name(), "a" | "area") && href.is_some()) || role == Some("link");
        if !selected || ctx.role(e).is_some_and(|r| r != "link") {
            continue;
        }
        let start = arena.len();
        link_name_text_into(&ctx, e, label.is_some() || labelledby.is_some(), &mut text);
        link_purpose_name_into(&mut arena, &text);
        if arena.len() == start {
            continue;
        }
        let name = &arena[start..];
        keys.push((std::hash::BuildHasher::hash_one(&hasher, name), named.len() as u32));
        named.push((e, href, start..arena.len()));
    }
    keys.sort_unstable();
    let name_of = |i: u32| named.get(i as usize).and_then(|(_, _, r)| arena.get(r.clone())).unwrap_or("");
    // Per run of equal hashes, each distinct name's first link and whether
    // every later link with that name goes to the same place.
    let mut reviews: Vec<u32> = Vec::new();
    let mut firsts: Vec<(u32, Option<Option<UrlProps>>, bool)> = Vec::new();
    let page_props = std::cell::OnceCell::new();
    let mut run_start = 0;
    while run_start < keys.len() {
        let hash = keys[run_start].0;
        let run_end = keys[run_start..].iter().position(|k| k.0 != hash).map_or(keys.len(), |n| run_start + n);
        // Within a run (one name, unless two names' hashes collide), links
        // are in document order; firsts: (first link, its URL parts, same).
        firsts.clear();
        for &(_, i) in &keys[run_start..run_end] {
            let name = name_of(i);
            let href = named.get(i as usize).and_then(|n| n.1);
            match firsts.iter_mut().find(|f| name_of(f.0) == name) {
                None => firsts.push((i, None, true)),
                Some((_, _, false)) => {}
                Some((first, props, same)) => {
                    let first_href = named.get(*first as usize).and_then(|n| n.1);
                    *same = match (first_href, href) {
                        (Some(a), Some(b)) if a == b => true,
                        (Some(a), Some(b)) => {
                            let p = props.get_or_insert_with(|| url_props(base, a));
                            // An in-page anchor is the page itself: its parts are
                            // computed once, not parsed again for every such link.
                            p.is_some() && if in_page_anchor(b) { p == page_props.get_or_init(|| url_props(base, "#")) } else { *p == url_props(base, b) }
                        }
                        _ => false,
                    };
                }
            }
        }
        reviews.extend(firsts.iter().filter(|f| !f.2).map(|f| f.0));
        run_start = run_end;
    }
    reviews.sort_unstable();
    let reviews: Vec<ElementRef> = reviews.iter().filter_map(|i| named.get(*i as usize).map(|n| n.0)).collect();
    finish(page, !named.is_empty(), &[], &reviews)
}

pub const IDENTICAL_LINKS_SAME_PURPOSE: Rule = Rule {
    id: "identical-links-same-purpose",
    domain: Domain::Accessibility,
    severity: Severity::Low,
    title: "Links with the same name must have a similar purpose",
    description: "Links whose accessible names match but whose URLs differ need a look: the same words should lead to the same place.",
    references: &[wcag("2.4.9 (AAA)"), axe_ref!("identical-links-same-purpose")],
    fix: Fix { summary: "Name links by where they go.", steps: &["Give links to different places different names", "Or point them at the same resource"], estimated_minutes: 5 },
    impact: MINOR,
    effort: Effort::Markup as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: "Needs review only (as axe): whether two different URLs serve the same purpose takes a person. URLs are compared as written, resolved against the page URL (no redirects followed).",
    check: identical_links_same_purpose,
};

/// This family's rules with their catalogue positions.
pub(super) const RULES: &[(u16, Rule)] = &[
    (5, LINK_NAME),
    (6, BUTTON_NAME),
    (18, INPUT_BUTTON_NAME),
    (29, SUMMARY_NAME),
    (8, FRAME_TITLE),
    (32, FRAME_TITLE_UNIQUE),
    (81, LABEL_CONTENT_NAME_MISMATCH),
    (86, IDENTICAL_LINKS_SAME_PURPOSE),
];

#[cfg(test)]
mod tests {
    use super::RULES;

    /// (rule id, passing body, failing body); bodies starting with `<!` are whole documents.
    const CASES: &[(&str, &str, &str)] = &[
        ("link-name", r#"<a href="/x">Docs</a>"#, r#"<a href="/x"><img src=i alt=""></a>"#),
        ("button-name", r#"<button>Save</button>"#, r#"<button></button>"#),
        ("input-button-name", r#"<input type=button value="Go">"#, r#"<input type=button>"#),
        ("summary-name", r#"<details><summary>More</summary>x</details>"#, r#"<details><summary></summary>x</details>"#),
        ("frame-title", r#"<iframe src=a title="Map"></iframe>"#, r#"<iframe src=a></iframe>"#),
        ("frame-title-unique", r#"<iframe title=a></iframe><iframe title=b></iframe>"#, r#"<iframe title=a></iframe><iframe title=a></iframe>"#),
        ("label-content-name-mismatch", r#"<button aria-label="Next page in the list">Next page</button>"#, r#"<button aria-label="Continue">Next page</button>"#),
        ("identical-links-same-purpose", r#"<a href="/a?x=1&y=2">Home</a><a href="/a/?y=2&x=1#top">home!</a>"#, r#"<a href="/a">Home</a><a href="/b">Home</a>"#),
    ];

    #[test]
    fn pass_and_fail_cases() {
        super::super::tests::pass_and_fail(RULES, CASES);
    }

    /// Every href taken as an in-page anchor has the page's own URL parts,
    /// and routes and other references are not taken for one.
    #[test]
    fn in_page_anchors_have_the_pages_parts() {
        use super::{in_page_anchor, url_props};
        let base = url::Url::parse("https://example.com/docs/index.html?b=2&a=1#top").unwrap();
        let page = url_props(&base, "#");
        assert!(page.is_some());
        for h in ["#", "#r1", " #more ", "#\tx", "#x!", "#?q=1"] {
            assert!(in_page_anchor(h), "{h:?}");
            assert!(url_props(&base, h) == page, "{h:?}");
        }
        for h in ["#!/r", "#/r", "#\n/r", "#\t!r", "?b=2&a=1", "/docs/", "x#y", ""] {
            assert!(!in_page_anchor(h), "{h:?}");
        }
        assert!(url_props(&base, "#/r") != page && url_props(&base, "#\n/r") != page);
    }
}
