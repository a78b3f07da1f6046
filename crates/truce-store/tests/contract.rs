//! The store contract: the same tests on SQLite and on PostgreSQL.

use jiff::Timestamp;
use truce_model::{MediaType, Report, ReportId, SourceInfo};
use truce_store::{NewEvent, Store, StoreError, Stored};
use truce_test_support::TestDb;

#[path = "contract/jobs.rs"]
mod jobs;

fn report(text: &str, received: &str) -> Report {
    let origin = SourceInfo {
        source: Some("Reuters".into()),
        url: Some("https://example.org/a".into()),
        name: format!("{text}.txt"),
    };
    Report::new(text.to_owned(), MediaType::Text, origin, received.parse().unwrap(), None).unwrap()
}

fn now() -> Timestamp {
    "2016-12-30T02:00:00Z".parse().unwrap()
}

async fn each_store(f: impl AsyncFn(Store, &TestDb)) {
    for db in TestDb::both().await {
        let store = Store::open(&db.url).await.unwrap_or_else(|e| panic!("{}: {e}", db.url));
        f(store.clone(), &db).await;
        store.close().await;
    }
}

#[tokio::test]
async fn same_content_is_stored_once() {
    each_store(async |store, db| {
        let a = report("clashes in Hama", "2016-12-30T00:10:00Z");
        let b = report("clashes near Damascus", "2016-12-30T00:20:00Z");
        let first = store.insert_reports(&[a.clone(), b.clone()], now()).await.unwrap();
        assert_eq!(first, vec![Stored::New, Stored::New], "{}", db.url);
        let again = store.insert_reports(&[a.clone(), b], now()).await.unwrap();
        assert_eq!(again, vec![Stored::AlreadyKnown, Stored::AlreadyKnown]);
        assert_eq!(store.report_count().await.unwrap(), 2);
        let got = store.report(a.id()).await.unwrap();
        assert_eq!(got, a);
        let chain = store.verify_chain().await.unwrap();
        assert_eq!(chain.entries, 2, "one event per new report, none for repeats");
        assert!(chain.first_break.is_none());
    })
    .await;
}

#[tokio::test]
async fn duplicates_within_one_batch_are_stored_once() {
    each_store(async |store, _| {
        let a = report("same", "2016-12-30T00:10:00Z");
        let out = store.insert_reports(&[a.clone(), a], now()).await.unwrap();
        assert_eq!(out, vec![Stored::New, Stored::AlreadyKnown]);
        assert_eq!(store.report_count().await.unwrap(), 1);
    })
    .await;
}

#[tokio::test]
async fn missing_report_is_not_found() {
    each_store(async |store, _| {
        let err = store.report(&ReportId::for_content(b"nothing")).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound { entity: "report", .. }), "{err}");
    })
    .await;
}

#[tokio::test]
async fn as_of_paging_sees_only_reports_received_by_then() {
    each_store(async |store, _| {
        let reports: Vec<Report> =
            (0..7).map(|i| report(&format!("r{i}"), &format!("2016-12-30T0{i}:00:00Z"))).collect();
        store.insert_reports(&reports, now()).await.unwrap();
        let as_of: Timestamp = "2016-12-30T03:30:00Z".parse().unwrap();
        let (mut seen, mut cursor) = (Vec::new(), 0);
        loop {
            let (page, next) = store.reports_page(as_of, cursor, 2).await.unwrap();
            if page.is_empty() {
                break;
            }
            seen.extend(page.into_iter().map(|r| r.origin.name));
            cursor = next;
        }
        assert_eq!(seen, ["r0.txt", "r1.txt", "r2.txt", "r3.txt"]);
    })
    .await;
}

#[tokio::test]
async fn events_chain_and_reports_are_append_only() {
    each_store(async |store, db| {
        store.insert_reports(&[report("a", "2016-12-30T00:10:00Z")], now()).await.unwrap();
        let seq = store
            .append_event(&NewEvent::new("agreement.added", "sy-ceasefire-2016-12-30", "{}"), now())
            .await
            .unwrap();
        assert_eq!(seq, 2);
        let chain = store.verify_chain().await.unwrap();
        assert_eq!((chain.entries, chain.first_break), (2, None));
        // The database itself refuses to rewrite history.
        let refused = match &store {
            Store::Sqlite(p) => sqlx::query("UPDATE events SET payload = 'x'").execute(p).await.is_err(),
            Store::Postgres(p) => sqlx::query("UPDATE events SET payload = 'x'").execute(p).await.is_err(),
        };
        assert!(refused, "{}: events must be append-only", db.url);
        let refused = match &store {
            Store::Sqlite(p) => sqlx::query("DELETE FROM reports").execute(p).await.is_err(),
            Store::Postgres(p) => sqlx::query("DELETE FROM reports").execute(p).await.is_err(),
        };
        assert!(refused, "{}: reports must be append-only", db.url);
    })
    .await;
}

