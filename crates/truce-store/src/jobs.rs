//! The job queue (issue 7): durable work for `truce worker` processes.
//!
//! A job is claimed under a lease: on PostgreSQL by `SELECT … FOR UPDATE SKIP
//! LOCKED` in a transaction that marks the rows running, so concurrent
//! claimers skip each other's rows instead of waiting; on SQLite, which has one
//! writer, inside `BEGIN IMMEDIATE`. A running job whose lease has passed is
//! claimable again (its worker died), and every later write by the old holder
//! is refused because it names the holder (`locked_by`). A job claimed
//! `max_attempts` times without success ends `failed` with its last error.
//!
//! Jobs are operational state, not part of the hash-chained event log: their
//! effects are (reports, rulings, referrals). Completing an ingest job stores
//! its reports in the same transaction ([`Store::complete_ingest_job`]).

use jiff::Timestamp;
use truce_model::Report;

use crate::sql::{POSTGRES, SQLITE};
use crate::{Backend, NewEvent, Store, StoreError, Stored, audit, rows};

#[derive(Debug)]
struct JobsSql {
    enqueue: &'static str,
    enqueue_coalesced: &'static str,
    expire: &'static str,
    claim: &'static str,
    extend: &'static str,
    complete: &'static str,
    fail: &'static str,
    counts: &'static str,
    open_count: &'static str,
    get: &'static str,
    list: &'static str,
}

macro_rules! jobs_queries {
    ($dir:literal) => {
        JobsSql {
            enqueue: include_str!(concat!("queries/", $dir, "/jobs/enqueue.sql")),
            enqueue_coalesced: include_str!(concat!("queries/", $dir, "/jobs/enqueue_coalesced.sql")),
            expire: include_str!(concat!("queries/", $dir, "/jobs/expire.sql")),
            claim: include_str!(concat!("queries/", $dir, "/jobs/claim.sql")),
            extend: include_str!(concat!("queries/", $dir, "/jobs/extend.sql")),
            complete: include_str!(concat!("queries/", $dir, "/jobs/complete.sql")),
            fail: include_str!(concat!("queries/", $dir, "/jobs/fail.sql")),
            counts: include_str!(concat!("queries/", $dir, "/jobs/counts.sql")),
            open_count: include_str!(concat!("queries/", $dir, "/jobs/open_count.sql")),
            get: include_str!(concat!("queries/", $dir, "/jobs/get.sql")),
            list: include_str!(concat!("queries/", $dir, "/jobs/list.sql")),
        }
    };
}

const SQLITE_JOBS: JobsSql = jobs_queries!("sqlite");
const POSTGRES_JOBS: JobsSql = jobs_queries!("postgres");

/// A job to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    /// What to do (`ingest`, `judge`); the engine reads it.
    pub kind: String,
    /// A natural key: a second job of the same kind and key is not queued
    /// while the first is not failed. `None` when the job has none.
    pub key: Option<String>,
    /// JSON for the engine.
    pub payload: String,
    /// How many claims before the job is failed.
    pub max_attempts: u32,
}

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Waiting for a worker.
    Queued,
    /// Claimed by a worker under a lease.
    Running,
    /// Finished.
    Done,
    /// Gave up after its attempts.
    Failed,
}

impl JobState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<JobState> {
        Some(match s {
            "queued" => JobState::Queued,
            "running" => JobState::Running,
            "done" => JobState::Done,
            "failed" => JobState::Failed,
            _ => return None,
        })
    }
}

/// A stored job.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct JobRow {
    /// Queue order.
    pub id: i64,
    /// What to do.
    pub kind: String,
    /// The natural key, if any.
    pub key: Option<String>,
    /// JSON for the engine.
    pub payload: String,
    /// `queued`, `running`, `done` or `failed` (see [`JobState`]).
    pub state: String,
    /// Claims so far.
    pub attempts: i64,
    /// Claims allowed.
    pub max_attempts: i64,
    /// The worker holding (or that last held) the job.
    pub locked_by: Option<String>,
    /// When the lease ends (Unix milliseconds), while running.
    pub lease_until: Option<i64>,
    /// Queued at (Unix milliseconds).
    pub created_at: i64,
    /// Last changed at.
    pub updated_at: i64,
    /// The last attempt's error (or a done job's note).
    pub error: Option<String>,
}

