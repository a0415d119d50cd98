//! Landmarks and ways to skip content: one main, unique and top-level banner/contentinfo/main,
//! distinct landmark names, a way to bypass repeated blocks, same-page link targets.
//!
//! Each rule's record follows its check; [`RULES`] lists the family, each rule with its
//! catalogue position (the public order, see [`super::RULES`]); the cases are in `tests` below.
use super::common::*;

pub fn landmark_one_main(page: &Analysis) -> Outcome {
    page_has_unless_modal(page, Candidates::Role(&["main"]), |c, e| c.role(e) == Some("main"))
}

pub const LANDMARK_ONE_MAIN: Rule = Rule {
    id: "landmark-one-main",
    domain: Domain::Accessibility,
    severity: Severity::Medium,
    title: "Document should have one main landmark",
    description: "A main landmark lets users skip to the content.",
    references: &[axe_ref!("landmark-one-main")],
    fix: Fix { summary: "Wrap the content in <main>.", steps: &["Add <main>"], estimated_minutes: 5 },
    impact: MODERATE,
    effort: Effort::Restructure as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: STATIC,
    check: landmark_one_main,
};

fn landmark_dup(page: &Analysis, role: &'static [&'static str; 1]) -> Outcome {
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let found: Vec<ElementRef> =
        ctx.candidates(Candidates::Role(role)).into_iter().filter(|e| ctx.role(*e) == Some(role[0]) && !ctx.hidden_from_at(*e)).collect();
    let fails = if found.len() > 1 { &found[1..] } else { &[][..] };
    finish(page, !found.is_empty(), fails, &[])
}

pub fn landmark_no_duplicate_banner(page: &Analysis) -> Outcome {
    landmark_dup(page, &["banner"])
}

pub const LANDMARK_NO_DUPLICATE_BANNER: Rule = Rule {
    id: "landmark-no-duplicate-banner",
    domain: Domain::Accessibility,
    severity: Severity::Medium,
    title: "Document should not have more than one banner landmark",
    description: "Several banners confuse landmark navigation.",
    references: &[axe_ref!("landmark-no-duplicate-banner")],
    fix: Fix { summary: "Keep a single top-level <header>.", steps: &["Remove extra banners"], estimated_minutes: 5 },
    impact: MODERATE,
    effort: Effort::Restructure as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: STATIC,
    check: landmark_no_duplicate_banner,
};

pub fn landmark_no_duplicate_contentinfo(page: &Analysis) -> Outcome {
    landmark_dup(page, &["contentinfo"])
}

pub const LANDMARK_NO_DUPLICATE_CONTENTINFO: Rule = Rule {
    id: "landmark-no-duplicate-contentinfo",
    domain: Domain::Accessibility,
    severity: Severity::Medium,
    title: "Document should not have more than one contentinfo landmark",
    description: "Several contentinfo landmarks confuse navigation.",
    references: &[axe_ref!("landmark-no-duplicate-contentinfo")],
    fix: Fix { summary: "Keep a single top-level <footer>.", steps: &["Remove extras"], estimated_minutes: 5 },
    impact: MODERATE,
    effort: Effort::Restructure as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: STATIC,
    check: landmark_no_duplicate_contentinfo,
};

pub fn landmark_no_duplicate_main(page: &Analysis) -> Outcome {
    landmark_dup(page, &["main"])
}

pub const LANDMARK_NO_DUPLICATE_MAIN: Rule = Rule {
    id: "landmark-no-duplicate-main",
    domain: Domain::Accessibility,
    severity: Severity::Medium,
    title: "Document should not have more than one main landmark",
    description: "Several main landmarks confuse navigation.",
    references: &[axe_ref!("landmark-no-duplicate-main")],
    fix: Fix { summary: "Keep a single <main>.", steps: &["Remove extras"], estimated_minutes: 5 },
    impact: MODERATE,
    effort: Effort::Restructure as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: STATIC,
    check: landmark_no_duplicate_main,
};

fn landmark_top_level(page: &Analysis, role: &'static [&'static str; 1]) -> Outcome {
    run_in(page, Candidates::Role(role), false, move |c, e| c.role(e) == Some(role[0]), |c, e| {
        pass_if(!ancestors(e).any(|a| {
            matches!(c.role(a), Some(r) if role_info(r).is_some_and(|i| i.kind == Kind::Landmark))
        }))
    })
}

