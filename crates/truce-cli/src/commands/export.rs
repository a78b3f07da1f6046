//! `truce export`: not landed yet (issue 6).

use crate::Outcome;
use crate::config::Config;

pub use super::later::Args;

pub async fn run(_config: Config, _args: Args) -> anyhow::Result<Outcome> {
    super::later::say("export", 6, "Bulletins and exports")
}
