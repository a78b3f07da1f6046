//! RSS 2.0, RSS 1.0 and Atom: one report per item, with the feed's fields as metadata.

use truce_model::{MediaType, Report, SourceInfo};

use crate::{IngestError, IngestMeta, Parsed, Problem};

/// The document without its leading XML declaration, or why it cannot be
/// parsed. The text is already UTF-8, so the declaration's `encoding` means
/// nothing here; and feed-rs hands it to quick-xml, which panics when the
/// declaration is long or comes after the start (`set_encoding() called after
/// prefix buffer was drained`, found by the `feed` fuzz target). So a leading
/// declaration is dropped, and one anywhere else is refused (XML reserves the
/// name `xml`); the error gives its byte offset in `text`.
fn without_declaration(text: &str) -> Result<&str, String> {
    let is_decl = |b: &[u8]| {
        b.len() >= 5 && b[..2] == *b"<?" && b[2..5].eq_ignore_ascii_case(b"xml")
            // `<?xml-stylesheet …?>` and other names that merely begin with xml are fine.
            && b.get(5).is_none_or(|c| c.is_ascii_whitespace() || *c == b'?')
    };
    let mut rest = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if is_decl(rest.as_bytes()) {
        let at = text.len() - rest.len();
        let end = rest.find("?>").ok_or_else(|| format!("the XML declaration at byte {at} is not closed with ?>"))?;
        rest = &rest[end + 2..];
    }
    let offset = text.len() - rest.len();
    let b = rest.as_bytes();
    match (0..b.len()).find(|&i| b[i] == b'<' && is_decl(&b[i..])) {
        Some(i) => Err(format!(
            "an XML declaration (<?xml …?>) at byte {}; it may only stand at the start of the document",
            offset + i
        )),
        None => Ok(rest),
    }
}

