//! Versioned agreements and derived state (incidents, rulings), each change
//! appended to the event log in the same transaction.

use std::collections::HashMap;

use jiff::Timestamp;

use crate::sql::{POSTGRES, SQLITE};
use crate::{NewEvent, Store, StoreError, audit};

/// Ids per hash lookup in [`Store::record_derived`].
const HASH_BATCH: usize = 2_000;

/// Ids as a JSON array, the form the batched lookups take.
pub(crate) fn json_ids<'a>(ids: impl Iterator<Item = &'a str>) -> Result<String, StoreError> {
    serde_json::to_string(&ids.collect::<Vec<_>>()).map_err(|e| StoreError::Internal(format!("encoding ids: {e}")))
}

/// A stored agreement version.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AgreementRow {
    /// The agreement key.
    pub key: String,
    /// Its version, from 1.
    pub version: i64,
    /// The agreement file as given (TOML).
    pub body: String,
    /// When this version was recorded (Unix milliseconds).
    pub created_at: i64,
}

/// A derived incident to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedIncident {
    /// The incident id.
    pub id: String,
    /// Canonical JSON.
    pub body: String,
    /// SHA-256 of the body; a change of hash is a state change.
    pub hash: String,
    /// Start of the incident's time (Unix milliseconds), for ordering.
    pub time_from: i64,
    /// Export fields encoded from the body by the engine, kept beside it so
    /// an export need not parse the body; `None` exports from the body.
    pub export: Option<ExportParts>,
}

/// An incident's export fields, encoded by the engine (opaque to the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportParts {
    /// The encoding's version; an export uses the parts only at its own version.
    pub version: i64,
    /// What comes before the ruling's fields.
    pub head: String,
    /// What comes after them.
    pub tail: String,
}

/// A derived ruling to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedRuling {
    /// The incident.
    pub incident_id: String,
    /// The agreement.
    pub agreement_key: String,
    /// The agreement version used.
    pub agreement_version: i64,
    /// The verdict name.
    pub verdict: String,
    /// Canonical JSON.
    pub body: String,
    /// SHA-256 of the body.
    pub hash: String,
    /// The guarantors the ruling names, joined with `; ` (for exports);
    /// `None` exports read them from the body.
    pub guarantors: Option<String>,
    /// The ruling's ACLED CSV fields as a row holds them,
    /// `,verdict,agreement,guarantors,` (`truce_tell::acled::ruling_segment`);
    /// `None` exports write the row from the other columns.
    pub segment: Option<String>,
}

/// What [`Store::record_derived`] changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recorded {
    /// Incidents seen for the first time.
    pub incidents_new: usize,
    /// Incidents whose content changed.
    pub incidents_changed: usize,
    /// Rulings made for the first time.
    pub rulings_new: usize,
    /// Rulings whose content (verdict, version, trace) changed.
    pub rulings_changed: usize,
}

impl Store {
    /// Records an agreement file as a new version of `key`, unless it is identical
    /// to the latest version. The version counts as known from `known_from` for
    /// as-of queries (shipped reference agreements are known from the start).
    /// Returns the version and whether it is new.
    pub async fn add_agreement(
        &self,
        key: &str,
        body: &str,
        known_from: Timestamp,
        now: Timestamp,
    ) -> Result<(i64, bool), StoreError> {
        on_backend!(self, pool, sql => {
            let mut tx = begin_write!(pool, sql);
            let latest: Option<(i64, String)> =
                sqlx::query_as(sql.agreement_latest_version).bind(key).fetch_optional(&mut *tx).await?;
            if let Some((v, b)) = &latest
                && b == body
            {
                return Ok((*v, false));
            }
            let version = latest.map_or(1, |(v, _)| v + 1);
            sqlx::query(sql.agreement_insert)
                .bind(key)
                .bind(version)
                .bind(body)
                .bind(known_from.as_millisecond())
                .execute(&mut *tx)
                .await?;
            let mut head = load_head!(tx, sql);
            let payload = serde_json::json!({ "key": key, "version": version, "sha256": audit::sha256_hex(body) }).to_string();
            append_entry!(tx, sql, head, &NewEvent::new("agreement.versioned", key, payload), now);
            tx.commit().await?;
            Ok((version, true))
        })
    }

    /// The latest version of every agreement recorded at or before `as_of`.
    pub async fn agreements_as_of(&self, as_of: Timestamp) -> Result<Vec<AgreementRow>, StoreError> {
        on_backend!(self, pool, sql => {
            Ok(sqlx::query_as(sql.agreements_as_of).bind(as_of.as_millisecond()).fetch_all(pool).await?)
        })
    }

