//! One module per subcommand.

pub mod audit;
pub mod bench;
pub mod demo;
pub mod ingest;
pub mod later;

use truce_engine::{Engine, EngineConfig, IngestConfig};

use crate::config::Config;

/// Opens the engine on the configured store.
pub async fn open(config: &Config) -> anyhow::Result<Engine> {
    let engine =
        Engine::open(EngineConfig { db_url: config.db.clone(), ingest: IngestConfig { max_size: config.max_size } })
            .await?;
    Ok(engine)
}
