//! The engine end to end on both stores: the bundled seed reports, the shipped
//! agreements, judging, recording, as-of replay and the audit chain.

use truce_engine::{Engine, EngineConfig, IngestConfig, JudgeRequest};
use truce_test_support::TestDb;

async fn engine(db: &TestDb) -> Engine {
    Engine::open(EngineConfig { db_url: db.url.clone(), ingest: IngestConfig { max_size: 20 << 20 } }).await.unwrap()
}

#[tokio::test]
async fn seeds_are_judged_against_the_december_ceasefire_and_replay_sees_less() {
    for db in TestDb::both().await {
        let e = engine(&db).await;
        let loaded = e.load_examples().await.unwrap();
        assert_eq!(loaded.stored(), 5, "{}", db.url);
        let live = e.judge(&JudgeRequest::default()).await.unwrap();
        assert_eq!(live.reports, 5);
        // A clash in Hama after 22:00Z on 29 December is a violation of the
        // 30 Dec 2016 ceasefire, and Russia and Turkey are both told.
        let hama = live
            .rulings
            .iter()
            .find(|r| {
                r.agreement.key == "sy-ceasefire-2016-12-30"
                    && r.verdict == "violation"
                    && r.incident.admin1_pcode.as_deref() == Some("SY05")
            })
            .unwrap_or_else(|| {
                panic!(
                    "{}: no Hama violation in {:#?}",
                    db.url,
                    live.rulings.iter().map(|r| (&r.verdict, &r.incident.admin1)).collect::<Vec<_>>()
                )
            });
        // The same sentence of 000 reports clashes near the capital too: a second incident.
        let damascus = live.rulings.iter().find(|r| {
            r.agreement.key == "sy-ceasefire-2016-12-30"
                && r.verdict == "violation"
                && matches!(r.incident.admin1_pcode.as_deref(), Some("SY01" | "SY03"))
        });
        assert!(damascus.is_some(), "{}: no violation near Damascus", db.url);
        // The murder of Russia's envoy to Turkey (004, "on Monday", 19 December)
        // happened abroad and before the truce: not covered, with the reason.
        let envoy = live
            .rulings
            .iter()
            .find(|r| {
                r.agreement.key == "sy-ceasefire-2016-12-30"
                    && r.incident.mentions.iter().any(|m| m.text.contains("envoy to Turkey"))
            })
            .unwrap_or_else(|| panic!("{}: no ruling on the envoy's murder", db.url));
        assert_eq!(envoy.verdict, "not_covered", "{:#?}", envoy.trace);
        assert_eq!(envoy.incident.location.as_deref(), Some("Turkey"));
        assert!(envoy.incident.admin1.is_none());
        assert!(envoy.trace.iter().any(|t| t.starts_with("time: not covered")), "{:#?}", envoy.trace);
        let told = hama.guarantors.join(" | ");
        assert!(told.contains("Russia") && told.contains("Turkey"), "{told}");
        assert!(hama.trace.iter().any(|t| t.starts_with("time: in force")), "{:?}", hama.trace);
        // Every ruling's incident rests on evidence.
        assert!(live.rulings.iter().all(|r| !r.incident.mentions.is_empty() && !r.trace.is_empty()));
        let rec = live.recorded.unwrap();
        assert_eq!(rec.incidents_new, live.incidents.len());
        // Judging again changes nothing and records nothing.
        let again = e.judge(&JudgeRequest::default()).await.unwrap();
        let rec2 = again.recorded.unwrap();
        assert_eq!((rec2.incidents_new, rec2.incidents_changed, rec2.rulings_new, rec2.rulings_changed), (0, 0, 0, 0));
        // As of 20:00Z on 29 December only three reports had arrived, and nothing
        // could yet violate a ceasefire starting at 22:00Z.
        let replay = e
            .judge(&JudgeRequest { as_of: Some("2016-12-29T20:00:00Z".parse().unwrap()), agreement: None })
            .await
            .unwrap();
        assert_eq!(replay.reports, 3);
        assert!(replay.recorded.is_none(), "a replay records nothing");
        assert!(
            !replay.rulings.iter().any(|r| r.agreement.key == "sy-ceasefire-2016-12-30" && r.verdict == "violation"),
            "{:#?}",
            replay.rulings
        );
        // Filtering by agreement, and a clear error for an unknown one.
        let only = e.judge(&JudgeRequest { as_of: None, agreement: Some("sy-coh-2016-02-27".into()) }).await.unwrap();
        assert!(only.rulings.iter().all(|r| r.agreement.key == "sy-coh-2016-02-27"));
        let err = e.judge(&JudgeRequest { as_of: None, agreement: Some("nope".into()) }).await.unwrap_err();
        assert!(err.to_string().contains("no such agreement"), "{err}");
        let audit = e.audit_verify().await.unwrap();
        assert!(audit.first_break.is_none());
        e.close().await;
    }
}

