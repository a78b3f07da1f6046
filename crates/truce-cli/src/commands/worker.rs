//! `truce worker`: take queued ingest and judge jobs until stopped; `truce jobs
//! enqueue judge` and `truce jobs status`. `truce ingest --queue` queues ingest
//! jobs (see `ingest.rs`).

use std::time::Duration;

use truce_engine::{WorkerMode, WorkerOptions};

use crate::config::Config;
use crate::{Outcome, UserError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// This worker's name in the queue (default HOST:PID).
    #[arg(long, value_name = "NAME")]
    id: Option<String>,
    /// Jobs run at once in this process.
    #[arg(long, default_value_t = 1, value_name = "N")]
    concurrency: usize,
    /// Take at most one job (per concurrency slot), then exit.
    #[arg(long, conflicts_with = "until_idle")]
    once: bool,
    /// Exit when no job is queued or running anywhere.
    #[arg(long)]
    until_idle: bool,
    /// Seconds a claim lasts without renewal (renewed every third of it while a job runs);
    /// a job whose worker died is taken again after this.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    lease: u64,
}

#[derive(Debug, clap::Subcommand)]
pub enum Cmd {
    /// Queue work for `truce worker` (ingest jobs: `truce ingest --queue PATH…`).
    #[command(subcommand)]
    Enqueue(Enqueue),
    /// Jobs by kind and state, and the newest failures with their errors.
    Status {
        /// How many failed jobs to list.
        #[arg(long, default_value_t = 10, value_name = "N")]
        failed: u32,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum Enqueue {
    /// A judge run over the whole store (and referrals); coalesced with one already queued.
    Judge {
        /// Claims before the job is failed.
        #[arg(long, default_value_t = truce_engine::DEFAULT_ATTEMPTS, value_name = "N")]
        attempts: u32,
    },
}

fn default_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_owned());
    format!("{host}:{}", std::process::id())
}

pub async fn run(config: Config, args: Args) -> anyhow::Result<Outcome> {
    if args.concurrency == 0 {
        return Err(UserError("--concurrency 0: a worker runs at least 1 job at a time".into()).into());
    }
    if args.lease == 0 {
        return Err(UserError("--lease 0: a lease lasts at least 1 second".into()).into());
    }
    let id = args.id.clone().unwrap_or_else(default_id);
    if id.trim().is_empty() {
        return Err(UserError("--id \"\": a worker needs a name".into()).into());
    }
    let mode = match (args.once, args.until_idle) {
        (true, _) => WorkerMode::Once,
        (_, true) => WorkerMode::UntilIdle,
        _ => WorkerMode::Forever,
    };
    let opts = WorkerOptions {
        id: id.clone(),
        concurrency: args.concurrency,
        mode,
        lease: Duration::from_secs(args.lease),
        poll: Duration::from_millis(200),
    };
    let engine = super::open(&config).await?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let signals = StopSignals::listen()?;
    tokio::spawn(async move {
        signals.wait().await;
        eprintln!("truce worker: stopping after the current job");
        let _ = stop_tx.send(true);
    });
    if mode == WorkerMode::Forever {
        eprintln!(
            "truce worker {id}: taking jobs from {} ({} at a time; Ctrl-C or SIGTERM stops)",
            engine.backend().as_str(),
            args.concurrency
        );
    }
    let sum = engine.run_worker(&opts, stop_rx).await;
    engine.close().await;
    let sum = sum?;
    println!(
        "worker {id}: {} jobs done, {} failed attempts, {} lost leases; {} reports stored, {} judge runs",
        sum.done, sum.failed, sum.lost, sum.reports_stored, sum.judged
    );
    Ok(Outcome::Ok)
}

/// Ctrl-C and SIGTERM, listened for before the worker starts so that neither
/// kills it mid-job.
struct StopSignals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn listen() -> anyhow::Result<StopSignals> {
        #[cfg(unix)]
        {
            use anyhow::Context;
            let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .context("listening for SIGTERM")?;
            Ok(StopSignals { term })
        }
        #[cfg(not(unix))]
        Ok(StopSignals {})
    }

    async fn wait(mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = self.term.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}

pub async fn jobs(config: Config, cmd: Cmd) -> anyhow::Result<Outcome> {
    let engine = super::open(&config).await?;
    let out = match cmd {
        Cmd::Enqueue(Enqueue::Judge { attempts }) => {
            check_attempts(attempts)?;
            match engine.enqueue_judge(attempts).await? {
                Some(id) => println!("jobs: queued judge job {id}"),
                None => println!("jobs: a judge job is already queued"),
            }
            Outcome::Ok
        }
        Cmd::Status { failed } => {
            let status = engine.job_status(failed).await?;
            if status.counts.is_empty() {
                println!("jobs: none");
            }
            println!("{:<8} {:<8} {:>8}", "kind", "state", "jobs");
            for c in &status.counts {
                println!("{:<8} {:<8} {:>8}", c.kind, c.state, c.n);
            }
            for j in &status.failed {
                println!(
                    "failed {} job {} after {} attempts: {}",
                    j.kind,
                    j.id,
                    j.attempts,
                    j.error.as_deref().unwrap_or("no error recorded")
                );
            }
            Outcome::Ok
        }
    };
    engine.close().await;
    Ok(out)
}

/// Refuses a job that could never be tried.
pub fn check_attempts(attempts: u32) -> anyhow::Result<()> {
    if attempts == 0 {
        return Err(UserError("--attempts 0: a job is tried at least once".into()).into());
    }
    Ok(())
}
