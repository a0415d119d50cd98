//! Text alternatives for images: `<img>`, image maps, image buttons, `role=img`, SVG and `<object>`
//! (WCAG 1.1.1), plus server-side image maps, which only a pointer can use.
//!
//! Each rule's record follows its check; [`RULES`] lists the family, each rule with its
//! catalogue position (the public order, see [`super::RULES`]); the cases are in `tests` below.
use super::common::*;

pub fn image_alt(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["img"]), false, |c, e| name_is(e, "img") && no_explicit_name_required(c, e), |c, e| {
        if attr(e, "alt").is_some_and(|a| !a.is_empty() && a.trim_matches(|ch: char| ch.is_whitespace()).is_empty()) {
            return V::Fail;
        }
        pass_if(attr(e, "alt").is_some() || aria_named(c, e) || presentational(c, e))
    })
}

pub const IMAGE_ALT: Rule = Rule {
    id: "image-alt",
    domain: Domain::Accessibility,
    severity: Severity::Critical,
    title: "Images must have alternative text",
    description: "Every <img> needs an alt attribute (empty for decorative images) or another accessible name.",
    references: &[wcag("1.1.1 (A)"), axe_ref!("image-alt")],
    fix: Fix {
        summary: "Add alt text describing the image, or alt=\"\" if it is decorative.",
        steps: &["Add an alt attribute to each listed <img>", "Use alt=\"\" for purely decorative images"],
        estimated_minutes: 5,
    },
    impact: CRITICAL,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: STATIC,
    check: image_alt,
};

pub fn area_alt(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Named(&["area"]),
        true,
        |_, e| name_is(e, "area") && attr(e, "href").is_some() && ancestors(e).any(|a| name_is(a, "map")),
        |c, e| pass_if(nonempty(attr(e, "alt")) || aria_named(c, e)),
    )
}

pub const AREA_ALT: Rule = Rule {
    id: "area-alt",
    domain: Domain::Accessibility,
    severity: Severity::Critical,
    title: "Active <area> elements must have alternative text",
    description: "Image map areas need alt text.",
    references: &[wcag("2.4.4 (A)"), wcag("4.1.2 (A)"), axe_ref!("area-alt")],
    fix: Fix { summary: "Add alt to each <area href>.", steps: &["Add alt text"], estimated_minutes: 5 },
    impact: CRITICAL,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: STATIC,
    check: area_alt,
};

pub fn input_image_alt(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Named(&["input"]),
        false,
        |c, e| name_is(e, "input") && input_type(e) == "image" && no_explicit_name_required(c, e),
        |c, e| pass_if(nonempty(attr(e, "alt")) || aria_named(c, e) || has_label(c, e)),
    )
}

pub const INPUT_IMAGE_ALT: Rule = Rule {
    id: "input-image-alt",
    domain: Domain::Accessibility,
    severity: Severity::Critical,
    title: "Image buttons must have alternative text",
    description: "<input type=image> needs alt text.",
    references: &[wcag("1.1.1 (A)"), wcag("4.1.2 (A)"), axe_ref!("input-image-alt")],
    fix: Fix {
        summary: "Add alt text to the image button.",
        steps: &["Add alt describing the action"],
        estimated_minutes: 3,
    },
    impact: CRITICAL,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: STATIC,
    check: input_image_alt,
};

pub fn role_img_alt(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::WithAttr(&["role"]),
        false,
        |_, e| {
            is_html(e)
                && attr(e, "role").is_some_and(|r| r.trim().eq_ignore_ascii_case("img"))
                && !matches!(e.value().name(), "img" | "area" | "input" | "object")
        },
        |c, e| pass_if(aria_named(c, e)),
    )
}

pub const ROLE_IMG_ALT: Rule = Rule {
    id: "role-img-alt",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "[role=\"img\"] elements must have alternative text",
    description: "Elements with role=img need an accessible name.",
    references: &[wcag("1.1.1 (A)"), axe_ref!("role-img-alt")],
    fix: Fix { summary: "Add aria-label or aria-labelledby.", steps: &["Add aria-label"], estimated_minutes: 3 },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: STATIC,
    check: role_img_alt,
};

