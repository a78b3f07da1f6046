//! The actor registry (data/actors/actors.toml) and its recogniser: aliases
//! case-insensitively through the folded stream, acronyms case-sensitively,
//! generic references resolved to their target, names chosen by date.

use std::collections::HashMap;
use std::ops::Range;

use jiff::civil::Date;

use crate::ReadError;
use crate::names::NameIndex;
use crate::text::{Stream, Token, fold_name};

/// One actor of the registry.
#[derive(Debug, Clone)]
pub struct ActorEntry {
    /// Registry key.
    pub key: String,
    /// Canonical name.
    pub name: String,
    /// ACLED interaction code.
    pub inter: u8,
    /// Side, as written in the registry.
    pub side: String,
    /// Names valid over time: (name, from, until).
    pub names: Vec<(String, Option<Date>, Option<Date>)>,
    /// Governorates (OCHA p-codes) the actor is known to fight in: a prior for
    /// names that several governorates share.
    pub areas: Vec<String>,
}

impl ActorEntry {
    /// The name in use on `d`.
    pub fn name_on(&self, d: Option<Date>) -> &str {
        if let Some(d) = d {
            for (n, from, until) in &self.names {
                if from.is_none_or(|f| f <= d) && until.is_none_or(|u| d < u) {
                    return n;
                }
            }
        }
        &self.name
    }
}

/// An actor reference found in text.
#[derive(Debug, Clone)]
pub struct ActorHit {
    /// Token indices.
    pub tokens: Range<usize>,
    /// Byte range in clean text.
    pub range: Range<usize>,
    /// Resolved actor index.
    pub actor: usize,
    /// True when the text used a generic phrase ("regime forces").
    pub generic: bool,
}

#[derive(Debug, Clone)]
struct Pat {
    actor: usize,
    /// Case-sensitive surface form, for acronyms.
    acronym: Option<String>,
    generic: bool,
}

/// The loaded registry and its automaton.
#[derive(Debug)]
pub struct Registry {
    /// Actors, resolved targets included.
    pub actors: Vec<ActorEntry>,
    index: NameIndex<Vec<Pat>>,
}

fn date(v: Option<&toml::Value>) -> Option<Date> {
    v.and_then(|v| v.as_str()).and_then(|s| s.get(..10)).and_then(|s| s.parse().ok())
}