/// How many jobs of one kind are in one state.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct JobCount {
    /// The kind.
    pub kind: String,
    /// The state.
    pub state: String,
    /// How many.
    pub n: i64,
    /// The earliest `created_at` among them.
    pub first_created_at: i64,
    /// The latest `updated_at` among them.
    pub last_updated_at: i64,
}

impl Store {
    fn jobs_sql(&self) -> &'static JobsSql {
        match self.backend() {
            Backend::Sqlite => &SQLITE_JOBS,
            Backend::Postgres => &POSTGRES_JOBS,
        }
    }

    /// Queues a job; `None` when a job of the same kind and key is already
    /// queued, running or done.
    pub async fn enqueue_job(&self, job: &NewJob, now: Timestamp) -> Result<Option<i64>, StoreError> {
        let q = self.jobs_sql();
        on_backend!(self, pool, _sql => {
            Ok(sqlx::query_scalar(q.enqueue)
                .bind(&job.kind)
                .bind(&job.key)
                .bind(&job.payload)
                .bind(i64::from(job.max_attempts))
                .bind(now.as_millisecond())
                .fetch_optional(pool)
                .await?)
        })
    }

    /// Queues a job of `kind` unless one of that kind is already queued (not
    /// yet started), which will do the same work: many requests, one run.
    pub async fn enqueue_coalesced(
        &self,
        kind: &str,
        payload: &str,
        max_attempts: u32,
        now: Timestamp,
    ) -> Result<Option<i64>, StoreError> {
        let q = self.jobs_sql();
        on_backend!(self, pool, _sql => {
            Ok(sqlx::query_scalar(q.enqueue_coalesced)
                .bind(kind)
                .bind(payload)
                .bind(i64::from(max_attempts))
                .bind(now.as_millisecond())
                .fetch_optional(pool)
                .await?)
        })
    }

    /// Claims up to `n` jobs for `worker` until `lease_until`, oldest first:
    /// queued ones and running ones whose lease has passed. Jobs whose lease
    /// passed on their last attempt are failed first.
    #[tracing::instrument(skip_all, fields(worker, n, backend = self.backend().as_str()))]
    pub async fn claim_jobs(
        &self,
        worker: &str,
        n: u32,
        lease_until: Timestamp,
        now: Timestamp,
    ) -> Result<Vec<JobRow>, StoreError> {
        let q = self.jobs_sql();
        on_backend!(self, pool, sql => {
            let mut tx = pool.begin_with(sql.begin_write).await?;
            sqlx::query(q.expire).bind(now.as_millisecond()).execute(&mut *tx).await?;
            let mut rows: Vec<JobRow> = sqlx::query_as(q.claim)
                .bind(worker)
                .bind(lease_until.as_millisecond())
                .bind(now.as_millisecond())
                .bind(i64::from(n))
                .fetch_all(&mut *tx)
                .await?;
            tx.commit().await?;
            rows.sort_by_key(|r| r.id);
            Ok(rows)
        })
    }

    /// Extends `worker`'s lease on a running job; `false` when it no longer holds it.
    pub async fn extend_job_lease(
        &self,
        id: i64,
        worker: &str,
        lease_until: Timestamp,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let q = self.jobs_sql();
        on_backend!(self, pool, _sql => {
            let done = sqlx::query(q.extend)
                .bind(id)
                .bind(worker)
                .bind(lease_until.as_millisecond())
                .bind(now.as_millisecond())
                .execute(pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Marks `worker`'s running job done, with an optional note; `false` when
    /// the worker no longer holds it (its lease passed and another took it).
    pub async fn complete_job(
        &self,
        id: i64,
        worker: &str,
        note: Option<&str>,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let q = self.jobs_sql();
        on_backend!(self, pool, _sql => {
            let done = sqlx::query(q.complete)
                .bind(id)
                .bind(worker)
                .bind(now.as_millisecond())
                .bind(note)
                .execute(pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Completes an ingest job in one transaction with its effect: marks it
    /// done, stores `reports` (each new one with its event, as
    /// [`Store::insert_reports`] does) and, when a report was new and
    /// `follow_up` is given, queues that job coalesced (a judge). Returns `None`
    /// and changes nothing when `worker` no longer holds the job.
    #[tracing::instrument(skip_all, fields(id, n = reports.len(), backend = self.backend().as_str()))]
    pub async fn complete_ingest_job(
        &self,
        id: i64,
        worker: &str,
        reports: &[Report],
        note: Option<&str>,
        follow_up: Option<(&str, &str, u32)>,
        now: Timestamp,
    ) -> Result<Option<Vec<Stored>>, StoreError> {
        let q = self.jobs_sql();
        on_backend!(self, pool, sql => {
            let mut tx = begin_write!(pool, sql);
            let held = sqlx::query(q.complete)
                .bind(id)
                .bind(worker)
                .bind(now.as_millisecond())
                .bind(note)
                .execute(&mut *tx)
                .await?;
            if held.rows_affected() != 1 {
                tx.rollback().await?;
                return Ok(None);
            }
            let mut head = load_head!(tx, sql);
            let out = insert_reports_in!(tx, sql, head, reports, now);
            if let Some((kind, payload, attempts)) = follow_up
                && out.contains(&Stored::New)
            {
                sqlx::query(q.enqueue_coalesced)
                    .bind(kind)
                    .bind(payload)
                    .bind(i64::from(attempts))
                    .bind(now.as_millisecond())
                    .fetch_optional(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(Some(out))
        })
    }

    /// Records a failed attempt of `worker`'s running job: queued again while
    /// attempts remain, else `failed`. Returns the new state, or `None` when
    /// the worker no longer holds the job.
    pub async fn fail_job(
        &self,
        id: i64,
        worker: &str,
        error: &str,
        now: Timestamp,
    ) -> Result<Option<JobState>, StoreError> {
        let q = self.jobs_sql();
        on_backend!(self, pool, _sql => {
            let state: Option<String> = sqlx::query_scalar(q.fail)
                .bind(id)
                .bind(worker)
                .bind(now.as_millisecond())
                .bind(error)
                .fetch_optional(pool)
                .await?;
            Ok(state.as_deref().and_then(JobState::parse))
        })
    }

    /// Jobs by kind and state.
    pub async fn job_counts(&self) -> Result<Vec<JobCount>, StoreError> {
        let q = self.jobs_sql();
        on_backend!(self, pool, _sql => Ok(sqlx::query_as(q.counts).fetch_all(pool).await?))
    }

    /// How many jobs are queued or running (a stopped worker's included).
    pub async fn open_job_count(&self) -> Result<u64, StoreError> {
        let q = self.jobs_sql();
        on_backend!(self, pool, _sql => {
            let n: i64 = sqlx::query_scalar(q.open_count).fetch_one(pool).await?;
            Ok(n as u64)
        })
    }

    /// One job.
    pub async fn job(&self, id: i64) -> Result<JobRow, StoreError> {
        let q = self.jobs_sql();
        on_backend!(self, pool, _sql => {
            let row: Option<JobRow> = sqlx::query_as(q.get).bind(id).fetch_optional(pool).await?;
            row.ok_or_else(|| StoreError::NotFound { entity: "job", id: id.to_string() })
        })
    }

    /// The newest jobs in `state`, newest first.
    pub async fn jobs_in(&self, state: JobState, limit: u32) -> Result<Vec<JobRow>, StoreError> {
        let q = self.jobs_sql();
        on_backend!(self, pool, _sql => {
            Ok(sqlx::query_as(q.list).bind(state.as_str()).bind(i64::from(limit)).fetch_all(pool).await?)
        })
    }
}
