//! Truce's stores: SQLite (the default, a file with WAL) and PostgreSQL, behind one API.
//!
//! `Store` is a closed enum over the two backends with inherent async methods.
//! SQL lives in `queries/<backend>/<area>/<verb>.sql`; migrations are per backend
//! and run when the store opens. Only this crate knows SQL.
//!
//! Reports are append-only and keyed by the SHA-256 of their content. Every state
//! change is appended to the event log in the same transaction, each entry
//! carrying the SHA-256 of the previous one (see [`audit`]).

#[macro_use]
mod macros;
mod access;
pub mod audit;
mod browse;
mod derived;
mod error;
mod export;
mod hotline;
mod jobs;
mod ledger;
mod rows;
mod sql;

use std::str::FromStr;
use std::time::Duration;

use jiff::Timestamp;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use truce_model::{Report, ReportId};

pub use audit::{ChainBreak, ChainReport, NewEvent};
pub use derived::{AgreementRow, DerivedIncident, DerivedRuling, ExportParts, Recorded};
pub use error::StoreError;
pub use ledger::{Ledger, LedgerRow};

use sql::{POSTGRES, SQLITE};

/// Which backend a store uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Backend {
    /// The backend's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// What happened to one report handed to [`Store::insert_reports`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// Stored now.
    New,
    /// The same content was already stored.
    AlreadyKnown,
}

/// A store: open it with a URL, `sqlite://PATH` or `postgres://…`.
#[derive(Debug, Clone)]
pub enum Store {
    /// SQLite.
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

impl Store {
    /// Opens (creating if needed) the store at `url` and runs its migrations.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            if path.is_empty() {
                return Err(StoreError::BadUrl(format!("{url}: no file path after sqlite://")));
            }
            let opts = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))
                .map_err(|e| StoreError::BadUrl(format!("{url}: {e}")))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30));
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(opts)
                .await
                .map_err(|e| StoreError::Unavailable(format!("cannot open {path}: {e}")))?;
            sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
            Ok(Store::Sqlite(pool))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // JIT off: our statements are short keyset pages, and on a table
            // without statistics yet (just after a bulk load) the planner's
            // estimates pass the JIT thresholds, so compiling each 4,000-row
            // export page took 206 ms for a query that runs in 10 ms.
            let opts = PgConnectOptions::from_str(url)
                .map_err(|e| StoreError::BadUrl(format!("{url}: {e}")))?
                .options([("jit", "off")]);
            let pool = PgPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await
                .map_err(|e| StoreError::Unavailable(format!("cannot connect to {}: {e}", redact(url))))?;
            sqlx::migrate!("./migrations/postgres").run(&pool).await?;
            Ok(Store::Postgres(pool))
        } else {
            Err(StoreError::BadUrl(format!("{url}: expected sqlite://PATH or postgres://…")))
        }
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        match self {
            Store::Sqlite(_) => Backend::Sqlite,
            Store::Postgres(_) => Backend::Postgres,
        }
    }

    /// Closes the pool, waiting for connections to finish.
    pub async fn close(&self) {
        on_backend!(self, pool, _sql => pool.close().await)
    }

    /// Stores reports in one transaction. A report whose content is already stored
    /// is left as it is. Each new report appends a `report.ingested` event.
    #[tracing::instrument(skip_all, fields(n = reports.len(), backend = self.backend().as_str()))]
    pub async fn insert_reports(&self, reports: &[Report], now: Timestamp) -> Result<Vec<Stored>, StoreError> {
        on_backend!(self, pool, sql => {
            let mut tx = begin_write!(pool, sql);
            let mut head = load_head!(tx, sql);
            let out = insert_reports_in!(tx, sql, head, reports, now);
            tx.commit().await?;
            Ok(out)
        })
    }

    /// Appends one event to the log in its own transaction and returns its sequence number.
    pub async fn append_event(&self, ev: &NewEvent, now: Timestamp) -> Result<i64, StoreError> {
        on_backend!(self, pool, sql => {
            let mut tx = begin_write!(pool, sql);
            let mut head = load_head!(tx, sql);
            let seq = append_entry!(tx, sql, head, ev, now);
            tx.commit().await?;
            Ok(seq)
        })
    }

    /// How many reports are stored.
    pub async fn report_count(&self) -> Result<u64, StoreError> {
        on_backend!(self, pool, sql => {
            let n: i64 = sqlx::query_scalar(sql.count_reports).fetch_one(pool).await?;
            Ok(n as u64)
        })
    }

    /// One report by id.
    pub async fn report(&self, id: &ReportId) -> Result<Report, StoreError> {
        on_backend!(self, pool, sql => {
            let row: Option<rows::ReportRow> = sqlx::query_as(sql.get_report).bind(id.as_str()).fetch_optional(pool).await?;
            row.ok_or_else(|| StoreError::NotFound { entity: "report", id: id.to_string() })?.into_report()
        })
    }

    /// Reports received at or before `as_of`, in arrival order, a page at a time:
    /// pass the `cursor` returned by the previous page (0 for the first).
    pub async fn reports_page(
        &self,
        as_of: Timestamp,
        cursor: i64,
        limit: u32,
    ) -> Result<(Vec<Report>, i64), StoreError> {
        on_backend!(self, pool, sql => {
            let rows: Vec<rows::ReportPageRow> = sqlx::query_as(sql.list_reports)
                .bind(as_of.as_millisecond())
                .bind(cursor)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?;
            let next = rows.last().map_or(cursor, |r| r.seq);
            let reports = rows.into_iter().map(|r| r.row.into_report()).collect::<Result<Vec<_>, _>>()?;
            Ok((reports, next))
        })
    }

    /// Walks the whole event log and recomputes every hash; names the first broken entry.
    pub async fn verify_chain(&self) -> Result<ChainReport, StoreError> {
        on_backend!(self, pool, sql => {
            let mut verifier = audit::Verifier::new();
            let mut cursor = 0i64;
            loop {
                let rows: Vec<audit::EventRow> = sqlx::query_as(sql.page_events).bind(cursor).bind(5_000i64).fetch_all(pool).await?;
                let Some(last) = rows.last() else { break };
                cursor = last.seq;
                for e in &rows {
                    if let Some(b) = verifier.check(e) {
                        return Ok(ChainReport { entries: verifier.entries, first_break: Some(b) });
                    }
                }
            }
            Ok(ChainReport { entries: verifier.entries, first_break: None })
        })
    }
}

