//! Tell: what Truce says to the world. Export records (the stable, additive
//! shapes of incidents, rulings, facts and contradictions), and the formats
//! built on them: ACLED-style CSV, GeoJSON, JSON Lines, bulletins and hotline
//! messages. Pure and synchronous: callers pass the records and the time.

pub mod acled;
pub mod bulletin;
pub mod geojson;
pub mod jsonl;
pub mod records;

pub use records::{
    ActorRecord, AgreementRef, ContradictionRecord, FactRecord, IncidentRecord, MentionRecord, RulingRecord,
};
