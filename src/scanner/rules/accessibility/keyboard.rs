//! Keyboard and focus: tab order, access keys, focusable content that assistive technology
//! cannot see (inside `aria-hidden`, or nested in another control), and plain elements put in
//! the tab order without a role. Scroll containers are in [`super::scroll_region`].
//!
//! Each rule's record follows its check; [`RULES`] lists the family, each rule with its
//! catalogue position (the public order, see [`super::RULES`]); the cases are in `tests` below.
use super::common::*;
use super::ctx::natively_focusable;

pub fn tabindex_rule(page: &Analysis) -> Outcome {
    run_in(page, Candidates::WithAttr(&["tabindex"]), false, |_, e| attr(e, "tabindex").is_some(), |_, e| pass_if(tabindex(e).is_none_or(|t| t <= 0)))
}

pub const TABINDEX: Rule = Rule {
    id: "tabindex",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "Elements should not have tabindex greater than zero",
    description: "Positive tabindex breaks the natural focus order.",
    references: &[axe_ref!("tabindex")],
    fix: Fix { summary: "Use tabindex 0 or -1.", steps: &["Set tabindex=0"], estimated_minutes: 3 },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: STATIC,
    check: tabindex_rule,
};

pub fn accesskeys(page: &Analysis) -> Outcome {
    let Some(ctx) = Ctx::new(page) else { return Outcome::NotApplicable };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let els: Vec<ElementRef> =
        ctx.candidates(Candidates::WithAttr(&["accesskey"])).into_iter().filter(|e| attr(*e, "accesskey").is_some() && !ctx.hidden_for_everyone(*e)).collect();
    for e in &els {
        *seen.entry(attr(*e, "accesskey").unwrap_or("").trim().to_lowercase()).or_default() += 1;
    }
    // axe reports a duplicated key once, on its first element.
    let mut first: HashSet<String> = HashSet::new();
    let fails: Vec<ElementRef> = els
        .iter()
        .copied()
        .filter(|e| {
            let k = attr(*e, "accesskey").unwrap_or("").trim().to_lowercase();
            seen.get(&k).copied().unwrap_or(0) > 1 && first.insert(k)
        })
        .collect();
    finish(page, !els.is_empty(), &fails, &[])
}

pub const ACCESSKEYS: Rule = Rule {
    id: "accesskeys",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "accesskey attribute value should be unique",
    description: "Duplicate access keys conflict.",
    references: &[axe_ref!("accesskeys")],
    fix: Fix { summary: "Give each accesskey a unique value.", steps: &["Change duplicates"], estimated_minutes: 2 },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: STATIC,
    check: accesskeys,
};

pub fn nested_interactive(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::RoleWhere(|r| role_info(r).is_some_and(|i| i.children_presentational)),
        false,
        |c, e| c.role(e).and_then(role_info).is_some_and(|i| i.children_presentational),
        |c, e| {
            // Focusable descendants with a widget role (tabindex alone does not count).
            let bad = e.descendants().skip(1).filter_map(ElementRef::wrap).any(|d| {
                c.is_focusable(d)
                    && c.role(d).and_then(role_info).is_some_and(|i| matches!(i.kind, Kind::Widget | Kind::Composite))
            });
            pass_if(!bad)
        },
    )
}

pub const NESTED_INTERACTIVE: Rule = Rule {
    id: "nested-interactive",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "Interactive controls must not be nested",
    description: "Focusable content inside a control with presentational children is not announced.",
    references: &[wcag("4.1.2 (A)"), axe_ref!("nested-interactive")],
    fix: Fix { summary: "Un-nest the controls.", steps: &["Move the inner control out"], estimated_minutes: 10 },
    impact: SERIOUS,
    effort: Effort::Restructure as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: STATIC,
    check: nested_interactive,
};

/// Inline `pointer-events: none` on an empty element with no inline width
/// or height: it renders at 0 by 0 (no content to size it).
fn zero_size_unpointable(e: ElementRef) -> bool {
    use crate::scanner::rules::dom::hidden::inline_style;
    inline_style(e, "pointer-events").is_some_and(|v| v == "none")
        && inline_style(e, "width").is_none()
        && inline_style(e, "height").is_none()
        && !e.children().any(|c| c.value().is_element() || c.value().as_text().is_some_and(|t| !t.trim().is_empty()))
}

