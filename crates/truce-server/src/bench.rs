//! `truce bench serve`: load figures for the API over loopback.
//!
//! For SQLite (a temporary file) and, when asked, PostgreSQL (a scratch
//! database, dropped after): seed synthetic incidents, start the server on
//! `127.0.0.1:0`, and measure with keep-alive connections of our own client
//! the latency of a filtered incidents page, the map's cluster endpoint and
//! the GeoJSON points, then the hotline's delivery latency from posting a
//! report to the guarantor's SSE event. All traffic stays on loopback; every
//! loop is bounded in count and in time.

use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use truce_engine::{Engine, EngineConfig, IngestConfig};

use crate::client::Conn;
use crate::{AppState, PasswordCost, ServeOptions, add_user};

/// One measured figure.
#[derive(Debug, Clone, PartialEq)]
pub struct ServeFigure {
    /// What was measured (backend and endpoint).
    pub what: String,
    /// Requests completed.
    pub requests: u64,
    /// Median latency in milliseconds.
    pub p50_ms: f64,
    /// 99th-percentile latency in milliseconds.
    pub p99_ms: f64,
    /// Requests per second over the whole run.
    pub rps: f64,
}

/// Why the benchmark failed.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The engine or store failed.
    #[error("engine: {0}")]
    Engine(#[from] truce_engine::EngineError),
    /// Talking to the server failed.
    #[error("http: {0}")]
    Io(#[from] std::io::Error),
    /// The server answered something unexpected.
    #[error("{0}")]
    Unexpected(String),
}

const PW: &str = "bench-serve-password";
/// Concurrent keep-alive connections for the endpoint figures.
const CONNECTIONS: usize = 4;
/// Reports posted for the hotline figure.
const HOTLINE_REPORTS: usize = 20;
/// At most this many reports are posted to get `HOTLINE_REPORTS` referrals.
const HOTLINE_ATTEMPTS: usize = 60;
/// No endpoint run lasts longer than this.
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// Runs the serve benchmark: `incidents` seeded incidents, `requests` requests
/// per endpoint; PostgreSQL too when `pg_admin` is given.
pub async fn bench_serve(
    incidents: usize,
    requests: usize,
    pg_admin: Option<&str>,
) -> Result<Vec<ServeFigure>, BenchError> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("serve-bench.db").display());
    let mut figures = one_backend("sqlite", url, incidents, requests).await?;
    if let Some(admin) = pg_admin {
        let name = format!("truce_bench_serve_{}", std::process::id());
        let url = truce_engine::create_scratch_pg(admin, &name).await?;
        let out = one_backend("postgres", url, incidents, requests).await;
        let dropped = truce_engine::drop_scratch_pg(admin, &name).await;
        figures.extend(out?);
        dropped?;
    }
    Ok(figures)
}

async fn one_backend(
    label: &str,
    url: String,
    incidents: usize,
    requests: usize,
) -> Result<Vec<ServeFigure>, BenchError> {
    let engine = Engine::open(EngineConfig { db_url: url, ingest: IngestConfig { max_size: 1 << 20 } }).await?;
    eprintln!("bench serve ({label}): seeding {incidents} incidents…");
    engine.seed_synthetic_incidents(incidents).await?;
    for (name, role) in [("bench-analyst", "analyst"), ("bench-turkey", "guarantor:turkey")] {
        add_user(&engine, name, role, PW, PasswordCost::TestOnly)
            .await
            .map_err(|e| BenchError::Unexpected(format!("add user {name}: {e}")))?;
    }
    let mut options = ServeOptions::standard();
    options.password_cost = PasswordCost::TestOnly;
    options.escalation_every = Duration::from_secs(3600);
    let state = AppState::new(engine, options);
    state.refresh().await.map_err(|e| BenchError::Unexpected(format!("first judge: {e}")))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?.to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(crate::serve_on(listener, state.clone(), async {
        let _ = stopped.await;
    }));
    let out = measure(label, &addr, requests).await;
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
    state.engine().close().await;
    out
}

