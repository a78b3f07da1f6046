//! `truce user add NAME --role ROLE --password-stdin` and `truce user list`.

use std::io::Read;

use truce_server::PasswordCost;

use crate::config::Config;
use crate::{Outcome, UserError};

#[derive(Debug, clap::Subcommand)]
pub enum Cmd {
    /// Create a user, or replace its role and password.
    Add(AddArgs),
    /// List users and their roles.
    List,
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Login name (letters, digits, '.', '_', '-').
    name: String,
    /// admin, analyst, guarantor:<actor-key> (e.g. guarantor:turkey) or observer.
    #[arg(long)]
    role: String,
    /// Read the password from the first line of stdin (required: never pass it as an argument).
    #[arg(long, required = true)]
    password_stdin: bool,
}

pub async fn run(config: Config, cmd: Cmd) -> anyhow::Result<Outcome> {
    match cmd {
        Cmd::Add(a) => {
            let mut input = String::new();
            std::io::stdin().read_to_string(&mut input).map_err(|e| UserError(format!("stdin: {e}")))?;
            let password = input.lines().next().unwrap_or("").to_owned();
            let engine = super::open(&config).await?;
            let new = truce_server::add_user(&engine, &a.name, &a.role, &password, PasswordCost::Standard).await;
            engine.close().await;
            let new = new?;
            println!("user {}: {} with role {}", a.name, if new { "created" } else { "updated" }, a.role);
        }
        Cmd::List => {
            let engine = super::open(&config).await?;
            let users = engine.users().await;
            engine.close().await;
            for u in users? {
                println!("{:<24} {}", u.name, u.role.as_string());
            }
        }
    }
    Ok(Outcome::Ok)
}
