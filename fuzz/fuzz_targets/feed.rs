//! RSS 2.0 / Atom ingest. The first byte picks how the rest is used: as a whole
//! document, or wrapped as the inside of an RSS `<item>` or an Atom `<entry>`
//! (so the fuzzer spends its time inside items, not on the feed's outer shape).
//! Never panics; every report is non-empty text whose id is the hash of its
//! content and which is named; a wrapped input that passes the byte checks is
//! parsed as a feed, so it yields at least one report or error.
#![no_main]

use libfuzzer_sys::fuzz_target;

const RSS_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Fuzz wire</title><link>https://example.org/</link><description>d</description>\n<item>";
const RSS_TAIL: &str = "</item>\n</channel></rss>\n";
const ATOM_HEAD: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Fuzz wire</title><id>urn:fuzz</id><updated>2016-12-30T00:00:00Z</updated>\n<entry>";
const ATOM_TAIL: &str = "</entry>\n</feed>\n";

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let doc: Vec<u8> = match mode % 3 {
        0 => rest.to_vec(),
        1 => [RSS_HEAD.as_bytes(), rest, RSS_TAIL.as_bytes()].concat(),
        _ => [ATOM_HEAD.as_bytes(), rest, ATOM_TAIL.as_bytes()].concat(),
    };
    let meta = truce_ingest::IngestMeta { received_at: jiff::Timestamp::UNIX_EPOCH, source: None };
    let parsed = truce_ingest::parse_bytes("fuzz.xml", &doc, &meta);
    for r in &parsed.reports {
        assert!(!r.content().trim().is_empty());
        assert_eq!(r.id(), &truce_model::ReportId::for_content(r.content().as_bytes()));
        assert!(!r.origin.name.is_empty(), "a report without a name");
    }
    if mode % 3 != 0 {
        assert!(!parsed.reports.is_empty() || !parsed.errors.is_empty(), "a feed that yields nothing");
    }
});
