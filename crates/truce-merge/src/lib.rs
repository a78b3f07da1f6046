//! Merge: mentions from many reports become incidents and facts, with
//! corroboration counted over *independent* sources and contradictions kept as
//! their own records. Pure and synchronous.
//!
//! - Two incident mentions join when their event types agree, their times
//!   overlap (with slack for coarse precision), their places are within a few
//!   kilometres (wider when geo-precision is coarse, same governorate at least),
//!   and their actors are compatible; near-duplicate sentences always join.
//! - Reports are grouped into *origins*: a wire story republished by several
//!   outlets (near-duplicate text, or "Reuters reported") is one origin.
//!   Corroboration is the number of distinct origins.
//! - Term and claim sentences repeated across reports become one fact with
//!   several sources.
//! - Mentions of one incident that disagree on fatalities, and effective-time
//!   terms that disagree, become contradictions with both sides sourced.

mod similar;

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use jiff::Timestamp;
use sha2::{Digest, Sha256};
use truce_model::{
    ActorKey, GeoPrecision, Incident, IncidentId, IncidentStatus, LatLon, PCode, Place, PlaceKind, Precision, ReportId,
    Span, TimeRef,
};
use truce_read::{Mention, MentionKind, Modality, Reading, ResolvedActor, ResolvedPlace, TermKind};

pub use similar::{Shingles, jaccard};

/// One read report, with what merge needs to know about where it came from.
#[derive(Debug, Clone, Copy)]
pub struct ReadReport<'a> {
    /// The stored report id (content hash).
    pub id: &'a ReportId,
    /// File name or item id.
    pub name: &'a str,
    /// The outlet or monitor, if known.
    pub source: Option<&'a str>,
    /// When Truce received it.
    pub received_at: Timestamp,
    /// When it was published, if known.
    pub published: Option<Timestamp>,
    /// What the read step found.
    pub reading: &'a Reading,
}

/// A mention as merged: where it is and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct MentionRef {
    /// The report.
    pub report: ReportId,
    /// The report's name.
    pub report_name: String,
    /// The evidence range in the report's clean text.
    pub range: Range<usize>,
    /// The evidence text.
    pub text: String,
    /// Fatalities it states.
    pub fatalities: Option<u32>,
}

/// An incident with everything merged into it.
#[derive(Debug, Clone)]
pub struct MergedIncident {
    /// The incident (id, type, time, place, actors, fatalities, sources, evidence).
    pub incident: Incident,
    /// Every mention, in arrival order.
    pub mentions: Vec<MentionRef>,
    /// The place as read (names and p-codes).
    pub place: Option<ResolvedPlace>,
    /// The actors as read (names and inter codes).
    pub actors: Vec<ResolvedActor>,
    /// Independent origins, by name.
    pub origins: Vec<String>,
    /// Report names.
    pub reports: Vec<String>,
}

/// A term or claim sentence, possibly repeated across reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// The sentence (first seen).
    pub text: String,
    /// What kind of term or claim.
    pub kind: String,
    /// Every place it was said.
    pub mentions: Vec<MentionRef>,
    /// Distinct reports that carry it.
    pub sources: usize,
}

/// Two or more sourced values for one quantity that disagree.
#[derive(Debug, Clone, PartialEq)]
pub struct Contradiction {
    /// What the values are about, e.g. `fatalities of inc-…`.
    pub subject: String,
    /// Each value with the mentions that state it.
    pub sides: Vec<(String, Vec<MentionRef>)>,
}

/// The result of a merge.
#[derive(Debug, Default)]
pub struct Merged {
    /// Incidents, in order of first arrival.
    pub incidents: Vec<MergedIncident>,
    /// Term and claim facts.
    pub facts: Vec<Fact>,
    /// Contradictions.
    pub contradictions: Vec<Contradiction>,
}

