//! Benchmarks that print figures (never timed tests): `truce bench ingest`, `read`, `workers`.

use std::time::Instant;

use truce_ingest::{IngestConfig, Input};

use crate::{Engine, EngineConfig, EngineError, IngestRequest};

/// One measured run.
#[derive(Debug, Clone)]
pub struct Figure {
    /// What was measured, e.g. `ingest sqlite`.
    pub what: String,
    /// Reports handled.
    pub reports: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
}

impl Figure {
    /// Reports per second.
    pub fn per_second(&self) -> f64 {
        self.reports as f64 / self.seconds.max(1e-9)
    }
}

const PLACES: [&str; 12] = [
    "Hama",
    "Idlib",
    "Aleppo",
    "Daraa",
    "Homs",
    "Latakia",
    "Douma",
    "Al-Bab",
    "Deir ez-Zor",
    "Raqqa",
    "Jobar",
    "Madaya",
];
const ACTORS: [&str; 8] = [
    "government forces",
    "rebels",
    "Jabhat Fateh al-Sham",
    "the Syrian army",
    "Ahrar al-Sham",
    "Islamic State fighters",
    "Kurdish-led SDF",
    "pro-government militias",
];

/// A synthetic, distinct news-like report of about 1.2 KB.
pub fn synthetic_report(i: usize) -> String {
    let p = PLACES[i % PLACES.len()];
    let q = PLACES[(i / 7 + 3) % PLACES.len()];
    let a = ACTORS[i % ACTORS.len()];
    let b = ACTORS[(i / 3 + 1) % ACTORS.len()];
    let k = i % 17;
    format!(
        "Clashes reported near {p} (report {i})\n\n\
         {p}, Syria — Clashes broke out between {a} and {b} on the outskirts of {p} late on Thursday, \
         less than two hours after the ceasefire took effect at midnight local time, a monitor said. \
         The Britain-based Syrian Observatory for Human Rights said at least {k} people were killed and \
         dozens wounded in shelling that hit residential areas of {q}. A rebel official said {b} had \
         attacked first, while state media blamed {a}. Russia and Turkey, which guarantee the truce, \
         did not comment. The nationwide ceasefire excludes the Islamic State group and Jabhat Fateh \
         al-Sham, formerly known as the Nusra Front. Residents said the truce held in most other areas \
         of the country, including the northern countryside of {q}, where aid convoys were expected \
         to arrive next week. Serial {i:08}.\n"
    )
}

/// Writes `n` synthetic report files into a temporary folder and times their ingest
/// into a fresh SQLite file and, when `pg_admin` is given, a fresh PostgreSQL database.
pub async fn ingest(n: usize, pg_admin: Option<&str>) -> Result<Vec<Figure>, EngineError> {
    let dir = tempfile::tempdir().map_err(|e| EngineError::Internal(format!("temporary folder: {e}")))?;
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).map_err(|e| EngineError::Internal(e.to_string()))?;
    for i in 0..n {
        std::fs::write(corpus.join(format!("{i:06}.txt")), synthetic_report(i))
            .map_err(|e| EngineError::Internal(format!("writing the corpus: {e}")))?;
    }
    let mut figures = Vec::new();
    let sqlite_url = format!("sqlite://{}", dir.path().join("bench.db").display());
    figures.push(run("ingest sqlite", &sqlite_url, &corpus, n).await?);
    if let Some(admin) = pg_admin {
        let name = format!("truce_bench_{}", std::process::id());
        let url = truce_store::create_pg_database(admin, &name).await?;
        let fig = run("ingest postgres", &url, &corpus, n).await;
        truce_store::drop_pg_database(admin, &name).await?;
        figures.push(fig?);
    }
    Ok(figures)
}

async fn run(what: &str, url: &str, corpus: &std::path::Path, n: usize) -> Result<Figure, EngineError> {
    let engine =
        Engine::open(EngineConfig { db_url: url.to_owned(), ingest: IngestConfig { max_size: 20 << 20 } }).await?;
    let req = IngestRequest { inputs: vec![Input::Path(corpus.to_owned())], received_at: None, source: None };
    let t = Instant::now();
    let summary = engine.ingest(req, &()).await?;
    let seconds = t.elapsed().as_secs_f64();
    engine.close().await;
    if summary.stored() != n || !summary.failed.is_empty() {
        return Err(EngineError::Internal(format!(
            "{what}: stored {} of {n} ({} failed)",
            summary.stored(),
            summary.failed.len()
        )));
    }
    Ok(Figure { what: what.to_owned(), reports: n as u64, seconds })
}

