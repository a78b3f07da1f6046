//! The bounded soak: `truce bench soak` for a few seconds on each store, with
//! uploads cycling through a few documents. The full runs (30 minutes, 20,000
//! incidents) are in the issue notes; this checks that the bench itself works
//! and that a short run under the same mixed load has no errors.

use std::process::Output;

fn truce(args: &[&str]) -> Output {
    truce_test_support::run_bin(env!("CARGO_BIN_EXE_truce"), args)
}

/// The figures of one printed row: `t (s)`, reads, writes, req/s, read p99,
/// write p99, events, errors, RSS MiB, readings, cache MiB, merged.
fn rows(out: &str) -> (Vec<Vec<f64>>, Vec<f64>) {
    let parse = |l: &str| -> Vec<f64> {
        l.split_whitespace().map(|x| x.parse().unwrap_or_else(|e| panic!("`{l}`: {x}: {e}"))).collect()
    };
    let mut lines = out.lines();
    let head = lines.next().unwrap_or_default();
    assert!(head.contains("req/s") && head.trim_end().ends_with("merged"), "header: {head}");
    let mut intervals = Vec::new();
    for l in lines.by_ref() {
        if l.starts_with("whole run") {
            break;
        }
        intervals.push(parse(l));
    }
    let total = parse(lines.next().unwrap_or_else(|| panic!("no whole-run row in:\n{out}")));
    (intervals, total)
}

fn soak(store: &[&str]) {
    let mut args =
        vec!["bench", "soak", "--minutes", "0.35", "--interval", "7", "--incidents", "300", "--distinct", "3"];
    args.extend_from_slice(store);
    let out = truce(&args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{store:?}: {out:?}");
    let (intervals, total) = rows(&stdout);
    assert!(intervals.len() >= 3, "{store:?}: at least three intervals in 21 s:\n{stdout}");
    for r in &intervals {
        assert_eq!(r.len(), 12, "{stdout}");
        assert_eq!(r[7], 0.0, "{store:?}: errors in an interval:\n{stdout}");
        assert!(r[1] > 0.0, "{store:?}: every interval serves reads:\n{stdout}");
        assert!(r[8] > 0.0, "{store:?}: RSS is measured:\n{stdout}");
    }
    assert_eq!(total[7], 0.0, "{store:?}: {stdout}");
    // Uploads every 2 s and acknowledgements: writes happened, and were judged.
    assert!(total[2] >= 5.0, "{store:?}: writes in the whole run:\n{stdout}");
    assert!(total[4] > 0.0 && total[5] > 0.0, "{store:?}: p99s:\n{stdout}");
    // Three distinct documents, uploaded again and again: three reports were
    // read and merged, however many uploads there were.
    assert_eq!((total[9], total[11]), (3.0, 3.0), "{store:?}: readings and merged reports:\n{stdout}");
}

#[test]
fn a_short_soak_with_cycled_uploads_has_no_errors_on_sqlite() {
    soak(&[]);
}

#[test]
fn a_short_soak_with_cycled_uploads_has_no_errors_on_postgres() {
    let admin = truce_test_support::pg_admin_url();
    soak(&["--postgres", &admin]);
}

#[test]
fn a_soak_over_no_documents_is_refused_with_the_option_named() {
    let out = truce(&["bench", "soak", "--minutes", "0.1", "--distinct", "0"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--distinct 0"), "{err}");
}
