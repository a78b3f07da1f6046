//! Mentions: incident, agreement-term and claim mentions from the recognised
//! spans of each sentence and its context (previous sentences, headline,
//! dateline, publication date).

use std::ops::Range;

use jiff::civil::Date;
use truce_model::{Diagnostic, Severity, SubEventType, TimeRef};

use crate::actors::ActorHit;
use crate::gazetteer::{Hit, Kind};
use crate::keywords::{Kw, Lc};
use crate::text::{Token, exact_stream, tokenize};
use crate::times::{TimeCtx, anchored};
use crate::{
    Mention, MentionKind, Modality, ReadError, Reading, RefData, ReportInput, ResolvedActor, ResolvedPlace, TermKind,
    clean, numbers, sentences, times,
};

const _: fn() -> Option<ReadError> = || None;

/// Nouns that make a captured or seized object a place ("captured a hill").
const PLACE_NOUNS: &[&str] = &[
    "village",
    "villages",
    "town",
    "towns",
    "hill",
    "hills",
    "checkpoint",
    "checkpoints",
    "position",
    "positions",
    "area",
    "areas",
    "point",
    "points",
    "base",
    "mount",
    "neighbourhood",
    "neighborhood",
    "district",
    "city",
    "farm",
    "farms",
    "post",
    "posts",
    "locality",
    "localities",
    "road",
    "part",
    "parts",
    "island",
    "field",
    "factory",
    "airport",
    "mountain",
];

/// Objects that make a capture about people or equipment, not territory.
const NON_PLACE_OBJECTS: &[&str] = &[
    "weapons",
    "weapon",
    "ammunition",
    "vehicles",
    "vehicle",
    "tank",
    "tanks",
    "prisoners",
    "prisoner",
    "members",
    "member",
    "fighters",
    "fighter",
    "soldiers",
    "soldier",
    "him",
    "them",
    "his",
    "pilot",
    "officer",
    "officers",
    "commander",
    "elements",
    "element",
    "militants",
    "militant",
    "individuals",
    "people",
    "civilians",
    "equipment",
    "bmp",
];

/// True when a sentence says that ground changed hands: a control verb whose
/// object is a place, not people or equipment ("captured two soldiers").
fn territory_cue(lc: &Lc, w: &[&str]) -> bool {
    if lc.any(Kw::TakeControl) {
        return !lc.any(Kw::ControlIdiom);
    }
    for (i, x) in w.iter().enumerate() {
        let verb = matches!(
            *x,
            "captured"
                | "capturing"
                | "captures"
                | "capture"
                | "seized"
                | "seizing"
                | "seizes"
                | "took"
                | "takes"
                | "take"
        );
        if !verb {
            continue;
        }
        let next: &[&str] = &w[i + 1..(i + 5).min(w.len())];
        let Some(&first) = next.first() else { continue };
        let take = matches!(*x, "took" | "takes" | "take");
        // "took parts of X", "took several villages".
        if take && matches!(first, "parts" | "areas" | "positions" | "several" | "most" | "part" | "villages" | "hills")
        {
            return true;
        }
        if take && !matches!(first, "the" | "back") {
            continue;
        }
        if take && first == "the" {
            // "took the town of X", not "took the initiative".
            if next.get(1).is_some_and(|n| PLACE_NOUNS.contains(n)) {
                return true;
            }
            continue;
        }
        // "captured two soldiers", "capturing IS members": people and gear, not ground.
        if next.iter().take(3).any(|n| NON_PLACE_OBJECTS.contains(n)) {
            continue;
        }
        let counted = matches!(first, "a" | "an" | "one" | "several" | "some" | "many" | "dozens" | "number")
            || crate::numbers::value(first).is_some() && first.chars().all(|c| c.is_ascii_digit() || c.is_alphabetic());
        if counted {
            if next[1..].iter().take(3).any(|n| PLACE_NOUNS.contains(n)) {
                return true;
            }
            continue;
        }
        if w.get(i.wrapping_sub(1)).is_some_and(|p| matches!(*p, "were" | "was" | "been" | "be")) {
            continue;
        }
        return true;
    }
    false
}

/// Words of something done with aircraft or guns: a strike, a hit, a toll.
fn strike_cue(w: &[&str]) -> bool {
    w.iter().any(|x| {
        x.starts_with("shell")
            || x.starts_with("bomb")
            || x.starts_with("strik")
            || x.starts_with("struck")
            || x.starts_with("target")
            || x.starts_with("pound")
            || x.starts_with("raid")
            || x.starts_with("attack")
            || x.starts_with("fire")
            || x.starts_with("hit")
            || x.starts_with("kill")
            || x.starts_with("wound")
            || x.starts_with("injur")
            || x.starts_with("destroy")
            || x.starts_with("damag")
            || x.starts_with("drop")
            || x.starts_with("launch")
            || x.starts_with("land")
            || x.starts_with("fell")
            || x.starts_with("sortie")
            || x.starts_with("bombard")
            || x.starts_with("barrage")
            || x.starts_with("explod")
            || x.starts_with("dead")
            || x.starts_with("died")
            || x.starts_with("casualt")
            || x.starts_with("victim")
            || matches!(*x, "airstrike" | "airstrikes" | "hammered" | "rained" | "blasted")
    })
}

/// "advanced in X", "pushed towards X": fighting on a front, which coders count
/// as a clash until a place changes hands.
fn advance_cue(w: &[&str]) -> bool {
    w.windows(2).any(|p| {
        matches!(p[0], "advanced" | "advances" | "advance" | "advancing" | "pushed" | "pushes")
            && matches!(p[1], "in" | "into" | "on" | "towards" | "toward" | "to" | "against")
    })
}

/// Whether a sentence's victims are armed men (soldiers, fighters, commanders,
/// a checkpoint) and none are civilians.
fn armed_target(w: &[&str]) -> bool {
    let armed = w.iter().any(|x| {
        matches!(
            *x,
            "soldier"
                | "soldiers"
                | "fighter"
                | "fighters"
                | "commander"
                | "commanders"
                | "officer"
                | "officers"
                | "militant"
                | "militants"
                | "militiaman"
                | "militiamen"
                | "troops"
                | "recruit"
                | "recruits"
                | "conscript"
                | "conscripts"
                | "policeman"
                | "policemen"
                | "checkpoint"
                | "patrol"
                | "member"
                | "members"
                | "rebel"
                | "rebels"
                | "leader"
                | "guard"
                | "guards"
                | "combatant"
                | "combatants"
                | "cell"
        )
    });
    let civilian = w.iter().any(|x| {
        matches!(
            *x,
            "civilian"
                | "civilians"
                | "woman"
                | "women"
                | "child"
                | "children"
                | "boy"
                | "girl"
                | "people"
                | "resident"
                | "residents"
                | "shepherd"
                | "farmer"
                | "journalist"
                | "activist"
                | "doctor"
                | "family"
                | "displaced"
                | "worker"
                | "workers"
                | "protesters"
                | "demonstrators"
        )
    });
    armed && !civilian
}

/// Event classes a sentence shows, strongest first.
fn classify(lc: &Lc, w: &[&str]) -> Option<SubEventType> {
    use SubEventType as S;
    let attempt = lc.any(Kw::Attempt);
    let territory = territory_cue(lc, w);
    let clash = lc.any(Kw::ClashWord) || lc.any(Kw::ClashPhrase);
    if territory && !attempt {
        return Some(S::GovernmentRegainsTerritory);
    }
    if lc.any(Kw::Chemical) && !clash {
        return Some(S::ChemicalWeapon);
    }
    if clash || advance_cue(w) && !((lc.any(Kw::AirWord) || lc.any(Kw::ShellWord)) && strike_cue(w)) {
        return Some(S::ArmedClash);
    }
    if lc.any(Kw::Suicide) {
        return Some(S::SuicideBomb);
    }
    // Aircraft and guns named without anything done with them ("warplanes flew back
    // to Russia", "repositioned artillery near Aleppo") are no strike.
    if lc.any(Kw::AirPhrase) || lc.any(Kw::AirWord) && strike_cue(w) {
        return Some(S::AirDroneStrike);
    }
    if lc.any(Kw::ShellWord) && strike_cue(w) {
        return Some(S::ShellingArtilleryMissileAttack);
    }
    if lc.any(Kw::Grenade) {
        return Some(S::Grenade);
    }
    if lc.any(Kw::Explosive) {
        return Some(S::RemoteExplosiveLandmineIed);
    }
    if lc.any(Kw::Kidnap) {
        return Some(S::AbductionForcedDisappearance);
    }
    // An attack on armed men is a clash in ACLED's terms; "Attack" is violence
    // against civilians ("gunmen shot and killed a regime soldier" is a clash).
    if lc.any(Kw::AttackWord) || lc.any(Kw::KilledWord) && !lc.any(Kw::WarToll) {
        return Some(if armed_target(w) { S::ArmedClash } else { S::Attack });
    }
    if lc.any(Kw::ArrestWord) {
        // Armed men detained by armed men are a clash between them, as coders count it.
        return Some(if armed_target(w) { S::ArmedClash } else { S::Arrests });
    }
    if lc.any(Kw::Protest) {
        return Some(S::PeacefulProtest);
    }
    if lc.any(Kw::Disrupted) {
        return Some(S::DisruptedWeaponsUse);
    }
    None
}

