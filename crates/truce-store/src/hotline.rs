//! Hotline referrals (issue 5): one per (incident, agreement, guarantor), so a
//! re-judge never duplicates one. Creating, acknowledging, escalating and
//! replying each append an event in the same transaction as the change.

use jiff::Timestamp;

use crate::sql::{POSTGRES, SQLITE};
use crate::{Backend, NewEvent, Store, StoreError, audit};

#[derive(Debug)]
struct HotlineSql {
    insert: &'static str,
    existing: &'static str,
    get: &'static str,
    list: &'static str,
    ack: &'static str,
    due: &'static str,
    escalate: &'static str,
    message_insert: &'static str,
    messages: &'static str,
    by_agreement: &'static str,
}

macro_rules! hotline_queries {
    ($dir:literal) => {
        HotlineSql {
            insert: include_str!(concat!("queries/", $dir, "/hotline/insert.sql")),
            existing: include_str!(concat!("queries/", $dir, "/hotline/existing.sql")),
            get: include_str!(concat!("queries/", $dir, "/hotline/get.sql")),
            list: include_str!(concat!("queries/", $dir, "/hotline/list.sql")),
            ack: include_str!(concat!("queries/", $dir, "/hotline/ack.sql")),
            due: include_str!(concat!("queries/", $dir, "/hotline/due.sql")),
            escalate: include_str!(concat!("queries/", $dir, "/hotline/escalate.sql")),
            message_insert: include_str!(concat!("queries/", $dir, "/hotline/message_insert.sql")),
            messages: include_str!(concat!("queries/", $dir, "/hotline/messages.sql")),
            by_agreement: include_str!(concat!("queries/", $dir, "/hotline/by_agreement.sql")),
        }
    };
}

const SQLITE_HOTLINE: HotlineSql = hotline_queries!("sqlite");
const POSTGRES_HOTLINE: HotlineSql = hotline_queries!("postgres");

/// A referral to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReferral {
    /// Stable id (derived from incident, agreement and guarantor).
    pub id: String,
    /// The incident.
    pub incident_id: String,
    /// The agreement.
    pub agreement_key: String,
    /// The guarantor's actor key.
    pub guarantor: String,
    /// Canonical JSON for the inbox (verdict, place, time, responsible).
    pub summary: String,
    /// Acknowledgement deadline (Unix milliseconds).
    pub deadline_at: i64,
}

/// A stored referral.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReferralRow {
    /// Stable id.
    pub id: String,
    /// The incident.
    pub incident_id: String,
    /// The agreement.
    pub agreement_key: String,
    /// The guarantor's actor key.
    pub guarantor: String,
    /// Canonical JSON summary.
    pub summary: String,
    /// Created (Unix milliseconds).
    pub created_at: i64,
    /// Acknowledgement deadline.
    pub deadline_at: i64,
    /// When acknowledged.
    pub acked_at: Option<i64>,
    /// Who acknowledged.
    pub acked_by: Option<String>,
    /// When escalated for missing the deadline.
    pub escalated_at: Option<i64>,
}

/// One message of a case's reply thread.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MessageRow {
    /// Order in the store.
    pub seq: i64,
    /// The incident.
    pub incident_id: String,
    /// The agreement.
    pub agreement_key: String,
    /// The author's user name.
    pub author: String,
    /// The author's role.
    pub author_role: String,
    /// The text.
    pub body: String,
    /// When (Unix milliseconds).
    pub at: i64,
}

