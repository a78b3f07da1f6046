//! Bulletins: the engine resolves the cut-offs (default 00:00 in the
//! agreement's zone), replays what was known at the cut-off with
//! [`Engine::judge`], collects the hotline's referrals with their recorded
//! state, and hands everything to the pure builder in `truce_tell::bulletin`.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use truce_model::GuarantorRole;
use truce_tell::bulletin::{AgreementInfo, BulletinInput, GuarantorInfo, ReferralLine};

use crate::{Engine, EngineError, JudgeRequest};

pub use truce_tell::bulletin::{Bulletin, Format as BulletinFormat, Stamp, render, verify};

/// The rules' version stamped on bulletins.
pub const RULE_VERSION: &str = concat!("truce-judge ", env!("CARGO_PKG_VERSION"));

/// Which bulletin to write.
#[derive(Debug, Clone)]
pub struct BulletinRequest {
    /// One agreement, or every agreement in force on `date`.
    pub agreement: Option<String>,
    /// The bulletin's date (local to `tz`).
    pub date: Date,
    /// The cut-off time of day (default 00:00).
    pub cutoff: Option<Time>,
    /// The cut-off's zone (default the agreement's).
    pub tz: Option<String>,
}

fn at(date: Date, time: Time, tz: &TimeZone) -> Result<Timestamp, EngineError> {
    date.to_datetime(time)
        .to_zoned_datetime(tz.clone())
        .map(|z| z.timestamp())
        .map_err(|e| EngineError::User(format!("cut-off {date} {time} in {}: {e}", tz.iana_name().unwrap_or("?"))))
}

impl Engine {
    /// Builds and stamps the bulletin for `req`.
    pub async fn bulletin(&self, req: &BulletinRequest) -> Result<Bulletin, EngineError> {
        let registry = crate::pipeline::registry()?;
        let all = self.agreement_docs(Timestamp::MAX).await?;
        if let Some(k) = &req.agreement
            && !all.iter().any(|d| d.agreement.key().as_str() == k)
        {
            return Err(EngineError::User(format!(
                "--agreement {k:?}: no such agreement (see `truce agreement list`)"
            )));
        }
        let zone_name = match (&req.tz, &req.agreement) {
            (Some(z), _) => z.clone(),
            (None, Some(k)) => all
                .iter()
                .find(|d| d.agreement.key().as_str() == k)
                .map_or("UTC".to_owned(), |d| d.agreement.effective.zone().to_owned()),
            (None, None) => all.first().map_or("UTC".to_owned(), |d| d.agreement.effective.zone().to_owned()),
        };
        let tz = TimeZone::get(&zone_name).map_err(|e| EngineError::User(format!("--tz {zone_name:?}: {e}")))?;
        let time = req.cutoff.unwrap_or(Time::midnight());
        let day = |n: i64| {
            req.date
                .checked_sub(jiff::Span::new().days(n))
                .map_err(|e| EngineError::User(format!("--date {}: {e}", req.date)))
        };
        let cutoff = at(req.date, time, &tz)?;
        let previous = at(day(1)?, time, &tz)?;
        let before_previous = at(day(2)?, time, &tz)?;
        let docs = self.agreement_docs(cutoff).await?;
        let chosen: Vec<_> = docs
            .iter()
            .filter(|d| match &req.agreement {
                Some(k) => d.agreement.key().as_str() == k,
                None => {
                    d.agreement.effective.from() < cutoff && d.agreement.effective.until().is_none_or(|u| u > previous)
                }
            })
            .collect();
        if let Some(k) = &req.agreement
            && chosen.is_empty()
        {
            return Err(EngineError::User(format!("--agreement {k:?}: not yet known at the cut-off {cutoff}")));
        }
        let analysis = self.judge(&JudgeRequest { as_of: Some(cutoff), agreement: None }).await?;
        let infos: Vec<AgreementInfo> = chosen
            .iter()
            .map(|d| {
                let a = &d.agreement;
                AgreementInfo {
                    key: a.key().to_string(),
                    version: a.version(),
                    title: a.title.clone(),
                    effective_from: a.effective.from().to_string(),
                    zone: a.effective.zone().to_owned(),
                    guarantors: a
                        .guarantors
                        .iter()
                        .map(|g| GuarantorInfo {
                            name: registry.get(&g.actor).map_or_else(|| g.actor.to_string(), |x| x.name.clone()),
                            role: match g.role {
                                GuarantorRole::Guarantee => "guarantee".to_owned(),
                                GuarantorRole::Monitor => "monitor".to_owned(),
                            },
                        })
                        .collect(),
                }
            })
            .collect();
        // The hotline's referrals under the chosen agreements; the builder keeps
        // those of the violations it counts.
        let mut lines = Vec::new();
        for d in &chosen {
            for r in self.referrals_under(d.agreement.key().as_str()).await? {
                let changed = [Some(r.created_at), r.acked_at, r.escalated_at].into_iter().flatten().max();
                lines.push(ReferralLine {
                    state: r.state().to_owned(),
                    changed_at: changed.unwrap_or(r.created_at).to_string(),
                    agreement: r.agreement_key,
                    incident_id: r.incident_id,
                    guarantor: r.summary.guarantor_name,
                });
            }
        }
        let referrals = Some(lines);
        // The coordination centre's ledger for the period's days.
        let first = previous.to_zoned_datetime(tz.clone()).date();
        let ledger_line = |e: &truce_store::LedgerRow| {
            let code = e.pcode.as_deref().map(|p| format!(" ({p})")).unwrap_or_default();
            format!("{}{code}, {}: {} — {} [source: {}]", e.place, e.day, e.status, e.detail, e.source)
        };
        let local = self.ledger(truce_store::Ledger::LocalAgreements, first, req.date).await?;
        let aid = self.ledger(truce_store::Ledger::AidDeliveries, first, req.date).await?;
        let local_agreements = Some(local.iter().map(ledger_line).collect());
        let aid_deliveries = Some(aid.iter().map(ledger_line).collect());
        let input = BulletinInput {
            date: req.date.to_string(),
            zone: zone_name,
            cutoff,
            previous,
            before_previous,
            agreements: infos,
            rulings: &analysis.rulings,
            facts: &analysis.facts,
            contradictions: &analysis.contradictions,
            reports: analysis.reports,
            rule_version: RULE_VERSION.to_owned(),
            referrals,
            local_agreements,
            aid_deliveries,
        };
        Ok(truce_tell::bulletin::stamp(truce_tell::bulletin::build(&input)))
    }
}
