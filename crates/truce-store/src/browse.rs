//! Reading derived state for the server (issue 5): incident pages with filters
//! and keyset cursors, grid clusters for the map, violations per day, report
//! listings, and full-text search (FTS5 on SQLite, tsvector on PostgreSQL).
//! The filter columns (`ix_*`) are generated from the canonical JSON by
//! migration 0012, so recording derived state needs no change.

use crate::sql::{POSTGRES, SQLITE};
use crate::{Backend, Store, StoreError};

#[derive(Debug)]
struct BrowseSql {
    incidents_page: &'static str,
    incidents_page_admin1: &'static str,
    incidents_page_verdict: &'static str,
    incidents_page_admin1_verdict: &'static str,
    incident_get: &'static str,
    cells: &'static str,
    cells_grid: &'static str,
    rulings_for_incident: &'static str,
    rulings_page: &'static str,
    timeline: &'static str,
    reports_list: &'static str,
    report_meta: &'static str,
    search_reports: &'static str,
    search_incidents: &'static str,
    facets: &'static str,
}

macro_rules! browse_queries {
    ($dir:literal) => {
        BrowseSql {
            incidents_page: include_str!(concat!("queries/", $dir, "/browse/incidents_page.sql")),
            incidents_page_admin1: include_str!(concat!("queries/", $dir, "/browse/incidents_page_admin1.sql")),
            incidents_page_verdict: include_str!(concat!("queries/", $dir, "/browse/incidents_page_verdict.sql")),
            incidents_page_admin1_verdict: include_str!(concat!(
                "queries/",
                $dir,
                "/browse/incidents_page_admin1_verdict.sql"
            )),
            incident_get: include_str!(concat!("queries/", $dir, "/browse/incident_get.sql")),
            cells: include_str!(concat!("queries/", $dir, "/browse/cells.sql")),
            cells_grid: include_str!(concat!("queries/", $dir, "/browse/cells_grid.sql")),
            rulings_for_incident: include_str!(concat!("queries/", $dir, "/browse/rulings_for_incident.sql")),
            rulings_page: include_str!(concat!("queries/", $dir, "/browse/rulings_page.sql")),
            timeline: include_str!(concat!("queries/", $dir, "/browse/timeline.sql")),
            reports_list: include_str!(concat!("queries/", $dir, "/browse/reports_list.sql")),
            report_meta: include_str!(concat!("queries/", $dir, "/browse/report_meta.sql")),
            search_reports: include_str!(concat!("queries/", $dir, "/browse/search_reports.sql")),
            search_incidents: include_str!(concat!("queries/", $dir, "/browse/search_incidents.sql")),
            facets: include_str!(concat!("queries/", $dir, "/browse/facets.sql")),
        }
    };
}

const SQLITE_BROWSE: BrowseSql = browse_queries!("sqlite");
const POSTGRES_BROWSE: BrowseSql = browse_queries!("postgres");

/// Filters over recorded incidents; `None` means any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncidentFilter {
    /// Incidents starting at or after (Unix milliseconds).
    pub from: Option<i64>,
    /// Incidents starting before (Unix milliseconds).
    pub to: Option<i64>,
    /// Governorate name (admin1).
    pub admin1: Option<String>,
    /// ACLED event type or sub-event type.
    pub event_type: Option<String>,
    /// Canonical actor name.
    pub actor: Option<String>,
    /// Incident status (reported, corroborated, …).
    pub status: Option<String>,
    /// Headline verdict: the most severe ruling's.
    pub verdict: Option<String>,
}

/// A recorded incident.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IncidentRow {
    /// The id.
    pub id: String,
    /// Canonical JSON (an `IncidentRecord`).
    pub body: String,
    /// Start time (Unix milliseconds).
    pub time_from: i64,
    /// Headline verdict, if judged.
    pub verdict: Option<String>,
}

/// A recorded ruling.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RulingRow {
    /// The incident.
    pub incident_id: String,
    /// The agreement.
    pub agreement_key: String,
    /// The agreement version used.
    pub agreement_version: i64,
    /// The verdict.
    pub verdict: String,
    /// Canonical JSON (a `RulingRecord` without mentions).
    pub body: String,
    /// Last change (Unix milliseconds).
    pub updated_at: i64,
}

/// One grid cell of incidents for the map.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CellRow {
    /// Column index.
    pub gx: i64,
    /// Row index.
    pub gy: i64,
    /// Incidents in the cell.
    pub n: i64,
    /// Of which with a violation.
    pub violation: i64,
    /// … excluded party.
    pub excluded_party: i64,
    /// … undetermined.
    pub undetermined: i64,
    /// … not covered.
    pub not_covered: i64,
    /// Mean longitude.
    pub lon: f64,
    /// Mean latitude.
    pub lat: f64,
    /// One incident id in the cell.
    pub sample: String,
}

