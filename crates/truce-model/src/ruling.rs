//! Rulings, referrals and bulletins: what Truce concludes and whom it tells.

use jiff::Timestamp;

use crate::{ActorKey, AgreementKey, IncidentId, ModelError};

/// The outcome of judging one incident against one agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// A covered party broke the agreement.
    Violation,
    /// Outside the agreement's scope or time.
    NotCovered,
    /// Action by or against an excluded or linked actor.
    ExcludedParty,
    /// Not enough is known to decide.
    Undetermined,
}

impl Verdict {
    /// The stable name used in exports.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Violation => "violation",
            Verdict::NotCovered => "not_covered",
            Verdict::ExcludedParty => "excluded_party",
            Verdict::Undetermined => "undetermined",
        }
    }
}

/// One incident judged against one agreement version.
#[derive(Debug, Clone, PartialEq)]
pub struct Ruling {
    /// The incident.
    pub incident: IncidentId,
    /// The agreement.
    pub agreement: AgreementKey,
    /// The agreement version used.
    pub agreement_version: u32,
    /// The verdict.
    pub verdict: Verdict,
    /// Actors held responsible.
    pub responsible: Vec<ActorKey>,
    /// Guarantors who must act.
    pub guarantors: Vec<ActorKey>,
    confidence: f64,
    trace: Vec<String>,
}

impl Ruling {
    /// Builds a ruling; confidence must lie in [0, 1] and the trace must say why.
    pub fn new(
        incident: IncidentId,
        agreement: AgreementKey,
        agreement_version: u32,
        verdict: Verdict,
        confidence: f64,
        trace: Vec<String>,
    ) -> Result<Self, ModelError> {
        if !(0.0..=1.0).contains(&confidence) {
            return Err(ModelError::new("confidence", format!("{confidence} is outside 0..=1")));
        }
        if trace.is_empty() {
            return Err(ModelError::new("rule trace", "a ruling must say which rules it applied"));
        }
        Ok(Self {
            incident,
            agreement,
            agreement_version,
            verdict,
            responsible: Vec::new(),
            guarantors: Vec::new(),
            confidence,
            trace,
        })
    }

    /// Confidence in 0..=1.
    pub fn confidence(&self) -> f64 {
        self.confidence
    }

    /// The rule trace, one readable step per line.
    pub fn trace(&self) -> &[String] {
        &self.trace
    }
}

/// A ruling sent to a guarantor over the hotline.
#[derive(Debug, Clone, PartialEq)]
pub struct Referral {
    /// The incident.
    pub incident: IncidentId,
    /// The agreement.
    pub agreement: AgreementKey,
    /// The guarantor told.
    pub guarantor: ActorKey,
    /// When it was sent.
    pub sent_at: Timestamp,
    /// When it must be acknowledged by.
    pub deadline: Timestamp,
    /// When it was acknowledged, if it was.
    pub acknowledged_at: Option<Timestamp>,
}

/// A periodic report covering `[from, to)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Bulletin {
    /// The agreements covered.
    pub agreements: Vec<AgreementKey>,
    /// Period start.
    pub from: Timestamp,
    /// Period end (the cut-off).
    pub to: Timestamp,
    /// What the system knew at this time.
    pub as_of: Timestamp,
}
