//! Tests of the sitemap reader (kept apart so sitemap.rs stays short).
use super::*;

fn urls(body: &str) -> Vec<String> {
    match parse(body.as_bytes(), MAX_SITEMAP_URLS) {
        Ok(Sitemap::UrlSet(v)) => v,
        other => panic!("not a url set: {other:?}"),
    }
}

#[test]
fn urlset_and_index() {
    let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://example.com/</loc><lastmod>2025-01-01</lastmod></url>
  <url>
    <loc>
      https://example.com/a?x=1&amp;y=2
    </loc>
  </url>
</urlset>"#;
    assert_eq!(urls(body), ["https://example.com/", "https://example.com/a?x=1&y=2"]);
    let idx = r#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://example.com/s1.xml</loc></sitemap><sitemap><loc>https://example.com/s2.xml.gz</loc></sitemap></sitemapindex>"#;
    assert_eq!(
        parse(idx.as_bytes(), 10),
        Ok(Sitemap::Index(vec!["https://example.com/s1.xml".into(), "https://example.com/s2.xml.gz".into()]))
    );
}

#[test]
fn entities_cdata_prefixes() {
    let body = "\u{feff}<sm:urlset xmlns:sm=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
        <sm:url><sm:loc>https://e.com/&lt;&gt;&quot;&apos;&#65;&#x42;&bogus;&amp</sm:loc></sm:url>\
        <sm:url><sm:loc><![CDATA[https://e.com/cdata?a=1&amp;b]]></sm:loc></sm:url>\
        <sm:url><sm:loc><![CDATA[https://e.com/<![CDATA[nested]]>/tail</sm:loc></sm:url>\
        <sm:url><sm:loc>https://e.com/&#xFFFFFFFF;&#1114112;</sm:loc></sm:url>\
        </sm:urlset>";
    assert_eq!(
        urls(body),
        [
            "https://e.com/<>\"'AB&bogus;&amp",
            "https://e.com/cdata?a=1&amp;b",
            "https://e.com/<![CDATA[nested/tail",
            "https://e.com/&#xFFFFFFFF;&#1114112;",
        ]
    );
}

#[test]
fn extension_locs_are_not_pages() {
    let body = r#"<urlset xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
<url><loc>https://e.com/page</loc>
  <image:image><image:loc>https://e.com/photo.jpg</image:loc></image:image>
  <video:video><video:content_loc>https://e.com/v.mp4</video:content_loc></video:video>
</url>
<loc>https://e.com/stray-outside-url</loc>
<url><group><loc>https://e.com/too-deep</loc></group></url>
</urlset>"#;
    assert_eq!(urls(body), ["https://e.com/page"]);
}

#[test]
fn tolerant_of_broken_xml() {
    // Unclosed elements, a loc that never closes, comments, a doctype, attributes with `>`.
    let body = r#"<!DOCTYPE urlset><!-- <url><loc>https://e.com/commented</loc></url> -->
<urlset a="x>y"><url><loc>https://e.com/1</loc><changefreq>daily</url>
<url><loc>https://e.com/2<lastmod>2020</lastmod></url>
<url><loc   >https://e.com/3</loc ></url>
<url><loc/></url>
<url><loc>   </loc></url>"#;
    assert_eq!(urls(body), ["https://e.com/1", "https://e.com/2", "https://e.com/3"]);
    for junk in ["<", "<<<<", "<urlset", "<urlset><url><loc>", "<urlset><url><loc><![CDATA[x", "<urlset><!--", "<?xml", "</a></b>", "<urlset><url><loc>&#", "<urlset><url><loc>&", "<a b='"] {
        let _ = parse(junk.as_bytes(), 10);
    }
}

#[test]
fn not_a_sitemap() {
    assert!(parse(b"<html><body>404</body></html>", 10).unwrap_err().contains("<html>"));
    assert!(parse(b"<rss version=\"2.0\"></rss>", 10).is_err());
    assert!(parse(b"", 10).is_err());
    assert!(parse(b"   \n", 10).is_err());
    assert!(parse(b"hello world\nno urls", 10).is_err());
    assert!(parse(b"<!-- only a comment -->", 10).is_err());
    assert!(parse(&[0x1f, 0x8b, 8, 0], 10).unwrap_err().contains("gzip"));
    assert!(parse(&[0xff, 0xfe, 0x00, 0x3c], 10).is_err());
}

#[test]
fn text_sitemaps() {
    let body = "https://e.com/a\r\nHTTPS://e.com/B\n\n  http://e.com/c  \nftp://e.com/x\nnot a url\n";
    assert_eq!(urls(body), ["https://e.com/a", "HTTPS://e.com/B", "http://e.com/c"]);
}

#[test]
fn gzip_magic() {
    assert!(looks_gzipped(&[0x1f, 0x8b, 0x08]));
    assert!(!looks_gzipped(b"<urlset"));
    assert!(!looks_gzipped(&[0x1f]));
}

#[test]
fn long_locs_are_dropped() {
    let long = format!("https://e.com/{}", "a".repeat(MAX_URL_LEN));
    let huge = format!("https://e.com/{}", "a".repeat(100 * MAX_URL_LEN));
    let body = format!("<urlset><url><loc>{long}</loc></url><url><loc>{huge}</loc></url><url><loc>https://e.com/ok</loc></url></urlset>");
    assert_eq!(urls(&body), ["https://e.com/ok"]);
}

/// Hostile sizes: the results are asserted, the time is not (tests do not
/// time); a quadratic implementation would run for minutes here.
#[test]
fn stops_at_max_urls_and_stays_linear() {
    let mut body = String::from("<urlset>");
    for i in 0..1_000_000 {
        body.push_str(&format!("<url><loc>https://e.com/{i}</loc></url>"));
    }
    body.push_str("</urlset>");
    match parse(body.as_bytes(), 3) {
        Ok(Sitemap::UrlSet(v)) => assert_eq!(v, ["https://e.com/0", "https://e.com/1", "https://e.com/2"]),
        other => panic!("{other:?}"),
    }
    // All of it, up to the byte cap: whatever fits in MAX_SITEMAP_BYTES, in order.
    match parse(body.as_bytes(), usize::MAX) {
        Ok(Sitemap::UrlSet(v)) => {
            assert!(v.len() > 200_000 && v.len() < 1_000_000, "{}", v.len());
            assert_eq!(v[12_345], "https://e.com/12345");
        }
        other => panic!("{other:?}"),
    }
}

/// Hostile sizes: the results are asserted, the time is not (tests do not
/// time); a quadratic implementation would run for minutes here.
#[test]
fn hostile_shapes_stay_linear() {
    // Deep nesting, an unterminated comment, a flood of `&`, of `<`, of `-`.
    let deep = format!("<urlset>{}</urlset>", "<a>".repeat(1_000_000));
    assert_eq!(parse(deep.as_bytes(), 10), Ok(Sitemap::UrlSet(vec![])));
    let _ = parse(format!("<urlset><!--{}", "-".repeat(5_000_000)).as_bytes(), 10);
    let _ = parse(format!("<urlset><url><loc>{}</loc></url></urlset>", "&".repeat(5_000_000)).as_bytes(), 10);
    let _ = parse(format!("<urlset>{}", "<".repeat(5_000_000)).as_bytes(), 10);
    let _ = parse(format!("<urlset>{}", "</x>".repeat(1_000_000)).as_bytes(), 10);
    let _ = parse(format!("<urlset><url><loc><![CDATA[{}", "]".repeat(5_000_000)).as_bytes(), 10);
}

/// Random splices of sitemap syntax: never a panic, never more than asked.
#[test]
fn random_input_never_panics() {
    const PIECES: &[&str] = &["<", ">", "</", "/>", "<urlset>", "<sitemapindex>", "<url>", "</url>", "<sitemap>", "<loc>", "</loc>", "<![CDATA[", "]]>", "<!--", "-->", "<?", "?>", "&", "&amp;", "&#", "&#x", ";", "\"", "'", "x:", "https://e.com/", "é", "\u{feff}", " ", "\n", "\0"];
    let mut s = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..3_000 {
        let mut body = String::new();
        for _ in 0..(s % 40) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            body.push_str(PIECES[(s % PIECES.len() as u64) as usize]);
        }
        let cut = (s % 7) as usize;
        let bytes = body.as_bytes();
        let bytes = &bytes[..bytes.len().saturating_sub(cut)];
        if let Ok(Sitemap::UrlSet(v) | Sitemap::Index(v)) = parse(bytes, 2) {
            assert!(v.len() <= 2);
        }
    }
}
