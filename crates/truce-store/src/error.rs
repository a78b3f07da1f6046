//! Backend-neutral store errors; each backend's `sqlx::Error` converts here.

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The caller named something that does not exist.
    #[error("{entity} {id} not found")]
    NotFound {
        /// The kind of thing.
        entity: &'static str,
        /// Its id.
        id: String,
    },
    /// The caller's URL was not usable.
    #[error("bad database url: {0}")]
    BadUrl(String),
    /// A write conflicted with existing data.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database could not be reached or opened.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Stored data failed a domain check (a tampered row, say).
    #[error("corrupt data: {0}")]
    Corrupt(String),
    /// Anything else: a bug or a backend failure.
    #[error("database error: {0}")]
    Internal(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound { entity: "row", id: String::new() },
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(db.message().to_owned()),
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StoreError::Unavailable(e.to_string())
            }
            _ => StoreError::Internal(e.to_string()),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Internal(format!("migration failed: {e}"))
    }
}

impl From<truce_model::ModelError> for StoreError {
    fn from(e: truce_model::ModelError) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}