fn modality(lc: &Lc, time: Option<&TimeRef>, today: Option<Date>, tz: &jiff::tz::TimeZone) -> Modality {
    if lc.any(Kw::Denied) {
        return Modality::Denied;
    }
    if let (Some(t), Some(d)) = (time, today) {
        let td = t.to().to_zoned_datetime(tz.clone()).date();
        if td < d.checked_sub(jiff::Span::new().days(10)).unwrap_or(d) {
            return Modality::Background;
        }
    }
    if lc.any(Kw::Background) {
        return Modality::Background;
    }
    if lc.any(Kw::HypoWord) && !lc.any(Kw::HypoBlock) {
        return Modality::Hypothetical;
    }
    if lc.any(Kw::PlannedWord) || lc.any(Kw::PlannedPhrase) {
        return Modality::Planned;
    }
    Modality::Reported
}

struct Ctx<'a> {
    text: &'a str,
    /// `text` lower-cased (ASCII), byte for byte.
    lower: &'a str,
    tokens: Vec<Token>,
    places: Vec<(Hit, u32)>,
    actors: Vec<ActorHit>,
}

fn words_of(ctx: &Ctx, r: &Range<usize>) -> Range<usize> {
    let a = ctx.tokens.partition_point(|t| t.range.start < r.start);
    let b = ctx.tokens.partition_point(|t| t.range.start < r.end);
    a..b
}

/// Indices of the places that start inside `sent` (places are in text order).
fn places_in(ctx: &Ctx, sent: &Range<usize>) -> Range<usize> {
    let a = ctx.places.partition_point(|(h, _)| h.range.start < sent.start);
    let b = ctx.places.partition_point(|(h, _)| h.range.start < sent.end);
    a..b.max(a)
}

fn lw<'a>(ctx: &Ctx<'a>, i: usize) -> &'a str {
    ctx.tokens.get(i).map(|t| &ctx.lower[t.range.clone()]).unwrap_or_default()
}

/// A governorate, district or point that a hit pins down unambiguously.
struct Pin {
    hit: usize,
    sentence: usize,
    admin1: Option<usize>,
    admin2: Option<usize>,
    point: Option<(f64, f64)>,
    weight: f32,
}

fn km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let dlat = a.0 - b.0;
    let dlon = (a.1 - b.1) * 0.82;
    (dlat * dlat + dlon * dlon).sqrt() * 111.0
}

/// Disambiguates every place hit with context: a candidate scores for its
/// feature kind and prominence, and much more when its governorate or district
/// is pinned by another name in the same sentence ("Tall Aswad in the northern
/// countryside of Hama", "Hamidiya neighbourhood of Deir ez-Zor") or elsewhere
/// in the report, and when it lies near a place the report names unambiguously.
fn resolve_places(
    rd: &RefData,
    hits: Vec<Hit>,
    actors: &[ActorHit],
    dateline: Option<&Range<usize>>,
    sents: &[Range<usize>],
) -> Vec<(Hit, u32)> {
    let g = &rd.gaz;
    // Governorates the report's actors are known to fight in ("SDF" favours the
    // Raqqa Safsaf over the Tartous one): one vote per actor.
    let mut area_votes = vec![0u8; g.admin1.len()];
    let mut seen_actor: Vec<usize> = Vec::new();
    for a in actors {
        if seen_actor.contains(&a.actor) {
            continue;
        }
        seen_actor.push(a.actor);
        for pc in &rd.reg.actors[a.actor].areas {
            if let Some(i) = g.admin1_by_pcode(pc) {
                area_votes[i] = area_votes[i].saturating_add(1);
            }
        }
    }
    let sent_of = |pos: usize| sents.partition_point(|s| s.end <= pos);
    let mut pins: Vec<Pin> = Vec::new();
    for (k, h) in hits.iter().enumerate() {
        // An admin-unit reading wins: "Hama" pins the governorate even if a village is also called so.
        let unit = h
            .cands
            .iter()
            .map(|&c| &g.entries[c as usize])
            .filter(|e| matches!(e.kind, Kind::Governorate | Kind::District))
            .min_by_key(|e| e.kind);
        let e0 = &g.entries[h.cands[0] as usize];
        let one1 = h.cands.iter().all(|&c| g.entries[c as usize].admin1 == e0.admin1);
        let one2 = h.cands.iter().all(|&c| g.entries[c as usize].admin2 == e0.admin2);
        let in_dateline = dateline.is_some_and(|d| d.start <= h.range.start && h.range.end <= d.end);
        let mut weight = if h.exact { 1.0 } else { 0.5 };
        if unit.is_some() {
            weight *= 1.5;
        }
        if in_dateline {
            weight *= 2.0;
        }
        let (admin1, admin2) = match unit {
            Some(u) if u.kind == Kind::District => (Some(u.admin1), Some(u.admin2)),
            Some(u) => (Some(u.admin1), None),
            None => (one1.then_some(e0.admin1), one2.then_some(e0.admin2)),
        };
        pins.push(Pin {
            hit: k,
            sentence: sent_of(h.range.start),
            admin1,
            admin2,
            point: (h.cands.len() == 1 && matches!(e0.kind, Kind::Community | Kind::Neighbourhood | Kind::Site))
                .then_some((e0.lat, e0.lon)),
            weight,
        });
    }
    hits.into_iter()
        .enumerate()
        .map(|(k, h)| {
            let si = sent_of(h.range.start);
            let sc = |c: u32| -> f32 {
                let e = &g.entries[c as usize];
                let kind = match e.kind {
                    Kind::Site | Kind::Region => 3.0,
                    Kind::Community => 2.0,
                    Kind::Governorate => 1.8,
                    Kind::District => 1.5,
                    Kind::SubDistrict => 1.0,
                    Kind::Neighbourhood => 0.8,
                };
                let mut ctx1 = 0.0f32;
                let mut ctx2 = 0.0f32;
                let mut near = 0.0f32;
                for p in &pins {
                    if p.hit == k {
                        // A hit pins its own governorate only through its admin-unit reading.
                        if p.admin1 == Some(e.admin1)
                            && h.cands.iter().any(|&o| g.entries[o as usize].kind == Kind::Governorate)
                        {
                            ctx1 += 2.0;
                        }
                        continue;
                    }
                    let dist = if p.sentence == si { 3.0 } else { 1.0 };
                    if p.admin1 == Some(e.admin1) {
                        ctx1 += p.weight * dist;
                    }
                    if p.admin2 == Some(e.admin2) {
                        ctx2 += p.weight * dist;
                    }
                    if let Some(pt) = p.point {
                        if p.sentence.abs_diff(si) <= 1 && km(pt, (e.lat, e.lon)) < 20.0 {
                            near = near.max(2.0 * p.weight);
                        }
                    }
                }
                let area = if h.cands.len() > 1 { 1.0 * f32::from(area_votes[e.admin1].min(2)) } else { 0.0 };
                kind + (5.0 - e.rank as f32) * 0.6 + 1.5 * ctx1.min(4.0) + 1.0 * ctx2.min(3.0) + near + area
            };
            let best = h
                .cands
                .iter()
                .copied()
                .max_by(|&x, &y| sc(x).partial_cmp(&sc(y)).unwrap_or(std::cmp::Ordering::Equal).then(y.cmp(&x)))
                .unwrap_or(0);
            (h, best)
        })
        .collect()
}

/// A place chosen for a sentence, turned into a `ResolvedPlace` (and its
/// strings) only when a mention takes it.
#[derive(Debug, Clone)]
struct PlaceRef {
    id: u32,
    name: Option<String>,
    precision: u8,
    admin1_override: Option<usize>,
}

impl PlaceRef {
    fn resolve(&self, rd: &RefData) -> ResolvedPlace {
        resolved(rd, self.id, self.name.clone(), self.precision, self.admin1_override)
    }

    /// The district p-code `resolve` gives.
    fn admin2_pcode<'a>(&self, rd: &'a RefData) -> &'a str {
        let g = &rd.gaz;
        let e = &g.entries[self.id as usize];
        let a2 = match self.admin1_override {
            Some(a) if a != e.admin1 => g.admin2.iter().position(|d| d.admin1 == a).unwrap_or(e.admin2),
            _ => e.admin2,
        };
        &g.admin2[a2].pcode
    }
}

fn place_ref(id: u32, name: Option<String>, precision: u8, admin1_override: Option<usize>) -> PlaceRef {
    PlaceRef { id, name, precision, admin1_override }
}

fn resolved(
    rd: &RefData,
    id: u32,
    name: Option<String>,
    precision: u8,
    admin1_override: Option<usize>,
) -> ResolvedPlace {
    let g = &rd.gaz;
    let e = &g.entries[id as usize];
    let (a1, a2) = match admin1_override {
        Some(a) if a != e.admin1 => (a, g.admin2.iter().position(|d| d.admin1 == a).unwrap_or(e.admin2)),
        _ => (e.admin1, e.admin2),
    };
    ResolvedPlace {
        name: name.unwrap_or_else(|| e.name.clone()),
        admin1: g.admin1[a1].name.clone(),
        admin1_pcode: g.admin1[a1].pcode.clone(),
        admin2: g.admin2[a2].name.clone(),
        admin2_pcode: g.admin2[a2].pcode.clone(),
        lat: e.lat,
        lon: e.lon,
        geo_precision: precision,
        country: "SY".into(),
    }
}

