//! `truce bench …`: benchmarks that print figures.

use crate::Outcome;

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
    }
}
