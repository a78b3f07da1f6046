//! Queued work (issue 7): `ingest` and `judge` jobs taken by `truce worker`
//! processes, as many as there are machines and cores, over one store.
//!
//! An ingest job carries one input's bytes (not its path, so any machine can
//! run it) and is keyed on their SHA-256, so the same content is queued once.
//! Its reports are stored in the transaction that completes it, and when one
//! is new that transaction also queues a judge; queued judges coalesce (while
//! one has not started, another request is already covered by it). A judge job
//! is the whole-store `judge` + referrals ([`Engine::judge_and_refer`]); the
//! store hands it out only when the ingest queued before it has finished and no
//! other judge runs. Both effects are idempotent (reports are keyed on their
//! content, judging records only changed rows, referrals are unique), so a job
//! taken again after its worker died changes nothing twice.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::watch;
use truce_ingest::{IngestError, IngestMeta, Input, Problem};
use truce_store::{JobCount, JobRow, JobState, NewJob};

use crate::{Engine, EngineError, IngestRequest};

/// Claims before a job is failed, unless the caller says otherwise.
pub const DEFAULT_ATTEMPTS: u32 = 3;

const INGEST: &str = "ingest";
const JUDGE: &str = "judge";

/// An ingest job's payload: one input as `truce ingest` would read it.
#[derive(Debug, Serialize, Deserialize)]
struct IngestPayload {
    /// The input's name (its path as given), which names the reports.
    name: String,
    /// The bytes, which ingest requires to be UTF-8.
    content: String,
    /// `received_at` for its reports (Unix milliseconds): the time it was queued, or the override.
    received_at: i64,
    /// Source for items that name none.
    source: Option<String>,
}

/// What [`Engine::enqueue_ingest`] did with each input.
#[derive(Debug, Default)]
pub struct EnqueueSummary {
    /// Inputs queued now: name and job id.
    pub queued: Vec<(String, i64)>,
    /// Inputs whose content is already queued, running or done.
    pub already_queued: Vec<String>,
    /// Inputs that could not be read, named.
    pub failed: Vec<IngestError>,
    /// Files in folders skipped because their extension is not a report type.
    pub skipped: Vec<std::path::PathBuf>,
}

/// When a worker stops on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerMode {
    /// Run until told to stop.
    Forever,
    /// Each slot takes at most one job, then the worker exits.
    Once,
    /// Exit when no job is queued or running anywhere.
    UntilIdle,
}

/// How a worker runs. No `Default`: the CLI decides.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// This worker's name in `locked_by` (unique across machines: host and pid).
    pub id: String,
    /// Jobs run at once in this process.
    pub concurrency: usize,
    /// When to stop.
    pub mode: WorkerMode,
    /// How long a claim lasts without renewal; renewed every third of it while the job runs.
    pub lease: Duration,
    /// How long to wait before asking again when there is nothing to take.
    pub poll: Duration,
}

/// What a worker did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WorkerSummary {
    /// Jobs finished.
    pub done: u64,
    /// Failed attempts (retried or given up).
    pub failed: u64,
    /// Jobs whose lease passed while they ran, so another worker owns them now.
    pub lost: u64,
    /// Reports stored now by this worker's ingest jobs.
    pub reports_stored: u64,
    /// Judge runs.
    pub judged: u64,
}

impl WorkerSummary {
    fn add(&mut self, o: &WorkerSummary) {
        self.done += o.done;
        self.failed += o.failed;
        self.lost += o.lost;
        self.reports_stored += o.reports_stored;
        self.judged += o.judged;
    }
}

/// The queue at a glance.
#[derive(Debug, Clone)]
pub struct JobStatus {
    /// Jobs by kind and state.
    pub counts: Vec<JobCount>,
    /// The newest failed jobs, with their errors.
    pub failed: Vec<JobRow>,
}

fn judge_payload() -> &'static str {
    "{}"
}

