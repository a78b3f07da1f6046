//! Truce's domain: the types every stage speaks, with their invariants enforced
//! in constructors.
//!
//! Nothing here does IO or knows a wire format: rows, DTOs and export records are
//! separate types at each boundary. Fields that carry an invariant are private
//! and reached through accessors; plain records have public fields.
#![deny(missing_docs)]

pub mod actor;
pub mod agreement;
pub mod diagnostic;
pub mod error;
pub mod ids;
pub mod incident;
pub mod ledger;
pub mod place;
pub mod report;
pub mod ruling;
pub mod span;
pub mod taxonomy;
pub mod time;

pub use actor::{Actor, ActorEdge, ActorName, EdgeKind, Inter, Registry, Side, Validity};
pub use agreement::{
    Agreement, AgreementKind, Effective, Exclusions, Guarantor, GuarantorRole, LinkageRule, Party, PartyRole, Scope,
    SourceQuote,
};
pub use diagnostic::{Diagnostic, Severity};
pub use error::ModelError;
pub use ids::{ActorKey, AgreementKey, ContentHash, IncidentId, PCode, ReportId};
pub use incident::{Fatalities, Incident, IncidentStatus};
pub use ledger::{AidDelivery, AidStatus, LocalAgreement, LocalAgreementStatus};
pub use place::{GeoPrecision, LatLon, Place, PlaceKind};
pub use report::{MediaType, Report, SourceInfo};
pub use ruling::{Bulletin, Referral, Ruling, Verdict};
pub use span::Span;
pub use taxonomy::{EventType, SubEventType};
pub use time::{Precision, TimeRef};
