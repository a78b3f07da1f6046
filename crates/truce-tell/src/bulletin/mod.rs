//! Bulletins: what was known at a cut-off about one period, per agreement.
//!
//! [`build`] is pure: the engine passes what it knew at the cut-off (rulings,
//! facts, contradictions) and the periods. An incident is placed at the
//! midpoint of its time interval (clipped to the agreement's start); the
//! period is (previous cut-off, cut-off].
//! Every figure is set against the previous period and a running total since
//! the agreement began. The content is hashed (SHA-256 of its canonical JSON)
//! and each format embeds the content, so [`verify`] can recompute the hash
//! and render the file again byte for byte.

pub mod map;
pub mod pdf;
pub mod scene;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::records::{AgreementRef, ContradictionRecord, FactRecord, MentionRecord, RulingRecord};
use scene::xml;

/// A guarantor of an agreement and its role (`guarantee` or `monitor`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuarantorInfo {
    /// Name as rulings give it.
    pub name: String,
    /// `guarantee` or `monitor`.
    pub role: String,
}

/// An agreement a bulletin covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementInfo {
    /// Key.
    pub key: String,
    /// Version used.
    pub version: u32,
    /// Title.
    pub title: String,
    /// When it took effect (RFC 3339 UTC).
    pub effective_from: String,
    /// Its zone.
    pub zone: String,
    /// Guarantors and monitors.
    pub guarantors: Vec<GuarantorInfo>,
}

/// Everything [`build`] needs; the engine fills it.
#[derive(Debug)]
pub struct BulletinInput<'a> {
    /// The bulletin's date (local, `YYYY-MM-DD`).
    pub date: String,
    /// The zone of the cut-off.
    pub zone: String,
    /// This cut-off.
    pub cutoff: Timestamp,
    /// The previous cut-off (start of this period).
    pub previous: Timestamp,
    /// The cut-off before that (start of the previous period).
    pub before_previous: Timestamp,
    /// The agreements covered.
    pub agreements: Vec<AgreementInfo>,
    /// Rulings known at the cut-off (each with its incident and mentions).
    pub rulings: &'a [RulingRecord],
    /// Facts known at the cut-off.
    pub facts: &'a [FactRecord],
    /// Contradictions known at the cut-off.
    pub contradictions: &'a [ContradictionRecord],
    /// Reports received by the cut-off.
    pub reports: usize,
    /// The rules' version.
    pub rule_version: String,
    /// The hotline's referrals under the covered agreements, with their
    /// state as recorded; `None` prints "not recorded".
    pub referrals: Option<Vec<ReferralLine>>,
    /// Local agreements in the period, one line each; `None` prints "not recorded".
    pub local_agreements: Option<Vec<String>>,
    /// Aid deliveries in the period, one line each; `None` prints "not recorded".
    pub aid_deliveries: Option<Vec<String>>,
}

/// One referral of a case (incident, agreement) to one guarantor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralLine {
    /// The agreement referred under.
    pub agreement: String,
    /// The incident referred.
    pub incident_id: String,
    /// Guarantor name, as rulings give it.
    pub guarantor: String,
    /// Its state: [`REFERRAL_STATES`] after `referred`.
    pub state: String,
    /// Its latest change (creation, acknowledgement or escalation), RFC 3339 UTC.
    pub changed_at: String,
}

/// The rows each guarantor gets in a bulletin's referral table, in order:
/// every referral, then each state (a referral is in exactly one).
pub const REFERRAL_STATES: [&str; 4] = ["referred", "acknowledged", "open", "escalated"];

/// A figure: this period, the previous one, and since the agreement began.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Row {
    /// What is counted.
    pub label: String,
    /// This period.
    pub period: u32,
    /// The previous period.
    pub previous: u32,
    /// Since the agreement began, up to the cut-off.
    pub total: u32,
}

/// Violations on one local day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Violations.
    pub violations: u32,
}

/// One incident on the map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapPoint {
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// Place name.
    pub label: String,
    /// Verdict.
    pub verdict: String,
}

/// A sentence with numbered citations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cited {
    /// The sentence.
    pub text: String,
    /// Citation numbers (see [`Citation`]).
    pub cites: Vec<u32>,
}

/// A numbered source: a span of a stored report, or an agreement file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    /// Its number.
    pub n: u32,
    /// The report's name, or the agreement's key and version.
    pub source: String,
    /// The report id (content hash), for report spans.
    pub report_id: Option<String>,
    /// Byte range of the clean text.
    pub span: Option<[usize; 2]>,
    /// The words cited.
    pub quote: String,
}

/// One agreement's part of a bulletin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// The agreement.
    pub agreement: AgreementInfo,
    /// All violations.
    pub violations: Row,
    /// Violations by governorate.
    pub by_governorate: Vec<Row>,
    /// Violations by responsible actor (an armed clash with an unknown attacker counts for each side).
    pub by_responsible: Vec<Row>,
    /// Violations each guarantor must act on.
    pub by_guarantor: Vec<Row>,
    /// Guarantors to act in the period (role `guarantee`).
    pub guarantors_to_act: Vec<String>,
    /// Referrals of the violations counted above, by guarantor: for each,
    /// one row per entry of [`REFERRAL_STATES`] (`<guarantor>: <state>`),
    /// counted by the incident's period like the other figures; `None` when
    /// the store keeps no referrals.
    pub referrals: Option<Vec<Row>>,
    /// The referral states shown are as recorded up to this time (the
    /// latest change among them, RFC 3339 UTC); `None` when there are none.
    pub referral_states_at: Option<String>,
    /// Violations per day since the agreement began.
    pub per_day: Vec<DayCount>,
    /// The period's located incidents.
    pub points: Vec<MapPoint>,
    /// Violations by governorate p-code, for the map.
    pub by_pcode: BTreeMap<String, u32>,
    /// Notable incidents, one sentence each.
    pub notable: Vec<Cited>,
}

