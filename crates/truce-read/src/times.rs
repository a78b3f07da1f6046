//! Time expressions: absolute dates, weekdays and relative days against the
//! publication date, clock times with zones ("midnight local time", "10pm GMT",
//! "5 p.m. ET"), resolved to UTC with the IANA database.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use truce_model::{Precision, TimeRef};

/// What relative expressions are resolved against.
#[derive(Debug, Clone)]
pub struct TimeCtx {
    /// Reference day (publication date in the local zone), if known.
    pub today: Option<Date>,
    /// Year to assume for "30 December" when no other is known.
    pub year: Option<i16>,
    /// Local zone of the place (Asia/Damascus).
    pub local: TimeZone,
}

/// A time expression found in a sentence.
#[derive(Debug, Clone)]
pub struct TimeHit {
    /// Byte range in clean text.
    pub range: std::ops::Range<usize>,
    /// The resolved time.
    pub time: TimeRef,
}

/// `w` lower-cased (ASCII) in `buf`, or `""` when longer than the buffer
/// (no keyword matched here is that long).
fn lower<'b>(w: &str, buf: &'b mut [u8; 16]) -> &'b [u8] {
    let b = w.as_bytes();
    if b.len() > buf.len() {
        return b"";
    }
    for (o, c) in buf.iter_mut().zip(b) {
        *o = c.to_ascii_lowercase();
    }
    &buf[..b.len()]
}

fn month(w: &str) -> Option<i8> {
    // Most words are no month: rule them out by length and first letter first.
    let b = w.as_bytes();
    if !(3..=10).contains(&b.len()) || !matches!(b[0] | 0x20, b'j' | b'f' | b'm' | b'a' | b's' | b'o' | b'n' | b'd') {
        return None;
    }
    let mut buf = [0u8; 16];
    let l = lower(w.trim_end_matches('.'), &mut buf);
    Some(match l {
        b"january" | b"jan" => 1,
        b"february" | b"feb" => 2,
        b"march" | b"mar" => 3,
        b"april" | b"apr" => 4,
        b"may" => 5,
        b"june" | b"jun" => 6,
        b"july" | b"jul" => 7,
        b"august" | b"aug" => 8,
        b"september" | b"sep" | b"sept" => 9,
        b"october" | b"oct" => 10,
        b"november" | b"nov" => 11,
        b"december" | b"dec" => 12,
        _ => return None,
    })
}

fn weekday(w: &str) -> Option<Weekday> {
    Some(match w {
        "Monday" => Weekday::Monday,
        "Tuesday" => Weekday::Tuesday,
        "Wednesday" => Weekday::Wednesday,
        "Thursday" => Weekday::Thursday,
        "Friday" => Weekday::Friday,
        "Saturday" => Weekday::Saturday,
        "Sunday" => Weekday::Sunday,
        _ => return None,
    })
}

fn zone(w: &str) -> Option<TimeZone> {
    let name = match w {
        "GMT" | "UTC" | "Z" => return Some(TimeZone::UTC),
        "ET" | "EST" | "EDT" => "America/New_York",
        "CET" => "Europe/Paris",
        "PT" | "PST" => "America/Los_Angeles",
        _ => return None,
    };
    TimeZone::get(name).ok()
}

/// A date mentioned in words, before clock times are attached.
#[derive(Debug, Clone, Copy)]
struct DateAt {
    tok: usize,
    end_tok: usize,
    date: Date,
    weekday: bool,
}

/// A clock time in words.
#[derive(Debug, Clone)]
struct ClockAt {
    tok: usize,
    end_tok: usize,
    time: Time,
    midnight: bool,
    zone: Option<TimeZone>,
}

fn day_num(w: &str) -> Option<i8> {
    // A token is alphanumeric: one that does not open with a digit is no day number.
    if !w.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let d = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let v: i8 = d.parse().ok()?;
    (1..=31).contains(&v).then_some(v)
}

