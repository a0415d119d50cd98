//! Time-based media and moving content: video captions, `<marquee>`, `<blink>`.
//!
//! Each rule's record follows its check; [`RULES`] lists the family, each rule with its
//! catalogue position (the public order, see [`super::RULES`]); the cases are in `tests` below.
use super::common::*;

pub fn video_caption(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["video"]), false, |_, e| name_is(e, "video"), |_, e| {
        let has = e.children().filter_map(ElementRef::wrap).any(|t| {
            name_is(t, "track") && attr(t, "kind").is_some_and(|k| k.trim().eq_ignore_ascii_case("captions"))
        });
        if has {
            V::Pass
        } else {
            V::Review
        }
    })
}

pub const VIDEO_CAPTION: Rule = Rule {
    id: "video-caption",
    domain: Domain::Accessibility,
    severity: Severity::Critical,
    title: "<video> elements must have captions",
    description: "Videos need captions; without a captions track this needs review, as in axe.",
    references: &[wcag("1.2.2 (A)"), axe_ref!("video-caption")],
    fix: Fix { summary: "Add <track kind=captions>.", steps: &["Add a captions track"], estimated_minutes: 30 },
    impact: CRITICAL,
    effort: Effort::Redesign as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: "Captions burned into the video cannot be detected.",
    check: video_caption,
};

pub fn marquee(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["marquee"]), true, |_, e| name_is(e, "marquee"), |c, e| pass_if(c.hidden_for_everyone(e)))
}

pub const MARQUEE: Rule = Rule {
    id: "marquee",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "<marquee> elements are deprecated and must not be used",
    description: "Moving text is hard to read.",
    references: &[wcag("2.2.2 (A)"), axe_ref!("marquee")],
    fix: Fix { summary: "Remove <marquee>.", steps: &["Replace with static text"], estimated_minutes: 5 },
    impact: SERIOUS,
    effort: Effort::Markup as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: marquee,
};

pub fn blink(page: &Analysis) -> Outcome {
    run_in(page, Candidates::Named(&["blink"]), true, |_, e| name_is(e, "blink"), |c, e| pass_if(c.hidden_for_everyone(e)))
}

pub const BLINK: Rule = Rule {
    id: "blink",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "<blink> elements are deprecated and must not be used",
    description: "Blinking text is hard to read.",
    references: &[wcag("2.2.2 (A)"), axe_ref!("blink")],
    fix: Fix { summary: "Remove <blink>.", steps: &["Replace with static text"], estimated_minutes: 5 },
    impact: SERIOUS,
    effort: Effort::Markup as u8,
    risk: risk(Conformance::A, Harm::Hinders),
    limits: STATIC,
    check: blink,
};

/// This family's rules with their catalogue positions.
pub(super) const RULES: &[(u16, Rule)] = &[
    (61, VIDEO_CAPTION),
    (62, MARQUEE),
    (63, BLINK),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// (rule id, passing body, failing body); bodies starting with `<!` are whole documents.
    const CASES: &[(&str, &str, &str)] = &[
        ("video-caption", r#"<video src=a><track kind=captions src=c></video>"#, r#"<video src=a></video>"#),
        ("marquee", r#"<p>x</p>"#, r#"<marquee>x</marquee>"#),
        ("blink", r#"<p>x</p>"#, r#"<blink>x</blink>"#),
    ];

    #[test]
    fn pass_and_fail_cases() {
        super::super::tests::pass_and_fail(RULES, CASES);
    }

    #[test]
    fn a_video_without_captions_only_needs_review() {
        let page = crate::scanner::page::Page::html_at("https://example.com/", &[], "<!doctype html><html lang=en><title>t</title><video src=a></video>");
        if let Outcome::Fail(v) = VIDEO_CAPTION.check_page(&page) {
            assert!(v.confidence <= 0.5);
            assert!(v.evidence.iter().all(|e| matches!(e, crate::scanner::rules::Evidence::Element { needs_review: true, .. })));
        } else {
            panic!("expected needs-review finding");
        }
    }
}
