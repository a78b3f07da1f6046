//! ACLED-compatible CSV: the 31 columns of ACLED's Syria export, in ACLED's
//! order and spelling, then Truce's extra columns. Writing is streaming (one
//! row at a time); reading is streaming too, for `truce export import`.
//!
//! One row per incident. When an incident has several rulings, the row shows
//! the most serious one (violation, then excluded party, then undetermined,
//! then not covered; ties by agreement key); JSON Lines carry all of them.

use std::io::{self, BufRead, Write};

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::records::{ActorRecord, IncidentRecord, MentionRecord};

/// ACLED's columns, in ACLED's order.
pub const ACLED_COLUMNS: [&str; 31] = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
];

/// Truce's columns after ACLED's.
pub const EXTRA_COLUMNS: [&str; 5] = ["verdict", "agreement", "guarantors", "corroboration", "source_spans"];

/// The zone whose calendar gives `event_date` (ACLED dates are local).
pub const EXPORT_ZONE: &str = "Asia/Damascus";

/// The part of a ruling a row shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulingSummary {
    /// Agreement key.
    pub agreement: String,
    /// Verdict name.
    pub verdict: String,
    /// Guarantor names.
    pub guarantors: Vec<String>,
    /// Responsible actor names.
    pub responsible: Vec<String>,
}

/// How serious a verdict is for choosing the row's ruling: 0 is the most.
pub fn verdict_rank(v: &str) -> u8 {
    match v {
        "violation" => 0,
        "excluded_party" => 1,
        "undetermined" => 2,
        _ => 3,
    }
}

/// The ruling a CSV row or GeoJSON feature shows: the most serious one.
pub fn primary(rulings: &[RulingSummary]) -> Option<&RulingSummary> {
    rulings
        .iter()
        .min_by(|a, b| (verdict_rank(&a.verdict), &a.agreement).cmp(&(verdict_rank(&b.verdict), &b.agreement)))
}

/// One CSV row: ACLED's 31 fields then the extras, as text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AcledRow {
    /// The fields, `ACLED_COLUMNS` then `EXTRA_COLUMNS`.
    pub fields: Vec<String>,
}

fn col(name: &str) -> usize {
    ACLED_COLUMNS.iter().chain(EXTRA_COLUMNS.iter()).position(|c| *c == name).unwrap_or(usize::MAX)
}

fn zone() -> TimeZone {
    TimeZone::get(EXPORT_ZONE).unwrap_or(TimeZone::UTC)
}

/// The local date of an incident: the midpoint of its time interval, in `EXPORT_ZONE`.
pub fn incident_date(i: &IncidentRecord) -> Option<Date> {
    let from: Timestamp = i.time_utc[0].parse().ok()?;
    let to: Timestamp = i.time_utc[1].parse().unwrap_or(from);
    let mid = Timestamp::from_millisecond((from.as_millisecond() + to.as_millisecond()) / 2).ok()?;
    Some(mid.to_zoned_datetime(zone()).date())
}

fn acled_precision(p: &str) -> &'static str {
    match p {
        "week" => "2",
        "month" | "year" => "3",
        _ => "1",
    }
}

fn disorder(event_type: &str) -> &'static str {
    match event_type {
        "Protests" => "Demonstrations",
        "Riots" => "Demonstrations",
        "Strategic developments" => "Strategic developments",
        _ => "Political violence",
    }
}

fn inter(a: Option<&ActorRecord>) -> String {
    a.and_then(|a| a.inter).map(|i| i.to_string()).unwrap_or_default()
}

