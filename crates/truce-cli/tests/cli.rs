//! End-to-end tests of the `truce` binary against real SQLite files and a real
//! PostgreSQL server.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use truce_test_support::{TestDb, shared_dir};

fn truce(args: &[&str]) -> Output {
    truce_test_support::run_bin(env!("CARGO_BIN_EXE_truce"), args)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[tokio::test]
async fn seeds_are_stored_once_on_both_stores() {
    let seeds = shared_dir().join("corpus/seeds");
    for db in TestDb::both().await {
        let seeds = seeds.to_str().unwrap();
        let first = truce(&["ingest", seeds, "--db", &db.url]);
        assert_eq!(first.status.code(), Some(0), "{}: {}", db.url, text(&first.stderr));
        assert!(text(&first.stdout).contains("5 stored, 0 already known, 0 failed"), "{}", text(&first.stdout));
        let second = truce(&["ingest", seeds, "--db", &db.url]);
        assert_eq!(second.status.code(), Some(0));
        assert!(text(&second.stdout).contains("0 stored, 5 already known, 0 failed"), "{}", text(&second.stdout));
        let audit = truce(&["audit", "verify", "--db", &db.url]);
        assert_eq!(audit.status.code(), Some(0), "{}", text(&audit.stderr));
        // Four shipped agreements and five reports, each one entry.
        assert!(text(&audit.stdout).contains("9 entries, hash chain intact"), "{}", text(&audit.stdout));
    }
}

#[test]
fn bad_inputs_are_named_and_the_good_one_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    std::fs::write(inbox.join("empty.txt"), "").unwrap();
    std::fs::write(inbox.join("binary.txt"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    std::fs::write(inbox.join("latin1.txt"), b"Clashes near Dar\xe2a were reported.").unwrap();
    std::fs::write(inbox.join("huge.txt"), "x".repeat(5000)).unwrap();
    std::fs::write(inbox.join("good.txt"), "Clashes were reported in Hama after midnight.").unwrap();
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let missing = dir.path().join("missing.txt");
    let out = truce(&["ingest", inbox.to_str().unwrap(), missing.to_str().unwrap(), "--max-size", "1000", "--db", &db]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    for (file, problem) in [
        ("empty.txt", "empty input"),
        ("binary.txt", "binary content (PNG image)"),
        ("latin1.txt", "invalid UTF-8 at byte 16"),
        ("huge.txt", "5000 bytes is over the limit of 1000 bytes"),
        ("missing.txt", "no such file or folder"),
    ] {
        assert!(err.lines().any(|l| l.contains(file) && l.contains(problem)), "no {file}: {problem} in\n{err}");
    }
    assert!(text(&out.stdout).contains("1 stored, 0 already known, 5 failed"), "{}", text(&out.stdout));
    let again = truce(&["ingest", inbox.join("good.txt").to_str().unwrap(), "--db", &db]);
    assert!(text(&again.stdout).contains("0 stored, 1 already known"), "{}", text(&again.stdout));
}

#[test]
fn stdin_is_read_and_exit_codes_follow_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_truce"))
        .args(["ingest", "-", "--db", &db, "--source", "hotline"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"Shelling reported near Douma.").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("1 stored"));
    let bad = truce(&["serve", "--db", &db, "--listen", "nowhere"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("--listen \"nowhere\""), "{}", text(&bad.stderr));
    assert_eq!(truce(&["ingest"]).status.code(), Some(1), "missing PATH is a usage error");
    let bad = truce(&["ingest", "x", "--db", "mysql://nope"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("expected sqlite://PATH or postgres://"), "{}", text(&bad.stderr));
    let bad = truce(&["ingest", "x", "--received-at", "yesterday", "--db", &db]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("--received-at \"yesterday\""), "{}", text(&bad.stderr));
}

async fn count(path: &Path) -> i64 {
    use sqlx::{Connection, SqliteConnection};
    let url = format!("sqlite://{}?mode=ro", path.display());
    match SqliteConnection::connect(&url).await {
        Ok(mut c) => sqlx::query_scalar("SELECT COUNT(*) FROM reports").fetch_one(&mut c).await.unwrap_or(0),
        Err(_) => 0,
    }
}

#[tokio::test]
async fn sigkill_mid_ingest_loses_nothing_and_tampering_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    let filler = "Residents reported shelling on the outskirts overnight. ".repeat(120);
    for i in 0..2000 {
        std::fs::write(inbox.join(format!("{i:04}.txt")), format!("Report {i}. {filler}")).unwrap();
    }
    let db_path = dir.path().join("k.db");
    let db = format!("sqlite://{}", db_path.display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_truce"))
        .args(["ingest", inbox.to_str().unwrap(), "--db", &db])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let mut at_kill = 0;
    while start.elapsed() < Duration::from_secs(60) {
        at_kill = count(&db_path).await;
        if at_kill > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(at_kill < 2000, "the run finished before it could be killed; make the inbox bigger");
    let after_kill = count(&db_path).await;
    assert!(after_kill < 2000, "killed run stored everything ({after_kill})");
    let rerun = truce(&["ingest", inbox.to_str().unwrap(), "--db", &db]);
    assert_eq!(rerun.status.code(), Some(0), "{}", text(&rerun.stderr));
    let out = text(&rerun.stdout);
    assert!(out.contains(&format!("{} stored, {after_kill} already known", 2000 - after_kill)), "{out}");
    assert_eq!(count(&db_path).await, 2000);
    let audit = truce(&["audit", "verify", "--db", &db]);
    assert_eq!(audit.status.code(), Some(0), "{}", text(&audit.stderr));
    assert!(text(&audit.stdout).contains("2004 entries"), "{}", text(&audit.stdout));

    // Change one entry by hand: the append-only trigger must be dropped first.
    {
        use sqlx::{Connection, SqliteConnection};
        let mut c = SqliteConnection::connect(&db).await.unwrap();
        sqlx::query("DROP TRIGGER events_append_only_update").execute(&mut c).await.unwrap();
        sqlx::query("UPDATE events SET payload = replace(payload, '\"size\":', '\"size\":1') WHERE seq = 1234")
            .execute(&mut c)
            .await
            .unwrap();
    }
    let audit = truce(&["audit", "verify", "--db", &db]);
    assert_eq!(audit.status.code(), Some(1));
    let err = text(&audit.stderr);
    assert!(err.contains("broken at entry 1234 (report.ingested"), "{err}");
}

#[test]
fn agreements_are_listed_shown_edited_and_diffed() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("a.db").display());
    let list = truce(&["agreement", "list", "--db", &db]);
    assert_eq!(list.status.code(), Some(0), "{}", text(&list.stderr));
    let listed = text(&list.stdout);
    for key in
        ["sy-coh-2016-02-27", "sy-arrangement-2016-09-12", "sy-ceasefire-2016-12-30", "sy-deescalation-2017-05-04"]
    {
        assert!(listed.contains(key), "{key} not in\n{listed}");
    }
    assert!(listed.contains("2016-12-29T22:00:00Z"), "{listed}");
    let shown = text(&truce(&["agreement", "show", "sy-ceasefire-2016-12-30", "--db", &db]).stdout);
    let body: String = shown.lines().skip(1).map(|l| format!("{l}\n")).collect();
    let edited = dir.path().join("edited.toml");
    std::fs::write(&edited, body.replace("ack_minutes = 30", "ack_minutes = 45")).unwrap();
    let add = truce(&["agreement", "add", edited.to_str().unwrap(), "--db", &db]);
    assert_eq!(add.status.code(), Some(0), "{}", text(&add.stderr));
    assert!(text(&add.stdout).contains("stored version 2"), "{}", text(&add.stdout));
    let diff = text(&truce(&["agreement", "diff", "sy-ceasefire-2016-12-30", "--db", &db]).stdout);
    assert!(diff.contains("-ack_minutes = 30") && diff.contains("+ack_minutes = 45"), "{diff}");
    let v1 = truce(&["agreement", "show", "sy-ceasefire-2016-12-30", "--version", "1", "--db", &db]);
    assert!(text(&v1.stdout).contains("ack_minutes = 30"));
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "key = \"x\"\n").unwrap();
    let bad = truce(&["agreement", "add", broken.to_str().unwrap(), "--db", &db]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("broken.toml: missing field"), "{}", text(&bad.stderr));
}
