//! Rebuilds the crate when a migration changes: `sqlx::migrate!` embeds the
//! migration files at compile time but cargo does not track them on stable.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
