//! Seed articles (../shared/corpus/seeds) against gold.json: the ceasefire's
//! effective time in UTC, incidents with their governorates, and nothing from
//! the boilerplate listed under `must_not`.
//!
//! The seeds carry no publication date; 000, 001, 003 and 004 are read as
//! published on 2016-12-29 at 23:00 Damascus time (the evening the truce was
//! announced, which their "on Thursday" and "at midnight" wording implies);
//! 002 uses its stated 2016-02-24T22:09:20 (zone not stated, read as Damascus).

use std::path::PathBuf;
use std::sync::OnceLock;

use truce_read::{MentionKind, Modality, Reading, RefData, ReportInput, TermKind, read};

fn refdata() -> &'static RefData {
    static RD: OnceLock<RefData> = OnceLock::new();
    RD.get_or_init(|| RefData::bundled().expect("bundled reference data"))
}

fn seed(name: &str) -> Reading {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/seeds");
    let text = std::fs::read_to_string(dir.join(name)).expect("seed file");
    let local = if name.starts_with("002") { "2016-02-24T22:09:20" } else { "2016-12-29T23:00:00" };
    let published = local
        .parse::<jiff::civil::DateTime>()
        .unwrap()
        .to_zoned_datetime(jiff::tz::TimeZone::get("Asia/Damascus").unwrap())
        .unwrap()
        .timestamp();
    let input = ReportInput { id: name, name, text: &text, is_html: false, published: Some(published) };
    read(&input, refdata()).0
}

fn effective_times(r: &Reading) -> Vec<String> {
    r.mentions
        .iter()
        .filter(|m| matches!(m.kind, MentionKind::Term { kind: TermKind::EffectiveTime, .. }))
        .filter_map(|m| m.time.as_ref().map(|t| t.from().to_string()))
        .collect()
}

#[test]
fn ceasefire_effective_time_is_22z_in_every_source() {
    for f in ["000_a762e6dca4f65dd8.txt", "001_1f3814b626f78fda.txt", "003_093badba0021ab0b.txt"] {
        let r = seed(f);
        let t = effective_times(&r);
        assert!(t.iter().any(|t| t == "2016-12-29T22:00:00Z"), "{f}: effective times {t:?}");
    }
}

#[test]
fn boilerplate_is_not_in_clean_text() {
    let r1 = seed("001_1f3814b626f78fda.txt");
    assert!(!r1.clean.contains("IE 11 is not supported"));
    assert!(!r1.clean.contains("Children walk near a parked ambulance"));
    let r3 = seed("003_093badba0021ab0b.txt");
    assert!(!r3.clean.to_lowercase().contains("akismet"));
    assert!(!r3.clean.contains("Be the first to comment"));
    let r2 = seed("002_f37f7373ef6a1f0a.txt");
    assert!(!r2.clean.contains("Russian Warplanes Strike Almost 200 Terrorist Targets"));
    assert!(!r2.clean.contains("S/SH 11"));
}

#[test]
fn no_incident_from_captions_or_headline_dumps() {
    let r1 = seed("001_1f3814b626f78fda.txt");
    for m in &r1.mentions {
        assert!(!r1.clean[m.evidence.clone()].contains("ambulance"), "caption incident");
    }
    let r4 = seed("004_ffd660cfd10d0f6a.txt");
    for m in &r4.mentions {
        if let Some(t) = &m.time {
            assert!(!t.from().to_string().starts_with("2015-10-2"), "caption date used: {:?}", m);
        }
    }
}

#[test]
fn clashes_after_the_truce_are_incidents_in_hama_and_idlib() {
    let r0 = seed("000_a762e6dca4f65dd8.txt");
    let hama = r0.mentions.iter().any(|m| {
        matches!(m.kind, MentionKind::Incident { .. }) && m.place.as_ref().is_some_and(|p| p.admin1_pcode == "SY05")
    });
    assert!(hama, "no incident in Hama: {:#?}", r0.mentions);
    let r1 = seed("001_1f3814b626f78fda.txt");
    let boundary = r1.mentions.iter().find(|m| {
        matches!(m.kind, MentionKind::Incident { .. })
            && m.modality == Modality::Reported
            && m.place.as_ref().is_some_and(|p| p.admin1_pcode == "SY07" || p.admin1_pcode == "SY05")
    });
    let b = boundary.expect("no incident on the Idlib-Hama boundary");
    let t = b.time.as_ref().expect("anchored time");
    assert_eq!(t.from().to_string(), "2016-12-29T22:00:00Z");
    assert!(t.to() <= "2016-12-30T00:00:00Z".parse::<jiff::Timestamp>().unwrap());
}

