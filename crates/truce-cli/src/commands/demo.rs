//! `truce demo`: the main job on the embedded default. Loads the bundled
//! reference data, agreements and example reports into a SQLite file, runs the
//! pipeline, creates one user per role, and serves the dashboard.

use std::net::SocketAddr;

use truce_engine::{Engine, EngineConfig, IngestConfig};
use truce_server::{PasswordCost, ServeOptions};

use crate::config::DEFAULT_MAX_SIZE;
use crate::{Outcome, UserError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The demo database.
    #[arg(long, default_value = "sqlite://truce-demo.db")]
    demo_db: String,
    /// Address to serve on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    listen: String,
    /// Load and judge only; do not serve (for scripts).
    #[arg(long)]
    no_serve: bool,
}

/// One demo user per role; guarantors for the three states of the December 2016 ceasefire.
const USERS: [(&str, &str); 6] = [
    ("admin", "admin"),
    ("analyst", "analyst"),
    ("turkey", "guarantor:turkey"),
    ("russia", "guarantor:russia"),
    ("iran", "guarantor:iran"),
    ("observer", "observer"),
];

pub async fn run(args: Args) -> anyhow::Result<Outcome> {
    let listen: SocketAddr = args.listen.parse().map_err(|e| {
        UserError(format!("--listen {:?}: expected an address such as 127.0.0.1:8080 ({e})", args.listen))
    })?;
    let engine = Engine::open(EngineConfig {
        db_url: args.demo_db.clone(),
        ingest: IngestConfig { max_size: DEFAULT_MAX_SIZE },
    })
    .await?;
    eprintln!("demo: loading the bundled example reports into {}", args.demo_db);
    let summary = engine.load_examples().await?;
    for f in &summary.failed {
        eprintln!("error: {f}");
    }
    for i in &summary.items {
        let what = if i.stored == truce_engine::Stored::New { "stored" } else { "already known" };
        println!("  {what:<14}{}  {}", &i.id[..12], i.name);
    }
    eprintln!("demo: reading, merging and judging…");
    let (analysis, referred) = engine.judge_and_refer().await?;
    let violations: Vec<_> = analysis.rulings.iter().filter(|r| r.verdict == "violation").collect();
    println!(
        "  judged: {} incidents, {} rulings, {} violations; {} new referrals to guarantors",
        analysis.incidents.len(),
        analysis.rulings.len(),
        violations.len(),
        referred.len()
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
    if args.no_serve {
        engine.close().await;
        return Ok(Outcome::Ok);
    }
    println!("  users (re-running the demo sets new passwords):");
    for (name, role) in USERS {
        let password = demo_password(name)?;
        truce_server::add_user(&engine, name, role, &password, PasswordCost::Standard).await?;
        println!("    {name:<9} {role:<17} password {password}");
    }
    println!("  open http://{listen}/  (Ctrl-C stops)");
    let mut opts = ServeOptions::standard();
    // Plain HTTP on a loopback address: browsers accept Secure cookies on localhost only.
    opts.secure_cookies = listen.ip().is_loopback();
    truce_server::serve(engine, listen, opts).await.map_err(|e| match e {
        truce_server::ServeError::Bind { .. } => anyhow::Error::new(UserError(e.to_string())),
        other => anyhow::Error::new(other),
    })?;
    Ok(Outcome::Ok)
}

/// A fresh random password: the user name and 12 characters from a random session token.
fn demo_password(name: &str) -> anyhow::Result<String> {
    let token = truce_server::new_token().map_err(|e| anyhow::anyhow!("cannot make a password: {e:?}"))?;
    let tail: String = token.chars().filter(char::is_ascii_alphanumeric).take(12).collect();
    Ok(format!("{name}-{tail}"))
}
