//! Incidents: events in the world, merged from mentions in many reports.

use crate::{ActorKey, IncidentId, ModelError, Place, Span, SubEventType, TimeRef};

/// Fatalities as a range: low, best estimate, high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fatalities {
    low: u32,
    best: u32,
    high: u32,
}

impl Fatalities {
    /// Requires `low <= best <= high`.
    pub fn new(low: u32, best: u32, high: u32) -> Result<Self, ModelError> {
        if low <= best && best <= high {
            Ok(Self { low, best, high })
        } else {
            Err(ModelError::new("fatalities", format!("expected low <= best <= high, got {low}/{best}/{high}")))
        }
    }

    /// A single figure.
    pub fn exactly(n: u32) -> Self {
        Self { low: n, best: n, high: n }
    }

    /// The low figure.
    pub fn low(self) -> u32 {
        self.low
    }

    /// The best estimate.
    pub fn best(self) -> u32 {
        self.best
    }

    /// The high figure.
    pub fn high(self) -> u32 {
        self.high
    }
}

/// How well an incident is established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncidentStatus {
    /// One source.
    Reported,
    /// Two or more independent sources.
    Corroborated,
    /// Confirmed by an analyst.
    Verified,
    /// Sources disagree on whether it happened.
    Disputed,
    /// An analyst rejected it.
    Rejected,
}

impl IncidentStatus {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentStatus::Reported => "reported",
            IncidentStatus::Corroborated => "corroborated",
            IncidentStatus::Verified => "verified",
            IncidentStatus::Disputed => "disputed",
            IncidentStatus::Rejected => "rejected",
        }
    }
}

/// An event in the world. It cannot exist without evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    id: IncidentId,
    /// ACLED sub-event type (the event type follows from it).
    pub sub_event_type: SubEventType,
    /// When.
    pub time: TimeRef,
    /// Where, if known.
    pub place: Option<Place>,
    /// Who, as registry keys, first actor first.
    pub actors: Vec<ActorKey>,
    /// How many died.
    pub fatalities: Fatalities,
    /// Distinct independent sources.
    pub sources: u32,
    /// Status.
    pub status: IncidentStatus,
    evidence: Vec<Span>,
}

impl Incident {
    /// Builds an incident; `evidence` must hold at least one span.
    pub fn new(
        id: IncidentId,
        sub_event_type: SubEventType,
        time: TimeRef,
        evidence: Vec<Span>,
    ) -> Result<Self, ModelError> {
        if evidence.is_empty() {
            return Err(ModelError::new("incident evidence", format!("{id} has no evidence span")));
        }
        Ok(Self {
            id,
            sub_event_type,
            time,
            place: None,
            actors: Vec::new(),
            fatalities: Fatalities::default(),
            sources: 1,
            status: IncidentStatus::Reported,
            evidence,
        })
    }

    /// The id.
    pub fn id(&self) -> &IncidentId {
        &self.id
    }

    /// The spans the incident rests on.
    pub fn evidence(&self) -> &[Span] {
        &self.evidence
    }

    /// Adds a span of evidence.
    pub fn add_evidence(&mut self, span: Span) {
        if !self.evidence.contains(&span) {
            self.evidence.push(span);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ReportId;

    #[test]
    fn incidents_need_evidence_and_fatalities_are_ordered() {
        let t = TimeRef::instant("2016-12-29T23:00:00Z".parse().unwrap(), "first hours");
        let id = IncidentId::parse("inc-1").unwrap();
        assert!(Incident::new(id.clone(), SubEventType::ArmedClash, t.clone(), vec![]).is_err());
        let span = Span::new(ReportId::for_content(b"x"), 0..1).unwrap();
        let inc = Incident::new(id, SubEventType::ArmedClash, t, vec![span]).unwrap();
        assert_eq!(inc.evidence().len(), 1);
        assert!(Fatalities::new(3, 2, 5).is_err());
        assert_eq!(Fatalities::new(1, 2, 5).unwrap().best(), 2);
    }
}
