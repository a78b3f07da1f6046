//! `truce worker` end to end: worker processes drain a queue to what a plain
//! `truce ingest` + `truce judge` records, on a real SQLite file and a real
//! PostgreSQL database; bad jobs fail with their error; SIGTERM stops cleanly.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use truce_test_support::{TestDb, shared_dir};

const RECEIVED: &str = "2016-12-30T02:00:00Z";

fn truce(args: &[&str]) -> Output {
    truce_test_support::run_bin(env!("CARGO_BIN_EXE_truce"), args)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ok(out: &Output, what: &str) -> String {
    assert_eq!(out.status.code(), Some(0), "{what}: {}{}", text(&out.stdout), text(&out.stderr));
    text(&out.stdout)
}

/// The five seed articles and three JSON Lines files of real articles.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let articles = std::fs::read_to_string(shared_dir().join("data/news/whenitson_2016_syria_articles.jsonl")).unwrap();
    let lines: Vec<&str> = articles.lines().filter(|l| !l.trim().is_empty()).take(24).collect();
    let mut out = vec![shared_dir().join("corpus/seeds")];
    for (k, chunk) in lines.chunks(8).enumerate() {
        let p = dir.join(format!("articles-{k}.jsonl"));
        std::fs::write(&p, chunk.join("\n")).unwrap();
        out.push(p);
    }
    out
}

/// One text column of every row of `query`, sorted, from either store.
async fn column(url: &str, query: &'static str) -> Vec<String> {
    let mut v: Vec<String> = if url.starts_with("sqlite://") {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        let v = sqlx::query_scalar(query).fetch_all(&pool).await.unwrap();
        pool.close().await;
        v
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        let v = sqlx::query_scalar(query).fetch_all(&pool).await.unwrap();
        pool.close().await;
        v
    };
    v.sort();
    v
}

const REPORTS: &str = "SELECT id || ' ' || name FROM reports";
const INCIDENTS: &str = "SELECT id || ' ' || hash FROM incidents";
const RULINGS: &str = "SELECT incident_id || ' ' || agreement_key || ' ' || verdict || ' ' || hash FROM rulings";
const REFERRALS: &str = "SELECT id FROM referrals";

