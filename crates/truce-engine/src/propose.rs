//! Draft agreements from reports: agreement-term mentions across reports are
//! gathered into a proposed agreement file, each field with the sentences it
//! rests on. A person reviews the draft and adds it (`truce agreement add`);
//! until then it counts for nothing.

use std::collections::BTreeMap;

use jiff::Timestamp;
use truce_model::{MediaType, Registry, Report, Side};
use truce_read::{MentionKind, Reading, TermKind};

use crate::{Engine, EngineError};

/// One proposed field with its evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposedField {
    /// The field, e.g. `effective.from_local`.
    pub field: String,
    /// The proposed value, as it appears in the file.
    pub value: String,
    /// (report name, sentence) pairs the value rests on.
    pub sources: Vec<(String, String)>,
}

/// A draft agreement: the file text and, field by field, its sources.
#[derive(Debug, Clone)]
pub struct Proposal {
    /// The agreement file (TOML, the shipped schema), ready to review and add.
    pub toml: String,
    /// The fields found, with sources.
    pub fields: Vec<ProposedField>,
}

struct Said<'a> {
    report: &'a str,
    sentence: &'a str,
}

fn q(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

fn vote<K: Ord + Clone>(items: &[(K, Said<'_>)]) -> Option<(K, Vec<(String, String)>)> {
    let mut by: BTreeMap<K, Vec<(String, String)>> = BTreeMap::new();
    for (k, s) in items {
        let e = by.entry(k.clone()).or_default();
        if !e.iter().any(|(r, t)| r == s.report && t == s.sentence) {
            e.push((s.report.to_owned(), s.sentence.to_owned()));
        }
    }
    by.into_iter().max_by_key(|(_, v)| v.len())
}

/// The number written just before one of `nouns` ("seven rebel groups", "62,000 opposition fighters").
fn number_before(lc: &str, nouns: &[&str]) -> Option<u32> {
    const WORDS: [&str; 20] = [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    ];
    for noun in nouns {
        let mut from = 0;
        while let Some(i) = lc[from..].find(noun) {
            let at = from + i;
            from = at + noun.len();
            let before = lc[..at].trim_end();
            let word = before.rsplit(|c: char| c.is_whitespace()).next().unwrap_or("");
            let word = word.trim_matches(|c: char| !c.is_alphanumeric());
            if let Some(k) = WORDS.iter().position(|w| *w == word) {
                return Some(k as u32 + 1);
            }
            if let Ok(n) = word.replace(',', "").parse::<u32>() {
                return Some(n);
            }
        }
    }
    None
}

/// The name forms of a state guarantor in lower case.
fn state_forms(key: &str) -> Vec<String> {
    let base = key.replace('-', " ");
    let mut forms = vec![base.clone()];
    match key {
        "russia" => forms.extend(["russian".into(), "moscow".into()]),
        "turkey" => forms.extend(["turkish".into(), "ankara".into()]),
        "iran" => forms.extend(["iranian".into(), "tehran".into()]),
        "united-states" => forms.extend(["u.s.".into(), "washington".into(), "american".into()]),
        _ => {}
    }
    forms
}

/// Splits a sentence into clauses, one per guarantor named in it: each clause
/// runs from the guarantor's name to the next guarantor's. A name whose clause
/// neither guarantees nor monitors ("including Hezbollah") belongs to the clause
/// before it, unless the sentence says "guaranteed by" before the name.
fn clauses<'a, 'k>(lc: &'a str, states: &[&'k str]) -> Vec<(&'k str, &'a str)> {
    let mut starts: Vec<(usize, &str)> = states
        .iter()
        .filter_map(|k| state_forms(k).iter().filter_map(|f| lc.find(f.as_str())).min().map(|i| (i, *k)))
        .collect();
    starts.sort();
    let passive = lc.find("guaranteed by").or_else(|| lc.find("monitored by"));
    let mut out: Vec<(&str, std::ops::Range<usize>)> = Vec::new();
    for i in 0..starts.len() {
        let end = starts.get(i + 1).map_or(lc.len(), |n| n.0);
        let (at, key) = starts[i];
        let text = &lc[at..end];
        let acts = ["guarantee", "guarantor", "monitor"].iter().any(|w| text.contains(w));
        let by = passive.is_some_and(|p| p < at);
        match out.last_mut() {
            Some(last) if !acts && !by => last.1.end = end,
            _ if acts || by => out.push((key, at..end)),
            _ => {}
        }
    }
    out.into_iter().map(|(k, r)| (k, &lc[r])).collect()
}

/// The sides a guarantor clause answers for, by how the press names them.
fn sides_in(clause: &str) -> Vec<Side> {
    let mut out = Vec::new();
    let has = |ws: &[&str]| ws.iter().any(|w| clause.contains(w));
    if has(&["government", "assad", "regime", "syrian army", "syrian military"]) {
        out.push(Side::Government);
    }
    if has(&["militia", "hezbollah", "shiite"]) {
        out.push(Side::ProGovernment);
    }
    if has(&["rebel", "opposition", "insurgent"]) {
        out.push(Side::Opposition);
    }
    out
}

/// Gathers the terms of the readings into a proposal. Pure.
pub fn propose(readings: &[(&Report, &Reading)], registry: &Registry) -> Proposal {
    let mut effective: Vec<(Timestamp, Said<'_>)> = Vec::new();
    let mut nationwide = Vec::new();
    let mut signatories = Vec::new();
    let mut instruments = Vec::new();
    let mut fighters = Vec::new();
    let mut guarantors: Guarantors = BTreeMap::new();
    let mut excluded: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut linked: Vec<(String, String)> = Vec::new();
    for (report, reading) in readings {
        let name = report.origin.name.as_str();
        for m in &reading.mentions {
            let sentence = reading.clean.get(m.sentence.clone()).unwrap_or("").trim();
            let lc = sentence.to_lowercase();
            let said = || Said { report: name, sentence };
            let side_of = |k: &str| {
                truce_model::ActorKey::parse(k).ok().and_then(|k| registry.get(&k)).map_or(Side::Unknown, |a| a.side)
            };
            if let Some(n) =
                number_before(&lc, &["opposition fighters", "rebel fighters", "fighters"]).filter(|n| *n >= 1000)
            {
                fighters.push((n, said()));
            }
            if let MentionKind::Term { kind, count } = &m.kind {
                if ["entire country", "nationwide", "all of syria", "whole country", "across syria"]
                    .iter()
                    .any(|w| lc.contains(w))
                {
                    nationwide.push(((), said()));
                }
                match kind {
                    TermKind::EffectiveTime => {
                        if let Some(t) = m.time.as_ref().filter(|t| t.precision() == truce_model::Precision::Minute) {
                            effective.push((t.from(), said()));
                        }
                    }
                    TermKind::Signatories | TermKind::Instruments => {
                        let _ = count;
                        if let Some(n) = number_before(
                            &lc,
                            &["rebel groups", "armed groups", "opposition groups", "groups", "factions"],
                        )
                        .filter(|n| (2..=100).contains(n))
                        {
                            signatories.push((n, said()));
                        }
                        if let Some(n) =
                            number_before(&lc, &["separate agreements", "agreements", "documents", "instruments"])
                                .filter(|n| (1..=20).contains(n))
                        {
                            instruments.push((n, said()));
                        }
                    }
                    TermKind::Guarantor => {
                        let states: Vec<&str> = m
                            .actors
                            .iter()
                            .map(|a| a.key.as_str())
                            .filter(|k| {
                                matches!(
                                    side_of(k),
                                    Side::ForeignProGovernment | Side::ForeignOpposition | Side::Coalition
                                )
                            })
                            .filter(|k| !k.contains("forces") && !k.contains("military"))
                            .collect();
                        for (g, clause) in clauses(&lc, &states) {
                            // A clause that only monitors is the more specific statement
                            // of this actor's role ("Iran would also help monitor …").
                            let monitor = clause.contains("monitor") && !clause.contains("guarantee");
                            let e = guarantors.entry(g.to_owned()).or_insert((false, Vec::new(), Vec::new()));
                            e.0 |= monitor;
                            for s in sides_in(clause) {
                                if !e.1.contains(&s) {
                                    e.1.push(s);
                                }
                            }
                            e.2.push((name.to_owned(), sentence.to_owned()));
                        }
                    }
                    TermKind::Exclusion => {
                        for a in &m.actors {
                            if side_of(&a.key) == Side::Jihadist {
                                excluded.entry(a.key.clone()).or_default().push((name.to_owned(), sentence.to_owned()));
                            }
                        }
                        if lc.contains("linked") || lc.contains("affiliated") || lc.contains("associated") {
                            linked.push((name.to_owned(), sentence.to_owned()));
                        }
                    }
                    TermKind::Scope | TermKind::Other => {}
                }
            }
        }
    }
    let mut fields = Vec::new();
    let tz = jiff::tz::TimeZone::get("Asia/Damascus").unwrap_or(jiff::tz::TimeZone::UTC);
    let from = vote(&effective);
    let from_local = from
        .as_ref()
        .map(|(t, _)| t.to_zoned_datetime(tz.clone()).datetime().strftime("%Y-%m-%dT%H:%M:%S").to_string());
    if let (Some((t, src)), Some(local)) = (&from, &from_local) {
        fields.push(ProposedField {
            field: "effective.from_local".into(),
            value: format!("{local} Asia/Damascus ({t})"),
            sources: src.clone(),
        });
    }
    if let Some(((), src)) = vote(&nationwide) {
        fields.push(ProposedField { field: "scope.country".into(), value: "SY".into(), sources: src });
    }
    if let Some((n, src)) = vote(&signatories) {
        fields.push(ProposedField { field: "signatory_count".into(), value: n.to_string(), sources: src });
    }
    if let Some((n, src)) = vote(&fighters) {
        fields.push(ProposedField { field: "fighters_covered".into(), value: n.to_string(), sources: src });
    }
    if let Some((n, src)) = vote(&instruments) {
        fields.push(ProposedField { field: "instruments".into(), value: n.to_string(), sources: src });
    }
    for (g, (monitor, sides, src)) in &guarantors {
        let sides: Vec<&str> = sides.iter().map(|s| s.as_str()).collect();
        let role = if *monitor { "monitor" } else { "guarantee" };
        fields.push(ProposedField {
            field: format!("guarantor.{g}"),
            value: format!("{role} for {}", sides.join(", ")),
            sources: src.clone(),
        });
    }
    for (a, src) in &excluded {
        fields.push(ProposedField { field: format!("exclusions.{a}"), value: "excluded".into(), sources: src.clone() });
    }
    if !linked.is_empty() {
        fields.push(ProposedField {
            field: "exclusions.linkage".into(),
            value: "linked_to".into(),
            sources: linked.clone(),
        });
    }
    Proposal { toml: render(&fields, from_local.as_deref(), &guarantors, &excluded, !linked.is_empty()), fields }
}

type Guarantors = BTreeMap<String, (bool, Vec<Side>, Vec<(String, String)>)>;

fn render(
    fields: &[ProposedField],
    from_local: Option<&str>,
    guarantors: &Guarantors,
    excluded: &BTreeMap<String, Vec<(String, String)>>,
    linked: bool,
) -> String {
    let get = |f: &str| fields.iter().find(|x| x.field == f).map(|x| x.value.clone());
    let date = from_local.map_or("undated", |l| &l[..10]);
    let mut t = String::new();
    t.push_str("# DRAFT proposed by `truce agreement propose` from agreement-term mentions.\n");
    t.push_str("# Review every field against its sources (listed below), then `truce agreement add` it.\n");
    t.push_str(&format!("key = {}\n", q(&format!("draft-ceasefire-{date}"))));
    t.push_str(&format!("title = {}\n", q(&format!("Proposed ceasefire effective {date} (draft)"))));
    t.push_str("kind = \"ceasefire\"\n");
    if let Some(n) = get("signatory_count") {
        t.push_str(&format!("signatory_count = {n}\n"));
    }
    if let Some(n) = get("fighters_covered") {
        t.push_str(&format!("fighters_covered = {n}\n"));
    }
    if let Some(n) = get("instruments").and_then(|n| n.parse::<usize>().ok()) {
        let list: Vec<String> = (1..=n).map(|i| q(&format!("Instrument {i} (name it from the sources)"))).collect();
        t.push_str(&format!("instruments = [{}]\n", list.join(", ")));
    }
    t.push_str(&format!(
        "\n[effective]\nfrom_local = {}\nzone = \"Asia/Damascus\"\n",
        q(from_local.unwrap_or("REVIEW: no effective time found"))
    ));
    t.push_str(&format!("\n[scope]\ncountry = {}\n", q(&get("scope.country").unwrap_or_else(|| "SY".into()))));
    for (g, (monitor, sides, _)) in guarantors {
        let mut names: Vec<&str> = Vec::new();
        for s in sides {
            let expanded = match s {
                Side::Government => vec!["government", "pro_government", "foreign_pro_government"],
                other => vec![other.as_str()],
            };
            for n in expanded {
                if !names.contains(&n) {
                    names.push(n);
                }
            }
        }
        let sides: Vec<String> = names.into_iter().map(q).collect();
        let role = if *monitor { "monitor" } else { "guarantee" };
        t.push_str(&format!(
            "\n[[guarantor]]\nactor = {}\nrole = \"{role}\"\nanswers_for_sides = [{}]\n",
            q(g),
            sides.join(", ")
        ));
    }
    let ex: Vec<String> = excluded.keys().map(|k| q(k)).collect();
    let linkage = if linked { "linkage = \"linked_to\"\nmax_hops = 2" } else { "linkage = \"named_only\"" };
    t.push_str(&format!("\n[exclusions]\nactors = [{}]\n{linkage}\n", ex.join(", ")));
    for f in fields {
        for (report, sentence) in &f.sources {
            t.push_str(&format!("\n[[source]]  # {}\nsource = {}\nquote = {}\n", f.field, q(report), q(sentence)));
        }
    }
    t
}

impl Engine {
    /// Proposes an agreement from the reports received by `as_of` (all when `None`).
    pub async fn propose_agreement(&self, as_of: Option<Timestamp>) -> Result<Proposal, EngineError> {
        let as_of = as_of.unwrap_or(Timestamp::MAX);
        let reports = self.reports_as_of(as_of).await?;
        let refdata = crate::pipeline::refdata()?;
        let registry = crate::pipeline::registry()?;
        let readings: Vec<Reading> = reports
            .iter()
            .map(|r| {
                let input = truce_read::ReportInput {
                    id: r.id().as_str(),
                    name: &r.origin.name,
                    text: r.content(),
                    is_html: r.media_type == MediaType::Html,
                    published: r.published_at,
                };
                truce_read::read(&input, refdata).0
            })
            .collect();
        let pairs: Vec<(&Report, &Reading)> = reports.iter().zip(&readings).collect();
        Ok(propose(&pairs, registry))
    }
}
