//! The engine: Truce's API boundary. The CLI and the server call only this crate.
//!
//! It owns the transactions and the IO around the pure stages: ingest reads
//! inputs, the store keeps reports and the event log, and the stages (read,
//! merge, judge, tell) run as pure functions with "now" passed in.
#![deny(missing_docs)]

pub mod bench;
mod demo;
mod error;
mod ingest;

use jiff::Timestamp;
use truce_store::{Backend, ChainReport, Store};

pub use error::EngineError;
pub use ingest::{IngestRequest, IngestSummary, ItemOutcome, Progress};
pub use truce_ingest::{IngestConfig, IngestError, Input};
pub use truce_store::Stored;

/// What the engine needs to open. No `Default`: the CLI's configuration decides.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// `sqlite://PATH` or `postgres://…`.
    pub db_url: String,
    /// Ingest limits.
    pub ingest: IngestConfig,
}

/// An open engine over one store.
#[derive(Debug, Clone)]
pub struct Engine {
    store: Store,
    config: EngineConfig,
}

impl Engine {
    /// Opens the store (running its migrations).
    #[tracing::instrument(skip_all, fields(db = %truce_store::redact(&config.db_url)))]
    pub async fn open(config: EngineConfig) -> Result<Engine, EngineError> {
        let store = Store::open(&config.db_url).await?;
        Ok(Engine { store, config })
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.store.backend()
    }

    /// How many reports are stored.
    pub async fn report_count(&self) -> Result<u64, EngineError> {
        Ok(self.store.report_count().await?)
    }

    /// Walks the event log's hash chain.
    pub async fn audit_verify(&self) -> Result<ChainReport, EngineError> {
        Ok(self.store.verify_chain().await?)
    }

    /// Closes the store.
    pub async fn close(&self) {
        self.store.close().await;
    }

    /// The current time; the only clock read, kept here so stages stay pure.
    pub fn now() -> Timestamp {
        Timestamp::now()
    }
}
