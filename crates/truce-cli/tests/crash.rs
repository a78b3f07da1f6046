//! Crash safety: `truce serve` and `truce ingest` are killed with SIGKILL at
//! random moments while HTTP clients upload distinct real articles (each upload
//! stores a report and runs the judge), a guarantor client acknowledges its
//! referrals and `truce ingest` processes store folders of articles, on a real
//! SQLite file and on a real PostgreSQL database. Afterwards:
//!
//! - every report the server or a finished `truce ingest` said it stored is in
//!   the store, and no report, incident, referral or event of the log is there
//!   twice (referrals also by incident, agreement and guarantor);
//! - every acknowledgement that got a success reply is still recorded;
//! - `truce audit verify` passes;
//! - a second `truce judge` records nothing, and a fresh store given the same
//!   reports and judged once holds the same incidents, rulings and referrals.
//!
//! The test runs a short campaign (`TRUCE_CRASH_KILLS`, default 10 kills per
//! store). The long campaign is the same test on a release build:
//! `TRUCE_CRASH_KILLS=60 cargo test --release -p truce-cli --test crash -- --nocapture`;
//! `TRUCE_CRASH_SEED=N` replays a seed (printed at the start).

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use truce_engine::{Engine, EngineConfig, IngestConfig};
use truce_server::client::{Conn, Reply};
use truce_test_support::{TestDb, shared_dir};

const BIN: &str = env!("CARGO_BIN_EXE_truce");
const PASSWORD: &str = "crash-campaign-password";
/// The guarantors of the shipped agreements, one user each.
const GUARANTORS: [&str; 4] = ["russia", "turkey", "united-states", "iran"];
/// Concurrent upload clients.
const UPLOADERS: usize = 2;
/// Paragraphs of each article put in a document.
const PARAGRAPHS: usize = 4;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn truce(args: &[&str]) -> Output {
    truce_test_support::run_bin(BIN, args)
}

fn ok(out: &Output, what: &str) -> String {
    assert_eq!(out.status.code(), Some(0), "{what}: {}{}", text(&out.stdout), text(&out.stderr));
    text(&out.stdout)
}

/// splitmix64: small, seeded, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

// ---------- the articles ----------

/// A real article: the seeds and the 2016 news articles of `../shared`.
struct Article {
    title: String,
    site: String,
    published: String,
    paragraphs: Vec<String>,
}

