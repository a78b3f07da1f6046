//! The SQL text of each backend, loaded from `queries/<backend>/` at compile time.

/// One backend's statements.
#[derive(Debug)]
pub(crate) struct Sql {
    pub begin_write: &'static str,
    pub lock_chain: &'static str,
    pub insert_report: &'static str,
    pub count_reports: &'static str,
    pub get_report: &'static str,
    pub list_reports: &'static str,
    pub last_event: &'static str,
    pub insert_event: &'static str,
    pub page_events: &'static str,
    pub agreement_latest_version: &'static str,
    pub agreement_insert: &'static str,
    pub agreements_as_of: &'static str,
    pub agreement_versions: &'static str,
    pub incident_hashes: &'static str,
    pub upsert_incident: &'static str,
    pub ruling_hashes: &'static str,
    pub upsert_ruling: &'static str,
    pub derived_count: &'static str,
}

macro_rules! queries {
    ($dir:literal, $begin:literal, $lock:literal) => {
        Sql {
            begin_write: $begin,
            lock_chain: $lock,
            insert_report: include_str!(concat!("queries/", $dir, "/reports/insert.sql")),
            count_reports: include_str!(concat!("queries/", $dir, "/reports/count.sql")),
            get_report: include_str!(concat!("queries/", $dir, "/reports/get.sql")),
            list_reports: include_str!(concat!("queries/", $dir, "/reports/list.sql")),
            last_event: include_str!(concat!("queries/", $dir, "/events/last.sql")),
            insert_event: include_str!(concat!("queries/", $dir, "/events/insert.sql")),
            page_events: include_str!(concat!("queries/", $dir, "/events/page.sql")),
            agreement_latest_version: include_str!(concat!("queries/", $dir, "/agreements/latest_version.sql")),
            agreement_insert: include_str!(concat!("queries/", $dir, "/agreements/insert.sql")),
            agreements_as_of: include_str!(concat!("queries/", $dir, "/agreements/list_as_of.sql")),
            agreement_versions: include_str!(concat!("queries/", $dir, "/agreements/versions.sql")),
            incident_hashes: include_str!(concat!("queries/", $dir, "/derived/incident_hashes.sql")),
            upsert_incident: include_str!(concat!("queries/", $dir, "/derived/upsert_incident.sql")),
            ruling_hashes: include_str!(concat!("queries/", $dir, "/derived/ruling_hashes.sql")),
            upsert_ruling: include_str!(concat!("queries/", $dir, "/derived/upsert_ruling.sql")),
            derived_count: include_str!(concat!("queries/", $dir, "/derived/count.sql")),
        }
    };
}

/// SQLite takes the write lock up front so two writers never deadlock on upgrade.
pub(crate) const SQLITE: Sql = queries!("sqlite", "BEGIN IMMEDIATE", "");
/// PostgreSQL serialises appends to the hash chain with a transaction-scoped advisory lock.
pub(crate) const POSTGRES: Sql = queries!("postgres", "BEGIN", "SELECT pg_advisory_xact_lock(7243001)");
