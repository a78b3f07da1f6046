//! Actors: parties to the conflict, with names valid over time and evidenced edges.

use jiff::civil::Date;

use crate::{ActorKey, ModelError};

/// An ACLED interaction code, 1–8 (0 for non-combatants such as monitors).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Inter(u8);

impl Inter {
    /// Accepts 0–8.
    pub fn new(code: u8) -> Result<Self, ModelError> {
        if code <= 8 {
            Ok(Self(code))
        } else {
            Err(ModelError::new("inter", format!("ACLED inter codes are 0-8, got {code}")))
        }
    }

    /// The code.
    pub fn code(self) -> u8 {
        self.0
    }
}

/// Which side of the conflict an actor is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The Syrian government and its forces.
    Government,
    /// Syrian pro-government militias.
    ProGovernment,
    /// The armed opposition.
    Opposition,
    /// Jihadist groups (IS, Nusra/JFS/HTS and kin).
    Jihadist,
    /// Kurdish-led forces.
    Kurdish,
    /// Foreign forces backing the government.
    ForeignProGovernment,
    /// Foreign forces backing the opposition.
    ForeignOpposition,
    /// The US-led coalition.
    Coalition,
    /// Monitors, agencies and others not party to the fighting.
    Neutral,
    /// Civilians.
    Civilian,
    /// Not known.
    Unknown,
}

impl Side {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Government => "government",
            Side::ProGovernment => "pro_government",
            Side::Opposition => "opposition",
            Side::Jihadist => "jihadist",
            Side::Kurdish => "kurdish",
            Side::ForeignProGovernment => "foreign_pro_government",
            Side::ForeignOpposition => "foreign_opposition",
            Side::Coalition => "coalition",
            Side::Neutral => "neutral",
            Side::Civilian => "civilian",
            Side::Unknown => "unknown",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Result<Self, ModelError> {
        Ok(match s {
            "government" => Side::Government,
            "pro_government" => Side::ProGovernment,
            "opposition" => Side::Opposition,
            "jihadist" => Side::Jihadist,
            "kurdish" => Side::Kurdish,
            "foreign_pro_government" => Side::ForeignProGovernment,
            "foreign_opposition" => Side::ForeignOpposition,
            "coalition" => Side::Coalition,
            "neutral" => Side::Neutral,
            "civilian" => Side::Civilian,
            "unknown" => Side::Unknown,
            _ => return Err(ModelError::new("side", format!("unknown side {s:?}"))),
        })
    }

    /// The broad camp used for guarantor responsibility: government-aligned or opposition-aligned.
    pub fn is_government_camp(self) -> bool {
        matches!(self, Side::Government | Side::ProGovernment | Side::ForeignProGovernment)
    }
}

/// A validity interval of civil dates, open at either end; `until` is exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Validity {
    from: Option<Date>,
    until: Option<Date>,
}

impl Validity {
    /// Builds an interval; `from` must be before `until` when both are given.
    pub fn new(from: Option<Date>, until: Option<Date>) -> Result<Self, ModelError> {
        if let (Some(f), Some(u)) = (from, until)
            && f >= u
        {
            return Err(ModelError::new("validity", format!("from {f} is not before until {u}")));
        }
        Ok(Self { from, until })
    }

    /// Valid at all times.
    pub fn always() -> Self {
        Self::default()
    }

    /// Whether `d` falls inside.
    pub fn contains(&self, d: Date) -> bool {
        self.from.is_none_or(|f| d >= f) && self.until.is_none_or(|u| d < u)
    }

    /// The start, if bounded.
    pub fn from(&self) -> Option<Date> {
        self.from
    }

    /// The end (exclusive), if bounded.
    pub fn until(&self) -> Option<Date> {
        self.until
    }
}

/// One name of an actor, with its spellings, valid over an interval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorName {
    /// The name in this period.
    pub name: String,
    /// Spellings and transliterations.
    pub aliases: Vec<String>,
    /// When the name was in use.
    pub valid: Validity,
}

/// The kind of relation between two actors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EdgeKind {
    /// A unit or faction of a larger body.
    PartOf,
    /// Fights on the same side.
    AlliedWith,
    /// Linked to, in the sense of ceasefire exclusions ("groups linked to them").
    LinkedTo,
}

impl EdgeKind {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::PartOf => "part_of",
            EdgeKind::AlliedWith => "allied_with",
            EdgeKind::LinkedTo => "linked_to",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Result<Self, ModelError> {
        Ok(match s {
            "part_of" => EdgeKind::PartOf,
            "allied_with" => EdgeKind::AlliedWith,
            "linked_to" => EdgeKind::LinkedTo,
            _ => return Err(ModelError::new("edge kind", format!("unknown edge kind {s:?}"))),
        })
    }
}

/// An evidenced, time-bounded edge to another actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorEdge {
    kind: EdgeKind,
    to: ActorKey,
    evidence: String,
    valid: Validity,
}

impl ActorEdge {
    /// Builds an edge; the evidence must not be empty, because every link is a claim.
    pub fn new(kind: EdgeKind, to: ActorKey, evidence: impl Into<String>, valid: Validity) -> Result<Self, ModelError> {
        let evidence = evidence.into();
        if evidence.trim().is_empty() {
            return Err(ModelError::new("edge evidence", format!("{} edge to {to} has no evidence", kind.as_str())));
        }
        Ok(Self { kind, to, evidence, valid })
    }

    /// The kind of edge.
    pub fn kind(&self) -> EdgeKind {
        self.kind
    }

    /// The target actor.
    pub fn to(&self) -> &ActorKey {
        &self.to
    }

    /// The evidence for the edge.
    pub fn evidence(&self) -> &str {
        &self.evidence
    }

