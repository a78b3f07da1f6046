//! The coordination centre's ledger: local truces and aid deliveries, with
//! counters per governorate over time.

use std::collections::BTreeMap;

use jiff::civil::Date;
use truce_model::PCode;
use truce_store::{Ledger, LedgerRow};

use crate::{Engine, EngineError};

/// One entry to record.
#[derive(Debug, Clone)]
pub struct LedgerEntry {
    /// Which ledger.
    pub ledger: Ledger,
    /// Settlement or destination name.
    pub place: String,
    /// Its OCHA p-code, when known (the governorate follows from it).
    pub pcode: Option<String>,
    /// The day.
    pub day: Date,
    /// Parties (actor keys) for a local truce, items for an aid delivery.
    pub detail: String,
    /// negotiating | in_force | collapsed, or planned | delivered | blocked.
    pub status: String,
    /// Where this comes from (a bulletin, a report id, a person).
    pub source: String,
}

/// Counters for one governorate in one period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerCount {
    /// First day of the period.
    pub period: String,
    /// Governorate p-code, or `unknown`.
    pub admin1_pcode: String,
    /// Local truces by status.
    pub local: BTreeMap<String, u32>,
    /// Aid deliveries by status.
    pub aid: BTreeMap<String, u32>,
}

/// How counters are bucketed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// Per day.
    Day,
    /// Per ISO week (starting Monday).
    Week,
    /// Per month.
    Month,
}

fn period_start(d: Date, p: Period) -> Date {
    match p {
        Period::Day => d,
        Period::Week => {
            d.checked_sub(jiff::Span::new().days(i64::from(d.weekday().to_monday_zero_offset()))).unwrap_or(d)
        }
        Period::Month => d.first_of_month(),
    }
}

impl Engine {
    /// Records a ledger entry after checking its status and p-code; returns its id.
    pub async fn add_ledger_entry(&self, e: &LedgerEntry) -> Result<i64, EngineError> {
        let allowed: &[&str] = match e.ledger {
            Ledger::LocalAgreements => &["negotiating", "in_force", "collapsed"],
            Ledger::AidDeliveries => &["planned", "delivered", "blocked"],
        };
        if !allowed.contains(&e.status.as_str()) {
            return Err(EngineError::User(format!("status {:?}: expected one of {}", e.status, allowed.join(", "))));
        }
        if e.place.trim().is_empty() || e.source.trim().is_empty() {
            return Err(EngineError::User("place and source must not be empty".into()));
        }
        let pcode =
            e.pcode.as_deref().map(PCode::parse).transpose().map_err(|err| EngineError::User(err.to_string()))?;
        let row = LedgerRow {
            id: 0,
            place: e.place.trim().to_owned(),
            admin1_pcode: pcode.as_ref().map(|p| p.admin1().to_string()),
            pcode: pcode.map(|p| p.to_string()),
            day: e.day.to_string(),
            detail: e.detail.clone(),
            status: e.status.clone(),
            source: e.source.clone(),
        };
        Ok(self.store.add_ledger_entry(e.ledger, &row, Engine::now()).await?)
    }

    /// Entries of one ledger between two days (inclusive).
    pub async fn ledger(&self, ledger: Ledger, from: Date, to: Date) -> Result<Vec<LedgerRow>, EngineError> {
        Ok(self.store.ledger(ledger, &from.to_string(), &to.to_string()).await?)
    }

    /// Counters per governorate and period between two days.
    pub async fn ledger_counts(&self, from: Date, to: Date, period: Period) -> Result<Vec<LedgerCount>, EngineError> {
        let mut out: BTreeMap<(String, String), LedgerCount> = BTreeMap::new();
        for (ledger, local) in [(Ledger::LocalAgreements, true), (Ledger::AidDeliveries, false)] {
            for row in self.ledger(ledger, from, to).await? {
                let day: Date =
                    row.day.parse().map_err(|e| EngineError::Internal(format!("ledger day {:?}: {e}", row.day)))?;
                let p = period_start(day, period).to_string();
                let a1 = row.admin1_pcode.clone().unwrap_or_else(|| "unknown".into());
                let c = out.entry((p.clone(), a1.clone())).or_insert_with(|| LedgerCount {
                    period: p,
                    admin1_pcode: a1,
                    ..LedgerCount::default()
                });
                let m = if local { &mut c.local } else { &mut c.aid };
                *m.entry(row.status.clone()).or_default() += 1;
            }
        }
        Ok(out.into_values().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_start_on_monday_and_the_first() {
        let d = jiff::civil::date(2016, 12, 30); // a Friday
        assert_eq!(period_start(d, Period::Week), jiff::civil::date(2016, 12, 26));
        assert_eq!(period_start(d, Period::Month), jiff::civil::date(2016, 12, 1));
        assert_eq!(period_start(d, Period::Day), d);
    }
}