async fn measure(label: &str, addr: &str, requests: usize) -> Result<Vec<ServeFigure>, BenchError> {
    let analyst = login(addr, "bench-analyst", PW).await?;
    let pages: Vec<String> = ["Hama", "Idleb", "Aleppo", "Homs"]
        .iter()
        .map(|g| format!("/api/v1/incidents?admin1={g}&verdict=violation&limit=50"))
        .collect();
    let clusters = vec!["/api/v1/map/clusters?zoom=2&bbox=35.4000,32.2000,42.6000,37.5000".to_owned()];
    let points = vec!["/api/v1/incidents.geojson?admin1=Hama&limit=1000".to_owned()];
    let mut figures = Vec::new();
    for (what, paths) in [("incidents page", pages), ("map clusters", clusters), ("geojson 1000", points)] {
        eprintln!("bench serve ({label}): {requests} × {what}…");
        figures.push(load(&format!("{label} {what}"), addr, &analyst.0, &paths, requests).await?);
    }
    eprintln!("bench serve ({label}): hotline, {HOTLINE_REPORTS} reports…");
    figures.push(hotline(&format!("{label} hotline post→sse"), addr, &analyst).await?);
    Ok(figures)
}

/// Signs in; returns (cookie, csrf).
pub(crate) async fn login(addr: &str, name: &str, password: &str) -> Result<(String, String), BenchError> {
    let mut c = Conn::connect(addr).await?;
    let body = serde_json::json!({ "name": name, "password": password }).to_string();
    let r = c.request("POST", "/api/v1/session", &[("Content-Type", "application/json")], body.as_bytes()).await?;
    if r.status != 200 {
        return Err(BenchError::Unexpected(format!("sign in as {name}: {} {}", r.status, r.text())));
    }
    let cookie = r
        .header("set-cookie")
        .and_then(|s| s.split(';').next())
        .ok_or_else(|| BenchError::Unexpected("sign in: no cookie".into()))?
        .to_owned();
    let csrf = r.json()["csrf"].as_str().unwrap_or_default().to_owned();
    Ok((cookie, csrf))
}

/// `requests` GETs spread over `CONNECTIONS` keep-alive connections, cycling through `paths`.
async fn load(
    what: &str,
    addr: &str,
    cookie: &str,
    paths: &[String],
    requests: usize,
) -> Result<ServeFigure, BenchError> {
    let start = Instant::now();
    let deadline = start + RUN_LIMIT;
    let mut tasks = Vec::new();
    for k in 0..CONNECTIONS {
        let n = requests / CONNECTIONS + usize::from(k < requests % CONNECTIONS);
        let (addr, cookie, paths) = (addr.to_owned(), cookie.to_owned(), paths.to_vec());
        tasks.push(tokio::spawn(async move {
            let mut c = Conn::connect(&addr).await?;
            let mut lat = Vec::with_capacity(n);
            for i in 0..n {
                if Instant::now() > deadline {
                    break;
                }
                let path = &paths[(i + k) % paths.len()];
                let t = Instant::now();
                let r = c.request("GET", path, &[("Cookie", &cookie)], b"").await?;
                lat.push(t.elapsed());
                if r.status != 200 {
                    return Err(BenchError::Unexpected(format!("GET {path}: {} {}", r.status, r.text())));
                }
            }
            Ok::<_, BenchError>(lat)
        }));
    }
    let mut all = Vec::with_capacity(requests);
    for t in tasks {
        all.extend(t.await.map_err(|e| BenchError::Unexpected(format!("load task: {e}")))??);
    }
    Ok(figure(what, all, start.elapsed()))
}

/// Towns of Hama governorate in the gazetteer: one report each.
const HAMA_TOWNS: [&str; HOTLINE_REPORTS] = [
    "Mhardeh",
    "Sreihin",
    "Khattab",
    "Mhardeh",
    "Maar Shohur",
    "Qamhana",
    "Suran",
    "Khattab",
    "Aqrab",
    "Deir Elfardis",
    "As-Suqaylabiyah",
    "Tal Salhab",
    "Qastun",
    "Kafr Nabutha",
    "Taldara",
    "Saboura",
    "Masyaf",
    "Barin",
    "Halfaya",
    "Kafr Zeita",
];

/// Distinct reports of a shelling by an opposition group in a Hama town: each
/// is a new violation referred to Turkey. Merge joins mentions with
/// near-duplicate sentences, or the same day and place, so every report has its
/// own day, town and words (reference codes) in each sentence.
pub(crate) fn turkey_report(i: usize) -> String {
    const MONTHS: [&str; 3] = ["January", "February", "March"];
    let town = HAMA_TOWNS[i % HAMA_TOWNS.len()];
    let (day, month) = (1 + (i * 11) % 28, MONTHS[(i / HAMA_TOWNS.len()) % MONTHS.len()]);
    let code = |from: usize, n: usize| (from..from + n).map(|k| format!("r{i}x{k}")).collect::<Vec<_>>().join(" ");
    format!(
        "Rebels shell government positions near {town} (file {})\n\n\
{town}, Syria ({day} {month} 2017) - Fighters of Ahrar al-Sham shelled government positions in {town} in \
Hama province on {day} {month} 2017, killing two soldiers, the Syrian army said in statement {}. \
The army said the attack broke the nationwide ceasefire (statement {}).\n",
        code(0, 6),
        code(10, 30),
        code(40, 12)
    )
}