#[test]
fn guarantors_are_named() {
    let r3 = seed("003_093badba0021ab0b.txt");
    let keys: Vec<&str> = r3
        .mentions
        .iter()
        .filter(|m| matches!(m.kind, MentionKind::Term { kind: TermKind::Guarantor, .. }))
        .flat_map(|m| m.actors.iter().map(|a| a.key.as_str()))
        .collect();
    for want in ["russia", "turkey", "iran"] {
        assert!(keys.iter().any(|k| k.contains(want)), "guarantor {want} missing from {keys:?}");
    }
}

fn first_place(text: &str) -> Option<(String, String)> {
    let input = ReportInput { id: "t", name: "t", text, is_html: false, published: None };
    let r = read(&input, refdata()).0;
    let m = r.mentions.iter().find(|m| matches!(m.kind, MentionKind::Incident { .. }))?;
    m.place.as_ref().map(|p| (p.name.clone(), p.admin1_pcode.clone()))
}

#[test]
fn ambiguous_villages_follow_the_governorate_named_nearby() {
    // Kawkab exists in Hama, Rural Damascus and Al-Hasakeh.
    let (name, a1) = first_place("Rebels repelled a regime attack on Kawkab town in Hama.").expect("a place");
    assert_eq!((name.as_str(), a1.as_str()), ("Kawkab", "SY05"));
    // "Tal" alone is the At Tall district (Rural Damascus); "Tal Shiha in Hama" is not.
    let (_, a1) = first_place("Rebels regained control over Tal Shiha in Hama.").expect("a place");
    assert_eq!(a1, "SY05");
    // Qualifier-less spelling of "Western Samadaniyeh" (Quneitra).
    let (name, a1) = first_place("Rebels fought regime forces in Samadaniyeh.").expect("a place");
    assert_eq!(a1, "SY14", "{name}");
}

#[test]
fn clashes_in_hama_and_near_damascus_are_two_incidents() {
    let r0 = seed("000_a762e6dca4f65dd8.txt");
    let incident_in = |pcodes: &[&str]| {
        r0.mentions.iter().find(|m| {
            matches!(m.kind, MentionKind::Incident { .. })
                && m.place.as_ref().is_some_and(|p| pcodes.contains(&p.admin1_pcode.as_str()))
                && r0.clean[m.evidence.clone()].contains("near the capital, Damascus")
        })
    };
    let hama = incident_in(&["SY05"]).expect("no incident in Hama");
    let damascus =
        incident_in(&["SY01", "SY03"]).unwrap_or_else(|| panic!("no incident near Damascus: {:#?}", r0.mentions));
    let p = damascus.place.as_ref().expect("place");
    assert_eq!(p.geo_precision, 2, "{p:?}");
    assert_eq!(damascus.evidence, hama.evidence);
    assert_eq!(damascus.actors, hama.actors);
    let t = damascus.time.as_ref().expect("time");
    assert_eq!(t.from().to_string(), "2016-12-29T22:00:00Z");
    assert!(t.to() <= "2016-12-30T06:00:00Z".parse::<jiff::Timestamp>().unwrap(), "{t:?}");
}

#[test]
fn the_envoys_murder_is_an_incident_in_turkey_before_the_truce() {
    // 004: "despite the murder on Monday of Russia's envoy to Turkey" (gold:
    // context, not a violation: Turkey, outside the ceasefire's scope).
    let r = seed("004_ffd660cfd10d0f6a.txt");
    let m = r
        .mentions
        .iter()
        .find(|m| matches!(m.kind, MentionKind::Incident { .. }) && r.clean[m.evidence.clone()].contains("murder"))
        .unwrap_or_else(|| panic!("no incident for the murder: {:#?}", r.mentions));
    let p = m.place.as_ref().expect("a place");
    assert_eq!((p.name.as_str(), p.country.as_str()), ("Turkey", "TR"), "{p:?}");
    assert!(p.admin1_pcode.is_empty(), "{p:?}");
    let t = m.time.as_ref().expect("a time");
    assert!(t.to() < "2016-12-29T22:00:00Z".parse::<jiff::Timestamp>().unwrap(), "{t:?}");
}
