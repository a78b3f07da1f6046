//! `truce bench soak`: the server under steady mixed load for a fixed time.
//!
//! Seeds synthetic incidents in a scratch store (SQLite, or a scratch
//! PostgreSQL database), starts the server on `127.0.0.1:0`, and runs until the
//! deadline: readers cycling the incidents page, map clusters, GeoJSON and
//! referral list; a writer uploading a new report every two seconds (each is
//! read, merged, judged and referred); Turkey's liaison acknowledging open
//! referrals; and live hotline subscribers on the SSE feed. Every interval it
//! reports throughput, p99 latency per kind, errors and the process's
//! resident memory (server and load clients share this process; the clients
//! hold no growing state: the run's latencies are a fixed-size histogram).
//! Any unexpected status is an error, counted and shown, never hidden.
//!
//! Every upload is a new report by default, so the store, and the state the
//! engine keeps in memory by design (readings, the kept merge), grow with the
//! run. With `distinct = Some(n)` the uploader cycles through `n` documents:
//! after the first `n` uploads each one is already known, the same traffic
//! goes on over data that no longer grows, and resident memory that still
//! rises then is a leak, not state.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;
use truce_engine::{Engine, EngineConfig, IngestConfig};

use crate::bench::{BenchError, login, turkey_report};
use crate::client::Conn;
use crate::{AppState, PasswordCost, ServeOptions, add_user};

/// One interval's (or the whole run's) figures.
#[derive(Debug, Clone, PartialEq)]
pub struct SoakFigure {
    /// Seconds since the start at the end of the interval.
    pub at_s: f64,
    /// Read requests completed.
    pub reads: u64,
    /// Write requests completed (uploads and acknowledgements).
    pub writes: u64,
    /// Requests per second over the interval.
    pub rps: f64,
    /// p99 latency of reads, ms.
    pub read_p99_ms: f64,
    /// p99 latency of writes, ms.
    pub write_p99_ms: f64,
    /// Hotline events received by the subscribers.
    pub events: u64,
    /// Requests answered with an unexpected status, or failed.
    pub errors: u64,
    /// Resident memory of this process at the end of the interval, MiB.
    pub rss_mib: f64,
    /// Readings kept by the engine's reading cache (one per report read) at the end
    /// of the interval; memory it holds by design, bounded by its budget.
    pub cached_readings: usize,
    /// Their estimated size, MiB.
    pub cache_mib: f64,
    /// Reports in the merge the engine keeps between judge runs (see
    /// `Engine::merge_stats`); it should track the reports stored.
    pub merged_reports: usize,
}

/// One interval's latencies, kept exactly (an interval is short, and its
/// vectors are dropped when it is reported).
#[derive(Default)]
struct Window {
    reads: Vec<Duration>,
    writes: Vec<Duration>,
}

/// The whole run's latencies as counts in fixed logarithmic buckets, 1% wide,
/// from 1 µs to about 100 s, so the load generator's own memory does not grow
/// with the run. (Keeping every sample, as this did at first, cost 16 bytes per
/// request: about 0.85 MiB a minute at 900 req/s, which showed up as RSS growth
/// of the server under test.)
#[derive(Debug, Clone)]
struct Histogram {
    counts: Vec<u64>,
    n: u64,
}

impl Histogram {
    const GROWTH: f64 = 1.01;
    const BUCKETS: usize = 1_852; // 1.01^1852 µs ≈ 100 s

    fn new() -> Self {
        Histogram { counts: vec![0; Self::BUCKETS], n: 0 }
    }

    fn bucket(d: Duration) -> usize {
        let us = d.as_secs_f64() * 1e6;
        if us <= 1.0 {
            return 0;
        }
        ((us.ln() / Self::GROWTH.ln()).ceil() as usize).min(Self::BUCKETS - 1)
    }

    fn add(&mut self, lat: &[Duration]) {
        for &d in lat {
            self.counts[Self::bucket(d)] += 1;
        }
        self.n += lat.len() as u64;
    }

    /// The 99th percentile in milliseconds: the upper edge of the bucket that
    /// holds it, so at most 1% above the exact figure.
    fn p99_ms(&self) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        let rank = (0.99 * self.n as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Self::GROWTH.powi(i as i32) / 1000.0;
            }
        }
        Self::GROWTH.powi(Self::BUCKETS as i32 - 1) / 1000.0
    }
}

