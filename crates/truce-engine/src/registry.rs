//! The actor registry from `data/actors/actors.toml` (embedded), as model actors
//! with their renamings and evidenced edges, for the judge.

use serde::Deserialize;
use truce_model::{Actor, ActorEdge, ActorKey, ActorName, EdgeKind, Inter, Registry, Side, Validity};

use crate::EngineError;

const ACTORS_TOML: &str = include_str!("../../../data/actors/actors.toml");

#[derive(Deserialize)]
struct File {
    actor: Vec<ActorToml>,
}

#[derive(Deserialize)]
struct ActorToml {
    key: String,
    name: String,
    side: String,
    inter: u8,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    generic: bool,
    #[serde(default)]
    names: Vec<NameToml>,
    #[serde(default)]
    edge: Vec<EdgeToml>,
}

#[derive(Deserialize)]
struct NameToml {
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    from: Option<String>,
    until: Option<String>,
}

#[derive(Deserialize)]
struct EdgeToml {
    kind: String,
    to: String,
    from: Option<String>,
    until: Option<String>,
    evidence: String,
}

fn date(s: &Option<String>, what: &str) -> Result<Option<jiff::civil::Date>, String> {
    s.as_deref().map(|d| d.parse().map_err(|e| format!("{what}: date {d:?}: {e}"))).transpose()
}

/// Parses a registry file.
pub fn parse(text: &str) -> Result<Registry, String> {
    let file: File = toml::from_str(text).map_err(|e| e.message().to_owned())?;
    let mut actors = Vec::with_capacity(file.actor.len());
    for a in file.actor {
        let what = format!("actor {}", a.key);
        let key = ActorKey::parse(&a.key).map_err(|e| format!("{what}: {e}"))?;
        let side = Side::parse(&a.side).map_err(|e| format!("{what}: {e}"))?;
        let inter = if a.inter == 0 { None } else { Some(Inter::new(a.inter).map_err(|e| format!("{what}: {e}"))?) };
        let mut names = Vec::new();
        for n in &a.names {
            let valid =
                Validity::new(date(&n.from, &what)?, date(&n.until, &what)?).map_err(|e| format!("{what}: {e}"))?;
            names.push(ActorName { name: n.name.clone(), aliases: n.aliases.clone(), valid });
        }
        if names.is_empty() {
            names.push(ActorName { name: a.name.clone(), aliases: a.aliases.clone(), valid: Validity::always() });
        }
        let mut actor = Actor::new(key, a.name, side, inter, names).map_err(|e| format!("{what}: {e}"))?;
        actor.generic = a.generic;
        for e in a.edge {
            let kind = EdgeKind::parse(&e.kind).map_err(|err| format!("{what}: {err}"))?;
            let to = ActorKey::parse(&e.to).map_err(|err| format!("{what}: {err}"))?;
            let valid =
                Validity::new(date(&e.from, &what)?, date(&e.until, &what)?).map_err(|err| format!("{what}: {err}"))?;
            actor.edges.push(ActorEdge::new(kind, to, e.evidence, valid).map_err(|err| format!("{what}: {err}"))?);
        }
        actors.push(actor);
    }
    Registry::new(actors).map_err(|e| e.to_string())
}

/// The shipped registry.
pub fn bundled() -> Result<Registry, EngineError> {
    parse(ACTORS_TOML).map_err(|e| EngineError::Internal(format!("data/actors/actors.toml: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_registry_loads_with_the_nusra_lineage() {
        let reg = bundled().unwrap();
        assert!(reg.len() >= 150, "{} actors", reg.len());
        let n = reg.get(&ActorKey::parse("nusra-jfs-hts").unwrap()).unwrap();
        assert_eq!(n.name_on(jiff::civil::date(2016, 12, 30)), "Jabhat Fateh al-Sham");
        assert_eq!(n.name_on(jiff::civil::date(2016, 3, 1)), "al-Nusra Front");
        assert_eq!(n.name_on(jiff::civil::date(2017, 6, 1)), "Hayat Tahrir al-Sham");
    }

    #[test]
    fn broken_registries_are_refused_with_the_actor_named() {
        let bad = "[[actor]]\nkey = \"a\"\nname = \"A\"\nside = \"sideways\"\ninter = 2\n";
        assert!(parse(bad).unwrap_err().contains("actor a"));
        let dangling = "[[actor]]\nkey = \"a\"\nname = \"A\"\nside = \"opposition\"\ninter = 2\n[[actor.edge]]\nkind = \"linked_to\"\nto = \"b\"\nevidence = \"x\"\n";
        assert!(parse(dangling).unwrap_err().contains("unknown actor b"));
    }
}