pub fn landmark_banner_is_top_level(page: &Analysis) -> Outcome {
    landmark_top_level(page, &["banner"])
}

pub const LANDMARK_BANNER_IS_TOP_LEVEL: Rule = Rule {
    id: "landmark-banner-is-top-level",
    domain: Domain::Accessibility,
    severity: Severity::Medium,
    title: "Banner landmark should not be contained in another landmark",
    description: "A nested banner is not announced as the page banner.",
    references: &[axe_ref!("landmark-banner-is-top-level")],
    fix: Fix { summary: "Move it to the top level.", steps: &["Move the header"], estimated_minutes: 5 },
    impact: MODERATE,
    effort: Effort::Restructure as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: STATIC,
    check: landmark_banner_is_top_level,
};

pub fn landmark_contentinfo_is_top_level(page: &Analysis) -> Outcome {
    landmark_top_level(page, &["contentinfo"])
}

pub const LANDMARK_CONTENTINFO_IS_TOP_LEVEL: Rule = Rule {
    id: "landmark-contentinfo-is-top-level",
    domain: Domain::Accessibility,
    severity: Severity::Medium,
    title: "Contentinfo landmark should not be contained in another landmark",
    description: "A nested contentinfo is confusing.",
    references: &[axe_ref!("landmark-contentinfo-is-top-level")],
    fix: Fix { summary: "Move it to the top level.", steps: &["Move the footer"], estimated_minutes: 5 },
    impact: MODERATE,
    effort: Effort::Restructure as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: STATIC,
    check: landmark_contentinfo_is_top_level,
};

pub fn landmark_main_is_top_level(page: &Analysis) -> Outcome {
    landmark_top_level(page, &["main"])
}

pub const LANDMARK_MAIN_IS_TOP_LEVEL: Rule = Rule {
    id: "landmark-main-is-top-level",
    domain: Domain::Accessibility,
    severity: Severity::Medium,
    title: "Main landmark should not be contained in another landmark",
    description: "A nested main landmark is confusing.",
    references: &[axe_ref!("landmark-main-is-top-level")],
    fix: Fix { summary: "Move it to the top level.", steps: &["Move <main>"], estimated_minutes: 5 },
    impact: MODERATE,
    effort: Effort::Restructure as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: STATIC,
    check: landmark_main_is_top_level,
};

pub fn landmark_unique(page: &Analysis) -> Outcome {
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let mut groups: HashMap<(&'static str, String), Vec<ElementRef>> = HashMap::new();
    let mut order = Vec::new();
    let landmarks = ctx.candidates(Candidates::RoleWhere(|r| role_info(r).is_some_and(|i| i.kind == Kind::Landmark && !i.dpub)));
    for e in landmarks {
        let Some(role) = ctx.role(e) else { continue };
        if !role_info(role).is_some_and(|i| i.kind == Kind::Landmark && !i.dpub) || ctx.hidden_from_at(e) {
            continue;
        }
        let key = (role, accessible_name(&ctx, e).to_lowercase());
        groups.entry(key.clone()).or_default().push(e);
        order.push((key, e));
    }
    // axe reports each non-unique role/name group once, on its first landmark.
    let fails: Vec<ElementRef> = order
        .into_iter()
        .filter(|(k, e)| groups.get(k).is_some_and(|v| v.len() > 1 && v.first().map(|f| f.id()) == Some(e.id())))
        .map(|(_, e)| e)
        .collect();
    finish(page, !groups.is_empty(), &fails, &[])
}

pub const LANDMARK_UNIQUE: Rule = Rule {
    id: "landmark-unique",
    domain: Domain::Accessibility,
    severity: Severity::Medium,
    title: "Landmarks should have a unique role or role/label/title combination",
    description: "Landmarks of the same role need distinct names.",
    references: &[axe_ref!("landmark-unique")],
    fix: Fix { summary: "Add distinct aria-labels.", steps: &["Label each landmark"], estimated_minutes: 3 },
    impact: MODERATE,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: STATIC,
    check: landmark_unique,
};

pub fn bypass(page: &Analysis) -> Outcome {
    root_outcome(page, |c, _| {
        const CANDIDATES: Candidates = Candidates::Union(&[
            Candidates::Role(&["heading"]),
            Candidates::RoleWhere(|r| role_info(r).is_some_and(|i| i.kind == Kind::Landmark)),
            Candidates::Named(&["a"]),
        ]);
        // Candidates are mostly links: their role's table row is looked up
        // once per distinct role in a run, not once per link.
        let mut last: Option<(&str, bool)> = None;
        let mut landmark = |r: &'static str| match last {
            Some((k, v)) if k == r => v,
            _ => {
                let v = role_info(r).is_some_and(|i| i.kind == Kind::Landmark);
                last = Some((r, v));
                v
            }
        };
        let ok = c.candidates(CANDIDATES).into_iter().any(|e| {
            !c.hidden_from_at(e)
                && (is_heading(c, e)
                    || matches!(c.role(e), Some(r) if landmark(r))
                    || (name_is(e, "a")
                        && attr(e, "href").is_some_and(|h| {
                            let id = h.strip_prefix('#').or_else(|| h.strip_prefix("/#")).unwrap_or("");
                            !id.is_empty() && indicates(id, |f| c.by_id(f).is_some())
                        })))
        });
        if ok {
            V::Pass
        } else {
            V::Review
        }
    })
}