const LOCATIVE: &[&str] = &[
    "in",
    "near",
    "at",
    "around",
    "outside",
    "into",
    "on",
    "of",
    "towards",
    "toward",
    "from",
    "between",
    "along",
    "inside",
    "outskirts",
    "countryside",
    "across",
    "within",
    "over",
    "targeted",
    "shelled",
    "struck",
    "hit",
    "bombed",
];

/// Words before a name abroad that make it the place of the sentence's event.
const ABROAD_LOCATIVE: &[&str] = &["in", "near", "at", "outside", "inside", "around"];
/// Direction words that may stand between the locative and the name ("in southeast Turkey").
const DIRECTION: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
    "central",
    "the",
];
/// Words before the locative that make the name something other than the
/// event's place ("based in Britain", "talks in Geneva").
const ABROAD_NOT_EVENT: &[&str] = &[
    "based",
    "headquartered",
    "exile",
    "exiled",
    "lives",
    "living",
    "talks",
    "meeting",
    "meetings",
    "conference",
    "summit",
    "negotiations",
    "negotiators",
    "envoy",
    "embassy",
    "ambassador",
    "officials",
    "spoke",
    "told",
    "visit",
    "visited",
    "visiting",
    "refugees",
    "refuge",
    "shelter",
    "fled",
    "hospital",
    "hospitals",
    "treated",
    "treatment",
    "outlawed",
    "banned",
    "prohibited",
    "ministry",
    "ministries",
    "office",
    "headquarters",
    "spokesman",
    "spokeswoman",
    "court",
    "parliament",
    "government",
    "authorities",
    "studied",
    "born",
    "arrived",
];
/// Words after a name abroad that make it a speaker's seat ("officials in Moscow said").
const ABROAD_SPEAKER: &[&str] = &["said", "says", "told", "announced", "reported", "stated", "claimed", "added"];

/// The token before `i`, skipping up to two direction words ("in northern Syria").
fn locative_before(ctx: &Ctx, wr: &Range<usize>, start: usize) -> (usize, &'static str) {
    let mut i = start;
    while i > wr.start && start - i < 2 && DIRECTION.contains(&lw(ctx, i - 1)) {
        i -= 1;
    }
    let prev = if i > wr.start { lw(ctx, i - 1) } else { "" };
    (i, ABROAD_LOCATIVE.iter().copied().find(|l| *l == prev).unwrap_or(""))
}

/// The place abroad a sentence puts its event in: a name abroad after a
/// locative ("killed in Ankara", "in southeast Turkey").
fn abroad_in(rd: &RefData, ctx: &Ctx, sent: &Range<usize>) -> Option<ResolvedPlace> {
    let wr = words_of(ctx, sent);
    // "in Syria", "in northern Syria": the event is in Syria, whatever else the sentence names.
    if (wr.clone())
        .any(|i| &ctx.text[ctx.tokens[i].range.clone()] == "Syria" && !locative_before(ctx, &wr, i).1.is_empty())
    {
        return None;
    }
    rd.abroad.find(ctx.text, &ctx.tokens, wr.clone()).into_iter().find_map(|h| {
        let (i, loc) = locative_before(ctx, &wr, h.tokens.start);
        let prev = if i > wr.start { lw(ctx, i - 1) } else { "" };
        let before = if i > wr.start + 1 { lw(ctx, i - 2) } else { "" };
        // "Qatar Red Crescent", "Turkey Foundation": part of a longer name.
        let next = ctx.tokens.get(h.tokens.end).filter(|_| h.tokens.end < wr.end);
        let next_word = next.map(|t| &ctx.text[t.range.clone()]).unwrap_or("");
        let in_name = next.is_some_and(|t| {
            let prev_tok = &ctx.tokens[h.tokens.end - 1];
            !prev_tok.punct_after && next_word.chars().next().is_some_and(char::is_uppercase) && t.range.start > 0
        });
        if in_name || ABROAD_SPEAKER.contains(&lw(ctx, h.tokens.end)) {
            return None;
        }
        // "in Ankara", "the Turkish city of Gaziantep", or a killing of "Russia's
        // envoy to Turkey" (an envoy serves abroad).
        let envoy = prev == "to" && matches!(before, "envoy" | "ambassador" | "embassy");
        let city_of = prev == "of" && matches!(before, "city" | "town" | "province" | "capital" | "village");
        (!loc.is_empty() && !ABROAD_NOT_EVENT.contains(&before) || envoy || city_of)
            .then(|| abroad_place(&rd.abroad.entries[h.entry as usize]))
    })
}

/// Titles and name particles before a personal name ("Colonel Fares al-Bayoush").
const PERSON_TITLES: &[&str] = &[
    "Colonel",
    "Col",
    "General",
    "Gen",
    "Brigadier",
    "Major",
    "Captain",
    "Lieutenant",
    "Sergeant",
    "President",
    "Minister",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Sheikh",
    "Imam",
    "Abu",
    "Umm",
    "Bin",
    "Ibn",
    "Prince",
    "King",
    "Emir",
    "Commander",
    "Spokesman",
    "Adviser",
    "Advisor",
    "Envoy",
    "Senator",
];

/// Whether a one-word village match is part of a personal name: after a title
/// ("Colonel Fares"), or beside another capitalised word with no locative before
/// it ("Bouthaina Shaaban said", "Omar Mateen"). Villages share many names with people.
fn in_person_name(rd: &RefData, text: &str, tokens: &[Token], h: &Hit) -> bool {
    let village =
        h.cands.iter().all(|&c| matches!(rd.gaz.entries[c as usize].kind, Kind::Community | Kind::Neighbourhood));
    if h.tokens.len() != 1 || !village {
        return false;
    }
    let word = |i: usize| tokens.get(i).map(|t| &text[t.range.clone()]).unwrap_or("");
    let capital = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let t0 = h.tokens.start;
    // An acronym ("SANA reported", "NADA") inside running text is an agency, not a
    // village; a dateline ("MADAYA, Syria") opens its line.
    let w0 = word(t0);
    let line_start = text[..tokens[t0].range.start].rsplit('\n').next().is_none_or(|l| l.trim().is_empty());
    if w0.len() >= 3 && w0.chars().all(|c| c.is_ascii_uppercase()) && !line_start {
        return true;
    }
    let prev = if t0 > 0 { word(t0 - 1) } else { "" };
    if PERSON_TITLES.contains(&prev) {
        return true;
    }
    // An apposition that describes a person: "pressure on Abadi, a member of Iraq's
    // Shi'ite majority", "Fares, who commands".
    let te = h.tokens.end;
    let comma = tokens[te - 1].punct_after && text[tokens[te - 1].range.end..].trim_start().starts_with(',');
    if comma && matches!(word(te), "a" | "an" | "who" | "whose") {
        let person = (te + 1..te + 4).any(|i| {
            matches!(
                word(i),
                "member"
                    | "leader"
                    | "commander"
                    | "minister"
                    | "president"
                    | "spokesman"
                    | "spokeswoman"
                    | "official"
                    | "cleric"
                    | "general"
                    | "officer"
                    | "politician"
                    | "lawmaker"
                    | "diplomat"
                    | "journalist"
                    | "man"
                    | "woman"
                    | "father"
                    | "mother"
                    | "son"
                    | "brother"
                    | "resident"
                    | "commands"
                    | "leads"
                    | "said"
                    | "told"
            )
        });
        if person {
            return true;
        }
    }
    let lprev = prev.to_ascii_lowercase();
    if LOCATIVE.contains(&lprev.as_str()) || matches!(lprev.as_str(), "the" | "and" | "of" | "to") {
        return false;
    }
    let joined_prev = t0 > 0 && !tokens[t0 - 1].punct_after && capital(prev);
    let next = word(h.tokens.end);
    let joined_next = !tokens[h.tokens.end - 1].punct_after && capital(next) && !tokens[h.tokens.end - 1].hyphen_after;
    // The neighbour must not be a sentence start or a place word of its own ("Idlib City").
    (joined_prev && !prev.ends_with('.') || joined_next)
        && !matches!(
            next,
            "City" | "Province" | "Governorate" | "District" | "Airport" | "Military" | "Road" | "Highway"
        )
}

/// Capitalised words that follow a locative without naming a place.
const NOT_PLACE_WORDS: &[&str] = &[
    "Syria",
    "Syrian",
    "Syrians",
    "President",
    "Prime",
    "Minister",
    "Secretary",
    "Mr",
    "Mrs",
    "General",
    "Colonel",
    "Islamic",
    "State",
    "The",
    "A",
    "An",
    "U",
    "US",
    "UN",
    "United",
    "Russian",
    "Russia",
    "Turkish",
    "Iranian",
    "American",
    "Western",
    "Arab",
    "Kurdish",
    "Sunni",
    "Shi",
    "Shiite",
    "Shia",
    "Assad",
    "Bashar",
    "September",
    "October",
    "November",
    "December",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
];