#[tokio::test]
async fn worker_processes_drain_a_queue_to_the_rulings_of_a_plain_run() {
    let dir = tempfile::tempdir().unwrap();
    let paths = inputs(dir.path());
    let paths: Vec<&str> = paths.iter().map(|p| p.to_str().unwrap()).collect();
    for (plain, queued) in [(TestDb::sqlite(), TestDb::sqlite()), (TestDb::postgres().await, TestDb::postgres().await)]
    {
        let mut args = vec!["ingest", "--received-at", RECEIVED, "--db", &plain.url];
        args.extend(&paths);
        ok(&truce(&args), "plain ingest");
        ok(&truce(&["judge", "--db", &plain.url]), "plain judge");

        let mut args = vec!["ingest", "--queue", "--received-at", RECEIVED, "--db", &queued.url];
        args.extend(&paths);
        let out = ok(&truce(&args), "ingest --queue");
        assert!(out.contains("ingest: 8 queued, 0 already queued, 0 failed"), "{out}");
        assert_eq!(column(&queued.url, REPORTS).await.len(), 0, "queueing stores nothing");
        // Three worker processes at once, each with two slots.
        let workers: Vec<_> = (0..3)
            .map(|k| {
                Command::new(env!("CARGO_BIN_EXE_truce"))
                    .args(["worker", "--until-idle", "--concurrency", "2", "--id", &format!("w{k}"), "--db"])
                    .arg(&queued.url)
                    .env_remove("TRUCE_DB")
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let mut stored = 0;
        let mut judged = 0;
        for w in workers {
            let out = ok(&w.wait_with_output().unwrap(), "worker");
            let num = |after: &str| -> u64 {
                let at = out.find(after).unwrap_or_else(|| panic!("no {after:?} in {out}"));
                out[..at].split_whitespace().last().unwrap().parse().unwrap()
            };
            stored += num(" reports stored");
            judged += num(" judge runs");
        }
        let want = column(&plain.url, REPORTS).await;
        assert!(want.len() > 20, "{}: only {} reports", plain.url, want.len());
        assert_eq!(column(&queued.url, REPORTS).await, want, "{}", queued.url);
        assert_eq!(stored, want.len() as u64, "each report stored by exactly one worker");
        assert!(judged >= 1);
        for q in [INCIDENTS, RULINGS, REFERRALS] {
            let want = column(&plain.url, q).await;
            assert!(!want.is_empty(), "{q}: nothing recorded");
            assert_eq!(column(&queued.url, q).await, want, "{}: {q}", queued.url);
        }
        let status = ok(&truce(&["jobs", "status", "--db", &queued.url]), "jobs status");
        assert!(status.contains("ingest   done            8"), "{status}");
        assert!(!status.contains("queued") && !status.contains("running") && !status.contains("failed"), "{status}");
        let audit = ok(&truce(&["audit", "verify", "--db", &queued.url]), "audit");
        assert!(audit.contains("hash chain intact"), "{audit}");
        // Queueing the same inputs again is a no-op.
        let mut args = vec!["ingest", "--queue", "--db", &queued.url];
        args.extend(&paths);
        let out = ok(&truce(&args), "ingest --queue again");
        assert!(out.contains("ingest: 0 queued, 8 already queued"), "{out}");
    }
}

#[test]
fn a_bad_job_fails_after_its_attempts_and_bad_flags_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    let good = dir.path().join("good.txt");
    std::fs::write(&good, "Clashes were reported in Hama after midnight on 30 December 2016.").unwrap();
    let (e, g) = (empty.to_str().unwrap(), good.to_str().unwrap());
    ok(&truce(&["ingest", "--queue", "--attempts", "2", e, g, "--db", &db]), "queue");
    let out = ok(&truce(&["worker", "--until-idle", "--id", "solo", "--db", &db]), "worker");
    // The empty input twice, the good one, and the judge its report queued.
    assert!(out.contains("worker solo: 2 jobs done, 2 failed attempts, 0 lost leases; 1 reports stored, 1 judge runs"));
    let status = ok(&truce(&["jobs", "status", "--db", &db]), "status");
    let line = status.lines().find(|l| l.starts_with("failed ingest job")).unwrap_or_else(|| panic!("{status}"));
    assert!(line.contains("after 2 attempts") && line.contains("empty.txt: empty input"), "{line}");
    assert!(status.contains("ingest   done            1") && status.contains("judge    done            1"), "{status}");
    // A judge is queued once however often it is asked for.
    let first = ok(&truce(&["jobs", "enqueue", "judge", "--db", &db]), "enqueue");
    assert!(first.starts_with("jobs: queued judge job"), "{first}");
    let again = ok(&truce(&["jobs", "enqueue", "judge", "--db", &db]), "enqueue again");
    assert_eq!(again.trim(), "jobs: a judge job is already queued");
    let once = ok(&truce(&["worker", "--once", "--db", &db]), "worker --once");
    assert!(once.contains(": 1 jobs done"), "{once}");

    for (args, needle) in [
        (vec!["worker", "--concurrency", "0"], "--concurrency 0"),
        (vec!["worker", "--lease", "0"], "--lease 0"),
        (vec!["worker", "--once", "--until-idle"], "cannot be used with"),
        (vec!["jobs", "enqueue", "judge", "--attempts", "0"], "--attempts 0"),
        (vec!["ingest", "--attempts", "2", g], "--queue"),
        (vec!["jobs", "enqueue", "nothing"], "unrecognized subcommand"),
    ] {
        let mut a = args.clone();
        a.extend(["--db", &db]);
        let out = truce(&a);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains(needle), "{args:?}: {}", text(&out.stderr));
    }
    let missing = dir.path().join("missing.txt");
    let out = truce(&["ingest", "--queue", missing.to_str().unwrap(), "--db", &db]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("missing.txt: no such file or folder"), "{}", text(&out.stderr));
}

#[test]
fn sigterm_stops_a_waiting_worker_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    ok(&truce(&["jobs", "status", "--db", &db]), "create the store");
    let child = Command::new(env!("CARGO_BIN_EXE_truce"))
        .args(["worker", "--id", "w", "--db", &db])
        .env_remove("TRUCE_DB")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until it has opened the store, set up its signal handler and is polling.
    let mut child = child;
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stderr, &mut first).unwrap();
    assert!(first.contains("truce worker w: taking jobs from sqlite"), "{first}");
    let kill = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert_eq!(out.status.code(), Some(0), "{rest}");
    assert!(rest.contains("stopping after the current job"), "{rest}");
    assert!(text(&out.stdout).contains("worker w: 0 jobs done"), "{}", text(&out.stdout));
}

#[tokio::test]
async fn judging_does_not_depend_on_the_order_reports_were_stored() {
    // Workers store reports in whatever order they finish; the rulings must not care.
    let dir = tempfile::tempdir().unwrap();
    let paths = inputs(dir.path());
    let mut seeds: Vec<PathBuf> = std::fs::read_dir(&paths[0])
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    seeds.sort();
    let mut files: Vec<PathBuf> = seeds.into_iter().chain(paths[1..].iter().cloned()).collect();
    let (forward, backward) = (TestDb::sqlite(), TestDb::sqlite());
    for db in [&forward, &backward] {
        for f in &files {
            ok(&truce(&["ingest", "--received-at", RECEIVED, "--db", &db.url, f.to_str().unwrap()]), "ingest");
        }
        ok(&truce(&["judge", "--db", &db.url]), "judge");
        files.reverse();
    }
    assert_eq!(column(&backward.url, REPORTS).await, column(&forward.url, REPORTS).await);
    for q in [INCIDENTS, RULINGS, REFERRALS] {
        assert_eq!(column(&backward.url, q).await, column(&forward.url, q).await, "{q}");
    }
}