impl Engine {
    /// Queues one ingest job per input file (folders recursively, stdin) with
    /// its content; content already queued is not queued again. Reading
    /// follows `truce ingest`: the same size limit, the same names.
    #[tracing::instrument(skip_all, fields(inputs = req.inputs.len()))]
    pub async fn enqueue_ingest(&self, req: &IngestRequest, max_attempts: u32) -> Result<EnqueueSummary, EngineError> {
        let now = Engine::now();
        let received_at = req.received_at.unwrap_or(now).as_millisecond();
        let cfg = self.config.ingest.clone();
        let inputs = req.inputs.clone();
        let (files, mut summary) = tokio::task::spawn_blocking(move || {
            let ex = truce_ingest::expand(&inputs);
            let mut summary = EnqueueSummary { failed: ex.errors, skipped: ex.skipped, ..EnqueueSummary::default() };
            let mut files = Vec::new();
            for f in &ex.files {
                let name = f.display();
                match read_bytes(f, cfg.max_size) {
                    Err(problem) => summary.failed.push(IngestError { input: name, problem }),
                    Ok(bytes) => match String::from_utf8(bytes) {
                        Ok(content) => files.push((name, content)),
                        // Not UTF-8: ingest refuses it; say why the way it would.
                        Err(e) => {
                            let meta = IngestMeta { received_at: Timestamp::UNIX_EPOCH, source: None };
                            summary.failed.extend(truce_ingest::parse_bytes(&name, e.as_bytes(), &meta).errors);
                        }
                    },
                }
            }
            (files, summary)
        })
        .await
        .map_err(|e| EngineError::Internal(format!("reading inputs failed: {e}")))?;
        for (name, content) in files {
            let key = hex::encode(Sha256::digest(content.as_bytes()));
            let payload = IngestPayload { name: name.clone(), content, received_at, source: req.source.clone() };
            let payload = serde_json::to_string(&payload).map_err(|e| EngineError::Internal(e.to_string()))?;
            let job = NewJob { kind: INGEST.into(), key: Some(key), payload, max_attempts };
            match self.store.enqueue_job(&job, now).await? {
                Some(id) => summary.queued.push((name, id)),
                None => summary.already_queued.push(name),
            }
        }
        Ok(summary)
    }

    /// Queues a judge run unless one is queued already; returns its id when queued now.
    pub async fn enqueue_judge(&self, max_attempts: u32) -> Result<Option<i64>, EngineError> {
        Ok(self.store.enqueue_coalesced(JUDGE, judge_payload(), max_attempts, Engine::now()).await?)
    }

    /// Jobs by kind and state, and the newest failures.
    pub async fn job_status(&self, failed: u32) -> Result<JobStatus, EngineError> {
        Ok(JobStatus {
            counts: self.store.job_counts().await?,
            failed: self.store.jobs_in(JobState::Failed, failed).await?,
        })
    }

    /// Runs `opts.concurrency` claim loops until `stop` turns true (each
    /// finishes its current job first) or `opts.mode` says to stop.
    #[tracing::instrument(skip_all, fields(worker = %opts.id, concurrency = opts.concurrency))]
    pub async fn run_worker(
        &self,
        opts: &WorkerOptions,
        stop: watch::Receiver<bool>,
    ) -> Result<WorkerSummary, EngineError> {
        if opts.concurrency == 0 {
            return Err(EngineError::User("a worker needs a concurrency of at least 1".into()));
        }
        if opts.lease < Duration::from_secs(1) {
            return Err(EngineError::User("a job lease must be at least 1 second".into()));
        }
        let mut slots = Vec::new();
        for k in 0..opts.concurrency {
            let engine = self.clone();
            let mut o = opts.clone();
            if opts.concurrency > 1 {
                o.id = format!("{}/{k}", opts.id);
            }
            let stop = stop.clone();
            slots.push(tokio::spawn(async move { engine.slot(&o, stop).await }));
        }
        let mut total = WorkerSummary::default();
        let mut first_err = None;
        for s in slots {
            match s.await {
                Ok(Ok(sum)) => total.add(&sum),
                Ok(Err(e)) => first_err = first_err.or(Some(e)),
                Err(e) => first_err = first_err.or(Some(EngineError::Internal(format!("worker slot failed: {e}")))),
            }
        }
        match first_err {
            Some(e) => Err(e),
            None => Ok(total),
        }
    }

    async fn slot(&self, opts: &WorkerOptions, mut stop: watch::Receiver<bool>) -> Result<WorkerSummary, EngineError> {
        let mut sum = WorkerSummary::default();
        let lease = SignedDuration::try_from(opts.lease).map_err(|e| EngineError::User(format!("lease: {e}")))?;
        while !*stop.borrow() {
            let now = Engine::now();
            let job = self.store.claim_jobs(&opts.id, 1, now + lease, now).await?.pop();
            match job {
                Some(job) => {
                    self.run_job(&job, &opts.id, lease, &mut sum).await?;
                    if opts.mode == WorkerMode::Once {
                        break;
                    }
                }
                None => {
                    if opts.mode == WorkerMode::Once
                        || (opts.mode == WorkerMode::UntilIdle && self.store.open_job_count().await? == 0)
                    {
                        break;
                    }
                    tokio::select! {
                        _ = tokio::time::sleep(opts.poll) => {}
                        _ = stop.changed() => {}
                    }
                }
            }
        }
        Ok(sum)
    }

