//! Judge: one incident against one agreement version, as a pure function of the
//! incident, the agreement, the actor registry and nothing else (design §4).
//!
//! The rules apply in order and every step is written to the trace:
//! 1. time: wholly before the effective start is `not_covered`; an interval that
//!    straddles the start is `undetermined`;
//! 2. place: outside the scope is `not_covered`; an unknown place is in scope
//!    of a nationwide agreement and `undetermined` otherwise;
//! 3. actors: an excluded actor, or one linked to an excluded actor by an
//!    evidenced chain valid on the day, gives `excluded_party`; a party to the
//!    agreement (signatory or acknowledged) is never excluded by linkage;
//! 4. responsibility: covered attackers are responsible and their guarantors
//!    must act; in an armed clash both sides are listed and both told;
//! 5. confidence: from corroboration and the precision of time and place.

use std::collections::{HashSet, VecDeque};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use truce_model::{
    ActorKey, Agreement, EdgeKind, GeoPrecision, Incident, LinkageRule, Precision, Registry, Ruling, Scope, Side,
    SubEventType, Verdict,
};

/// Judges `incident` against `agreement`.
pub fn judge(incident: &Incident, agreement: &Agreement, registry: &Registry) -> Ruling {
    let mut trace = Vec::new();
    let verdict = decide(incident, agreement, registry, &mut trace);
    let (verdict, responsible, guarantors) = match verdict {
        Decided::Violation { responsible, guarantors } => (Verdict::Violation, responsible, guarantors),
        Decided::Other(v) => (v, Vec::new(), Vec::new()),
    };
    let confidence = confidence(incident, &mut trace);
    let mut ruling =
        Ruling::new(incident.id().clone(), agreement.key().clone(), agreement.version(), verdict, confidence, trace)
            .unwrap_or_else(|_| unreachable_ruling(incident, agreement));
    ruling.responsible = responsible;
    ruling.guarantors = guarantors;
    ruling
}

/// `Ruling::new` only fails on an empty trace or confidence outside 0..=1,
/// neither of which `judge` produces; this keeps the function total anyway.
fn unreachable_ruling(incident: &Incident, agreement: &Agreement) -> Ruling {
    Ruling::new(
        incident.id().clone(),
        agreement.key().clone(),
        agreement.version(),
        Verdict::Undetermined,
        0.0,
        vec!["internal: ruling could not be built".into()],
    )
    .expect("a constant ruling is valid")
}

enum Decided {
    Violation { responsible: Vec<ActorKey>, guarantors: Vec<ActorKey> },
    Other(Verdict),
}

fn local(t: Timestamp, zone: &str) -> String {
    TimeZone::get(zone).map(|tz| t.to_zoned_datetime(tz).strftime("%Y-%m-%d %H:%M %Z").to_string()).unwrap_or_default()
}