async fn hotline(what: &str, addr: &str, analyst: &(String, String)) -> Result<ServeFigure, BenchError> {
    let turkey = login(addr, "bench-turkey", PW).await?;
    let (status, mut sse) = Conn::connect(addr).await?.sse("/api/v1/hotline/events", &[("Cookie", &turkey.0)]).await?;
    if status != 200 {
        return Err(BenchError::Unexpected(format!("hotline feed: {status}")));
    }
    let ready = sse.next(Duration::from_secs(5)).await?;
    if ready.event != "ready" {
        return Err(BenchError::Unexpected(format!("hotline feed began with {ready:?}")));
    }
    // A reader task stamps each event on arrival, so a POST that answers after
    // the event went out does not inflate the figure.
    let (tx, mut rx) = mpsc::unbounded_channel();
    let reader = tokio::spawn(async move {
        let end = Instant::now() + RUN_LIMIT;
        while Instant::now() < end {
            match sse.next(Duration::from_secs(15)).await {
                Ok(ev) => {
                    if tx.send((ev, Instant::now())).is_err() {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
    });
    let mut c = Conn::connect(addr).await?;
    let headers =
        [("Cookie", analyst.0.as_str()), ("x-csrf-token", analyst.1.as_str()), ("Content-Type", "text/plain")];
    let start = Instant::now();
    let mut lat = Vec::with_capacity(HOTLINE_REPORTS);
    let mut misses = 0;
    for i in 0..HOTLINE_ATTEMPTS {
        if lat.len() == HOTLINE_REPORTS || start.elapsed() > RUN_LIMIT {
            break;
        }
        while rx.try_recv().is_ok() {}
        let t0 = Instant::now();
        let path = format!("/api/v1/reports?name=bench-hotline-{i}.txt");
        let up = c.request("POST", &path, &headers, turkey_report(i).as_bytes()).await?;
        if up.status != 201 {
            return Err(BenchError::Unexpected(format!("hotline upload {i}: {} {}", up.status, up.text())));
        }
        // Merge may fold a report into an incident already referred: no new referral, no event.
        if up.json()["referrals_created"].as_array().is_none_or(Vec::is_empty) {
            misses += 1;
            continue;
        }
        let got = tokio::time::timeout(Duration::from_secs(10), async {
            while let Some((ev, at)) = rx.recv().await {
                if ev.event == "referral.created" {
                    return Some(at);
                }
            }
            None
        })
        .await;
        match got {
            Ok(Some(at)) => lat.push(at.duration_since(t0)),
            _ => {
                reader.abort();
                return Err(BenchError::Unexpected(format!(
                    "hotline: report {i} created referrals but no event reached Turkey's feed within 10 s: {}",
                    up.text()
                )));
            }
        }
    }
    let elapsed = start.elapsed();
    reader.abort();
    if misses > 0 {
        eprintln!("bench serve: {misses} hotline reports merged into known incidents (no new referral); not timed");
    }
    if lat.len() < HOTLINE_REPORTS {
        return Err(BenchError::Unexpected(format!(
            "hotline: only {} of {HOTLINE_REPORTS} reports produced a referral",
            lat.len()
        )));
    }
    Ok(figure(what, lat, elapsed))
}

fn figure(what: &str, mut lat: Vec<Duration>, elapsed: Duration) -> ServeFigure {
    lat.sort();
    let pick = |q: f64| -> f64 {
        if lat.is_empty() {
            return 0.0;
        }
        let i = ((q * lat.len() as f64).ceil() as usize).clamp(1, lat.len()) - 1;
        lat[i].as_secs_f64() * 1000.0
    };
    ServeFigure {
        what: what.to_owned(),
        requests: lat.len() as u64,
        p50_ms: pick(0.50),
        p99_ms: pick(0.99),
        rps: lat.len() as f64 / elapsed.as_secs_f64().max(1e-9),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_nearest_rank() {
        let lat: Vec<Duration> = (1..=100).rev().map(Duration::from_millis).collect();
        let f = figure("x", lat, Duration::from_secs(2));
        assert_eq!((f.requests, f.p50_ms, f.p99_ms, f.rps), (100, 50.0, 99.0, 50.0));
    }
}