#[tokio::test]
async fn agreement_edits_make_new_versions_that_rulings_use() {
    let db = TestDb::sqlite();
    let e = engine(&db).await;
    let versions = e.agreement_versions("sy-ceasefire-2016-12-30").await.unwrap();
    assert_eq!(versions.len(), 1, "a new store starts with the shipped agreements");
    let edited = versions[0].body.replace("ack_minutes = 30", "ack_minutes = 45");
    assert_ne!(edited, versions[0].body);
    let (key, v, new) = e.add_agreement(&edited).await.unwrap();
    assert_eq!((key.as_str(), v, new), ("sy-ceasefire-2016-12-30", 2, true));
    let (_, v, new) = e.add_agreement(&edited).await.unwrap();
    assert_eq!((v, new), (2, false));
    e.load_examples().await.unwrap();
    let live = e.judge(&JudgeRequest::default()).await.unwrap();
    assert!(
        live.rulings.iter().filter(|r| r.agreement.key == "sy-ceasefire-2016-12-30").all(|r| r.agreement.version == 2)
    );
    let err = e.add_agreement("key = \"x\"\n").await.unwrap_err();
    assert!(err.to_string().contains("missing field"), "{err}");
}

#[tokio::test]
async fn the_seeds_propose_the_december_ceasefire_with_sources() {
    let db = TestDb::sqlite();
    let e = engine(&db).await;
    e.load_examples().await.unwrap();
    let p = e.propose_agreement(None).await.unwrap();
    let field = |f: &str| p.fields.iter().find(|x| x.field == f).map(|x| x.value.clone());
    for f in &p.fields {
        eprintln!("{} = {} ({} sources)", f.field, f.value, f.sources.len());
        assert!(!f.sources.is_empty(), "{} has no source", f.field);
    }
    assert!(
        field("effective.from_local").is_some_and(|v| v.contains("2016-12-29T22:00:00Z")),
        "{:?}",
        field("effective.from_local")
    );
    assert_eq!(field("scope.country").as_deref(), Some("SY"));
    assert_eq!(field("signatory_count").as_deref(), Some("7"));
    assert_eq!(field("fighters_covered").as_deref(), Some("62000"));
    assert_eq!(field("instruments").as_deref(), Some("3"));
    for g in ["russia", "turkey", "iran"] {
        assert!(field(&format!("guarantor.{g}")).is_some(), "guarantor {g} missing: {:#?}", p.fields);
    }
    assert!(field("guarantor.russia").unwrap().contains("government"));
    assert!(field("guarantor.turkey").unwrap().contains("opposition"));
    assert!(field("guarantor.iran").unwrap().starts_with("monitor for government"), "{:?}", field("guarantor.iran"));
    assert!(field("guarantor.russia").unwrap().starts_with("guarantee"));
    assert!(
        field("exclusions.islamic-state").is_some() && field("exclusions.nusra-jfs-hts").is_some(),
        "{:#?}",
        p.fields
    );
    assert_eq!(field("exclusions.linkage").as_deref(), Some("linked_to"));
    // The draft is a valid agreement file; adding it is the person's confirmation.
    let (key, v, new) = e.add_agreement(&p.toml).await.unwrap_or_else(|err| panic!("{err}\n{}", p.toml));
    assert_eq!((key.as_str(), v, new), ("draft-ceasefire-2016-12-30", 1, true));
}

