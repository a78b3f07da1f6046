//! The coordination centre's ledger: settlement-level truces and aid deliveries.

use jiff::civil::Date;

use crate::{ActorKey, PCode};

/// The state of a local truce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalAgreementStatus {
    /// Under negotiation.
    Negotiating,
    /// Signed and holding.
    InForce,
    /// Broken or abandoned.
    Collapsed,
}

/// A settlement-level truce (reconciliation).
#[derive(Debug, Clone, PartialEq)]
pub struct LocalAgreement {
    /// The settlement's name.
    pub settlement: String,
    /// Its p-code, when known.
    pub pcode: Option<PCode>,
    /// The date of the truce.
    pub date: Date,
    /// The parties.
    pub parties: Vec<ActorKey>,
    /// Its status.
    pub status: LocalAgreementStatus,
}

/// The state of an aid delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AidStatus {
    /// Planned.
    Planned,
    /// Delivered.
    Delivered,
    /// Blocked or attacked.
    Blocked,
}

/// A humanitarian convoy or delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct AidDelivery {
    /// The destination's name.
    pub destination: String,
    /// Its p-code, when known.
    pub pcode: Option<PCode>,
    /// The date.
    pub date: Date,
    /// What was carried.
    pub items: String,
    /// Its status.
    pub status: AidStatus,
}
