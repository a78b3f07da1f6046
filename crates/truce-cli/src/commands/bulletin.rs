//! `truce bulletin --date D [--agreement KEY] [--cutoff HH:MM --tz ZONE] --format html|pdf|md|json [--out FILE]`
//! writes the stamped bulletin for (previous cut-off, cut-off];
//! `truce bulletin verify FILE` checks a bulletin's stamp and content.

use std::io::Write;

use truce_engine::{BulletinFormat, BulletinRequest};

use crate::config::Config;
use crate::{Outcome, UserError};

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    cmd: Option<Cmd>,
    /// The bulletin's date, YYYY-MM-DD (local to the cut-off's zone).
    #[arg(long)]
    date: Option<String>,
    /// Only this agreement (default: every agreement in force on the date).
    #[arg(long, value_name = "KEY")]
    agreement: Option<String>,
    /// Cut-off time of day, HH:MM (default 00:00).
    #[arg(long, value_name = "HH:MM")]
    cutoff: Option<String>,
    /// The cut-off's IANA zone, e.g. UTC or Asia/Damascus (default: the agreement's).
    #[arg(long, value_name = "ZONE")]
    tz: Option<String>,
    /// html, pdf, md or json.
    #[arg(long, default_value = "html")]
    format: String,
    /// Write here instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    out: Option<std::path::PathBuf>,
}

#[derive(Debug, clap::Subcommand)]
enum Cmd {
    /// Check a bulletin file: its SHA-256 stamp matches its content, and the file is what that content renders to.
    Verify {
        /// The bulletin (any format).
        file: std::path::PathBuf,
    },
}

pub async fn run(config: Config, args: Args) -> anyhow::Result<Outcome> {
    if let Some(Cmd::Verify { file }) = &args.cmd {
        let bytes = std::fs::read(file).map_err(|e| UserError(format!("{}: cannot read: {e}", file.display())))?;
        return match truce_engine::verify_bulletin(&bytes) {
            Ok((stamp, _)) => {
                println!(
                    "{}: verified; as of {}, {} reports, rules {}, SHA-256 {}",
                    file.display(),
                    stamp.as_of,
                    stamp.inputs.reports,
                    stamp.inputs.rule_version,
                    stamp.sha256
                );
                Ok(Outcome::Ok)
            }
            Err(e) => Err(UserError(format!("{}: not verified: {e}", file.display())).into()),
        };
    }
    let date = args.date.as_deref().ok_or_else(|| UserError("--date is required (YYYY-MM-DD)".into()))?;
    let date: jiff::civil::Date =
        date.parse().map_err(|e| UserError(format!("--date {date:?}: expected YYYY-MM-DD ({e})")))?;
    let cutoff = args
        .cutoff
        .as_deref()
        .map(|s| {
            jiff::civil::Time::strptime("%H:%M", s)
                .map_err(|e| UserError(format!("--cutoff {s:?}: expected HH:MM such as 22:00 ({e})")))
        })
        .transpose()?;
    let format = BulletinFormat::parse(&args.format).map_err(|e| UserError(format!("--format {e}")))?;
    let engine = super::open(&config).await?;
    let bulletin = engine
        .bulletin(&BulletinRequest { agreement: args.agreement.clone(), date, cutoff, tz: args.tz.clone() })
        .await?;
    engine.close().await;
    let bytes = truce_engine::render_bulletin(&bulletin, format);
    match &args.out {
        Some(path) => {
            std::fs::write(path, &bytes).map_err(|e| UserError(format!("{}: cannot write: {e}", path.display())))?;
            eprintln!("bulletin: {} ({} bytes, SHA-256 {})", path.display(), bytes.len(), bulletin.stamp.sha256);
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)?;
            out.flush()?;
        }
    }
    Ok(Outcome::Ok)
}
