//! The hotline (design §2 Referral, issue 5): each `violation` ruling is
//! referred to every guarantor it names, with an acknowledgement deadline from
//! the agreement (`ack_minutes`, default 30). Referrals are keyed on (incident,
//! agreement, guarantor), so judging again never refers twice. Replies form one
//! thread per case (incident, agreement), shared by the guarantors referred for
//! it: the Russia–Turkey hotline. Every change is in the hash-chained log.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use truce_store::{MessageRow, NewReferral, ReferralRow};
use truce_tell::records::RulingRecord;

use crate::{Analysis, Engine, EngineError, JudgeRequest};

/// The acknowledgement window when an agreement sets none.
pub const DEFAULT_ACK_MINUTES: u32 = 30;

/// What a guarantor's inbox shows of a referral (stored as canonical JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferralSummary {
    /// Always `violation` today.
    pub verdict: String,
    /// ACLED sub-event type.
    pub sub_event_type: String,
    /// `[from, to]`, RFC 3339 UTC.
    pub time_utc: [String; 2],
    /// Governorate.
    pub admin1: Option<String>,
    /// Location name.
    pub location: Option<String>,
    /// Responsible actor names.
    pub responsible: Vec<String>,
    /// Every guarantor the ruling names.
    pub guarantors: Vec<String>,
    /// The guarantor this referral goes to, by name.
    pub guarantor_name: String,
    /// Confidence 0–1.
    pub confidence: f64,
    /// The first evidence sentence.
    pub evidence: Option<String>,
}

/// A referral.
#[derive(Debug, Clone, PartialEq)]
pub struct Referral {
    /// Stable id.
    pub id: String,
    /// The incident.
    pub incident_id: String,
    /// The agreement.
    pub agreement_key: String,
    /// The guarantor's actor key.
    pub guarantor: String,
    /// What the inbox shows.
    pub summary: ReferralSummary,
    /// Created.
    pub created_at: Timestamp,
    /// Acknowledge by.
    pub deadline_at: Timestamp,
    /// Acknowledged at.
    pub acked_at: Option<Timestamp>,
    /// Acknowledged by (user name).
    pub acked_by: Option<String>,
    /// Escalated at (deadline missed).
    pub escalated_at: Option<Timestamp>,
}

impl Referral {
    /// `open`, `acknowledged` or `escalated`.
    pub fn state(&self) -> &'static str {
        if self.acked_at.is_some() {
            "acknowledged"
        } else if self.escalated_at.is_some() {
            "escalated"
        } else {
            "open"
        }
    }
}

/// One message of a case's thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Order.
    pub seq: i64,
    /// The author's user name.
    pub author: String,
    /// The author's role.
    pub author_role: String,
    /// The text.
    pub body: String,
    /// When.
    pub at: Timestamp,
}