pub fn aria_hidden_focus(page: &Analysis) -> Outcome {
    // Script text is read only once a hidden focusable element is found.
    let scripts: std::cell::OnceCell<Vec<String>> = std::cell::OnceCell::new();
    run_in(
        page,
        Candidates::WithAttr(&["aria-hidden"]),
        true,
        |_, e| attr(e, "aria-hidden").is_some_and(|v| v.trim() == "true") && !name_is(e, "body") && !ancestors(e).any(|a| attr(a, "aria-hidden").is_some_and(|v| v.trim() == "true")),
        |c, e| {
            if c.hidden_for_everyone(e) {
                return V::Pass;
            }
            let bad: Vec<ElementRef> =
                std::iter::once(e).chain(e.descendants().skip(1).filter_map(ElementRef::wrap)).filter(|d| c.is_tabbable(*d)).collect();
            if bad.is_empty() {
                return V::Pass;
            }
            // A focusable element a page script names by id may be a focus
            // sentinel that moves focus on (as modal dialogs do): only a
            // browser can tell, so a person decides.
            let scripts = scripts.get_or_init(|| {
                crate::scanner::rules::dom::select_named(page, "script").iter().map(|s| s.text().collect()).collect()
            });
            if bad.iter().all(|d| d.value().id().is_some_and(|id| !id.trim().is_empty() && scripts.iter().any(|s| s.contains(id)))) {
                return V::Review;
            }
            // axe's focusable-not-tabbable: an element with a focus handler,
            // or one drawn at no size that ignores the pointer, is likely a
            // sentinel too.
            if bad.iter().all(|d| attr(*d, "onfocus").is_some() || zero_size_unpointable(*d)) {
                return V::Review;
            }
            V::Fail
        },
    )
}

pub const ARIA_HIDDEN_FOCUS: Rule = Rule {
    id: "aria-hidden-focus",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "ARIA hidden element must not be focusable or contain focusable elements",
    description: "Focusable content inside aria-hidden is announced as nothing.",
    references: &[wcag("4.1.2 (A)"), axe_ref!("aria-hidden-focus")],
    fix: Fix {
        summary: "Make it unfocusable or not hidden.",
        steps: &["Add tabindex=-1 or remove aria-hidden"],
        estimated_minutes: 5,
    },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: "Focusability depends on CSS we cannot see; a focusable element a page script names by id (a focus sentinel) needs review.",
    check: aria_hidden_focus,
};

/// Roles that suit a scroll container someone tabs to (axe 4.11's
/// `valid-scrollable-semantics`, with its `tooltip` option). `banner`,
/// `search`, `marquee` and `timer` are not among them.
const FOCUSABLE_REGION_ROLES: &[&str] = &[
    "alert", "alertdialog", "application", "article", "complementary", "contentinfo", "dialog", "form", "log", "main",
    "navigation", "region", "status", "tabpanel", "tooltip",
];

/// axe's `focus-order-semantics`: a `div`, `span`, `p` or heading that only a
/// tabindex puts in the focus order must say what it is, with a widget or
/// composite role, or a region role when it is a scroll container.
pub fn focus_order_semantics(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::WithAttr(&["tabindex"]),
        false,
        |c, e| {
            let picked = is_html(e) && matches!(e.value().name(), "div" | "span" | "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
                || attr(e, "role") == Some("heading");
            picked && tabindex(e).is_some_and(|t| t >= 0) && !natively_focusable(e) && c.is_focusable(e)
        },
        |_, e| {
            // axe leaves DPUB roles out of its widget check (doc-backlink is a link type there).
            pass_if(explicit_role(e).is_some_and(|r| {
                FOCUSABLE_REGION_ROLES.contains(&r)
                    || role_info(r).is_some_and(|i| !i.dpub && matches!(i.kind, Kind::Widget | Kind::Composite))
            }))
        },
    )
}