/// Finds and resolves times among the words of one sentence.
/// `words` are (text, byte range) pairs in order.
pub fn find(words: &[(&str, std::ops::Range<usize>)], ctx: &TimeCtx) -> Vec<TimeHit> {
    let n = words.len();
    let w = |i: usize| words.get(i).map(|x| x.0).unwrap_or("");
    // Month names and day numbers of every word, read once.
    let months: Vec<Option<i8>> = words.iter().map(|x| month(x.0)).collect();
    let days: Vec<Option<i8>> = words.iter().map(|x| day_num(x.0)).collect();
    let month_at = |i: usize| months.get(i).copied().flatten();
    let day_at = |i: usize| days.get(i).copied().flatten();
    let mut dates: Vec<DateAt> = Vec::new();
    let mut clocks: Vec<ClockAt> = Vec::new();
    // Weeks, months and years: (first token, end token, first day, last day, precision).
    let mut spans: Vec<(usize, usize, Date, Date, Precision)> = Vec::new();
    let mut i = 0;
    while i < n {
        let cur = w(i);
        // "two years ago", "a week ago", "three days ago", against the publication day.
        if let (Some(today), true) = (ctx.today, w(i + 2).eq_ignore_ascii_case("ago")) {
            let count = crate::numbers::value(&cur.to_ascii_lowercase()).filter(|v| (1..=100).contains(v));
            if let Some(k) = count.map(i64::from) {
                let unit = w(i + 1).to_ascii_lowercase();
                let back = match unit.trim_end_matches('s') {
                    "year" => Some((today.checked_sub(k.years()).ok(), Precision::Year)),
                    "month" => Some((today.checked_sub(k.months()).ok(), Precision::Month)),
                    "week" => Some((today.checked_sub(k.weeks()).ok(), Precision::Week)),
                    "day" => Some((today.checked_sub(k.days()).ok(), Precision::Day)),
                    _ => None,
                };
                if let Some((Some(d), p)) = back {
                    let monday = d.checked_sub((d.weekday().to_monday_zero_offset() as i64).days()).unwrap_or(d);
                    let (a, b) = match p {
                        Precision::Year => (d.first_of_year(), d.last_of_year()),
                        Precision::Month => (d.first_of_month(), d.last_of_month()),
                        Precision::Week => (monday, monday.checked_add(6.days()).unwrap_or(monday)),
                        _ => (d, d),
                    };
                    spans.push((i, i + 3, a, b, p));
                    i += 3;
                    continue;
                }
            }
        }
        // Most words open with a lowercase letter: such a word starts a time only
        // as a month name or one of these words (weekdays are capitalised, dates
        // and clock times open with a digit).
        if cur.as_bytes()[0].is_ascii_lowercase() && month_at(i).is_none() {
            let mut buf = [0u8; 16];
            if !matches!(
                lower(cur, &mut buf),
                b"today"
                    | b"tonight"
                    | b"yesterday"
                    | b"overnight"
                    | b"last"
                    | b"midnight"
                    | b"noon"
                    | b"midday"
                    | b"earlier"
                    | b"this"
                    | b"in"
                    | b"the"
                    | b"since"
            ) {
                i += 1;
                continue;
            }
        }
        // ISO date 2016-12-30 arrives as three number tokens.
        if cur.len() == 4 && cur.bytes().all(|b| b.is_ascii_digit()) {
            if let (Ok(y), Some(m), Some(d)) =
                (cur.parse::<i16>(), w(i + 1).parse::<i8>().ok(), w(i + 2).parse::<i8>().ok())
            {
                if (1990..2100).contains(&y) && words.get(i + 1).is_some_and(|x| x.1.start == words[i].1.end + 1) {
                    if let Ok(date) = Date::new(y, m, d) {
                        dates.push(DateAt { tok: i, end_tok: i + 3, date, weekday: false });
                        i += 3;
                        continue;
                    }
                }
            }
        }
        // "in 2013", "since 2011", "the 2008 killing": a whole year.
        if matches!(cur, "in" | "In" | "since" | "Since" | "the" | "The") {
            if let Ok(y) = w(i + 1).parse::<i16>() {
                let alone = w(i + 1).len() == 4 && month_at(i + 2).is_none();
                if alone && (1990..2100).contains(&y) {
                    if let (Ok(a), Ok(b)) = (Date::new(y, 1, 1), Date::new(y, 12, 31)) {
                        spans.push((i + 1, i + 2, a, b, Precision::Year));
                    }
                    i += 2;
                    continue;
                }
            }
            i += 1;
            continue;
        }
        // "February 2013": a whole month; "in February", "since September": the last one.
        if let Some(m) = month_at(i).filter(|_| cur.chars().next().is_some_and(|c| c.is_uppercase())) {
            if let Ok(y) = w(i + 1).parse::<i16>() {
                if w(i + 1).len() == 4 && (1990..2100).contains(&y) && day_at(i.wrapping_sub(1)).is_none() {
                    if let Ok(a) = Date::new(y, m, 1) {
                        spans.push((i, i + 2, a, a.last_of_month(), Precision::Month));
                        i += 2;
                        continue;
                    }
                }
            }
            let lead = matches!(
                w(i.wrapping_sub(1)),
                "in" | "In" | "since" | "Since" | "early" | "late" | "mid" | "until" | "last" | "by" | "of"
            );
            let full = cur.len() > 3 && !cur.ends_with('.');
            if lead && full && day_at(i + 1).is_none() && day_at(i.wrapping_sub(2)).is_none() {
                if let Some(Ok(a)) = infer_year(ctx, m).map(|y| Date::new(y, m, 1)) {
                    spans.push((i, i + 1, a, a.last_of_month(), Precision::Month));
                    i += 1;
                    continue;
                }
            }
        }
        // "last week", "last month", "earlier this month", "this week", against the publication day.
        if let Some(today) = ctx.today {
            let mut buf = [0u8; 16];
            let a = lower(cur, &mut buf);
            let mut buf2 = [0u8; 16];
            let b = lower(w(i + 1), &mut buf2);
            let monday = |d: Date| d.checked_sub((d.weekday().to_monday_zero_offset() as i64).days()).unwrap_or(d);
            let span = match (a, b) {
                (b"last", b"week") => {
                    let m = monday(today).checked_sub(7.days()).ok();
                    m.map(|m| (m, m.checked_add(6.days()).unwrap_or(m), Precision::Week, 2))
                }
                (b"this", b"week") => Some((monday(today), today, Precision::Week, 2)),
                (b"last", b"month") => {
                    today.first_of_month().yesterday().ok().map(|e| (e.first_of_month(), e, Precision::Month, 2))
                }
                (b"this", b"month") => Some((today.first_of_month(), today, Precision::Month, 2)),
                (b"earlier", b"this") if w(i + 2).eq_ignore_ascii_case("month") => {
                    Some((today.first_of_month(), today, Precision::Month, 3))
                }
                (b"earlier", b"this") if w(i + 2).eq_ignore_ascii_case("week") => {
                    Some((monday(today), today, Precision::Week, 3))
                }
                _ => None,
            };
            if let Some((from, to, p, len)) = span {
                spans.push((i, i + len, from, to, p));
                i += len;
                continue;
            }
        }
        // "the 26th of December [2018]".
        let sfx = usize::from(matches!(w(i + 1), "th" | "st" | "nd" | "rd"));
        if let (Some(d), true, Some(m)) = (day_at(i), w(i + 1 + sfx) == "of", month_at(i + 2 + sfx)) {
            let (year, end) = match w(i + 3 + sfx).parse::<i16>() {
                Ok(y) if (1990..2100).contains(&y) => (Some(y), i + 4 + sfx),
                _ => (None, i + 3 + sfx),
            };
            if let Some(Ok(date)) = year.or_else(|| infer_year(ctx, m)).map(|y| Date::new(y, m, d)) {
                dates.push(DateAt { tok: i, end_tok: end, date, weekday: false });
                i = end;
                continue;
            }
        }
        // "30 December [2016]" and "December 30[, 2016]".
        let dm = day_at(i).zip(month_at(i + 1).filter(|_| w(i + 1).chars().next().is_some_and(|c| c.is_uppercase())));
        let md = month_at(i)
            .filter(|_| cur.chars().next().is_some_and(|c| c.is_uppercase()) && cur != "May" || day_at(i + 1).is_some())
            .zip(day_at(i + 1));
        if let Some((d, m)) = dm.or(md.map(|(m, d)| (d, m))) {
            let (year, end) = match w(i + 2).parse::<i16>() {
                Ok(y) if (1990..2100).contains(&y) => (Some(y), i + 3),
                _ => (None, i + 2),
            };
            let year = year.or_else(|| infer_year(ctx, m));
            if let Some(y) = year {
                if let Ok(date) = Date::new(y, m, d) {
                    dates.push(DateAt { tok: i, end_tok: end, date, weekday: false });
                    i = end;
                    continue;
                }
            }
        }
        if let (Some(wd), Some(today)) = (weekday(cur), ctx.today) {
            let prev = matches!(w(i.wrapping_sub(1)), "last" | "Last" | "past");
            let next = matches!(w(i.wrapping_sub(1)), "next" | "Next" | "coming");
            let mut d = today;
            if next {
                d = d.tomorrow().unwrap_or(d);
                while d.weekday() != wd {
                    d = d.tomorrow().unwrap_or(d);
                }
            } else {
                if prev {
                    d = d.yesterday().unwrap_or(d);
                }
                let mut guard = 0;
                while d.weekday() != wd && guard < 8 {
                    d = d.yesterday().unwrap_or(d);
                    guard += 1;
                }
            }
            dates.push(DateAt { tok: i, end_tok: i + 1, date: d, weekday: true });
            i += 1;
            continue;
        }
        if let Some(today) = ctx.today {
            let mut buf = [0u8; 16];
            let lc = lower(cur, &mut buf);
            let rel = match lc {
                b"today" | b"tonight" => Some(today),
                b"yesterday" => today.yesterday().ok(),
                b"overnight" => today.yesterday().ok(),
                b"last" if w(i + 1) == "night" => today.yesterday().ok(),
                _ => None,
            };
            if let Some(d) = rel {
                let end = if lc == b"last" { i + 2 } else { i + 1 };
                dates.push(DateAt { tok: i, end_tok: end, date: d, weekday: false });
                i = end;
                continue;
            }
        }
        // Clock times.
        let mut buf = [0u8; 16];
        let lc = lower(cur, &mut buf);
        let mut clock: Option<(Time, usize, bool)> = None;
        if lc == b"midnight" {
            clock = Some((Time::midnight(), i + 1, true));
        } else if lc == b"noon" || lc == b"midday" {
            clock = Some((Time::constant(12, 0, 0, 0), i + 1, false));
        } else {
            // "10pm", "10 pm", "5 p.m.", "22:00", "10:30 a.m."
            let (hpart, suffix) = cur.split_at(cur.find(|c: char| !c.is_ascii_digit()).unwrap_or(cur.len()));
            if let Ok(h) = hpart.parse::<i8>() {
                let mut k = i + 1;
                let mut minute = 0i8;
                let mut sfx = suffix.to_ascii_lowercase();
                if sfx.is_empty()
                    && w(k).len() == 2
                    && words.get(k).is_some_and(|x| x.1.start == words[i].1.end + 1)
                    && w(k).bytes().all(|b| b.is_ascii_digit())
                {
                    minute = w(k).parse().unwrap_or(0);
                    k += 1;
                    if matches!(w(k), "am" | "pm" | "a" | "p") {
                        sfx = w(k).to_string();
                        k += 1;
                    } else {
                        sfx = "h".into();
                    }
                }
                if sfx.is_empty() && matches!(w(k).to_ascii_lowercase().as_str(), "am" | "pm" | "a" | "p") {
                    sfx = w(k).to_ascii_lowercase();
                    k += 1;
                }
                // "p.m." tokenizes as "p", "m".
                if (sfx == "a" || sfx == "p") && w(k) == "m" {
                    k += 1;
                }
                // A 12-hour clock reads 1 to 12 ("120pm" is no time, and must not overflow).
                let hour = match sfx.as_str() {
                    "am" | "a" if (1..=12).contains(&h) => Some(if h == 12 { 0 } else { h }),
                    "pm" | "p" if (1..=12).contains(&h) => Some(if h == 12 { 12 } else { h + 12 }),
                    "h" => Some(h),
                    _ => None,
                };
                if let Some(hh) = hour.filter(|hh| (0..24).contains(hh)) {
                    if let Ok(t) = Time::new(hh, minute.clamp(0, 59), 0, 0) {
                        clock = Some((t, k, false));
                    }
                }
            }
        }
        if let Some((t, mut end, midnight)) = clock {
            let mut z = None;
            if let Some(tz) = zone(w(end)) {
                z = Some(tz);
                end += 1;
            } else if (w(end).eq_ignore_ascii_case("local") || w(end) == "Damascus") && w(end + 1) == "time" {
                z = Some(ctx.local.clone());
                end += 2;
            }
            clocks.push(ClockAt { tok: i, end_tok: end, time: t, midnight, zone: z });
            i = end;
            continue;
        }
        i += 1;
    }
    let mut out = Vec::new();
    let mut used_dates = vec![false; dates.len()];
    for c in &clocks {
        // Nearest date within 6 words.
        let near = dates
            .iter()
            .enumerate()
            .filter(|(_, d)| d.tok.abs_diff(c.end_tok) <= 6 || d.end_tok.abs_diff(c.tok) <= 6)
            .min_by_key(|(_, d)| d.tok.abs_diff(c.tok));
        let (date, start_tok, end_tok, weekday) = match near {
            Some((k, d)) => {
                used_dates[k] = true;
                (Some(d.date), c.tok.min(d.tok), c.end_tok.max(d.end_tok), d.weekday)
            }
            None => (ctx.today, c.tok, c.end_tok, true),
        };
        let Some(mut date) = date else { continue };
        // "midnight on Thursday" and bare "midnight" end the named day; "midnight 30 December" starts it.
        if c.midnight && weekday {
            date = date.tomorrow().unwrap_or(date);
        }
        let tz = c.zone.clone().unwrap_or_else(|| ctx.local.clone());
        let Ok(zdt) = date.to_datetime(c.time).to_zoned_datetime(tz) else { continue };
        let range = words[start_tok].1.start..words[end_tok.min(n) - 1].1.end;
        let expr = range.clone();
        out.push(TimeHit { range, time: TimeRef::instant(zdt.timestamp(), format!("{}..{}", expr.start, expr.end)) });
    }
    for (k, d) in dates.iter().enumerate() {
        if used_dates[k] {
            continue;
        }
        let range = words[d.tok].1.start..words[d.end_tok.min(n) - 1].1.end;
        if let Ok(t) = TimeRef::civil_day(d.date, &ctx.local, format!("{}..{}", range.start, range.end)) {
            out.push(TimeHit { range, time: t });
        }
    }
    for (tok, end_tok, a, b, p) in spans {
        let range = words[tok].1.start..words[end_tok.min(n) - 1].1.end;
        let (Ok(from), Ok(to)) = (TimeRef::civil_day(a, &ctx.local, ""), TimeRef::civil_day(b, &ctx.local, "")) else {
            continue;
        };
        if let Ok(t) = TimeRef::new(from.from(), to.to(), p, format!("{}..{}", range.start, range.end)) {
            out.push(TimeHit { range, time: t });
        }
    }
    out.sort_by_key(|h| h.range.start);
    out
}