impl AcledRow {
    /// The row for one incident, with its rulings and the time it was last recorded.
    pub fn from_incident(i: &IncidentRecord, rulings: &[RulingSummary], updated_at: Option<Timestamp>) -> AcledRow {
        let date = incident_date(i);
        let a1 = i.actors.first();
        let a2 = i.actors.get(1);
        let interaction = match (a1.and_then(|a| a.inter), a2.and_then(|a| a.inter)) {
            (Some(x), Some(y)) => format!("{}{}", x.min(y), x.max(y)),
            (Some(x), None) | (None, Some(x)) => format!("{x}0"),
            (None, None) => String::new(),
        };
        let mut notes: Vec<&str> = Vec::new();
        for m in &i.mentions {
            if !notes.contains(&m.text.as_str()) {
                notes.push(&m.text);
            }
        }
        let r = primary(rulings);
        let spans: Vec<String> = i.mentions.iter().map(|m| format!("{}:{}-{}", m.report_id, m.start, m.end)).collect();
        let opt = |v: Option<String>| v.unwrap_or_default();
        let fields = vec![
            i.id.clone(),
            date.map(|d| d.strftime("%d %B %Y").to_string()).unwrap_or_default(),
            date.map(|d| d.year().to_string()).unwrap_or_default(),
            acled_precision(&i.time_precision).to_owned(),
            disorder(&i.event_type).to_owned(),
            i.event_type.clone(),
            i.sub_event_type.clone(),
            a1.map(|a| a.name.clone()).unwrap_or_default(),
            i.actors.iter().skip(2).map(|a| a.name.as_str()).collect::<Vec<_>>().join("; "),
            inter(a1),
            a2.map(|a| a.name.clone()).unwrap_or_default(),
            String::new(),
            inter(a2),
            interaction,
            if i.event_type == "Violence against civilians" { "Civilian targeting".to_owned() } else { String::new() },
            "760".to_owned(),
            "Middle East".to_owned(),
            "Syria".to_owned(),
            opt(i.admin1.clone()),
            opt(i.admin2.clone()),
            String::new(),
            opt(i.location.clone()),
            i.lat.map(|v| v.to_string()).unwrap_or_default(),
            i.lon.map(|v| v.to_string()).unwrap_or_default(),
            i.geo_precision.map(|v| v.to_string()).unwrap_or_default(),
            i.reports.join("; "),
            String::new(),
            notes.join(" "),
            i.fatalities.to_string(),
            format!("status={}", i.status),
            updated_at.map(|t| t.as_second().to_string()).unwrap_or_default(),
            r.map(|r| r.verdict.clone()).unwrap_or_default(),
            r.map(|r| r.agreement.clone()).unwrap_or_default(),
            r.map(|r| r.guarantors.join("; ")).unwrap_or_default(),
            i.sources.to_string(),
            spans.join(" "),
        ];
        AcledRow { fields }
    }

    /// A field by column name ("" when absent).
    pub fn get(&self, name: &str) -> &str {
        self.fields.get(col(name)).map_or("", String::as_str)
    }

    /// Builds a row from a CSV record and its header; columns are matched by
    /// name, so ACLED files with extra or reordered columns read as well.
    pub fn from_record(header: &[String], record: &[String]) -> AcledRow {
        let mut fields = vec![String::new(); ACLED_COLUMNS.len() + EXTRA_COLUMNS.len()];
        for (h, v) in header.iter().zip(record) {
            let c = col(h.trim());
            if let Some(f) = fields.get_mut(c) {
                f.clone_from(v);
            }
        }
        AcledRow { fields }
    }

    /// Checks that an imported row can become an incident; the error names the column.
    pub fn check(&self) -> Result<(), String> {
        for c in ["event_id_cnty", "event_date", "event_type", "sub_event_type"] {
            if self.get(c).trim().is_empty() {
                return Err(format!("column {c} is empty"));
            }
        }
        parse_date(self.get("event_date"))?;
        for c in ["latitude", "longitude"] {
            let v = self.get(c);
            if !v.is_empty() && v.parse::<f64>().is_err() {
                return Err(format!("column {c}: {v:?} is not a number"));
            }
        }
        let f = self.get("fatalities");
        if !f.is_empty() && f.parse::<u32>().is_err() {
            return Err(format!("column fatalities: {f:?} is not a whole number"));
        }
        Ok(())
    }