fn ts(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn referral(row: ReferralRow) -> Result<Referral, EngineError> {
    let summary: ReferralSummary = serde_json::from_str(&row.summary)
        .map_err(|e| EngineError::Internal(format!("stored referral {}: {e}", row.id)))?;
    Ok(Referral {
        id: row.id,
        incident_id: row.incident_id,
        agreement_key: row.agreement_key,
        guarantor: row.guarantor,
        summary,
        created_at: ts(row.created_at),
        deadline_at: ts(row.deadline_at),
        acked_at: row.acked_at.map(ts),
        acked_by: row.acked_by,
        escalated_at: row.escalated_at.map(ts),
    })
}

fn message(m: MessageRow) -> Message {
    Message { seq: m.seq, author: m.author, author_role: m.author_role, body: m.body, at: ts(m.at) }
}

/// The stable id of the referral of one case to one guarantor.
pub fn referral_id(incident: &str, agreement: &str, guarantor: &str) -> String {
    let h = Sha256::digest(format!("{incident}\n{agreement}\n{guarantor}").as_bytes());
    hex::encode(&h[..10])
}

impl Engine {
    /// Runs a live judge (recording changes) and refers its violations.
    pub async fn judge_and_refer(&self) -> Result<(Analysis, Vec<Referral>), EngineError> {
        let analysis = self.judge(&JudgeRequest::default()).await?;
        let t = std::time::Instant::now();
        let created = self.refer(&analysis.rulings).await?;
        tracing::debug!(created = created.len(), refer_ms = t.elapsed().as_millis(), "referred");
        Ok((analysis, created))
    }

    /// Refers each `violation` ruling to every guarantor it names; returns the
    /// referrals created now (none for cases already referred).
    pub async fn refer(&self, rulings: &[RulingRecord]) -> Result<Vec<Referral>, EngineError> {
        let now = Engine::now();
        let registry = crate::pipeline::registry()?;
        let docs = self.agreement_docs(now).await?;
        // agreement key -> (guarantor name -> key, ack minutes)
        let mut by_agreement: HashMap<&str, (HashMap<String, String>, u32)> = HashMap::new();
        for d in &docs {
            let a = &d.agreement;
            let names = a
                .guarantors
                .iter()
                .map(|g| {
                    let name = registry.get(&g.actor).map_or_else(|| g.actor.to_string(), |x| x.name.clone());
                    (name, g.actor.to_string())
                })
                .collect();
            let ack = if a.ack_minutes == 0 { DEFAULT_ACK_MINUTES } else { a.ack_minutes };
            by_agreement.insert(a.key().as_str(), (names, ack));
        }
        let mut new = Vec::new();
        for r in rulings.iter().filter(|r| r.verdict == "violation") {
            let Some((names, ack)) = by_agreement.get(r.agreement.key.as_str()) else { continue };
            let deadline = now
                .checked_add(SignedDuration::from_mins(i64::from(*ack)))
                .map_err(|e| EngineError::Internal(e.to_string()))?;
            for gname in &r.guarantors {
                let Some(gkey) = names.get(gname) else { continue };
                let i = &r.incident;
                let summary = ReferralSummary {
                    verdict: r.verdict.clone(),
                    sub_event_type: i.sub_event_type.clone(),
                    time_utc: i.time_utc.clone(),
                    admin1: i.admin1.clone(),
                    location: i.location.clone(),
                    responsible: r.responsible.clone(),
                    guarantors: r.guarantors.clone(),
                    guarantor_name: gname.clone(),
                    confidence: r.confidence,
                    evidence: i.mentions.first().map(|m| m.text.clone()),
                };
                new.push(NewReferral {
                    id: referral_id(&i.id, &r.agreement.key, gkey),
                    incident_id: i.id.clone(),
                    agreement_key: r.agreement.key.clone(),
                    guarantor: gkey.clone(),
                    summary: serde_json::to_string(&summary).map_err(|e| EngineError::Internal(e.to_string()))?,
                    deadline_at: deadline.as_millisecond(),
                });
            }
        }
        self.store.create_referrals(&new, now).await?.into_iter().map(referral).collect()
    }

    /// Referrals, newest first; only one guarantor's (actor key) when given.
    pub async fn referrals(&self, guarantor: Option<&str>, limit: u32) -> Result<Vec<Referral>, EngineError> {
        self.store.referrals(guarantor, limit).await?.into_iter().map(referral).collect()
    }

    /// Every referral under one agreement, by incident and guarantor.
    pub async fn referrals_under(&self, agreement: &str) -> Result<Vec<Referral>, EngineError> {
        self.store.referrals_for_agreement(agreement).await?.into_iter().map(referral).collect()
    }

    /// One referral.
    pub async fn referral(&self, id: &str) -> Result<Option<Referral>, EngineError> {
        self.store.referral(id).await?.map(referral).transpose()
    }

    /// Acknowledges a referral; `None` if it was already acknowledged.
    pub async fn acknowledge(&self, id: &str, by: &str) -> Result<Option<Referral>, EngineError> {
        self.store.acknowledge_referral(id, by, Engine::now()).await?.map(referral).transpose()
    }

    /// Escalates every referral past its deadline without acknowledgement.
    pub async fn escalate_due(&self) -> Result<Vec<Referral>, EngineError> {
        self.escalate_due_at(Engine::now()).await
    }

    /// [`Engine::escalate_due`] as of `now` (tests pass a later time).
    pub async fn escalate_due_at(&self, now: Timestamp) -> Result<Vec<Referral>, EngineError> {
        self.store.escalate_due(now).await?.into_iter().map(referral).collect()
    }

    /// Adds a reply to a case's thread.
    pub async fn reply(
        &self,
        incident: &str,
        agreement: &str,
        author: &str,
        author_role: &str,
        body: &str,
    ) -> Result<Message, EngineError> {
        let body = body.trim();
        if body.is_empty() || body.len() > 4000 {
            return Err(EngineError::User("a reply needs 1–4000 bytes of text".into()));
        }
        let m = self.store.add_referral_message(incident, agreement, author, author_role, body, Engine::now()).await?;
        Ok(message(m))
    }

    /// A case's thread, oldest first.
    pub async fn thread(&self, incident: &str, agreement: &str) -> Result<Vec<Message>, EngineError> {
        Ok(self.store.referral_messages(incident, agreement).await?.into_iter().map(message).collect())
    }
}