pub fn svg_img_alt(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::WithAttr(&["role"]),
        false,
        |_, e| {
            let r = attr(e, "role").map(|r| r.trim().to_ascii_lowercase());
            is_svg(e)
                && (matches!(r.as_deref(), Some("img" | "graphics-symbol"))
                    || (name_is(e, "svg") && r.as_deref() == Some("graphics-document")))
        },
        |c, e| {
            let svg_title = e
                .children()
                .filter_map(ElementRef::wrap)
                .find(|t| name_is(*t, "title"))
                .is_some_and(|t| !subtree_text(c, t).is_empty() || !sanitize(&t.text().collect::<String>()).is_empty());
            pass_if(svg_title || aria_named(c, e))
        },
    )
}

pub const SVG_IMG_ALT: Rule = Rule {
    id: "svg-img-alt",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "<svg> elements with an img role must have alternative text",
    description: "SVG images need a <title> or aria label.",
    references: &[wcag("1.1.1 (A)"), axe_ref!("svg-img-alt")],
    fix: Fix {
        summary: "Add a <title> child or aria-label.",
        steps: &["Add <title> inside the svg"],
        estimated_minutes: 3,
    },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: STATIC,
    check: svg_img_alt,
};

pub fn object_alt(page: &Analysis) -> Outcome {
    // axe's object-is-loaded-matches: only objects whose role needs a name.
    run_in(page, Candidates::Named(&["object"]), false, |c, e| name_is(e, "object") && nonempty(attr(e, "data")) && no_explicit_name_required(c, e), |c, e| {
        if aria_named(c, e) || presentational(c, e) {
            return V::Pass;
        }
        // Fallback content shows when `data` does not load; when it holds an
        // image with a text alternative, what users get depends on whether
        // it loads, which only a browser knows: a person decides.
        // When `type` or the URL says the data is an image, it renders an
        // image either way that has no name: a violation.
        let data = attr(e, "data").unwrap_or("").to_ascii_lowercase();
        let path = data.split(['?', '#']).next().unwrap_or("");
        let image = attr(e, "type").is_some_and(|t| t.trim().to_ascii_lowercase().starts_with("image/"))
            || [".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".bmp", ".ico"].iter().any(|x| path.ends_with(x));
        if !image && e.descendants().skip(1).filter_map(ElementRef::wrap).any(|d| name_is(d, "img") && nonempty(attr(d, "alt"))) {
            return V::Review;
        }
        V::Fail
    })
}

pub const OBJECT_ALT: Rule = Rule {
    id: "object-alt",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "<object> elements must have alternative text",
    description: "Objects need an accessible name.",
    references: &[wcag("1.1.1 (A)"), axe_ref!("object-alt")],
    fix: Fix { summary: "Add aria-label or title.", steps: &["Add aria-label to the object"], estimated_minutes: 3 },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: "Whether the object loaded (axe's applicability) is not known statically: an object whose fallback content holds an image with alt text needs review, unless its `type` or URL says the data is an image.",
    check: object_alt,
};

pub fn image_redundant_alt(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["img"]), false, |_, e| name_is(e, "img"), |c, e| {
        let alt = sanitize(attr(e, "alt").unwrap_or("")).to_lowercase();
        if alt.is_empty() || presentational(c, e) {
            return V::Pass;
        }
        // The alt repeats the text of the enclosing link, button, label, paragraph,
        // list item or table cell (the unit read together with the image).
        let parent = ancestors(e).find(|a| {
            matches!(c.role(*a), Some("button" | "link")) || matches!(a.value().name(), "button" | "a" | "label" | "li" | "p" | "td" | "th")
        });
        match parent {
            Some(p) => {
                let own: String = p
                    .descendants()
                    .filter_map(|n| match n.value() {
                        Node::Text(t) => Some(t.to_string()),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                pass_if(sanitize(&own).to_lowercase() != alt)
            }
            None => V::Pass,
        }
    })
}

pub const IMAGE_REDUNDANT_ALT: Rule = Rule {
    id: "image-redundant-alt",
    domain: Domain::Accessibility,
    severity: Severity::Low,
    title: "Alternative text of images should not be repeated as text",
    description: "Alt text that repeats adjacent link or button text is read twice.",
    references: &[axe_ref!("image-redundant-alt")],
    fix: Fix {
        summary: "Use alt=\"\" when text already describes the image.",
        steps: &["Empty the redundant alt"],
        estimated_minutes: 2,
    },
    impact: MINOR,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::BestPractice, Harm::Annoys),
    limits: STATIC,
    check: image_redundant_alt,
};

