//! ACLED's event taxonomy, which researchers already know; exports map one to one.

use crate::ModelError;

/// ACLED event types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    /// Battles.
    Battles,
    /// Explosions/Remote violence.
    ExplosionsRemoteViolence,
    /// Violence against civilians.
    ViolenceAgainstCivilians,
    /// Protests.
    Protests,
    /// Riots.
    Riots,
    /// Strategic developments.
    StrategicDevelopments,
}

impl EventType {
    /// ACLED's name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Battles => "Battles",
            EventType::ExplosionsRemoteViolence => "Explosions/Remote violence",
            EventType::ViolenceAgainstCivilians => "Violence against civilians",
            EventType::Protests => "Protests",
            EventType::Riots => "Riots",
            EventType::StrategicDevelopments => "Strategic developments",
        }
    }

    /// Whether the event is political violence a ceasefire forbids
    /// (battles, remote violence and violence against civilians).
    pub fn is_violent(self) -> bool {
        matches!(self, EventType::Battles | EventType::ExplosionsRemoteViolence | EventType::ViolenceAgainstCivilians)
    }
}

/// ACLED sub-event types, each belonging to one event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs, reason = "each variant is ACLED's name, given by `as_str`")]
pub enum SubEventType {
    ArmedClash,
    GovernmentRegainsTerritory,
    NonStateActorOvertakesTerritory,
    ChemicalWeapon,
    AirDroneStrike,
    SuicideBomb,
    ShellingArtilleryMissileAttack,
    RemoteExplosiveLandmineIed,
    Grenade,
    SexualViolence,
    Attack,
    AbductionForcedDisappearance,
    PeacefulProtest,
    ProtestWithIntervention,
    ExcessiveForceAgainstProtesters,
    ViolentDemonstration,
    MobViolence,
    Agreement,
    Arrests,
    ChangeToGroupActivity,
    DisruptedWeaponsUse,
    HeadquartersOrBaseEstablished,
    LootingPropertyDestruction,
    NonViolentTransferOfTerritory,
    Other,
}

const ALL: [(SubEventType, &str, EventType); 25] = {
    use EventType::*;
    use SubEventType as S;
    [
        (S::ArmedClash, "Armed clash", Battles),
        (S::GovernmentRegainsTerritory, "Government regains territory", Battles),
        (S::NonStateActorOvertakesTerritory, "Non-state actor overtakes territory", Battles),
        (S::ChemicalWeapon, "Chemical weapon", ExplosionsRemoteViolence),
        (S::AirDroneStrike, "Air/drone strike", ExplosionsRemoteViolence),
        (S::SuicideBomb, "Suicide bomb", ExplosionsRemoteViolence),
        (S::ShellingArtilleryMissileAttack, "Shelling/artillery/missile attack", ExplosionsRemoteViolence),
        (S::RemoteExplosiveLandmineIed, "Remote explosive/landmine/IED", ExplosionsRemoteViolence),
        (S::Grenade, "Grenade", ExplosionsRemoteViolence),
        (S::SexualViolence, "Sexual violence", ViolenceAgainstCivilians),
        (S::Attack, "Attack", ViolenceAgainstCivilians),
        (S::AbductionForcedDisappearance, "Abduction/forced disappearance", ViolenceAgainstCivilians),
        (S::PeacefulProtest, "Peaceful protest", Protests),
        (S::ProtestWithIntervention, "Protest with intervention", Protests),
        (S::ExcessiveForceAgainstProtesters, "Excessive force against protesters", Protests),
        (S::ViolentDemonstration, "Violent demonstration", Riots),
        (S::MobViolence, "Mob violence", Riots),
        (S::Agreement, "Agreement", StrategicDevelopments),
        (S::Arrests, "Arrests", StrategicDevelopments),
        (S::ChangeToGroupActivity, "Change to group/activity", StrategicDevelopments),
        (S::DisruptedWeaponsUse, "Disrupted weapons use", StrategicDevelopments),
        (S::HeadquartersOrBaseEstablished, "Headquarters or base established", StrategicDevelopments),
        (S::LootingPropertyDestruction, "Looting/property destruction", StrategicDevelopments),
        (S::NonViolentTransferOfTerritory, "Non-violent transfer of territory", StrategicDevelopments),
        (S::Other, "Other", StrategicDevelopments),
    ]
};

impl SubEventType {
    /// Every sub-event type, in ACLED's order.
    pub fn all() -> impl Iterator<Item = SubEventType> {
        ALL.iter().map(|(s, _, _)| *s)
    }

    /// ACLED's name.
    pub fn as_str(self) -> &'static str {
        ALL.iter().find(|(s, _, _)| *s == self).map(|(_, n, _)| *n).unwrap_or("Other")
    }

    /// The event type this sub-event belongs to.
    pub fn event_type(self) -> EventType {
        ALL.iter().find(|(s, _, _)| *s == self).map(|(_, _, e)| *e).unwrap_or(EventType::StrategicDevelopments)
    }

    /// Parses ACLED's name, exactly.
    pub fn parse(s: &str) -> Result<Self, ModelError> {
        ALL.iter()
            .find(|(_, n, _)| *n == s)
            .map(|(v, _, _)| *v)
            .ok_or_else(|| ModelError::new("sub_event_type", format!("not an ACLED sub-event type: {s:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_map_to_their_event_type() {
        for s in SubEventType::all() {
            assert_eq!(SubEventType::parse(s.as_str()).unwrap(), s);
        }
        assert_eq!(SubEventType::AirDroneStrike.event_type().as_str(), "Explosions/Remote violence");
        assert!(SubEventType::parse("armed clash").is_err());
        assert_eq!(SubEventType::all().count(), 25);
    }
}
