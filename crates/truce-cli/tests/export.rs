//! `truce export` end to end on the seeds (SQLite and PostgreSQL): every
//! format parses, filters narrow, and the ACLED CSV round trip (export then
//! import) changes nothing.

use std::process::Output;

use truce_test_support::TestDb;

fn truce(args: &[&str]) -> Output {
    truce_test_support::run_bin(env!("CARGO_BIN_EXE_truce"), args)
}

fn ok(out: &Output) -> String {
    truce_test_support::stdout_ok(out)
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut r = truce_tell_reader(text);
    r.retain(|x| !x.is_empty());
    r
}

/// A tiny RFC 4180 split, independent of the code under test.
fn truce_tell_reader(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field, mut quoted) = (Vec::new(), Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

#[tokio::test]
async fn exports_parse_filter_and_round_trip_on_both_stores() {
    for db in TestDb::both().await {
        let url = db.url.as_str();
        ok(&truce(&["demo", "--no-serve", "--demo-db", url]));
        ok(&truce(&["judge", "--db", url]));
        let csv = ok(&truce(&["export", "--db", url, "--format", "acled-csv"]));
        let rows = csv_rows(&csv);
        assert_eq!(rows[0].len(), 36, "{url}");
        assert_eq!(rows[0][..3], ["event_id_cnty", "event_date", "year"]);
        assert_eq!(rows[0][31..], ["verdict", "agreement", "guarantors", "corroboration", "source_spans"]);
        assert!(rows.len() > 5, "{url}: {} rows", rows.len());
        assert!(rows.iter().all(|r| r.len() == 36), "{url}: ragged rows");
        let violations = rows.iter().filter(|r| r[31] == "violation").count();
        let hama = rows.iter().filter(|r| r[18] == "Hama").count();
        assert!(violations >= 2 && hama >= 1, "{url}: {violations} violations, {hama} in Hama");
        // Filters narrow as the API's do.
        let only = csv_rows(&ok(&truce(&["export", "--db", url, "--format", "acled-csv", "--verdict", "violation"])));
        assert_eq!(only.len() - 1, violations, "{url}");
        let h = csv_rows(&ok(&truce(&["export", "--db", url, "--format", "acled-csv", "--admin1", "hama"])));
        assert_eq!(h.len() - 1, hama, "{url}");
        let late = csv_rows(&ok(&truce(&["export", "--db", url, "--format", "acled-csv", "--from", "2016-12-29"])));
        assert!(late.len() < rows.len() && late.len() > 1, "{url}: --from");
        // GeoJSON and JSON Lines parse.
        let geo: serde_json::Value =
            serde_json::from_str(&ok(&truce(&["export", "--db", url, "--format", "geojson"]))).unwrap();
        assert_eq!(geo["type"], "FeatureCollection");
        assert_eq!(geo["features"].as_array().unwrap().len(), rows.len() - 1);
        let jsonl = ok(&truce(&["export", "--db", url, "--format", "jsonl"]));
        let types: Vec<String> = jsonl
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["type"].as_str().unwrap().to_owned())
            .collect();
        for t in ["agreement", "incident", "ruling"] {
            assert!(types.iter().any(|x| x == t), "{url}: no {t} line");
        }
        let agreements: serde_json::Value =
            serde_json::from_str(&ok(&truce(&["export", "--db", url, "--format", "agreements"]))).unwrap();
        let keys: Vec<&str> = agreements.as_array().unwrap().iter().map(|a| a["key"].as_str().unwrap()).collect();
        assert!(keys.contains(&"sy-ceasefire-2016-12-30"), "{keys:?}");
        assert_eq!(agreements[0]["effective"]["zone"], "Asia/Damascus");
        // Round trip: export then import changes nothing, not even the event log.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("out.csv");
        std::fs::write(&file, &csv).unwrap();
        let before = ok(&truce(&["audit", "verify", "--db", url]));
        let imported = ok(&truce(&["export", "--db", url, "--import", file.to_str().unwrap()]));
        assert!(
            imported.contains(&format!("{} unchanged, 0 incidents new, 0 changed, 0 reports stored", rows.len() - 1)),
            "{imported}"
        );
        assert_eq!(ok(&truce(&["audit", "verify", "--db", url])), before, "{url}: the event log grew");
        assert_eq!(ok(&truce(&["export", "--db", url, "--format", "acled-csv"])), csv, "{url}: export changed");
    }
}

