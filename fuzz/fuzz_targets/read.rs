//! The whole read step (HTML cleaning, sentences, recognisers, times, numbers,
//! mentions) on arbitrary text: never panics, and every mention's evidence and
//! sentence lie inside the clean text on character boundaries.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use truce_read::{RefData, ReportInput};

static REFDATA: OnceLock<RefData> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Some((&flag, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let refdata = REFDATA.get_or_init(|| RefData::bundled().expect("reference data"));
    let published = jiff::Timestamp::from_second(1_483_000_000 + i64::from(flag) * 86_400).ok();
    let input = ReportInput { id: "fuzz", name: "fuzz", text: &text, is_html: flag & 1 == 1, published };
    let (reading, _) = truce_read::read(&input, refdata);
    for m in &reading.mentions {
        for r in [&m.evidence, &m.sentence] {
            assert!(r.start <= r.end && r.end <= reading.clean.len());
            assert!(reading.clean.is_char_boundary(r.start) && reading.clean.is_char_boundary(r.end));
        }
    }
    let _ = truce_read::extract_records("fuzz", &reading);
});