/// Creates database `name` on the PostgreSQL server at `admin_url` and returns its URL.
/// Used for scratch databases (benchmarks); `name` must be a lowercase identifier.
pub async fn create_pg_database(admin_url: &str, name: &str) -> Result<String, StoreError> {
    use sqlx::{Connection, Executor};
    check_ident(name)?;
    let mut conn = sqlx::PgConnection::connect(admin_url)
        .await
        .map_err(|e| StoreError::Unavailable(format!("cannot connect to {}: {e}", redact(admin_url))))?;
    // Identifiers cannot be bound as parameters; `name` was checked above.
    conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).await?;
    let base = admin_url.rsplit_once('/').map_or(admin_url, |(b, _)| b);
    Ok(format!("{base}/{name}"))
}

/// Drops database `name` on the PostgreSQL server at `admin_url`.
pub async fn drop_pg_database(admin_url: &str, name: &str) -> Result<(), StoreError> {
    use sqlx::{Connection, Executor};
    check_ident(name)?;
    let mut conn = sqlx::PgConnection::connect(admin_url)
        .await
        .map_err(|e| StoreError::Unavailable(format!("cannot connect to {}: {e}", redact(admin_url))))?;
    conn.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).await?;
    Ok(())
}

fn check_ident(name: &str) -> Result<(), StoreError> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok { Ok(()) } else { Err(StoreError::BadUrl(format!("{name:?} is not a valid database name"))) }
}

/// Hides a password in a connection URL.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}
pub use access::UserRow;
pub use browse::{BBox, CellRow, FacetRow, IncidentFilter, IncidentRow, ReportHitRow, ReportMetaRow, RulingRow};
pub use export::{ExportCsvChunk, ExportCsvIncident, ExportCsvRuling, ExportFilter, ExportIncident, ExportRuling};
pub use hotline::{MessageRow, NewReferral, ReferralRow};
pub use jobs::{JobCount, JobRow, JobState, NewJob};
