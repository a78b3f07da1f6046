//! truce-read: a pure, synchronous step from one report to a `Reading` —
//! clean text with an offset map, sentences, recognised places, actors, times
//! and numbers, and typed mentions (incidents, agreement terms, claims), each
//! pointing at its sentence. No IO, no clock: the publication time and the
//! reference data are parameters.

#![allow(clippy::collapsible_if, reason = "nested ifs read as the rule they encode")]
#![allow(clippy::type_complexity, reason = "short-lived local tuples while loading data")]

mod abroad;
mod actors;
mod clean;
mod csv;
mod gazetteer;
mod keywords;
mod mentions;
mod names;
mod numbers;
mod record;
mod sentences;
pub mod text;
mod times;

use std::ops::Range;

use jiff::Timestamp;
use truce_model::{Diagnostic, SubEventType, TimeRef};

pub use clean::OffsetMap;
pub use record::{ExtractActor, ExtractEvidence, ExtractRecord, extract_records};
pub use sentences::split as split_sentences;

/// Errors building the reference data (the embedded files are malformed).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// An embedded data file could not be parsed.
    #[error("reference data: {0}")]
    Data(String),
}

/// Gazetteer and actor registry, built once and shared by every `read`.
#[derive(Debug)]
pub struct RefData {
    pub(crate) gaz: gazetteer::Gazetteer,
    pub(crate) reg: actors::Registry,
    pub(crate) abroad: abroad::Abroad,
    pub(crate) local: jiff::tz::TimeZone,
}

impl RefData {
    /// Builds the reference data from the files embedded at compile time from `data/`.
    pub fn bundled() -> Result<RefData, ReadError> {
        let local = jiff::tz::TimeZone::get("Asia/Damascus").map_err(|e| ReadError::Data(format!("tz: {e}")))?;
        Ok(RefData {
            gaz: gazetteer::Gazetteer::bundled()?,
            reg: actors::Registry::bundled()?,
            abroad: abroad::Abroad::bundled()?,
            local,
        })
    }

    /// The place names the gazetteer finds in `text`, each with its candidate
    /// entries as `name (kind, governorate / district)`: a look into name
    /// matching for debugging and data work, before context disambiguation.
    pub fn place_names(&self, text: &str) -> Vec<(String, Vec<String>)> {
        let tokens = text::tokenize(text);
        let ex = text::exact_stream(text, &tokens);
        self.gaz
            .find(text, &tokens, &ex)
            .into_iter()
            .map(|h| {
                let cands = h
                    .cands
                    .iter()
                    .map(|&c| {
                        let e = &self.gaz.entries[c as usize];
                        format!(
                            "{} ({:?}, {} / {}){}",
                            e.name,
                            e.kind,
                            self.gaz.admin1[e.admin1].name,
                            self.gaz.admin2[e.admin2].name,
                            if h.exact { "" } else { " ~" }
                        )
                    })
                    .collect();
                (text[h.range].to_string(), cands)
            })
            .collect()
    }

    /// Number of gazetteer entries and actors loaded.
    pub fn sizes(&self) -> (usize, usize) {
        (self.gaz.entries.len(), self.reg.actors.len())
    }
}

/// One report as the read step sees it.
#[derive(Debug, Clone)]
pub struct ReportInput<'a> {
    /// Report id (stored hash or the caller's id).
    pub id: &'a str,
    /// File name or title, for diagnostics.
    pub name: &'a str,
    /// Raw text or HTML.
    pub text: &'a str,
    /// True when `text` is HTML.
    pub is_html: bool,
    /// Publication time, if known.
    pub published: Option<Timestamp>,
}

/// A place resolved against the gazetteer.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedPlace {
    /// Location name ("Al Bab", "Hama countryside").
    pub name: String,
    /// Governorate name (OCHA reference spelling).
    pub admin1: String,
    /// Governorate p-code.
    pub admin1_pcode: String,
    /// District name (OCHA reference spelling).
    pub admin2: String,
    /// District p-code.
    pub admin2_pcode: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// 1 exact, 2 near or part of a region, 3 governorate (or a whole country abroad).
    pub geo_precision: u8,
    /// ISO 3166-1 alpha-2 country code: `SY` for gazetteer places; another code
    /// for a place abroad, which has no admin names or p-codes.
    pub country: String,
}

/// An actor resolved against the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedActor {
    /// Registry key.
    pub key: String,
    /// Name in use at the mention's date.
    pub name: String,
    /// ACLED interaction code (0 when none applies).
    pub inter: u8,
}

/// How a mention's event is asserted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modality {
    /// Said to have happened.
    Reported,
    /// Said not to have happened.
    Denied,
    /// Said to be going to happen.
    Planned,
    /// Conditional or possible.
    Hypothetical,
    /// Past events told for context.
    Background,
}

/// Kinds of agreement term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    /// When the agreement takes effect.
    EffectiveTime,
    /// Who guarantees or monitors whom.
    Guarantor,
    /// Who is excluded.
    Exclusion,
    /// How many signed.
    Signatories,
    /// The area covered.
    Scope,
    /// The instruments (documents) of the agreement.
    Instruments,
    /// Any other statement about the agreement.
    Other,
}

/// What a mention is about.
#[derive(Debug, Clone, PartialEq)]
pub enum MentionKind {
    /// An event in ACLED's taxonomy.
    Incident {
        /// ACLED sub-event type.
        sub_event_type: SubEventType,
    },
    /// A term of a ceasefire agreement.
    Term {
        /// Which term.
        kind: TermKind,
        /// A count stated with the term (signatories, instruments).
        count: Option<u32>,
    },
    /// A statement or number attributed to a speaker.
    Claim {
        /// Who said it, as written.
        speaker: String,
        /// A number in the claim.
        number: Option<u32>,
    },
}

/// One sentence's claim that something happened, a term, or a number.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// What it is.
    pub kind: MentionKind,
    /// Reported, denied, planned, hypothetical or background.
    pub modality: Modality,
    /// The sentence it rests on.
    pub sentence: Range<usize>,
    /// When.
    pub time: Option<TimeRef>,
    /// Where.
    pub place: Option<ResolvedPlace>,
    /// Who (principal actors first).
    pub actors: Vec<ResolvedActor>,
    /// Deaths stated for the event.
    pub fatalities: Option<u32>,
    /// The evidence span (the sentence, or the sentences merged into this mention).
    pub evidence: Range<usize>,
}

/// What the read step got from one report.
#[derive(Debug, Clone)]
pub struct Reading {
    /// Report id.
    pub id: String,
    /// Clean main text.
    pub clean: String,
    /// Map from clean offsets back to raw offsets.
    pub offset_map: OffsetMap,
    /// Headline range in `clean`.
    pub headline: Option<Range<usize>>,
    /// Dateline range in `clean` ("MADAYA").
    pub dateline: Option<Range<usize>>,
    /// Sentence ranges in `clean`.
    pub sentences: Vec<Range<usize>>,
    /// Mentions in text order.
    pub mentions: Vec<Mention>,
    /// Publication time, as given.
    pub published: Option<Timestamp>,
}

/// Reads one report. Never fails: imperfect input yields diagnostics.
pub fn read(input: &ReportInput, refdata: &RefData) -> (Reading, Vec<Diagnostic>) {
    mentions::read(input, refdata)
}