/// Merges readings. Reports are taken in the order given (arrival order).
pub fn merge(reports: &[ReadReport<'_>]) -> Merged {
    let mut merger = Merger::default();
    for r in reports {
        merger.push(r);
    }
    merger.merged()
}

/// Merge state that grows one report at a time.
///
/// Merge is one pass over the reports in arrival order: each report's origin
/// is decided against the origins before it, each mention joins the first
/// earlier cluster that accepts it, each term or claim sentence the first
/// earlier fact like it. So pushing reports one by one and then calling
/// [`Merger::merged`] gives exactly what [`merge`] gives for the same reports
/// in the same order, and a store that keeps a `Merger` pays for a new report
/// in proportion to what it holds, not to its square.
#[derive(Debug, Default, Clone)]
pub struct Merger {
    reports: Vec<Kept>,
    /// Reports that founded an origin, with their text's shingles.
    roots: Vec<(usize, Shingles)>,
    items: Vec<Item>,
    /// Clusters of items (indices into `items`), in order of founding.
    clusters: Vec<Vec<usize>>,
    facts: Vec<(Shingles, Fact)>,
    effective: BTreeMap<String, Vec<MentionRef>>,
    talks: BTreeMap<String, Vec<MentionRef>>,
}

/// What merge keeps of a report once it has been pushed.
#[derive(Debug, Clone)]
struct Kept {
    id: ReportId,
    name: String,
    /// Publication time, else the time received.
    published: Timestamp,
    /// The index of the report that founded its origin.
    origin: usize,
    origin_name: String,
}

impl Merger {
    /// How many reports have been pushed.
    pub fn len(&self) -> usize {
        self.reports.len()
    }

    /// Whether no report has been pushed.
    pub fn is_empty(&self) -> bool {
        self.reports.is_empty()
    }

    /// Adds the next report in arrival order.
    pub fn push(&mut self, r: &ReadReport<'_>) {
        let ri = self.reports.len();
        // Same-text republications and attributed wire copy are one origin:
        // the first earlier origin whose text is close enough.
        let shingles = Shingles::of(&r.reading.clean);
        let origin = match self.roots.iter().find(|(_, s)| jaccard(&shingles, s) >= 0.6) {
            Some((j, _)) => *j,
            None => {
                self.roots.push((ri, shingles));
                ri
            }
        };
        self.reports.push(Kept {
            id: r.id.clone(),
            name: r.name.to_owned(),
            published: r.published.unwrap_or(r.received_at),
            origin,
            origin_name: origin_name(r),
        });
        for m in &r.reading.mentions {
            let MentionKind::Incident { .. } = m.kind else { continue };
            if !matches!(m.modality, Modality::Reported) {
                continue;
            }
            let item = Item::new(ri, r, m);
            let at = self.clusters.iter().position(|c| c.iter().any(|&h| compatible(&self.items[h], &item)));
            let k = self.items.len();
            self.items.push(item);
            match at {
                Some(c) => self.clusters[c].push(k),
                None => self.clusters.push(vec![k]),
            }
        }
        self.push_facts(r);
        self.push_effective_times(r);
        self.push_talks_timing(r);
    }

    /// Incidents, facts and contradictions of everything pushed so far.
    pub fn merged(&self) -> Merged {
        let mut out = Merged::default();
        for c in &self.clusters {
            if let Some(inc) = self.build(c) {
                if let Some(con) = fatality_contradiction(&inc) {
                    out.contradictions.push(con);
                }
                out.incidents.push(inc);
            }
        }
        out.facts = self.facts.iter().map(|(_, f)| f.clone()).collect();
        out.contradictions.extend(effective_time_contradictions(&self.effective));
        if self.talks.len() >= 2 {
            out.contradictions.push(Contradiction {
                subject: "timing of the peace talks".into(),
                sides: self.talks.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            });
        }
        out
    }
}

/// The name of an origin: the wire it attributes, else its source, else the report name.
fn origin_name(r: &ReadReport<'_>) -> String {
    const WIRES: [&str; 6] = ["Reuters", "AFP", "Associated Press", "AP", "TASS", "SANA"];
    let head: String = r.reading.clean.chars().take(600).collect();
    for w in WIRES {
        if head.contains(&format!("({w})")) || head.contains(&format!("{w} reported")) {
            return w.to_owned();
        }
    }
    r.source.map_or_else(|| r.name.to_owned(), ToOwned::to_owned)
}

#[derive(Debug, Clone)]
struct Item {
    report: usize,
    /// The mention shares its sentence with mentions of other places.
    multi_place: bool,
    mention: Mention,
    text: String,
    shingles: Shingles,
    time: Option<(Timestamp, Timestamp)>,
}

impl Item {
    fn new(report: usize, r: &ReadReport<'_>, m: &Mention) -> Self {
        let text = r.reading.clean.get(m.evidence.clone()).unwrap_or("");
        let time = m
            .time
            .clone()
            .or_else(|| publication_day(r.published.unwrap_or(r.received_at)))
            .map(|t| (t.from(), t.to()));
        let multi_place = r.reading.mentions.iter().filter(|o| o.evidence == m.evidence).count() > 1;
        Item { report, multi_place, mention: m.clone(), text: text.to_owned(), shingles: Shingles::of(text), time }
    }
}

const HOUR_MS: i64 = 3_600_000;

/// Two mentions of one report that tell the same event: the same resolved
/// place, the same event type, overlapping times, different sentences.
fn same_event_retold(head: &Item, it: &Item) -> bool {
    let (MentionKind::Incident { sub_event_type: a }, MentionKind::Incident { sub_event_type: b }) =
        (&head.mention.kind, &it.mention.kind)
    else {
        return false;
    };
    let same_place = match (&head.mention.place, &it.mention.place) {
        (Some(p), Some(q)) => p.name == q.name && p.admin2_pcode == q.admin2_pcode && p.country == q.country,
        _ => false,
    };
    let overlap = match (head.time, it.time) {
        (Some((f1, t1)), Some((f2, t2))) => f1 <= t2 && f2 <= t1,
        _ => false,
    };
    head.mention.evidence != it.mention.evidence && same_place && a.event_type() == b.event_type() && overlap
}

/// Whether two incident mentions can be the same event.
fn compatible(head: &Item, it: &Item) -> bool {
    // Two mentions in one report are two incidents when they name two places
    // ("in Hama and near Damascus"); at the same place, on overlapping days and
    // of one event type, a report is telling one event again (the headline,
    // then the lead, then a quote).
    if head.report == it.report {
        return same_event_retold(head, it);
    }
    let places = places_close(head.mention.place.as_ref(), it.mention.place.as_ref());
    // A republished sentence is the same event, unless it is one place of a
    // sentence that names several (each place is its own incident).
    if jaccard(&head.shingles, &it.shingles) >= 0.5 {
        return !(head.multi_place || it.multi_place) || places != Some(false);
    }
    let (MentionKind::Incident { sub_event_type: a }, MentionKind::Incident { sub_event_type: b }) =
        (&head.mention.kind, &it.mention.kind)
    else {
        return false;
    };
    if a.event_type() != b.event_type() {
        return false;
    }
    let times_overlap = match (head.time, it.time) {
        (Some((f1, t1)), Some((f2, t2))) => {
            let slack = 6 * HOUR_MS;
            f1.as_millisecond() - slack <= t2.as_millisecond() && f2.as_millisecond() - slack <= t1.as_millisecond()
        }
        _ => false,
    };
    if !times_overlap || places != Some(true) {
        return false;
    }
    // Sources name the same party differently ("regime forces", "the Syrian army"):
    // actors are compatible when they share an actor or an ACLED actor class.
    let (xa, xb) = (&head.mention.actors, &it.mention.actors);
    xa.is_empty()
        || xb.is_empty()
        || xa.iter().any(|a| xb.iter().any(|b| a.key == b.key || (a.inter > 0 && a.inter == b.inter)))
}

/// Whether two places can be the place of one event: `None` when either is unknown.
/// Precise places must be within a few kilometres; a coarse place (a district or
/// governorate) is compatible with anything inside it.
fn places_close(p: Option<&ResolvedPlace>, q: Option<&ResolvedPlace>) -> Option<bool> {
    let (p, q) = (p?, q?);
    if p.country != q.country || p.admin1_pcode != q.admin1_pcode {
        return Some(false);
    }
    let km = LatLon::new(p.lat, p.lon).and_then(|x| LatLon::new(q.lat, q.lon).map(|y| x.km_to(y)));
    Some(match p.geo_precision.max(q.geo_precision) {
        1 => km.is_ok_and(|d| d <= 10.0),
        2 => km.is_ok_and(|d| d <= 30.0),
        _ => true,
    })
}

impl Merger {
    /// One cluster as an incident, founded by its first mention.
    fn build(&self, cluster: &[usize]) -> Option<MergedIncident> {
        let items: Vec<&Item> = cluster.iter().map(|&k| &self.items[k]).collect();
        let first = items.first()?;
        let r0 = &self.reports[first.report];
        let MentionKind::Incident { sub_event_type } = first.mention.kind else { return None };
        let time = first.mention.time.clone().or_else(|| publication_day(r0.published))?;
        let mut evidence = Vec::new();
        let mut mentions = Vec::new();
        let mut origin_ids: Vec<usize> = Vec::new();
        let mut origin_names: Vec<String> = Vec::new();
        let mut report_names: Vec<String> = Vec::new();
        for it in &items {
            let r = &self.reports[it.report];
            evidence.push(Span::new(r.id.clone(), it.mention.evidence.clone()).ok()?);
            mentions.push(MentionRef {
                report: r.id.clone(),
                report_name: r.name.clone(),
                range: it.mention.evidence.clone(),
                text: it.text.clone(),
                fatalities: it.mention.fatalities,
            });
            if !origin_ids.contains(&r.origin) {
                origin_ids.push(r.origin);
                origin_names.push(r.origin_name.clone());
            }
            if !report_names.contains(&r.name) {
                report_names.push(r.name.clone());
            }
        }
        let id = incident_id(&r0.id, &first.mention.evidence, first.mention.place.as_ref().map(|p| p.name.as_str()));
        let mut inc = Incident::new(id, sub_event_type, time, evidence).ok()?;
        let place = items.iter().filter_map(|i| i.mention.place.clone()).min_by_key(|p| p.geo_precision);
        inc.place = place.as_ref().and_then(model_place);
        let mut actors: Vec<ResolvedActor> = Vec::new();
        for it in &items {
            for a in &it.mention.actors {
                if !actors.iter().any(|x| x.key == a.key) {
                    actors.push(a.clone());
                }
            }
        }
        inc.actors = actors.iter().filter_map(|a| ActorKey::parse(&a.key).ok()).collect();
        let deaths: Vec<u32> = items.iter().filter_map(|i| i.mention.fatalities).collect();
        if let (Some(lo), Some(hi)) = (deaths.iter().min(), deaths.iter().max()) {
            let mut sorted = deaths.clone();
            sorted.sort_unstable();
            let best = sorted[sorted.len() / 2];
            inc.fatalities = truce_model::Fatalities::new(*lo, best, *hi).unwrap_or_default();
        }
        inc.sources = origin_ids.len() as u32;
        inc.status = if inc.sources >= 2 { IncidentStatus::Corroborated } else { IncidentStatus::Reported };
        Some(MergedIncident { incident: inc, mentions, place, actors, origins: origin_names, reports: report_names })
    }
}

/// When a mention says nothing about time, the event happened on the local day
/// of publication, no later than the publication itself: `[local midnight, published]`.
fn publication_day(published: Timestamp) -> Option<TimeRef> {
    let tz = jiff::tz::TimeZone::get("Asia/Damascus").ok()?;
    let start = published.to_zoned_datetime(tz.clone()).date().to_zoned_datetime(tz).ok()?;
    TimeRef::new(start.timestamp(), published, Precision::Day, "the day of publication (no time in the text)").ok()
}

/// A stable id from the founding mention: the same evidence and place always give
/// the same id (one sentence naming two places founds two incidents).
pub fn incident_id(report: &ReportId, range: &Range<usize>, place: Option<&str>) -> IncidentId {
    let key = match place {
        Some(p) => format!("{}:{}-{}@{p}", report, range.start, range.end),
        None => format!("{}:{}-{}", report, range.start, range.end),
    };
    let digest = Sha256::digest(key.as_bytes());
    IncidentId::parse(&format!("inc-{}", &hex::encode(digest)[..16])).expect("hex digits make a valid id")
}

fn model_place(p: &ResolvedPlace) -> Option<Place> {
    if p.country != "SY" {
        let precision = if p.geo_precision >= 3 { GeoPrecision::Region } else { GeoPrecision::Exact };
        return Place::abroad(p.name.clone(), &p.country, LatLon::new(p.lat, p.lon).ok(), precision).ok();
    }
    let code = |s: &str| if s.is_empty() { None } else { PCode::parse(s).ok() };
    let a1 = code(&p.admin1_pcode);
    let a2 = code(&p.admin2_pcode).filter(|c| a1.as_ref().is_none_or(|a| c.within(a)));
    let precision = match p.geo_precision {
        1 => GeoPrecision::Exact,
        2 => GeoPrecision::Near,
        _ => GeoPrecision::Region,
    };
    let kind = if precision == GeoPrecision::Region { PlaceKind::Governorate } else { PlaceKind::Settlement };
    Place::new(p.name.clone(), kind, [a1, a2, None], LatLon::new(p.lat, p.lon).ok(), precision).ok()
}

fn fatality_contradiction(inc: &MergedIncident) -> Option<Contradiction> {
    let mut by: BTreeMap<u32, Vec<MentionRef>> = BTreeMap::new();
    for m in &inc.mentions {
        if let Some(f) = m.fatalities {
            by.entry(f).or_default().push(m.clone());
        }
    }
    (by.len() >= 2).then(|| Contradiction {
        subject: format!("fatalities of {}", inc.incident.id()),
        sides: by.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
    })
}

fn term_kind(k: &TermKind) -> &'static str {
    match k {
        TermKind::EffectiveTime => "effective_time",
        TermKind::Guarantor => "guarantor",
        TermKind::Exclusion => "exclusion",
        TermKind::Signatories => "signatories",
        TermKind::Scope => "scope",
        TermKind::Instruments => "instruments",
        TermKind::Other => "term",
    }
}