fn articles() -> Vec<Article> {
    let mut out = Vec::new();
    let mut seeds: Vec<PathBuf> = std::fs::read_dir(shared_dir().join("corpus/seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    seeds.sort();
    for p in seeds {
        let body = std::fs::read_to_string(&p).unwrap();
        let mut paras = body.split("\n\n").map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        let title = paras.next().unwrap_or_default();
        out.push(Article {
            title,
            site: "seed".into(),
            published: "2016-12-30T02:00:00Z".into(),
            paragraphs: paras.collect(),
        });
    }
    let news = std::fs::read_to_string(shared_dir().join("data/news/whenitson_2016_syria_articles.jsonl")).unwrap();
    for line in news.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let date = v["date"].as_str().unwrap_or("2016-06-01 12:00:00").replace(' ', "T");
        let paragraphs: Vec<String> = v["text"]
            .as_str()
            .unwrap_or_default()
            .split("\n\n")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if paragraphs.is_empty() {
            continue;
        }
        out.push(Article {
            title: v["headline"].as_str().unwrap_or("Syria").to_owned(),
            site: v["source_host"].as_str().unwrap_or("news").to_owned(),
            published: format!("{date}Z"),
            paragraphs,
        });
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Copy `copy` of article `n % len` as an HTML page with its publication time.
/// The copy number is in a comment: a distinct report (content hash) with the
/// article's own clean text, so copies corroborate rather than invent incidents.
fn document(articles: &[Article], n: u64, origin: &str) -> String {
    // A stride coprime with the count walks every article before repeating one.
    let a = &articles[(n as usize * 37) % articles.len()];
    // The opening paragraphs: enough for events, places and times, and the
    // store stays small enough that judging it on every upload stays quick.
    let paras: String = a.paragraphs.iter().take(PARAGRAPHS).map(|p| format!("<p>{}</p>\n", escape(p))).collect();
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{t}</title>\n\
         <meta property=\"og:site_name\" content=\"{s}\">\n\
         <meta property=\"article:published_time\" content=\"{p}\">\n\
         <!-- {origin} copy {n} --></head>\n<body><h1>{t}</h1>\n{paras}</body></html>\n",
        t = escape(&a.title),
        s = escape(&a.site),
        p = a.published,
    )
}

// ---------- HTTP ----------

/// The server's address, which moves only when a restart cannot bind it.
type Addr = Arc<Mutex<String>>;

async fn http(addr: &Addr, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Result<Reply, String> {
    let a = addr.lock().unwrap().clone();
    let fut = async {
        let mut c = Conn::connect(&a).await.map_err(|e| e.to_string())?;
        c.request(method, path, headers, body).await.map_err(|e| e.to_string())
    };
    tokio::time::timeout(Duration::from_secs(300), fut).await.map_err(|_| "timed out".to_owned())?
}

/// Signs in and creates an API token (tokens are stored, so they outlive restarts).
async fn token(addr: &Addr, name: &str) -> String {
    let body = serde_json::json!({ "name": name, "password": PASSWORD }).to_string();
    let r =
        http(addr, "POST", "/api/v1/session", &[("Content-Type", "application/json")], body.as_bytes()).await.unwrap();
    assert_eq!(r.status, 200, "sign in {name}: {}", r.text());
    let cookie = r.header("set-cookie").and_then(|s| s.split(';').next()).unwrap().to_owned();
    let csrf = r.json()["csrf"].as_str().unwrap().to_owned();
    let h = [("Cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str()), ("Content-Type", "application/json")];
    let r = http(addr, "POST", "/api/v1/tokens", &h, br#"{"label":"crash"}"#).await.unwrap();
    assert_eq!(r.status, 201, "token for {name}: {}", r.text());
    r.json()["token"].as_str().unwrap().to_owned()
}

// ---------- what the clients were told ----------

/// What clients saw: only success replies count as acknowledgements.
#[derive(Default)]
struct Seen {
    /// Report name → id (full from the API, a 12-digit prefix from `truce ingest --verbose`).
    reports: Mutex<BTreeMap<String, String>>,
    /// Referral id → the user whose acknowledgement got 200.
    acks: Mutex<BTreeMap<String, String>>,
    /// Failed requests by kind (connection errors while the server is down, 5xx).
    errors: Mutex<BTreeMap<String, u64>>,
    /// Replies that are never right (4xx other than a repeated acknowledgement).
    wrong: Mutex<Vec<String>>,
    upload_ms: Mutex<Vec<f64>>,
    ingest_kills: AtomicU64,
    /// How long the last `truce ingest` that finished took, in milliseconds.
    ingest_ms: AtomicU64,
    ingest_runs: AtomicU64,
    /// Acknowledgements refused as already made (an earlier reply was lost).
    ack_conflicts: AtomicU64,
}

impl Seen {
    fn error(&self, kind: String) {
        *self.errors.lock().unwrap().entry(kind).or_default() += 1;
    }
}

async fn uploader(
    addr: Addr,
    token: String,
    docs: Arc<Vec<Article>>,
    next: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    seen: Arc<Seen>,
) {
    let auth = format!("Bearer {token}");
    while !stop.load(Ordering::SeqCst) {
        let n = next.fetch_add(1, Ordering::SeqCst);
        upload(&addr, &auth, &document(&docs, n, "upload"), &format!("upload-{n:05}.html"), &seen).await;
    }
}

/// Uploads one document, retrying (as a client would) until the server says it stored it.
async fn upload(addr: &Addr, auth: &str, doc: &str, name: &str, seen: &Seen) {
    let path = format!("/api/v1/reports?name={name}&source=crash");
    let h = [("Authorization", auth), ("Content-Type", "text/html")];
    for _ in 0..200 {
        let t0 = Instant::now();
        match http(addr, "POST", &path, &h, doc.as_bytes()).await {
            Ok(r) if r.status == 201 => {
                seen.upload_ms.lock().unwrap().push(t0.elapsed().as_secs_f64() * 1000.0);
                let j = r.json();
                let mut reports = seen.reports.lock().unwrap();
                for rep in j["reports"].as_array().into_iter().flatten() {
                    reports.insert(rep["name"].as_str().unwrap().to_owned(), rep["id"].as_str().unwrap().to_owned());
                }
                return;
            }
            Ok(r) if r.status >= 500 => seen.error(format!("upload HTTP {}", r.status)),
            Ok(r) => {
                seen.wrong.lock().unwrap().push(format!("upload {name}: {} {}", r.status, r.text()));
                return;
            }
            Err(_) => seen.error("upload: no reply (server down)".into()),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    seen.wrong.lock().unwrap().push(format!("upload {name}: never stored"));
}

async fn acker(addr: Addr, tokens: Vec<(String, String)>, stop: Arc<AtomicBool>, seen: Arc<Seen>) {
    loop {
        // One whole round after `stop`, so referrals of the last judge are acknowledged too.
        let last = stop.load(Ordering::SeqCst);
        for (user, token) in &tokens {
            let auth = format!("Bearer {token}");
            let list = match http(&addr, "GET", "/api/v1/referrals", &[("Authorization", &auth)], b"").await {
                Ok(r) if r.status == 200 => r.json(),
                Ok(r) => {
                    seen.error(format!("referrals HTTP {}", r.status));
                    continue;
                }
                Err(_) => {
                    seen.error("referrals: no reply (server down)".into());
                    continue;
                }
            };
            for r in list.as_array().into_iter().flatten().filter(|r| r["state"] != "acknowledged") {
                let id = r["id"].as_str().unwrap();
                match http(&addr, "POST", &format!("/api/v1/referrals/{id}/ack"), &[("Authorization", &auth)], b"")
                    .await
                {
                    Ok(a) if a.status == 200 => {
                        seen.acks.lock().unwrap().insert(id.to_owned(), user.clone());
                    }
                    Ok(a) if a.status == 409 => {
                        seen.ack_conflicts.fetch_add(1, Ordering::SeqCst);
                    }
                    Ok(a) if a.status >= 500 => seen.error(format!("ack HTTP {}", a.status)),
                    Ok(a) => seen.wrong.lock().unwrap().push(format!("ack {id} by {user}: {} {}", a.status, a.text())),
                    Err(_) => seen.error("ack: no reply (server down)".into()),
                }
            }
        }
        if last {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// What the ingest thread shares with the campaign.
struct Ingester {
    db: String,
    dir: PathBuf,
    docs: Arc<Vec<Article>>,
    next: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    running: Arc<Mutex<Option<Child>>>,
    seen: Arc<Seen>,
    seed: u64,
}

/// Runs `truce ingest --verbose` over new folders of articles, one process at a
/// time, until `stop`. A killed run's folders go into the next run (an operator
/// runs it again); a run that exits 0 acknowledges every report it lists.
fn ingester(c: Ingester) {
    let Ingester { db, dir, docs, next, stop, running, seen, seed } = c;
    let mut rng = Rng(seed);
    let mut pending: Vec<PathBuf> = Vec::new();
    let mut batch = 0;
    let mut last_round = false;
    loop {
        if stop.load(Ordering::SeqCst) {
            if pending.is_empty() || last_round {
                break;
            }
            // Finish what was killed, then stop.
            last_round = true;
        } else {
            batch += 1;
            let d = dir.join(format!("batch-{batch:04}"));
            std::fs::create_dir_all(&d).unwrap();
            for _ in 0..rng.between(2, 8) {
                let n = next.fetch_add(1, Ordering::SeqCst);
                std::fs::write(d.join(format!("ingest-{n:05}.html")), document(&docs, n, "ingest")).unwrap();
            }
            pending.push(d);
        }
        let child = Command::new(BIN)
            .arg("ingest")
            .arg("--verbose")
            .args(&pending)
            .args(["--db", &db])
            .env_remove("TRUCE_DB")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        seen.ingest_runs.fetch_add(1, Ordering::SeqCst);
        let t0 = Instant::now();
        *running.lock().unwrap() = Some(child);
        let status = loop {
            if let Some(s) = running.lock().unwrap().as_mut().unwrap().try_wait().unwrap() {
                break s;
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        let out = running.lock().unwrap().take().unwrap().wait_with_output().unwrap();
        if status.success() {
            seen.ingest_ms.store(t0.elapsed().as_millis() as u64, Ordering::SeqCst);
            let mut reports = seen.reports.lock().unwrap();
            for line in text(&out.stdout).lines().filter(|l| l.starts_with("stored") || l.starts_with("already known"))
            {
                let mut words = line.split_whitespace().rev();
                let (name, id) = (words.next().unwrap(), words.next().unwrap());
                reports.insert(name.to_owned(), id.to_owned());
            }
            pending.clear();
        } else if status.signal() == Some(9) {
            seen.ingest_kills.fetch_add(1, Ordering::SeqCst);
        } else {
            seen.wrong.lock().unwrap().push(format!("truce ingest: {status}: {}", text(&out.stderr)));
            if last_round {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(rng.between(100, 1000)));
    }
}

// ---------- the server ----------

fn spawn_serve(db: &str, addr: &str, log: &Path) -> Child {
    let log = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
    Command::new(BIN)
        .args(["serve", "--db", db, "--listen", addr])
        .env_remove("TRUCE_DB")
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap()
}

/// Starts `truce serve` and waits until it answers; picks a new port if the
/// old one cannot be bound again.
async fn start_serve(db: &str, addr: &Addr, log: &Path) -> Child {
    for _ in 0..5 {
        let a = addr.lock().unwrap().clone();
        let mut child = spawn_serve(db, &a, log);
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(120) {
            if let Some(status) = child.try_wait().unwrap() {
                eprintln!("crash: serve exited {status} on start; trying another port");
                break;
            }
            if let Ok(Ok(r)) = tokio::time::timeout(Duration::from_secs(60), async {
                let mut c = Conn::connect(&a).await?;
                c.request("GET", "/api/v1/me", &[], b"").await
            })
            .await
                && r.status == 401
            {
                return child;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        *addr.lock().unwrap() = free_addr();
    }
    panic!("truce serve did not start; see {}", log.display());
}

fn free_addr() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    format!("127.0.0.1:{port}")
}

// ---------- the campaign ----------

/// The figures of one campaign.
#[derive(Debug, Default)]
struct Figures {
    store: String,
    seed: u64,
    serve_kills: u64,
    ingest_kills: u64,
    ingest_runs: u64,
    reports_acked: usize,
    reports_found: usize,
    reports_stored: usize,
    acks: usize,
    acks_found: usize,
    ack_conflicts: u64,
    duplicates: usize,
    audit: String,
    incidents: usize,
    superseded: usize,
    rulings: usize,
    referrals: usize,
    rulings_equal: bool,
    errors: BTreeMap<String, u64>,
    upload_p50_ms: f64,
    upload_p99_ms: f64,
    seconds: f64,
}

impl std::fmt::Display for Figures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "crash campaign on {} (seed {}), {:.1} s", self.store, self.seed, self.seconds)?;
        writeln!(
            f,
            "  kills: {} of serve, {} of ingest ({} ingest runs)",
            self.serve_kills, self.ingest_kills, self.ingest_runs
        )?;
        writeln!(
            f,
            "  reports: {} acknowledged, {} of them found, {} stored in all",
            self.reports_acked, self.reports_found, self.reports_stored
        )?;
        writeln!(
            f,
            "  referral acks: {} acknowledged, {} of them found; {} refused as already acknowledged",
            self.acks, self.acks_found, self.ack_conflicts
        )?;
        writeln!(f, "  duplicates (reports, incidents, referrals, log entries): {}", self.duplicates)?;
        writeln!(f, "  audit verify: {}", self.audit)?;
        writeln!(
            f,
            "  clean re-run: {} incidents, {} rulings, {} referrals, {} (the store also keeps {} incidents superseded as reports arrived)",
            self.incidents,
            self.rulings,
            self.referrals,
            if self.rulings_equal { "equal" } else { "DIFFERENT" },
            self.superseded
        )?;
        writeln!(
            f,
            "  uploads: p50 {:.0} ms, p99 {:.0} ms (each stores and judges)",
            self.upload_p50_ms, self.upload_p99_ms
        )?;
        write!(f, "  failed requests (not acknowledged): {:?}", self.errors)
    }
}

/// Sorted rows of a one-column text query, on either store.
async fn rows(url: &str, query: &'static str) -> Vec<String> {
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

type StoredReport = (String, Option<String>, i64, String);

async fn stored_reports(url: &str) -> Vec<StoredReport> {
    const Q: &str = "SELECT name, source, received_at, content FROM reports ORDER BY seq";
    if url.starts_with("sqlite://") {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        let v = sqlx::query_as(Q).fetch_all(&pool).await.unwrap();
        pool.close().await;
        v
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        let v = sqlx::query_as(Q).fetch_all(&pool).await.unwrap();
        pool.close().await;
        v
    }
}

const REPORTS: &str = "SELECT id || ' ' || name || ' ' || media_type || ' ' || CAST(received_at AS TEXT) || ' ' \
     || COALESCE(CAST(published_at AS TEXT), '-') || ' ' || COALESCE(source, '-') FROM reports";
const INCIDENTS: &str = "SELECT id || ' ' || hash FROM incidents";
const RULINGS: &str = "SELECT incident_id || ' ' || agreement_key || ' ' || verdict || ' ' || hash FROM rulings";
const REFERRALS: &str = "SELECT id || ' ' || incident_id || ' ' || agreement_key || ' ' || guarantor FROM referrals";
const ACKED: &str = "SELECT id || ' ' || acked_by FROM referrals WHERE acked_at IS NOT NULL";
const DUPLICATES: [&str; 5] = [
    "SELECT 'report ' || id FROM reports GROUP BY id HAVING COUNT(*) > 1",
    "SELECT 'incident ' || id FROM incidents GROUP BY id HAVING COUNT(*) > 1",
    "SELECT 'referral ' || id FROM referrals GROUP BY id HAVING COUNT(*) > 1",
    "SELECT 'referral case ' || incident_id || ' ' || agreement_key || ' ' || guarantor FROM referrals \
     GROUP BY incident_id, agreement_key, guarantor HAVING COUNT(*) > 1",
    "SELECT 'log ' || kind || ' ' || entity FROM events WHERE kind IN ('report.ingested', 'incident.recorded', \
     'ruling.recorded', 'referral.created', 'referral.acknowledged') GROUP BY kind, entity HAVING COUNT(*) > 1",
];
const LOGGED: &str = "SELECT kind || ' ' || CAST(COUNT(*) AS TEXT) FROM events \
     WHERE kind IN ('report.ingested', 'referral.created', 'referral.acknowledged') GROUP BY kind";

/// Runs one campaign of `kills` SIGKILLs against the store at `db` and checks what is left.
async fn campaign(db: &TestDb, fresh: &TestDb, kills: u64, seed: u64) -> Figures {
    let started = Instant::now();
    let label = if db.url.starts_with("sqlite://") { "sqlite" } else { "postgres" };
    eprintln!("crash: {label}: {kills} kills, seed {seed}");
    let work = tempfile::tempdir().unwrap();
    let log = work.path().join("serve.log");
    let mut rng = Rng(seed);
    let docs = Arc::new(articles());
    let mut users = vec![("crash-analyst".to_owned(), "analyst".to_owned())];
    users.extend(GUARANTORS.iter().map(|g| (format!("crash-{g}"), format!("guarantor:{g}"))));
    for (name, role) in &users {
        let mut child = Command::new(BIN)
            .args(["user", "add", name, "--role", role, "--password-stdin", "--db", &db.url])
            .env_remove("TRUCE_DB")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
        ok(&child.wait_with_output().unwrap(), "user add");
    }
    let addr: Addr = Arc::new(Mutex::new(free_addr()));
    let mut serve = start_serve(&db.url, &addr, &log).await;
    let analyst = token(&addr, "crash-analyst").await;
    let mut guarantors = Vec::new();
    for g in GUARANTORS {
        let user = format!("crash-{g}");
        guarantors.push((user.clone(), token(&addr, &user).await));
    }

    let seen = Arc::new(Seen::default());
    let stop = Arc::new(AtomicBool::new(false));
    let next = Arc::new(AtomicU64::new(0));
    let mut uploads = Vec::new();
    for _ in 0..UPLOADERS {
        uploads.push(tokio::spawn(uploader(
            addr.clone(),
            analyst.clone(),
            docs.clone(),
            next.clone(),
            stop.clone(),
            seen.clone(),
        )));
    }
    let ack_stop = Arc::new(AtomicBool::new(false));
    let acks = tokio::spawn(acker(addr.clone(), guarantors, ack_stop.clone(), seen.clone()));
    let running: Arc<Mutex<Option<Child>>> = Arc::new(Mutex::new(None));
    let ingest = {
        let c = Ingester {
            db: db.url.clone(),
            dir: work.path().join("inbox"),
            docs: docs.clone(),
            next: next.clone(),
            stop: stop.clone(),
            running: running.clone(),
            seen: seen.clone(),
            seed: rng.next(),
        };
        std::thread::spawn(move || ingester(c))
    };

    // The kills: every other one picks `truce serve` or the running `truce
    // ingest` at random, the rest the kind killed less so far.
    let mut serve_kills = 0;
    let mut attempt = 0u64;
    loop {
        let ingest_kills = seen.ingest_kills.load(Ordering::SeqCst);
        if serve_kills + ingest_kills >= kills {
            break;
        }
        attempt += 1;
        let kill_serve = if attempt % 2 == 1 { rng.next().is_multiple_of(2) } else { serve_kills <= ingest_kills };
        if kill_serve {
            tokio::time::sleep(Duration::from_millis(rng.between(100, 2000))).await;
            assert!(serve.try_wait().unwrap().is_none(), "truce serve died by itself; see {}", log.display());
            serve.kill().unwrap();
            serve.wait().unwrap();
            serve_kills += 1;
            tokio::time::sleep(Duration::from_millis(rng.between(0, 300))).await;
            serve = start_serve(&db.url, &addr, &log).await;
        } else {
            let before = seen.ingest_kills.load(Ordering::SeqCst);
            let t0 = Instant::now();
            while running.lock().unwrap().is_none() && t0.elapsed() < Duration::from_secs(30) {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            // A moment within the time a run takes.
            let took = seen.ingest_ms.load(Ordering::SeqCst).max(50);
            tokio::time::sleep(Duration::from_millis(rng.between(0, took))).await;
            if let Some(child) = running.lock().unwrap().as_mut() {
                let _ = child.kill();
            }
            // Count it only if it landed (the run had not finished already).
            let t0 = Instant::now();
            while seen.ingest_kills.load(Ordering::SeqCst) == before
                && running.lock().unwrap().is_some()
                && t0.elapsed() < Duration::from_secs(5)
            {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
    }

    // Stop: clients finish what they were doing against a running server.
    stop.store(true, Ordering::SeqCst);
    for u in uploads {
        u.await.unwrap();
    }
    tokio::task::spawn_blocking(move || ingest.join().unwrap()).await.unwrap();
    // One last upload judges everything the ingest runs stored.
    let final_name = "upload-final.html";
    upload(&addr, &format!("Bearer {analyst}"), &document(&docs, 1_000_000, "final"), final_name, &seen).await;
    ack_stop.store(true, Ordering::SeqCst);
    acks.await.unwrap();
    serve.kill().unwrap();
    serve.wait().unwrap();

    // ---------- the checks ----------
    let wrong = seen.wrong.lock().unwrap().clone();
    assert!(wrong.is_empty(), "{label}: replies that are never right:\n{}", wrong.join("\n"));
    let stored = rows(&db.url, REPORTS).await;
    let by_name: BTreeMap<&str, &str> = stored
        .iter()
        .map(|r| {
            let mut w = r.split(' ');
            let id = w.next().unwrap();
            (w.next().unwrap(), id)
        })
        .collect();
    let acked = seen.reports.lock().unwrap().clone();
    let lost: Vec<String> = acked
        .iter()
        .filter(|(name, id)| by_name.get(name.as_str()).is_none_or(|s| !s.starts_with(id.as_str())))
        .map(|(name, id)| format!("{name} {id}"))
        .collect();
    assert!(lost.is_empty(), "{label} (seed {seed}): acknowledged reports lost:\n{}", lost.join("\n"));
    assert!(acked.contains_key(final_name), "{label}: the final upload was not acknowledged");

    let mut duplicates = Vec::new();
    for q in DUPLICATES {
        duplicates.extend(rows(&db.url, q).await);
    }
    assert!(duplicates.is_empty(), "{label} (seed {seed}): duplicated:\n{}", duplicates.join("\n"));
    let logged: BTreeMap<String, usize> = rows(&db.url, LOGGED)
        .await
        .iter()
        .map(|l| {
            let (k, n) = l.split_once(' ').unwrap();
            (k.to_owned(), n.parse().unwrap())
        })
        .collect();
    let referrals = rows(&db.url, REFERRALS).await;
    let recorded_acks = rows(&db.url, ACKED).await;
    let count = |k: &str| logged.get(k).copied().unwrap_or(0);
    assert_eq!(count("report.ingested"), stored.len(), "{label}: one log entry per stored report");
    assert_eq!(count("referral.created"), referrals.len(), "{label}: one log entry per referral");
    assert_eq!(count("referral.acknowledged"), recorded_acks.len(), "{label}: one log entry per acknowledgement");

    let acks = seen.acks.lock().unwrap().clone();
    let recorded_acks: BTreeSet<String> = recorded_acks.into_iter().collect();
    let missing: Vec<String> =
        acks.iter().map(|(id, by)| format!("{id} {by}")).filter(|a| !recorded_acks.contains(a)).collect();
    assert!(missing.is_empty(), "{label} (seed {seed}): acknowledgements lost:\n{}", missing.join("\n"));

    let audit = truce(&["audit", "verify", "--db", &db.url]);
    let audit_line = text(&audit.stdout).trim().to_owned();
    assert_eq!(audit.status.code(), Some(0), "{label}: audit verify: {audit_line} {}", text(&audit.stderr));

    // The server's last judge recorded everything: judging again changes nothing.
    let again = ok(&truce(&["judge", "--db", &db.url]), "judge after the campaign");
    let summary = again.lines().last().unwrap_or_default();
    assert!(
        summary.contains("recorded 0 new and 0 changed incidents, 0 new and 0 changed rulings, 0 new referrals"),
        "{label} (seed {seed}): a judge after the campaign still recorded something: {summary}"
    );

    // A clean re-run: the same reports in a fresh store, judged once.
    let engine = Engine::open(EngineConfig { db_url: fresh.url.clone(), ingest: IngestConfig { max_size: 1 << 24 } })
        .await
        .unwrap();
    for (name, source, received_at, content) in stored_reports(&db.url).await {
        let at = jiff::Timestamp::from_millisecond(received_at).unwrap();
        engine.ingest_document(&name, content.as_bytes(), source, Some(at)).await.unwrap();
    }
    engine.close().await;
    ok(&truce(&["judge", "--db", &fresh.url]), "judge the fresh store");
    assert_eq!(rows(&fresh.url, REPORTS).await, stored, "{label}: the fresh store holds other reports");
    let mut equal = true;
    let mut sizes = [0; 3];
    let mut superseded = 0;
    for (k, q) in [INCIDENTS, RULINGS, REFERRALS].into_iter().enumerate() {
        let clean = rows(&fresh.url, q).await;
        let campaign: BTreeSet<String> = rows(&db.url, q).await.into_iter().collect();
        let differ: Vec<&String> = clean.iter().filter(|r| !campaign.contains(*r)).collect();
        assert!(
            differ.is_empty(),
            "{label} (seed {seed}): the clean re-run has rows the campaign's store does not ({q}):\n{differ:?}"
        );
        equal &= differ.is_empty();
        sizes[k] = clean.len();
        if k == 0 {
            // Incidents are never deleted: one that a later report merged into
            // another stays as it was; none of them is a current incident.
            superseded = campaign.len() - clean.len();
        }
    }
    assert!(sizes[1] > 0, "{label}: the campaign produced no rulings");

    let ms = {
        let mut v = seen.upload_ms.lock().unwrap().clone();
        v.sort_by(f64::total_cmp);
        v
    };
    let pick = |q: f64| ms.get(((q * ms.len() as f64).ceil() as usize).clamp(1, ms.len().max(1)) - 1).copied();
    Figures {
        store: label.into(),
        seed,
        serve_kills,
        ingest_kills: seen.ingest_kills.load(Ordering::SeqCst),
        ingest_runs: seen.ingest_runs.load(Ordering::SeqCst),
        reports_acked: acked.len(),
        reports_found: acked.len() - lost.len(),
        reports_stored: stored.len(),
        acks: acks.len(),
        acks_found: acks.len() - missing.len(),
        ack_conflicts: seen.ack_conflicts.load(Ordering::SeqCst),
        duplicates: duplicates.len(),
        audit: audit_line,
        incidents: sizes[0],
        superseded,
        rulings: sizes[1],
        referrals: sizes[2],
        rulings_equal: equal,
        errors: seen.errors.lock().unwrap().clone(),
        upload_p50_ms: pick(0.5).unwrap_or(0.0),
        upload_p99_ms: pick(0.99).unwrap_or(0.0),
        seconds: started.elapsed().as_secs_f64(),
    }
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|v| v.parse().unwrap_or_else(|e| panic!("{name}={v:?}: {e}")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_of_serve_and_ingest_loses_and_duplicates_nothing_on_both_stores() {
    let kills = env_u64("TRUCE_CRASH_KILLS").unwrap_or(10);
    let seed = env_u64("TRUCE_CRASH_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
    });
    eprintln!("crash: seed {seed} (replay with TRUCE_CRASH_SEED={seed})");
    let mut figures = Vec::new();
    for (k, (db, fresh)) in
        [(TestDb::sqlite(), TestDb::sqlite()), (TestDb::postgres().await, TestDb::postgres().await)].iter().enumerate()
    {
        let f = campaign(db, fresh, kills, seed.wrapping_add(k as u64)).await;
        eprintln!("{f}");
        assert!(f.serve_kills > 0 && f.ingest_kills > 0, "{}: both kinds of process must be killed", f.store);
        assert!(f.acks > 0, "{}: no referral was acknowledged", f.store);
        figures.push(f);
    }
    for f in &figures {
        println!("{f}");
    }
}