impl Store {
    fn hotline_sql(&self) -> &'static HotlineSql {
        match self.backend() {
            Backend::Sqlite => &SQLITE_HOTLINE,
            Backend::Postgres => &POSTGRES_HOTLINE,
        }
    }

    /// Records referrals in one transaction; those already recorded are left
    /// alone. Returns the ones created now, each logged as `referral.created`.
    pub async fn create_referrals(&self, refs: &[NewReferral], now: Timestamp) -> Result<Vec<ReferralRow>, StoreError> {
        if refs.is_empty() {
            return Ok(Vec::new());
        }
        let q = self.hotline_sql();
        on_backend!(self, pool, sql => {
            let mut tx = begin_write!(pool, sql);
            let mut head = load_head!(tx, sql);
            let mut out = Vec::new();
            // Every refresh proposes every violation's referrals again; look up
            // which exist a batch at a time rather than trying each insert.
            let mut existing = std::collections::HashSet::new();
            for batch in refs.chunks(2_000) {
                let ids = crate::derived::json_ids(batch.iter().map(|r| r.id.as_str()))?;
                let rows: Vec<String> = sqlx::query_scalar(q.existing).bind(ids).fetch_all(&mut *tx).await?;
                existing.extend(rows);
            }
            for r in refs.iter().filter(|r| !existing.contains(&r.id)) {
                let done = sqlx::query(q.insert)
                    .bind(&r.id)
                    .bind(&r.incident_id)
                    .bind(&r.agreement_key)
                    .bind(&r.guarantor)
                    .bind(&r.summary)
                    .bind(now.as_millisecond())
                    .bind(r.deadline_at)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 1 {
                    let payload = serde_json::json!({
                        "incident": r.incident_id, "agreement": r.agreement_key, "guarantor": r.guarantor,
                        "deadline_at": r.deadline_at,
                    }).to_string();
                    append_entry!(tx, sql, head, &NewEvent::new("referral.created", r.id.clone(), payload), now);
                    out.push(ReferralRow {
                        id: r.id.clone(),
                        incident_id: r.incident_id.clone(),
                        agreement_key: r.agreement_key.clone(),
                        guarantor: r.guarantor.clone(),
                        summary: r.summary.clone(),
                        created_at: now.as_millisecond(),
                        deadline_at: r.deadline_at,
                        acked_at: None,
                        acked_by: None,
                        escalated_at: None,
                    });
                }
            }
            tx.commit().await?;
            Ok(out)
        })
    }

    /// One referral.
    pub async fn referral(&self, id: &str) -> Result<Option<ReferralRow>, StoreError> {
        let q = self.hotline_sql();
        on_backend!(self, pool, _sql => Ok(sqlx::query_as(q.get).bind(id).fetch_optional(pool).await?))
    }

    /// Referrals, newest first; only one guarantor's when given.
    pub async fn referrals(&self, guarantor: Option<&str>, limit: u32) -> Result<Vec<ReferralRow>, StoreError> {
        let q = self.hotline_sql();
        on_backend!(self, pool, _sql => {
            Ok(sqlx::query_as(q.list).bind(guarantor).bind(i64::from(limit)).fetch_all(pool).await?)
        })
    }

    /// Every referral under one agreement, by incident and guarantor (for bulletins).
    pub async fn referrals_for_agreement(&self, agreement_key: &str) -> Result<Vec<ReferralRow>, StoreError> {
        let q = self.hotline_sql();
        on_backend!(self, pool, _sql => {
            Ok(sqlx::query_as(q.by_agreement).bind(agreement_key).fetch_all(pool).await?)
        })
    }

    /// Acknowledges a referral once; returns it, or `None` if it was already acknowledged.
    pub async fn acknowledge_referral(
        &self,
        id: &str,
        by: &str,
        now: Timestamp,
    ) -> Result<Option<ReferralRow>, StoreError> {
        let q = self.hotline_sql();
        on_backend!(self, pool, sql => {
            let mut tx = begin_write!(pool, sql);
            let done = sqlx::query(q.ack).bind(id).bind(now.as_millisecond()).bind(by).execute(&mut *tx).await?;
            if done.rows_affected() != 1 {
                return Ok(None);
            }
            let mut head = load_head!(tx, sql);
            let payload = serde_json::json!({ "by": by }).to_string();
            append_entry!(tx, sql, head, &NewEvent::new("referral.acknowledged", id, payload), now);
            let row: Option<ReferralRow> = sqlx::query_as(q.get).bind(id).fetch_optional(&mut *tx).await?;
            tx.commit().await?;
            Ok(row)
        })
    }

    /// Marks every referral whose deadline passed unacknowledged as escalated
    /// (`referral.escalated`) and returns them.
    pub async fn escalate_due(&self, now: Timestamp) -> Result<Vec<ReferralRow>, StoreError> {
        let q = self.hotline_sql();
        on_backend!(self, pool, sql => {
            let due: Vec<ReferralRow> = sqlx::query_as(q.due).bind(now.as_millisecond()).fetch_all(pool).await?;
            if due.is_empty() {
                return Ok(due);
            }
            let mut tx = begin_write!(pool, sql);
            let mut head = load_head!(tx, sql);
            let mut out = Vec::new();
            for mut r in due {
                let done = sqlx::query(q.escalate).bind(&r.id).bind(now.as_millisecond()).execute(&mut *tx).await?;
                if done.rows_affected() == 1 {
                    let payload = serde_json::json!({ "deadline_at": r.deadline_at }).to_string();
                    append_entry!(tx, sql, head, &NewEvent::new("referral.escalated", r.id.clone(), payload), now);
                    r.escalated_at = Some(now.as_millisecond());
                    out.push(r);
                }
            }
            tx.commit().await?;
            Ok(out)
        })
    }

    /// Adds a message to a case's thread (`referral.replied`); returns it.
    pub async fn add_referral_message(
        &self,
        incident_id: &str,
        agreement_key: &str,
        author: &str,
        author_role: &str,
        body: &str,
        now: Timestamp,
    ) -> Result<MessageRow, StoreError> {
        let q = self.hotline_sql();
        on_backend!(self, pool, sql => {
            let mut tx = begin_write!(pool, sql);
            sqlx::query(q.message_insert)
                .bind(incident_id)
                .bind(agreement_key)
                .bind(author)
                .bind(author_role)
                .bind(body)
                .bind(now.as_millisecond())
                .execute(&mut *tx)
                .await?;
            let mut head = load_head!(tx, sql);
            let entity = format!("{incident_id}@{agreement_key}");
            let payload = serde_json::json!({ "author": author, "role": author_role, "body": body }).to_string();
            append_entry!(tx, sql, head, &NewEvent::new("referral.replied", entity, payload), now);
            let rows: Vec<MessageRow> =
                sqlx::query_as(q.messages).bind(incident_id).bind(agreement_key).fetch_all(&mut *tx).await?;
            tx.commit().await?;
            rows.into_iter().last().ok_or_else(|| StoreError::Internal("message vanished".into()))
        })
    }

    /// A case's thread, oldest first.
    pub async fn referral_messages(
        &self,
        incident_id: &str,
        agreement_key: &str,
    ) -> Result<Vec<MessageRow>, StoreError> {
        let q = self.hotline_sql();
        on_backend!(self, pool, _sql => {
            Ok(sqlx::query_as(q.messages).bind(incident_id).bind(agreement_key).fetch_all(pool).await?)
        })
    }
}
