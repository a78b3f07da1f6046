//! Backend dispatch for `impl Store` blocks: each macro expands its body once
//! per backend, with that backend's pool and SQL. Declared first in `lib.rs`
//! so every module can use them.

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

/// Inserts `$reports` inside a write transaction, appending a `report.ingested`
/// event for each new one; evaluates to a `Vec<Stored>` in input order.
macro_rules! insert_reports_in {
    ($tx:ident, $sql:ident, $head:ident, $reports:expr, $now:expr) => {{
        let mut out = Vec::with_capacity($reports.len());
        for r in $reports {
            let row = rows::ReportRow::from_report(r);
            let done = sqlx::query($sql.insert_report)
                .bind(&row.id)
                .bind(&row.name)
                .bind(&row.source)
                .bind(&row.url)
                .bind(&row.media_type)
                .bind(row.received_at)
                .bind(row.published_at)
                .bind(row.content.len() as i64)
                .bind(&row.content)
                .execute(&mut *$tx)
                .await?;
            if done.rows_affected() == 1 {
                let ev = NewEvent::new("report.ingested", row.id.clone(), row.event_payload());
                append_entry!($tx, $sql, $head, &ev, $now);
                out.push(Stored::New);
            } else {
                out.push(Stored::AlreadyKnown);
            }
        }
        out
    }};
}