    /// Every version of one agreement, oldest first.
    pub async fn agreement_versions(&self, key: &str) -> Result<Vec<AgreementRow>, StoreError> {
        on_backend!(self, pool, sql => {
            Ok(sqlx::query_as(sql.agreement_versions).bind(key).fetch_all(pool).await?)
        })
    }

    /// Records derived incidents and rulings in one transaction. Only changes are
    /// written, and each change appends an event (`incident.recorded`,
    /// `incident.updated`, `ruling.recorded`, `ruling.changed`).
    pub async fn record_derived(
        &self,
        incidents: &[DerivedIncident],
        rulings: &[DerivedRuling],
        now: Timestamp,
    ) -> Result<Recorded, StoreError> {
        on_backend!(self, pool, sql => {
            let mut tx = begin_write!(pool, sql);
            let mut head = load_head!(tx, sql);
            let mut out = Recorded::default();
            // The recorded hashes, looked up a batch at a time (one query per
            // batch, not one per row: a live server re-records its whole picture
            // after every upload, and a row-by-row lookup made that write
            // transaction grow with the store).
            let mut incident_hash: HashMap<String, String> = HashMap::new();
            for ids in incidents.chunks(HASH_BATCH) {
                let ids = json_ids(ids.iter().map(|i| i.id.as_str()))?;
                let rows: Vec<(String, String)> = sqlx::query_as(sql.incident_hashes).bind(ids).fetch_all(&mut *tx).await?;
                incident_hash.extend(rows);
            }
            let mut ruling_hash: HashMap<(String, String), String> = HashMap::new();
            let mut ruled: Vec<&str> = rulings.iter().map(|r| r.incident_id.as_str()).collect();
            ruled.sort_unstable();
            ruled.dedup();
            for ids in ruled.chunks(HASH_BATCH) {
                let ids = json_ids(ids.iter().copied())?;
                let rows: Vec<(String, String, String)> = sqlx::query_as(sql.ruling_hashes).bind(ids).fetch_all(&mut *tx).await?;
                ruling_hash.extend(rows.into_iter().map(|(i, a, h)| ((i, a), h)));
            }
            for i in incidents {
                let kind = match incident_hash.get(&i.id) {
                    Some(h) if *h == i.hash => continue,
                    Some(_) => { out.incidents_changed += 1; "incident.updated" }
                    None => { out.incidents_new += 1; "incident.recorded" }
                };
                sqlx::query(sql.upsert_incident)
                    .bind(&i.id)
                    .bind(&i.body)
                    .bind(&i.hash)
                    .bind(i.time_from)
                    .bind(now.as_millisecond())
                    .bind(i.export.as_ref().map(|e| e.version))
                    .bind(i.export.as_ref().map(|e| e.head.as_str()))
                    .bind(i.export.as_ref().map(|e| e.tail.as_str()))
                    .execute(&mut *tx)
                    .await?;
                append_entry!(tx, sql, head, &NewEvent::new(kind, i.id.clone(), i.body.clone()), now);
            }
            for r in rulings {
                let kind = match ruling_hash.get(&(r.incident_id.clone(), r.agreement_key.clone())) {
                    Some(h) if *h == r.hash => continue,
                    Some(_) => { out.rulings_changed += 1; "ruling.changed" }
                    None => { out.rulings_new += 1; "ruling.recorded" }
                };
                sqlx::query(sql.upsert_ruling)
                    .bind(&r.incident_id)
                    .bind(&r.agreement_key)
                    .bind(r.agreement_version)
                    .bind(&r.verdict)
                    .bind(&r.body)
                    .bind(&r.hash)
                    .bind(now.as_millisecond())
                    .bind(r.guarantors.as_deref())
                    .bind(r.segment.as_deref())
                    .execute(&mut *tx)
                    .await?;
                let entity = format!("{}@{}", r.incident_id, r.agreement_key);
                append_entry!(tx, sql, head, &NewEvent::new(kind, entity, r.body.clone()), now);
            }
            tx.commit().await?;
            Ok(out)
        })
    }

    /// How many incidents and rulings are recorded.
    pub async fn derived_counts(&self) -> Result<(u64, u64), StoreError> {
        on_backend!(self, pool, sql => {
            let (i, r): (i64, i64) = sqlx::query_as(sql.derived_count).fetch_one(pool).await?;
            Ok((i as u64, r as u64))
        })
    }
}