impl Merger {
    /// Term and claim sentences: each joins the first earlier fact like it.
    fn push_facts(&mut self, r: &ReadReport<'_>) {
        let mut seen: HashSet<usize> = HashSet::new();
        for m in &r.reading.mentions {
            let kind = match &m.kind {
                MentionKind::Term { kind, .. } => term_kind(kind),
                MentionKind::Claim { .. } => "claim",
                MentionKind::Incident { .. } => continue,
            };
            if !seen.insert(m.sentence.start) {
                continue;
            }
            let text = r.reading.clean.get(m.sentence.clone()).unwrap_or("").trim().to_owned();
            let sh = Shingles::of(&text);
            let mref = MentionRef {
                report: r.id.clone(),
                report_name: r.name.to_owned(),
                range: m.sentence.clone(),
                text: text.clone(),
                fatalities: None,
            };
            match self.facts.iter_mut().find(|(s, _)| jaccard(s, &sh) >= 0.7) {
                Some((_, f)) => {
                    if !f.mentions.iter().any(|x| x.report == mref.report) {
                        f.sources += 1;
                    }
                    f.mentions.push(mref);
                }
                None => self.facts.push((sh, Fact { text, kind: kind.to_owned(), mentions: vec![mref], sources: 1 })),
            }
        }
    }

