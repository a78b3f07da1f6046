//! The JSON Lines reader. A fixed valid first line is put before the fuzz
//! bytes, so the input is always read as JSON Lines (the sniffer looks at the
//! first line) and the fuzzer explores the lines after it: field aliases
//! (`date`/`published_at`/`pubDate`, `headline`, `source_host`/`outlet`,
//! `link`), ids, times, titles. Never panics, and:
//! - every report is non-empty text whose id is the hash of its content, with
//!   a non-empty name;
//! - each non-blank line yields exactly one report or one error, in order, the
//!   first being the fixed line (unless the bytes fail the whole-input checks).
#![no_main]

use libfuzzer_sys::fuzz_target;

const FIRST: &str = "{\"id\":\"first\",\"text\":\"Shelling was reported in Idlib.\"}\n";

fuzz_target!(|data: &[u8]| {
    let input = [FIRST.as_bytes(), data].concat();
    let meta = truce_ingest::IngestMeta { received_at: jiff::Timestamp::UNIX_EPOCH, source: None };
    let parsed = truce_ingest::parse_bytes("fuzz.jsonl", &input, &meta);
    for r in &parsed.reports {
        assert!(!r.content().trim().is_empty());
        assert_eq!(r.id(), &truce_model::ReportId::for_content(r.content().as_bytes()));
        assert!(!r.origin.name.trim().is_empty(), "a report without a name");
    }
    let Some(first) = parsed.reports.first().filter(|r| r.origin.name == "first") else {
        // The bytes failed the whole-input checks (invalid UTF-8, a NUL, control characters).
        assert!(parsed.reports.is_empty() && parsed.errors.len() == 1, "{:?}", parsed.errors);
        return;
    };
    assert_eq!(first.content(), "Shelling was reported in Idlib.");
    let text = std::str::from_utf8(&input).expect("sniffed as text");
    let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
    assert_eq!(parsed.reports.len() + parsed.errors.len(), lines, "{:?}", parsed.errors);
});