/// Figures for the read step on one input file.
#[derive(Debug, Clone)]
pub struct ReadFigure {
    /// The input's name.
    pub input: String,
    /// Reports read.
    pub reports: u64,
    /// Bytes of text read.
    pub bytes: u64,
    /// Wall-clock seconds on one thread (the read step only).
    pub seconds: f64,
    /// Incident mentions found.
    pub mentions: u64,
    /// Seconds to build the reference data (once per process).
    pub refdata_seconds: f64,
}

impl ReadFigure {
    /// Reports per second on one core.
    pub fn reports_per_second(&self) -> f64 {
        self.reports as f64 / self.seconds.max(1e-9)
    }

    /// Megabytes (10^6 bytes) per second on one core.
    pub fn mb_per_second(&self) -> f64 {
        self.bytes as f64 / 1e6 / self.seconds.max(1e-9)
    }
}

/// Times the whole read step (cleaning, sentences, recognisers, mentions) on
/// every report of a JSON Lines or text input, on the calling thread, `rounds`
/// times, keeping the fastest round.
pub fn read(path: &std::path::Path, rounds: u32) -> Result<ReadFigure, EngineError> {
    let bytes = std::fs::read(path).map_err(|e| EngineError::User(format!("{}: {e}", path.display())))?;
    let meta = truce_ingest::IngestMeta { received_at: jiff::Timestamp::UNIX_EPOCH, source: None };
    let parsed = truce_ingest::parse_bytes(&path.display().to_string(), &bytes, &meta);
    if let Some(e) = parsed.errors.first() {
        return Err(EngineError::User(e.to_string()));
    }
    let t = Instant::now();
    let refdata = crate::pipeline::refdata()?;
    let refdata_seconds = t.elapsed().as_secs_f64();
    let total: u64 = parsed.reports.iter().map(|r| r.content().len() as u64).sum();
    let mut best = f64::MAX;
    let mut mentions = 0;
    for _ in 0..rounds.max(1) {
        let t = Instant::now();
        mentions = 0;
        for r in &parsed.reports {
            let input = truce_read::ReportInput {
                id: r.id().as_str(),
                name: &r.origin.name,
                text: r.content(),
                is_html: r.media_type == truce_model::MediaType::Html,
                published: r.published_at,
            };
            let (reading, _) = truce_read::read(&input, refdata);
            mentions += reading.mentions.len() as u64;
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    Ok(ReadFigure {
        input: path.display().to_string(),
        reports: parsed.reports.len() as u64,
        bytes: total,
        seconds: best,
        mentions,
        refdata_seconds,
    })
}

/// Peak resident memory of this process (VmHWM), in megabytes, where Linux tells it.
pub fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Merge quality on labelled pairs of reports: precision and recall of "these
/// two reports describe the same incident".
#[derive(Debug, Clone, Copy, Default)]
pub struct PairScore {
    /// Same event, merged.
    pub tp: u32,
    /// Different events, merged.
    pub fp: u32,
    /// Same event, not merged.
    pub fn_: u32,
    /// Different events, kept apart.
    pub tn: u32,
}

impl PairScore {
    /// tp / (tp + fp).
    pub fn precision(&self) -> f64 {
        f64::from(self.tp) / f64::from((self.tp + self.fp).max(1))
    }

    /// tp / (tp + fn).
    pub fn recall(&self) -> f64 {
        f64::from(self.tp) / f64::from((self.tp + self.fn_).max(1))
    }
}

/// Scores merge on a JSON Lines file of pairs:
/// `{"a": {"id","text","published"}, "b": {…}, "same": bool}`. Two reports count
/// as merged when one incident holds mentions from both.
pub fn merge_pairs(path: &std::path::Path) -> Result<PairScore, EngineError> {
    let text = std::fs::read_to_string(path).map_err(|e| EngineError::User(format!("{}: {e}", path.display())))?;
    let refdata = crate::pipeline::refdata()?;
    let mut score = PairScore::default();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let at = |m: &str| EngineError::User(format!("{}:{}: {m}", path.display(), i + 1));
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| at(&e.to_string()))?;
        let same = v["same"].as_bool().ok_or_else(|| at("\"same\" must be true or false"))?;
        let mut docs = Vec::new();
        for side in ["a", "b"] {
            let d = &v[side];
            let body = d["text"].as_str().ok_or_else(|| at(&format!("{side}.text missing")))?.to_owned();
            let published = d["published"].as_str().and_then(|p| p.get(..10)?.parse::<jiff::civil::Date>().ok());
            let published = published
                .and_then(|p| p.to_zoned_datetime(jiff::tz::TimeZone::UTC).ok())
                .map(|z| z.timestamp() + jiff::SignedDuration::from_hours(12));
            docs.push((
                truce_model::ReportId::for_content(format!("{side}{i}{body}").as_bytes()),
                format!("{side}{i}"),
                body,
                published,
            ));
        }
        let readings: Vec<truce_read::Reading> = docs
            .iter()
            .map(|(id, name, body, published)| {
                let input = truce_read::ReportInput {
                    id: id.as_str(),
                    name,
                    text: body,
                    is_html: false,
                    published: *published,
                };
                truce_read::read(&input, refdata).0
            })
            .collect();
        let reports: Vec<truce_merge::ReadReport<'_>> = docs
            .iter()
            .zip(&readings)
            .map(|((id, name, _, published), reading)| truce_merge::ReadReport {
                id,
                name,
                source: None,
                received_at: published.unwrap_or(jiff::Timestamp::UNIX_EPOCH),
                published: *published,
                reading,
            })
            .collect();
        let merged = truce_merge::merge(&reports);
        let joined = merged.incidents.iter().any(|inc| {
            inc.mentions.iter().any(|m| &m.report == reports[0].id)
                && inc.mentions.iter().any(|m| &m.report == reports[1].id)
        });
        match (same, joined) {
            (true, true) => score.tp += 1,
            (false, true) => score.fp += 1,
            (true, false) => score.fn_ += 1,
            (false, false) => score.tn += 1,
        }
    }
    Ok(score)
}

