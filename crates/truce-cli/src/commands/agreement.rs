//! `truce agreement add|list|show|diff`: agreements as versioned data.

use jiff::Timestamp;

use crate::config::Config;
use crate::{Outcome, UserError};

#[derive(Debug, clap::Subcommand)]
pub enum Cmd {
    /// Add an agreement file (TOML); an edited file becomes a new version.
    Add {
        /// The agreement file.
        file: std::path::PathBuf,
    },
    /// List the agreements in force at a time (default now), latest versions.
    List {
        /// As of this time (RFC 3339).
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Print one agreement version's file.
    Show {
        /// The agreement key.
        key: String,
        /// The version (default latest).
        #[arg(long)]
        version: Option<u32>,
    },
    /// Propose an agreement from the agreement-term mentions in the stored reports;
    /// prints a draft file whose every field cites its sources. Review it, then `add` it.
    Propose {
        /// Use only reports received by this time (RFC 3339).
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Show what changed between two versions (default: the last two).
    Diff {
        /// The agreement key.
        key: String,
        /// The older version.
        from: Option<u32>,
        /// The newer version.
        to: Option<u32>,
    },
}

pub async fn run(config: Config, cmd: Cmd) -> anyhow::Result<Outcome> {
    let engine = super::open(&config).await?;
    let result = match cmd {
        Cmd::Add { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| UserError(format!("{}: cannot read: {e}", file.display())))?;
            let (key, version, new) =
                engine.add_agreement(&text).await.map_err(|e| UserError(format!("{}: {e}", file.display())))?;
            if new {
                println!("agreement {key}: stored version {version}");
                // An agreement change re-judges what is known, so rulings name the new version.
                let a = engine.judge(&truce_engine::JudgeRequest::default()).await?;
                if let Some(r) = a.recorded {
                    println!(
                        "re-judged: {} new and {} changed rulings ({} incidents)",
                        r.rulings_new,
                        r.rulings_changed,
                        a.incidents.len()
                    );
                }
            } else {
                println!("agreement {key}: unchanged (version {version})");
            }
            Ok(Outcome::Ok)
        }
        Cmd::List { as_of } => {
            let t = match as_of {
                Some(s) => s.parse::<Timestamp>().map_err(|e| UserError(format!("--as-of {s:?}: {e}")))?,
                None => Timestamp::MAX,
            };
            for d in engine.agreement_docs(t).await? {
                let a = &d.agreement;
                println!(
                    "{:<28} v{:<3} {:<26} from {} ({})  {}",
                    a.key().as_str(),
                    a.version(),
                    a.kind.as_str(),
                    a.effective.from(),
                    a.effective.local_from(),
                    a.title
                );
            }
            Ok(Outcome::Ok)
        }
        Cmd::Propose { as_of } => {
            let as_of = match as_of {
                Some(s) => Some(s.parse::<Timestamp>().map_err(|e| UserError(format!("--as-of {s:?}: {e}")))?),
                None => None,
            };
            let p = engine.propose_agreement(as_of).await?;
            for f in &p.fields {
                eprintln!("proposed {:<28} {}  ({} source(s))", f.field, f.value, f.sources.len());
            }
            print!("{}", p.toml);
            Ok(Outcome::Ok)
        }
        Cmd::Show { key, version } => {
            let versions = engine.agreement_versions(&key).await?;
            let v = match version {
                Some(n) => versions
                    .iter()
                    .find(|v| v.version == n)
                    .ok_or_else(|| UserError(format!("{key}: no version {n} (latest is {})", versions.len())))?,
                None => versions.last().ok_or_else(|| UserError(format!("{key}: no versions")))?,
            };
            println!(
                "# {} version {} (known from {}; effective {} UTC)",
                v.key,
                v.version,
                v.known_from,
                v.doc.agreement.effective.from()
            );
            print!("{}", v.body);
            Ok(Outcome::Ok)
        }
        Cmd::Diff { key, from, to } => {
            let versions = engine.agreement_versions(&key).await?;
            let last = versions.len() as u32;
            let (a, b) = (from.unwrap_or(last.saturating_sub(1).max(1)), to.unwrap_or(last));
            let get = |n: u32| {
                versions
                    .iter()
                    .find(|v| v.version == n)
                    .ok_or_else(|| UserError(format!("{key}: no version {n} (latest is {last})")))
            };
            let (va, vb) = (get(a)?, get(b)?);
            println!("--- {key} v{a}\n+++ {key} v{b}");
            for line in line_diff(&va.body, &vb.body) {
                println!("{line}");
            }
            Ok(Outcome::Ok)
        }
    };
    engine.close().await;
    result
}

/// A plain line diff (longest common subsequence), enough for agreement files.
fn line_diff(a: &str, b: &str) -> Vec<String> {
    let (x, y): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let mut lcs = vec![vec![0u32; y.len() + 1]; x.len() + 1];
    for i in (0..x.len()).rev() {
        for j in (0..y.len()).rev() {
            lcs[i][j] = if x[i] == y[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < x.len() || j < y.len() {
        if i < x.len() && j < y.len() && x[i] == y[j] {
            i += 1;
            j += 1;
        } else if j < y.len() && (i == x.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push(format!("+{}", y[j]));
            j += 1;
        } else {
            out.push(format!("-{}", x[i]));
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn diff_shows_changed_lines_only() {
        let d = super::line_diff("a\nb\nc\n", "a\nB\nc\nd\n");
        assert_eq!(d, ["+B", "-b", "+d"]);
    }
}
