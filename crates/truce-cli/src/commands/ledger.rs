//! `truce ledger …`: the coordination centre's local truces and aid deliveries.

use jiff::civil::Date;
use truce_engine::{Ledger, LedgerEntry, Period};

use crate::config::Config;
use crate::{Outcome, UserError};

#[derive(Debug, clap::Subcommand)]
pub enum Cmd {
    /// Record a settlement-level truce.
    Local {
        /// The settlement.
        #[arg(long)]
        settlement: String,
        /// Its OCHA p-code (the governorate follows from it).
        #[arg(long)]
        pcode: Option<String>,
        /// The day (YYYY-MM-DD).
        #[arg(long)]
        date: String,
        /// The parties, as actor keys separated by commas.
        #[arg(long)]
        parties: String,
        /// negotiating, in_force or collapsed.
        #[arg(long, default_value = "in_force")]
        status: String,
        /// Where this comes from.
        #[arg(long)]
        source: String,
    },
    /// Record an aid delivery.
    Aid {
        /// The destination.
        #[arg(long)]
        destination: String,
        /// Its OCHA p-code.
        #[arg(long)]
        pcode: Option<String>,
        /// The day (YYYY-MM-DD).
        #[arg(long)]
        date: String,
        /// What was carried.
        #[arg(long)]
        items: String,
        /// planned, delivered or blocked.
        #[arg(long, default_value = "delivered")]
        status: String,
        /// Where this comes from.
        #[arg(long)]
        source: String,
    },
    /// Counters per governorate and period.
    Counts {
        /// First day (YYYY-MM-DD).
        #[arg(long)]
        from: String,
        /// Last day (YYYY-MM-DD).
        #[arg(long)]
        to: String,
        /// day, week or month.
        #[arg(long, default_value = "week")]
        by: String,
    },
}

fn day(s: &str, flag: &str) -> anyhow::Result<Date> {
    Ok(s.parse::<Date>().map_err(|e| UserError(format!("--{flag} {s:?}: expected YYYY-MM-DD ({e})")))?)
}

pub async fn run(config: Config, cmd: Cmd) -> anyhow::Result<Outcome> {
    let engine = super::open(&config).await?;
    let result = match cmd {
        Cmd::Local { settlement, pcode, date, parties, status, source } => {
            let entry = LedgerEntry {
                ledger: Ledger::LocalAgreements,
                place: settlement,
                pcode,
                day: day(&date, "date")?,
                detail: parties,
                status,
                source,
            };
            let id = engine.add_ledger_entry(&entry).await?;
            println!("ledger: local truce {id} recorded");
            Ok(Outcome::Ok)
        }
        Cmd::Aid { destination, pcode, date, items, status, source } => {
            let entry = LedgerEntry {
                ledger: Ledger::AidDeliveries,
                place: destination,
                pcode,
                day: day(&date, "date")?,
                detail: items,
                status,
                source,
            };
            let id = engine.add_ledger_entry(&entry).await?;
            println!("ledger: aid delivery {id} recorded");
            Ok(Outcome::Ok)
        }
        Cmd::Counts { from, to, by } => {
            let period = match by.as_str() {
                "day" => Period::Day,
                "week" => Period::Week,
                "month" => Period::Month,
                other => return Err(UserError(format!("--by {other:?}: expected day, week or month")).into()),
            };
            let counts = engine.ledger_counts(day(&from, "from")?, day(&to, "to")?, period).await?;
            println!("{:<12} {:<8} {:<40} aid", "period", "admin1", "local truces");
            for c in counts {
                let fmt = |m: &std::collections::BTreeMap<String, u32>| {
                    m.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
                };
                println!("{:<12} {:<8} {:<40} {}", c.period, c.admin1_pcode, fmt(&c.local), fmt(&c.aid));
            }
            Ok(Outcome::Ok)
        }
    };
    engine.close().await;
    result
}