/// Whether the sentence puts something at a place the gazetteer does not know
/// ("clashed with rebels in Hazrma", "the village of Abu Zandin").
fn unknown_place_cue(ctx: &Ctx, sent: &Range<usize>) -> bool {
    let wr = words_of(ctx, sent);
    (wr.start..wr.end.saturating_sub(1)).any(|i| {
        let next = &ctx.tokens[i + 1];
        let w = &ctx.text[next.range.clone()];
        LOCATIVE[..16].contains(&lw(ctx, i))
            && w.chars().next().is_some_and(char::is_uppercase)
            && !NOT_PLACE_WORDS.contains(&w)
            && !ctx.actors.iter().any(|a| a.range.start <= next.range.start && next.range.end <= a.range.end)
    })
}

/// The place abroad of a dateline ("ORLANDO, Fla.", "BRUSSELS —"): the leading
/// upper-case words of the first paragraph, up to a `/` or `,`.
fn abroad_dateline(rd: &RefData, text: &str) -> Option<ResolvedPlace> {
    let head: String = text
        .split_whitespace()
        .take_while(|w| w.chars().any(char::is_alphabetic) && !w.chars().any(char::is_lowercase))
        .collect::<Vec<_>>()
        .join(" ");
    let first = head.split(['/', ',', '(']).next()?.trim();
    if first.len() < 3 {
        return None;
    }
    let title: String = first
        .split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c.flat_map(char::to_lowercase)).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ");
    let tokens = tokenize(&title);
    let hit = rd.abroad.find(&title, &tokens, 0..tokens.len()).into_iter().next()?;
    (hit.tokens == (0..tokens.len())).then(|| abroad_place(&rd.abroad.entries[hit.entry as usize]))
}

fn abroad_place(e: &crate::abroad::Entry) -> ResolvedPlace {
    ResolvedPlace {
        name: e.name.clone(),
        admin1: String::new(),
        admin1_pcode: String::new(),
        admin2: String::new(),
        admin2_pcode: String::new(),
        lat: e.lat,
        lon: e.lon,
        geo_precision: if e.is_country { 3 } else { 1 },
        country: e.country.clone(),
    }
}

/// Picks and relates the place of an incident sentence.
fn sentence_place(rd: &RefData, ctx: &Ctx, sent: &Range<usize>, lc: &Lc) -> Option<PlaceRef> {
    let g = &rd.gaz;
    let mut best: Option<(f32, usize)> = None;
    let mut scored: Vec<(f32, usize)> = Vec::new();
    let in_sent = places_in(ctx, sent);
    for (k, (h, id)) in ctx.places.iter().enumerate().take(in_sent.end).skip(in_sent.start) {
        if h.range.start < sent.start || h.range.end > sent.end {
            continue;
        }
        if ctx.actors.iter().any(|a| a.range.start <= h.range.start && h.range.end <= a.range.end) {
            continue;
        }
        let e = &g.entries[*id as usize];
        let t0 = h.tokens.start;
        let prev = if t0 > 0 { lw(ctx, t0 - 1) } else { "" };
        let prev2 = if t0 > 1 { lw(ctx, t0 - 2) } else { "" };
        let mut s = match e.kind {
            Kind::Community | Kind::Neighbourhood | Kind::Site => 2.0,
            Kind::Region => 1.8,
            Kind::District | Kind::SubDistrict => 1.2,
            Kind::Governorate => 0.8,
        };
        if LOCATIVE.contains(&prev) || LOCATIVE.contains(&prev2) || prev == "the" && LOCATIVE.contains(&prev2) {
            s += 3.0;
        }
        let after = lw(ctx, h.tokens.end);
        if ctx.tokens[h.tokens.end - 1].hyphen_after && ctx.places.iter().any(|(o, _)| o.tokens.start == h.tokens.end)
            || matches!(after, "highway" | "road")
        {
            s -= 3.0;
        }
        if t0 == words_of(ctx, sent).start {
            s -= 1.0;
        }
        if !h.exact {
            s -= 0.5;
        }
        scored.push((s, k));
        if best.is_none_or(|(b, _)| s > b) {
            best = Some((s, k));
        }
    }
    // "Harasta city in Rural Damascus", "Tall Aswad in the countryside of Hama": when
    // the locative falls on an admin unit, a named place that lies inside it is the
    // finer reading.
    if let Some((_, k)) = best {
        let u = &g.entries[ctx.places[k].1 as usize];
        if matches!(u.kind, Kind::Governorate | Kind::District) {
            let inside = |e: &crate::gazetteer::Entry| {
                e.admin1 == u.admin1 && (u.kind == Kind::Governorate || e.admin2 == u.admin2)
            };
            let finer = scored
                .iter()
                .filter(|&&(s, o)| {
                    let e = &g.entries[ctx.places[o].1 as usize];
                    o != k
                        && s > 0.0
                        && matches!(e.kind, Kind::Community | Kind::Neighbourhood | Kind::Site)
                        && inside(e)
                })
                .max_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
            if let Some(&(s, o)) = finer {
                best = Some((s, o));
            }
        }
    }
    // Admin units the sentence names ("in Hama", "countryside of Menbij").
    let units: Vec<u32> = ctx.places[in_sent]
        .iter()
        .filter(|(h, _)| h.exact && h.range.start >= sent.start && h.range.end <= sent.end)
        .filter_map(|(h, _)| {
            h.cands.iter().copied().find(|&c| matches!(g.entries[c as usize].kind, Kind::Governorate | Kind::District))
        })
        .collect();
    if let Some((_, k)) = best {
        let (_, id) = &ctx.places[k];
        let e = &g.entries[*id as usize];
        // A place that lies outside every admin unit the sentence names is a misreading
        // (a variant spelling matched a namesake elsewhere): the named unit is safer.
        if !units.is_empty() && !units.iter().any(|&u| g.entries[u as usize].admin1 == e.admin1) {
            let u = units[0];
            let prec = if g.entries[u as usize].kind == Kind::Governorate { 3 } else { 2 };
            return Some(place_ref(u, None, prec, None));
        }
        return Some(relate(rd, ctx, k));
    }
    if lc.any(Kw::Capital) {
        return Some(place_ref(capital(rd)?, Some("Damascus".into()), 2, None));
    }
    None
}

/// The place hit `k` as a `PlaceRef`, related by the words around it: "countryside of X",
/// "near X", "X province".
fn relate(rd: &RefData, ctx: &Ctx, k: usize) -> PlaceRef {
    let g = &rd.gaz;
    let (h, id) = &ctx.places[k];
    let e = &g.entries[*id as usize];
    let t0 = h.tokens.start;
    let before: Vec<&str> = (t0.saturating_sub(4)..t0).map(|i| lw(ctx, i)).collect();
    let after: Vec<&str> = (h.tokens.end..h.tokens.end + 3).map(|i| lw(ctx, i)).collect();
    let countryside =
        before.iter().any(|w| *w == "countryside" || *w == "rural" || *w == "suburbs" || *w == "outskirts")
            || after.first().is_some_and(|w| *w == "countryside" || *w == "suburbs" || *w == "outskirts")
            || after.len() > 1 && after[0] == "s" && after[1] == "countryside";
    // The outskirts of Damascus (or of one of its quarters) are still the city;
    // its countryside and suburbs are Rural Damascus.
    let outskirts_only =
        !before.iter().chain(after.iter()).any(|w| *w == "countryside" || *w == "rural" || *w == "suburbs");
    let damascus = g.admin1[e.admin1].pcode == "SY01" && !outskirts_only;
    if countryside {
        let a1 = if damascus { g.admin1_by_pcode("SY03") } else { None };
        let name = format!("{} countryside", e.name);
        return place_ref(*id, Some(name), 2, a1);
    }
    let near = before.iter().any(|w| {
        matches!(
            *w,
            "near"
                | "around"
                | "outside"
                | "area"
                | "vicinity"
                | "north"
                | "south"
                | "east"
                | "west"
                | "northern"
                | "southern"
                | "eastern"
                | "western"
                | "boundary"
                | "between"
                | "northwest"
                | "northeast"
                | "southwest"
                | "southeast"
                | "southwestern"
                | "northwestern"
                | "southeastern"
                | "northeastern"
        )
    });
    let province = after.first().is_some_and(|w| matches!(*w, "province" | "governorate"));
    let precision = if province || e.kind == Kind::Governorate {
        if province && e.kind != Kind::Governorate {
            // "Idlib province": the governorate.
            return place_ref(g.governorate_entry(e.admin1).unwrap_or(*id), None, 3, None);
        }
        3
    } else if before.contains(&"boundary") {
        3
    } else if near || matches!(e.kind, Kind::District | Kind::SubDistrict | Kind::Region) {
        2
    } else {
        1
    };
    place_ref(*id, None, precision, None)
}

/// Words that may sit between a locative and its place, or between a place and a
/// following "and" ("in the central province of Hama and near the capital, Damascus").
const PLACE_FILLERS: &[&str] = &[
    "the",
    "of",
    "capital",
    "city",
    "town",
    "province",
    "governorate",
    "countryside",
    "central",
    "northern",
    "southern",
    "eastern",
    "western",
    "northwestern",
    "northeastern",
    "southwestern",
    "southeastern",
    "rural",
    "s",
];