/// The stamped inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inputs {
    /// Agreement versions.
    pub agreements: Vec<AgreementRef>,
    /// Reports received by the cut-off.
    pub reports: usize,
    /// The rules' version.
    pub rule_version: String,
}

/// A bulletin's content: everything the hash covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Content {
    /// Title.
    pub title: String,
    /// The date (local).
    pub date: String,
    /// The cut-off's zone.
    pub zone: String,
    /// As of (= the cut-off, RFC 3339 UTC).
    pub as_of: String,
    /// This period (UTC), open at the start.
    pub period: [String; 2],
    /// The previous period.
    pub previous_period: [String; 2],
    /// Per agreement.
    pub sections: Vec<Section>,
    /// Open contradictions.
    pub contradictions: Vec<Cited>,
    /// Local agreements in the period (`None`: not recorded by this store).
    pub local_agreements: Option<Vec<String>>,
    /// Aid deliveries in the period (`None`: not recorded by this store).
    pub aid_deliveries: Option<Vec<String>>,
    /// The digest: every sentence cites its sources.
    pub digest: Vec<Cited>,
    /// The numbered sources.
    pub sources: Vec<Citation>,
    /// Input versions.
    pub inputs: Inputs,
}

/// The stamp printed on every bulletin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// As of.
    pub as_of: String,
    /// Input versions.
    pub inputs: Inputs,
    /// SHA-256 of the content's canonical JSON.
    pub sha256: String,
}

/// A stamped bulletin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bulletin {
    /// The stamp.
    pub stamp: Stamp,
    /// The content.
    pub content: Content,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// HTML with inline SVG.
    Html,
    /// PDF.
    Pdf,
    /// Markdown (pictures as separate SVG are not embedded; figures as tables).
    Md,
    /// JSON.
    Json,
}

impl Format {
    /// Parses `html`, `pdf`, `md` or `json`.
    pub fn parse(s: &str) -> Result<Format, String> {
        match s {
            "html" => Ok(Format::Html),
            "pdf" => Ok(Format::Pdf),
            "md" | "markdown" => Ok(Format::Md),
            "json" => Ok(Format::Json),
            _ => Err(format!("{s:?}: expected html, pdf, md or json")),
        }
    }
}

struct Cites {
    list: Vec<Citation>,
    index: BTreeMap<(String, usize, usize), u32>,
}

impl Cites {
    fn mention(&mut self, m: &MentionRecord) -> u32 {
        let key = (m.report_id.clone(), m.start, m.end);
        if let Some(n) = self.index.get(&key) {
            return *n;
        }
        let n = self.list.len() as u32 + 1;
        self.index.insert(key, n);
        self.list.push(Citation {
            n,
            source: m.report.clone(),
            report_id: Some(m.report_id.clone()),
            span: Some([m.start, m.end]),
            quote: m.text.clone(),
        });
        n
    }

    fn mentions<'a>(&mut self, ms: impl IntoIterator<Item = &'a MentionRecord>) -> Vec<u32> {
        let mut v: Vec<u32> = ms.into_iter().map(|m| self.mention(m)).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    fn agreement(&mut self, a: &AgreementInfo) -> u32 {
        let key = (format!("agreement:{}", a.key), a.version as usize, 0);
        if let Some(n) = self.index.get(&key) {
            return *n;
        }
        let n = self.list.len() as u32 + 1;
        self.index.insert(key, n);
        self.list.push(Citation {
            n,
            source: format!("Agreement {} version {} (data/agreements)", a.key, a.version),
            report_id: None,
            span: None,
            quote: a.title.clone(),
        });
        n
    }
}

/// Where an incident is placed in time: the midpoint of its interval, the
/// interval first clipped to start no earlier than the agreement (a violation
/// cannot precede the agreement it violates), and strictly after its start.
fn midpoint(r: &RulingRecord, start: Timestamp) -> Option<Timestamp> {
    let from: Timestamp = r.incident.time_utc[0].parse().ok()?;
    let to: Timestamp = r.incident.time_utc[1].parse().unwrap_or(from);
    if to < start {
        return Timestamp::from_millisecond((from.as_millisecond() + to.as_millisecond()) / 2).ok();
    }
    // An incident at the very start (midnight when the truce began) belongs to
    // the first period of the agreement, not the one that ends at its start.
    let from = from.max(start);
    let mid = Timestamp::from_millisecond((from.as_millisecond() + to.as_millisecond()) / 2).ok()?;
    Some(mid.max(start + jiff::SignedDuration::from_millis(1)))
}

fn list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [a] => a.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn short(s: &str, n: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= n { s } else { format!("{}…", s.chars().take(n).collect::<String>().trim_end()) }
}

