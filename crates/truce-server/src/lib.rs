//! Truce's face: the HTTP API under `/api/v1` (OpenAPI at `/api/openapi.json`),
//! the web dashboard, and the guarantor hotline pushed live over SSE.
//!
//! Only this crate knows HTTP and JSON DTOs; everything else goes through
//! `truce_engine::Engine`. `app(state)` builds the router (tested with
//! `oneshot`); `serve` binds a socket, runs the escalation task and serves
//! until Ctrl-C.
#![deny(missing_docs)]

mod api;
mod auth;
pub mod bench;
pub mod client;
mod dto;
mod error;
mod extract;
mod hotline;
mod limit;
mod security;
pub mod soak;
mod ui;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio::sync::{Mutex, broadcast};
use truce_engine::Engine;

pub use auth::{PasswordCost, add_user, hash_password, new_token};
pub use error::ApiError;
pub use hotline::HotlineEvent;

/// How the server runs. No `Default`: the CLI decides.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Mark the session cookie `Secure` (browsers still send it to
    /// `http://127.0.0.1` and `localhost`, which count as secure contexts).
    pub secure_cookies: bool,
    /// How long a session lasts.
    pub session_hours: u32,
    /// How often the escalation task looks for missed deadlines.
    pub escalation_every: Duration,
    /// A tile URL template (`https://…/{z}/{x}/{y}.png`) for deployments that
    /// have one; the map draws only the bundled boundaries without it.
    pub tile_url: Option<String>,
    /// Cost of password hashes made through the API.
    pub password_cost: PasswordCost,
    /// Failed sign-ins allowed per user name and per client address.
    pub login_limit: LoginLimit,
}

/// How many failed sign-ins are allowed, and for how long a name or client
/// address is then refused (the window starts at its first failure).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginLimit {
    /// Failures allowed within one window; the next attempt gets 429.
    pub failures: u32,
    /// How long a window lasts.
    pub window: Duration,
}

/// Where the server reads the time: the engine's clock plus an offset that
/// only a test moves ([`Clock::advance`]), so session expiry and the login
/// window can be tested without sleeping.
#[derive(Debug, Clone, Default)]
pub struct Clock(Arc<AtomicI64>);

impl Clock {
    /// The engine's clock, unmoved.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// Now, as this clock tells it.
    pub fn now(&self) -> jiff::Timestamp {
        let now = Engine::now();
        let offset = jiff::SignedDuration::from_millis(self.0.load(Ordering::Relaxed));
        now.checked_add(offset).unwrap_or(now)
    }

    /// Moves this clock (and every clone of it) forward by `by`.
    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.0.fetch_add(ms, Ordering::Relaxed);
    }
}

/// Checks a tile URL template: `http://` or `https://`, with `{z}`, `{x}` and
/// `{y}`; the error names the template (callers add where it came from).
pub fn check_tile_url(url: &str) -> Result<(), String> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(format!("{url:?}: expected an http:// or https:// url template"));
    }
    if let Some(missing) = ["{z}", "{x}", "{y}"].into_iter().find(|p| !url.contains(p)) {
        return Err(format!("{url:?}: expected {{z}}, {{x}} and {{y}} in the template, {missing} is missing"));
    }
    Ok(())
}

impl ServeOptions {
    /// What `truce serve` uses: secure cookies, 12-hour sessions, a check
    /// every 15 s, and 5 failed sign-ins per name or address in 15 minutes.
    pub fn standard() -> ServeOptions {
        ServeOptions {
            secure_cookies: true,
            session_hours: 12,
            escalation_every: Duration::from_secs(15),
            tile_url: None,
            password_cost: PasswordCost::Standard,
            login_limit: LoginLimit { failures: 5, window: Duration::from_secs(15 * 60) },
        }
    }
}

/// What the last live judge found that the store does not keep.
#[derive(Debug, Default, Clone)]
struct Snapshot {
    contradictions: Vec<dto::ContradictionDto>,
}

struct Inner {
    engine: Engine,
    options: ServeOptions,
    events: broadcast::Sender<HotlineEvent>,
    judge: Mutex<()>,
    snapshot: RwLock<Snapshot>,
    openapi: String,
    closing: tokio::sync::watch::Sender<bool>,
    clock: Clock,
    logins: limit::LoginLimiter,
    csp: axum::http::HeaderValue,
}

/// Shared state of the app.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("backend", &self.0.engine.backend()).finish()
    }
}

impl AppState {
    /// State over an open engine, on the system clock.
    pub fn new(engine: Engine, options: ServeOptions) -> AppState {
        AppState::with_clock(engine, options, Clock::system())
    }

