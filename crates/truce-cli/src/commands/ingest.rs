//! `truce ingest PATH… [-]`: store reports, once each.

use jiff::Timestamp;
use truce_engine::{IngestRequest, Input};

use crate::config::Config;
use crate::progress::Bar;
use crate::{Outcome, UserError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders to read (folders recursively); `-` reads stdin.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<String>,
    /// Mark the reports as received at this time (RFC 3339), for back-loading history.
    #[arg(long, value_name = "TIME")]
    received_at: Option<String>,
    /// The source to record for inputs that name none (an outlet, a monitor).
    #[arg(long)]
    source: Option<String>,
    /// The largest input accepted, in bytes (default 20 MiB, or ingest.max_size).
    #[arg(long, value_name = "BYTES")]
    max_size: Option<u64>,
    /// List every report with its outcome.
    #[arg(long, short)]
    verbose: bool,
    /// Queue one ingest job per input for `truce worker` instead of storing now
    /// (each stored job then queues a judge run).
    #[arg(long)]
    queue: bool,
    /// With --queue: claims before a job is failed.
    #[arg(long, default_value_t = truce_engine::DEFAULT_ATTEMPTS, value_name = "N", requires = "queue")]
    attempts: u32,
}

pub async fn run(mut config: Config, args: Args) -> anyhow::Result<Outcome> {
    if let Some(m) = args.max_size {
        config.max_size = m;
    }
    let received_at = match &args.received_at {
        Some(s) => Some(s.parse::<Timestamp>().map_err(|e| {
            UserError(format!("--received-at {s:?}: expected an RFC 3339 time such as 2016-12-30T02:00:00Z ({e})"))
        })?),
        None => None,
    };
    let engine = super::open(&config).await?;
    let req = IngestRequest {
        inputs: args.paths.iter().map(|p| Input::from_arg(p)).collect(),
        received_at,
        source: args.source.clone(),
    };
    if args.queue {
        super::worker::check_attempts(args.attempts)?;
        let summary = engine.enqueue_ingest(&req, args.attempts).await;
        engine.close().await;
        let summary = summary?;
        for f in &summary.failed {
            eprintln!("error: {f}");
        }
        note_skipped(&summary.skipped);
        if args.verbose {
            for (name, id) in &summary.queued {
                println!("queued        job {id:<6} {name}");
            }
            for name in &summary.already_queued {
                println!("already queued           {name}");
            }
        }
        println!(
            "ingest: {} queued, {} already queued, {} failed",
            summary.queued.len(),
            summary.already_queued.len(),
            summary.failed.len()
        );
        return Ok(if summary.failed.is_empty() { Outcome::Ok } else { Outcome::PartialFailure });
    }
    let summary = engine.ingest(req, &Bar::new("ingest")).await?;
    engine.close().await;
    for f in &summary.failed {
        eprintln!("error: {f}");
    }
    note_skipped(&summary.skipped);
    if args.verbose {
        for i in &summary.items {
            let what = if i.stored == truce_engine::Stored::New { "stored" } else { "already known" };
            println!("{what:<14}{}  {}", &i.id[..12], i.name);
        }
    }
    println!(
        "ingest: {} stored, {} already known, {} failed",
        summary.stored(),
        summary.already_known(),
        summary.failed.len()
    );
    Ok(if summary.failed.is_empty() { Outcome::Ok } else { Outcome::PartialFailure })
}

fn note_skipped(skipped: &[std::path::PathBuf]) {
    if !skipped.is_empty() {
        let names: Vec<String> = skipped.iter().take(5).map(|p| p.display().to_string()).collect();
        let more = skipped.len().saturating_sub(5);
        let more = if more > 0 { format!(" and {more} more") } else { String::new() };
        eprintln!(
            "note: skipped {} file(s) that are not report types (.txt, .html, .jsonl, feeds): {}{more}",
            skipped.len(),
            names.join(", ")
        );
    }
}
