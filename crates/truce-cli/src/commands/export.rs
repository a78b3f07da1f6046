//! `truce export --format acled-csv|geojson|jsonl|agreements [filters] [--out FILE]`
//! streams recorded incidents and rulings (run `truce judge` first to record
//! them); `truce export --import FILE.csv` loads ACLED-format CSV as incidents.

use std::io::{BufReader, BufWriter, Write};

use jiff::Timestamp;
use truce_engine::{ExportFilter, ExportFormat};

use crate::config::Config;
use crate::progress::Bar;
use crate::{Outcome, UserError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// acled-csv, geojson, jsonl or agreements.
    #[arg(long, value_name = "FORMAT", required_unless_present = "import")]
    format: Option<String>,
    /// Only incidents judged against this agreement (and only its rulings).
    #[arg(long, value_name = "KEY")]
    agreement: Option<String>,
    /// Incidents starting at or after this time (RFC 3339 or YYYY-MM-DD, UTC).
    #[arg(long, value_name = "TIME")]
    from: Option<String>,
    /// Incidents starting before this time (RFC 3339 or YYYY-MM-DD, UTC).
    #[arg(long, value_name = "TIME")]
    to: Option<String>,
    /// Only incidents in this governorate (case-insensitive).
    #[arg(long, value_name = "NAME")]
    admin1: Option<String>,
    /// Only incidents with a ruling of this verdict (violation, not_covered, excluded_party, undetermined).
    #[arg(long, value_name = "VERDICT")]
    verdict: Option<String>,
    /// Write here instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    out: Option<std::path::PathBuf>,
    /// Import an ACLED-format CSV file (`-` for stdin) as incidents instead of exporting.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["format", "out"])]
    import: Option<String>,
}

fn time(flag: &str, s: &str) -> anyhow::Result<i64> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t.as_millisecond());
    }
    let d: jiff::civil::Date = s
        .parse()
        .map_err(|e| UserError(format!("{flag} {s:?}: expected an RFC 3339 time or a date YYYY-MM-DD ({e})")))?;
    let z = d.to_zoned_datetime(jiff::tz::TimeZone::UTC).map_err(|e| UserError(format!("{flag} {s:?}: {e}")))?;
    Ok(z.timestamp().as_millisecond())
}

pub async fn run(config: Config, args: Args) -> anyhow::Result<Outcome> {
    if let Some(path) = &args.import {
        return import(config, path).await;
    }
    let format = ExportFormat::parse(args.format.as_deref().unwrap_or_default())?;
    if let Some(v) = &args.verdict
        && !["violation", "not_covered", "excluded_party", "undetermined"].contains(&v.as_str())
    {
        return Err(UserError(format!(
            "--verdict {v:?}: expected violation, not_covered, excluded_party or undetermined"
        ))
        .into());
    }
    let filter = ExportFilter {
        agreement: args.agreement.clone(),
        from: args.from.as_deref().map(|s| time("--from", s)).transpose()?,
        to: args.to.as_deref().map(|s| time("--to", s)).transpose()?,
        admin1: args.admin1.clone(),
        verdict: args.verdict.clone(),
    };
    let engine = super::open(&config).await?;
    let bar = Bar::new("export");
    let rows = match &args.out {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| UserError(format!("{}: cannot create: {e}", path.display())))?;
            let mut w = BufWriter::with_capacity(1 << 16, file);
            let rows = engine.export(format, &filter, &mut w, &bar).await?;
            w.flush().map_err(|e| UserError(format!("{}: {e}", path.display())))?;
            rows
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = BufWriter::with_capacity(1 << 16, stdout.lock());
            engine.export(format, &filter, &mut w, &bar).await?
        }
    };
    engine.close().await;
    eprintln!("export: {rows} {} written", if format == ExportFormat::Agreements { "agreements" } else { "rows" });
    Ok(Outcome::Ok)
}

async fn import(config: Config, path: &str) -> anyhow::Result<Outcome> {
    let engine = super::open(&config).await?;
    let bar = Bar::new("import");
    let summary = if path == "-" {
        engine.import_acled(std::io::stdin().lock(), &bar).await?
    } else {
        let file = std::fs::File::open(path).map_err(|e| UserError(format!("{path}: cannot read: {e}")))?;
        engine.import_acled(BufReader::new(file), &bar).await.map_err(|e| UserError(format!("{path}: {e}")))?
    };
    engine.close().await;
    for e in &summary.errors {
        eprintln!("error: {path}: {e}");
    }
    println!(
        "import: {} rows, {} unchanged, {} incidents new, {} changed, {} reports stored, {} refused",
        summary.rows,
        summary.unchanged,
        summary.incidents_new,
        summary.incidents_changed,
        summary.reports_new,
        summary.errors.len()
    );
    Ok(if summary.errors.is_empty() { Outcome::Ok } else { Outcome::PartialFailure })
}