struct Shared {
    window: Mutex<Window>,
    events: AtomicU64,
    errors: AtomicU64,
    first_errors: Mutex<Vec<String>>,
    stop: AtomicBool,
}

impl Shared {
    async fn error(&self, what: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let mut f = self.first_errors.lock().await;
        if f.len() < 10 {
            f.push(what);
        }
    }
}

const PW: &str = "bench-soak-password";
const READERS: usize = 3;
const SUBSCRIBERS: usize = 3;
const UPLOAD_EVERY: Duration = Duration::from_secs(2);
const ACK_EVERY: Duration = Duration::from_secs(2);

/// Runs the soak for `duration` over `incidents` seeded incidents in the
/// store at `url`, calling `each` with every interval's figures. Returns the
/// figures of the whole run and the first errors (at most ten).
pub async fn soak(
    url: String,
    incidents: usize,
    duration: Duration,
    interval: Duration,
    distinct: Option<usize>,
    each: &(dyn Fn(&SoakFigure) + Sync),
) -> Result<(SoakFigure, Vec<String>), BenchError> {
    if distinct == Some(0) {
        return Err(BenchError::Unexpected("distinct documents: give at least 1".into()));
    }
    let engine = Engine::open(EngineConfig { db_url: url, ingest: IngestConfig { max_size: 1 << 20 } }).await?;
    eprintln!("bench soak: seeding {incidents} incidents…");
    engine.seed_synthetic_incidents(incidents).await?;
    for (name, role) in [("soak-analyst", "analyst"), ("soak-turkey", "guarantor:turkey")] {
        add_user(&engine, name, role, PW, PasswordCost::TestOnly)
            .await
            .map_err(|e| BenchError::Unexpected(format!("add user {name}: {e}")))?;
    }
    let mut options = ServeOptions::standard();
    options.password_cost = PasswordCost::TestOnly;
    let state = AppState::new(engine, options);
    state.refresh().await.map_err(|e| BenchError::Unexpected(format!("first judge: {e}")))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?.to_string();
    let (stop_server, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(crate::serve_on(listener, state.clone(), async {
        let _ = stopped.await;
    }));
    let analyst = login(&addr, "soak-analyst", PW).await?;
    let turkey = login(&addr, "soak-turkey", PW).await?;
    let shared = Arc::new(Shared {
        window: Mutex::new(Window::default()),
        events: AtomicU64::new(0),
        errors: AtomicU64::new(0),
        first_errors: Mutex::new(Vec::new()),
        stop: AtomicBool::new(false),
    });
    let mut tasks = Vec::new();
    for k in 0..READERS {
        tasks.push(tokio::spawn(reader(k, addr.clone(), analyst.0.clone(), shared.clone())));
    }
    for _ in 0..SUBSCRIBERS {
        tasks.push(tokio::spawn(subscriber(addr.clone(), turkey.0.clone(), shared.clone())));
    }
    tasks.push(tokio::spawn(uploader(addr.clone(), analyst.clone(), distinct, shared.clone())));
    tasks.push(tokio::spawn(acknowledger(addr.clone(), turkey.clone(), shared.clone())));

    let start = Instant::now();
    let (mut all_reads, mut all_writes) = (Histogram::new(), Histogram::new());
    let mut last_events = 0;
    let mut last_errors = 0;
    let mut last = start;
    while start.elapsed() < duration {
        tokio::time::sleep(interval.min(duration.saturating_sub(start.elapsed())).max(Duration::from_millis(10))).await;
        let w = std::mem::take(&mut *shared.window.lock().await);
        let events = shared.events.load(Ordering::Relaxed);
        let errors = shared.errors.load(Ordering::Relaxed);
        let mut f = figure(start.elapsed(), last.elapsed(), &w, events - last_events, errors - last_errors);
        all_reads.add(&w.reads);
        all_writes.add(&w.writes);
        drop(w);
        let cache = state.engine().reading_cache_stats();
        (f.cached_readings, f.cache_mib) = (cache.entries, cache.bytes as f64 / (1024.0 * 1024.0));
        f.merged_reports = state.engine().merge_stats().reports;
        each(&f);
        last = Instant::now();
        last_events = events;
        last_errors = errors;
    }
    shared.stop.store(true, Ordering::Relaxed);
    for t in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(15), t).await;
    }
    let _ = stop_server.send(());
    let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
    let cache = state.engine().reading_cache_stats();
    let merged = state.engine().merge_stats().reports;
    state.engine().close().await;
    let span = start.elapsed().as_secs_f64().max(1e-9);
    let mut f = SoakFigure {
        at_s: span,
        reads: all_reads.n,
        writes: all_writes.n,
        rps: (all_reads.n + all_writes.n) as f64 / span,
        read_p99_ms: all_reads.p99_ms(),
        write_p99_ms: all_writes.p99_ms(),
        events: shared.events.load(Ordering::Relaxed),
        errors: shared.errors.load(Ordering::Relaxed),
        rss_mib: rss_mib().unwrap_or(f64::NAN),
        cached_readings: 0,
        cache_mib: 0.0,
        merged_reports: 0,
    };
    (f.cached_readings, f.cache_mib) = (cache.entries, cache.bytes as f64 / (1024.0 * 1024.0));
    f.merged_reports = merged;
    let first = shared.first_errors.lock().await.clone();
    Ok((f, first))
}

