//! The API's JSON bodies, through the real router over a scratch SQLite store:
//! the first byte picks an operation that reads a JSON body (sign-in, API
//! token, new user, report upload, referral reply), the rest
//! is the body, sent by a signed-in admin with the CSRF token. Never panics,
//! and no body gets a 5xx: malformed or hostile JSON is the caller's error.
#![no_main]

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{Request, header};
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;
use truce_engine::{Engine, EngineConfig, IngestConfig};
use truce_server::{AppState, PasswordCost, ServeOptions, add_user, app};

const PW: &str = "fuzz-password-123";

struct World {
    rt: tokio::runtime::Runtime,
    state: AppState,
    cookie: String,
    csrf: String,
    _dir: tempfile::TempDir,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("fuzz.db").display());
        let state = rt.block_on(async {
            let engine = Engine::open(EngineConfig { db_url: url, ingest: IngestConfig { max_size: 1 << 20 } })
                .await
                .unwrap();
            add_user(&engine, "fuzz", "admin", PW, PasswordCost::TestOnly).await.unwrap();
            let mut options = ServeOptions::standard();
            options.password_cost = PasswordCost::TestOnly;
            AppState::new(engine, options)
        });
        let login = format!("{{\"name\":\"fuzz\",\"password\":\"{PW}\"}}");
        let res = rt.block_on(app(state.clone()).oneshot(request("/api/v1/session", None, login.into_bytes()))).unwrap();
        assert!(res.status().is_success(), "sign-in: {}", res.status());
        let cookie = res.headers()[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
        let body = rt.block_on(axum::body::to_bytes(res.into_body(), 1 << 20)).unwrap();
        let me: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let csrf = me["csrf"].as_str().unwrap().to_owned();
        World { rt, state, cookie, csrf, _dir: dir }
    })
}

fn request(uri: &str, session: Option<(&str, &str)>, body: Vec<u8>) -> Request<Body> {
    let mut req = Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some((cookie, csrf)) = session {
        req = req.header(header::COOKIE, cookie).header("x-csrf-token", csrf);
    }
    req.body(Body::from(body)).unwrap()
}

const ROUTES: [&str; 5] = [
    "/api/v1/session",
    "/api/v1/tokens",
    "/api/v1/users",
    "/api/v1/reports",
    "/api/v1/referrals/0000000000000000000000000000000000000000/replies",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    let w = world();
    let uri = ROUTES[usize::from(pick) % ROUTES.len()];
    let req = request(uri, Some((&w.cookie, &w.csrf)), body.to_vec());
    let res = w.rt.block_on(app(w.state.clone()).oneshot(req)).unwrap();
    assert!(!res.status().is_server_error(), "POST {uri} answered {} to {:?}", res.status(), String::from_utf8_lossy(body));
});
