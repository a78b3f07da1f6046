//! `truce serve`: not landed yet (issue 5).

use crate::Outcome;
use crate::config::Config;

pub use super::later::Args;

pub async fn run(_config: Config, _args: Args) -> anyhow::Result<Outcome> {
    super::later::say("serve", 5, "Server, web dashboard and guarantor hotline")
}