pub const BYPASS: Rule = Rule {
    id: "bypass",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "Page should have means to bypass repeated blocks",
    description: "Without headings, landmarks or a skip link keyboard users must tab through everything (needs review).",
    references: &[wcag("2.4.1 (A)"), axe_ref!("bypass")],
    fix: Fix {
        summary: "Add a skip link, headings or landmarks.",
        steps: &["Add <main> and headings"],
        estimated_minutes: 10,
    },
    impact: SERIOUS,
    effort: Effort::Restructure as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: bypass,
};

pub fn skip_link(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Named(&["a"]),
        false,
        |_, e| {
            name_is(e, "a")
                && attr(e, "href").is_some_and(|h| (h.starts_with('#') && h.len() > 1 && !h.starts_with("#!")) || (h.starts_with("/#") && h.len() > 2))
        },
        |c, e| {
            let h = attr(e, "href").unwrap_or("");
            let id = h.trim_start_matches('/').trim_start_matches('#');
            // A target that is not rendered (axe: incomplete) takes focus nowhere visible.
            let hidden = std::cell::Cell::new(false);
            let found = indicates(id, |f| match c.by_id(f) {
                Some(t) => {
                    hidden.set(c.hidden_for_everyone(t));
                    true
                }
                None => c.has_anchor_name(f),
            });
            match (found, hidden.get()) {
                (false, _) => V::Fail,
                (true, true) => V::Review,
                (true, false) => V::Pass,
            }
        },
    )
}

/// Whether a same-page fragment finds its target the way browsers look it up
/// (HTML "find a potential indicated element"): the fragment as written
/// first, then its percent-decoded UTF-8 form, so `#caf%C3%A9` reaches
/// `id="café"`.
fn indicates(fragment: &str, found: impl Fn(&str) -> bool) -> bool {
    if found(fragment) {
        return true;
    }
    let decoded = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
    decoded != fragment && found(&decoded)
}

pub const SKIP_LINK: Rule = Rule {
    id: "skip-link",
    domain: Domain::Accessibility,
    severity: Severity::Medium,
    title: "The skip-link target should exist",
    description: "Same-page links must point at an existing target.",
    references: &[axe_ref!("skip-link")],
    fix: Fix { summary: "Fix the link target id.", steps: &["Add the target id"], estimated_minutes: 2 },
    impact: MODERATE,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: "axe only checks off-screen links; we check every same-page link. A target that is not rendered needs review.",
    check: skip_link,
};