fn decide(incident: &Incident, agreement: &Agreement, registry: &Registry, trace: &mut Vec<String>) -> Decided {
    let eff = &agreement.effective;
    let zone = eff.zone();
    let (from, to) = (incident.time.from(), incident.time.to());
    let when = format!(
        "incident time {from} – {to} UTC ({} – {}), from {:?}",
        local(from, zone),
        local(to, zone),
        incident.time.expr()
    );
    // 1. Time.
    if incident.time.wholly_before(eff.from()) {
        trace.push(format!(
            "time: not covered: {when} ends before the agreement takes effect at {} UTC ({})",
            eff.from(),
            local(eff.from(), zone)
        ));
        return Decided::Other(Verdict::NotCovered);
    }
    if let Some(until) = eff.until()
        && from >= until
    {
        trace.push(format!("time: not covered: {when} starts after the agreement ended at {until} UTC"));
        return Decided::Other(Verdict::NotCovered);
    }
    if from < eff.from() {
        trace.push(format!(
            "time: undetermined: {when} straddles the effective start {} UTC ({}); too imprecise to decide",
            eff.from(),
            local(eff.from(), zone)
        ));
        return Decided::Other(Verdict::Undetermined);
    }
    trace.push(format!(
        "time: in force: {when} is at or after the effective start {} UTC ({})",
        eff.from(),
        local(eff.from(), zone)
    ));

    // 2. Place.
    if let Some(p) = &incident.place {
        let scope_country = match &agreement.scope {
            Scope::Country(c) => c.as_str(),
            Scope::Units { pcodes, .. } | Scope::Polygons { pcodes, .. } => {
                pcodes.first().map(|c| &c.as_str()[..2]).unwrap_or("SY")
            }
        };
        if p.country() != scope_country {
            trace.push(format!(
                "place: not covered: {} lies in {}, outside the agreement's country {scope_country}",
                p.name,
                p.country()
            ));
            return Decided::Other(Verdict::NotCovered);
        }
    }
    match (&agreement.scope, &incident.place) {
        (Scope::Country(c), None) => {
            trace.push(format!("place: in scope: place unknown, and the scope is the whole of {c}"));
        }
        (Scope::Country(c), Some(p)) => {
            if p.admin1().is_some() || c == "SY" {
                trace.push(format!("place: in scope: {} lies in {c}, which the agreement covers entirely", p.name));
            }
        }
        (Scope::Units { pcodes, .. } | Scope::Polygons { pcodes, .. }, place) => {
            let codes: Vec<String> = pcodes.iter().map(ToString::to_string).collect();
            let Some(p) = place else {
                trace.push(format!(
                    "place: undetermined: place unknown and the scope is limited to {}",
                    codes.join(", ")
                ));
                return Decided::Other(Verdict::Undetermined);
            };
            let own = p.admin3().or(p.admin2()).or(p.admin1());
            match own {
                Some(code) if pcodes.iter().any(|s| code.within(s) || s.within(code) && s.level() == code.level()) => {
                    trace.push(format!("place: in scope: {} ({code}) lies within {}", p.name, codes.join(", ")));
                }
                Some(code) => {
                    trace.push(format!("place: not covered: {} ({code}) lies outside {}", p.name, codes.join(", ")));
                    return Decided::Other(Verdict::NotCovered);
                }
                None => {
                    trace.push(format!("place: undetermined: {} has no admin code to test against the scope", p.name));
                    return Decided::Other(Verdict::Undetermined);
                }
            }
        }
    }

    // 3. Exclusions.
    for a in &incident.actors {
        if let Some(chain) = exclusion_chain(a, agreement, registry, incident.time.from()) {
            trace.push(format!("actors: excluded party: {chain}"));
            return Decided::Other(Verdict::ExcludedParty);
        }
    }
    trace.push(format!(
        "actors: no actor is excluded or linked to an excluded group ({} checked)",
        incident.actors.len()
    ));

    // 4. Responsibility.
    // Monitors, agencies and civilians are named in reports but are not parties
    // that can breach a ceasefire.
    let known: Vec<&ActorKey> = incident
        .actors
        .iter()
        .filter(|a| !matches!(side_of(a, registry), Side::Unknown | Side::Neutral | Side::Civilian))
        .collect();
    if known.is_empty() {
        trace.push("responsibility: undetermined: no actor of known side".into());
        return Decided::Other(Verdict::Undetermined);
    }
    let mutual = matches!(
        incident.sub_event_type,
        SubEventType::ArmedClash
            | SubEventType::GovernmentRegainsTerritory
            | SubEventType::NonStateActorOvertakesTerritory
    );
    let responsible: Vec<ActorKey> =
        if mutual { known.iter().map(|a| (*a).clone()).collect() } else { vec![known[0].clone()] };
    let mut guarantors = Vec::new();
    for r in &responsible {
        for g in &agreement.guarantors {
            if answers_for(g, r, registry) && !guarantors.contains(&g.actor) {
                guarantors.push(g.actor.clone());
            }
        }
    }
    let names: Vec<String> = responsible.iter().map(|a| name_of(a, registry)).collect();
    let told: Vec<String> = guarantors.iter().map(|a| name_of(a, registry)).collect();
    trace.push(if mutual {
        format!(
            "responsibility: {} between the parties ({}); attacker unknown, all listed",
            incident.sub_event_type.as_str(),
            names.join(", ")
        )
    } else {
        format!("responsibility: the attacker {} is covered by the agreement", names.join(", "))
    });
    trace.push(if told.is_empty() {
        "guarantors: none of the agreement's guarantors answers for these actors".into()
    } else {
        format!("guarantors to tell: {}", told.join(", "))
    });
    Decided::Violation { responsible, guarantors }
}