/// One measured `truce worker` run: how long `workers` processes took to drain a queue.
#[derive(Debug, Clone)]
pub struct WorkerFigure {
    /// Worker processes.
    pub workers: usize,
    /// Jobs done (ingest and judge).
    pub jobs: u64,
    /// Ingest jobs among them.
    pub ingest_jobs: u64,
    /// Judge runs among them.
    pub judge_jobs: u64,
    /// Reports stored.
    pub reports: u64,
    /// Wall-clock seconds from starting the processes until the last exited.
    pub seconds: f64,
    /// Seconds until the last ingest job was done.
    pub ingest_seconds: f64,
    /// Seconds from then until the last judge job was done.
    pub judge_seconds: f64,
}

impl WorkerFigure {
    /// Jobs per second of wall time.
    pub fn jobs_per_second(&self) -> f64 {
        self.jobs as f64 / self.seconds.max(1e-9)
    }

    /// Reports per second of wall time, ingest and judge included.
    pub fn reports_per_second(&self) -> f64 {
        self.reports as f64 / self.seconds.max(1e-9)
    }
}

/// What `truce bench workers` queues: JSON Lines inputs (real articles) and
/// generated reports, `per_job` reports to an ingest job.
#[derive(Debug, Clone)]
pub struct WorkerWorkload {
    /// JSON Lines files of reports, one report a line.
    pub inputs: Vec<std::path::PathBuf>,
    /// Generated reports ([`synthetic_report`]) added to them.
    pub synthetic: usize,
    /// Reports per ingest job.
    pub per_job: usize,
}

