//! Export reads: incidents a page at a time by key (so exports stream in
//! constant memory), with the API's filters, and their rulings by key range.
//! SQL in `queries/<backend>/export/`.

use crate::{Store, StoreError};

/// This area's statements, per backend.
#[derive(Debug)]
struct ExportSql {
    incidents_page: &'static str,
    rulings_range: &'static str,
    incident_get: &'static str,
}

macro_rules! export_queries {
    ($dir:literal) => {
        ExportSql {
            incidents_page: include_str!(concat!("queries/", $dir, "/export/incidents_page.sql")),
            rulings_range: include_str!(concat!("queries/", $dir, "/export/rulings_range.sql")),
            incident_get: include_str!(concat!("queries/", $dir, "/export/incident_get.sql")),
        }
    };
}

const SQLITE: ExportSql = export_queries!("sqlite");
const POSTGRES: ExportSql = export_queries!("postgres");

/// Which incidents an export takes (the API's filters). `None` means any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportFilter {
    /// Only incidents with a ruling against this agreement (and rulings of it only).
    pub agreement: Option<String>,
    /// Incidents starting at or after (Unix ms).
    pub from: Option<i64>,
    /// Incidents starting before (Unix ms).
    pub to: Option<i64>,
    /// Governorate name (case-insensitive).
    pub admin1: Option<String>,
    /// Only incidents with a ruling of this verdict.
    pub verdict: Option<String>,
}

/// A stored incident.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExportIncident {
    /// Id.
    pub id: String,
    /// Canonical JSON (an `IncidentRecord`).
    pub body: String,
    /// When it was last recorded (Unix ms).
    pub updated_at: i64,
}

/// A stored ruling.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExportRuling {
    /// The incident.
    pub incident_id: String,
    /// The agreement.
    pub agreement_key: String,
    /// The agreement version.
    pub agreement_version: i64,
    /// The verdict.
    pub verdict: String,
    /// Canonical JSON (a `RulingRecord` without mentions).
    pub body: String,
}

impl Store {
    /// Up to `limit` incidents with ids after `after` (`""` for the first page), in id order.
    pub async fn export_incidents_page(
        &self,
        filter: &ExportFilter,
        after: &str,
        limit: u32,
    ) -> Result<Vec<ExportIncident>, StoreError> {
        on_backend!(self, pool, sql => {
            Ok(sqlx::query_as(sql.incidents_page)
                .bind(after)
                .bind(filter.from)
                .bind(filter.to)
                .bind(filter.admin1.as_deref())
                .bind(filter.agreement.as_deref())
                .bind(filter.verdict.as_deref())
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?)
        })
    }

    /// The rulings of incidents with ids in `first..=last` (of `agreement` only, when given),
    /// by incident then agreement.
    pub async fn export_rulings_range(
        &self,
        first: &str,
        last: &str,
        agreement: Option<&str>,
    ) -> Result<Vec<ExportRuling>, StoreError> {
        on_backend!(self, pool, sql => {
            Ok(sqlx::query_as(sql.rulings_range).bind(first).bind(last).bind(agreement).fetch_all(pool).await?)
        })
    }

    /// One stored incident, if recorded.
    pub async fn export_incident(&self, id: &str) -> Result<Option<ExportIncident>, StoreError> {
        on_backend!(self, pool, sql => {
            Ok(sqlx::query_as(sql.incident_get).bind(id).fetch_optional(pool).await?)
        })
    }
}
