//! Export records: the stable, additive shapes that the CLI
//! prints (`truce judge --jsonl`), the store keeps as canonical JSON, and the
//! server will serve. Domain types stay serde-free; these are built from them.

use serde::{Deserialize, Serialize};

/// An actor as exported: canonical name and ACLED inter code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorRecord {
    /// The canonical name.
    pub name: String,
    /// The ACLED inter code, when one applies.
    pub inter: Option<u8>,
}

/// One mention of an incident, with the sentence it rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MentionRecord {
    /// The report's name.
    pub report: String,
    /// The report id (content hash).
    pub report_id: String,
    /// Byte range in the report's clean text.
    pub start: usize,
    /// End of the range.
    pub end: usize,
    /// The evidence text.
    pub text: String,
}

/// An incident as exported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentRecord {
    /// Stable id.
    pub id: String,
    /// ACLED event type.
    pub event_type: String,
    /// ACLED sub-event type.
    pub sub_event_type: String,
    /// `[from, to]`, RFC 3339 UTC.
    pub time_utc: [String; 2],
    /// Time precision.
    pub time_precision: String,
    /// Governorate name.
    pub admin1: Option<String>,
    /// Governorate p-code.
    pub admin1_pcode: Option<String>,
    /// District name.
    pub admin2: Option<String>,
    /// Location name.
    pub location: Option<String>,
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub lon: Option<f64>,
    /// ACLED geo-precision 1–3.
    pub geo_precision: Option<u8>,
    /// Actors.
    pub actors: Vec<ActorRecord>,
    /// Distinct independent sources.
    pub sources: u32,
    /// Report names.
    pub reports: Vec<String>,
    /// Best fatality estimate.
    pub fatalities: u32,
    /// reported / corroborated / ….
    pub status: String,
    /// Every mention.
    pub mentions: Vec<MentionRecord>,
}

/// Which agreement version a ruling used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementRef {
    /// The key.
    pub key: String,
    /// The version.
    pub version: u32,
}

/// A ruling as exported (`truce judge --jsonl`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RulingRecord {
    /// The incident judged.
    pub incident: IncidentRecord,
    /// The agreement version.
    pub agreement: AgreementRef,
    /// `violation`, `not_covered`, `excluded_party` or `undetermined`.
    pub verdict: String,
    /// Responsible actor names.
    pub responsible: Vec<String>,
    /// Guarantor names to tell.
    pub guarantors: Vec<String>,
    /// Confidence in 0–1.
    pub confidence: f64,
    /// The rule trace.
    pub trace: Vec<String>,
}

/// A contradiction as exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContradictionRecord {
    /// What the values are about.
    pub subject: String,
    /// Each value with the mentions that state it.
    pub sides: Vec<(String, Vec<MentionRecord>)>,
}

/// A fact (term or claim) with its sources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactRecord {
    /// The sentence.
    pub text: String,
    /// Kind of term or claim.
    pub kind: String,
    /// Distinct reports carrying it.
    pub sources: usize,
    /// Where it was said.
    pub mentions: Vec<MentionRecord>,
}
