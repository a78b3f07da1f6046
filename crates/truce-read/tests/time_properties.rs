//! Properties of zoned time expressions over generated dates and clock times:
//! "at 10pm GMT on 29 December 2016", "at 22:00 local time", "5 p.m. ET" become
//! the UTC instant the IANA database gives for that wall time, across daylight
//! saving changes in Damascus and New York.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use proptest::prelude::*;
use truce_read::{RefData, ReportInput, read};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn refdata() -> &'static RefData {
    static R: std::sync::OnceLock<RefData> = std::sync::OnceLock::new();
    R.get_or_init(|| RefData::bundled().expect("bundled reference data"))
}

/// The UTC instant of the first mention's time in `text`, published on `day`.
fn first_time(text: &str, day: Date) -> Option<jiff::Timestamp> {
    let published = day.to_datetime(Time::constant(12, 0, 0, 0)).to_zoned_datetime(TimeZone::UTC).ok()?.timestamp();
    let input = ReportInput { id: "p", name: "p", text, is_html: false, published: Some(published) };
    let (reading, _) = read(&input, refdata());
    reading.mentions.iter().find_map(|m| m.time.as_ref()).map(|t| t.from())
}

fn clock(h: i8, m: i8) -> String {
    let (h12, ampm) = match h {
        0 => (12, "am"),
        1..=11 => (h, "am"),
        12 => (12, "pm"),
        _ => (h - 12, "pm"),
    };
    if m == 0 { format!("{h12}{ampm}") } else { format!("{h12}:{m:02} {ampm}") }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn zoned_clock_times_are_the_instants_the_zone_database_gives(
        y in 2011i16..2024, mo in 1i8..=12, d in 1i8..=28, h in 0i8..24, m in 0i8..60,
        zone in 0usize..3,
    ) {
        let day = Date::new(y, mo, d).unwrap();
        let (word, tz) = match zone {
            0 => ("GMT", TimeZone::UTC),
            1 => ("ET", TimeZone::get("America/New_York").unwrap()),
            _ => ("local time", TimeZone::get("Asia/Damascus").unwrap()),
        };
        let text = format!(
            "Shelling hit Hama at {} {word} on {d} {} {y}, killing 3.",
            clock(h, m),
            MONTHS[(mo - 1) as usize]
        );
        let want = day.to_datetime(Time::new(h, m, 0, 0).unwrap()).to_zoned_datetime(tz);
        // Wall times a DST change skips or repeats resolve as jiff's "compatible" rule does.
        let want = want.unwrap().timestamp();
        let got = first_time(&text, day);
        prop_assert_eq!(got, Some(want), "{}", text);
    }
}
