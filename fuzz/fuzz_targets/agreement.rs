//! The agreement-file loader (`truce_engine::agreements::parse`) on arbitrary
//! text, without and with the bundled actor registry: never panics, and what it
//! accepts is an agreement the model can use:
//! - version 0 is always refused, and the version asked for is the one kept;
//! - it cites at least one source; its effective interval is ordered, in a
//!   known IANA zone, and its local start can be rendered;
//! - a registry only adds checks: what parses with it parses the same without
//!   it, and every actor it names (parties, guarantors, exclusions) is in it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use truce_engine::agreements::parse;

fuzz_target!(|text: &str| {
    let registry = truce_engine::actor_registry().expect("bundled registry");
    assert!(parse(text, 0, None).is_err(), "version 0 accepted");
    let bare = parse(text, 3, None);
    let checked = parse(text, 3, Some(registry));
    if let Ok(doc) = &bare {
        let a = &doc.agreement;
        assert_eq!(a.version(), 3);
        assert!(!a.sources().is_empty(), "an agreement without sources");
        let e = &a.effective;
        assert!(e.until().is_none_or(|u| u > e.from()), "effective interval out of order");
        assert!(jiff::tz::TimeZone::get(e.zone()).is_ok(), "unknown zone {:?}", e.zone());
        assert!(!e.local_from().is_empty());
        assert!(e.contains(e.from()));
        for z in &doc.zones {
            let pcodes = match &a.scope {
                truce_model::Scope::Polygons { pcodes, .. } => pcodes,
                other => panic!("zones {:?} but scope {other:?}", z.name),
            };
            assert!(z.pcodes.iter().all(|p| pcodes.contains(p)), "zone p-codes missing from the scope");
        }
    }
    match (&bare, &checked) {
        (Err(_), Ok(_)) => panic!("accepted with a registry but refused without one"),
        (Ok(b), Ok(c)) => {
            assert_eq!(b.agreement, c.agreement);
            assert_eq!(b.zones, c.zones);
            let a = &c.agreement;
            let actors = a
                .parties
                .iter()
                .map(|p| &p.actor)
                .chain(a.guarantors.iter().flat_map(|g| std::iter::once(&g.actor).chain(&g.answers_for_actors)))
                .chain(&a.exclusions.actors);
            for k in actors {
                assert!(registry.get(k).is_some(), "actor {k} not in the registry");
            }
        }
        _ => {}
    }
});
