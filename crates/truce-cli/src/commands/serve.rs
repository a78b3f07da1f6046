//! `truce serve --listen ADDR`: the HTTP API, web dashboard and hotline.

use std::net::SocketAddr;

use truce_server::ServeOptions;

use crate::config::Config;
use crate::{Outcome, UserError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    listen: String,
    /// Send the session cookie without `Secure` (only for plain HTTP on a non-local address).
    #[arg(long)]
    insecure_cookies: bool,
    /// A map tile URL template (https://…/{z}/{x}/{y}.png); none by default (offline).
    #[arg(long, value_name = "URL")]
    tile_url: Option<String>,
}

pub async fn run(config: Config, args: Args) -> anyhow::Result<Outcome> {
    let listen: SocketAddr = args.listen.parse().map_err(|e| {
        UserError(format!("--listen {:?}: expected an address such as 127.0.0.1:8080 ({e})", args.listen))
    })?;
    if let Some(url) = &args.tile_url {
        truce_server::check_tile_url(url).map_err(|e| UserError(format!("--tile-url {e}")))?;
    }
    let engine = super::open(&config).await?;
    let mut opts = ServeOptions::standard();
    opts.secure_cookies = !args.insecure_cookies;
    opts.tile_url = args.tile_url;
    eprintln!("truce: serving {} on http://{listen}/ (Ctrl-C stops)", truce_engine::Engine::backend(&engine).as_str());
    truce_server::serve(engine, listen, opts).await.map_err(|e| match e {
        truce_server::ServeError::Bind { .. } => anyhow::Error::new(UserError(e.to_string())),
        other => anyhow::Error::new(other),
    })?;
    Ok(Outcome::Ok)
}