#[tokio::test]
async fn the_ledger_counts_local_truces_and_aid_per_governorate() {
    use truce_engine::{Ledger, LedgerEntry, Period};
    for db in TestDb::both().await {
        let e = engine(&db).await;
        let day = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
        let add = |ledger, place: &str, pcode: Option<&str>, d: &str, status: &str| LedgerEntry {
            ledger,
            place: place.into(),
            pcode: pcode.map(Into::into),
            day: day(d),
            detail: "syria-government,opposition-rebels".into(),
            status: status.into(),
            source: "Hmeymim reconciliation centre".into(),
        };
        e.add_ledger_entry(&add(Ledger::LocalAgreements, "Kinsabba", Some("SY060300"), "2016-02-25", "in_force"))
            .await
            .unwrap();
        e.add_ledger_entry(&add(Ledger::LocalAgreements, "Salma", Some("SY0603"), "2016-02-26", "in_force"))
            .await
            .unwrap();
        e.add_ledger_entry(&add(Ledger::AidDeliveries, "Madaya", None, "2016-03-02", "delivered")).await.unwrap();
        let bad = e
            .add_ledger_entry(&add(Ledger::AidDeliveries, "Madaya", None, "2016-03-02", "teleported"))
            .await
            .unwrap_err();
        assert!(bad.to_string().contains("expected one of planned, delivered, blocked"), "{bad}");
        let counts = e.ledger_counts(day("2016-02-01"), day("2016-03-31"), Period::Month).await.unwrap();
        let feb = counts.iter().find(|c| c.period == "2016-02-01" && c.admin1_pcode == "SY06").unwrap();
        assert_eq!(feb.local.get("in_force"), Some(&2), "{}: {counts:?}", db.url);
        let mar = counts.iter().find(|c| c.period == "2016-03-01").unwrap();
        assert_eq!((mar.admin1_pcode.as_str(), mar.aid.get("delivered")), ("unknown", Some(&1)));
    }
}

#[tokio::test]
async fn the_bulletin_counts_referrals_by_guarantor_and_state() {
    for db in TestDb::both().await {
        let e = engine(&db).await;
        e.load_examples().await.unwrap();
        let req = truce_engine::BulletinRequest {
            agreement: Some("sy-ceasefire-2016-12-30".into()),
            date: "2016-12-30".parse().unwrap(),
            cutoff: Some("22:00".parse().unwrap()),
            tz: Some("UTC".into()),
        };
        // Judged but not yet referred: the table is there and empty.
        e.judge(&JudgeRequest::default()).await.unwrap();
        let before = e.bulletin(&req).await.unwrap();
        assert_eq!(before.content.sections[0].referrals, Some(Vec::new()), "{}", db.url);
        let (_, created) = e.judge_and_refer().await.unwrap();
        assert!(!created.is_empty(), "{}: the violations are referred", db.url);
        // Turkey acknowledges one case; the rest pass their deadline and escalate.
        let turkey = created.iter().find(|r| r.summary.guarantor_name.contains("Turkey")).unwrap();
        e.acknowledge(&turkey.id, "turkey-desk").await.unwrap().unwrap();
        let later = truce_engine::Engine::now() + jiff::SignedDuration::from_hours(2);
        let escalated = e.escalate_due_at(later).await.unwrap();
        assert_eq!(escalated.len(), created.len() - 1, "{}", db.url);
        let b = e.bulletin(&req).await.unwrap();
        let sec = &b.content.sections[0];
        let rows = sec.referrals.as_ref().unwrap();
        let get = |label: &str| {
            rows.iter().find(|r| r.label == label).unwrap_or_else(|| panic!("{}: no {label:?} in {rows:#?}", db.url))
        };
        let violations = sec.violations.period;
        for g in ["Government of Russia (2000-)", "Government of Turkey (2016-)"] {
            let referred = get(&format!("{g}: referred"));
            assert_eq!(referred.period, violations, "{}: each violation of the period is referred to {g}", db.url);
            assert!(referred.total >= referred.period && referred.total >= referred.previous);
            let states: u32 =
                ["acknowledged", "open", "escalated"].iter().map(|s| get(&format!("{g}: {s}")).total).sum();
            assert_eq!(states, referred.total, "{}: every referral is in one state", db.url);
        }
        assert_eq!(get("Government of Turkey (2016-): acknowledged").total, 1);
        assert_eq!(get("Government of Russia (2000-): acknowledged").total, 0);
        assert_eq!(get("Government of Russia (2000-): open").total, 0);
        assert!(sec.referral_states_at.is_some());
        // Every format shows the table.
        let md = String::from_utf8(truce_engine::render_bulletin(&b, truce_engine::BulletinFormat::Md)).unwrap();
        assert!(md.contains("| Government of Turkey (2016-): acknowledged | 1 | 0 | 1 |"), "{md}");
        e.close().await;
    }
}

