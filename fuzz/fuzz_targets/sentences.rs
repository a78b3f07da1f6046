//! The sentence splitter on arbitrary text: ranges are ordered, disjoint,
//! inside the text and on character boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let mut last = 0;
    for r in truce_read::split_sentences(text) {
        assert!(r.start >= last && r.start <= r.end && r.end <= text.len(), "{r:?} after {last}");
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        last = r.end;
    }
});