#[derive(Default)]
struct Tally(BTreeMap<String, Row>);

impl Tally {
    fn add(&mut self, label: &str, which: u8) {
        let row = self.0.entry(label.to_owned()).or_insert_with(|| Row { label: label.to_owned(), ..Row::default() });
        match which {
            0 => {
                row.period += 1;
                row.total += 1;
            }
            1 => {
                row.previous += 1;
                row.total += 1;
            }
            _ => row.total += 1,
        }
    }

    fn rows(self) -> Vec<Row> {
        let mut v: Vec<Row> = self.0.into_values().collect();
        v.sort_by(|a, b| (b.period, b.total, &a.label).cmp(&(a.period, a.total, &b.label)));
        v
    }
}

/// Builds a bulletin's content (pure).
pub fn build(input: &BulletinInput<'_>) -> Content {
    let tz = TimeZone::get(&input.zone).unwrap_or(TimeZone::UTC);
    let mut cites = Cites { list: Vec::new(), index: BTreeMap::new() };
    let mut sections = Vec::new();
    let mut digest = Vec::new();
    for a in &input.agreements {
        let start: Timestamp = a.effective_from.parse().unwrap_or(Timestamp::UNIX_EPOCH);
        let mine: Vec<(&RulingRecord, Timestamp)> = input
            .rulings
            .iter()
            .filter(|r| r.agreement.key == a.key)
            .filter_map(|r| Some((r, midpoint(r, start)?)))
            .filter(|(_, t)| *t <= input.cutoff)
            .collect();
        let which = |t: Timestamp| {
            if t > input.previous {
                0
            } else if t > input.before_previous {
                1
            } else {
                2
            }
        };
        let guarantee: BTreeSet<&str> =
            a.guarantors.iter().filter(|g| g.role == "guarantee").map(|g| g.name.as_str()).collect();
        let (mut total, mut gov, mut resp, mut guar) =
            (Tally::default(), Tally::default(), Tally::default(), Tally::default());
        let mut by_pcode = BTreeMap::new();
        let mut days: BTreeMap<String, u32> = BTreeMap::new();
        let mut points = Vec::new();
        let mut notable_rulings = Vec::new();
        let mut to_act = BTreeSet::new();
        for (r, t) in &mine {
            let w = which(*t);
            let i = &r.incident;
            if w == 0
                && let (Some(lon), Some(lat)) = (i.lon, i.lat)
            {
                points.push(MapPoint {
                    lon,
                    lat,
                    label: i.location.clone().unwrap_or_default(),
                    verdict: r.verdict.clone(),
                });
            }
            if r.verdict != "violation" {
                continue;
            }
            total.add("violations", w);
            gov.add(i.admin1.as_deref().unwrap_or("unknown governorate"), w);
            if r.responsible.is_empty() {
                resp.add("unknown", w);
            }
            for x in &r.responsible {
                resp.add(x, w);
            }
            for g in &r.guarantors {
                let role = if guarantee.contains(g.as_str()) { "" } else { " (monitor)" };
                guar.add(&format!("{g}{role}"), w);
            }
            *days.entry(t.to_zoned_datetime(tz.clone()).date().to_string()).or_default() += 1;
            if w == 0 {
                if let Some(p) = &i.admin1_pcode {
                    *by_pcode.entry(p.clone()).or_default() += 1;
                }
                for g in r.guarantors.iter().filter(|g| guarantee.contains(g.as_str())) {
                    to_act.insert(g.clone());
                }
                notable_rulings.push((*r, *t));
            }
        }
        // Referrals of the violations counted here, placed in the incident's period.
        let violation_period: BTreeMap<&str, u8> = mine
            .iter()
            .filter(|(r, _)| r.verdict == "violation")
            .map(|(r, t)| (r.incident.id.as_str(), which(*t)))
            .collect();
        let mut referral_states_at: Option<&str> = None;
        let referrals = input.referrals.as_ref().map(|lines| {
            let mut by: BTreeMap<&str, BTreeMap<&str, Row>> = BTreeMap::new();
            for l in lines.iter().filter(|l| l.agreement == a.key) {
                let Some(w) = violation_period.get(l.incident_id.as_str()) else { continue };
                referral_states_at = referral_states_at.max(Some(l.changed_at.as_str()));
                let rows = by.entry(l.guarantor.as_str()).or_default();
                for state in ["referred", l.state.as_str()] {
                    let row = rows.entry(state).or_default();
                    match w {
                        0 => row.period += 1,
                        1 => row.previous += 1,
                        _ => {}
                    }
                    row.total += 1;
                }
            }
            let mut out = Vec::new();
            for (g, mut rows) in by {
                for state in REFERRAL_STATES {
                    let row = rows.remove(state).unwrap_or_default();
                    out.push(Row { label: format!("{g}: {state}"), ..row });
                }
                // A state outside the known four still shows rather than vanishing.
                for (state, row) in rows {
                    out.push(Row { label: format!("{g}: {state}"), ..row });
                }
            }
            out
        });
        // Every day from the agreement's start to the cut-off, zeros included.
        let mut per_day = Vec::new();
        let first = start.max(input.cutoff.checked_sub(jiff::SignedDuration::from_hours(24 * 365)).unwrap_or(start));
        let mut d = first.to_zoned_datetime(tz.clone()).date();
        let last = input
            .cutoff
            .checked_sub(jiff::SignedDuration::from_millis(1))
            .unwrap_or(input.cutoff)
            .to_zoned_datetime(tz.clone())
            .date();
        while d <= last && start < input.cutoff {
            let key = d.to_string();
            per_day.push(DayCount { violations: days.get(&key).copied().unwrap_or(0), date: key });
            let Ok(next) = d.tomorrow() else { break };
            d = next;
        }
        notable_rulings.sort_by(|x, y| (x.1, &x.0.incident.id).cmp(&(y.1, &y.0.incident.id)));
        let notable: Vec<Cited> = notable_rulings
            .iter()
            .map(|(r, t)| {
                let i = &r.incident;
                let place = match (&i.location, &i.admin1) {
                    (Some(l), Some(g)) if l != g => format!("{l} ({g})"),
                    (Some(l), _) => l.clone(),
                    (None, Some(g)) => g.clone(),
                    (None, None) => "an unknown place".to_owned(),
                };
                let actors: Vec<String> = i.actors.iter().map(|a| a.name.clone()).collect();
                let acting: Vec<String> = r.guarantors.iter().filter(|g| guarantee.contains(g.as_str())).cloned().collect();
                let text = format!(
                    "{} in {place} around {} ({} local), involving {}; {} killed reported; responsible: {}; guarantors to act: {}.",
                    i.sub_event_type,
                    t.strftime("%Y-%m-%d %H:%M UTC"),
                    t.to_zoned_datetime(tz.clone()).strftime("%H:%M"),
                    if actors.is_empty() { "unnamed actors".to_owned() } else { list(&actors) },
                    i.fatalities,
                    if r.responsible.is_empty() { "unknown".to_owned() } else { list(&r.responsible) },
                    if acting.is_empty() { "none named".to_owned() } else { list(&acting) },
                );
                Cited { text, cites: cites.mentions(&i.mentions) }
            })
            .collect();
        let violations =
            total.rows().into_iter().next().unwrap_or_else(|| Row { label: "violations".into(), ..Row::default() });
        let by_governorate = gov.rows();
        // The digest: what the sources said, each sentence cited.
        if violations.period > 0 {
            let all: Vec<u32> = {
                let mut v: Vec<u32> = notable.iter().flat_map(|c| c.cites.iter().copied()).collect();
                v.sort_unstable();
                v.dedup();
                v
            };
            let govs: Vec<String> =
                by_governorate.iter().filter(|g| g.period > 0).map(|g| format!("{} ({})", g.label, g.period)).collect();
            digest.push(Cited {
                text: format!(
                    "In the period, the sources reported {} violation{} of the {} in {}.",
                    violations.period,
                    if violations.period == 1 { "" } else { "s" },
                    a.title,
                    list(&govs)
                ),
                cites: all,
            });
            for g in by_governorate.iter().filter(|g| g.period > 0) {
                let rs: Vec<&RulingRecord> = notable_rulings
                    .iter()
                    .map(|(r, _)| *r)
                    .filter(|r| r.incident.admin1.as_deref().unwrap_or("unknown governorate") == g.label)
                    .collect();
                let kinds: BTreeSet<String> = rs.iter().map(|r| r.incident.sub_event_type.to_lowercase()).collect();
                let reports: BTreeSet<String> = rs.iter().flat_map(|r| r.incident.reports.iter().cloned()).collect();
                let quote = rs
                    .first()
                    .and_then(|r| r.incident.mentions.first())
                    .map(|m| short(&m.text, 160))
                    .unwrap_or_default();
                digest.push(Cited {
                    text: format!(
                        "In {}, {} report{} described {}: “{quote}”",
                        g.label,
                        reports.len(),
                        if reports.len() == 1 { "" } else { "s" },
                        list(&kinds.into_iter().collect::<Vec<_>>()),
                    ),
                    cites: cites.mentions(rs.iter().flat_map(|r| r.incident.mentions.iter())),
                });
            }
            if !to_act.is_empty() {
                let n = cites.agreement(a);
                let mut c: Vec<u32> = notable.iter().flat_map(|c| c.cites.iter().copied()).collect();
                c.push(n);
                c.sort_unstable();
                c.dedup();
                digest.push(Cited {
                    text: format!(
                        "Under the agreement, {} must act on these violations as guarantor{}.",
                        list(&to_act.iter().cloned().collect::<Vec<_>>()),
                        if to_act.len() == 1 { "" } else { "s" }
                    ),
                    cites: c,
                });
            }
        }
        sections.push(Section {
            agreement: a.clone(),
            violations,
            by_governorate,
            by_responsible: resp.rows(),
            by_guarantor: guar.rows(),
            guarantors_to_act: to_act.into_iter().collect(),
            referrals,
            referral_states_at: referral_states_at.map(str::to_owned),
            per_day,
            points,
            by_pcode,
            notable,
        });
    }
    // Facts several sources agree on.
    let mut facts: Vec<&FactRecord> = input.facts.iter().filter(|f| f.sources >= 2).collect();
    facts.sort_by(|a, b| b.sources.cmp(&a.sources).then_with(|| a.text.cmp(&b.text)));
    for f in facts.into_iter().take(3) {
        digest.push(Cited {
            text: format!("{} sources agree: “{}”", f.sources, short(&f.text, 200)),
            cites: cites.mentions(&f.mentions),
        });
    }
    let contradictions: Vec<Cited> = input
        .contradictions
        .iter()
        .map(|c| {
            let sides: Vec<String> = c.sides.iter().map(|(v, _)| format!("“{v}”")).collect();
            Cited {
                text: format!("Sources disagree on {}: {}.", c.subject, sides.join(" vs ")),
                cites: cites.mentions(c.sides.iter().flat_map(|(_, ms)| ms.iter())),
            }
        })
        .collect();
    for c in &contradictions {
        digest.push(c.clone());
    }
    let titles: Vec<String> = input.agreements.iter().map(|a| a.title.clone()).collect();
    Content {
        title: format!(
            "Ceasefire bulletin, {}: {}",
            input.date,
            if titles.is_empty() { "no agreement in force".into() } else { titles.join("; ") }
        ),
        date: input.date.clone(),
        zone: input.zone.clone(),
        as_of: input.cutoff.to_string(),
        period: [input.previous.to_string(), input.cutoff.to_string()],
        previous_period: [input.before_previous.to_string(), input.previous.to_string()],
        sections,
        contradictions,
        local_agreements: input.local_agreements.clone(),
        aid_deliveries: input.aid_deliveries.clone(),
        digest,
        sources: cites.list,
        inputs: Inputs {
            agreements: input
                .agreements
                .iter()
                .map(|a| AgreementRef { key: a.key.clone(), version: a.version })
                .collect(),
            reports: input.reports,
            rule_version: input.rule_version.clone(),
        },
    }
}

