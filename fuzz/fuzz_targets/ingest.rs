//! Ingest on arbitrary bytes: sniffing, HTML metadata, JSON Lines and feed
//! parsing must never panic, and every report they yield is non-empty text
//! whose id is the hash of its content.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let meta = truce_ingest::IngestMeta { received_at: jiff::Timestamp::UNIX_EPOCH, source: None };
    let parsed = truce_ingest::parse_bytes("fuzz", data, &meta);
    for r in &parsed.reports {
        assert!(!r.content().trim().is_empty());
        assert_eq!(r.id(), &truce_model::ReportId::for_content(r.content().as_bytes()));
    }
});
