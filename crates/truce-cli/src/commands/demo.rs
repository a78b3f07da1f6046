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
    let analysis = engine.judge(&truce_engine::JudgeRequest::default()).await?;
    let violations: Vec<_> = analysis.rulings.iter().filter(|r| r.verdict == "violation").collect();
    println!(
        "  judged: {} incidents, {} rulings, {} violations",
        analysis.incidents.len(),
        analysis.rulings.len(),
        violations.len()
    );
    for r in violations.iter().take(8) {
        println!(
            "    violation of {} at {} in {}: tell {}",
            r.agreement.key,
            &r.incident.time_utc[0][..16],
            r.incident.admin1.as_deref().unwrap_or("?"),
            r.guarantors.join(", ")
        );
    }
    let audit = engine.audit_verify().await?;
    println!(
        "  {} reports in store; event log: {} entries, intact: {}",
        engine.report_count().await?,
        audit.entries,
        audit.first_break.is_none()
    );
    println!("  try: truce judge --db {} --jsonl | head -1", args.demo_db);
    engine.close().await;
    Ok(Outcome::Ok)
}