/// A report without its content.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportMetaRow {
    /// Arrival order.
    pub seq: i64,
    /// Content hash.
    pub id: String,
    /// File name or item id.
    pub name: String,
    /// Source.
    pub source: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// Media type.
    pub media_type: String,
    /// Received (Unix milliseconds).
    pub received_at: i64,
    /// Published (Unix milliseconds).
    pub published_at: Option<i64>,
    /// Size in bytes.
    pub size: i64,
}

/// A report found by search, with a snippet whose hits are in `[…]`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportHitRow {
    /// The report.
    #[sqlx(flatten)]
    pub report: ReportMetaRow,
    /// Text around the hits.
    pub snippet: String,
}

/// Counts of a facet value.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FacetRow {
    /// `admin1`, `event_type`, `status` or `verdict`.
    pub facet: String,
    /// The value.
    pub value: String,
    /// Incidents with it.
    pub n: i64,
}

/// The finest zoom level kept in the precomputed map grid (migration 0014).
pub const GRID_ZOOMS: u8 = 8;

/// A bounding box: west, south, east, north (degrees).
pub type BBox = [f64; 4];

impl Store {
    fn browse_sql(&self) -> &'static BrowseSql {
        match self.backend() {
            Backend::Sqlite => &SQLITE_BROWSE,
            Backend::Postgres => &POSTGRES_BROWSE,
        }
    }

    /// A page of incidents, newest first, after the keyset `cursor` (time_from, id).
    pub async fn incidents_page(
        &self,
        f: &IncidentFilter,
        cursor: Option<(i64, String)>,
        limit: u32,
    ) -> Result<Vec<IncidentRow>, StoreError> {
        let q = self.browse_sql();
        let (ct, ci) = cursor.map_or((None, None), |(t, i)| (Some(t), Some(i)));
        // The same query with the given equality filters stated plainly, so the
        // planner can use the matching composite index (an `IS NULL OR` filter
        // hides it, and a rare combination then scans the whole table).
        let sql = match (f.admin1.is_some(), f.verdict.is_some()) {
            (true, true) => q.incidents_page_admin1_verdict,
            (true, false) => q.incidents_page_admin1,
            (false, true) => q.incidents_page_verdict,
            (false, false) => q.incidents_page,
        };
        on_backend!(self, pool, _sql => {
            Ok(sqlx::query_as(sql)
                .bind(f.from)
                .bind(f.to)
                .bind(f.admin1.as_deref())
                .bind(f.event_type.as_deref())
                .bind(f.status.as_deref())
                .bind(f.verdict.as_deref())
                .bind(f.actor.as_deref())
                .bind(ct)
                .bind(ci)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?)
        })
    }

    /// One incident.
    pub async fn incident(&self, id: &str) -> Result<Option<IncidentRow>, StoreError> {
        let q = self.browse_sql();
        on_backend!(self, pool, _sql => Ok(sqlx::query_as(q.incident_get).bind(id).fetch_optional(pool).await?))
    }

    /// Incidents inside `bbox` counted per grid cell of `2 / 2^zoom` degrees.
    ///
    /// Up to [`GRID_ZOOMS`], with no filter but the verdict, this reads the
    /// precomputed grid (`map_cells`, kept by triggers), which returns every
    /// cell that meets the box; otherwise it aggregates the matching rows.
    pub async fn incident_cells(&self, f: &IncidentFilter, bbox: BBox, zoom: u8) -> Result<Vec<CellRow>, StoreError> {
        let q = self.browse_sql();
        let cell = 2.0 / f64::from(1u32 << zoom.min(30));
        let only_verdict = f.from.is_none()
            && f.to.is_none()
            && f.admin1.is_none()
            && f.event_type.is_none()
            && f.status.is_none()
            && f.actor.is_none();
        if zoom <= GRID_ZOOMS && only_verdict {
            return on_backend!(self, pool, _sql => {
                Ok(sqlx::query_as(q.cells_grid)
                    .bind(i32::from(zoom))
                    .bind(f.verdict.as_deref())
                    .bind(bbox[0])
                    .bind(bbox[2])
                    .bind(bbox[1])
                    .bind(bbox[3])
                    .bind(cell)
                    .fetch_all(pool)
                    .await?)
            });
        }
        on_backend!(self, pool, _sql => {
            Ok(sqlx::query_as(q.cells)
                .bind(f.from)
                .bind(f.to)
                .bind(f.admin1.as_deref())
                .bind(f.event_type.as_deref())
                .bind(f.status.as_deref())
                .bind(f.verdict.as_deref())
                .bind(f.actor.as_deref())
                .bind(bbox[0])
                .bind(bbox[2])
                .bind(bbox[1])
                .bind(cell)
                .bind(bbox[3])
                .fetch_all(pool)
                .await?)
        })
    }

    /// Every ruling on one incident.
    pub async fn rulings_for_incident(&self, id: &str) -> Result<Vec<RulingRow>, StoreError> {
        let q = self.browse_sql();
        on_backend!(self, pool, _sql => Ok(sqlx::query_as(q.rulings_for_incident).bind(id).fetch_all(pool).await?))
    }

    /// A page of rulings by (incident, agreement), after `cursor`.
    pub async fn rulings_page(
        &self,
        verdict: Option<&str>,
        agreement: Option<&str>,
        cursor: Option<(String, String)>,
        limit: u32,
    ) -> Result<Vec<RulingRow>, StoreError> {
        let q = self.browse_sql();
        let (ci, ca) = cursor.map_or((None, None), |(i, a)| (Some(i), Some(a)));
        on_backend!(self, pool, _sql => {
            Ok(sqlx::query_as(q.rulings_page)
                .bind(verdict)
                .bind(agreement)
                .bind(ci)
                .bind(ca)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?)
        })
    }

    /// Violations per UTC day (days since the epoch) and governorate in `[from, to)`.
    pub async fn violation_days(
        &self,
        agreement: Option<&str>,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, String, i64)>, StoreError> {
        let q = self.browse_sql();
        on_backend!(self, pool, _sql => {
            Ok(sqlx::query_as(q.timeline).bind(agreement).bind(from).bind(to).fetch_all(pool).await?)
        })
    }

    /// Reports without content, newest first, before arrival `before_seq`.
    pub async fn report_list(&self, before_seq: i64, limit: u32) -> Result<Vec<ReportMetaRow>, StoreError> {
        let q = self.browse_sql();
        on_backend!(self, pool, _sql => {
            Ok(sqlx::query_as(q.reports_list).bind(before_seq).bind(i64::from(limit)).fetch_all(pool).await?)
        })
    }

    /// One report's metadata.
    pub async fn report_meta(&self, id: &str) -> Result<Option<ReportMetaRow>, StoreError> {
        let q = self.browse_sql();
        on_backend!(self, pool, _sql => Ok(sqlx::query_as(q.report_meta).bind(id).fetch_optional(pool).await?))
    }

    /// Reports matching the words of `query`, best first.
    pub async fn search_reports(&self, query: &str, limit: u32) -> Result<Vec<ReportHitRow>, StoreError> {
        let q = self.browse_sql();
        let Some(text) = self.fts_query(query) else { return Ok(Vec::new()) };
        on_backend!(self, pool, _sql => {
            Ok(sqlx::query_as(q.search_reports).bind(text).bind(i64::from(limit)).fetch_all(pool).await?)
        })
    }

    /// Incidents whose record (places, actors, evidence) matches the words of `query`.
    pub async fn search_incidents(&self, query: &str, limit: u32) -> Result<Vec<IncidentRow>, StoreError> {
        let q = self.browse_sql();
        let Some(text) = self.fts_query(query) else { return Ok(Vec::new()) };
        on_backend!(self, pool, _sql => {
            Ok(sqlx::query_as(q.search_incidents).bind(text).bind(i64::from(limit)).fetch_all(pool).await?)
        })
    }

    /// Distinct values of the incident filters with their counts.
    pub async fn incident_facets(&self) -> Result<Vec<FacetRow>, StoreError> {
        let q = self.browse_sql();
        on_backend!(self, pool, _sql => Ok(sqlx::query_as(q.facets).fetch_all(pool).await?))
    }

    /// The backend's query text for user words: FTS5 gets each word quoted (so
    /// operators in user input are plain words); PostgreSQL's
    /// `websearch_to_tsquery` is safe on any input. `None` when there are no words.
    fn fts_query(&self, query: &str) -> Option<String> {
        let words: Vec<String> = query
            .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
            .filter(|w| !w.is_empty())
            .take(16)
            .map(|w| w.replace('"', ""))
            .collect();
        if words.is_empty() {
            return None;
        }
        Some(match self.backend() {
            Backend::Sqlite => words.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(" "),
            Backend::Postgres => words.join(" "),
        })
    }
}