fn infer_year(ctx: &TimeCtx, m: i8) -> Option<i16> {
    match ctx.today {
        Some(t) => Some(if m > t.month() + 1 { t.year() - 1 } else { t.year() }),
        None => ctx.year,
    }
}

/// A time anchored on an earlier instant: "less than two hours after the truce began".
pub fn anchored(sentence: &str, anchor: Timestamp) -> Option<TimeRef> {
    let l = sentence.to_ascii_lowercase();
    let cues = [
        "after the truce",
        "after the ceasefire",
        "after the cease-fire",
        "following the ceasefire",
        "following the truce",
        "following the cease-fire",
        "since the truce",
        "since the ceasefire",
        "since the cease-fire",
    ];
    let at = cues.iter().filter_map(|c| l.find(c)).min()?;
    let before = &l[..at];
    let hours = if before.ends_with("two hours ") || before.contains("two hours") {
        2
    } else if before.contains("an hour") || before.contains("one hour") {
        1
    } else if before.contains("few hours") || before.contains("hours") {
        6
    } else {
        24
    };
    let end = anchor.checked_add((hours as i64).hours()).ok()?;
    let p = if hours <= 6 { Precision::Hour } else { Precision::Day };
    TimeRef::new(anchor, end, p, sentence[at..].split([',', '.']).next().unwrap_or("").to_string()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<(&str, std::ops::Range<usize>)> {
        crate::text::tokenize(s).into_iter().map(|t| (&s[t.range.clone()], t.range)).collect()
    }

    fn ctx(today: Option<&str>) -> TimeCtx {
        TimeCtx {
            today: today.map(|d| d.parse().unwrap()),
            year: Some(2016),
            local: TimeZone::get("Asia/Damascus").unwrap(),
        }
    }

    fn first(s: &str, c: &TimeCtx) -> String {
        find(&words(s), c)[0].time.from().to_string()
    }

    #[test]
    fn zoned_clock_times_become_utc() {
        let c = ctx(Some("2016-12-29"));
        assert_eq!(first("at midnight 30 December (x)", &c), "2016-12-29T22:00:00Z");
        assert_eq!(first("10pm GMT on 29 December", &c), "2016-12-29T22:00:00Z");
        assert_eq!(first("to begin at midnight local time", &c), "2016-12-29T22:00:00Z");
        assert_eq!(first("(5 p.m. ET)", &c), "2016-12-29T22:00:00Z");
        assert_eq!(first("set to begin at midnight on Thursday", &c), "2016-12-29T22:00:00Z");
        assert_eq!(first("at 22:00 GMT", &c), "2016-12-29T22:00:00Z");
    }

    #[test]
    fn dates_and_weekdays() {
        let c = ctx(Some("2017-04-05"));
        let h = find(&words("the attack on Tuesday killed 70"), &c);
        assert_eq!(h[0].time.from().to_string(), "2017-04-03T21:00:00Z");
        assert_eq!(h[0].time.precision(), Precision::Day);
        let h = find(&words("on February 22, 2016 they agreed"), &ctx(None));
        assert_eq!(h[0].time.from().to_zoned_datetime(TimeZone::UTC).date().to_string(), "2016-02-21");
    }

    #[test]
    fn weeks_months_and_years() {
        let c = ctx(Some("2016-12-29")); // a Thursday
        let day = |t: Timestamp| t.to_zoned_datetime(TimeZone::get("Asia/Damascus").unwrap()).date().to_string();
        let h = find(&words("fighting last week near Hama"), &c);
        assert_eq!((day(h[0].time.from()), day(h[0].time.to())), ("2016-12-19".into(), "2016-12-25".into()));
        assert_eq!(h[0].time.precision(), Precision::Week);
        let h = find(&words("an attack earlier this month"), &c);
        assert_eq!((day(h[0].time.from()), day(h[0].time.to())), ("2016-12-01".into(), "2016-12-29".into()));
        assert_eq!(h[0].time.precision(), Precision::Month);
        let h = find(&words("the siege began in February 2013 and"), &c);
        assert_eq!((day(h[0].time.from()), day(h[0].time.to())), ("2013-02-01".into(), "2013-02-28".into()));
        let h = find(&words("accuses Israel of the 2008 killing ."), &c);
        assert_eq!((day(h[0].time.from()), h[0].time.precision()), ("2008-01-01".into(), Precision::Year));
        let h = find(&words("rebels have held it since 2012 ."), &c);
        assert_eq!((day(h[0].time.from()), h[0].time.precision()), ("2012-01-01".into(), Precision::Year));
        let h = find(&words("On the 26th of December , 1 fighter was killed"), &c);
        assert_eq!(day(h[0].time.from()), "2016-12-26");
        // A day and month with a year is still one day, not a month.
        let h = find(&words("on 3 February 2013 ."), &c);
        assert_eq!(h[0].time.precision(), Precision::Day);
        assert!(find(&words("in 300 villages"), &c).is_empty());
        let h = find(&words("the Russian air force intervened in September to support Assad"), &c);
        assert_eq!((day(h[0].time.from()), h[0].time.precision()), ("2016-09-01".into(), Precision::Month));
        let h = find(&words("talks convened two years ago collapsed"), &c);
        assert_eq!((day(h[0].time.from()), h[0].time.precision()), ("2014-01-01".into(), Precision::Year));
        let h = find(&words("a car bomb three days ago"), &c);
        assert_eq!(day(h[0].time.from()), "2016-12-26");
        // A 12-hour clock reads 1 to 12: "120pm" is no time (and no overflow).
        assert!(find(&words("at 120pm local time"), &c).is_empty());
        assert!(find(&words("at 0pm"), &c).is_empty());
        // "May" the verb and a day of the month are no month.
        assert!(find(&words("Talks May resume"), &c).is_empty());
        assert_eq!(find(&words("on 3 February ,"), &c)[0].time.precision(), Precision::Day);
    }

    #[test]
    fn anchored_on_the_truce() {
        let a: Timestamp = "2016-12-29T22:00:00Z".parse().unwrap();
        let t = anchored("gunfire less than two hours after the truce began", a).unwrap();
        assert_eq!(t.to().to_string(), "2016-12-30T00:00:00Z");
    }
}
