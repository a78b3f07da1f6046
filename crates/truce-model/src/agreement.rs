//! Agreements: ceasefire instruments as data.

use jiff::{Timestamp, tz::TimeZone};

use crate::{ActorKey, AgreementKey, ModelError, PCode, Side};

/// What kind of instrument an agreement is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgreementKind {
    /// A nationwide ceasefire.
    Ceasefire,
    /// A cessation of hostilities.
    CessationOfHostilities,
    /// A bilateral arrangement between sponsors.
    Arrangement,
    /// De-escalation zones.
    DeEscalation,
    /// A settlement-level truce.
    LocalTruce,
}

impl AgreementKind {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            AgreementKind::Ceasefire => "ceasefire",
            AgreementKind::CessationOfHostilities => "cessation_of_hostilities",
            AgreementKind::Arrangement => "arrangement",
            AgreementKind::DeEscalation => "de_escalation",
            AgreementKind::LocalTruce => "local_truce",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Result<Self, ModelError> {
        Ok(match s {
            "ceasefire" => AgreementKind::Ceasefire,
            "cessation_of_hostilities" => AgreementKind::CessationOfHostilities,
            "arrangement" => AgreementKind::Arrangement,
            "de_escalation" => AgreementKind::DeEscalation,
            "local_truce" => AgreementKind::LocalTruce,
            _ => return Err(ModelError::new("agreement kind", format!("unknown kind {s:?}"))),
        })
    }
}

/// Whether a party signed or only acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartyRole {
    /// Signed the instrument.
    Signatory,
    /// Acknowledged it without signing.
    Acknowledged,
}

/// A party to an agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// The actor.
    pub actor: ActorKey,
    /// Signed or acknowledged.
    pub role: PartyRole,
}

/// Whether a guarantor guarantees or only monitors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuarantorRole {
    /// Answerable for compliance.
    Guarantee,
    /// Helps monitor.
    Monitor,
}

/// A guarantor, answerable for named actors or whole sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guarantor {
    /// The guarantor state.
    pub actor: ActorKey,
    /// Guarantee or monitor.
    pub role: GuarantorRole,
    /// Actors it answers for.
    pub answers_for_actors: Vec<ActorKey>,
    /// Sides it answers for.
    pub answers_for_sides: Vec<Side>,
}

/// How "groups linked to" an excluded actor are recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkageRule {
    /// Only the named actors are excluded.
    NamedOnly,
    /// Named actors plus any actor with an evidenced `linked_to` (or `part_of`) chain to one.
    LinkedTo {
        /// How many edges a chain may have.
        max_hops: u8,
    },
}

/// The excluded actors and the linkage rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusions {
    /// Named excluded actors.
    pub actors: Vec<ActorKey>,
    /// How linked groups are recognised.
    pub linkage: LinkageRule,
}

/// Where an agreement applies.
#[derive(Debug, Clone, PartialEq)]
pub enum Scope {
    /// A whole country (ISO code).
    Country(String),
    /// Admin units by p-code, and named settlements.
    Units {
        /// Governorates, districts or sub-districts.
        pcodes: Vec<PCode>,
        /// Settlement names, for local truces.
        settlements: Vec<String>,
    },
    /// Polygons as GeoJSON geometry text (judged by point-in-polygon), with the units they were drawn from.
    Polygons {
        /// The GeoJSON geometry text of each zone.
        geojson: Vec<String>,
        /// Units that approximate the zones, for places known only by p-code.
        pcodes: Vec<PCode>,
    },
}

/// When an agreement is in force: a UTC interval and the zone its text used.
#[derive(Debug, Clone, PartialEq)]
pub struct Effective {
    from: Timestamp,
    until: Option<Timestamp>,
    zone: String,
}

impl Effective {
    /// Builds the interval; the zone must be a known IANA zone and `until` after `from`.
    pub fn new(from: Timestamp, until: Option<Timestamp>, zone: &str) -> Result<Self, ModelError> {
        TimeZone::get(zone).map_err(|e| ModelError::new("zone", format!("{zone:?}: {e}")))?;
        if let Some(u) = until
            && u <= from
        {
            return Err(ModelError::new("effective", format!("until {u} is not after from {from}")));
        }
        Ok(Self { from, until, zone: zone.to_owned() })
    }

    /// Start (UTC).
    pub fn from(&self) -> Timestamp {
        self.from
    }

