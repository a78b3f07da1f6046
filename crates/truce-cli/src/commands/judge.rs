//! `truce judge [--as-of T] [--agreement KEY] --jsonl`: one JSON object per ruling.
//! A live run also refers its violations to their guarantors (the hotline).

use std::io::Write;

use jiff::Timestamp;
use truce_engine::JudgeRequest;

use crate::config::Config;
use crate::{Outcome, UserError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Use only reports received by this time (RFC 3339) and record nothing: a replay.
    #[arg(long, value_name = "TIME")]
    as_of: Option<String>,
    /// Only rulings against this agreement.
    #[arg(long, value_name = "KEY")]
    agreement: Option<String>,
    /// Print one JSON object per ruling (otherwise a table for people).
    #[arg(long)]
    jsonl: bool,
}

pub async fn run(config: Config, args: Args) -> anyhow::Result<Outcome> {
    let as_of = args
        .as_of
        .as_deref()
        .map(|s| {
            s.parse::<Timestamp>().map_err(|e| {
                UserError(format!("--as-of {s:?}: expected an RFC 3339 time such as 2016-12-30T02:00:00Z ({e})"))
            })
        })
        .transpose()?;
    let engine = super::open(&config).await?;
    let analysis = engine.judge(&JudgeRequest { as_of, agreement: args.agreement.clone() }).await?;
    // A live run refers its violations to the guarantors (the hotline); a replay records nothing.
    let referred = if analysis.recorded.is_some() { Some(engine.refer(&analysis.rulings).await?.len()) } else { None };
    engine.close().await;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.jsonl {
        for r in &analysis.rulings {
            serde_json::to_writer(&mut out, r)?;
            out.write_all(b"\n")?;
        }
    } else {
        for r in &analysis.rulings {
            let i = &r.incident;
            writeln!(
                out,
                "{:<14} {:<26} {} {:<28} {:<18} tell: {}",
                r.verdict,
                r.agreement.key,
                &i.time_utc[0][..16],
                i.sub_event_type,
                i.admin1.as_deref().unwrap_or("?"),
                if r.guarantors.is_empty() { "-".to_owned() } else { r.guarantors.join(", ") }
            )?;
        }
        let rec = analysis.recorded.map_or_else(
            || "replay: nothing recorded".to_owned(),
            |r| {
                format!(
                    "recorded {} new and {} changed incidents, {} new and {} changed rulings, {} new referrals",
                    r.incidents_new,
                    r.incidents_changed,
                    r.rulings_new,
                    r.rulings_changed,
                    referred.unwrap_or(0)
                )
            },
        );
        writeln!(
            out,
            "judge: {} reports, {} incidents, {} rulings, {} facts, {} contradictions; {rec}",
            analysis.reports,
            analysis.incidents.len(),
            analysis.rulings.len(),
            analysis.facts.len(),
            analysis.contradictions.len()
        )?;
    }
    out.flush()?;
    Ok(Outcome::Ok)
}