/// The live server judges after every upload; readings are kept between runs,
/// so a run reads only the reports that are new, and rules as a fresh engine
/// (reading everything) would.
#[tokio::test]
async fn a_second_judge_reads_only_new_reports_and_rules_as_a_fresh_engine() {
    for db in TestDb::both().await {
        let e = engine(&db).await;
        e.load_examples().await.unwrap();
        let first = e.judge(&JudgeRequest::default()).await.unwrap();
        let s = e.reading_cache_stats();
        assert_eq!((s.entries, s.misses, s.hits), (5, 5, 0), "{}", db.url);
        let text = "Syrian government forces shelled rebel positions in the town of Khan Shaykhun in Idlib \
                    province on Saturday, killing four civilians, the Syrian Observatory for Human Rights said.";
        e.ingest_document("khan-shaykhun.txt", text.as_bytes(), Some("monitor".into()), None).await.unwrap();
        let second = e.judge(&JudgeRequest::default()).await.unwrap();
        let s = e.reading_cache_stats();
        // Only the new report is read; the kept merge holds the other five, so
        // their readings are not even looked up.
        assert_eq!((s.entries, s.misses, s.hits), (6, 6, 0), "{}: only the new report is read", db.url);
        assert_eq!(e.merge_stats().continued, 2, "{}", db.url);
        assert_eq!(second.reports, first.reports + 1);
        let key = |a: &truce_engine::Analysis| {
            let mut v: Vec<_> =
                a.rulings.iter().map(|r| (r.incident.id.clone(), r.agreement.key.clone(), r.verdict.clone())).collect();
            v.sort();
            v
        };
        let fresh = engine(&db).await;
        let again = fresh.judge(&JudgeRequest::default()).await.unwrap();
        assert_eq!(fresh.reading_cache_stats().misses, 6);
        assert_eq!(key(&again), key(&second), "{}: cached readings rule differently", db.url);
        let rec = again.recorded.unwrap();
        assert_eq!((rec.incidents_changed, rec.rulings_changed), (0, 0), "{}", db.url);
    }
}