    /// Sentences that say when follow-up talks take place, by what they say.
    fn push_talks_timing(&mut self, r: &ReadReport<'_>) {
        for s in &r.reading.sentences {
            let text = r.reading.clean.get(s.clone()).unwrap_or("").trim();
            let Some(value) = talks_timing(&text.to_lowercase()) else { continue };
            let side = self.talks.entry(value).or_default();
            if !side.iter().any(|m| m.report == *r.id && m.text == text) {
                side.push(MentionRef {
                    report: r.id.clone(),
                    report_name: r.name.to_owned(),
                    range: s.clone(),
                    text: text.to_owned(),
                    fatalities: None,
                });
            }
        }
    }

    /// Precise effective-time terms, by the time they state.
    fn push_effective_times(&mut self, r: &ReadReport<'_>) {
        for m in &r.reading.mentions {
            let MentionKind::Term { kind: TermKind::EffectiveTime, .. } = m.kind else { continue };
            // Day-precision times ("on Thursday") contain the minute-precision
            // ones; only precise statements can contradict each other.
            let Some(t) = m.time.as_ref().filter(|t| t.precision() <= Precision::Hour) else { continue };
            let text = r.reading.clean.get(m.sentence.clone()).unwrap_or("").trim().to_owned();
            self.effective.entry(t.from().to_string()).or_default().push(MentionRef {
                report: r.id.clone(),
                report_name: r.name.to_owned(),
                range: m.sentence.clone(),
                text,
                fatalities: None,
            });
        }
    }
}

