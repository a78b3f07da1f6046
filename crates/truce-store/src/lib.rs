//! Truce's stores: SQLite (the default, a file with WAL) and PostgreSQL, behind one API.
//!
//! `Store` is a closed enum over the two backends with inherent async methods.
//! SQL lives in `queries/<backend>/<area>/<verb>.sql`; migrations are per backend
//! and run when the store opens. Only this crate knows SQL.
//!
//! Reports are append-only and keyed by the SHA-256 of their content. Every state
//! change is appended to the event log in the same transaction, each entry
//! carrying the SHA-256 of the previous one (see [`audit`]).

pub mod audit;
mod error;
mod rows;
mod sql;

use std::str::FromStr;
use std::time::Duration;

use jiff::Timestamp;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use truce_model::{Report, ReportId};

pub use audit::{ChainBreak, ChainReport, NewEvent};
pub use error::StoreError;

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

/// Runs `$body` with `$pool` bound to the backend's pool and `$sql` to its queries.
macro_rules! on_backend {
    ($store:expr, $pool:ident, $sql:ident => $body:expr) => {
        match $store {
            Store::Sqlite($pool) => {
                let $sql = &SQLITE;
                $body
            }
            Store::Postgres($pool) => {
                let $sql = &POSTGRES;
                $body
            }
        }
    };
}

/// Opens a write transaction that holds the event-log lock: `BEGIN IMMEDIATE` on
/// SQLite, an advisory transaction lock on PostgreSQL.
macro_rules! begin_write {
    ($pool:ident, $sql:ident) => {{
        let mut tx = $pool.begin_with($sql.begin_write).await?;
        if !$sql.lock_chain.is_empty() {
            sqlx::query($sql.lock_chain).execute(&mut *tx).await?;
        }
        tx
    }};
}

/// Loads the chain head inside a write transaction.
macro_rules! load_head {
    ($tx:ident, $sql:ident) => {{
        let last: Option<(i64, String)> = sqlx::query_as($sql.last_event).fetch_optional(&mut *$tx).await?;
        audit::ChainHead::from_last(last)
    }};
}

/// Appends `$ev` after `$head` inside the transaction; evaluates to the new sequence number.
macro_rules! append_entry {
    ($tx:ident, $sql:ident, $head:ident, $ev:expr, $now:expr) => {{
        let row = $head.next($ev, $now.as_millisecond());
        sqlx::query($sql.insert_event)
            .bind(row.seq)
            .bind(row.at)
            .bind(&row.kind)
            .bind(&row.entity)
            .bind(&row.payload)
            .bind(&row.prev_hash)
            .bind(&row.hash)
            .execute(&mut *$tx)
            .await?;
        row.seq
    }};
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
            let opts = PgConnectOptions::from_str(url).map_err(|e| StoreError::BadUrl(format!("{url}: {e}")))?;
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
            let mut out = Vec::with_capacity(reports.len());
            for r in reports {
                let row = rows::ReportRow::from_report(r);
                let done = sqlx::query(sql.insert_report)
                    .bind(&row.id)
                    .bind(&row.name)
                    .bind(&row.source)
                    .bind(&row.url)
                    .bind(&row.media_type)
                    .bind(row.received_at)
                    .bind(row.published_at)
                    .bind(row.content.len() as i64)
                    .bind(&row.content)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 1 {
                    let ev = NewEvent::new("report.ingested", row.id.clone(), row.event_payload());
                    append_entry!(tx, sql, head, &ev, now);
                    out.push(Stored::New);
                } else {
                    out.push(Stored::AlreadyKnown);
                }
            }
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
    /// to the latest version. Returns the version and whether it is new.
    pub async fn add_agreement(&self, key: &str, body: &str, now: Timestamp) -> Result<(i64, bool), StoreError> {
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
                .bind(now.as_millisecond())
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
            for i in incidents {
                let old: Option<String> = sqlx::query_scalar(sql.incident_hash).bind(&i.id).fetch_optional(&mut *tx).await?;
                let kind = match old {
                    Some(h) if h == i.hash => continue,
                    Some(_) => { out.incidents_changed += 1; "incident.updated" }
                    None => { out.incidents_new += 1; "incident.recorded" }
                };
                sqlx::query(sql.upsert_incident)
                    .bind(&i.id)
                    .bind(&i.body)
                    .bind(&i.hash)
                    .bind(i.time_from)
                    .bind(now.as_millisecond())
                    .execute(&mut *tx)
                    .await?;
                append_entry!(tx, sql, head, &NewEvent::new(kind, i.id.clone(), i.body.clone()), now);
            }
            for r in rulings {
                let old: Option<String> = sqlx::query_scalar(sql.ruling_hash)
                    .bind(&r.incident_id)
                    .bind(&r.agreement_key)
                    .fetch_optional(&mut *tx)
                    .await?;
                let kind = match old {
                    Some(h) if h == r.hash => continue,
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