#[tokio::test]
async fn tampering_is_detected_and_named() {
    each_store(async |store, db| {
        let rs: Vec<Report> = (0..5).map(|i| report(&format!("t{i}"), "2016-12-30T00:10:00Z")).collect();
        store.insert_reports(&rs, now()).await.unwrap();
        match &store {
            Store::Sqlite(p) => {
                sqlx::query("DROP TRIGGER events_append_only_update").execute(p).await.unwrap();
                sqlx::query("UPDATE events SET payload = '{\"forged\":true}' WHERE seq = 3").execute(p).await.unwrap();
            }
            Store::Postgres(p) => {
                sqlx::query("ALTER TABLE events DISABLE TRIGGER events_append_only").execute(p).await.unwrap();
                sqlx::query("UPDATE events SET payload = '{\"forged\":true}' WHERE seq = 3").execute(p).await.unwrap();
            }
        }
        let chain = store.verify_chain().await.unwrap();
        let brk = chain.first_break.unwrap_or_else(|| panic!("{}: tampering not detected", db.url));
        assert_eq!(brk.seq, 3);
    })
    .await;
}

#[tokio::test]
async fn concurrent_writers_keep_one_chain() {
    each_store(async |store, db| {
        let mut tasks = Vec::new();
        for w in 0..4 {
            let s = store.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0..10 {
                    let r = report(&format!("w{w}-{i}"), "2016-12-30T00:10:00Z");
                    s.insert_reports(&[r], now()).await.unwrap();
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(store.report_count().await.unwrap(), 40);
        let chain = store.verify_chain().await.unwrap();
        assert_eq!((chain.entries, chain.first_break), (40, None), "{}", db.url);
    })
    .await;
}

#[tokio::test]
async fn bad_urls_are_refused_clearly() {
    let err = Store::open("mysql://x").await.unwrap_err();
    assert!(matches!(err, StoreError::BadUrl(_)), "{err}");
    let err = Store::open("sqlite://").await.unwrap_err();
    assert!(err.to_string().contains("no file path"), "{err}");
    let err = Store::open("sqlite:///nonexistent-dir/x/truce.db").await.unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err}");
}

#[tokio::test]
async fn agreement_edits_make_versions_and_as_of_sees_the_version_then() {
    use truce_store::AgreementRow;
    each_store(async |store, db| {
        let t1: Timestamp = "2016-12-29T10:00:00Z".parse().unwrap();
        let t2: Timestamp = "2016-12-31T10:00:00Z".parse().unwrap();
        assert_eq!(store.add_agreement("a", "v1 text", t1, t1).await.unwrap(), (1, true));
        assert_eq!(
            store.add_agreement("a", "v1 text", t2, t2).await.unwrap(),
            (1, false),
            "identical body is no new version"
        );
        assert_eq!(store.add_agreement("a", "v2 text", t2, t2).await.unwrap(), (2, true));
        let at = |t: &str| t.parse::<Timestamp>().unwrap();
        let then: Vec<AgreementRow> = store.agreements_as_of(at("2016-12-30T00:00:00Z")).await.unwrap();
        assert_eq!(then.iter().map(|a| (a.key.as_str(), a.version)).collect::<Vec<_>>(), [("a", 1)], "{}", db.url);
        let now = store.agreements_as_of(at("2017-01-01T00:00:00Z")).await.unwrap();
        assert_eq!(now[0].version, 2);
        assert_eq!(store.agreement_versions("a").await.unwrap().len(), 2);
        assert!(store.agreements_as_of(at("2016-01-01T00:00:00Z")).await.unwrap().is_empty());
        let chain = store.verify_chain().await.unwrap();
        assert_eq!((chain.entries, chain.first_break), (2, None));
    })
    .await;
}

#[tokio::test]
async fn derived_state_records_only_changes_each_with_an_event() {
    use truce_store::{DerivedIncident, DerivedRuling, Recorded};
    each_store(async |store, _| {
        let inc = |hash: &str| DerivedIncident {
            id: "inc-1".into(),
            body: format!("{{\"h\":\"{hash}\"}}"),
            hash: hash.into(),
            time_from: 0,
            export: None,
        };
        let rul = |verdict: &str| DerivedRuling {
            incident_id: "inc-1".into(),
            agreement_key: "a".into(),
            agreement_version: 1,
            verdict: verdict.into(),
            body: format!("{{\"v\":\"{verdict}\"}}"),
            hash: verdict.into(),
            guarantors: None,
            segment: None,
        };
        let r = store.record_derived(&[inc("x")], &[rul("violation")], now()).await.unwrap();
        assert_eq!(r, Recorded { incidents_new: 1, rulings_new: 1, ..Recorded::default() });
        let r = store.record_derived(&[inc("x")], &[rul("violation")], now()).await.unwrap();
        assert_eq!(r, Recorded::default(), "nothing changed, nothing written");
        let r = store.record_derived(&[inc("y")], &[rul("undetermined")], now()).await.unwrap();
        assert_eq!(r, Recorded { incidents_changed: 1, rulings_changed: 1, ..Recorded::default() });
        assert_eq!(store.derived_counts().await.unwrap(), (1, 1));
        let chain = store.verify_chain().await.unwrap();
        assert_eq!((chain.entries, chain.first_break), (4, None));
    })
    .await;
}

#[tokio::test]
async fn recording_thousands_of_rows_again_writes_only_the_changed_ones() {
    use truce_store::{DerivedIncident, DerivedRuling, NewReferral, Recorded};
    // More rows than one hash lookup batch, so changes in every batch count.
    each_store(async |store, _| {
        let inc = |n: usize, hash: &str| DerivedIncident {
            id: format!("inc-{n:05}"),
            body: format!("{{\"n\":{n},\"h\":\"{hash}\"}}"),
            hash: format!("{n}-{hash}"),
            time_from: 0,
            export: None,
        };
        let rul = |n: usize, key: &str, verdict: &str| DerivedRuling {
            incident_id: format!("inc-{n:05}"),
            agreement_key: key.into(),
            agreement_version: 1,
            verdict: verdict.into(),
            body: format!("{{\"v\":\"{verdict}\"}}"),
            hash: format!("{n}-{key}-{verdict}"),
            guarantors: None,
            segment: None,
        };
        let n = 4_500;
        let incidents: Vec<_> = (0..n).map(|i| inc(i, "a")).collect();
        let rulings: Vec<_> = (0..n).flat_map(|i| [rul(i, "k1", "violation"), rul(i, "k2", "not_covered")]).collect();
        let r = store.record_derived(&incidents, &rulings, now()).await.unwrap();
        assert_eq!(r, Recorded { incidents_new: n, rulings_new: 2 * n, ..Recorded::default() });
        // Every 7th incident changes, every 11th one's k2 ruling changes (k1 stays),
        // and 10 incidents are new, each with one ruling.
        let again: Vec<_> = (0..n + 10).map(|i| inc(i, if i % 7 == 0 && i < n { "b" } else { "a" })).collect();
        let mut rulings2: Vec<_> = (0..n)
            .flat_map(|i| {
                [rul(i, "k1", "violation"), rul(i, "k2", if i % 11 == 0 { "violation" } else { "not_covered" })]
            })
            .collect();
        rulings2.extend((n..n + 10).map(|i| rul(i, "k1", "undetermined")));
        let r = store.record_derived(&again, &rulings2, now()).await.unwrap();
        assert_eq!(
            r,
            Recorded {
                incidents_new: 10,
                incidents_changed: n.div_ceil(7),
                rulings_new: 10,
                rulings_changed: n.div_ceil(11),
            }
        );
        assert_eq!(store.derived_counts().await.unwrap(), ((n + 10) as u64, (2 * n + 10) as u64));
        let r = store.record_derived(&again, &rulings2, now()).await.unwrap();
        assert_eq!(r, Recorded::default(), "nothing changed, nothing written");
        let chain = store.verify_chain().await.unwrap();
        assert_eq!(chain.first_break, None);
        assert_eq!(chain.entries as usize, 3 * n + 20 + n.div_ceil(7) + n.div_ceil(11));

        // Referrals proposed again are not created again; only the new ones are.
        let referral = |i: usize| NewReferral {
            id: format!("ref-{i:05}"),
            incident_id: format!("inc-{i:05}"),
            agreement_key: "k1".into(),
            guarantor: "russia".into(),
            summary: "{}".into(),
            deadline_at: 0,
        };
        let first: Vec<_> = (0..2_500).map(referral).collect();
        assert_eq!(store.create_referrals(&first, now()).await.unwrap().len(), 2_500);
        let second: Vec<_> = (0..2_503).map(referral).collect();
        let created = store.create_referrals(&second, now()).await.unwrap();
        let ids: Vec<_> = created.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["ref-02500", "ref-02501", "ref-02502"]);
    })
    .await;
}

