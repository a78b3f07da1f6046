//! `truce`: the command-line face of the engine.
//!
//! Exit codes: 0 success, 1 a user error (bad input, bad flags, an unreachable
//! database), 2 an internal error. Messages name the input and the problem.

mod commands;
mod config;
mod progress;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{Config, Overrides};

/// Truce: ceasefire monitoring and verification.
#[derive(Debug, Parser)]
#[command(name = "truce", version, about)]
struct Cli {
    /// Database: sqlite://PATH (default sqlite://truce.db) or postgres://USER@HOST/DB.
    #[arg(long, global = true, value_name = "URL")]
    db: Option<String>,
    /// Configuration file (default: ./truce.toml when present).
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Store reports from files, folders (recursively) or stdin (`-`).
    Ingest(commands::ingest::Args),
    /// Read reports (files, no store) and print incident mentions as JSON Lines.
    Extract(commands::extract::Args),
    /// Merge incidents and judge them against the agreements in force.
    Judge(commands::judge::Args),
    /// Write a bulletin for a period.
    Bulletin(commands::bulletin::Args),
    /// Export incidents and rulings (ACLED CSV, GeoJSON, JSON Lines).
    Export(commands::export::Args),
    /// Serve the HTTP API and web dashboard.
    Serve(commands::serve::Args),
    /// Manage users of the web dashboard and API.
    #[command(subcommand)]
    User(commands::user::Cmd),
    /// Manage agreements (add, list, show, diff).
    #[command(subcommand)]
    Agreement(commands::agreement::Cmd),
    /// The coordination centre's ledger: local truces and aid deliveries.
    #[command(subcommand)]
    Ledger(commands::ledger::Cmd),
    /// Load the bundled example reports into truce-demo.db and summarise them.
    Demo(commands::demo::Args),
    /// Check the integrity of the event log.
    #[command(subcommand)]
    Audit(commands::audit::Cmd),
    /// Benchmarks that print figures.
    #[command(subcommand)]
    Bench(commands::bench::Cmd),
    /// Take queued ingest and judge jobs until stopped (several per machine, many machines per store).
    Worker(commands::worker::Args),
    /// The job queue: queue a judge run, show the queue.
    #[command(subcommand)]
    Jobs(commands::worker::Cmd),
}

/// An error the user can fix; exits with 1.
#[derive(Debug)]
pub struct UserError(pub String);

impl std::fmt::Display for UserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UserError {}

/// How a command ended when it did not fail outright.
pub enum Outcome {
    /// Everything worked.
    Ok,
    /// The command ran but some inputs failed (already reported).
    PartialFailure,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::PartialFailure) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(exit_code(&e))
        }
    }
}

fn exit_code(e: &anyhow::Error) -> u8 {
    if e.downcast_ref::<UserError>().is_some() {
        return 1;
    }
    match e.downcast_ref::<truce_engine::EngineError>() {
        Some(truce_engine::EngineError::User(_)) => 1,
        _ => 2,
    }
}

async fn run(cli: Cli) -> anyhow::Result<Outcome> {
    let overrides = Overrides { db: cli.db.clone(), config: cli.config.clone() };
    let config = || Config::load(&overrides);
    match cli.command {
        Command::Ingest(args) => commands::ingest::run(config()?, args).await,
        Command::Ledger(cmd) => commands::ledger::run(config()?, cmd).await,
        Command::Demo(args) => commands::demo::run(args).await,
        Command::Audit(cmd) => commands::audit::run(config()?, cmd).await,
        Command::Bench(cmd) => commands::bench::run(cmd).await,
        Command::Extract(args) => commands::extract::run(config()?, args).await,
        Command::Judge(args) => commands::judge::run(config()?, args).await,
        Command::Agreement(cmd) => commands::agreement::run(config()?, cmd).await,
        Command::Serve(args) => commands::serve::run(config()?, args).await,
        Command::User(cmd) => commands::user::run(config()?, cmd).await,
        Command::Bulletin(args) => commands::bulletin::run(config()?, args).await,
        Command::Export(args) => commands::export::run(config()?, args).await,
        Command::Worker(args) => commands::worker::run(config()?, args).await,
        Command::Jobs(cmd) => commands::worker::jobs(config()?, cmd).await,
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("TRUCE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
