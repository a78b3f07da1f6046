//! One module per subcommand.

pub mod agreement;
pub mod audit;
pub mod bench;
pub mod bulletin;
pub mod demo;
pub mod export;
pub mod extract;
pub mod ingest;
pub mod judge;
pub mod ledger;
pub mod serve;
pub mod user;
pub mod worker;

use truce_engine::{Engine, EngineConfig, IngestConfig};

use crate::config::Config;

/// Opens the engine on the configured store.
pub async fn open(config: &Config) -> anyhow::Result<Engine> {
    let engine =
        Engine::open(EngineConfig { db_url: config.db.clone(), ingest: IngestConfig { max_size: config.max_size } })
            .await?;
    Ok(engine)
}

/// An engine for commands that need no store (`extract`): opens an in-memory SQLite.
pub fn open_without_store(config: &Config) -> StorelessEngine {
    StorelessEngine { max_size: config.max_size }
}

/// Runs store-free engine operations.
pub struct StorelessEngine {
    max_size: u64,
}

impl StorelessEngine {
    /// See `Engine::extract_files`.
    pub fn extract(
        &self,
        inputs: &[truce_engine::Input],
    ) -> anyhow::Result<(Vec<truce_engine::ExtractRecord>, Vec<truce_engine::IngestError>)> {
        Ok(truce_engine::extract_files(inputs, &IngestConfig { max_size: self.max_size })?)
    }
}
