//! The engine: Truce's API boundary. The CLI and the server call only this crate.
//!
//! It owns the transactions and the IO around the pure stages: ingest reads
//! inputs, the store keeps reports and the event log, and the stages (read,
//! merge, judge, tell) run as pure functions with "now" passed in.
#![deny(missing_docs)]

mod access;
pub mod agreements;
pub mod bench;
mod browse;
mod bulletin;
mod demo;
mod error;
mod export;
mod hotline;
mod ingest;
mod ledger;
mod pipeline;
mod propose;
mod readings;
mod registry;
mod worker;

use jiff::Timestamp;
use truce_store::{Backend, ChainReport, Store};

pub use error::EngineError;
pub use ingest::{IngestRequest, IngestSummary, ItemOutcome, Progress};
pub use ledger::{LedgerCount, LedgerEntry, Period};
/// The bundled actor registry (`data/actors/actors.toml`), built once per process:
/// what agreement files are checked against (also used by the fuzz targets).
pub use pipeline::registry as actor_registry;
pub use pipeline::{AgreementVersion, Analysis, JudgeRequest, MergeStats, extract_files};
pub use propose::{Proposal, ProposedField};
pub use readings::CacheStats;
pub use truce_ingest::{IngestConfig, IngestError, Input};
pub use truce_read::ExtractRecord;
pub use truce_store::Stored;
pub use truce_store::{JobCount, JobRow};
pub use truce_store::{Ledger, LedgerRow};
/// Export records, re-exported for callers of the engine.
pub use truce_tell::records;
pub use worker::{DEFAULT_ATTEMPTS, EnqueueSummary, JobStatus, WorkerMode, WorkerOptions, WorkerSummary};

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
    /// Readings kept between judge runs (shared by clones of this engine).
    readings: std::sync::Arc<readings::ReadingCache>,
    /// The merge of the last judge run (shared by clones of this engine).
    merges: std::sync::Arc<std::sync::Mutex<pipeline::MergeCache>>,
}

impl Engine {
    /// Opens the store (running its migrations).
    #[tracing::instrument(skip_all, fields(db = %truce_store::redact(&config.db_url)))]
    pub async fn open(config: EngineConfig) -> Result<Engine, EngineError> {
        let store = Store::open(&config.db_url).await?;
        let readings = std::sync::Arc::new(readings::ReadingCache::new(readings::DEFAULT_BYTES));
        let merges = std::sync::Arc::default();
        let engine = Engine { store, config, readings, merges };
        engine.load_shipped_agreements().await?;
        Ok(engine)
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

    /// How the reading cache has been used so far.
    pub fn reading_cache_stats(&self) -> CacheStats {
        self.readings.stats()
    }

    /// How the kept merge has been used so far.
    pub fn merge_stats(&self) -> MergeStats {
        self.merges.lock().map_or_else(|p| p.into_inner().stats(), |g| g.stats())
    }

    /// Closes the store.
    pub async fn close(&self) {
        self.store.close().await;
    }

    /// Records each shipped agreement the store does not have yet: a new store
    /// starts with them, and an analyst's later versions are kept. They count as known from the start of time (reference data).
    async fn load_shipped_agreements(&self) -> Result<(), EngineError> {
        let registry = pipeline::registry()?;
        let mut docs = Vec::new();
        for (file, text) in agreements::SHIPPED {
            let doc = agreements::parse(text, 1, Some(registry))
                .map_err(|e| EngineError::Internal(format!("data/agreements/{file}: {e}")))?;
            docs.push((doc.agreement.key().to_string(), text));
        }
        for (key, text) in docs {
            if self.store.agreement_versions(&key).await?.is_empty() {
                self.store.add_agreement(&key, text, Timestamp::UNIX_EPOCH, Engine::now()).await?;
            }
        }
        Ok(())
    }

    /// The current time; the only clock read, kept here so stages stay pure.
    pub fn now() -> Timestamp {
        Timestamp::now()
    }
}
pub use access::{Role, User, check_user_name};
pub use browse::{ReportView, TextSpan, actor_name, create_scratch_pg, drop_scratch_pg};
pub use bulletin::{
    Bulletin, BulletinFormat, BulletinRequest, RULE_VERSION, Stamp, render as render_bulletin,
    verify as verify_bulletin,
};
pub use export::{
    BENCH_FORMATS, ExportFigure, ExportFilter, ExportFormat, ImportSummary, bench_export, bench_export_seed,
    bench_export_settle, bench_export_step, synthetic_incident,
};
pub use hotline::{DEFAULT_ACK_MINUTES, Message, Referral, ReferralSummary, referral_id};
pub use truce_store::{BBox, CellRow, FacetRow, IncidentFilter, IncidentRow, ReportHitRow, ReportMetaRow, RulingRow};