#[tokio::test]
async fn csv_exports_read_the_recorded_parts_and_fall_back_to_the_body() {
    use truce_store::{DerivedIncident, DerivedRuling, ExportFilter, ExportParts};
    each_store(async |store, _| {
        let inc = |id: &str, version: Option<i64>| DerivedIncident {
            id: id.into(),
            body: format!("{{\"id\":\"{id}\"}}"),
            hash: id.into(),
            time_from: 0,
            export: version.map(|version| ExportParts { version, head: format!("{id},"), tail: "2,".into() }),
        };
        let rul = |id: &str, guarantors: Option<&str>| DerivedRuling {
            incident_id: id.into(),
            agreement_key: "a".into(),
            agreement_version: 1,
            verdict: "violation".into(),
            body: "{\"guarantors\":[\"R\"]}".into(),
            hash: id.into(),
            guarantors: guarantors.map(str::to_owned),
            segment: None,
        };
        let incidents = [inc("i1", Some(1)), inc("i2", None), inc("i3", Some(0))];
        let rulings = [rul("i1", Some("R; T")), rul("i2", None)];
        store.record_derived(&incidents, &rulings, now()).await.unwrap();
        let page = store.export_csv_page(&ExportFilter::default(), "", 10, 1).await.unwrap();
        let got: Vec<(&str, Option<&str>, bool)> =
            page.iter().map(|r| (r.id.as_str(), r.ex_head.as_deref(), r.body.is_some())).collect();
        assert_eq!(got, [("i1", Some("i1,"), false), ("i2", None, true), ("i3", Some("i3,"), true)]);
        assert_eq!(page[0].ex_tail.as_deref(), Some("2,"));
        let rs = store.export_csv_rulings_range("i1", "i3", None).await.unwrap();
        let got: Vec<(&str, Option<&str>, bool)> =
            rs.iter().map(|r| (r.incident_id.as_str(), r.ex_guarantors.as_deref(), r.body.is_some())).collect();
        assert_eq!(got, [("i1", Some("R; T"), false), ("i2", None, true)]);
        let after = store.export_csv_page(&ExportFilter::default(), "i1", 1, 1).await.unwrap();
        assert_eq!(after.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["i2"]);
    })
    .await;
}

