//! Design §4 on the 30 Dec 2016 ceasefire: violations, exclusions with their
//! chains, time and scope, and properties that must hold for any input.

use jiff::Timestamp;
use truce_judge::judge;
use truce_model::{
    Actor, ActorEdge, ActorKey, Agreement, AgreementKey, AgreementKind, EdgeKind, Effective, Exclusions, GeoPrecision,
    Guarantor, GuarantorRole, Incident, IncidentId, Inter, LinkageRule, PCode, Place, PlaceKind, Registry, ReportId,
    Scope, Side, SourceQuote, Span, SubEventType, TimeRef, Validity, Verdict,
};

fn key(s: &str) -> ActorKey {
    ActorKey::parse(s).unwrap()
}

fn actor(k: &str, name: &str, side: Side, edges: Vec<(EdgeKind, &str, &str)>) -> Actor {
    let mut a = Actor::new(key(k), name, side, Some(Inter::new(2).unwrap()), vec![]).unwrap();
    a.edges = edges
        .into_iter()
        .map(|(kind, to, ev)| ActorEdge::new(kind, key(to), ev, Validity::always()).unwrap())
        .collect();
    a
}

fn registry() -> Registry {
    Registry::new(vec![
        actor("syrian-army", "Military Forces of Syria", Side::Government, vec![]),
        actor("hezbollah", "Hezbollah", Side::ForeignProGovernment, vec![]),
        actor("rebels", "Opposition rebels", Side::Opposition, vec![]),
        actor("jfs", "Jabhat Fateh al-Sham", Side::Jihadist, vec![]),
        actor("isis", "Islamic State", Side::Jihadist, vec![]),
        actor(
            "jund-al-aqsa",
            "Jund al-Aqsa",
            Side::Jihadist,
            vec![(
                EdgeKind::LinkedTo,
                "jfs",
                "Jund al-Aqsa announced it had joined Jabhat Fateh al-Sham in October 2016.",
            )],
        ),
        actor("sohr", "Syrian Observatory for Human Rights", Side::Neutral, vec![]),
        actor("russia", "Russia", Side::ForeignProGovernment, vec![]),
        actor("turkey", "Turkey", Side::ForeignOpposition, vec![]),
        actor("iran", "Iran", Side::ForeignProGovernment, vec![]),
    ])
    .unwrap()
}

fn ceasefire() -> Agreement {
    let from: Timestamp = "2016-12-29T22:00:00Z".parse().unwrap();
    let mut a = Agreement::new(
        AgreementKey::parse("sy-ceasefire-2016-12-30").unwrap(),
        1,
        "Nationwide ceasefire",
        AgreementKind::Ceasefire,
        Scope::Country("SY".into()),
        Effective::new(from, None, "Asia/Damascus").unwrap(),
        Exclusions { actors: vec![key("isis"), key("jfs")], linkage: LinkageRule::LinkedTo { max_hops: 2 } },
        vec![SourceQuote { source: "seed 003".into(), quote: "and \u{201c}groups linked to them.\u{201d}".into() }],
    )
    .unwrap();
    let gov = vec![Side::Government, Side::ProGovernment, Side::ForeignProGovernment];
    a.guarantors = vec![
        Guarantor {
            actor: key("russia"),
            role: GuarantorRole::Guarantee,
            answers_for_actors: vec![],
            answers_for_sides: gov.clone(),
        },
        Guarantor {
            actor: key("turkey"),
            role: GuarantorRole::Guarantee,
            answers_for_actors: vec![],
            answers_for_sides: vec![Side::Opposition],
        },
        Guarantor {
            actor: key("iran"),
            role: GuarantorRole::Monitor,
            answers_for_actors: vec![key("hezbollah")],
            answers_for_sides: gov,
        },
    ];
    a
}