fn side_of(a: &ActorKey, registry: &Registry) -> Side {
    registry.get(a).map_or(Side::Unknown, |x| x.side)
}

fn name_of(a: &ActorKey, registry: &Registry) -> String {
    registry.get(a).map_or_else(|| a.to_string(), |x| x.name.clone())
}

/// Whether guarantor `g` answers for `actor`: named directly, by side, or through
/// the actor's `part_of` parent.
fn answers_for(g: &truce_model::Guarantor, actor: &ActorKey, registry: &Registry) -> bool {
    if g.answers_for_actors.contains(actor) || g.answers_for_sides.contains(&side_of(actor, registry)) {
        return true;
    }
    registry.get(actor).is_some_and(|a| {
        a.edges.iter().filter(|e| e.kind() == EdgeKind::PartOf).any(|e| g.answers_for_actors.contains(e.to()))
    })
}

/// Follows evidenced `linked_to` and `part_of` edges valid at `t` from `actor` to an
/// excluded actor, within the agreement's hop limit, and describes the chain.
fn exclusion_chain(actor: &ActorKey, agreement: &Agreement, registry: &Registry, t: Timestamp) -> Option<String> {
    let excluded = &agreement.exclusions.actors;
    if excluded.contains(actor) {
        return Some(format!("{} is named in the exclusions", name_of(actor, registry)));
    }
    let LinkageRule::LinkedTo { max_hops } = agreement.exclusions.linkage else { return None };
    // A party to the agreement is covered by it: signing or acknowledging the
    // agreement outweighs a linkage inferred from the registry.
    if agreement.parties.iter().any(|p| &p.actor == actor) {
        return None;
    }
    let day = t.to_zoned_datetime(TimeZone::UTC).date();
    let mut seen = HashSet::from([actor.clone()]);
    let mut queue = VecDeque::from([(actor.clone(), Vec::<String>::new())]);
    while let Some((cur, path)) = queue.pop_front() {
        if path.len() >= usize::from(max_hops) {
            continue;
        }
        let Some(a) = registry.get(&cur) else { continue };
        for kind in [EdgeKind::LinkedTo, EdgeKind::PartOf] {
            for e in a.edges_on(kind, day) {
                if !seen.insert(e.to().clone()) {
                    continue;
                }
                let mut p = path.clone();
                p.push(format!(
                    "{} {} {} (evidence: {})",
                    name_of(&cur, registry),
                    kind.as_str(),
                    name_of(e.to(), registry),
                    e.evidence()
                ));
                if excluded.contains(e.to()) {
                    return Some(format!("linked to an excluded group: {}", p.join(" → ")));
                }
                queue.push_back((e.to().clone(), p));
            }
        }
    }
    None
}

fn confidence(incident: &Incident, trace: &mut Vec<String>) -> f64 {
    let corroboration = match incident.sources {
        0 | 1 => 0.55,
        2 => 0.75,
        _ => 0.9,
    };
    let time = match incident.time.precision() {
        Precision::Minute | Precision::Hour => 1.0,
        Precision::Day => 0.95,
        Precision::Week => 0.8,
        Precision::Month | Precision::Year => 0.6,
    };
    let place = match incident.place.as_ref().map(|p| p.precision) {
        Some(GeoPrecision::Exact) => 1.0,
        Some(GeoPrecision::Near) => 0.95,
        Some(GeoPrecision::Region) => 0.9,
        None => 0.8,
    };
    let c = (corroboration * time * place * 100.0_f64).round() / 100.0;
    trace.push(format!(
        "confidence {c:.2}: {} independent source(s), time to the {}, place {}",
        incident.sources,
        incident.time.precision().as_str(),
        incident.place.as_ref().map_or("unknown".to_owned(), |p| format!("precision {}", p.precision.code()))
    ));
    c.clamp(0.0, 1.0)
}