    /// The incident this row describes. The report that keeps its `source` and
    /// `notes` is `report` (name, id): the row's one mention spans all of its text.
    pub fn to_incident(&self, report_name: &str, report_id: &str) -> Result<IncidentRecord, String> {
        self.check()?;
        let date = parse_date(self.get("event_date"))?;
        let tz = zone();
        // The interval is centred on the day, so that its midpoint (what the export
        // writes as `event_date`) is that day again: export then import changes nothing.
        let (before, days, precision) = match self.get("time_precision") {
            "2" => (3, 7, "week"),
            "3" => (15, 31, "month"),
            _ => (0, 1, "day"),
        };
        let first = date.checked_sub(jiff::Span::new().days(before)).map_err(|e| e.to_string())?;
        let start = first.to_zoned_datetime(tz.clone()).map_err(|e| e.to_string())?;
        let end = first
            .checked_add(jiff::Span::new().days(days))
            .map_err(|e| e.to_string())?
            .to_zoned_datetime(tz)
            .map_err(|e| e.to_string())?;
        let mut actors = Vec::new();
        let mut push = |name: &str, inter: Option<u8>| {
            let name = name.trim();
            if !name.is_empty() {
                actors.push(ActorRecord { name: name.to_owned(), inter });
            }
        };
        let code = |c: &str| self.get(c).trim().parse::<u8>().ok();
        push(self.get("actor1"), code("inter1"));
        push(self.get("actor2"), code("inter2"));
        for c in ["assoc_actor_1", "assoc_actor_2"] {
            for a in self.get(c).split(';') {
                push(a, None);
            }
        }
        let none_if_empty = |c: &str| Some(self.get(c).to_owned()).filter(|s| !s.is_empty());
        let notes = self.get("notes").to_owned();
        let status =
            self.get("tags").split(';').find_map(|t| t.trim().strip_prefix("status=")).unwrap_or("reported").to_owned();
        let reports: Vec<String> =
            self.get("source").split(';').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();
        Ok(IncidentRecord {
            id: self.get("event_id_cnty").to_owned(),
            event_type: self.get("event_type").to_owned(),
            sub_event_type: self.get("sub_event_type").to_owned(),
            time_utc: [start.timestamp().to_string(), end.timestamp().to_string()],
            time_precision: precision.to_owned(),
            admin1: none_if_empty("admin1"),
            admin1_pcode: None,
            admin2: none_if_empty("admin2"),
            location: none_if_empty("location"),
            lat: self.get("latitude").parse().ok(),
            lon: self.get("longitude").parse().ok(),
            geo_precision: self.get("geo_precision").parse().ok(),
            actors,
            sources: self.get("corroboration").parse().unwrap_or(1),
            reports: if reports.is_empty() { vec![report_name.to_owned()] } else { reports },
            fatalities: self.get("fatalities").parse().unwrap_or(0),
            status,
            mentions: vec![MentionRecord {
                report: report_name.to_owned(),
                report_id: report_id.to_owned(),
                start: 0,
                end: notes.len(),
                text: notes,
            }],
        })
    }

    /// The rulings the row states (agreement and verdict columns), if any.
    pub fn ruling(&self) -> Option<RulingSummary> {
        let (a, v) = (self.get("agreement"), self.get("verdict"));
        (!a.is_empty() && !v.is_empty()).then(|| RulingSummary {
            agreement: a.to_owned(),
            verdict: v.to_owned(),
            guarantors: self
                .get("guarantors")
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            responsible: Vec::new(),
        })
    }
}

/// Parses ACLED's `event_date` ("30 December 2016"; ISO dates are accepted too).
pub fn parse_date(s: &str) -> Result<Date, String> {
    let s = s.trim();
    Date::strptime("%d %B %Y", s)
        .or_else(|_| s.parse::<Date>())
        .map_err(|_| format!("column event_date: {s:?} is not a date like \"30 December 2016\""))
}

fn needs_quotes(s: &str) -> bool {
    s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
}

fn write_field<W: Write + ?Sized>(w: &mut W, s: &str) -> io::Result<()> {
    if needs_quotes(s) {
        w.write_all(b"\"")?;
        w.write_all(s.replace('"', "\"\"").as_bytes())?;
        w.write_all(b"\"")
    } else {
        w.write_all(s.as_bytes())
    }
}

/// Writes one CSV record (RFC 4180, `\n` line ends).
pub fn write_record<W: Write, S: AsRef<str>>(w: &mut W, fields: &[S]) -> io::Result<()> {
    for (n, f) in fields.iter().enumerate() {
        if n > 0 {
            w.write_all(b",")?;
        }
        write_field(w, f.as_ref())?;
    }
    w.write_all(b"\n")
}

/// The encoding of [`CsvParts`]; stored parts of another version are not used.
pub const CSV_PARTS_VERSION: i64 = 1;

/// The fields of an incident's row that do not depend on its rulings or on
/// when it was recorded, CSV-encoded: `head` is `event_id_cnty` … `tags`,
/// each followed by a comma; `tail` is `corroboration,source_spans`. The row
/// is `head`, `timestamp`, the ruling's `verdict,agreement,guarantors`, then
/// `tail` (see [`write_row_from_parts`]), byte for byte what
/// [`AcledRow::from_incident`] and [`write_record`] write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvParts {
    /// Fields 1–30, each with its comma.
    pub head: String,
    /// The last two fields, comma-separated, no line end.
    pub tail: String,
}

const TIMESTAMP: usize = 30;
const TAIL: usize = ACLED_COLUMNS.len() + 3;