/// The national capital's community entry (Damascus city; the OCHA capital level
/// marks it 1, beside governorate seats, so it is found by name and governorate).
fn capital(rd: &RefData) -> Option<u32> {
    let g = &rd.gaz;
    g.entries
        .iter()
        .position(|e| e.kind == Kind::Community && e.name == "Damascus" && g.admin1[e.admin1].pcode == "SY01")
        .map(|i| i as u32)
}

/// The governorate a `PlaceRef` resolves to.
fn admin1_of(rd: &RefData, p: &PlaceRef) -> usize {
    p.admin1_override.unwrap_or(rd.gaz.entries[p.id as usize].admin1)
}

/// Further places of one event located "in X and near Y" (or "in X and in Y",
/// "around Y"), each in another governorate than the sentence's place: one
/// incident per place, as coders code a report of clashes in two provinces.
fn coordinated_places(rd: &RefData, ctx: &Ctx, sent: &Range<usize>, primary: &PlaceRef) -> Vec<PlaceRef> {
    let g = &rd.gaz;
    let wr = words_of(ctx, sent);
    let in_sent = places_in(ctx, sent);
    let free = |h: &Hit| {
        h.range.start >= sent.start
            && h.range.end <= sent.end
            && !ctx.actors.iter().any(|a| a.range.start <= h.range.start && h.range.end <= a.range.end)
    };
    let mut seen = vec![admin1_of(rd, primary)];
    let mut out = Vec::new();
    for i in wr.clone() {
        if lw(ctx, i) != "and"
            || !matches!(lw(ctx, i + 1), "in" | "near" | "around" | "outside" | "at")
            || i + 1 >= wr.end
        {
            continue;
        }
        // X: a place just before "and", itself after a locative.
        let Some(a) = ctx.places[in_sent.clone()].iter().rposition(|(h, _)| h.tokens.end <= i && free(h)) else {
            continue;
        };
        let (ha, ida) = &ctx.places[in_sent.start + a];
        if !(ha.tokens.end..i).all(|t| PLACE_FILLERS.contains(&lw(ctx, t))) {
            continue;
        }
        let lead = (ha.tokens.start.saturating_sub(6).max(wr.start)..ha.tokens.start)
            .rev()
            .take_while(|&t| PLACE_FILLERS.contains(&lw(ctx, t)) || LOCATIVE.contains(&lw(ctx, t)))
            .any(|t| matches!(lw(ctx, t), "in" | "near" | "around" | "outside" | "at"));
        if !lead {
            continue;
        }
        // Y: the first place after the second locative, only fillers between.
        let b = ctx.places[in_sent.clone()].iter().position(|(h, _)| h.tokens.start > i + 1 && free(h));
        let yb = b.map(|b| in_sent.start + b).filter(|&b| {
            let h = &ctx.places[b].0;
            h.tokens.start <= i + 6 && (i + 2..h.tokens.start).all(|t| PLACE_FILLERS.contains(&lw(ctx, t)))
        });
        let p = match yb {
            Some(b) => relate(rd, ctx, b),
            None => {
                // "and near the capital": Damascus, near.
                let to_capital = (i + 2..(i + 4).min(wr.end)).any(|t| lw(ctx, t) == "capital")
                    && (i + 2..(i + 4).min(wr.end)).all(|t| matches!(lw(ctx, t), "the" | "capital"));
                let Some(id) = capital(rd) else { continue };
                if !to_capital {
                    continue;
                }
                place_ref(id, Some("Damascus".into()), 2, None)
            }
        };
        let a1 = admin1_of(rd, &p);
        if g.entries[*ida as usize].admin1 == a1 || seen.contains(&a1) {
            continue;
        }
        seen.push(a1);
        out.push(p);
    }
    out
}

fn principal_actors(rd: &RefData, ctx: &Ctx, sent: &Range<usize>, date: Option<Date>) -> Vec<ResolvedActor> {
    let wr = words_of(ctx, sent);
    // A leading "Amid ..., " / "Under ... cover, " clause is context.
    let first = lw(ctx, wr.start);
    let mut skip_until = wr.start;
    if matches!(first, "amid" | "under" | "amidst" | "despite" | "following" | "after" | "with") {
        if let Some(k) = (wr.start..wr.end)
            .find(|&i| ctx.tokens[i].punct_after && ctx.text[ctx.tokens[i].range.end..].starts_with(','))
        {
            skip_until = k + 1;
        }
    }
    let mut out: Vec<ResolvedActor> = Vec::new();
    // Per actor kept: its end token and camp.
    let mut kept: Vec<(usize, Camp)> = Vec::new();
    let mut prev_actor_end = 0usize;
    let mut last_generic = false;
    let first_in = ctx.actors.partition_point(|a| a.range.start < sent.start);
    for a in &ctx.actors[first_in..] {
        if a.range.start >= sent.end {
            break;
        }
        if a.range.start < sent.start || a.range.end > sent.end || a.tokens.start < skip_until {
            continue;
        }
        let t0 = a.tokens.start;
        // The words since the previous actor (at most four) tell how this one is tied in.
        let from = t0.saturating_sub(4).max(wr.start).max(prev_actor_end.min(t0));
        prev_actor_end = a.tokens.end;
        let mut window: Vec<&str> = (from..t0).map(|i| lw(ctx, i)).collect();
        // "backed by loyal militias battled the Islamic State": a verb ends the backers.
        if let Some(k) = window.iter().rposition(|w| {
            matches!(
                *w,
                "battled"
                    | "fought"
                    | "clashed"
                    | "attacked"
                    | "against"
                    | "with"
                    | "targeted"
                    | "versus"
                    | "between"
                    | "took"
                    | "captured"
                    | "shelled"
            )
        }) {
            window.drain(..=k);
        }
        let assoc = window.iter().any(|w| {
            matches!(
                *w,
                "backed"
                    | "supported"
                    | "aided"
                    | "accompanied"
                    | "alongside"
                    | "support"
                    | "allied"
                    | "loyal"
                    | "loyalist"
                    | "backing"
                    | "cover"
                    | "amid"
                    | "amidst"
                    | "assisted"
                    | "including"
            )
        }) && !window.contains(&"and");
        if assoc && !out.is_empty() {
            continue;
        }
        let e = &rd.reg.actors[a.actor];
        if out.iter().any(|o| o.key == e.key) {
            continue;
        }
        // One actor per side, as coders code actor 1 and actor 2: "regime and allied
        // militia forces", "rebel and Islamist factions" name one side twice.
        let camp = camp_of(&e.side);
        let prev_generic = last_generic;
        last_generic = a.generic;
        if let Some(&(prev_end, prev_camp)) = kept.last() {
            let between = (prev_end..t0).map(|i| lw(ctx, i)).collect::<Vec<_>>();
            let joined = between.len() <= 4
                && between.iter().all(|w| {
                    matches!(
                        *w,
                        "and"
                            | "the"
                            | "forces"
                            | "fighters"
                            | "of"
                            | "s"
                            | "militias"
                            | "factions"
                            | "groups"
                            | "other"
                    )
                });
            if prev_camp == camp && camp != Camp::Other && joined {
                // "regime 4th Division fighters": the named unit, not the generic word before it.
                if between.is_empty() && prev_generic && !a.generic {
                    out.pop();
                    kept.pop();
                } else {
                    continue;
                }
            }
        }
        kept.push((a.tokens.end, camp));
        out.push(ResolvedActor { key: e.key.clone(), name: e.name_on(date).to_string(), inter: e.inter });
    }
    // Civilians hurt in a fight between two armed sides are its victims, not a side.
    let armed =
        kept.iter().filter(|(_, c)| *c != Camp::Civilian).map(|(_, c)| *c).collect::<std::collections::HashSet<_>>();
    if armed.len() >= 2 {
        let keep: Vec<bool> = kept.iter().map(|(_, c)| *c != Camp::Civilian).collect();
        let mut it = keep.iter();
        out.retain(|_| *it.next().unwrap_or(&true));
    }
    out
}

/// The side of a conflict an actor fights on, for telling actor 1 from actor 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Camp {
    Government,
    Opposition,
    Jihadist,
    Kurdish,
    Coalition,
    Civilian,
    Other,
}

fn camp_of(side: &str) -> Camp {
    match side {
        "government" | "pro_government" | "foreign_pro_government" => Camp::Government,
        "opposition" | "foreign_opposition" => Camp::Opposition,
        "jihadist" => Camp::Jihadist,
        "kurdish" => Camp::Kurdish,
        "coalition" => Camp::Coalition,
        "civilian" => Camp::Civilian,
        _ => Camp::Other,
    }
}