/// The SHA-256 of the content's canonical JSON.
pub fn content_hash(c: &Content) -> String {
    let json = serde_json::to_string(c).unwrap_or_default();
    hex::encode(Sha256::digest(json.as_bytes()))
}

/// Stamps content.
pub fn stamp(content: Content) -> Bulletin {
    let stamp = Stamp { as_of: content.as_of.clone(), inputs: content.inputs.clone(), sha256: content_hash(&content) };
    Bulletin { stamp, content }
}

fn refs(c: &[u32]) -> String {
    c.iter().map(|n| format!("[{n}]")).collect()
}

/// The ledger lines of a bulletin, each labelled: `None` sections are skipped
/// (their "not recorded" note is printed instead).
fn ledger_lines(c: &Content) -> Vec<String> {
    let mut out = Vec::new();
    for (label, v) in [("Local agreement", &c.local_agreements), ("Aid delivery", &c.aid_deliveries)] {
        for line in v.iter().flatten() {
            out.push(format!("{label}: {line}"));
        }
    }
    out
}

fn not_recorded<T>(v: &Option<Vec<T>>, what: &str) -> Option<String> {
    match v {
        None => Some(format!("{what}: not recorded (this store keeps none yet).")),
        Some(x) if x.is_empty() => Some(format!("{what}: none in the period.")),
        Some(_) => None,
    }
}