fn incident(id: &str, t: &str, sub: SubEventType, actors: &[&str], admin1: Option<&str>) -> Incident {
    let at: Timestamp = t.parse().unwrap();
    let span = Span::new(ReportId::for_content(id.as_bytes()), 0..10).unwrap();
    let mut i =
        Incident::new(IncidentId::parse(id).unwrap(), sub, TimeRef::instant(at, "in the first hours"), vec![span])
            .unwrap();
    i.actors = actors.iter().map(|a| key(a)).collect();
    i.place = admin1.map(|c| {
        Place::new(
            "Hama",
            PlaceKind::Governorate,
            [Some(PCode::parse(c).unwrap()), None, None],
            None,
            GeoPrecision::Region,
        )
        .unwrap()
    });
    i
}

#[test]
fn a_clash_after_midnight_is_a_violation_and_both_guarantors_are_told() {
    let r = judge(
        &incident(
            "inc-hama",
            "2016-12-29T23:30:00Z",
            SubEventType::ArmedClash,
            &["syrian-army", "rebels"],
            Some("SY05"),
        ),
        &ceasefire(),
        &registry(),
    );
    assert_eq!(r.verdict, Verdict::Violation, "{:#?}", r.trace());
    assert_eq!(r.responsible, [key("syrian-army"), key("rebels")]);
    assert_eq!(r.guarantors, [key("russia"), key("iran"), key("turkey")]);
    let trace = r.trace().join("\n");
    assert!(trace.contains("2016-12-30 01:30 EET"), "local time in the trace:\n{trace}");
    assert!(trace.contains("2016-12-29T22:00:00Z"), "UTC start in the trace:\n{trace}");
    assert!((0.0..=1.0).contains(&r.confidence()));
}

#[test]
fn one_sided_attacks_hold_the_attacker_responsible() {
    let r = judge(
        &incident(
            "inc-shell",
            "2016-12-30T05:00:00Z",
            SubEventType::ShellingArtilleryMissileAttack,
            &["rebels", "syrian-army"],
            None,
        ),
        &ceasefire(),
        &registry(),
    );
    assert_eq!(r.verdict, Verdict::Violation);
    assert_eq!(r.responsible, [key("rebels")]);
    assert_eq!(r.guarantors, [key("turkey")]);
}

#[test]
fn events_before_the_start_are_not_covered() {
    let r = judge(
        &incident(
            "inc-aleppo",
            "2016-12-22T12:00:00Z",
            SubEventType::GovernmentRegainsTerritory,
            &["syrian-army"],
            Some("SY02"),
        ),
        &ceasefire(),
        &registry(),
    );
    assert_eq!(r.verdict, Verdict::NotCovered);
    assert!(r.trace()[0].contains("ends before the agreement takes effect"), "{:?}", r.trace());
}

#[test]
fn excluded_and_linked_groups_give_excluded_party_with_the_chain() {
    let reg = registry();
    let r = judge(
        &incident("inc-jfs", "2016-12-30T05:00:00Z", SubEventType::AirDroneStrike, &["syrian-army", "jfs"], None),
        &ceasefire(),
        &reg,
    );
    assert_eq!(r.verdict, Verdict::ExcludedParty);
    assert!(r.trace().iter().any(|t| t.contains("Jabhat Fateh al-Sham is named in the exclusions")));
    let r = judge(
        &incident("inc-jaa", "2016-12-30T05:00:00Z", SubEventType::ArmedClash, &["rebels", "jund-al-aqsa"], None),
        &ceasefire(),
        &reg,
    );
    assert_eq!(r.verdict, Verdict::ExcludedParty);
    let t = r.trace().join("\n");
    assert!(t.contains("Jund al-Aqsa linked_to Jabhat Fateh al-Sham (evidence: Jund al-Aqsa announced"), "{t}");
}

