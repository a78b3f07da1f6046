//! Time expressions, through `truce_read::read` (the time parser is not public):
//! the fuzz text is split on `|` into two pieces put into sentence templates
//! around dates and clock times ("On {a} 2016 at {b} GMT, ..."), the first byte
//! choosing the template and the publication day. Never panics; every
//! mention's time is an ordered interval; reading is deterministic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use truce_read::{RefData, ReportInput};

static REFDATA: OnceLock<RefData> = OnceLock::new();

const TEMPLATES: [&str; 8] = [
    "On {a} 2016 at {b} GMT, government forces shelled Douma, killing three civilians.",
    "The ceasefire took effect at {b} on {a} (Damascus time), the Russian defence ministry said.",
    "Clashes erupted in Aleppo on {a} and continued until {b}, the Syrian Observatory said.",
    "Since {a}, at least 12 people have been killed in air strikes on Idlib, monitors said on {b}.",
    "ALEPPO, Syria, {a} - Rebels shelled the city {b}, killing five people.",
    "The truce, which began at midnight on {a}, was violated {b} in Hama province.",
    "Between {a} and {b}, 40 barrel bombs were dropped on Daraya, activists said.",
    "{a} {b} - Warplanes struck Khan Sheikhoun, killing at least 20 people.",
];

fuzz_target!(|data: &[u8]| {
    let Some((&flag, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    if text.len() > 400 {
        return;
    }
    let (a, b) = text.split_once('|').unwrap_or((&text, "yesterday"));
    let sentence = TEMPLATES[usize::from(flag) % TEMPLATES.len()].replace("{a}", a).replace("{b}", b);
    let refdata = REFDATA.get_or_init(|| RefData::bundled().expect("reference data"));
    // Publication days from 2016-01-04 on, one per flag value.
    let published = jiff::Timestamp::from_second(1_451_900_000 + i64::from(flag / 8) * 86_400 * 7).ok();
    let input = ReportInput { id: "fuzz", name: "fuzz", text: &sentence, is_html: false, published };
    let (reading, _) = truce_read::read(&input, refdata);
    for m in &reading.mentions {
        if let Some(t) = &m.time {
            assert!(t.from() <= t.to(), "time {t:?} ends before it starts in {sentence:?}");
        }
    }
    let (again, _) = truce_read::read(&input, refdata);
    assert_eq!(reading.mentions, again.mentions, "two readings of {sentence:?} differ");
});
