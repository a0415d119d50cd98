//! What low-vision users change about the presentation: zoom (the viewport `<meta>`) and text
//! spacing (inline `!important` styles).
//!
//! Each rule's record follows its check; [`RULES`] lists the family, each rule with its
//! catalogue position (the public order, see [`super::RULES`]); the cases are in `tests` below.
use super::common::*;

fn viewport_blocks_zoom(content: &str, minimum: f64, lower_bound: Option<f64>) -> bool {
    let mut map: HashMap<String, String> = HashMap::new();
    for item in content.split([';', ',']) {
        let item = item.trim();
        let mut kv = item.split('=');
        let (Some(k), Some(v)) = (kv.next(), kv.next()) else { continue };
        let (k, mut v) = (k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase());
        if k.is_empty() || v.is_empty() {
            continue;
        }
        if k == "maximum-scale" && v == "yes" {
            v = "1".into();
        }
        if k == "maximum-scale" && parse_float(&v).is_some_and(|f| f < 0.0) {
            continue;
        }
        map.insert(k, v);
    }
    let max = map.get("maximum-scale").and_then(|v| parse_float(v));
    if let Some(lb) = lower_bound {
        if max.is_some_and(|m| m < lb) {
            return false;
        }
    } else {
        if let Some(us) = map.get("user-scalable") {
            if us == "no" {
                return true;
            }
            if parse_float(us).is_some_and(|f| f > -1.0 && f < 1.0) {
                return true;
            }
        }
    }
    max.is_some_and(|m| m < minimum)
}

fn meta_viewport_rule(page: &Analysis, minimum: f64, lower_bound: Option<f64>) -> Outcome {
    run_in(
        page,
        Candidates::Named(&["meta"]),
        true,
        |_, e| name_is(e, "meta") && attr(e, "name").is_some_and(|n| n.eq_ignore_ascii_case("viewport")),
        move |_, e| pass_if(!viewport_blocks_zoom(attr(e, "content").unwrap_or(""), minimum, lower_bound)),
    )
}

pub fn meta_viewport(page: &Analysis) -> Outcome {
    meta_viewport_rule(page, 2.0, None)
}

pub const META_VIEWPORT: Rule = Rule {
    id: "meta-viewport",
    domain: Domain::Accessibility,
    severity: Severity::Medium,
    title: "Zooming and scaling must not be disabled",
    description: "user-scalable=no or a maximum-scale below 2 prevents people with low vision from zooming.",
    references: &[wcag("1.4.4 (AA)"), axe_ref!("meta-viewport")],
    fix: Fix {
        summary: "Remove user-scalable=no and maximum-scale limits.",
        steps: &["Edit the viewport <meta> content"],
        estimated_minutes: 2,
    },
    impact: MODERATE,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::AA, Harm::Blocks),
    limits: "",
    check: meta_viewport,
};

pub fn meta_viewport_large(page: &Analysis) -> Outcome {
    meta_viewport_rule(page, 5.0, Some(2.0))
}

pub const META_VIEWPORT_LARGE: Rule = Rule {
    id: "meta-viewport-large",
    domain: Domain::Accessibility,
    severity: Severity::Low,
    title: "Users should be able to zoom and scale the text up to 500%",
    description: "maximum-scale below 5 limits zoom.",
    references: &[axe_ref!("meta-viewport-large")],
    fix: Fix { summary: "Raise or remove maximum-scale.", steps: &["Edit the viewport meta"], estimated_minutes: 2 },
    impact: MINOR,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: "",
    check: meta_viewport_large,
};

pub fn avoid_inline_spacing(page: &Analysis) -> Outcome {
    use super::spacing;
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let applicable = ctx.candidates(Candidates::WithAttr(&["style"])).into_iter().any(|e| {
        attr(e, "style").is_some_and(|s| ["letter-spacing", "word-spacing", "line-height"].iter().any(|p| spacing::declared(s, p).is_some()))
    });
    // Without any spacing declaration there is nothing to walk the tree for.
    let fails: Vec<ElementRef> = if applicable {
        spacing::violations(ctx.doc.root_element()).into_iter().map(|(e, _)| e).collect()
    } else {
        Vec::new()
    };
    finish(page, applicable, &fails, &[])
}

pub const AVOID_INLINE_SPACING: Rule = Rule {
    id: "avoid-inline-spacing",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "Inline text spacing must be adjustable with custom stylesheets",
    description: "letter-spacing, word-spacing or line-height forced with !important in a style attribute cannot be overridden by users who need wider spacing.",
    references: &[wcag("1.4.12 (AA)"), axe_ref!("avoid-inline-spacing")],
    fix: Fix {
        summary: "Drop !important from inline spacing, or use at least 0.12em letter, 0.16em word spacing and 1.5 line height.",
        steps: &["Remove !important from the style attribute", "or raise the value to the WCAG 1.4.12 minimum"],
        estimated_minutes: 5,
    },
    impact: SERIOUS,
    effort: Effort::Redesign as u8,
    risk: risk(Conformance::AA, Harm::Hinders),
    limits: "Font sizes from stylesheets are assumed to be 16px; whether text wraps (line-height) is estimated from its length and inline widths.",
    check: avoid_inline_spacing,
};

/// This family's rules with their catalogue positions.
pub(super) const RULES: &[(u16, Rule)] = &[
    (9, META_VIEWPORT),
    (39, META_VIEWPORT_LARGE),
    (80, AVOID_INLINE_SPACING),
];

#[cfg(test)]
mod tests {
    use super::RULES;

    /// (rule id, passing body, failing body); bodies starting with `<!` are whole documents.
    const CASES: &[(&str, &str, &str)] = &[
        ("meta-viewport", r#"<meta name=viewport content="width=device-width">"#, r#"<meta name=viewport content="user-scalable=no">"#),
        ("meta-viewport-large", r#"<meta name=viewport content="maximum-scale=5">"#, r#"<meta name=viewport content="maximum-scale=3">"#),
        ("avoid-inline-spacing", r#"<p style="letter-spacing: 0.12em !important">text</p>"#, r#"<p style="letter-spacing: 0.05em !important">text</p>"#),
    ];

    #[test]
    fn pass_and_fail_cases() {
        super::super::tests::pass_and_fail(RULES, CASES);
    }
}
