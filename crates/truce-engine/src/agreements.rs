//! Agreement files (TOML, schema in `data/agreements/README.md`) ↔ model
//! agreements. The shipped files are embedded and loaded into a new store.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;
use truce_model::{
    ActorKey, Agreement, AgreementKey, AgreementKind, Effective, Exclusions, Guarantor, GuarantorRole, LinkageRule,
    PCode, Party, PartyRole, Registry, Scope, Side, SourceQuote,
};

/// The shipped agreements: (file name, TOML).
pub const SHIPPED: [(&str, &str); 4] = [
    ("sy-coh-2016-02-27.toml", include_str!("../../../data/agreements/sy-coh-2016-02-27.toml")),
    ("sy-arrangement-2016-09-12.toml", include_str!("../../../data/agreements/sy-arrangement-2016-09-12.toml")),
    ("sy-ceasefire-2016-12-30.toml", include_str!("../../../data/agreements/sy-ceasefire-2016-12-30.toml")),
    ("sy-deescalation-2017-05-04.toml", include_str!("../../../data/agreements/sy-deescalation-2017-05-04.toml")),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgreementToml {
    key: String,
    title: String,
    kind: String,
    #[serde(default = "default_ack")]
    ack_minutes: u32,
    #[serde(default)]
    related: Vec<String>,
    #[serde(default)]
    instruments: Vec<String>,
    #[serde(default)]
    obligations: Vec<String>,
    signatory_count: Option<u32>,
    fighters_covered: Option<u64>,
    effective: EffectiveToml,
    scope: ScopeToml,
    #[serde(default)]
    party: Vec<PartyToml>,
    #[serde(default)]
    guarantor: Vec<GuarantorToml>,
    exclusions: ExclusionsToml,
    #[serde(default)]
    source: Vec<SourceToml>,
}

fn default_ack() -> u32 {
    30
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EffectiveToml {
    from_local: String,
    zone: String,
    until_local: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScopeToml {
    country: Option<String>,
    #[serde(default)]
    pcodes: Vec<String>,
    #[serde(default)]
    settlements: Vec<String>,
    #[serde(default)]
    zone: Vec<ZoneToml>,
    geojson: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ZoneToml {
    name: String,
    pcodes: Vec<String>,
    geojson: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartyToml {
    actor: String,
    role: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GuarantorToml {
    actor: String,
    role: String,
    #[serde(default)]
    answers_for_sides: Vec<String>,
    #[serde(default)]
    answers_for_actors: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExclusionsToml {
    #[serde(default)]
    actors: Vec<String>,
    linkage: String,
    max_hops: Option<u8>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceToml {
    source: String,
    quote: String,
}

/// A named de-escalation zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// Its name.
    pub name: String,
    /// The admin units it is drawn from.
    pub pcodes: Vec<PCode>,
}

/// An agreement file, parsed: the model agreement plus the counts the file states.
#[derive(Debug, Clone)]
pub struct AgreementDoc {
    /// The agreement.
    pub agreement: Agreement,
    /// How many groups signed, when stated.
    pub signatory_count: Option<u32>,
    /// How many fighters it covers, when stated.
    pub fighters_covered: Option<u64>,
    /// Named zones (de-escalation).
    pub zones: Vec<Zone>,
    /// The GeoJSON file beside the agreement that draws the zones, if any.
    pub zones_geojson: Option<String>,
}

fn civil(s: &str, tz: &TimeZone, field: &str) -> Result<Timestamp, String> {
    let dt: jiff::civil::DateTime = s.parse().map_err(|e| format!("{field}: {s:?} is not a local date-time: {e}"))?;
    dt.to_zoned_datetime(tz.clone()).map(|z| z.timestamp()).map_err(|e| format!("{field}: {e}"))
}

/// Parses an agreement file as version `version`. With a registry, every actor
/// key must exist in it. Errors name the field.
pub fn parse(text: &str, version: u32, registry: Option<&Registry>) -> Result<AgreementDoc, String> {
    let f: AgreementToml = toml::from_str(text).map_err(|e| {
        let at = e.span().map(|s| format!(" (at byte {})", s.start)).unwrap_or_default();
        format!("{}{at}", e.message())
    })?;
    let actor = |k: &str, field: &str| -> Result<ActorKey, String> {
        let key = ActorKey::parse(k).map_err(|e| format!("{field}: {e}"))?;
        if let Some(reg) = registry
            && reg.get(&key).is_none()
        {
            return Err(format!("{field}: unknown actor {k:?} (not in the actor registry)"));
        }
        Ok(key)
    };
    let key = AgreementKey::parse(&f.key).map_err(|e| format!("key: {e}"))?;
    let kind = AgreementKind::parse(&f.kind).map_err(|e| format!("kind: {e}"))?;
    let tz = TimeZone::get(&f.effective.zone).map_err(|e| format!("effective.zone: {:?}: {e}", f.effective.zone))?;
    let from = civil(&f.effective.from_local, &tz, "effective.from_local")?;
    let until = f.effective.until_local.as_deref().map(|u| civil(u, &tz, "effective.until_local")).transpose()?;
    let effective = Effective::new(from, until, &f.effective.zone).map_err(|e| format!("effective: {e}"))?;
    let pcodes = |v: &[String], field: &str| -> Result<Vec<PCode>, String> {
        v.iter().map(|p| PCode::parse(p).map_err(|e| format!("{field}: {e}"))).collect()
    };
    let zones = f
        .scope
        .zone
        .iter()
        .map(|z| Ok(Zone { name: z.name.clone(), pcodes: pcodes(&z.pcodes, "scope.zone.pcodes")? }))
        .collect::<Result<Vec<_>, String>>()?;
    let zones_geojson = f.scope.geojson.clone().or_else(|| f.scope.zone.iter().find_map(|z| z.geojson.clone()));
    let scope = match (&f.scope.country, zones.is_empty(), f.scope.pcodes.is_empty() && f.scope.settlements.is_empty())
    {
        (Some(c), true, true) => Scope::Country(c.clone()),
        (None, false, _) => Scope::Polygons {
            geojson: Vec::new(),
            pcodes: zones
                .iter()
                .flat_map(|z| z.pcodes.iter().cloned())
                .chain(pcodes(&f.scope.pcodes, "scope.pcodes")?)
                .collect(),
        },
        (None, true, false) => {
            Scope::Units { pcodes: pcodes(&f.scope.pcodes, "scope.pcodes")?, settlements: f.scope.settlements.clone() }
        }
        _ => return Err("scope: give either country, or pcodes/settlements, or zones".into()),
    };
    let linkage = match f.exclusions.linkage.as_str() {
        "named_only" => LinkageRule::NamedOnly,
        "linked_to" => LinkageRule::LinkedTo { max_hops: f.exclusions.max_hops.unwrap_or(2) },
        other => return Err(format!("exclusions.linkage: expected linked_to or named_only, got {other:?}")),
    };
    let exclusions = Exclusions {
        actors: f.exclusions.actors.iter().map(|a| actor(a, "exclusions.actors")).collect::<Result<_, _>>()?,
        linkage,
    };
    let sources: Vec<SourceQuote> =
        f.source.into_iter().map(|s| SourceQuote { source: s.source, quote: s.quote }).collect();
    let mut a = Agreement::new(key, version, f.title, kind, scope, effective, exclusions, sources)
        .map_err(|e| e.to_string())?;
    a.ack_minutes = f.ack_minutes;
    a.instruments = f.instruments;
    a.obligations = f.obligations;
    a.related = f
        .related
        .iter()
        .map(|r| AgreementKey::parse(r).map_err(|e| format!("related: {e}")))
        .collect::<Result<_, _>>()?;
    for p in &f.party {
        let role = match p.role.as_str() {
            "signatory" => PartyRole::Signatory,
            "acknowledged" => PartyRole::Acknowledged,
            other => return Err(format!("party.role: expected signatory or acknowledged, got {other:?}")),
        };
        a.parties.push(Party { actor: actor(&p.actor, "party.actor")?, role });
    }
    for g in &f.guarantor {
        let role = match g.role.as_str() {
            "guarantee" => GuarantorRole::Guarantee,
            "monitor" => GuarantorRole::Monitor,
            other => return Err(format!("guarantor.role: expected guarantee or monitor, got {other:?}")),
        };
        a.guarantors.push(Guarantor {
            actor: actor(&g.actor, "guarantor.actor")?,
            role,
            answers_for_sides: g
                .answers_for_sides
                .iter()
                .map(|s| Side::parse(s).map_err(|e| format!("guarantor.answers_for_sides: {e}")))
                .collect::<Result<_, _>>()?,
            answers_for_actors: g
                .answers_for_actors
                .iter()
                .map(|x| actor(x, "guarantor.answers_for_actors"))
                .collect::<Result<_, _>>()?,
        });
    }
    Ok(AgreementDoc {
        agreement: a,
        signatory_count: f.signatory_count,
        fighters_covered: f.fighters_covered,
        zones,
        zones_geojson,
    })
}

/// The shipped zones GeoJSON of the de-escalation memorandum.
pub const DEESCALATION_ZONES: &str = include_str!("../../../data/agreements/sy-deescalation-2017-05-04.zones.geojson");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_agreement_parses_against_the_registry() {
        let reg = crate::registry::bundled().unwrap();
        for (file, text) in SHIPPED {
            let doc = parse(text, 1, Some(&reg)).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert!(!doc.agreement.sources().is_empty(), "{file} cites sources");
        }
        let ceasefire = parse(SHIPPED[2].1, 1, Some(&reg)).unwrap();
        assert_eq!(ceasefire.agreement.effective.from().to_string(), "2016-12-29T22:00:00Z");
        assert_eq!(ceasefire.signatory_count, Some(7));
        assert_eq!(ceasefire.fighters_covered, Some(62_000));
        assert_eq!(ceasefire.agreement.instruments.len(), 3);
        let g: Vec<&str> = ceasefire.agreement.guarantors.iter().map(|g| g.actor.as_str()).collect();
        assert_eq!(g, ["russia", "turkey", "iran"]);
        let zones = parse(SHIPPED[3].1, 1, Some(&reg)).unwrap();
        assert_eq!(zones.zones.len(), 4);
        let geo: serde_json::Value = serde_json::from_str(DEESCALATION_ZONES).unwrap();
        assert_eq!(geo["features"].as_array().map(Vec::len), Some(4));
    }

    #[test]
    fn bad_files_name_the_field() {
        let reg = crate::registry::bundled().unwrap();
        let good = SHIPPED[2].1;
        let cases = [
            (good.replace("zone = \"Asia/Damascus\"", "zone = \"Mars/Olympus\""), "effective.zone"),
            (good.replace("actor = \"turkey\"", "actor = \"atlantis\""), "unknown actor \"atlantis\""),
            (good.replace("linkage = \"linked_to\"", "linkage = \"vibes\""), "exclusions.linkage"),
            (format!("{good}\nsurprise = 1\n"), "unknown field"),
        ];
        for (text, want) in cases {
            let err = parse(&text, 1, Some(&reg)).unwrap_err();
            assert!(err.contains(want), "{err:?} should mention {want:?}");
        }
    }
}