#[tokio::test]
async fn ledger_entries_are_recorded_with_events_and_listed_by_day() {
    use truce_store::{Ledger, LedgerRow};
    each_store(async |store, db| {
        let entry = |place: &str, day: &str, status: &str| LedgerRow {
            id: 0,
            place: place.into(),
            pcode: None,
            admin1_pcode: Some("SY06".into()),
            day: day.into(),
            detail: "syria-government,opposition-rebels".into(),
            status: status.into(),
            source: "Hmeymim centre bulletin".into(),
        };
        store
            .add_ledger_entry(Ledger::LocalAgreements, &entry("Kinsabba", "2016-02-25", "in_force"), now())
            .await
            .unwrap();
        store
            .add_ledger_entry(Ledger::LocalAgreements, &entry("Salma", "2016-03-02", "negotiating"), now())
            .await
            .unwrap();
        store
            .add_ledger_entry(Ledger::AidDeliveries, &entry("Madaya", "2016-02-26", "delivered"), now())
            .await
            .unwrap();
        let feb = store.ledger(Ledger::LocalAgreements, "2016-02-01", "2016-02-29").await.unwrap();
        assert_eq!(feb.iter().map(|e| e.place.as_str()).collect::<Vec<_>>(), ["Kinsabba"], "{}", db.url);
        assert_eq!(store.ledger(Ledger::AidDeliveries, "2016-01-01", "2016-12-31").await.unwrap().len(), 1);
        let chain = store.verify_chain().await.unwrap();
        assert_eq!((chain.entries, chain.first_break), (3, None));
    })
    .await;
}