#[test]
fn a_signatory_is_never_excluded_by_linkage() {
    use truce_model::{Party, PartyRole};
    let mut a = ceasefire();
    a.parties.push(Party { actor: key("jund-al-aqsa"), role: PartyRole::Signatory });
    let r = judge(
        &incident("inc-s", "2016-12-30T05:00:00Z", SubEventType::ArmedClash, &["syrian-army", "jund-al-aqsa"], None),
        &a,
        &registry(),
    );
    assert_eq!(r.verdict, Verdict::Violation, "a signatory is covered: {:?}", r.trace());
    assert!(r.responsible.contains(&key("jund-al-aqsa")));
    a.exclusions.actors.push(key("jund-al-aqsa"));
    let r = judge(
        &incident("inc-s", "2016-12-30T05:00:00Z", SubEventType::ArmedClash, &["syrian-army", "jund-al-aqsa"], None),
        &a,
        &registry(),
    );
    assert_eq!(r.verdict, Verdict::ExcludedParty, "named exclusion still applies");
}

#[test]
fn unknown_actors_and_scoped_agreements() {
    let r = judge(
        &incident("inc-x", "2016-12-30T05:00:00Z", SubEventType::ArmedClash, &[], None),
        &ceasefire(),
        &registry(),
    );
    assert_eq!(r.verdict, Verdict::Undetermined);
    let mut local = ceasefire();
    local.scope = Scope::Units { pcodes: vec![PCode::parse("SY07").unwrap()], settlements: vec![] };
    let hama =
        incident("inc-h", "2016-12-30T05:00:00Z", SubEventType::ArmedClash, &["syrian-army", "rebels"], Some("SY05"));
    assert_eq!(judge(&hama, &local, &registry()).verdict, Verdict::NotCovered);
    let idlib =
        incident("inc-i", "2016-12-30T05:00:00Z", SubEventType::ArmedClash, &["syrian-army", "rebels"], Some("SY07"));
    assert_eq!(judge(&idlib, &local, &registry()).verdict, Verdict::Violation);
}

#[test]
fn property_nothing_before_the_effective_time_is_a_violation() {
    let reg = registry();
    let agreement = ceasefire();
    let start: Timestamp = "2016-12-29T22:00:00Z".parse().unwrap();
    let subs = [SubEventType::ArmedClash, SubEventType::AirDroneStrike, SubEventType::Attack];
    let sides = [["syrian-army", "rebels"], ["rebels", "hezbollah"], ["hezbollah", "syrian-army"]];
    // A deterministic sweep of minutes before the start (1 minute to ~2 years).
    let mut minutes = 1i64;
    while minutes < 1_100_000 {
        for (i, sub) in subs.iter().enumerate() {
            let at = start.checked_sub(jiff::SignedDuration::from_mins(minutes)).unwrap();
            let inc = incident("inc-p", &at.to_string(), *sub, &sides[i], Some("SY05"));
            let r = judge(&inc, &agreement, &reg);
            assert_ne!(r.verdict, Verdict::Violation, "{at}");
        }
        minutes = minutes * 3 / 2 + 1;
    }
}

#[test]
fn property_a_ruling_does_not_depend_on_other_agreements() {
    // judge takes exactly one agreement: rulings against A are the same whatever
    // else is in force. Check that judging against B in between changes nothing.
    let reg = registry();
    let a = ceasefire();
    let mut b = ceasefire();
    b.exclusions.actors.push(key("rebels"));
    let inc = incident(
        "inc-hama",
        "2016-12-29T23:30:00Z",
        SubEventType::ArmedClash,
        &["syrian-army", "rebels"],
        Some("SY05"),
    );
    let before = judge(&inc, &a, &reg);
    let _ = judge(&inc, &b, &reg);
    assert_eq!(judge(&inc, &a, &reg), before);
}

#[test]
fn an_attack_abroad_is_not_covered_by_a_ceasefire_in_syria() {
    let mut i = incident("inc-ankara", "2016-12-30T10:00:00Z", SubEventType::Attack, &["rebels"], None);
    i.place =
        Some(Place::abroad("Ankara", "TR", truce_model::LatLon::new(39.93, 32.86).ok(), GeoPrecision::Exact).unwrap());
    let r = judge(&i, &ceasefire(), &registry());
    assert_eq!(r.verdict, Verdict::NotCovered, "{:#?}", r.trace());
    let trace = r.trace().join("\n");
    assert!(trace.contains("place: not covered: Ankara lies in TR"), "{trace}");
    assert!(r.guarantors.is_empty());
}