/// What the referral table counts, and when its states were last recorded.
fn referral_note(sec: &Section) -> String {
    format!(
        "Hotline referrals of the violations above, one per guarantor named, counted by the incident's period; \
         states as recorded up to {}.",
        sec.referral_states_at.as_deref().unwrap_or("-")
    )
}

const MARK: &str = "truce-bulletin:";

fn embedded_json(b: &Bulletin) -> String {
    serde_json::to_string(b).unwrap_or_default()
}

/// Renders a bulletin.
pub fn render(b: &Bulletin, format: Format) -> Vec<u8> {
    match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(b).unwrap_or_default();
            s.push('\n');
            s.into_bytes()
        }
        Format::Md => render_md(b).into_bytes(),
        Format::Html => render_html(b).into_bytes(),
        Format::Pdf => render_pdf(b),
    }
}

fn stamp_line(b: &Bulletin) -> String {
    let versions: Vec<String> = b.stamp.inputs.agreements.iter().map(|a| format!("{} v{}", a.key, a.version)).collect();
    format!(
        "As of {} · inputs: {}; {} reports; rules {} · SHA-256 {}",
        b.stamp.as_of,
        if versions.is_empty() { "no agreements".to_owned() } else { versions.join(", ") },
        b.stamp.inputs.reports,
        b.stamp.inputs.rule_version,
        b.stamp.sha256
    )
}

fn table_md(out: &mut String, head: &str, rows: &[Row]) {
    let _ =
        writeln!(out, "| {head} | this period | previous period | since the agreement began |\n|---|---:|---:|---:|");
    if rows.is_empty() {
        let _ = writeln!(out, "| none | 0 | 0 | 0 |");
    }
    for r in rows {
        let _ = writeln!(out, "| {} | {} | {} | {} |", r.label, r.period, r.previous, r.total);
    }
    out.push('\n');
}

