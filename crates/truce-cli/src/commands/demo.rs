//! `truce demo`: the main job on the embedded default.

use truce_engine::{Engine, EngineConfig, IngestConfig};

use crate::Outcome;
use crate::config::DEFAULT_MAX_SIZE;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The demo database.
    #[arg(long, default_value = "sqlite://truce-demo.db")]
    demo_db: String,
}

pub async fn run(args: Args) -> anyhow::Result<Outcome> {
    let engine = Engine::open(EngineConfig {
        db_url: args.demo_db.clone(),
        ingest: IngestConfig { max_size: DEFAULT_MAX_SIZE },
    })
    .await?;
    let summary = engine.load_examples().await?;
    for f in &summary.failed {
        eprintln!("error: {f}");
    }
    println!("demo: {}", args.demo_db);
    for i in &summary.items {
        let what = if i.stored == truce_engine::Stored::New { "stored" } else { "already known" };
        println!("  {what:<14}{}  {}", &i.id[..12], i.name);
    }
    let audit = engine.audit_verify().await?;
    println!(
        "  {} reports in store; event log: {} entries, intact: {}",
        engine.report_count().await?,
        audit.entries,
        audit.first_break.is_none()
    );
    println!("  next: `truce judge` and the web dashboard land with issues 4 and 5.");
    engine.close().await;
    Ok(Outcome::Ok)
}
