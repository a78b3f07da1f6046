//! Properties of adjudication and time conversion over generated inputs.

use jiff::{SignedDuration, Timestamp, tz::TimeZone};
use proptest::prelude::*;
use truce_judge::judge;
use truce_model::{
    Actor, ActorKey, Agreement, AgreementKey, AgreementKind, Effective, Exclusions, Guarantor, GuarantorRole, Incident,
    IncidentId, Inter, LinkageRule, Precision, Registry, ReportId, Scope, Side, SourceQuote, Span, SubEventType,
    TimeRef, Verdict,
};

const KEYS: [(&str, Side); 5] = [
    ("army", Side::Government),
    ("militia", Side::ProGovernment),
    ("rebels", Side::Opposition),
    ("isis", Side::Jihadist),
    ("unknown-group", Side::Unknown),
];

fn key(s: &str) -> ActorKey {
    ActorKey::parse(s).unwrap()
}

fn registry() -> Registry {
    let mut actors: Vec<Actor> = KEYS
        .iter()
        .map(|(k, side)| Actor::new(key(k), *k, *side, Some(Inter::new(2).unwrap()), vec![]).unwrap())
        .collect();
    actors.push(Actor::new(key("russia"), "Russia", Side::ForeignProGovernment, None, vec![]).unwrap());
    actors.push(Actor::new(key("turkey"), "Turkey", Side::ForeignOpposition, None, vec![]).unwrap());
    Registry::new(actors).unwrap()
}

fn agreement(key_: &str, start: Timestamp) -> Agreement {
    let mut a = Agreement::new(
        AgreementKey::parse(key_).unwrap(),
        1,
        "test",
        AgreementKind::Ceasefire,
        Scope::Country("SY".into()),
        Effective::new(start, None, "Asia/Damascus").unwrap(),
        Exclusions { actors: vec![key("isis")], linkage: LinkageRule::LinkedTo { max_hops: 2 } },
        vec![SourceQuote { source: "s".into(), quote: "q".into() }],
    )
    .unwrap();
    a.guarantors = vec![
        Guarantor {
            actor: key("russia"),
            role: GuarantorRole::Guarantee,
            answers_for_actors: vec![],
            answers_for_sides: vec![Side::Government, Side::ProGovernment],
        },
        Guarantor {
            actor: key("turkey"),
            role: GuarantorRole::Guarantee,
            answers_for_actors: vec![],
            answers_for_sides: vec![Side::Opposition],
        },
    ];
    a
}

const SUBS: [SubEventType; 4] = [
    SubEventType::ArmedClash,
    SubEventType::AirDroneStrike,
    SubEventType::Attack,
    SubEventType::ShellingArtilleryMissileAttack,
];

prop_compose! {
    fn incident()(offset_min in -100_000i64..100_000, width_min in 0i64..3000, sub in 0usize..4,
                  actors in proptest::collection::vec(0usize..5, 0..3)) -> (i64, Incident) {
        let start: Timestamp = "2016-12-29T22:00:00Z".parse().unwrap();
        let from = start.checked_add(SignedDuration::from_mins(offset_min)).unwrap();
        let to = from.checked_add(SignedDuration::from_mins(width_min)).unwrap();
        let span = Span::new(ReportId::for_content(b"p"), 0..1).unwrap();
        let time = TimeRef::new(from, to, Precision::Hour, "generated").unwrap();
        let mut inc = Incident::new(IncidentId::parse("inc-p").unwrap(), SUBS[sub], time, vec![span]).unwrap();
        inc.actors = actors.iter().map(|i| key(KEYS[*i].0)).collect();
        inc.actors.dedup();
        (offset_min, inc)
    }
}

proptest! {
    #[test]
    fn nothing_that_ends_before_the_start_is_a_violation((_, inc) in incident()) {
        let start: Timestamp = "2016-12-29T22:00:00Z".parse().unwrap();
        let r = judge(&inc, &agreement("a", start), &registry());
        if inc.time.to() < start {
            prop_assert_eq!(r.verdict, Verdict::NotCovered);
        }
        if r.verdict == Verdict::Violation {
            prop_assert!(inc.time.from() >= start);
            prop_assert!(!r.guarantors.is_empty() || r.responsible.iter().all(|a| a.as_str() == "unknown-group"));
        }
        prop_assert!(!r.trace().is_empty());
        prop_assert!((0.0..=1.0).contains(&r.confidence()));
    }

    #[test]
    fn an_excluded_actor_in_force_is_always_excluded_party((_, mut inc) in incident()) {
        let start: Timestamp = "2016-12-29T22:00:00Z".parse().unwrap();
        inc.actors.push(key("isis"));
        let r = judge(&inc, &agreement("a", start), &registry());
        if inc.time.from() >= start {
            prop_assert_eq!(r.verdict, Verdict::ExcludedParty);
        }
    }

    #[test]
    fn rulings_do_not_depend_on_other_agreements((_, inc) in incident(), other_offset in -10_000i64..10_000) {
        let start: Timestamp = "2016-12-29T22:00:00Z".parse().unwrap();
        let reg = registry();
        let a = agreement("a", start);
        let b = agreement("b", start.checked_add(SignedDuration::from_mins(other_offset)).unwrap());
        let alone = judge(&inc, &a, &reg);
        let _ = judge(&inc, &b, &reg);
        prop_assert_eq!(judge(&inc, &a, &reg), alone);
    }

    #[test]
    fn local_times_round_trip_through_utc_in_damascus(secs in 1_262_304_000i64..1_735_689_600) {
        // 2010–2025: across Syria's DST rules and their 2022 abolition.
        let tz = TimeZone::get("Asia/Damascus").unwrap();
        let t = Timestamp::from_second(secs).unwrap();
        let local = t.to_zoned_datetime(tz.clone());
        let back = local.datetime().to_zoned_datetime(tz.clone()).unwrap();
        // Ambiguous local times (the autumn fall-back hour) may resolve to the other instant.
        let diff = (back.timestamp().as_second() - secs).abs();
        prop_assert!(diff == 0 || diff == 3600, "{t} -> {local} -> {back}");
        let eff = Effective::new(t, None, "Asia/Damascus").unwrap();
        prop_assert!(eff.local_from().contains("[Asia/Damascus]"));
        prop_assert!(eff.contains(t));
    }
}
