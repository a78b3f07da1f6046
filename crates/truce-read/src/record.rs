//! The extraction contract (design §5): one flat, serialisable record per incident mention.

use serde::Serialize;

use crate::{MentionKind, Modality, Reading};

/// An actor in a record.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ExtractActor {
    /// Canonical name at the event date.
    pub name: String,
    /// ACLED interaction code.
    pub inter: u8,
}

/// The evidence span of a record.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ExtractEvidence {
    /// Byte offset in the clean text.
    pub start: usize,
    /// Byte offset in the clean text.
    pub end: usize,
    /// The text.
    pub text: String,
}

/// One incident mention, exactly the fields of the extraction contract.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ExtractRecord {
    /// File name or id.
    pub report: String,
    /// ACLED event type.
    pub event_type: String,
    /// ACLED sub-event type.
    pub sub_event_type: String,
    /// `YYYY-MM-DD` (local date of the event).
    pub date: Option<String>,
    /// RFC 3339 instant when known to the hour or better.
    pub time_utc: Option<String>,
    /// Governorate.
    pub admin1: Option<String>,
    /// District.
    pub admin2: Option<String>,
    /// Location name.
    pub location: Option<String>,
    /// Governorate p-code.
    pub admin1_pcode: Option<String>,
    /// District p-code.
    pub admin2_pcode: Option<String>,
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub lon: Option<f64>,
    /// 1..3.
    pub geo_precision: Option<u8>,
    /// ISO 3166-1 alpha-2 country code of the place (`SY`, or another for an event abroad).
    pub country: Option<String>,
    /// Actors.
    pub actors: Vec<ExtractActor>,
    /// Deaths.
    pub fatalities: Option<u32>,
    /// Evidence.
    pub evidence: ExtractEvidence,
}

/// One record per reported incident mention, in text order (background,
/// planned, hypothetical and denied events are not incidents to report).
pub fn extract_records(report_name: &str, reading: &Reading) -> Vec<ExtractRecord> {
    let tz = jiff::tz::TimeZone::get("Asia/Damascus").unwrap_or(jiff::tz::TimeZone::UTC);
    let pub_date = reading.published.map(|p| p.to_zoned_datetime(tz.clone()).date().to_string());
    let mut out = Vec::new();
    for m in &reading.mentions {
        let MentionKind::Incident { sub_event_type } = m.kind else { continue };
        if m.modality != Modality::Reported {
            continue;
        }
        let date =
            m.time.as_ref().map(|t| t.from().to_zoned_datetime(tz.clone()).date().to_string()).or(pub_date.clone());
        let time_utc = m
            .time
            .as_ref()
            .filter(|t| matches!(t.precision(), truce_model::Precision::Minute | truce_model::Precision::Hour))
            .map(|t| t.from().to_string());
        let p = m.place.as_ref();
        out.push(ExtractRecord {
            report: report_name.to_string(),
            event_type: sub_event_type.event_type().as_str().to_string(),
            sub_event_type: sub_event_type.as_str().to_string(),
            date,
            time_utc,
            admin1: p.map(|p| p.admin1.clone()).filter(|s| !s.is_empty()),
            admin2: p.map(|p| p.admin2.clone()).filter(|s| !s.is_empty()),
            location: p.map(|p| p.name.clone()),
            admin1_pcode: p.map(|p| p.admin1_pcode.clone()).filter(|s| !s.is_empty()),
            admin2_pcode: p.map(|p| p.admin2_pcode.clone()).filter(|s| !s.is_empty()),
            lat: p.map(|p| (p.lat * 1e5).round() / 1e5),
            lon: p.map(|p| (p.lon * 1e5).round() / 1e5),
            geo_precision: p.map(|p| p.geo_precision),
            country: p.map(|p| p.country.clone()),
            actors: m.actors.iter().map(|a| ExtractActor { name: a.name.clone(), inter: a.inter }).collect(),
            fatalities: m.fatalities,
            evidence: ExtractEvidence {
                start: m.evidence.start,
                end: m.evidence.end,
                text: reading.clean.get(m.evidence.clone()).unwrap_or("").to_string(),
            },
        });
    }
    out
}
