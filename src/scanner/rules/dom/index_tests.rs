//! Tests of the element index (kept apart so index.rs stays short).
use super::*;

/// The shared scan's comment-skipping table equals `dom::start_tag_lines`.
#[test]
fn dom_tag_table_matches_dom_start_tag_lines() {
    // Tags and newlines at every offset within the eight-byte words the scan reads.
    let offsets: String = (0..17).map(|k| format!("{}\n<p>\n\n<a\nhref=x>{}<Br>", "x".repeat(k), "\n".repeat(k % 3))).collect();
    for body in [
        offsets.as_str(),
        "<p>a</p>\n<!-- <p>c</p>\n<div> -->\n<P\tid=x>b<br/>",
        "<!--><p>x</p>--><p>y</p><1a> <a-b>\n<x- ><p",
        "<!-- never closed <p>\n<div>",
        "<div><!----><span>\r\n</span><svg><rect/></svg>< p><p\x0c>",
        "",
    ] {
        let ix = PageIndex::build(&Html::parse_document(body), |_| None);
        let want: std::collections::BTreeMap<String, Vec<u32>> = crate::scanner::rules::dom::start_tag_lines(body).into_iter().collect();
        let got: std::collections::BTreeMap<String, Vec<u32>> =
            want.keys().map(|k| (k.clone(), ix.tag_lines_of(body, k).dom.clone())).collect();
        assert_eq!(got, want, "{body}");
        // Names with no tag, or outside [a-z0-9-], have none.
        for absent in ["q", "", "P", "a b", "x-y-z"] {
            assert!(ix.tag_lines_of(body, absent).dom.is_empty(), "{absent} in {body}");
        }
    }
}

/// Past a few names asked of one bucket (first letter and length), the
/// bucket is indexed whole; answers stay the same, in any order of asking.
#[test]
fn tag_lines_are_the_same_once_a_bucket_is_indexed_whole() {
    let body = "<table>\n<tr><th>a</th><td>b</td></tr>\n<!-- <td> -->\n<TR><tD>c</Td><tt>x</tt><t1>y</t1><t->z</t->\n</table><tbody1 ><t2";
    let want: std::collections::BTreeMap<String, Vec<u32>> = crate::scanner::rules::dom::start_tag_lines(body).into_iter().collect();
    let names = ["tr", "th", "td", "tt", "t1", "t-", "tx", "t2", "table"];
    for order in [names.to_vec(), names.iter().rev().copied().collect()] {
        let ix = PageIndex::build(&Html::parse_document(body), |_| None);
        for n in &order {
            assert_eq!(ix.tag_lines_of(body, n).dom, want.get(*n).cloned().unwrap_or_default(), "{n} asked in {order:?}");
        }
        // The comment's <td> counts for the table of every tag, not the parser's.
        assert_eq!(ix.tag_lines_of(body, "td").all, vec![2, 3, 4], "{order:?}");
        assert_eq!(ix.tag_lines_of(body, "t2").all, Vec::<u32>::new());
    }
}

/// The one-pass flags agree with the per-element definitions in `hidden`.
#[test]
fn flags_match_per_element_semantics() {
    let doc = Html::parse_document(
        r#"<div hidden><p>x</p></div><div style="visibility:hidden"><p>x</p><p style="visibility: visible">x<b>y</b></p></div>
        <details><summary>s<i>i</i></summary><summary>t</summary><p>x</p></details><details open><p>o</p></details>
        <div aria-hidden="true"><p>x</p></div><div inert><span>z</span></div><p>x</p>
        <div style="display:block" hidden><p>x</p></div><div style="content-visibility: hidden"><p>c</p></div>
        <input type="hidden"><template><p>t</p></template><div style="display:none"><p style="display:block">d</p></div>
            <div style="display:none !important; display:block"><p>i</p></div><p style="visibility: hidden ! IMPORTANT; visibility: visible">v</p>"#,
    );
    let ix = PageIndex::build(&doc, |_| None);
    let mut n = 0;
    for el in doc.root_element().descendants().filter_map(ElementRef::wrap) {
        let f = ix.flags(el.id());
        assert_eq!(f & HIDDEN_ALL != 0, hidden::hidden_for_everyone(el), "{}", el.html());
        assert_eq!(f & ARIA_HIDDEN_OR_INERT != 0, hidden::aria_hidden_or_inert(el), "{}", el.html());
        n += 1;
    }
    assert_eq!(n, ix.elements.len());
}