fn territory_type(rd: &RefData, actors: &[ResolvedActor], lc: &Lc) -> SubEventType {
    let taker = actors.first();
    let gov_side = |a: &ResolvedActor| {
        rd.reg.by_key(&a.key).is_some_and(|i| matches!(rd.reg.actors[i].side.as_str(), "government" | "pro_government"))
    };
    match taker {
        Some(a) if lc.any(Kw::Lost) => {
            if actors.get(1).is_some_and(gov_side) {
                SubEventType::GovernmentRegainsTerritory
            } else {
                let _ = a;
                SubEventType::NonStateActorOvertakesTerritory
            }
        }
        Some(a) if gov_side(a) => SubEventType::GovernmentRegainsTerritory,
        // The Syrian state's own forces regain; foreign forces and their allies overtake.
        Some(a) if a.inter == 1 => SubEventType::ArmedClash,
        Some(_) => SubEventType::NonStateActorOvertakesTerritory,
        None => SubEventType::ArmedClash,
    }
}

fn term_kinds(lc: &Lc) -> Vec<TermKind> {
    let truce = lc.any(Kw::Truce);
    let guarantee = lc.any(Kw::Guarantee);
    if !truce && !guarantee {
        return Vec::new();
    }
    let mut out = Vec::new();
    if guarantee {
        out.push(TermKind::Guarantor);
    }
    if !truce {
        return out;
    }
    if lc.any(Kw::Exclusion) {
        out.push(TermKind::Exclusion);
    }
    if lc.any(Kw::Signed) {
        out.push(TermKind::Signatories);
    }
    if lc.any(Kw::Instruments) {
        out.push(TermKind::Instruments);
    }
    if lc.any(Kw::Scope) {
        out.push(TermKind::Scope);
    }
    if lc.any(Kw::Effective) {
        out.push(TermKind::EffectiveTime);
    }
    if out.is_empty() {
        out.push(TermKind::Other);
    }
    out
}

/// "Assad", "al-Assad", "Assads": in news about Syria the president's family name,
/// not the Al Asad quarter of Lattakia that the gazetteer also knows.
fn is_assad(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    let l = l.trim_start_matches("al-").trim_start_matches("al ").trim_start_matches("el-");
    let l = l.trim_end_matches("'s").trim_end_matches('s');
    matches!(l, "assad" | "asad")
}