pub(crate) fn parse(name: &str, text: &str, meta: &IngestMeta) -> Parsed {
    let bad = |why: String| Parsed {
        reports: Vec::new(),
        errors: vec![IngestError { input: name.into(), problem: Problem::BadFeed(why) }],
    };
    let doc = match without_declaration(text) {
        Ok(doc) => doc,
        Err(why) => return bad(why),
    };
    // A panic inside the parser on some input we have not met yet is still a bad
    // feed, not a crash of the ingest.
    let parsed = std::panic::catch_unwind(|| feed_rs::parser::parse(doc.as_bytes()));
    let feed = match parsed {
        Ok(Ok(f)) => f,
        Ok(Err(e)) => return bad(e.to_string()),
        Err(_) => return bad("the feed parser failed on this input".into()),
    };
    let feed_title = feed.title.as_ref().map(|t| t.content.trim().to_owned()).filter(|t| !t.is_empty());
    let mut out = Parsed::default();
    for (i, entry) in feed.entries.into_iter().enumerate() {
        let title = entry.title.as_ref().map(|t| t.content.trim().to_owned()).unwrap_or_default();
        let body = entry
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .or_else(|| entry.summary.as_ref().map(|s| s.content.clone()))
            .unwrap_or_default();
        let text = match (title.is_empty(), body.trim().is_empty()) {
            (false, false) => format!("{title}\n\n{}", body.trim()),
            (false, true) => title.clone(),
            (true, _) => body.trim().to_owned(),
        };
        let url = entry.links.first().map(|l| l.href.clone());
        let item = if entry.id.is_empty() {
            url.clone().unwrap_or_else(|| format!("{name}#{}", i + 1))
        } else {
            entry.id.clone()
        };
        let published =
            entry.published.or(entry.updated).and_then(|t| jiff::Timestamp::from_second(t.timestamp()).ok());
        let media = if body.contains('<') { MediaType::Html } else { MediaType::Text };
        let origin = SourceInfo { name: item, source: feed_title.clone().or_else(|| meta.source.clone()), url };
        match Report::new(text, media, origin, meta.received_at, published) {
            Ok(r) => out.reports.push(r),
            Err(_) => out.errors.push(IngestError { input: format!("{name}#{}", i + 1), problem: Problem::Empty }),
        }
    }
    if out.reports.is_empty() && out.errors.is_empty() {
        out.errors.push(IngestError { input: name.into(), problem: Problem::BadFeed("the feed has no items".into()) });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_xml_declaration_after_the_start_is_a_bad_feed_not_a_panic() {
        // The shape the fuzzer found: a second declaration, naming another
        // encoding, inside an item. Given to feed-rs as it is, this panics in
        // quick-xml (`set_encoding() called after prefix buffer was drained`).
        let text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Wire</title>\n\
                    <item><title>Shelling</title>0<?xml encoding=\"UTF-16\"?><description>x</description></item></channel></rss>";
        let at = text.find("0<?xml").unwrap() + 1;
        let p = parse("found.xml", text, &meta());
        assert!(p.reports.is_empty());
        let e = p.errors[0].to_string();
        assert!(e.contains("found.xml") && e.contains("XML declaration") && e.contains(&format!("byte {at}")), "{e}");
        // At the start (after a BOM and blank lines) it is fine, and so is a
        // processing instruction whose name only begins with xml.
        let ok = "\u{feff}\n<?xml version=\"1.0\"?>\n<?xml-stylesheet href=\"a.xsl\"?>\n<rss version=\"2.0\"><channel><title>T</title>\
                  <item><title>Shelling in Hama</title><description>Shells fell.</description></item></channel></rss>";
        let p = parse("ok.xml", ok, &meta());
        assert_eq!((p.reports.len(), p.errors.len()), (1, 0), "{:?}", p.errors);
        // A long leading declaration naming another encoding (the fuzzer's second
        // find: it panics in quick-xml too) is dropped; the text is UTF-8 already.
        let long = format!(
            "<?xml version=\"1.{}0\" encoding=\"UTF-16\"?>\n<rss version=\"2.0\"><channel><title>T</title>\
             <item><title>Shelling in Hama</title></item></channel></rss>",
            "D".repeat(60)
        );
        let p = parse("long.xml", &long, &meta());
        assert_eq!((p.reports.len(), p.errors.len()), (1, 0), "{:?}", p.errors);
        assert_eq!(without_declaration("<?xml version=\"1.0\"?><rss/>"), Ok("<rss/>"));
        assert!(without_declaration("<rss/><?XML version=\"1.0\"?>").unwrap_err().contains("byte 6"));
        assert!(without_declaration("<rss/><?xml?>").unwrap_err().contains("byte 6"));
        assert!(without_declaration("  <?xml version=\"1.0\" <rss/>").unwrap_err().contains("not closed"));
    }

    fn meta() -> IngestMeta {
        IngestMeta { received_at: "2017-01-01T00:00:00Z".parse().unwrap(), source: None }
    }

    #[test]
    fn rss_items_become_reports() {
        let rss = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Syria Monitor</title>
            <item><title>Clashes in Hama</title><link>https://example.org/1</link>
            <description>&lt;p&gt;Clashes were reported.&lt;/p&gt;</description>
            <pubDate>Fri, 30 Dec 2016 00:30:00 GMT</pubDate><guid>item-1</guid></item>
            <item><title>Shelling near Damascus</title><guid>item-2</guid></item>
            </channel></rss>"#;
        let p = parse("f.xml", rss, &meta());
        assert_eq!(p.reports.len(), 2, "{:?}", p.errors);
        let r = &p.reports[0];
        assert_eq!(r.origin.source.as_deref(), Some("Syria Monitor"));
        assert_eq!(r.origin.url.as_deref(), Some("https://example.org/1"));
        assert_eq!(r.origin.name, "item-1");
        assert_eq!(r.published_at.unwrap().to_string(), "2016-12-30T00:30:00Z");
        assert!(r.content().starts_with("Clashes in Hama\n\n<p>Clashes"));
        assert_eq!(r.media_type, MediaType::Html);
    }

    #[test]
    fn atom_entries_become_reports_and_garbage_is_refused() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>w</id><updated>2016-12-30T00:00:00Z</updated>
            <entry><id>urn:1</id><title>Truce holds</title><updated>2016-12-30T06:00:00Z</updated><summary>Mostly calm.</summary></entry></feed>"#;
        let p = parse("a.atom", atom, &meta());
        assert_eq!(p.reports.len(), 1);
        assert_eq!(p.reports[0].content(), "Truce holds\n\nMostly calm.");
        let bad = parse("b.xml", "<rss><channel><item>", &meta());
        assert!(bad.reports.is_empty());
        assert!(bad.errors[0].to_string().starts_with("b.xml: not a readable feed"), "{}", bad.errors[0]);
    }
}