#[tokio::test]
async fn map_grid_follows_recorded_incidents_and_pages_filter_by_index() {
    use truce_store::{CellRow, DerivedIncident, DerivedRuling, IncidentFilter};
    each_store(async |store, _| {
        let inc = |id: &str, admin1: &str, lon: f64, lat: f64, t: i64| {
            let body = format!("{{\"admin1\":\"{admin1}\",\"lat\":{lat},\"lon\":{lon}}}");
            DerivedIncident { id: id.into(), hash: format!("{id}{lon}{lat}"), body, time_from: t, export: None }
        };
        let rul = |id: &str, verdict: &str| DerivedRuling {
            incident_id: id.into(),
            agreement_key: "a".into(),
            agreement_version: 1,
            verdict: verdict.into(),
            body: format!("{{\"v\":\"{verdict}\"}}"),
            hash: format!("{id}{verdict}"),
            guarantors: None,
            segment: None,
        };
        let incidents = [
            inc("i1", "Hama", 36.70, 35.10, 1),
            inc("i2", "Hama", 36.80, 35.20, 2),
            inc("i3", "Idleb", 36.60, 35.90, 3),
            inc("i4", "Aleppo", 37.10, 36.20, 4),
        ];
        let rulings = [rul("i1", "violation"), rul("i2", "not_covered"), rul("i3", "violation")];
        store.record_derived(&incidents, &rulings, now()).await.unwrap();
        // i4 moves from Aleppo to Hama's cell; i2 becomes a violation.
        let moved = [inc("i4", "Hama", 36.90, 35.30, 4)];
        store.record_derived(&moved, &[rul("i2", "violation")], now()).await.unwrap();

        let syria = [35.4, 32.2, 42.6, 37.5];
        let sorted = |mut v: Vec<CellRow>| {
            v.sort_by_key(|c| (c.gx, c.gy));
            v
        };
        for zoom in [0u8, 2, 5, 8] {
            for verdict in [None, Some("violation")] {
                let plain = IncidentFilter { verdict: verdict.map(str::to_owned), ..IncidentFilter::default() };
                // A time filter that matches everything forces the row aggregation.
                let rows = IncidentFilter { from: Some(0), ..plain.clone() };
                let grid = sorted(store.incident_cells(&plain, syria, zoom).await.unwrap());
                let agg = sorted(store.incident_cells(&rows, syria, zoom).await.unwrap());
                assert_eq!(grid.len(), agg.len(), "zoom {zoom} verdict {verdict:?}");
                for (g, a) in grid.iter().zip(&agg) {
                    let key = |c: &CellRow| (c.gx, c.gy, c.n, c.violation, c.not_covered, c.undetermined);
                    assert_eq!(key(g), key(a), "zoom {zoom} verdict {verdict:?}");
                    assert!((g.lon - a.lon).abs() < 1e-9 && (g.lat - a.lat).abs() < 1e-9, "{g:?} vs {a:?}");
                    if g.n == 1 {
                        assert_eq!(g.sample, a.sample, "zoom {zoom}: the one incident of the cell");
                    }
                }
            }
        }
        let z0 = store.incident_cells(&IncidentFilter::default(), syria, 0).await.unwrap();
        assert_eq!(z0.iter().map(|c| c.n).sum::<i64>(), 4);
        assert_eq!(z0.iter().map(|c| c.violation).sum::<i64>(), 3);

        let ids = async |admin1: Option<&str>, verdict: Option<&str>| {
            let f = IncidentFilter {
                admin1: admin1.map(str::to_owned),
                verdict: verdict.map(str::to_owned),
                ..IncidentFilter::default()
            };
            let page = store.incidents_page(&f, None, 10).await.unwrap();
            page.into_iter().map(|r| r.id).collect::<Vec<_>>()
        };
        assert_eq!(ids(Some("Hama"), Some("violation")).await, ["i2", "i1"]);
        assert_eq!(ids(Some("Hama"), None).await, ["i4", "i2", "i1"]);
        assert_eq!(ids(None, Some("violation")).await, ["i3", "i2", "i1"]);
        assert_eq!(ids(Some("Aleppo"), Some("violation")).await, Vec::<String>::new());
        assert_eq!(ids(None, None).await, ["i4", "i3", "i2", "i1"]);
    })
    .await;
}