    /// End (UTC), if any.
    pub fn until(&self) -> Option<Timestamp> {
        self.until
    }

    /// The IANA zone of the text.
    pub fn zone(&self) -> &str {
        &self.zone
    }

    /// The start in the agreement's local zone, e.g. `2016-12-30T00:00:00+02:00[Asia/Damascus]`.
    pub fn local_from(&self) -> String {
        TimeZone::get(&self.zone)
            .map(|tz| self.from.to_zoned_datetime(tz).to_string())
            .unwrap_or_else(|_| self.from.to_string())
    }

    /// Whether `t` falls in the interval.
    pub fn contains(&self, t: Timestamp) -> bool {
        t >= self.from && self.until.is_none_or(|u| t < u)
    }
}

/// A quote from a source that a field rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceQuote {
    /// Where: a citation or URL.
    pub source: String,
    /// The words relied on.
    pub quote: String,
}

/// A ceasefire instrument.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    key: AgreementKey,
    version: u32,
    /// The title.
    pub title: String,
    /// The kind.
    pub kind: AgreementKind,
    /// Signatory and acknowledging parties.
    pub parties: Vec<Party>,
    /// Guarantors and monitors.
    pub guarantors: Vec<Guarantor>,
    /// Excluded actors and the linkage rule.
    pub exclusions: Exclusions,
    /// Where it applies.
    pub scope: Scope,
    /// When it applies.
    pub effective: Effective,
    /// The instruments it consists of.
    pub instruments: Vec<String>,
    /// Obligations of the parties.
    pub obligations: Vec<String>,
    /// Keys of related agreements.
    pub related: Vec<AgreementKey>,
    /// Minutes a guarantor has to acknowledge a referral.
    pub ack_minutes: u32,
    /// The sources the agreement was written from; never empty.
    sources: Vec<SourceQuote>,
}

impl Agreement {
    /// Builds an agreement. It must cite at least one source and have version 1 or more.
    #[allow(clippy::too_many_arguments, reason = "a constructor for a record whose every field is required")]
    pub fn new(
        key: AgreementKey,
        version: u32,
        title: impl Into<String>,
        kind: AgreementKind,
        scope: Scope,
        effective: Effective,
        exclusions: Exclusions,
        sources: Vec<SourceQuote>,
    ) -> Result<Self, ModelError> {
        if version == 0 {
            return Err(ModelError::new("agreement version", "versions start at 1"));
        }
        if sources.is_empty() {
            return Err(ModelError::new("agreement sources", format!("{key} cites no source")));
        }
        Ok(Self {
            key,
            version,
            title: title.into(),
            kind,
            parties: Vec::new(),
            guarantors: Vec::new(),
            exclusions,
            scope,
            effective,
            instruments: Vec::new(),
            obligations: Vec::new(),
            related: Vec::new(),
            ack_minutes: 30,
            sources,
        })
    }

    /// The key.
    pub fn key(&self) -> &AgreementKey {
        &self.key
    }

    /// The version; an edit makes a new one.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The sources.
    pub fn sources(&self) -> &[SourceQuote] {
        &self.sources
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effective_checks_zone_and_order() {
        let from: Timestamp = "2016-12-29T22:00:00Z".parse().unwrap();
        let e = Effective::new(from, None, "Asia/Damascus").unwrap();
        assert_eq!(e.local_from(), "2016-12-30T00:00:00+02:00[Asia/Damascus]");
        assert!(e.contains("2016-12-29T23:30:00Z".parse().unwrap()));
        assert!(!e.contains("2016-12-29T21:59:00Z".parse().unwrap()));
        assert!(Effective::new(from, None, "Mars/Olympus").is_err());
        assert!(Effective::new(from, Some(from), "UTC").is_err());
    }

    #[test]
    fn agreements_must_cite_sources() {
        let from: Timestamp = "2016-12-29T22:00:00Z".parse().unwrap();
        let mk = |sources| {
            Agreement::new(
                AgreementKey::parse("a").unwrap(),
                1,
                "t",
                AgreementKind::Ceasefire,
                Scope::Country("SY".into()),
                Effective::new(from, None, "Asia/Damascus").unwrap(),
                Exclusions { actors: vec![], linkage: LinkageRule::NamedOnly },
                sources,
            )
        };
        assert!(mk(vec![]).is_err());
        assert!(
            mk(vec![SourceQuote { source: "seed 000".into(), quote: "It covers the entire country.".into() }]).is_ok()
        );
    }
}