/// Encodes an incident's [`CsvParts`].
pub fn csv_parts(i: &IncidentRecord) -> CsvParts {
    let row = AcledRow::from_incident(i, &[], None);
    let mut head = Vec::with_capacity(512);
    for f in &row.fields[..TIMESTAMP] {
        let _ = write_field(&mut head, f);
        head.push(b',');
    }
    let mut tail = Vec::with_capacity(128);
    let _ = write_record(&mut tail, &row.fields[TAIL..]);
    tail.pop();
    // Both were written from `&str`s and ASCII separators only.
    CsvParts { head: String::from_utf8(head).unwrap_or_default(), tail: String::from_utf8(tail).unwrap_or_default() }
}

/// Writes one row from an incident's stored parts, the time it was last
/// recorded, and its primary ruling's verdict, agreement and guarantors
/// (joined with `; `).
pub fn write_row_from_parts<W: Write>(
    w: &mut W,
    parts: (&str, &str),
    updated_at: Option<Timestamp>,
    ruling: Option<(&str, &str, &str)>,
) -> io::Result<()> {
    w.write_all(parts.0.as_bytes())?;
    if let Some(t) = updated_at {
        write!(w, "{}", t.as_second())?;
    }
    write_segment(w, ruling)?;
    w.write_all(parts.1.as_bytes())?;
    w.write_all(b"\n")
}

/// The ruling's fields as a row holds them between the incident's parts:
/// `,verdict,agreement,guarantors,`, each quoted as needed (`,,,,` without a
/// ruling). Recorded beside each ruling so the store can build CSV rows.
pub fn ruling_segment(ruling: Option<(&str, &str, &str)>) -> String {
    let mut s = Vec::with_capacity(96);
    let _ = write_segment(&mut s, ruling);
    // Written from `&str`s and ASCII separators only.
    String::from_utf8(s).unwrap_or_default()
}

fn write_segment<W: Write + ?Sized>(w: &mut W, ruling: Option<(&str, &str, &str)>) -> io::Result<()> {
    let (verdict, agreement, guarantors) = ruling.unwrap_or(("", "", ""));
    for f in [verdict, agreement, guarantors] {
        w.write_all(b",")?;
        write_field(w, f)?;
    }
    w.write_all(b",")
}

/// Writes the header: ACLED's columns then ours.
pub fn write_header<W: Write>(w: &mut W) -> io::Result<()> {
    let cols: Vec<&str> = ACLED_COLUMNS.iter().chain(EXTRA_COLUMNS.iter()).copied().collect();
    write_record(w, &cols)
}

/// A streaming RFC 4180 reader: quoted fields may hold commas, quotes and line breaks.
#[derive(Debug)]
pub struct CsvReader<R> {
    inner: R,
    line: usize,
}

impl<R: BufRead> CsvReader<R> {
    /// Reads from `inner`.
    pub fn new(inner: R) -> Self {
        CsvReader { inner, line: 0 }
    }

    /// The line number where the last record ended (1-based).
    pub fn line(&self) -> usize {
        self.line
    }

    /// The next record, or `None` at the end. A quote left open at the end is an error.
    pub fn next_record(&mut self) -> io::Result<Option<Vec<String>>> {
        let mut buf = String::new();
        loop {
            let n = self.inner.read_line(&mut buf)?;
            if n == 0 {
                if buf.is_empty() {
                    return Ok(None);
                }
                if buf.bytes().filter(|b| *b == b'"').count() % 2 == 1 {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("line {}: a quoted field is not closed", self.line + 1),
                    ));
                }
                break;
            }
            self.line += 1;
            if buf.bytes().filter(|b| *b == b'"').count() % 2 == 0 {
                break;
            }
        }
        if buf.trim_end_matches(['\r', '\n']).is_empty() {
            return self.next_record();
        }
        let text = buf.strip_suffix('\n').unwrap_or(&buf);
        let text = text.strip_suffix('\r').unwrap_or(text);
        Ok(Some(split_record(text)))
    }
}

