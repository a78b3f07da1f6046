//! `truce bench …`: benchmarks that print figures.

use anyhow::Context;

use crate::{Outcome, UserError};

#[derive(Debug, clap::Subcommand)]
pub enum Cmd {
    /// Reports per second for a full ingest (read files, sniff, hash, store) into SQLite and PostgreSQL.
    Ingest {
        /// How many generated reports.
        #[arg(long, default_value_t = 10_000)]
        reports: usize,
        /// PostgreSQL server to create a scratch database on; `none` to skip.
        #[arg(long, default_value = "postgres://root@127.0.0.1:5432/test")]
        postgres: String,
    },
    /// Reports/s and MB/s per core for the whole read step, on JSON Lines inputs
    /// (make them with `scripts/bench-read`, which also times the spaCy peer).
    Read {
        /// JSON Lines files of `{"id","text","published"?}`.
        #[arg(required = true)]
        inputs: Vec<std::path::PathBuf>,
        /// Timed rounds per input; the fastest is kept.
        #[arg(long, default_value_t = 3)]
        rounds: u32,
    },
    /// Rows per second and peak memory for each export format over generated incidents in SQLite and PostgreSQL.
    Export {
        /// How many generated incidents.
        #[arg(long, default_value_t = 1_000_000)]
        incidents: usize,
        /// PostgreSQL server to create a scratch database on; `none` to skip.
        #[arg(long, default_value = "postgres://root@127.0.0.1:5432/test")]
        postgres: String,
        /// Keep the SQLite store the exports read at this path (a new file), to
        /// inspect or export from again; by default it is deleted.
        #[arg(long)]
        keep: Option<std::path::PathBuf>,
    },
    /// One export step of `bench export`, run in a fresh process: exports the store
    /// at `--db` to `--out` and prints its figure as one JSON line.
    #[command(hide = true)]
    ExportStep {
        #[arg(long)]
        db: String,
        #[arg(long)]
        format: String,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// p50/p99 latency and requests/s of the API over loopback (incidents page, map
    /// clusters, GeoJSON) and hotline delivery from report upload to SSE event.
    Serve {
        /// How many generated incidents.
        #[arg(long, default_value_t = 100_000)]
        incidents: usize,
        /// Requests per endpoint (over 4 keep-alive connections).
        #[arg(long, default_value_t = 2_000)]
        requests: usize,
        /// PostgreSQL server to create a scratch database on; `none` to skip.
        #[arg(long, default_value = "postgres://root@127.0.0.1:5432/test")]
        postgres: String,
    },
    /// Jobs/s and reports/s of 1, 2 and 4 `truce worker` processes draining the same queue
    /// (ingest jobs, then the judge they queue) on a scratch PostgreSQL database each.
    Workers {
        /// JSON Lines files of real reports to queue (one report a line).
        #[arg(long = "input", value_name = "FILE")]
        inputs: Vec<std::path::PathBuf>,
        /// Generated reports to queue besides them.
        #[arg(long, default_value_t = 2_000, value_name = "N")]
        synthetic: usize,
        /// Reports per ingest job.
        #[arg(long, default_value_t = 20, value_name = "N")]
        per_job: usize,
        /// Worker process counts to measure, comma-separated.
        #[arg(long, default_value = "1,2,4", value_delimiter = ',', value_name = "N,…")]
        workers: Vec<usize>,
        /// PostgreSQL server to create the scratch databases on.
        #[arg(long, default_value = "postgres://root@127.0.0.1:5432/test")]
        postgres: String,
    },
    /// The server under mixed reads, writes, acknowledgements and live hotline
    /// subscribers for a fixed time: throughput, p99 latency, errors and memory per interval.
    Soak {
        /// How long to run, in minutes.
        #[arg(long, default_value_t = 10.0)]
        minutes: f64,
        /// Seconds per reported interval.
        #[arg(long, default_value_t = 60)]
        interval: u64,
        /// How many generated incidents to seed.
        #[arg(long, default_value_t = 20_000)]
        incidents: usize,
        /// Run on a scratch database on this PostgreSQL server instead of a SQLite file.
        #[arg(long)]
        postgres: Option<String>,
        /// Cycle the uploads through this many documents (later uploads are
        /// already known, so the data stops growing and any memory growth left
        /// is a leak); by default every upload is a new report.
        #[arg(long)]
        distinct: Option<usize>,
    },
    /// Merge precision and recall on labelled report pairs (`scripts/eval` builds them).
    MergePairs {
        /// JSON Lines of `{"a":{"id","text","published"},"b":{…},"same":bool}`.
        pairs: std::path::PathBuf,
    },
}

pub async fn run(cmd: Cmd) -> anyhow::Result<Outcome> {
    match cmd {
        Cmd::Ingest { reports, postgres } => {
            let pg = (postgres != "none").then_some(postgres.as_str());
            eprintln!("bench ingest: generating {reports} reports…");
            let figures = truce_engine::bench::ingest(reports, pg).await?;
            println!("{:<18} {:>9} {:>9} {:>12}", "bench", "reports", "seconds", "reports/s");
            for f in figures {
                println!("{:<18} {:>9} {:>9.3} {:>12.0}", f.what, f.reports, f.seconds, f.per_second());
            }
            Ok(Outcome::Ok)
        }
        Cmd::Read { inputs, rounds } => {
            println!(
                "{:<40} {:>8} {:>10} {:>12} {:>9} {:>9}",
                "bench read (1 thread)", "reports", "MB", "reports/s", "MB/s", "mentions"
            );
            let mut refdata = 0.0;
            for path in inputs {
                let f = truce_engine::bench::read(&path, rounds)?;
                refdata = f.refdata_seconds.max(refdata);
                let name = path.file_name().map_or_else(|| f.input.clone(), |n| n.to_string_lossy().into_owned());
                println!(
                    "{:<40} {:>8} {:>10.2} {:>12.0} {:>9.2} {:>9}",
                    name,
                    f.reports,
                    f.bytes as f64 / 1e6,
                    f.reports_per_second(),
                    f.mb_per_second(),
                    f.mentions
                );
            }
            let peak = truce_engine::bench::peak_memory_mb().map_or_else(|| "n/a".to_owned(), |m| format!("{m:.0} MB"));
            println!("reference data built in {refdata:.3} s; peak memory {peak}");
            Ok(Outcome::Ok)
        }
        Cmd::Export { incidents, postgres, keep } => {
            let pg = (postgres != "none").then_some(postgres.as_str());
            let dir = tempfile::tempdir()?;
            let mut figures = Vec::new();
            let db = match keep {
                Some(p) if p.exists() => anyhow::bail!("--keep {}: the file exists; give a new path", p.display()),
                Some(p) => p,
                None => dir.path().join("export-bench.db"),
            };
            let url = format!("sqlite://{}", db.display());
            eprintln!("bench export: recording {incidents} generated incidents in SQLite…");
            figures.extend(truce_engine::bench_export_seed("sqlite", &url, incidents).await?);
            // Right after a bulk load the kernel still holds gigabytes of the store's
            // pages dirty (GBs at 1M rows), and writing them back competes with the
            // export's reads and output, which makes the export several times slower
            // than it is once the store is at rest. So the exports run twice: right after the
            // load, then after the store is flushed to disk (timed as `sqlite flush`),
            // which is how a store is found by an export run later.
            figures.extend(export_steps("sqlite", &url, dir.path())?.into_iter().map(|mut x| {
                x.what.push_str(" (after load)");
                x
            }));
            figures.push(flush_sqlite(&db)?);
            figures.extend(export_steps("sqlite", &url, dir.path())?.into_iter().map(|mut x| {
                x.what.push_str(" (at rest)");
                x
            }));
            if let Some(admin) = pg {
                let name = format!("truce_bench_export_{}", std::process::id());
                let url = truce_engine::create_scratch_pg(admin, &name).await?;
                eprintln!("bench export: recording {incidents} generated incidents in PostgreSQL…");
                let run = async {
                    let mut f = truce_engine::bench_export_seed("postgres", &url, incidents).await?;
                    f.extend(export_steps("postgres", &url, dir.path())?);
                    // The same exports once the tables are at rest (as autovacuum leaves them).
                    f.push(truce_engine::bench_export_settle("postgres", &url).await?);
                    let rested = export_steps("postgres", &url, dir.path())?;
                    f.extend(rested.into_iter().map(|mut x| {
                        x.what.push_str(" (at rest)");
                        x
                    }));
                    anyhow::Ok(f)
                }
                .await;
                truce_engine::drop_scratch_pg(admin, &name).await?;
                figures.extend(run?);
            }
            // Each export runs in a fresh `truce` process, as `truce export` would: its
            // "peak" is that process's peak RSS from start to end; "grew" is what the
            // step added over the process's size when it began. For the seeding steps
            // (in this process) the peak includes what earlier steps left.
            println!(
                "{:<20} {:>10} {:>9} {:>12} {:>10} {:>11} {:>10}",
                "bench", "rows", "seconds", "rows/s", "MB out", "peak MiB", "grew MiB"
            );
            let mib = |m: Option<f64>| m.map_or_else(|| "n/a".to_owned(), |m| format!("{m:.1}"));
            for f in figures {
                println!(
                    "{:<20} {:>10} {:>9.2} {:>12.0} {:>10.1} {:>11} {:>10}",
                    f.what,
                    f.rows,
                    f.seconds,
                    f.per_second(),
                    f.bytes as f64 / 1e6,
                    mib(f.peak_mib),
                    mib(f.grew_mib())
                );
            }
            Ok(Outcome::Ok)
        }
        Cmd::ExportStep { db, format, out } => {
            let format = truce_engine::ExportFormat::parse(&format)?;
            let f = truce_engine::bench_export_step(&db, format, &out).await?;
            let line = serde_json::json!({
                "what": f.what, "rows": f.rows, "seconds": f.seconds, "bytes": f.bytes,
                "peak_mib": f.peak_mib, "base_mib": f.base_mib,
            });
            println!("{line}");
            Ok(Outcome::Ok)
        }
        Cmd::Soak { minutes, interval, incidents, postgres, distinct } => {
            if !(minutes > 0.0 && minutes.is_finite()) || interval == 0 {
                return Err(crate::UserError("--minutes and --interval must be positive".into()).into());
            }
            if distinct == Some(0) {
                return Err(crate::UserError("--distinct 0: cycle through at least 1 document".into()).into());
            }
            let dir = tempfile::tempdir()?;
            let name = format!("truce_bench_soak_{}", std::process::id());
            let url = match &postgres {
                Some(admin) => truce_engine::create_scratch_pg(admin, &name).await?,
                None => format!("sqlite://{}", dir.path().join("soak.db").display()),
            };
            println!(
                "{:>7} {:>8} {:>7} {:>8} {:>13} {:>14} {:>7} {:>7} {:>8} {:>9} {:>10} {:>7}",
                "t (s)",
                "reads",
                "writes",
                "req/s",
                "read p99 ms",
                "write p99 ms",
                "events",
                "errors",
                "RSS MiB",
                "readings",
                "cache MiB",
                "merged"
            );
            let row = |f: &truce_server::soak::SoakFigure| {
                println!(
                    "{:>7.0} {:>8} {:>7} {:>8.1} {:>13.1} {:>14.1} {:>7} {:>7} {:>8.1} {:>9} {:>10.1} {:>7}",
                    f.at_s,
                    f.reads,
                    f.writes,
                    f.rps,
                    f.read_p99_ms,
                    f.write_p99_ms,
                    f.events,
                    f.errors,
                    f.rss_mib,
                    f.cached_readings,
                    f.cache_mib,
                    f.merged_reports
                );
            };
            let run = truce_server::soak::soak(
                url,
                incidents,
                std::time::Duration::from_secs_f64(minutes * 60.0),
                std::time::Duration::from_secs(interval),
                distinct,
                &row,
            )
            .await;
            if let Some(admin) = &postgres {
                truce_engine::drop_scratch_pg(admin, &name).await?;
            }
            let (total, first_errors) = run?;
            println!("whole run:");
            row(&total);
            for e in &first_errors {
                println!("error: {e}");
            }
            Ok(if total.errors == 0 { Outcome::Ok } else { Outcome::PartialFailure })
        }
        Cmd::Serve { incidents, requests, postgres } => {
            let pg = (postgres != "none").then_some(postgres.as_str());
            let figures = truce_server::bench::bench_serve(incidents, requests, pg).await?;
            println!("{:<34} {:>9} {:>9} {:>9} {:>10}", "bench serve", "requests", "p50 ms", "p99 ms", "req/s");
            for f in figures {
                println!("{:<34} {:>9} {:>9.2} {:>9.2} {:>10.0}", f.what, f.requests, f.p50_ms, f.p99_ms, f.rps);
            }
            Ok(Outcome::Ok)
        }
        Cmd::Workers { inputs, synthetic, per_job, workers, postgres } => {
            if workers.is_empty() || workers.contains(&0) {
                return Err(UserError("--workers: give counts of at least 1, such as 1,2,4".into()).into());
            }
            if per_job == 0 {
                return Err(UserError("--per-job 0: an ingest job holds at least 1 report".into()).into());
            }
            let exe = std::env::current_exe().context("finding the truce binary to start workers")?;
            let load = truce_engine::bench::WorkerWorkload { inputs, synthetic, per_job };
            eprintln!("bench workers: queueing the workload once per run…");
            let figures = truce_engine::bench::workers(&exe, &postgres, &load, &workers).await?;
            println!(
                "{:<16} {:>6} {:>8} {:>9} {:>9} {:>9} {:>9} {:>11}",
                "bench workers", "jobs", "reports", "seconds", "ingest s", "judge s", "jobs/s", "reports/s"
            );
            for f in figures {
                println!(
                    "{:<16} {:>6} {:>8} {:>9.2} {:>9.2} {:>9.2} {:>9.1} {:>11.0}",
                    format!("postgres x{}", f.workers),
                    f.jobs,
                    f.reports,
                    f.seconds,
                    f.ingest_seconds,
                    f.judge_seconds,
                    f.jobs_per_second(),
                    f.reports_per_second()
                );
            }
            Ok(Outcome::Ok)
        }
        Cmd::MergePairs { pairs } => {
            let s = truce_engine::bench::merge_pairs(&pairs)?;
            println!(
                "merge pairs: precision {:.3} recall {:.3} (tp {} fp {} fn {} tn {})",
                s.precision(),
                s.recall(),
                s.tp,
                s.fp,
                s.fn_,
                s.tn
            );
            Ok(Outcome::Ok)
        }
    }
}

/// Writes the SQLite store at `db` (and its WAL, if any) to disk, timed as
/// `sqlite flush`; `bytes` is the size of what was flushed.
fn flush_sqlite(db: &std::path::Path) -> anyhow::Result<truce_engine::ExportFigure> {
    let t = std::time::Instant::now();
    let mut bytes = 0;
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    for path in [db.to_path_buf(), std::path::PathBuf::from(wal)] {
        match std::fs::File::open(&path) {
            Ok(f) => {
                f.sync_all().map_err(|e| anyhow::anyhow!("flushing {}: {e}", path.display()))?;
                bytes += f.metadata()?.len();
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => anyhow::bail!("flushing {}: {e}", path.display()),
        }
    }
    Ok(truce_engine::ExportFigure {
        what: "sqlite flush".to_owned(),
        rows: 0,
        seconds: t.elapsed().as_secs_f64(),
        bytes,
        peak_mib: None,
        base_mib: None,
    })
}

/// Runs each export format of the benchmark in a fresh `truce bench export-step`
/// process over the store at `url`, and reads the figure it prints.
fn export_steps(backend: &str, url: &str, dir: &std::path::Path) -> anyhow::Result<Vec<truce_engine::ExportFigure>> {
    let exe = std::env::current_exe()?;
    let mut figures = Vec::new();
    for format in truce_engine::BENCH_FORMATS {
        let path = dir.join(format!("out.{}", format.as_str()));
        eprintln!("bench export: {backend} {}…", format.as_str());
        let out = std::process::Command::new(&exe)
            .args(["bench", "export-step", "--db", url, "--format", format.as_str(), "--out"])
            .arg(&path)
            .stderr(std::process::Stdio::inherit())
            .output()?;
        let _ = std::fs::remove_file(&path);
        anyhow::ensure!(out.status.success(), "the {backend} {} export step failed ({})", format.as_str(), out.status);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .map_err(|e| anyhow::anyhow!("the {backend} {} export step printed no figure: {e}", format.as_str()))?;
        figures.push(truce_engine::ExportFigure {
            what: format!("{backend} {}", format.as_str()),
            rows: v["rows"].as_u64().unwrap_or(0),
            seconds: v["seconds"].as_f64().unwrap_or(0.0),
            bytes: v["bytes"].as_u64().unwrap_or(0),
            peak_mib: v["peak_mib"].as_f64(),
            base_mib: v["base_mib"].as_f64(),
        });
    }
    Ok(figures)
}
