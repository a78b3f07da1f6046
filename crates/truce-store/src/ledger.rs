//! The coordination centre's ledger: local (settlement) truces and aid
//! deliveries, each recorded with an event in the same transaction.

use jiff::Timestamp;

use crate::sql::{POSTGRES, SQLITE};
use crate::{NewEvent, Store, StoreError, audit};

struct LedgerSql {
    insert_local: &'static str,
    insert_aid: &'static str,
    list_local: &'static str,
    list_aid: &'static str,
}

macro_rules! ledger_sql {
    ($dir:literal) => {
        LedgerSql {
            insert_local: include_str!(concat!("queries/", $dir, "/ledger/insert_local.sql")),
            insert_aid: include_str!(concat!("queries/", $dir, "/ledger/insert_aid.sql")),
            list_local: include_str!(concat!("queries/", $dir, "/ledger/list_local.sql")),
            list_aid: include_str!(concat!("queries/", $dir, "/ledger/list_aid.sql")),
        }
    };
}

const SQLITE_LEDGER: LedgerSql = ledger_sql!("sqlite");
const POSTGRES_LEDGER: LedgerSql = ledger_sql!("postgres");

/// A ledger entry: a local truce (detail = parties) or an aid delivery (detail = items).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LedgerRow {
    /// Row id.
    pub id: i64,
    /// Settlement or destination.
    pub place: String,
    /// Its p-code, when known.
    pub pcode: Option<String>,
    /// Its governorate p-code, when known.
    pub admin1_pcode: Option<String>,
    /// `YYYY-MM-DD`.
    pub day: String,
    /// Parties (comma-separated keys) or items.
    pub detail: String,
    /// Status.
    pub status: String,
    /// Where the entry comes from.
    pub source: String,
}

/// Which ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ledger {
    /// Settlement-level truces.
    LocalAgreements,
    /// Aid deliveries.
    AidDeliveries,
}

impl Store {
    /// Records a ledger entry (its `id` is ignored) and returns the new id.
    pub async fn add_ledger_entry(&self, ledger: Ledger, e: &LedgerRow, now: Timestamp) -> Result<i64, StoreError> {
        let (sql_text, kind) = match (self.backend(), ledger) {
            (crate::Backend::Sqlite, Ledger::LocalAgreements) => {
                (SQLITE_LEDGER.insert_local, "local_agreement.recorded")
            }
            (crate::Backend::Sqlite, Ledger::AidDeliveries) => (SQLITE_LEDGER.insert_aid, "aid_delivery.recorded"),
            (crate::Backend::Postgres, Ledger::LocalAgreements) => {
                (POSTGRES_LEDGER.insert_local, "local_agreement.recorded")
            }
            (crate::Backend::Postgres, Ledger::AidDeliveries) => (POSTGRES_LEDGER.insert_aid, "aid_delivery.recorded"),
        };
        let payload = serde_json::json!({
            "place": e.place, "pcode": e.pcode, "admin1_pcode": e.admin1_pcode, "day": e.day,
            "detail": e.detail, "status": e.status, "source": e.source,
        })
        .to_string();
        on_backend!(self, pool, sql => {
            let mut tx = begin_write!(pool, sql);
            let id: i64 = sqlx::query_scalar(sql_text)
                .bind(&e.place)
                .bind(&e.pcode)
                .bind(&e.admin1_pcode)
                .bind(&e.day)
                .bind(&e.detail)
                .bind(&e.status)
                .bind(&e.source)
                .bind(now.as_millisecond())
                .fetch_one(&mut *tx)
                .await?;
            let mut head = load_head!(tx, sql);
            append_entry!(tx, sql, head, &NewEvent::new(kind, format!("{kind}:{id}"), payload.clone()), now);
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Ledger entries with `from <= day <= to` (`YYYY-MM-DD`), in day order.
    pub async fn ledger(&self, ledger: Ledger, from: &str, to: &str) -> Result<Vec<LedgerRow>, StoreError> {
        let sql_text = match (self.backend(), ledger) {
            (crate::Backend::Sqlite, Ledger::LocalAgreements) => SQLITE_LEDGER.list_local,
            (crate::Backend::Sqlite, Ledger::AidDeliveries) => SQLITE_LEDGER.list_aid,
            (crate::Backend::Postgres, Ledger::LocalAgreements) => POSTGRES_LEDGER.list_local,
            (crate::Backend::Postgres, Ledger::AidDeliveries) => POSTGRES_LEDGER.list_aid,
        };
        on_backend!(self, pool, _sql => {
            Ok(sqlx::query_as(sql_text).bind(from).bind(to).fetch_all(pool).await?)
        })
    }
}
