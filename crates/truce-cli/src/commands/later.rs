//! Commands whose issue has not landed yet: they say so plainly and exit 1.

use crate::{Outcome, UserError};

/// Arguments are accepted and ignored so `--help` works.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Arguments for the command once it lands.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    rest: Vec<String>,
}

pub fn say(command: &str, issue: u32, title: &str) -> anyhow::Result<Outcome> {
    Err(UserError(format!("`truce {command}` is not available yet: it lands with issue {issue} ({title})")).into())
}
