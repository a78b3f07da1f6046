//! Configuration layers: built-in defaults, then `truce.toml`, then `TRUCE_*`
//! environment variables (`TRUCE_DB`, `TRUCE_INGEST__MAX_SIZE`), then flags.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

use crate::UserError;

/// The default database: an embedded SQLite file in the current folder.
pub const DEFAULT_DB: &str = "sqlite://truce.db";
/// The default largest input: 20 MiB.
pub const DEFAULT_MAX_SIZE: u64 = 20 * 1024 * 1024;

/// Flags that override the other layers.
#[derive(Debug, Default)]
pub struct Overrides {
    pub db: Option<String>,
    pub config: Option<PathBuf>,
}

/// The merged configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub db: String,
    pub max_size: u64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    db: Option<String>,
    #[serde(default)]
    ingest: FileIngest,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileIngest {
    max_size: Option<u64>,
}

impl Config {
    /// Loads the layers from the process environment.
    pub fn load(o: &Overrides) -> anyhow::Result<Config> {
        Self::load_from(o, Path::new("truce.toml"), |k| std::env::var(k).ok())
    }

    /// Loads the layers; `default_file` is read only if it exists, an explicit `--config` must exist.
    pub fn load_from(
        o: &Overrides,
        default_file: &Path,
        env: impl Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Config> {
        let file = match &o.config {
            Some(p) => Some(read_file(p)?),
            None if default_file.exists() => Some(read_file(default_file)?),
            None => None,
        }
        .unwrap_or_default();
        let max_size =
            match env("TRUCE_INGEST__MAX_SIZE") {
                Some(v) => Some(v.trim().parse::<u64>().map_err(|_| {
                    UserError(format!("TRUCE_INGEST__MAX_SIZE: expected a number of bytes, got {v:?}"))
                })?),
                None => None,
            };
        Ok(Config {
            db: o.db.clone().or_else(|| env("TRUCE_DB")).or(file.db).unwrap_or_else(|| DEFAULT_DB.to_owned()),
            max_size: max_size.or(file.ingest.max_size).unwrap_or(DEFAULT_MAX_SIZE),
        })
    }
}

fn read_file(p: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(p)
        .map_err(|e| UserError(format!("{}: cannot read configuration: {e}", p.display())))?;
    toml::from_str(&text)
        .map_err(|e| UserError(format!("{}: bad configuration: {}", p.display(), e.message())))
        .context("loading configuration")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_apply_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("truce.toml");
        std::fs::write(&file, "db = \"sqlite://from-file.db\"\n[ingest]\nmax_size = 100\n").unwrap();
        let none = |_: &str| None;
        let c = Config::load_from(&Overrides::default(), &dir.path().join("absent.toml"), none).unwrap();
        assert_eq!(c, Config { db: DEFAULT_DB.into(), max_size: DEFAULT_MAX_SIZE });
        let c = Config::load_from(&Overrides::default(), &file, none).unwrap();
        assert_eq!(c, Config { db: "sqlite://from-file.db".into(), max_size: 100 });
        let env = |k: &str| match k {
            "TRUCE_DB" => Some("postgres://root@127.0.0.1/test".to_owned()),
            "TRUCE_INGEST__MAX_SIZE" => Some("200".to_owned()),
            _ => None,
        };
        let c = Config::load_from(&Overrides::default(), &file, env).unwrap();
        assert_eq!(c, Config { db: "postgres://root@127.0.0.1/test".into(), max_size: 200 });
        let flags = Overrides { db: Some("sqlite://flag.db".into()), config: None };
        assert_eq!(Config::load_from(&flags, &file, env).unwrap().db, "sqlite://flag.db");
    }

    #[test]
    fn bad_files_and_values_are_user_errors() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("truce.toml");
        std::fs::write(&file, "dbb = 1\n").unwrap();
        let err = Config::load_from(&Overrides::default(), &file, |_| None).unwrap_err();
        assert!(err.downcast_ref::<UserError>().is_some());
        assert!(format!("{err:#}").contains("truce.toml: bad configuration"), "{err:#}");
        let missing = Overrides { db: None, config: Some(dir.path().join("nope.toml")) };
        assert!(Config::load_from(&missing, &file, |_| None).is_err());
        let env = |k: &str| (k == "TRUCE_INGEST__MAX_SIZE").then(|| "lots".to_owned());
        let err = Config::load_from(&Overrides::default(), &dir.path().join("x"), env).unwrap_err();
        assert!(err.to_string().contains("TRUCE_INGEST__MAX_SIZE"), "{err}");
    }
}