pub const FOCUS_ORDER_SEMANTICS: Rule = Rule {
    id: "focus-order-semantics",
    domain: Domain::Accessibility,
    severity: Severity::Low,
    title: "Elements in the focus order should have an appropriate role",
    description: "A plain element put in the tab order with tabindex is announced without saying what it does.",
    references: &[axe_ref!("focus-order-semantics")],
    fix: Fix {
        summary: "Use a native control, or give the element the role it plays.",
        steps: &["Use <button> or <a href> for controls", "or add the widget role (e.g. role=button)", "or remove tabindex"],
        estimated_minutes: 5,
    },
    impact: MINOR,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::BestPractice, Harm::Hinders),
    limits: STATIC,
    check: focus_order_semantics,
};

/// Whether a frame document given inline (`srcdoc`) has an element in the
/// sequential focus order: one explicit-stack walk that skips what is not
/// rendered (display none, `hidden`, natively hidden, inline visibility
/// hidden, `inert`) and controls under a disabled fieldset.
fn srcdoc_has_tabbable(doc: &str) -> bool {
    // The page's own budgeted parser: the same limits, and no second tree
    // builder in the wasm.
    let html = crate::scanner::page::budget::parse(doc, &crate::scanner::page::LIMITS).html;
    let mut stack = vec![(html.root_element(), false)];
    while let Some((e, in_disabled)) = stack.pop() {
        let v = e.value();
        let invisible = crate::scanner::rules::dom::hidden::inline_style(e, "visibility").is_some_and(|s| s == "hidden" || s == "collapse");
        if crate::scanner::rules::dom::hidden::display_none(e) || invisible || v.attr_of("inert").is_some() {
            continue;
        }
        let control = matches!(v.name(), "button" | "input" | "select" | "textarea");
        let disabled = control && (in_disabled || v.attr_of("disabled").is_some());
        let focusable = match tabindex(e) {
            Some(t) => t >= 0,
            None => natively_focusable(e),
        };
        if focusable && !disabled {
            return true;
        }
        let fieldset_off = in_disabled || (v.name() == "fieldset" && v.attr_of("disabled").is_some());
        stack.extend(e.children().filter_map(ElementRef::wrap).map(|c| (c, fieldset_off)));
    }
    false
}

/// A frame drawn too small to show anything (a width or height of at most 1).
fn tiny_frame(e: ElementRef) -> bool {
    ["width", "height"].iter().any(|a| attr(e, a).and_then(parse_float).is_some_and(|n| n <= 1.0))
}

pub fn frame_focusable_content(page: &Analysis) -> Outcome {
    run_in(
        page,
        Candidates::Named(&["iframe", "frame"]),
        false,
        |_, e| matches!(e.value().name(), "iframe" | "frame") && tabindex(e).is_some_and(|t| t < 0) && !tiny_frame(e),
        |_, e| match attr(e, "srcdoc") {
            Some(doc) => pass_if(!srcdoc_has_tabbable(doc)),
            // The frame's document is fetched separately: a person checks it.
            None if nonempty(attr(e, "src")) => V::Review,
            None => V::Pass,
        },
    )
}

pub const FRAME_FOCUSABLE_CONTENT: Rule = Rule {
    id: "frame-focusable-content",
    domain: Domain::Accessibility,
    severity: Severity::High,
    title: "Frames with focusable content must not have tabindex=-1",
    description: "A frame taken out of the tab order with a negative tabindex leaves its links and controls unreachable by keyboard.",
    references: &[wcag("2.1.1 (A)"), axe_ref!("frame-focusable-content")],
    fix: Fix { summary: "Remove the negative tabindex from the frame.", steps: &["Drop tabindex=-1 from the iframe", "Or make its content not focusable"], estimated_minutes: 5 },
    impact: SERIOUS,
    effort: Effort::Attribute as u8,
    risk: risk(Conformance::A, Harm::Blocks),
    limits: "Only frame documents given inline (srcdoc) are read; a frame loaded from src needs review.",
    check: frame_focusable_content,
};

/// This family's rules with their catalogue positions.
pub(super) const RULES: &[(u16, Rule)] = &[
    (58, TABINDEX),
    (59, ACCESSKEYS),
    (75, NESTED_INTERACTIVE),
    (82, ARIA_HIDDEN_FOCUS),
    (88, FRAME_FOCUSABLE_CONTENT),
    (93, FOCUS_ORDER_SEMANTICS),
];