fn p99(lat: &[Duration]) -> f64 {
    let mut v = lat.to_vec();
    v.sort();
    if v.is_empty() {
        return 0.0;
    }
    let i = ((0.99 * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1;
    v[i].as_secs_f64() * 1000.0
}

fn figure(at: Duration, span: Duration, w: &Window, events: u64, errors: u64) -> SoakFigure {
    let n = (w.reads.len() + w.writes.len()) as f64;
    SoakFigure {
        at_s: at.as_secs_f64(),
        reads: w.reads.len() as u64,
        writes: w.writes.len() as u64,
        rps: n / span.as_secs_f64().max(1e-9),
        read_p99_ms: p99(&w.reads),
        write_p99_ms: p99(&w.writes),
        events,
        errors,
        rss_mib: rss_mib().unwrap_or(f64::NAN),
        cached_readings: 0,
        cache_mib: 0.0,
        merged_reports: 0,
    }
}

fn rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<f64>().ok()? / 1024.0)
}

async fn reader(k: usize, addr: String, cookie: String, shared: Arc<Shared>) {
    const PATHS: [&str; 5] = [
        "/api/v1/incidents?admin1=Hama&verdict=violation&limit=50",
        "/api/v1/map/clusters?zoom=2&bbox=35.4000,32.2000,42.6000,37.5000",
        "/api/v1/incidents.geojson?admin1=Idleb&limit=200",
        "/api/v1/referrals?limit=50",
        "/api/v1/incidents?limit=50",
    ];
    let mut i = k;
    while !shared.stop.load(Ordering::Relaxed) {
        let Ok(mut c) = Conn::connect(&addr).await else {
            shared.error(format!("reader {k}: cannot connect")).await;
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        };
        while !shared.stop.load(Ordering::Relaxed) {
            let path = PATHS[i % PATHS.len()];
            i += 1;
            let t = Instant::now();
            match c.request("GET", path, &[("Cookie", &cookie)], b"").await {
                Ok(r) if r.status == 200 => shared.window.lock().await.reads.push(t.elapsed()),
                Ok(r) => shared.error(format!("GET {path}: {} {}", r.status, r.text())).await,
                Err(e) => {
                    shared.error(format!("GET {path}: {e}")).await;
                    break;
                }
            }
        }
    }
}