#[test]
fn import_into_a_fresh_store_gives_back_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let a = format!("sqlite://{}", dir.path().join("a.db").display());
    let b = format!("sqlite://{}", dir.path().join("b.db").display());
    ok(&truce(&["demo", "--no-serve", "--demo-db", &a]));
    ok(&truce(&["judge", "--db", &a]));
    let csv = ok(&truce(&["export", "--db", &a, "--format", "acled-csv"]));
    let file = dir.path().join("a.csv");
    std::fs::write(&file, &csv).unwrap();
    let n = csv_rows(&csv).len() - 1;
    let out = ok(&truce(&["export", "--db", &b, "--import", file.to_str().unwrap()]));
    assert!(out.contains(&format!("{n} incidents new")), "{out}");
    let back = ok(&truce(&["export", "--db", &b, "--format", "acled-csv"]));
    let (x, y) = (csv_rows(&csv), csv_rows(&back));
    assert_eq!(x.len(), y.len());
    for (r, s) in x.iter().zip(&y) {
        // All but ACLED's upload timestamp (30) and our source spans (35), which name the new reports.
        for c in (0..35).filter(|c| *c != 30) {
            assert_eq!(r[c], s[c], "column {} of {}", x[0][c], r[0]);
        }
    }
    // Importing the re-export into the new store is a no-op too.
    let file2 = dir.path().join("b.csv");
    std::fs::write(&file2, &back).unwrap();
    let again = ok(&truce(&["export", "--db", &b, "--import", file2.to_str().unwrap()]));
    assert!(again.contains(&format!("{n} unchanged")), "{again}");
}

#[test]
fn a_bad_row_is_named_and_the_rest_are_imported() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let file = dir.path().join("in.csv");
    std::fs::write(
        &file,
        "event_id_cnty,event_date,year,event_type,sub_event_type,actor1,inter1,admin1,location,latitude,longitude,source,notes,fatalities\n\
         T1,30 December 2016,2016,Battles,Armed clash,Opposition Rebels (Syria),2,Hama,Hama,35.13,36.75,SOHR,\"Clashes in Hama, after midnight.\",2\n\
         T2,someday,2016,Battles,Armed clash,,,Hama,Hama,35.13,36.75,SOHR,Bad date.,0\n",
    )
    .unwrap();
    let out = truce(&["export", "--db", &db, "--import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 3: column event_date"), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 incidents new"));
    let csv = ok(&truce(&["export", "--db", &db, "--format", "acled-csv"]));
    let rows = csv_rows(&csv);
    assert_eq!(rows[1][0], "T1");
    assert_eq!(rows[1][27], "Clashes in Hama, after midnight.");
    assert_eq!(rows[1][25], "SOHR");
    let out = truce(&["export", "--db", &db, "--format", "xml"]);
    assert_eq!(out.status.code(), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_export_benchmark_exports_every_row_in_bounded_memory() {
    let n = 30_000;
    let figures = truce_engine::bench_export(n, None).await.unwrap();
    let what: Vec<&str> = figures.iter().map(|f| f.what.as_str()).collect();
    assert_eq!(what, ["sqlite record", "sqlite load", "sqlite acled-csv", "sqlite geojson", "sqlite jsonl"]);
    for f in &figures {
        eprintln!(
            "{:<10} {:>8} rows {:>8.2} s {:>10.0} rows/s peak {:?} MiB, grew {:?} MiB",
            f.what,
            f.rows,
            f.seconds,
            f.per_second(),
            f.peak_mib,
            f.grew_mib()
        );
        if f.what.ends_with(" record") || f.what.ends_with(" load") {
            assert_eq!(f.rows, if f.what.ends_with(" record") { 20_000 } else { 10_000 }, "{}", f.what);
        } else {
            assert!(f.rows >= n as u64, "{}: {} rows", f.what, f.rows);
            assert!(f.bytes > 100 * n as u64, "{}: {} bytes", f.what, f.bytes);
            // Pages of 2,000 rows (4,000 CSV rows): memory does not grow with the
            // export. The process's peak also holds the heap the recording step left, so
            // the bound is on what the export itself added.
            assert!(
                f.grew_mib().is_some_and(|m| m < 100.0),
                "{}: grew {:?} MiB (peak {:?}, base {:?})",
                f.what,
                f.grew_mib(),
                f.peak_mib,
                f.base_mib
            );
        }
    }
}

#[test]
fn the_export_bench_measures_each_format_after_the_load_and_at_rest_and_keeps_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let keep = dir.path().join("kept.db");
    let keep_s = keep.to_str().unwrap();
    let out = ok(&truce(&["bench", "export", "--incidents", "300", "--postgres", "none", "--keep", keep_s]));
    let rows_of = |what: &str| -> u64 {
        let line = out.lines().find(|l| l.starts_with(what)).unwrap_or_else(|| panic!("no `{what}` line in:\n{out}"));
        let cols: Vec<&str> = line[what.len()..].split_whitespace().collect();
        cols[0].parse().unwrap_or_else(|e| panic!("`{line}`: {e}"))
    };
    for state in ["(after load)", "(at rest)"] {
        assert_eq!(rows_of(&format!("sqlite acled-csv {state}")), 300, "{out}");
        assert_eq!(rows_of(&format!("sqlite geojson {state}")), 300, "{out}");
        // Every incident and its ruling, plus the agreement lines.
        assert!(rows_of(&format!("sqlite jsonl {state}")) >= 600, "{out}");
    }
    assert_eq!(rows_of("sqlite flush"), 0, "{out}");
    // The kept store exports the same rows again.
    let csv = ok(&truce(&["export", "--db", &format!("sqlite://{keep_s}"), "--format", "acled-csv"]));
    assert_eq!(csv_rows(&csv).len(), 301, "header and 300 rows");
    // A kept path is never overwritten.
    let again = truce(&["bench", "export", "--incidents", "10", "--postgres", "none", "--keep", keep_s]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("the file exists"), "{again:?}");
}