fn render_md(b: &Bulletin) -> String {
    let c = &b.content;
    let mut s = String::new();
    let _ = writeln!(s, "# {}\n", c.title);
    let _ = writeln!(
        s,
        "Period: {} → {} (UTC; cut-off in {}). Previous period: {} → {}.\n",
        c.period[0], c.period[1], c.zone, c.previous_period[0], c.previous_period[1]
    );
    let _ = writeln!(s, "_{}_\n", stamp_line(b));
    let _ = writeln!(s, "## Digest\n");
    for d in &c.digest {
        let _ = write!(s, "{} {} ", d.text, refs(&d.cites));
    }
    s.push_str("\n\n");
    for sec in &c.sections {
        let a = &sec.agreement;
        let _ = writeln!(s, "## {} ({} v{})\n", a.title, a.key, a.version);
        let _ = writeln!(
            s,
            "In force since {} ({}). Guarantors to act in this period: {}.\n",
            a.effective_from,
            a.zone,
            if sec.guarantors_to_act.is_empty() { "none".to_owned() } else { list(&sec.guarantors_to_act) }
        );
        table_md(&mut s, "violations", std::slice::from_ref(&sec.violations));
        let _ = writeln!(s, "### By governorate\n");
        table_md(&mut s, "governorate", &sec.by_governorate);
        let _ = writeln!(s, "### By responsible side\n");
        table_md(&mut s, "responsible", &sec.by_responsible);
        let _ = writeln!(s, "### By guarantor\n");
        table_md(&mut s, "guarantor", &sec.by_guarantor);
        let _ = writeln!(s, "### Referrals by guarantor\n");
        match not_recorded(&sec.referrals, "Referrals") {
            Some(t) => {
                let _ = writeln!(s, "{t}\n");
            }
            None => {
                let _ = writeln!(s, "{}\n", referral_note(sec));
                table_md(&mut s, "guarantor: state", sec.referrals.as_deref().unwrap_or_default());
            }
        }
        let _ = writeln!(s, "### Violations per day\n");
        let days: Vec<String> = sec.per_day.iter().map(|d| format!("{} {}", d.date, d.violations)).collect();
        let _ = writeln!(s, "{}\n", days.join(" · "));
        let _ = writeln!(s, "### Notable incidents\n");
        if sec.notable.is_empty() {
            let _ = writeln!(s, "None in the period.\n");
        }
        for (n, x) in sec.notable.iter().enumerate() {
            let _ = writeln!(s, "{}. {} {}", n + 1, x.text, refs(&x.cites));
        }
        s.push('\n');
    }
    let _ = writeln!(s, "## Open contradictions\n");
    if c.contradictions.is_empty() {
        let _ = writeln!(s, "None recorded.\n");
    }
    for x in &c.contradictions {
        let _ = writeln!(s, "- {} {}", x.text, refs(&x.cites));
    }
    let _ = writeln!(s, "## Local agreements and aid\n");
    for t in [not_recorded(&c.local_agreements, "Local agreements"), not_recorded(&c.aid_deliveries, "Aid deliveries")]
        .into_iter()
        .flatten()
    {
        let _ = writeln!(s, "{t}\n");
    }
    let lines = ledger_lines(c);
    for line in &lines {
        let _ = writeln!(s, "- {line}");
    }
    if !lines.is_empty() {
        s.push('\n');
    }
    let _ = writeln!(s, "## Sources\n");
    for src in &c.sources {
        let at = match (&src.report_id, src.span) {
            (Some(id), Some([a, e])) => format!(" (report {}, bytes {a}–{e})", id.get(..12).unwrap_or(id)),
            _ => String::new(),
        };
        let _ = writeln!(s, "{}. {}{at}: “{}”", src.n, src.source, short(&src.quote, 300));
    }
    let json = embedded_json(b).replace("--", "-\\u002d");
    let _ = writeln!(s, "\n<!-- {MARK}{json} -->");
    s
}

fn table_html(out: &mut String, head: &str, rows: &[Row]) {
    let _ = write!(
        out,
        "<table><tr><th>{}</th><th>this period</th><th>previous period</th><th>since the agreement began</th></tr>",
        xml(head)
    );
    if rows.is_empty() {
        out.push_str("<tr><td>none</td><td>0</td><td>0</td><td>0</td></tr>");
    }
    for r in rows {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            xml(&r.label),
            r.period,
            r.previous,
            r.total
        );
    }
    out.push_str("</table>\n");
}

fn refs_html(c: &[u32]) -> String {
    c.iter().map(|n| format!("<a href=\"#s{n}\">[{n}]</a>")).collect()
}