async fn subscriber(addr: String, cookie: String, shared: Arc<Shared>) {
    while !shared.stop.load(Ordering::Relaxed) {
        let feed = match Conn::connect(&addr).await {
            Ok(c) => c.sse("/api/v1/hotline/events", &[("Cookie", &cookie)]).await,
            Err(e) => Err(e),
        };
        let mut sse = match feed {
            Ok((200, sse)) => sse,
            Ok((status, _)) => {
                shared.error(format!("hotline feed: {status}")).await;
                return;
            }
            Err(e) => {
                shared.error(format!("hotline feed: {e}")).await;
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
        };
        while !shared.stop.load(Ordering::Relaxed) {
            match sse.next(Duration::from_secs(2)).await {
                Ok(ev) if ev.event == "ready" => {}
                Ok(_) => {
                    shared.events.fetch_add(1, Ordering::Relaxed);
                }
                // A quiet feed times out between events: keep listening.
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(e) => {
                    shared.error(format!("hotline feed dropped: {e}")).await;
                    break;
                }
            }
        }
    }
}

async fn uploader(addr: String, (cookie, csrf): (String, String), distinct: Option<usize>, shared: Arc<Shared>) {
    let headers = [("Cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str()), ("Content-Type", "text/plain")];
    let mut i = 0;
    let mut conn: Option<Conn> = None;
    while !shared.stop.load(Ordering::Relaxed) {
        let next = Instant::now() + UPLOAD_EVERY;
        if conn.is_none() {
            conn = Conn::connect(&addr).await.ok();
        }
        if let Some(c) = conn.as_mut() {
            let doc = distinct.map_or(i, |n| i % n);
            let path = format!("/api/v1/reports?name=soak-{doc}.txt");
            let t = Instant::now();
            match c.request("POST", &path, &headers, turkey_report(doc).as_bytes()).await {
                Ok(r) if r.status == 201 => shared.window.lock().await.writes.push(t.elapsed()),
                Ok(r) => shared.error(format!("POST {path}: {} {}", r.status, r.text())).await,
                Err(e) => {
                    shared.error(format!("POST {path}: {e}")).await;
                    conn = None;
                }
            }
        }
        i += 1;
        tokio::time::sleep_until(next.into()).await;
    }
}

async fn acknowledger(addr: String, (cookie, csrf): (String, String), shared: Arc<Shared>) {
    let headers = [("Cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str())];
    while !shared.stop.load(Ordering::Relaxed) {
        let next = Instant::now() + ACK_EVERY;
        if let Ok(mut c) = Conn::connect(&addr).await {
            match c.request("GET", "/api/v1/referrals", &headers, b"").await {
                Ok(r) if r.status == 200 => {
                    let open: Vec<String> = r
                        .json()
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter(|x| x["state"] != "acknowledged")
                        .filter_map(|x| x["id"].as_str().map(str::to_owned))
                        .collect();
                    for id in open.iter().take(5) {
                        let path = format!("/api/v1/referrals/{id}/ack");
                        let t = Instant::now();
                        match c.request("POST", &path, &headers, b"").await {
                            Ok(r) if r.status == 200 => shared.window.lock().await.writes.push(t.elapsed()),
                            Ok(r) => shared.error(format!("POST {path}: {} {}", r.status, r.text())).await,
                            Err(e) => shared.error(format!("POST {path}: {e}")).await,
                        }
                    }
                }
                Ok(r) => shared.error(format!("GET /api/v1/referrals: {} {}", r.status, r.text())).await,
                Err(e) => shared.error(format!("GET /api/v1/referrals: {e}")).await,
            }
        }
        tokio::time::sleep_until(next.into()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact_p99(v: &[Duration]) -> f64 {
        let mut v = v.to_vec();
        v.sort();
        let i = ((0.99 * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1;
        v[i].as_secs_f64() * 1000.0
    }

    #[test]
    fn the_histogram_p99_is_within_one_percent_above_the_exact_one() {
        // A long tail: most requests a few ms, some slow ones up to seconds.
        let mut lat = Vec::new();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for k in 0..50_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let us = if k % 50 == 0 { 200_000 + x % 3_000_000 } else { 300 + x % 12_000 };
            lat.push(Duration::from_micros(us));
        }
        let mut h = Histogram::new();
        for chunk in lat.chunks(7_000) {
            h.add(chunk);
        }
        assert_eq!(h.n, 50_000);
        let (got, want) = (h.p99_ms(), exact_p99(&lat));
        assert!(got >= want * 0.999 && got <= want * 1.011, "histogram p99 {got} ms, exact {want} ms");
        assert_eq!(p99(&lat), want, "the interval p99 is exact");
    }

    #[test]
    fn an_empty_or_extreme_histogram_gives_a_figure_not_a_panic() {
        assert_eq!(Histogram::new().p99_ms(), 0.0);
        let mut h = Histogram::new();
        h.add(&[Duration::ZERO, Duration::from_secs(3600)]);
        assert!(h.p99_ms() >= 99_000.0, "an hour lands in the last bucket (about 100 s): {}", h.p99_ms());
    }
}