/// What a sentence says about when follow-up talks happen, normalised:
/// "next month", "mid-January", "no date announced", "timing withheld".
fn talks_timing(lc: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if !(lc.contains("talks") || lc.contains("negotiations")) {
        return None;
    }
    if lc.contains("did not announce a date") || lc.contains("no date") || lc.contains("not set a date") {
        return Some("no date announced".into());
    }
    if lc.contains("about timing") || lc.contains("on timing") || lc.contains("about the timing") {
        return Some("timing withheld".into());
    }
    for rel in ["next month", "next week", "this month", "within weeks"] {
        if lc.contains(rel) {
            return Some(rel.into());
        }
    }
    for m in MONTHS {
        for part in ["early", "mid", "late", "end of", "beginning of"] {
            if lc.contains(&format!("{part}-{m}")) || lc.contains(&format!("{part} {m}")) {
                let mut name = m.to_owned();
                name[..1].make_ascii_uppercase();
                return Some(format!("{part}-{name}"));
            }
        }
    }
    None
}

/// Effective-time statements that disagree by less than a day (more than a
/// day apart they are different agreements).
fn effective_time_contradictions(by: &BTreeMap<String, Vec<MentionRef>>) -> Vec<Contradiction> {
    // Times more than a day apart are different agreements, not a contradiction:
    // group start times into clusters of one day and report clusters with two values.
    let mut keys: Vec<(Timestamp, String)> =
        by.keys().filter_map(|k| k.parse::<Timestamp>().ok().map(|t| (t, k.clone()))).collect();
    keys.sort();
    let mut out = Vec::new();
    let mut group: Vec<(Timestamp, String)> = Vec::new();
    let mut flush = |group: &mut Vec<(Timestamp, String)>| {
        if group.len() >= 2 {
            out.push(Contradiction {
                subject: format!("effective time ({})", group[0].0.strftime("%Y-%m-%d")),
                sides: group.iter().map(|(_, k)| (k.clone(), by[k].clone())).collect(),
            });
        }
        group.clear();
    };
    for k in keys {
        if group.last().is_some_and(|(t, _)| k.0.as_millisecond() - t.as_millisecond() > 24 * HOUR_MS) {
            flush(&mut group);
        }
        group.push(k);
    }
    flush(&mut group);
    out
}