    /// Runs one claimed job, renewing its lease while it runs, and records the outcome.
    #[tracing::instrument(skip_all, fields(job = job.id, kind = %job.kind, attempt = job.attempts))]
    async fn run_job(
        &self,
        job: &JobRow,
        worker: &str,
        lease: SignedDuration,
        sum: &mut WorkerSummary,
    ) -> Result<(), EngineError> {
        let renew = {
            let store = self.store.clone();
            let (id, worker) = (job.id, worker.to_owned());
            let every = lease.unsigned_abs() / 3;
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(every).await;
                    let now = Engine::now();
                    match store.extend_job_lease(id, &worker, now + lease, now).await {
                        Ok(true) => {}
                        Ok(false) => {
                            tracing::warn!(job = id, "lost the lease: another worker took the job");
                            break;
                        }
                        Err(e) => tracing::warn!(job = id, error = %e, "could not renew the lease"),
                    }
                }
            })
        };
        let outcome = match job.kind.as_str() {
            INGEST => self.run_ingest_job(job, worker).await,
            JUDGE => self.run_judge_job(job, worker).await,
            other => Err(EngineError::User(format!("unknown job kind {other:?}"))),
        };
        renew.abort();
        let now = Engine::now();
        match outcome {
            Ok(Some(ran)) => {
                sum.done += 1;
                sum.reports_stored += ran.reports_stored;
                sum.judged += ran.judged;
                tracing::info!(job = job.id, "done");
            }
            Ok(None) => {
                sum.lost += 1;
                tracing::warn!(job = job.id, "finished after losing the lease; the new holder records it");
            }
            Err(e) => {
                sum.failed += 1;
                let msg = e.to_string();
                match self.store.fail_job(job.id, worker, &msg, now).await? {
                    Some(state) => tracing::warn!(job = job.id, state = state.as_str(), error = %msg, "attempt failed"),
                    None => sum.lost += 1,
                }
            }
        }
        Ok(())
    }

    /// Parses the input as `truce ingest` does and stores its reports in the
    /// transaction that completes the job. `Ok(None)`: the lease was lost.
    async fn run_ingest_job(&self, job: &JobRow, worker: &str) -> Result<Option<Ran>, EngineError> {
        let p: IngestPayload = serde_json::from_str(&job.payload)
            .map_err(|e| EngineError::User(format!("job {}: bad ingest payload: {e}", job.id)))?;
        let received_at = Timestamp::from_millisecond(p.received_at)
            .map_err(|e| EngineError::User(format!("job {}: bad received_at: {e}", job.id)))?;
        let parsed = tokio::task::spawn_blocking(move || {
            let meta = IngestMeta { received_at, source: p.source };
            truce_ingest::parse_bytes(&p.name, p.content.as_bytes(), &meta)
        })
        .await
        .map_err(|e| EngineError::Internal(format!("ingest parser failed: {e}")))?;
        let errors: Vec<String> = parsed.errors.iter().map(ToString::to_string).collect();
        if parsed.reports.is_empty() {
            return Err(EngineError::User(errors.join("; ")));
        }
        // Items that failed are named in the done job's note; the rest are stored.
        let note = (!errors.is_empty()).then(|| errors.join("; "));
        let follow = Some((JUDGE, judge_payload(), u32::try_from(job.max_attempts).unwrap_or(DEFAULT_ATTEMPTS)));
        let stored = self
            .store
            .complete_ingest_job(job.id, worker, &parsed.reports, note.as_deref(), follow, Engine::now())
            .await?;
        Ok(stored.map(|s| Ran {
            reports_stored: s.iter().filter(|x| **x == truce_store::Stored::New).count() as u64,
            judged: 0,
        }))
    }

    /// Judges the whole store, records changes and refers violations, then completes the job.
    async fn run_judge_job(&self, job: &JobRow, worker: &str) -> Result<Option<Ran>, EngineError> {
        let (analysis, referred) = self.judge_and_refer().await?;
        let r = analysis.recorded.unwrap_or_default();
        let note = format!(
            "{} reports; {} new and {} changed rulings; {} new referrals",
            analysis.reports,
            r.rulings_new,
            r.rulings_changed,
            referred.len()
        );
        let held = self.store.complete_job(job.id, worker, Some(&note), Engine::now()).await?;
        Ok(held.then_some(Ran { reports_stored: 0, judged: 1 }))
    }
}

struct Ran {
    reports_stored: u64,
    judged: u64,
}

/// Reads one input's bytes under the size limit, as ingest does.
fn read_bytes(input: &Input, limit: u64) -> Result<Vec<u8>, Problem> {
    use std::io::Read;
    let read = |r: &mut dyn Read| {
        let mut buf = Vec::new();
        r.take(limit.saturating_add(1)).read_to_end(&mut buf).map_err(|e| Problem::Unreadable(e.to_string()))?;
        if buf.len() as u64 > limit {
            return Err(Problem::TooLarge { size: buf.len() as u64, limit });
        }
        Ok(buf)
    };
    match input {
        Input::Stdin => read(&mut std::io::stdin().lock()),
        Input::Path(p) => match std::fs::File::open(p) {
            Ok(mut f) => read(&mut f),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Problem::NotFound),
            Err(e) => Err(Problem::Unreadable(e.to_string())),
        },
    }
}
