//! `truce audit verify`: walk the event log's hash chain.

use crate::config::Config;
use crate::{Outcome, UserError};

#[derive(Debug, clap::Subcommand)]
pub enum Cmd {
    /// Recompute every hash of the event log and name the first broken entry.
    Verify,
}

pub async fn run(config: Config, cmd: Cmd) -> anyhow::Result<Outcome> {
    match cmd {
        Cmd::Verify => {
            let engine = super::open(&config).await?;
            let report = engine.audit_verify().await?;
            engine.close().await;
            match report.first_break {
                None => {
                    println!("audit: ok, {} entries, hash chain intact", report.entries);
                    Ok(Outcome::Ok)
                }
                Some(b) => Err(UserError(format!(
                    "audit: the hash chain is broken at entry {} ({}): {}",
                    b.seq, b.what, b.reason
                ))
                .into()),
            }
        }
    }
}