fn strs(v: Option<&toml::Value>) -> Vec<String> {
    v.and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

impl Registry {
    /// Parses the embedded registry.
    pub fn bundled() -> Result<Self, ReadError> {
        let mut src = String::from(include_str!("../../../data/actors/actors.toml"));
        src.push('\n');
        src.push_str(include_str!("../data/generic_actors.toml"));
        Self::parse(&src)
    }

    /// Parses a registry in the actors.toml schema.
    pub fn parse(src: &str) -> Result<Self, ReadError> {
        let doc: toml::Table = src.parse().map_err(|e| ReadError::Data(format!("actors.toml: {e}")))?;
        let list = doc.get("actor").and_then(|a| a.as_array()).cloned().unwrap_or_default();
        let mut actors = Vec::new();
        let mut by_key: HashMap<String, usize> = HashMap::new();
        let mut raw: Vec<(Vec<String>, Vec<String>, bool, Option<String>)> = Vec::new();
        for t in &list {
            let Some(t) = t.as_table() else { continue };
            let key = t.get("key").and_then(|v| v.as_str()).unwrap_or_default().to_string();
            if key.is_empty() {
                continue;
            }
            let name = t.get("name").and_then(|v| v.as_str()).unwrap_or(&key).to_string();
            let inter = t.get("inter").and_then(|v| v.as_integer()).unwrap_or(0).clamp(0, 8) as u8;
            let side = t.get("side").and_then(|v| v.as_str()).unwrap_or("unknown").to_string();
            let mut aliases = strs(t.get("aliases"));
            aliases.push(name.clone());
            let mut names = Vec::new();
            for n in t.get("names").and_then(|v| v.as_array()).into_iter().flatten() {
                let Some(n) = n.as_table() else { continue };
                let nm = n.get("name").and_then(|v| v.as_str()).unwrap_or_default().to_string();
                if nm.is_empty() {
                    continue;
                }
                aliases.extend(strs(n.get("aliases")));
                aliases.push(nm.clone());
                names.push((nm, date(n.get("from")), date(n.get("until"))));
            }
            let generic = t.get("generic").and_then(|v| v.as_bool()).unwrap_or(false)
                || t.get("kind").and_then(|v| v.as_str()) == Some("generic");
            let resolves = t.get("resolves_to").and_then(|v| v.as_str()).map(str::to_string);
            by_key.insert(key.clone(), actors.len());
            let areas = strs(t.get("areas"));
            if let Some(bad) = areas.iter().find(|a| !(a.len() == 4 && a.starts_with("SY"))) {
                return Err(ReadError::Data(format!("actors.toml: {key}: area {bad:?} is not a governorate p-code")));
            }
            actors.push(ActorEntry { key, name, inter, side, names, areas });
            raw.push((aliases, strs(t.get("acronyms")), generic, resolves));
        }
        let mut pats: HashMap<String, Vec<Pat>> = HashMap::new();
        for (i, (aliases, acronyms, generic, resolves)) in raw.iter().enumerate() {
            let target = resolves.as_ref().and_then(|k| by_key.get(k)).copied().unwrap_or(i);
            if *generic && actors[i].name.starts_with("Generic") && target == i {
                // A generic entry without a target keeps its own inter but no usable name.
            }
            for a in aliases {
                let k = fold_name(a, false);
                if k.is_empty() {
                    continue;
                }
                let acronym = acronyms.contains(a).then(|| a.clone());
                let supplement = actors[i].key.ends_with("-generic")
                    || matches!(actors[i].key.as_str(), "islamist-militia" | "unidentified-armed-group");
                if supplement && pats.contains_key(&k) {
                    continue;
                }
                let v = pats.entry(k).or_default();
                if !v.iter().any(|p| p.actor == target && p.acronym == acronym) {
                    v.push(Pat { actor: target, acronym, generic: *generic });
                }
            }
            // A name written all in capitals (2-5 letters) is treated as an acronym even if not listed.
        }
        let mut keys: Vec<(String, Vec<Pat>)> = pats.into_iter().collect();
        keys.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Self { actors, index: NameIndex::build(keys) })
    }

    /// Index of an actor by key.
    pub fn by_key(&self, key: &str) -> Option<usize> {
        self.actors.iter().position(|a| a.key == key)
    }

    /// Finds actor references: longest non-overlapping matches, acronyms checked case-sensitively.
    pub fn find(&self, text: &str, tokens: &[Token], exact: &Stream) -> Vec<ActorHit> {
        let mut raw: Vec<ActorHit> = Vec::new();
        self.index.find(exact, |s, e, pats| {
            let Some(tr) = exact.tokens_for(s, e) else { return };
            let range = tokens[tr.start].range.start..tokens[tr.end - 1].range.end;
            let surface = &text[range.clone()];
            let pick = pats.iter().find(|p| match &p.acronym {
                Some(a) => surface == a || same_letters(surface, a),
                None => true,
            });
            let Some(p) = pick else { return };
            if p.acronym.is_none() && is_short_caps_needed(surface) {
                return;
            }
            raw.push(ActorHit { tokens: tr, range, actor: p.actor, generic: p.generic });
        });
        raw.sort_by(|a, b| {
            (b.tokens.len(), std::cmp::Reverse(a.tokens.start))
                .cmp(&(a.tokens.len(), std::cmp::Reverse(b.tokens.start)))
        });
        let mut taken: Vec<ActorHit> = Vec::new();
        for h in raw {
            if taken.iter().any(|t| t.tokens.start < h.tokens.end && h.tokens.start < t.tokens.end) {
                continue;
            }
            taken.push(h);
        }
        taken.sort_by_key(|h| h.tokens.start);
        taken
    }
}

/// True when `a` and `b` are equal once hyphens and spaces are removed.
fn same_letters(a: &str, b: &str) -> bool {
    let keep = |c: &char| *c != '-' && *c != ' ';
    a.chars().filter(keep).eq(b.chars().filter(keep))
}

/// Very short lowercase words ("is", "an") only count when written as acronyms.
fn is_short_caps_needed(surface: &str) -> bool {
    surface.len() <= 3 && surface.chars().all(|c| c.is_ascii_lowercase())
}