pub fn server_side_image_map(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["img"]), false, |_, e| name_is(e, "img") && attr(e, "ismap").is_some(), |_, _| V::Review)
}

pub const SERVER_SIDE_IMAGE_MAP: Rule = Rule {
    id: "server-side-image-map",
    domain: Domain::Accessibility,
    severity: Severity::Low,
    title: "Server-side image maps must not be used",
    description: "Server-side maps are not keyboard accessible (needs review).",
    references: &[wcag("2.1.1 (A)"), axe_ref!("server-side-image-map")],
    fix: Fix { summary: "Use a client-side map.", steps: &["Replace ismap"], estimated_minutes: 15 },
    impact: MINOR,
    effort: Effort::Redesign as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: STATIC,
    check: server_side_image_map,
};

/// This family's rules with their catalogue positions.
pub(super) const RULES: &[(u16, Rule)] = &[
    (1, IMAGE_ALT),
    (12, AREA_ALT),
    (13, INPUT_IMAGE_ALT),
    (14, ROLE_IMG_ALT),
    (15, SVG_IMG_ALT),
    (16, OBJECT_ALT),
    (17, IMAGE_REDUNDANT_ALT),
    (60, SERVER_SIDE_IMAGE_MAP),
];

#[cfg(test)]
mod tests {
    use super::RULES;

    /// (rule id, passing body, failing body); bodies starting with `<!` are whole documents.
    const CASES: &[(&str, &str, &str)] = &[
        ("image-alt", r#"<img src=a alt="A cat">"#, r#"<img src=a>"#),
        ("area-alt", r#"<map name=m><area href=a alt="Home"></map>"#, r#"<map name=m><area href=a></map>"#),
        ("input-image-alt", r#"<input type=image src=a alt="Go">"#, r#"<input type=image src=a>"#),
        ("role-img-alt", r#"<div role=img aria-label="Chart"></div>"#, r#"<div role=img></div>"#),
        ("svg-img-alt", r#"<svg role=img><title>Logo</title></svg>"#, r#"<svg role=img></svg>"#),
        ("object-alt", r#"<object data=a.swf title="Game"></object>"#, r#"<object data=a.swf></object>"#),
        ("image-redundant-alt", r#"<a href=a><img src=i alt="Logo">Home</a>"#, r#"<a href=a><img src=i alt="Home">Home</a>"#),
        ("server-side-image-map", r#"<img src=a alt=x>"#, r#"<a href=m><img src=a alt=x ismap></a>"#),
    ];

    #[test]
    fn pass_and_fail_cases() {
        super::super::tests::pass_and_fail(RULES, CASES);
    }

    /// An object whose fallback holds an image with alt text may show that
    /// fallback (ACT 8fc3b6, Inapplicable Example 8): review, not a violation;
    /// other fallback content does not name the object (axe's fixtures).
    #[test]
    fn object_fallback_with_an_image_alternative_needs_review() {
        let doc = |inner: &str| format!("<!doctype html><html lang=en><title>t</title><body><object data=/x.html>{inner}</object></body></html>");
        assert_eq!(super::super::tests::verdict("object-alt", &doc("<img src=logo.png alt=\"W3C logo\">")), "review");
        // Data that is an image renders as one, fallback or not (ACT 8fc3b6, Failed Example 5).
        let img = "<!doctype html><html lang=en><title>t</title><body><object data=/logo.png><img src=logo.png alt=logo></object></body></html>";
        assert_eq!(super::super::tests::verdict("object-alt", img), "fail");
        assert_eq!(super::super::tests::verdict("object-alt", &doc("This object has text.")), "fail");
        assert_eq!(super::super::tests::verdict("object-alt", &doc("<div></div>")), "fail");
    }

}