fn render_html(b: &Bulletin) -> String {
    let c = &b.content;
    let mut s = String::new();
    let _ = write!(
        s,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>body{{font-family:Helvetica,Arial,sans-serif;max-width:800px;margin:2em auto;color:#222}}table{{border-collapse:collapse;margin:.5em 0}}td,th{{border:1px solid #ccc;padding:2px 8px}}td+td{{text-align:right}}.stamp{{font-size:.8em;color:#555}}</style></head><body>\n",
        xml(&c.title)
    );
    let _ = writeln!(
        s,
        "<h1>{}</h1>\n<p>Period: {} → {} (UTC; cut-off in {}). Previous period: {} → {}.</p>",
        xml(&c.title),
        c.period[0],
        c.period[1],
        xml(&c.zone),
        c.previous_period[0],
        c.previous_period[1]
    );
    let _ = writeln!(s, "<p class=\"stamp\">{}</p>", xml(&stamp_line(b)));
    s.push_str("<h2>Digest</h2><p>");
    for d in &c.digest {
        let _ = write!(s, "{} {} ", xml(&d.text), refs_html(&d.cites));
    }
    s.push_str("</p>\n");
    for sec in &c.sections {
        let a = &sec.agreement;
        let _ = writeln!(s, "<h2>{} ({} v{})</h2>", xml(&a.title), xml(&a.key), a.version);
        let _ = writeln!(
            s,
            "<p>In force since {} ({}). Guarantors to act in this period: <strong>{}</strong>.</p>",
            a.effective_from,
            xml(&a.zone),
            xml(&if sec.guarantors_to_act.is_empty() { "none".to_owned() } else { list(&sec.guarantors_to_act) })
        );
        table_html(&mut s, "violations", std::slice::from_ref(&sec.violations));
        s.push_str("<h3>Map of the period's incidents</h3>\n");
        s.push_str(&map::map(&sec.points, &sec.by_pcode).to_svg());
        s.push_str("\n<h3>Violations per day</h3>\n");
        s.push_str(&map::chart(&sec.per_day).to_svg());
        s.push_str("\n<h3>By governorate</h3>\n");
        table_html(&mut s, "governorate", &sec.by_governorate);
        s.push_str("<h3>By responsible side</h3>\n");
        table_html(&mut s, "responsible", &sec.by_responsible);
        s.push_str("<h3>By guarantor</h3>\n");
        table_html(&mut s, "guarantor", &sec.by_guarantor);
        s.push_str("<h3>Referrals by guarantor</h3>\n");
        match not_recorded(&sec.referrals, "Referrals") {
            Some(t) => {
                let _ = writeln!(s, "<p>{}</p>", xml(&t));
            }
            None => {
                let _ = writeln!(s, "<p>{}</p>", xml(&referral_note(sec)));
                table_html(&mut s, "guarantor: state", sec.referrals.as_deref().unwrap_or_default());
            }
        }
        s.push_str("<h3>Notable incidents</h3>\n<ol>");
        for x in &sec.notable {
            let _ = write!(s, "<li>{} {}</li>", xml(&x.text), refs_html(&x.cites));
        }
        s.push_str("</ol>\n");
    }
    s.push_str("<h2>Open contradictions</h2>\n<ul>");
    for x in &c.contradictions {
        let _ = write!(s, "<li>{} {}</li>", xml(&x.text), refs_html(&x.cites));
    }
    if c.contradictions.is_empty() {
        s.push_str("<li>None recorded.</li>");
    }
    s.push_str("</ul>\n<h2>Local agreements and aid</h2>\n");
    for t in [not_recorded(&c.local_agreements, "Local agreements"), not_recorded(&c.aid_deliveries, "Aid deliveries")]
        .into_iter()
        .flatten()
    {
        let _ = writeln!(s, "<p>{}</p>", xml(&t));
    }
    for line in ledger_lines(c) {
        let _ = writeln!(s, "<p>{}</p>", xml(&line));
    }
    s.push_str("<h2>Sources</h2>\n<ol>");
    for src in &c.sources {
        let at = match (&src.report_id, src.span) {
            (Some(id), Some([a, e])) => format!(" (report {}, bytes {a}–{e})", id.get(..12).unwrap_or(id)),
            _ => String::new(),
        };
        let _ = write!(s, "<li id=\"s{}\">{}{}: “{}”</li>", src.n, xml(&src.source), at, xml(&short(&src.quote, 300)));
    }
    s.push_str("</ol>\n");
    let json = embedded_json(b).replace('<', "\\u003c");
    let _ = write!(
        s,
        "<script type=\"application/json\" id=\"{}\">{json}</script>\n</body></html>\n",
        MARK.trim_end_matches(':')
    );
    s
}

fn render_pdf(b: &Bulletin) -> Vec<u8> {
    let c = &b.content;
    let mut d = pdf::PdfDoc::new(&format!("Ceasefire bulletin {}", c.date));
    d.heading(&c.title, 15.0);
    d.para(
        &format!(
            "Period: {} to {} (UTC; cut-off in {}). Previous period: {} to {}.",
            c.period[0], c.period[1], c.zone, c.previous_period[0], c.previous_period[1]
        ),
        9.0,
        0.0,
    );
    d.para(&stamp_line(b), 7.0, 0.0);
    d.heading("Digest", 12.0);
    let digest: Vec<String> = c.digest.iter().map(|x| format!("{} {}", x.text, refs(&x.cites))).collect();
    d.para(&digest.join(" "), 9.5, 0.0);
    let table = |d: &mut pdf::PdfDoc, head: &str, rows: &[Row]| {
        let cols = [0.0, 250.0, 320.0, 400.0];
        d.row(
            &[
                (cols[0], head.to_owned()),
                (cols[1], "period".into()),
                (cols[2], "previous".into()),
                (cols[3], "since start".into()),
            ],
            8.5,
            true,
        );
        if rows.is_empty() {
            d.row(
                &[(cols[0], "none".into()), (cols[1], "0".into()), (cols[2], "0".into()), (cols[3], "0".into())],
                8.5,
                false,
            );
        }
        for r in rows {
            d.row(
                &[
                    (cols[0], short(&r.label, 48)),
                    (cols[1], r.period.to_string()),
                    (cols[2], r.previous.to_string()),
                    (cols[3], r.total.to_string()),
                ],
                8.5,
                false,
            );
        }
        d.gap(4.0);
    };
    for sec in &c.sections {
        let a = &sec.agreement;
        d.heading(&format!("{} ({} v{})", a.title, a.key, a.version), 12.0);
        d.para(
            &format!(
                "In force since {} ({}). Guarantors to act in this period: {}.",
                a.effective_from,
                a.zone,
                if sec.guarantors_to_act.is_empty() { "none".to_owned() } else { list(&sec.guarantors_to_act) }
            ),
            9.5,
            0.0,
        );
        table(&mut d, "violations", std::slice::from_ref(&sec.violations));
        d.heading("Map of the period's incidents", 10.0);
        d.scene(&map::map(&sec.points, &sec.by_pcode), 420.0);
        d.heading("Violations per day", 10.0);
        d.scene(&map::chart(&sec.per_day), 420.0);
        d.heading("By governorate", 10.0);
        table(&mut d, "governorate", &sec.by_governorate);
        d.heading("By responsible side", 10.0);
        table(&mut d, "responsible", &sec.by_responsible);
        d.heading("By guarantor", 10.0);
        table(&mut d, "guarantor", &sec.by_guarantor);
        d.heading("Referrals by guarantor", 10.0);
        match not_recorded(&sec.referrals, "Referrals") {
            Some(t) => d.para(&t, 9.0, 0.0),
            None => {
                d.para(&referral_note(sec), 9.0, 0.0);
                table(&mut d, "guarantor: state", sec.referrals.as_deref().unwrap_or_default());
            }
        }
        d.heading("Notable incidents", 10.0);
        if sec.notable.is_empty() {
            d.para("None in the period.", 9.0, 0.0);
        }
        for (n, x) in sec.notable.iter().enumerate() {
            d.para(&format!("{}. {} {}", n + 1, x.text, refs(&x.cites)), 9.0, 10.0);
        }
    }
    d.heading("Open contradictions", 11.0);
    if c.contradictions.is_empty() {
        d.para("None recorded.", 9.0, 0.0);
    }
    for x in &c.contradictions {
        d.para(&format!("{} {}", x.text, refs(&x.cites)), 9.0, 0.0);
    }
    d.heading("Local agreements and aid", 11.0);
    for t in [not_recorded(&c.local_agreements, "Local agreements"), not_recorded(&c.aid_deliveries, "Aid deliveries")]
        .into_iter()
        .flatten()
    {
        d.para(&t, 9.0, 0.0);
    }
    for line in ledger_lines(c) {
        d.para(&line, 9.0, 0.0);
    }
    d.heading("Sources", 11.0);
    for src in &c.sources {
        let at = match (&src.report_id, src.span) {
            (Some(id), Some([a, e])) => format!(" (report {}, bytes {a}-{e})", id.get(..12).unwrap_or(id)),
            _ => String::new(),
        };
        d.para(&format!("{}. {}{at}: \"{}\"", src.n, src.source, short(&src.quote, 300)), 8.0, 0.0);
    }
    d.finish(&format!("{MARK}{}", hex::encode(embedded_json(b))))
}

/// Reads the bulletin embedded in a rendered file (any format).
pub fn extract(bytes: &[u8]) -> Result<(Bulletin, Format), String> {
    let bad = |e: serde_json::Error| format!("the embedded bulletin does not parse: {e}");
    if bytes.starts_with(b"%PDF") {
        let text = String::from_utf8_lossy(bytes);
        let line = text
            .lines()
            .find_map(|l| l.strip_prefix('%').and_then(|l| l.strip_prefix(MARK)))
            .ok_or("this PDF carries no Truce bulletin")?;
        let json = hex::decode(line.trim()).map_err(|e| format!("the embedded bulletin is not hex: {e}"))?;
        return Ok((serde_json::from_slice(&json).map_err(bad)?, Format::Pdf));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8 text or a PDF: {e}"))?;
    if text.trim_start().starts_with('{') {
        return Ok((serde_json::from_str(text).map_err(bad)?, Format::Json));
    }
    if let Some(start) = text.find("<script type=\"application/json\" id=\"truce-bulletin\">") {
        let rest = &text[start..];
        let json = rest
            .split_once('>')
            .map(|x| x.1)
            .and_then(|r| r.split_once("</script>"))
            .map(|x| x.0)
            .ok_or("the embedded bulletin is not closed")?;
        return Ok((serde_json::from_str(json).map_err(bad)?, Format::Html));
    }
    if let Some(start) = text.rfind(&format!("<!-- {MARK}")) {
        let json = text[start + 5 + MARK.len()..]
            .split_once(" -->")
            .map(|x| x.0)
            .ok_or("the embedded bulletin is not closed")?;
        return Ok((serde_json::from_str(json).map_err(bad)?, Format::Md));
    }
    Err("this file carries no Truce bulletin".into())
}

/// Checks a rendered bulletin: the stamped hash matches the content, and the
/// file is exactly what that content renders to. Returns the stamp.
pub fn verify(bytes: &[u8]) -> Result<(Stamp, Format), String> {
    let (b, format) = extract(bytes)?;
    let sha = content_hash(&b.content);
    if sha != b.stamp.sha256 {
        return Err(format!("content hash {sha} does not match the stamp {}", b.stamp.sha256));
    }
    if b.stamp.as_of != b.content.as_of || b.stamp.inputs != b.content.inputs {
        return Err("the stamp's as-of time or inputs differ from the content's".into());
    }
    if render(&b, format) != bytes {
        return Err("the file differs from what its content renders to (edited after stamping)".into());
    }
    Ok((b.stamp, format))
}