/// This family's rules with their catalogue positions.
pub(super) const RULES: &[(u16, Rule)] = &[
    (41, LANDMARK_ONE_MAIN),
    (43, LANDMARK_NO_DUPLICATE_BANNER),
    (44, LANDMARK_NO_DUPLICATE_CONTENTINFO),
    (45, LANDMARK_NO_DUPLICATE_MAIN),
    (46, LANDMARK_BANNER_IS_TOP_LEVEL),
    (47, LANDMARK_CONTENTINFO_IS_TOP_LEVEL),
    (48, LANDMARK_MAIN_IS_TOP_LEVEL),
    (35, LANDMARK_UNIQUE),
    (49, BYPASS),
    (50, SKIP_LINK),
];

#[cfg(test)]
mod tests {
    use super::RULES;

    /// (rule id, passing body, failing body); bodies starting with `<!` are whole documents.
    const CASES: &[(&str, &str, &str)] = &[
        ("landmark-one-main", "<!doctype html><html lang=en><title>t</title><main>x</main>", "<!doctype html><html lang=en><title>t</title><div>x</div>"),
        ("landmark-no-duplicate-banner", "<!doctype html><html lang=en><title>t</title><header>a</header>", "<!doctype html><html lang=en><title>t</title><header>a</header><div role=banner>b</div>"),
        ("landmark-no-duplicate-contentinfo", "<!doctype html><html lang=en><title>t</title><footer>a</footer>", "<!doctype html><html lang=en><title>t</title><footer>a</footer><div role=contentinfo>b</div>"),
        ("landmark-no-duplicate-main", "<!doctype html><html lang=en><title>t</title><main>a</main>", "<!doctype html><html lang=en><title>t</title><main>a</main><div role=main>b</div>"),
        ("landmark-banner-is-top-level", "<!doctype html><html lang=en><title>t</title><div role=banner>a</div>", "<!doctype html><html lang=en><title>t</title><main><div role=banner>a</div></main>"),
        ("landmark-contentinfo-is-top-level", "<!doctype html><html lang=en><title>t</title><div role=contentinfo>a</div>", "<!doctype html><html lang=en><title>t</title><nav><div role=contentinfo>a</div></nav>"),
        ("landmark-main-is-top-level", "<!doctype html><html lang=en><title>t</title><main>a</main>", "<!doctype html><html lang=en><title>t</title><nav><main>a</main></nav>"),
        ("landmark-unique", r#"<nav aria-label=a></nav><nav aria-label=b></nav>"#, r#"<nav></nav><nav></nav>"#),
        ("bypass", "<!doctype html><html lang=en><title>t</title><main>a</main>", "<!doctype html><html lang=en><title>t</title><div>a</div>"),
        ("bypass", "<!doctype html><html lang=en><title>t</title><a href=#caf%C3%A9>Skip</a><div id=café>a</div>", "<!doctype html><html lang=en><title>t</title><a href=#caf%C3%A9>Skip</a><div id=cafe>a</div>"),
        ("skip-link", r##"<a href="#c">Skip</a><div id=c></div>"##, r##"<a href="#nowhere">Skip</a>"##),
        ("skip-link", r##"<a href="#caf%C3%A9">Menu</a><div id="café"></div>"##, r##"<a href="#caf%C3%A9x">Menu</a><div id="café"></div>"##),
        ("skip-link", r##"<a href="#100%25">Top</a><a href="#a%20b">Raw</a><div id="100%"></div><div id="a%20b"></div>"##, r##"<a href="#%E9">Bad</a><div id="é"></div>"##),
        ("skip-link", r##"<a href="/#%C3%A9t%C3%A9">Summer</a><a name="été"></a>"##, r##"<a href="#%C3%A9">Summer</a><div id="e"></div>"##),
    ];

    /// A target that exists but is not rendered needs review, as in axe.
    #[test]
    fn skip_link_to_a_hidden_target_needs_review() {
        let doc = |t: &str| format!("<!doctype html><html lang=en><title>t</title><body><a href=#t>Skip</a>{t}</body></html>");
        assert_eq!(super::super::tests::verdict("skip-link", &doc(r#"<div id=t style="display: none">x</div>"#)), "review");
        assert_eq!(super::super::tests::verdict("skip-link", &doc("<div id=t hidden>x</div>")), "review");
        assert_eq!(super::super::tests::verdict("skip-link", &doc("<div id=t>x</div>")), "pass");
    }

    #[test]
    fn pass_and_fail_cases() {
        super::super::tests::pass_and_fail(RULES, CASES);
    }
}