/// The read step.
pub fn read(input: &ReportInput, rd: &RefData) -> (Reading, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let cl = clean::clean(input.text, input.is_html);
    for (r, why, ex) in &cl.dropped {
        diags.push(Diagnostic {
            severity: Severity::Info,
            code: "read.dropped_block",
            message: format!("{}: dropped {} at bytes {}..{}: {:?}", input.name, why, r.start, r.end, ex),
            span: None,
        });
    }
    let text = cl.text.as_str();
    let sents = sentences::split(text);
    let tokens = tokenize(text);
    let ex = exact_stream(text, &tokens);
    // Dateline: first paragraph that starts with one.
    let mut dateline = None;
    for s in sents.iter().take(6) {
        if let Some(d) = clean::dateline(text, s.clone()) {
            dateline = Some(d);
            break;
        }
    }
    let place_hits = rd.gaz.find(text, &tokens, &ex);
    let actor_hits = rd.reg.find(text, &tokens, &ex);
    // A place name inside an actor's name ("Liwa al-Quds", "Hayat Tahrir al-Sham") is not a place.
    // A name once read as part of a person's name ("Omar Mateen") is that person when
    // it comes back alone ("Mateen went into a bathroom").
    let mut people: std::collections::HashSet<&str> = Default::default();
    let place_hits: Vec<Hit> = place_hits
        .into_iter()
        .filter(|h| !actor_hits.iter().any(|a| a.range.start <= h.range.start && h.range.end <= a.range.end))
        .filter(|h| !is_assad(&text[h.range.clone()]))
        .filter(|h| {
            let person = in_person_name(rd, text, &tokens, h);
            if person {
                people.insert(&text[h.range.clone()]);
            }
            !person
        })
        .collect();
    let place_hits: Vec<Hit> = place_hits.into_iter().filter(|h| !people.contains(&text[h.range.clone()])).collect();
    // A name abroad written exactly ("Arbil", "Ankara") is not a loose spelling of a Syrian village.
    let abroad_hits = rd.abroad.find(text, &tokens, 0..tokens.len());
    // An exact name abroad ("Fallujah") is that place, even where a Syrian namesake folds to the
    // same key ("El Faloujeh"), unless the Syrian place's own name is written just so.
    // In a text mostly about somewhere else, a name there is that place ("Ramadi" in an
    // article on Iraq), even if a Syrian village has the very same name.
    let cities_abroad = abroad_hits.iter().filter(|a| !rd.abroad.entries[a.entry as usize].is_country).count();
    let foreign_text = cities_abroad >= 3 && cities_abroad > 2 * place_hits.len();
    let place_hits: Vec<Hit> = place_hits
        .into_iter()
        .filter(|h| {
            let surface = &text[h.range.clone()];
            let own = h.exact
                && !foreign_text
                && h.cands.iter().any(|&c| rd.gaz.entries[c as usize].name.eq_ignore_ascii_case(surface));
            own || !abroad_hits.iter().any(|a| a.tokens.start < h.tokens.end && h.tokens.start < a.tokens.end)
        })
        .collect();
    let places = resolve_places(rd, place_hits, &actor_hits, dateline.as_ref(), &sents);
    let lower = text.to_ascii_lowercase();
    let ctx = Ctx { text, lower: &lower, tokens, places, actors: actor_hits };
    let today = input.published.map(|p| p.to_zoned_datetime(rd.local.clone()).date());
    let year = ctx
        .tokens
        .iter()
        .filter(|t| t.number && t.range.len() == 4)
        .filter_map(|t| text[t.range.clone()].parse::<i16>().ok())
        .find(|y| (1990..2100).contains(y));
    let tctx = TimeCtx { today, year, local: rd.local.clone() };
    let mut mentions: Vec<Mention> = Vec::new();
    let mut anchor: Option<jiff::Timestamp> = None;
    let mut last_place: Option<PlaceRef> = None;
    let mut doc_place: Option<PlaceRef> = None;
    // Document-level fallback: the headline's or dateline's place, else the first place in the text.
    for (h, id) in &ctx.places {
        let in_head = cl.headline.as_ref().is_some_and(|hr| hr.start <= h.range.start && h.range.end <= hr.end)
            || dateline.as_ref().is_some_and(|d| d.start <= h.range.start && h.range.end <= d.end);
        // A text about events abroad ("Orlando", "Fallujah") that names some Syrian hamlet
        // in passing is not placed there as a whole.
        let e = &rd.gaz.entries[*id as usize];
        if !abroad_hits.is_empty() && e.kind == Kind::Community && e.rank >= 4 && !in_head {
            continue;
        }
        if in_head || doc_place.is_none() {
            let p = place_ref(*id, None, 3, None);
            let stop = in_head;
            doc_place = Some(p);
            if stop {
                break;
            }
        }
    }
    // An event abroad: only when the text names no place in Syria, the dateline's place abroad.
    let mut doc_abroad = if doc_place.is_none() { abroad_dateline(rd, text) } else { None };
    // A text that names no place in Syria but a town abroad ("blasts went off in the
    // village of Qaa") is placed there.
    if doc_place.is_none() && doc_abroad.is_none() {
        doc_abroad =
            abroad_hits.iter().map(|a| &rd.abroad.entries[a.entry as usize]).find(|e| !e.is_country).map(abroad_place);
    }
    // A text mostly about somewhere else (the Nice or Orlando attacks, the battle for
    // Fallujah) that names Syria in passing: sentences that name no place are there.
    if doc_abroad.is_none() {
        let mut by_country: std::collections::HashMap<&str, (usize, Option<u32>)> = Default::default();
        for a in &abroad_hits {
            let e = &rd.abroad.entries[a.entry as usize];
            // Country names are often actors ("Russia said"); cities and regions place events.
            if e.is_country {
                continue;
            }
            let c = by_country.entry(e.country.as_str()).or_default();
            c.0 += 1;
            if c.1.is_none() {
                c.1 = Some(a.entry);
            }
        }
        // Distinct Syrian places, hamlets aside (a surname or a word may match one).
        let mut ids: Vec<u32> = ctx
            .places
            .iter()
            .map(|(_, id)| *id)
            .filter(|&id| {
                let e = &rd.gaz.entries[id as usize];
                !(e.kind == Kind::Community && e.rank >= 4)
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let syrian = ids.len();
        if let Some((_, (n, city))) = by_country.iter().max_by_key(|(c, (n, _))| (*n, std::cmp::Reverse(**c))) {
            if *n >= 2 && *n > 2 * syrian {
                doc_abroad = city.map(|e| abroad_place(&rd.abroad.entries[e as usize]));
                if doc_abroad.is_some() {
                    doc_place = None;
                }
            }
        }
    }
    let mut last_abroad: Option<ResolvedPlace> = None;
    let mut group: Option<usize> = None;
    // Mentions made background because they pin no episode (see below).
    let mut generic: Vec<usize> = Vec::new();
    let mut coded_set = std::collections::HashSet::new();
    let mut shares: std::collections::HashMap<usize, (Option<u32>, Option<u32>)> = Default::default();
    let mut para_end = 0usize;
    let mut lc = Lc::default();
    for s in &sents {
        let wr = words_of(&ctx, s);
        let words: Vec<(&str, Range<usize>)> =
            ctx.tokens[wr.clone()].iter().map(|t| (&text[t.range.clone()], t.range.clone())).collect();
        let wl: Vec<&str> = ctx.tokens[wr.clone()].iter().map(|t| &lower[t.range.clone()]).collect();
        lc.set(
            &lower[s.clone()],
            ctx.tokens[wr.clone()].iter().map(|t| t.range.start - s.start..t.range.end - s.start),
        );
        let new_para = s.start >= para_end;
        if new_para {
            para_end = text[s.start..].find('\n').map(|i| s.start + i).unwrap_or(text.len());
            last_place = None;
            last_abroad = None;
            group = None;
        }
        let times = times::find(&words, &tctx);
        let mut time = times.first().map(|t| t.time.clone());
        let plain: Vec<&str> = words.iter().map(|w| w.0).collect();
        let deaths = if lc.any(Kw::DeathCue) {
            let punct: Vec<bool> = ctx.tokens[wr.clone()].iter().map(|t| t.punct_after).collect();
            numbers::deaths_lower(&plain, &wl, &punct)
        } else {
            numbers::Deaths::default()
        };
        let place = sentence_place(rd, &ctx, s, &lc);
        if let Some(p) = &place {
            last_place = Some(p.clone());
            last_abroad = None;
        }
        let date = time.as_ref().map(|t| t.from().to_zoned_datetime(rd.local.clone()).date()).or(today);
        // Agreement terms.
        for kind in term_kinds(&lc) {
            if kind == TermKind::EffectiveTime && anchor.is_none() {
                anchor =
                    times.iter().find(|t| t.time.precision() == truce_model::Precision::Minute).map(|t| t.time.from());
            }
            let time = if kind == TermKind::EffectiveTime {
                times
                    .iter()
                    .find(|t| t.time.precision() == truce_model::Precision::Minute)
                    .or(times.first())
                    .map(|t| t.time.clone())
            } else {
                time.clone()
            };
            let count = plain
                .iter()
                .find_map(|w| numbers::value(w).filter(|_| !matches!(*w, "a" | "an" | "A" | "An" | "some" | "many")));
            mentions.push(Mention {
                kind: MentionKind::Term { kind, count },
                modality: Modality::Reported,
                sentence: s.clone(),
                time,
                place: place.as_ref().map(|p| p.resolve(rd)),
                actors: principal_actors(rd, &ctx, s, date),
                fatalities: None,
                evidence: s.clone(),
            });
        }
        let class = classify(&lc, &wl);
        if time.is_none() {
            if let Some(a) = anchor {
                time = anchored(&text[s.clone()], a);
            }
        }
        match class {
            Some(mut sub) => {
                let actors = principal_actors(rd, &ctx, s, date);
                if sub == SubEventType::GovernmentRegainsTerritory {
                    sub = territory_type(rd, &actors, &lc);
                }
                let same_group = group.is_some_and(|gi| {
                    let gm: &Mention = &mentions[gi];
                    place.is_none()
                        || gm
                            .place
                            .as_ref()
                            .zip(place.as_ref())
                            .is_some_and(|(a, b)| a.admin2_pcode == b.admin2_pcode(rd))
                });
                if same_group {
                    let gi = group.unwrap_or(0);
                    let m = &mut mentions[gi];
                    m.evidence.end = s.end;
                    if let MentionKind::Incident { sub_event_type } = &mut m.kind {
                        if matches!(
                            sub,
                            SubEventType::GovernmentRegainsTerritory | SubEventType::NonStateActorOvertakesTerritory
                        ) && *sub_event_type == SubEventType::ArmedClash
                        {
                            *sub_event_type = sub;
                        }
                    }
                    add_deaths(m, &deaths, &mut coded_set, gi);
                    share(&mut shares, &deaths, gi);
                    for a in actors {
                        if m.actors.len() < 2 && !m.actors.iter().any(|o| o.key == a.key) {
                            m.actors.push(a);
                        }
                    }
                    continue;
                }
                let mut modality = modality(&lc, time.as_ref(), today, &rd.local);
                // "in an attempt by IS to advance": the group IS, not "is to" of a plan.
                if modality == Modality::Planned
                    && !lc.any(Kw::PlannedWord)
                    && text[s.clone()].contains("IS to ")
                    && !text[s.clone()].contains(" is to ")
                    && !text[s.clone()].contains(" are to ")
                {
                    modality = Modality::Reported;
                }
                let place_here = place.clone();
                let abroad_here = if place_here.is_none() { abroad_in(rd, &ctx, s) } else { None };
                // A sentence that pins no episode (no time, no place, no casualty
                // count: "Hezbollah has been fighting alongside Assad's forces")
                // tells the war in general: background, not an incident.
                // Only in narrative text: a coded event record (a few sentences) and
                // a headline always tell an episode.
                let narrative = sents.len() >= 6 && !cl.headline.as_ref().is_some_and(|h| h.contains(&s.start));
                if modality == Modality::Reported
                    && narrative
                    && times.is_empty()
                    && place_here.is_none()
                    && abroad_here.is_none()
                    && !deaths.stated
                    && !deaths.none
                    && !unknown_place_cue(&ctx, s)
                {
                    modality = Modality::Background;
                    generic.push(mentions.len());
                }
                if abroad_here.is_some() {
                    last_place = None;
                    last_abroad = abroad_here.clone();
                }
                let place = match place.or_else(|| last_place.clone()) {
                    Some(p) => Some(p.resolve(rd)),
                    None => last_abroad
                        .clone()
                        .or_else(|| doc_place.as_ref().map(|p| p.resolve(rd)))
                        .or_else(|| doc_abroad.clone()),
                };
                let mut m = Mention {
                    kind: MentionKind::Incident { sub_event_type: sub },
                    modality,
                    sentence: s.clone(),
                    time: time.clone(),
                    place,
                    actors: actors.into_iter().take(3).collect(),
                    fatalities: None,
                    evidence: s.clone(),
                };
                add_deaths(&mut m, &deaths, &mut coded_set, mentions.len());
                share(&mut shares, &deaths, mentions.len());
                let extra = match &place_here {
                    Some(p) => coordinated_places(rd, &ctx, s, p),
                    None => Vec::new(),
                };
                let more: Vec<Mention> = extra
                    .iter()
                    .map(|p| Mention { place: Some(p.resolve(rd)), fatalities: None, ..m.clone() })
                    .collect();
                mentions.push(m);
                group = Some(mentions.len() - 1);
                mentions.extend(more);
            }
            None => {
                if let Some(gi) = group {
                    add_deaths(&mut mentions[gi], &deaths, &mut coded_set, gi);
                    share(&mut shares, &deaths, gi);
                }
                if lc.any(Kw::Said) {
                    let speaker = ctx
                        .actors
                        .iter()
                        .find(|a| a.range.start >= s.start && a.range.end <= s.end)
                        .map(|a| rd.reg.actors[a.actor].name.clone())
                        .unwrap_or_default();
                    let number = plain
                        .iter()
                        .find_map(|w| w.chars().any(|c| c.is_ascii_digit()).then(|| numbers::value(w)).flatten());
                    mentions.push(Mention {
                        kind: MentionKind::Claim { speaker, number },
                        modality: Modality::Reported,
                        sentence: s.clone(),
                        time: None,
                        place: None,
                        actors: principal_actors(rd, &ctx, s, date),
                        fatalities: None,
                        evidence: s.clone(),
                    });
                }
            }
        }
    }
    // A toll divided over several events or places: this event's share (the
    // first gets the remainder, as coders do), or the share stated for it.
    for (&i, &(parts, here)) in &shares {
        let m = &mut mentions[i];
        match (here, parts, m.fatalities) {
            (Some(h), _, _) => m.fatalities = Some(h),
            (None, Some(p), Some(f)) if f > 0 && !(coded_set.contains(&i) && f < 10) => {
                m.fatalities = Some(f.div_ceil(p))
            }
            _ => {}
        }
    }
    // A text whose every incident sentence is general still reports its first one.
    let reported = |m: &Mention| matches!(m.kind, MentionKind::Incident { .. }) && m.modality == Modality::Reported;
    if !mentions.iter().any(reported) {
        if let Some(&i) = generic.first() {
            mentions[i].modality = Modality::Reported;
        }
    }
    // Fatalities: an explicit "no fatalities" is zero; otherwise what was stated.
    for m in &mut mentions {
        if matches!(m.kind, MentionKind::Incident { .. }) && m.fatalities.is_none() {
            m.fatalities = Some(0);
        }
    }
    let reading = Reading {
        id: input.id.to_string(),
        clean: cl.text.clone(),
        offset_map: cl.map.clone(),
        headline: cl.headline.clone(),
        dateline,
        sentences: sents,
        mentions,
        published: input.published,
    };
    (reading, diags)
}

/// Records a division ("divided on X and Y") or a stated share for mention `idx`.
fn share(shares: &mut std::collections::HashMap<usize, (Option<u32>, Option<u32>)>, d: &numbers::Deaths, idx: usize) {
    if d.coded.is_some() && d.parts.is_none() {
        // A coding after a division is the event's own count ("Total fatalities coded as 11").
        if let Some(e) = shares.get_mut(&idx) {
            e.0 = None;
        }
    }
    if d.parts.is_some() || d.here.is_some() {
        let e = shares.entry(idx).or_default();
        e.0 = d.parts.or(e.0);
        e.1 = d.here.or(e.1);
    }
}

fn add_deaths(m: &mut Mention, d: &numbers::Deaths, coded_set: &mut std::collections::HashSet<usize>, idx: usize) {
    if let Some(c) = d.coded {
        // An explicit coding is the total for the event; it replaces, never adds to, stated counts.
        m.fatalities = Some(c);
        coded_set.insert(idx);
        return;
    }
    if d.stated && !coded_set.contains(&idx) {
        m.fatalities = Some(m.fatalities.unwrap_or(0) + d.sum);
    } else if d.none && m.fatalities.is_none() {
        m.fatalities = Some(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(s: &str) -> Option<SubEventType> {
        let lower = s.to_ascii_lowercase();
        let w: Vec<&str> = crate::text::tokenize(s).iter().map(|t| &lower[t.range.clone()]).collect();
        classify(&Lc::of(s), &w)
    }

    #[test]
    fn attacks_on_armed_men_are_clashes_and_attacks_on_civilians_are_not() {
        use SubEventType as S;
        assert_eq!(class("Unidentified gunmen shot and killed a regime soldier in Dar'a."), Some(S::ArmedClash));
        assert_eq!(class("Gunmen targeted a checkpoint of the Turkistan Islamic Party."), Some(S::ArmedClash));
        assert_eq!(class("Unidentified gunmen shot and killed a man and his child."), Some(S::Attack));
        assert_eq!(class("Regime forces arrested 5 civilians in Daraa."), Some(S::Arrests));
        assert_eq!(class("HTS carried out a raid and arrested 3 IS cell members."), Some(S::ArmedClash));
        assert_eq!(class("The body of a QSD member was found near Thiban."), Some(S::ArmedClash));
        assert_eq!(class("Infighting was reported between two factions in Tell Halaf."), Some(S::ArmedClash));
        assert_eq!(class("YPG units captured 8 foreign IS members near Hajin."), Some(S::ArmedClash));
        // Advancing on a front is fighting; a place changing hands is territory.
        assert_eq!(class("QSD advanced into Baghuz area after clashes."), Some(S::ArmedClash));
        assert_eq!(class("Regime forces took control of Kafr Nabuda."), Some(S::GovernmentRegainsTerritory));
        assert_eq!(class("Clashes took place in IS controlled enclave near Hajin."), Some(S::ArmedClash));
        // Aircraft and guns with nothing done with them are no strike.
        assert_eq!(class("Russia says another group of its warplanes flies back from Syria."), None);
        assert_eq!(class("The White House said Russia has repositioned artillery near Aleppo."), None);
        assert_eq!(class("Russian warplanes struck rebel positions near Aleppo."), Some(S::AirDroneStrike));
        assert_eq!(class("Syrian forces backed by Russian warplanes advance against IS."), Some(S::ArmedClash));
    }

    #[test]
    fn a_place_named_inside_the_locative_admin_unit_is_the_finer_reading() {
        let rd = crate::RefData::bundled().expect("bundled reference data");
        let text = "Regime forces shelled Harasta city in Rural Damascus amid clashes with rebels.";
        let input = crate::ReportInput { id: "t", name: "t", text, is_html: false, published: None };
        let (reading, _) = read(&input, &rd);
        let place = reading.mentions.first().and_then(|m| m.place.clone()).expect("a place");
        assert_eq!((place.name.as_str(), place.admin2_pcode.as_str()), ("Harasta", "SY0302"));
    }

    #[test]
    fn one_actor_per_side_and_backers_are_associated() {
        let rd = crate::RefData::bundled().expect("bundled reference data");
        let names = |text: &str| -> Vec<String> {
            let input = crate::ReportInput { id: "t", name: "t", text, is_html: false, published: None };
            let (reading, _) = read(&input, &rd);
            reading.mentions.first().map(|m| m.actors.iter().map(|a| a.name.clone()).collect()).unwrap_or_default()
        };
        let gov = "Military Forces of Syria (2000-)";
        assert_eq!(
            names("Regime forces backed by loyal militias battled the Islamic State in Hama."),
            [gov, "Islamic State"]
        );
        let n = names(
            "Clashes took place between regime and allied militia forces against rebel and Islamist factions in Hama.",
        );
        assert_eq!(n.len(), 2, "{n:?}");
        assert_eq!(n[0], gov);
        let n = names(
            "SDF fighters, backed by Coalition airstrikes, clashed with IS in Raqqa, resulting in 1 civilian fatality.",
        );
        assert_eq!(n.len(), 2, "{n:?}");
        assert!(n[0].contains("Syrian Democratic Forces") && n[1] == "Islamic State", "{n:?}");
    }

    #[test]
    fn a_name_several_governorates_share_leans_to_where_the_actors_fight() {
        let rd = crate::RefData::bundled().expect("bundled reference data");
        let gov = |text: &str| -> String {
            let input = crate::ReportInput { id: "t", name: "t", text, is_html: false, published: None };
            let (reading, _) = read(&input, &rd);
            reading.mentions.first().and_then(|m| m.place.clone()).map(|p| p.admin1_pcode).unwrap_or_default()
        };
        // Kawkab is a village in Rural Damascus, in Hama and in Al-Hasakeh.
        assert_eq!(gov("Syrian Democratic Forces clashed with the Islamic State in Kawkab."), "SY08");
        assert_eq!(gov("Jaish al-Islam fighters clashed with regime forces in Kawkab."), "SY03");
        // A governorate the text names still wins over the prior.
        assert_eq!(gov("Syrian Democratic Forces clashed with the Islamic State in Kawkab in Hama province."), "SY05");
    }

    #[test]
    fn a_text_about_events_abroad_is_placed_abroad() {
        let rd = crate::RefData::bundled().expect("bundled reference data");
        let places = |text: &str| -> Vec<(String, String)> {
            let input = crate::ReportInput { id: "t", name: "t", text, is_html: false, published: None };
            let (reading, _) = read(&input, &rd);
            reading.mentions.iter().filter_map(|m| m.place.clone()).map(|p| (p.name, p.country)).collect()
        };
        // "Fallujah" folds like the Damascus quarter El Faloujeh but is the Iraqi city.
        let p = places("Iraqi troops clashed with militants around Fallujah, west of Baghdad.");
        assert!(p.iter().all(|(_, c)| c == "IQ"), "{p:?}");
        // A surname once seen with a first name is no village when it comes back alone.
        let text = "Gunman kills 49 in Orlando nightclub\n\nOmar Mateen opened fire in a nightclub in Orlando, Florida. \
                    Police shot Mateen dead after a standoff. He had travelled to Saudi Arabia. \
                    Mateen killed 49 people.";
        let p = places(text);
        assert!(!p.is_empty() && p.iter().all(|(_, c)| c == "US"), "{p:?}");
        // A text that names no Syrian place but a town abroad is placed there.
        let p =
            places("Blasts went off early Monday in the village of Qaa. A news agency said six people were killed.");
        assert!(!p.is_empty() && p.iter().all(|(_, c)| c == "LB"), "{p:?}");
        // A name with an apposition about a person is that person.
        let p = places("Clashes added to the pressure on Abadi, a member of the Shi'ite majority.");
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn assad_is_a_person_not_a_place() {
        assert!(is_assad("Assad") && is_assad("al-Assad") && is_assad("Assads") && is_assad("Assad's"));
        assert!(!is_assad("Asadiyah") && !is_assad("Hama"));
    }

    #[test]
    fn a_body_that_ends_in_a_site_footer_is_still_read() {
        let rd = crate::RefData::bundled().expect("bundled reference data");
        let tail = " Follow us on Instagram. Subscribe. Copyright 2018. Cookie Policy Privacy Policy".repeat(8);
        let text = format!("Strikes kill 10 in Aleppo\n\nRussian air strikes in Aleppo killed ten civilians.{tail}");
        let input = crate::ReportInput { id: "t", name: "t", text: &text, is_html: false, published: None };
        let (reading, _) = read(&input, &rd);
        assert!(reading.mentions.iter().any(|m| m.place.as_ref().is_some_and(|p| p.admin1_pcode == "SY02")));
    }

    #[test]
    fn captures_of_places_change_territory_but_captures_of_people_do_not() {
        assert_eq!(class("QSD captured Andalus village east of Raqqa"), Some(SubEventType::GovernmentRegainsTerritory));
        assert_eq!(class("HTS controlled Tal Bzam village"), Some(SubEventType::GovernmentRegainsTerritory));
        // Taking soldiers prisoner is a clash between armed men, not ground changing hands.
        assert_eq!(class("Rebels captured two soldiers near Hama"), Some(SubEventType::ArmedClash));
        assert_eq!(class("Warplanes targeted IS-controlled areas amid clashes"), Some(SubEventType::ArmedClash));
        assert_ne!(
            class("HTS seized a number of vehicles after raids on checkpoints"),
            Some(SubEventType::GovernmentRegainsTerritory)
        );
        assert_eq!(class("Rebels repelled an attempt to advance on Arzeh village"), Some(SubEventType::ArmedClash));
    }
}
