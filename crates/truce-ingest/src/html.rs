//! Metadata from HTML head tags: source, canonical URL and publication time.

use dom_query::Document;
use jiff::Timestamp;

/// What the page says about itself.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct HtmlMeta {
    pub source: Option<String>,
    pub url: Option<String>,
    pub published: Option<Timestamp>,
}

fn first_attr(doc: &Document, selectors: &[&str], attr: &str) -> Option<String> {
    selectors.iter().find_map(|sel| {
        doc.select(sel).iter().find_map(|n| n.attr(attr).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()))
    })
}

/// The part of a page that holds its metadata: up to `</head>` or the first
/// `<body`, at most 256 KiB. Parsing only this keeps a hostile body (100,000
/// nested elements, megabytes of markup) away from the DOM builder.
fn head_part(html: &str) -> &str {
    const MAX: usize = 256 * 1024;
    let lower_limit = html.len().min(MAX);
    let mut end = lower_limit;
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    let window = &html[..end];
    let cut =
        ["</head", "<body", "</HEAD", "<BODY"].iter().filter_map(|m| window.find(m)).min().unwrap_or(window.len());
    &window[..cut]
}

pub(crate) fn metadata(html: &str) -> HtmlMeta {
    let head = head_part(html);
    let doc = Document::from(head);
    let source = first_attr(
        &doc,
        &[r#"meta[property="og:site_name"]"#, r#"meta[name="publisher"]"#, r#"meta[name="application-name"]"#],
        "content",
    );
    let url = first_attr(&doc, &[r#"link[rel="canonical"]"#], "href")
        .or_else(|| first_attr(&doc, &[r#"meta[property="og:url"]"#], "content"));
    let published = first_attr(
        &doc,
        &[
            r#"meta[property="article:published_time"]"#,
            r#"meta[name="pubdate"]"#,
            r#"meta[name="publish-date"]"#,
            r#"meta[name="date"]"#,
            r#"meta[name="DC.date.issued"]"#,
            r#"meta[itemprop="datePublished"]"#,
        ],
        "content",
    )
    .or_else(|| first_attr(&doc, &["time[datetime]"], "datetime"))
    .and_then(|s| crate::time::parse_time(&s));
    HtmlMeta { source, url, published }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_tags_give_source_url_and_time() {
        let html = r#"<html><head>
            <meta property="og:site_name" content="Reuters">
            <link rel="canonical" href="https://example.org/syria-truce">
            <meta property="article:published_time" content="2016-12-30T01:15:00+02:00">
            </head><body><p>Text</p></body></html>"#;
        let m = metadata(html);
        assert_eq!(m.source.as_deref(), Some("Reuters"));
        assert_eq!(m.url.as_deref(), Some("https://example.org/syria-truce"));
        assert_eq!(m.published.unwrap().to_string(), "2016-12-29T23:15:00Z");
        assert_eq!(metadata("<p>nothing</p>"), HtmlMeta::default());
    }

    #[test]
    fn deeply_nested_bodies_do_not_reach_the_parser() {
        let deep = format!(
            "<html><head><meta property=\"og:site_name\" content=\"X\"></head><body>{}</body></html>",
            "<div>".repeat(100_000)
        );
        assert_eq!(head_part(&deep).len(), deep.find("</head>").unwrap());
        assert_eq!(metadata(&deep).source.as_deref(), Some("X"));
        assert_eq!(head_part("<p>é</p>"), "<p>é</p>");
    }
}
