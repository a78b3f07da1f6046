//! `truce user …`: not landed yet (issue 5).

use crate::Outcome;
use crate::config::Config;

#[derive(Debug, clap::Subcommand)]
pub enum Cmd {
    /// Create a user (lands with issue 5).
    Add(super::later::Args),
}

pub async fn run(_config: Config, _cmd: Cmd) -> anyhow::Result<Outcome> {
    super::later::say("user", 5, "Server, web dashboard and guarantor hotline")
}