    /// State over an open engine that reads the time from `clock` (tests
    /// keep a clone and move it).
    pub fn with_clock(engine: Engine, options: ServeOptions, clock: Clock) -> AppState {
        let (events, _) = broadcast::channel(1024);
        let openapi = api::openapi_json();
        let logins = limit::LoginLimiter::new(options.login_limit);
        let csp = security::content_security_policy(options.tile_url.as_deref());
        AppState(Arc::new(Inner {
            engine,
            options,
            events,
            judge: Mutex::new(()),
            snapshot: RwLock::new(Snapshot::default()),
            openapi,
            closing: tokio::sync::watch::channel(false).0,
            clock,
            logins,
            csp,
        }))
    }

    /// Now, by the state's clock.
    pub fn now(&self) -> jiff::Timestamp {
        self.0.clock.now()
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.0.engine
    }

    /// The options.
    pub fn options(&self) -> &ServeOptions {
        &self.0.options
    }

    /// Subscribes to hotline events (all of them; the SSE handler filters per user).
    pub fn subscribe(&self) -> broadcast::Receiver<HotlineEvent> {
        self.0.events.subscribe()
    }

    /// Tells live streams to end (the server is shutting down).
    pub fn close_streams(&self) {
        let _ = self.0.closing.send(true);
    }

    fn closing(&self) -> tokio::sync::watch::Receiver<bool> {
        self.0.closing.subscribe()
    }

    fn publish(&self, ev: HotlineEvent) {
        // No receivers is fine: nobody is connected.
        let _ = self.0.events.send(ev);
    }

    /// Runs a live judge, records what changed, refers new violations to
    /// their guarantors and pushes them to connected sessions. One at a time.
    pub async fn refresh(&self) -> Result<RefreshSummary, ApiError> {
        let _guard = self.0.judge.lock().await;
        let (analysis, referrals) = self.engine().judge_and_refer().await?;
        let contradictions = analysis.contradictions.iter().map(dto::ContradictionDto::from_record).collect();
        if let Ok(mut s) = self.0.snapshot.write() {
            s.contradictions = contradictions;
        }
        for r in &referrals {
            self.publish(HotlineEvent::referral("referral.created", r));
        }
        let rec = analysis.recorded.unwrap_or_default();
        Ok(RefreshSummary {
            incidents: analysis.incidents.len(),
            rulings_new: rec.rulings_new,
            rulings_changed: rec.rulings_changed,
            referrals_created: referrals.iter().map(|r| r.id.clone()).collect(),
        })
    }

    /// Escalates referrals past their deadline and tells connected sessions.
    pub async fn escalate(&self) -> Result<usize, ApiError> {
        let due = self.engine().escalate_due().await?;
        for r in &due {
            self.publish(HotlineEvent::referral("referral.escalated", r));
        }
        Ok(due.len())
    }

    fn contradictions(&self) -> Vec<dto::ContradictionDto> {
        self.0.snapshot.read().map(|s| s.contradictions.clone()).unwrap_or_default()
    }
}

/// What one refresh did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefreshSummary {
    /// Incidents known now.
    pub incidents: usize,
    /// Rulings recorded for the first time.
    pub rulings_new: usize,
    /// Rulings whose content changed.
    pub rulings_changed: usize,
    /// Ids of referrals created.
    pub referrals_created: Vec<String>,
}

/// The router: API, OpenAPI document, dashboard and assets, every response
/// (errors and fallbacks included) with the security headers.
pub fn app(state: AppState) -> axum::Router {
    api::router()
        .merge(ui::router())
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::headers))
        .with_state(state)
}

/// Why serving failed.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The first judge failed.
    #[error("cannot bring derived state up to date: {0}")]
    Refresh(String),
    /// Serving failed.
    #[error("server failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Binds `listen`, brings derived state up to date, starts the escalation task
/// and serves until Ctrl-C.
pub async fn serve(engine: Engine, listen: SocketAddr, options: ServeOptions) -> Result<(), ServeError> {
    let listener =
        tokio::net::TcpListener::bind(listen).await.map_err(|source| ServeError::Bind { addr: listen, source })?;
    let state = AppState::new(engine, options);
    state.refresh().await.map_err(|e| ServeError::Refresh(format!("{e:?}")))?;
    serve_on(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

/// Serves `state` on a bound listener until `shutdown` completes, with the
/// escalation task running. Tests bind port 0 and pass their own shutdown.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let every = state.options().escalation_every;
    let esc_state = state.clone();
    let escalation = tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(e) = esc_state.escalate().await {
                tracing::warn!(error = ?e, "escalation check failed");
            }
        }
    });
    let closer = state.clone();
    let shutdown = async move {
        shutdown.await;
        closer.close_streams();
    };
    // The peer address feeds the login limit (see `limit`).
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    let out = axum::serve(listener, service).with_graceful_shutdown(shutdown).await;
    escalation.abort();
    Ok(out?)
}