fn split_record(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
        } else if c == '"' && field.is_empty() {
            quoted = true;
        } else if c == ',' {
            out.push(std::mem::take(&mut field));
        } else {
            field.push(c);
        }
    }
    out.push(field);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident() -> IncidentRecord {
        IncidentRecord {
            id: "inc-1".into(),
            event_type: "Battles".into(),
            sub_event_type: "Armed clash".into(),
            time_utc: ["2016-12-29T22:00:00Z".into(), "2016-12-30T03:10:00Z".into()],
            time_precision: "day".into(),
            admin1: Some("Hama".into()),
            admin1_pcode: Some("SY05".into()),
            admin2: None,
            location: Some("Hama".into()),
            lat: Some(35.1318),
            lon: Some(36.7578),
            geo_precision: Some(2),
            actors: vec![
                ActorRecord { name: "Military Forces of Syria (2000-)".into(), inter: Some(1) },
                ActorRecord { name: "Opposition Rebels (Syria)".into(), inter: Some(2) },
            ],
            sources: 2,
            reports: vec!["000.txt".into()],
            fatalities: 3,
            status: "corroborated".into(),
            mentions: vec![MentionRecord {
                report: "000.txt".into(),
                report_id: "ab".repeat(32),
                start: 10,
                end: 40,
                text: "Clashes, \"heavy\" ones,\nin Hama.".into(),
            }],
        }
    }

    #[test]
    fn header_is_acled_then_ours() {
        let mut out = Vec::new();
        write_header(&mut out).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(s.starts_with("event_id_cnty,event_date,year,time_precision,disorder_type,"));
        assert!(s.ends_with(",tags,timestamp,verdict,agreement,guarantors,corroboration,source_spans\n"));
        assert_eq!(s.split(',').count(), 36);
    }

    #[test]
    fn rows_use_the_local_date_and_read_back_through_quotes() {
        let r = RulingSummary {
            agreement: "sy-ceasefire-2016-12-30".into(),
            verdict: "violation".into(),
            guarantors: vec!["Russia".into(), "Turkey".into()],
            responsible: vec![],
        };
        let nc = RulingSummary { agreement: "a".into(), verdict: "not_covered".into(), ..r.clone() };
        let row = AcledRow::from_incident(&incident(), &[nc, r], None);
        // Midpoint 00:35 UTC on 30 Dec is 02:35 in Damascus.
        assert_eq!(row.get("event_date"), "30 December 2016");
        assert_eq!(row.get("interaction"), "12");
        assert_eq!(row.get("verdict"), "violation");
        assert_eq!(row.get("guarantors"), "Russia; Turkey");
        let mut out = Vec::new();
        write_header(&mut out).unwrap();
        write_record(&mut out, &row.fields).unwrap();
        let mut rd = CsvReader::new(&out[..]);
        let header = rd.next_record().unwrap().unwrap();
        let back = AcledRow::from_record(&header, &rd.next_record().unwrap().unwrap());
        assert_eq!(back, row);
        assert_eq!(rd.next_record().unwrap(), None);
        assert_eq!(rd.line(), 3, "the quoted line break spans two lines");
    }

    #[test]
    fn import_then_export_gives_the_same_row() {
        let row = AcledRow::from_incident(&incident(), &[], None);
        let back = row.to_incident("inc-1", &"cd".repeat(32)).unwrap();
        assert_eq!(back.time_utc, ["2016-12-29T22:00:00Z", "2016-12-30T22:00:00Z"]);
        assert_eq!(back.status, "corroborated");
        let again = AcledRow::from_incident(&back, &[], None);
        for c in ACLED_COLUMNS.iter().chain(&EXTRA_COLUMNS[..4]) {
            assert_eq!(again.get(c), row.get(c), "column {c}");
        }
    }

    #[test]
    fn rows_from_stored_parts_are_byte_for_byte_the_rows_from_records() {
        let r = RulingSummary {
            agreement: "sy-ceasefire-2016-12-30".into(),
            verdict: "violation".into(),
            guarantors: vec!["Russia, the Federation".into(), "Turkey".into()],
            responsible: vec![],
        };
        let parts = csv_parts(&incident());
        let at = Timestamp::from_millisecond(1_483_052_400_123).ok();
        for (rulings, at) in [(vec![r.clone()], at), (vec![], None), (vec![r], None)] {
            let mut want = Vec::new();
            write_record(&mut want, &AcledRow::from_incident(&incident(), &rulings, at).fields).unwrap();
            let g = rulings.first().map(|r| r.guarantors.join("; "));
            let ruling =
                rulings.first().map(|r| (r.verdict.as_str(), r.agreement.as_str(), g.as_deref().unwrap_or("")));
            let mut got = Vec::new();
            write_row_from_parts(&mut got, (&parts.head, &parts.tail), at, ruling).unwrap();
            assert_eq!(String::from_utf8(got).unwrap(), String::from_utf8(want).unwrap());
        }
    }

    #[test]
    fn bad_rows_name_the_column() {
        let mut row = AcledRow::from_incident(&incident(), &[], None);
        row.fields[col("event_date")] = "yesterday".into();
        assert!(row.check().unwrap_err().contains("event_date"));
        let mut row = AcledRow::from_incident(&incident(), &[], None);
        row.fields[col("latitude")] = "north".into();
        assert!(row.check().unwrap_err().contains("latitude"));
        assert!(CsvReader::new(&b"a,\"open\n"[..]).next_record().is_err());
    }
}
