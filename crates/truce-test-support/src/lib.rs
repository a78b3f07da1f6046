//! Test support: each test gets its own SQLite file or PostgreSQL database, so
//! tests run in parallel without seeing each other's data.
//!
//! PostgreSQL is reached at `TRUCE_TEST_PG` (default
//! `postgres://root@127.0.0.1:5432/test`); a fresh database is created per test
//! and dropped when the guard is dropped.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{Connection, Executor, PgConnection};

/// The admin URL for PostgreSQL tests.
pub fn pg_admin_url() -> String {
    std::env::var("TRUCE_TEST_PG").unwrap_or_else(|_| "postgres://root@127.0.0.1:5432/test".to_owned())
}

/// A throw-away database; dropped (with its data) when this guard is dropped.
#[derive(Debug)]
pub struct TestDb {
    /// The URL to open the store with.
    pub url: String,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Sqlite(#[allow(dead_code, reason = "held so the directory outlives the test")] tempfile::TempDir),
    Postgres { admin: String, name: String },
}

impl TestDb {
    /// A fresh SQLite file in a temporary directory.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("truce.db").display());
        TestDb { url, kind: Kind::Sqlite(dir) }
    }

    /// A fresh PostgreSQL database. Panics with a clear message when the server is down.
    pub async fn postgres() -> TestDb {
        static N: AtomicU32 = AtomicU32::new(0);
        let admin = pg_admin_url();
        let name = format!("truce_t_{}_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed), nanos());
        let mut conn = PgConnection::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL tests need a server at {admin} (set TRUCE_TEST_PG): {e}"));
        let create = format!("CREATE DATABASE {name}");
        conn.execute(sqlx::AssertSqlSafe(create)).await.expect("create test database");
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        TestDb { url: format!("{base}/{name}"), kind: Kind::Postgres { admin, name } }
    }

    /// Both backends, SQLite first.
    pub async fn both() -> [TestDb; 2] {
        [TestDb::sqlite(), TestDb::postgres().await]
    }

    /// The SQLite file's path, for tests that tamper with it by hand.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        self.url.strip_prefix("sqlite://").map(PathBuf::from)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Kind::Postgres { admin, name } = &self.kind {
            let (admin, name) = (admin.clone(), name.clone());
            // Drop on a separate thread with its own runtime: Drop may run inside a runtime.
            let _ = std::thread::spawn(move || {
                let rt = match tokio_rt() {
                    Some(rt) => rt,
                    None => return,
                };
                rt.block_on(async move {
                    if let Ok(mut c) = PgConnection::connect(&admin).await {
                        let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        let _ = c.execute(sqlx::AssertSqlSafe(drop)).await;
                    }
                });
            })
            .join();
        }
    }
}

fn tokio_rt() -> Option<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().ok()
}

fn nanos() -> u32 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos())
}

/// The project root (the workspace folder).
pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("project root")
}

/// `../shared` beside the project: development data for tests, never for the product.
pub fn shared_dir() -> PathBuf {
    project_root().join("../shared")
}

/// Runs a binary built by the workspace (pass `env!("CARGO_BIN_EXE_…")`) with
/// `args`, no stdin, and without `TRUCE_DB` leaking in from the environment.
pub fn run_bin(bin: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(bin)
        .args(args)
        .env_remove("TRUCE_DB")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run {bin}: {e}"))
}

/// Asserts that a command exited 0 (showing its stderr when not) and returns its stdout.
pub fn stdout_ok(out: &std::process::Output) -> String {
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}