/// For each count in `workers`: a fresh PostgreSQL database on `pg_admin`, the
/// same workload queued, and that many `truce worker --until-idle` processes
/// (`exe` is the `truce` binary) started at once and timed until all exit.
/// Checks that every job is done and every report stored.
pub async fn workers(
    exe: &std::path::Path,
    pg_admin: &str,
    load: &WorkerWorkload,
    workers: &[usize],
) -> Result<Vec<WorkerFigure>, EngineError> {
    let dir = tempfile::tempdir().map_err(|e| EngineError::Internal(format!("temporary folder: {e}")))?;
    let queue = dir.path().join("queue");
    std::fs::create_dir(&queue).map_err(|e| EngineError::Internal(e.to_string()))?;
    let mut lines = Vec::new();
    for p in &load.inputs {
        let text = std::fs::read_to_string(p).map_err(|e| EngineError::User(format!("{}: {e}", p.display())))?;
        lines.extend(text.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned));
    }
    for i in 0..load.synthetic {
        let line = serde_json::json!({"id": format!("synthetic-{i}"), "text": synthetic_report(i)});
        lines.push(line.to_string());
    }
    if lines.is_empty() {
        return Err(EngineError::User("bench workers: no reports (give --input files or --synthetic N)".into()));
    }
    let per_job = load.per_job.max(1);
    for (k, chunk) in lines.chunks(per_job).enumerate() {
        std::fs::write(queue.join(format!("{k:06}.jsonl")), chunk.join("\n"))
            .map_err(|e| EngineError::Internal(format!("writing the queue inputs: {e}")))?;
    }
    let received_at: jiff::Timestamp =
        "2016-12-30T02:00:00Z".parse().map_err(|e| EngineError::Internal(format!("{e}")))?;
    let mut figures = Vec::new();
    for &n in workers {
        let name = format!("truce_bench_w{n}_{}", std::process::id());
        let url = truce_store::create_pg_database(pg_admin, &name).await?;
        let fig = run_workers(exe, &url, &queue, received_at, n).await;
        truce_store::drop_pg_database(pg_admin, &name).await?;
        figures.push(fig?);
    }
    Ok(figures)
}

async fn run_workers(
    exe: &std::path::Path,
    url: &str,
    queue: &std::path::Path,
    received_at: jiff::Timestamp,
    n: usize,
) -> Result<WorkerFigure, EngineError> {
    let config = EngineConfig { db_url: url.to_owned(), ingest: IngestConfig { max_size: 20 << 20 } };
    let engine = Engine::open(config).await?;
    let req =
        IngestRequest { inputs: vec![Input::Path(queue.to_owned())], received_at: Some(received_at), source: None };
    let queued = engine.enqueue_ingest(&req, crate::DEFAULT_ATTEMPTS).await?;
    if !queued.failed.is_empty() {
        return Err(EngineError::Internal(format!("bench workers: {}", queued.failed[0])));
    }
    let start_ms = Engine::now().as_millisecond();
    let t = Instant::now();
    let mut children = Vec::new();
    for k in 0..n {
        let child = tokio::process::Command::new(exe)
            .args(["--db", url, "worker", "--until-idle", "--id", &format!("bench-{k}")])
            .env_remove("TRUCE_DB")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| EngineError::Internal(format!("starting {}: {e}", exe.display())))?;
        children.push(child);
    }
    for c in children {
        let out = c.wait_with_output().await.map_err(|e| EngineError::Internal(e.to_string()))?;
        if !out.status.success() {
            return Err(EngineError::Internal(format!(
                "a worker failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )));
        }
    }
    let seconds = t.elapsed().as_secs_f64();
    let status = engine.job_status(5).await?;
    let reports = engine.report_count().await?;
    engine.close().await;
    if let Some(j) = status.failed.first() {
        return Err(EngineError::Internal(format!("bench workers: job {} failed: {:?}", j.id, j.error)));
    }
    let done = |kind: &str| status.counts.iter().find(|c| c.kind == kind && c.state == "done");
    let (Some(ingest), Some(judge)) = (done("ingest"), done("judge")) else {
        return Err(EngineError::Internal(format!("bench workers: jobs not done: {:?}", status.counts)));
    };
    if ingest.n as usize != queued.queued.len() || status.counts.iter().any(|c| c.state != "done") {
        return Err(EngineError::Internal(format!("bench workers: jobs left: {:?}", status.counts)));
    }
    let secs = |ms: i64| (ms - start_ms).max(0) as f64 / 1000.0;
    Ok(WorkerFigure {
        workers: n,
        jobs: (ingest.n + judge.n) as u64,
        ingest_jobs: ingest.n as u64,
        judge_jobs: judge.n as u64,
        reports,
        seconds,
        ingest_seconds: secs(ingest.last_updated_at),
        judge_seconds: secs(judge.last_updated_at) - secs(ingest.last_updated_at),
    })
}