#[tokio::test]
async fn judging_after_each_upload_continues_the_merge_and_rules_as_a_fresh_engine() {
    // Three reports of one shelling, from three sources, and one of another
    // event; the last to arrive was received before the others (back-loaded),
    // so it sorts first and founds the incident.
    let at =
        |h: i64| Some("2017-01-09T06:00:00Z".parse::<jiff::Timestamp>().unwrap() + jiff::SignedDuration::from_hours(h));
    let uploads = [
        (
            "monitor.txt",
            "Syrian government forces shelled rebel positions in the town of Khan Shaykhun in Idlib province \
             on Saturday, killing four civilians, the Syrian Observatory for Human Rights said.",
            "monitor",
            at(2),
        ),
        (
            "outlet.txt",
            "Government artillery shelled Khan Shaykhun in Idlib province on Saturday, killing four civilians, \
             residents told reporters.",
            "outlet",
            at(3),
        ),
        (
            "aleppo.txt",
            "Warplanes struck the town of al-Bab in Aleppo province on Sunday, killing six people, a monitor said.",
            "wire",
            at(4),
        ),
        (
            "backloaded.txt",
            "Syrian army shelling killed five civilians in Khan Shaykhun in Idlib province on Saturday, \
             activists said.",
            "activists",
            at(1),
        ),
    ];
    for db in TestDb::both().await {
        let e = engine(&db).await;
        let mut live = Vec::new();
        for (name, text, source, received) in &uploads {
            e.ingest_document(name, text.as_bytes(), Some((*source).into()), *received).await.unwrap();
            live.push(e.judge(&JudgeRequest::default()).await.unwrap());
        }
        let stats = e.merge_stats();
        assert_eq!(stats.reports, 4, "{}", db.url);
        assert_eq!((stats.continued, stats.restarted), (3, 1), "{}: only the back-loaded report restarts", db.url);
        // A replay as of an earlier time has fewer reports: it merges from the
        // start and leaves the kept merge alone.
        let replay = e.judge(&JudgeRequest { as_of: at(2), agreement: None }).await.unwrap();
        assert_eq!(e.merge_stats(), truce_engine::MergeStats { restarted: 2, ..stats }, "{}", db.url);
        let khan = |a: &truce_engine::Analysis| -> Vec<truce_engine::records::IncidentRecord> {
            a.incidents
                .iter()
                .filter(|i| i.location.as_deref().is_some_and(|l| l.starts_with("Khan Shay")))
                .cloned()
                .collect()
        };
        let one = |v: Vec<truce_engine::records::IncidentRecord>| {
            assert_eq!(v.len(), 1, "{}: {v:#?}", db.url);
            v[0].clone()
        };
        let then = one(khan(&replay));
        assert_eq!((then.sources, then.mentions[0].report.as_str()), (2, "backloaded.txt"), "{}", db.url);

        let fresh = engine(&db).await;
        let whole = fresh.judge(&JudgeRequest::default()).await.unwrap();
        let last = live.last().unwrap();
        assert_eq!(whole.incidents, last.incidents, "{}: incidents differ from a fresh merge", db.url);
        assert_eq!(whole.rulings, last.rulings, "{}", db.url);
        assert_eq!(whole.facts, last.facts, "{}", db.url);
        assert_eq!(whole.contradictions, last.contradictions, "{}", db.url);
        let rec = whole.recorded.unwrap();
        assert_eq!((rec.incidents_new, rec.incidents_changed, rec.rulings_changed), (0, 0, 0), "{}", db.url);

        // The shelling is one incident from three sources, founded by the
        // report received first, whichever was uploaded first.
        let now = one(khan(last));
        assert_eq!((now.sources, now.mentions[0].report.as_str()), (3, "backloaded.txt"), "{}", db.url);
        assert_eq!(now.id, then.id, "{}", db.url);
        // Before the back-loaded report, the monitor's and the outlet's accounts
        // were too far apart to join: two incidents of one source each. The
        // back-loaded account is close to both and, arriving first in order,
        // joins them.
        let before = khan(&live[2]);
        let founders: Vec<(u32, &str)> = before.iter().map(|i| (i.sources, i.mentions[0].report.as_str())).collect();
        assert_eq!(founders, [(1, "monitor.txt"), (1, "outlet.txt")], "{}", db.url);
        assert!(before.iter().all(|i| i.id != now.id), "{}", db.url);
    }
}