    /// When it holds.
    pub fn valid(&self) -> Validity {
        self.valid
    }
}

/// A party: a state, an armed force or group, a militia, a monitor, civilians.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    key: ActorKey,
    /// The canonical name.
    pub name: String,
    /// The side.
    pub side: Side,
    /// The ACLED inter code, when the actor is a combatant or civilian.
    pub inter: Option<Inter>,
    names: Vec<ActorName>,
    /// Edges to other actors.
    pub edges: Vec<ActorEdge>,
    /// Whether this is a generic reference ("rebels", "regime forces").
    pub generic: bool,
}

impl Actor {
    /// Builds an actor; the canonical name must not be empty and names over time
    /// must not overlap.
    pub fn new(
        key: ActorKey,
        name: impl Into<String>,
        side: Side,
        inter: Option<Inter>,
        names: Vec<ActorName>,
    ) -> Result<Self, ModelError> {
        let name = name.into();
        if name.trim().is_empty() {
            return Err(ModelError::new("actor name", format!("actor {key} has an empty name")));
        }
        let mut sorted: Vec<&ActorName> = names.iter().collect();
        sorted.sort_by_key(|n| n.valid.from());
        for pair in sorted.windows(2) {
            if let (Some(end), Some(start)) = (pair[0].valid.until(), pair[1].valid.from())
                && start < end
            {
                return Err(ModelError::new(
                    "actor names",
                    format!("{key}: names {:?} and {:?} overlap in time", pair[0].name, pair[1].name),
                ));
            }
        }
        Ok(Self { key, name, side, inter, names, edges: Vec::new(), generic: false })
    }

    /// The registry key.
    pub fn key(&self) -> &ActorKey {
        &self.key
    }

    /// The names over time.
    pub fn names(&self) -> &[ActorName] {
        &self.names
    }

    /// The name in use on `d`, or the canonical name.
    pub fn name_on(&self, d: Date) -> &str {
        self.names.iter().find(|n| n.valid.contains(d)).map_or(self.name.as_str(), |n| n.name.as_str())
    }

    /// Edges of `kind` valid on `d`.
    pub fn edges_on(&self, kind: EdgeKind, d: Date) -> impl Iterator<Item = &ActorEdge> {
        self.edges.iter().filter(move |e| e.kind == kind && e.valid.contains(d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn nusra() -> Actor {
        let v = |a, b| Validity::new(a, b).unwrap();
        Actor::new(
            ActorKey::parse("nusra-jfs-hts").unwrap(),
            "Hayat Tahrir al-Sham",
            Side::Jihadist,
            Some(Inter::new(2).unwrap()),
            vec![
                ActorName { name: "al-Nusra Front".into(), aliases: vec![], valid: v(None, Some(date(2016, 7, 28))) },
                ActorName {
                    name: "Jabhat Fateh al-Sham".into(),
                    aliases: vec![],
                    valid: v(Some(date(2016, 7, 28)), Some(date(2017, 1, 28))),
                },
                ActorName {
                    name: "Hayat Tahrir al-Sham".into(),
                    aliases: vec![],
                    valid: v(Some(date(2017, 1, 28)), None),
                },
            ],
        )
        .unwrap()
    }

    #[test]
    fn renamings_follow_the_date() {
        let a = nusra();
        assert_eq!(a.name_on(date(2016, 2, 27)), "al-Nusra Front");
        assert_eq!(a.name_on(date(2016, 12, 30)), "Jabhat Fateh al-Sham");
        assert_eq!(a.name_on(date(2017, 5, 4)), "Hayat Tahrir al-Sham");
    }

    #[test]
    fn overlapping_names_are_rejected() {
        let v = |a, b| Validity::new(a, b).unwrap();
        let r = Actor::new(
            ActorKey::parse("x").unwrap(),
            "X",
            Side::Unknown,
            None,
            vec![
                ActorName { name: "A".into(), aliases: vec![], valid: v(None, Some(date(2016, 8, 1))) },
                ActorName { name: "B".into(), aliases: vec![], valid: v(Some(date(2016, 7, 1)), None) },
            ],
        );
        assert!(r.is_err());
    }

    #[test]
    fn edges_need_evidence_and_inter_is_bounded() {
        let to = ActorKey::parse("isis").unwrap();
        assert!(ActorEdge::new(EdgeKind::LinkedTo, to.clone(), "  ", Validity::always()).is_err());
        assert!(ActorEdge::new(EdgeKind::LinkedTo, to, "pledged allegiance in 2016", Validity::always()).is_ok());
        assert!(Inter::new(9).is_err());
        assert!(Validity::new(Some(date(2017, 1, 1)), Some(date(2016, 1, 1))).is_err());
    }
}

/// The actor registry: actors by key, for following edges.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    actors: std::collections::HashMap<ActorKey, Actor>,
}

impl Registry {
    /// Builds a registry; every edge must point at a registered actor.
    pub fn new(actors: Vec<Actor>) -> Result<Self, ModelError> {
        let map: std::collections::HashMap<ActorKey, Actor> = actors.into_iter().map(|a| (a.key.clone(), a)).collect();
        for a in map.values() {
            if let Some(e) = a.edges.iter().find(|e| !map.contains_key(&e.to)) {
                return Err(ModelError::new("actor edge", format!("{} has an edge to unknown actor {}", a.key, e.to)));
            }
        }
        Ok(Self { actors: map })
    }

    /// One actor.
    pub fn get(&self, key: &ActorKey) -> Option<&Actor> {
        self.actors.get(key)
    }

    /// How many actors.
    pub fn len(&self) -> usize {
        self.actors.len()
    }

    /// Whether the registry is empty.
    pub fn is_empty(&self) -> bool {
        self.actors.is_empty()
    }
}
