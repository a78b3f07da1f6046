//! `truce extract --jsonl FILE…`: incident mentions per the extraction contract (design §5).

use std::io::Write;

use truce_engine::Input;

use crate::config::Config;
use crate::{Outcome, UserError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON Lines (the only format; the flag is part of the contract).
    #[arg(long)]
    jsonl: bool,
    /// `.txt`/`.html` files (one report each) and `.jsonl` files (`{"id","text","published"?,"source"?}` per line).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
}

pub async fn run(config: Config, args: Args) -> anyhow::Result<Outcome> {
    if !args.jsonl {
        return Err(UserError("truce extract: pass --jsonl (JSON Lines is the only output format)".into()).into());
    }
    let inputs: Vec<Input> = args.files.iter().map(|f| Input::from_arg(f)).collect();
    let engine = super::open_without_store(&config);
    let (records, errors) = engine.extract(&inputs)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for r in &records {
        serde_json::to_writer(&mut out, r)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    for e in &errors {
        eprintln!("error: {e}");
    }
    Ok(if errors.is_empty() { Outcome::Ok } else { Outcome::PartialFailure })
}