#[cfg(test)]
mod tests {
    use super::RULES;

    /// (rule id, passing body, failing body).
    const CASES: &[(&str, &str, &str)] = &[
        ("tabindex", r#"<div tabindex=0>a</div>"#, r#"<div tabindex=2>a</div>"#),
        ("accesskeys", r#"<a href=a accesskey=s>a</a><a href=b accesskey=t>b</a>"#, r#"<a href=a accesskey=s>a</a><a href=b accesskey=s>b</a>"#),
        ("nested-interactive", r#"<button>a</button>"#, r#"<button><a href=a>x</a></button>"#),
        ("aria-hidden-focus", r#"<div aria-hidden=true><p>x</p></div>"#, r#"<div aria-hidden=true><a href=a>x</a></div>"#),
        ("frame-focusable-content", r#"<iframe tabindex=-1 title=t srcdoc="<a href='/' tabindex='-1'>Home</a>"></iframe>"#, r#"<iframe tabindex=-1 title=t srcdoc="<a href='/'>Home</a>"></iframe>"#),
        ("focus-order-semantics", r#"<div role=button tabindex=0>Save</div>"#, r#"<div tabindex=0>Save</div>"#),
    ];

    /// Which elements the rule looks at, and which roles say enough (axe 4.11).
    #[test]
    fn focus_order_semantics_roles_and_applicability() {
        let fos = |body: &str| {
            let doc = format!("<!doctype html><html lang=en><title>t</title><body>{body}</body></html>");
            let page = crate::scanner::page::Page::html_at("https://example.com/", &[], &doc);
            match crate::scanner::rules::by_id("focus-order-semantics").map(|r| r.check_page(&page)) {
                Some(crate::scanner::rules::Outcome::NotApplicable) => "n/a",
                _ => super::super::tests::verdict("focus-order-semantics", &doc),
            }
        };
        // Widget and composite roles, region roles, the first valid token of a fallback list.
        for ok in ["role=listbox", "role=radiogroup", "role=region", "role=tooltip", "role=dialog", "role=\"foo button\""] {
            assert_eq!(fos(&format!("<div {ok} tabindex=0>x</div>")), "pass", "{ok}");
        }
        // Landmarks that do not suit a scroll container, live regions axe leaves out, DPUB links.
        for bad in ["role=banner", "role=search", "role=marquee", "role=timer", "role=doc-backlink", "role=heading aria-level=2"] {
            assert_eq!(fos(&format!("<span {bad} tabindex=1>x</span>")), "fail", "{bad}");
        }
        assert_eq!(fos("<h2 tabindex=0>Title</h2>"), "fail");
        // Not added to the focus order by tabindex, or not one of the elements axe selects.
        // An editing host is focusable without its tabindex (axe 4.11 would still judge it).
        for skip in ["<div tabindex=-1>x</div>", "<div tabindex=abc>x</div>", "<button tabindex=0>x</button>",
                     "<a href=/ tabindex=0>x</a>", "<section tabindex=0>x</section>", "<div hidden tabindex=0>x</div>",
                     "<div contenteditable tabindex=0>x</div>"] {
            assert_eq!(fos(skip), "n/a", "{skip}");
        }
    }

    #[test]
    fn pass_and_fail_cases() {
        super::super::tests::pass_and_fail(RULES, CASES);
    }

    /// A focus sentinel a script names by id needs review (ACT 6cfa84,
    /// Passed Example 4); one no script names is a violation.
    #[test]
    fn focus_sentinels_named_by_a_script_need_review() {
        let doc = |script: &str| format!("<!doctype html><html lang=en><title>t</title><body><div aria-hidden=true><a href=# id=sentinel>wrap</a></div>{script}</body></html>");
        assert_eq!(super::super::tests::verdict("aria-hidden-focus", &doc("<script>document.getElementById('sentinel').addEventListener('focus', f)</script>")), "review");
        assert_eq!(super::super::tests::verdict("aria-hidden-focus", &doc("<script>start()</script>")), "fail");
    }

}
