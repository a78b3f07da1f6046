//! API tests: the router driven with `oneshot` over real stores (SQLite and
//! PostgreSQL), an authorisation matrix for every route × role, IDOR attempts
//! on referrals, CSRF, the hotline (idempotent referrals, SSE, ack, replies,
//! escalation), a server on port 0, and security: headers on every response,
//! the login limit, session expiry and logout, and secrets kept out of the log.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;
use truce_engine::{Engine, EngineConfig, IngestConfig};
use truce_server::{AppState, Clock, PasswordCost, ServeOptions, add_user, app};
use truce_test_support::TestDb;

const PW: &str = "correct-horse-battery";
const ROLES: [(&str, &str); 6] = [
    ("ada", "admin"),
    ("ana", "analyst"),
    ("tur", "guarantor:turkey"),
    ("rus", "guarantor:russia"),
    ("obs", "observer"),
    ("iri", "guarantor:iran"),
];

fn options() -> ServeOptions {
    let mut o = ServeOptions::standard();
    o.password_cost = PasswordCost::TestOnly;
    o.escalation_every = Duration::from_millis(200);
    o
}

async fn setup(db: &TestDb) -> AppState {
    setup_with(db, options(), Clock::system()).await
}

async fn setup_with(db: &TestDb, options: ServeOptions, clock: Clock) -> AppState {
    let engine = Engine::open(EngineConfig { db_url: db.url.clone(), ingest: IngestConfig { max_size: 1 << 20 } })
        .await
        .expect("open engine");
    engine.load_examples().await.expect("examples");
    for (name, role) in ROLES {
        add_user(&engine, name, role, PW, PasswordCost::TestOnly).await.expect("add user");
    }
    let state = AppState::with_clock(engine, options, clock);
    state.refresh().await.expect("first judge");
    state
}

struct Session {
    cookie: String,
    csrf: String,
}

async fn call(
    state: &AppState,
    method: &str,
    uri: &str,
    auth: Option<&Session>,
    body: Option<serde_json::Value>,
) -> (StatusCode, serde_json::Value, axum::http::HeaderMap) {
    let mut req = Request::builder().method(method).uri(uri).header(header::HOST, "127.0.0.1:8080");
    if let Some(s) = auth {
        req = req.header(header::COOKIE, &s.cookie).header("x-csrf-token", &s.csrf);
    }
    let req = match body {
        Some(b) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let res = app(state.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 24).await.unwrap();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, json, headers)
}

async fn login(state: &AppState, name: &str) -> Session {
    let (status, body, headers) =
        call(state, "POST", "/api/v1/session", None, Some(serde_json::json!({"name": name, "password": PW}))).await;
    assert_eq!(status, StatusCode::OK, "{name}: {body}");
    let set = headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().to_owned();
    for attr in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(set.contains(attr), "{set}");
    }
    let cookie = set.split(';').next().unwrap().to_owned();
    Session { cookie, csrf: body["csrf"].as_str().unwrap().to_owned() }
}

async fn referral_ids(state: &AppState, s: &Session) -> Vec<(String, String)> {
    let (status, body, _) = call(state, "GET", "/api/v1/referrals", Some(s), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap().into(), r["guarantor"].as_str().unwrap().into()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeds_give_a_hama_violation_referred_to_each_guarantor_once() {
    let db = TestDb::sqlite();
    let state = setup(&db).await;
    let admin = login(&state, "ada").await;
    let (st, page, _) =
        call(&state, "GET", "/api/v1/incidents?admin1=Hama&verdict=violation", Some(&admin), None).await;
    assert_eq!(st, StatusCode::OK);
    let items = page["items"].as_array().unwrap();
    assert!(!items.is_empty(), "no Hama violation: {page}");
    assert!(items.iter().all(|i| i["admin1"] == "Hama" && i["verdict"] == "violation"));
    let refs = referral_ids(&state, &admin).await;
    for g in ["russia", "turkey", "iran"] {
        assert!(refs.iter().any(|(_, x)| x == g), "no referral to {g}: {refs:?}");
    }
    // Judging again creates nothing new.
    let again = state.refresh().await.unwrap();
    assert!(again.referrals_created.is_empty(), "{again:?}");
    assert_eq!(referral_ids(&state, &admin).await.len(), refs.len());
    // `limit` takes the newest, in the same order; 0 is raised to 1; junk is a 400.
    let (st, two, _) = call(&state, "GET", "/api/v1/referrals?limit=2", Some(&admin), None).await;
    assert_eq!(st, StatusCode::OK, "{two}");
    let two: Vec<&str> = two.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(two, refs[..2].iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>());
    let (st, one, _) = call(&state, "GET", "/api/v1/referrals?limit=0", Some(&admin), None).await;
    assert_eq!((st, one.as_array().map(Vec::len)), (StatusCode::OK, Some(1)), "{one}");
    let (st, bad, _) = call(&state, "GET", "/api/v1/referrals?limit=many", Some(&admin), None).await;
    assert_eq!((st, bad["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_request")), "{bad}");
}

/// A report whose incident an opposition signatory is responsible for: Turkey's to answer.
pub const TURKEY_REPORT: &str = "Rebels shell government positions near Mhardeh\n\n\
MHARDEH, Syria (3 January 2017) - Fighters of Ahrar al-Sham shelled government positions in Mhardeh in \
Hama province on 3 January 2017, killing two soldiers, the Syrian army said. The army said the attack \
broke the nationwide ceasefire.\n";

struct World {
    state: AppState,
    sessions: Vec<(&'static str, Session)>,
    turkey_ref: String,
    russia_ref: String,
    hama: String,
    report: String,
}

async fn world(db: &TestDb) -> World {
    let state = setup(db).await;
    let mut sessions = Vec::new();
    for (name, _) in ROLES {
        sessions.push((name, login(&state, name).await));
    }
    let admin = &sessions[0].1;
    let refs = referral_ids(&state, admin).await;
    let turkey_ref = refs.iter().find(|r| r.1 == "turkey").unwrap().0.clone();
    let russia_ref = refs.iter().find(|r| r.1 == "russia").unwrap().0.clone();
    let (_, page, _) = call(&state, "GET", "/api/v1/incidents?admin1=Hama&verdict=violation", Some(admin), None).await;
    let hama = page["items"][0]["id"].as_str().unwrap().to_owned();
    let (_, reports, _) = call(&state, "GET", "/api/v1/reports", Some(admin), None).await;
    let report = reports["items"][0]["id"].as_str().unwrap().to_owned();
    World { state, sessions, turkey_ref, russia_ref, hama, report }
}

impl World {
    fn session(&self, name: &str) -> &Session {
        &self.sessions.iter().find(|(n, _)| *n == name).unwrap().1
    }
}

async fn status_only(state: &AppState, method: &str, uri: &str, auth: Option<&Session>) -> StatusCode {
    let mut req = Request::builder().method(method).uri(uri).header(header::HOST, "127.0.0.1:8080");
    if let Some(s) = auth {
        req = req.header(header::COOKIE, &s.cookie).header("x-csrf-token", &s.csrf);
    }
    app(state.clone()).oneshot(req.body(Body::empty()).unwrap()).await.unwrap().status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorisation_matrix_every_route_by_every_role() {
    let db = TestDb::sqlite();
    let w = world(&db).await;
    let (t, r, h, rep) = (&w.turkey_ref, &w.russia_ref, &w.hama, &w.report);
    let reply = serde_json::json!({"body": "Received; checking with the field."});
    let upload = serde_json::json!({"text": "A quiet day in Homs; no incidents were reported.", "name": "quiet.txt"});
    let new_user = serde_json::json!({"name": "new-observer", "role": "observer", "password": "long-enough-pw"});
    // Columns: ada (admin), ana (analyst), rus (guarantor:russia), obs (observer), iri (guarantor:iran), tur (guarantor:turkey).
    let order = ["ada", "ana", "rus", "obs", "iri", "tur"];
    let all_ok = [200; 6];
    let monitors = [200, 200, 403, 403, 403, 403];
    let matrix: Vec<(&str, String, Option<serde_json::Value>, [u16; 6])> = vec![
        ("GET", "/api/v1/reports".into(), None, monitors),
        ("POST", "/api/v1/reports".into(), Some(upload), [201, 201, 403, 403, 403, 403]),
        ("GET", format!("/api/v1/reports/{rep}"), None, monitors),
        ("GET", "/api/v1/incidents?limit=5".into(), None, all_ok),
        ("GET", "/api/v1/incidents.geojson".into(), None, all_ok),
        ("GET", "/api/v1/map/clusters?zoom=3".into(), None, all_ok),
        ("GET", format!("/api/v1/incidents/{h}"), None, all_ok),
        ("GET", "/api/v1/rulings".into(), None, all_ok),
        ("GET", "/api/v1/agreements".into(), None, all_ok),
        ("GET", "/api/v1/agreements/sy-ceasefire-2016-12-30".into(), None, all_ok),
        ("GET", "/api/v1/contradictions".into(), None, all_ok),
        ("GET", "/api/v1/timeline".into(), None, all_ok),
        ("GET", "/api/v1/search?q=Hama".into(), None, all_ok),
        ("GET", "/api/v1/facets".into(), None, all_ok),
        ("GET", "/api/v1/referrals".into(), None, [200, 200, 200, 403, 200, 200]),
        // IDOR: Russia and Iran ask for Turkey's referral by id and are told it does not exist.
        ("GET", format!("/api/v1/referrals/{t}"), None, [200, 200, 404, 403, 404, 200]),
        ("GET", format!("/api/v1/referrals/{r}"), None, [200, 200, 200, 403, 404, 404]),
        ("POST", format!("/api/v1/referrals/{t}/replies"), Some(reply.clone()), [201, 201, 404, 403, 404, 201]),
        ("POST", format!("/api/v1/referrals/{r}/replies"), Some(reply), [201, 201, 201, 403, 404, 404]),
        // Only the referral's own guarantor acknowledges; Turkey goes last, so it succeeds.
        ("POST", format!("/api/v1/referrals/{t}/ack"), None, [403, 403, 404, 403, 404, 200]),
        ("GET", "/api/v1/me".into(), None, all_ok),
        ("POST", "/api/v1/tokens".into(), Some(serde_json::json!({"label": "script"})), [201; 6]),
        ("GET", "/api/v1/users".into(), None, [200, 403, 403, 403, 403, 403]),
        ("POST", "/api/v1/users".into(), Some(new_user), [201, 403, 403, 403, 403, 403]),
    ];
    for (method, uri, body, expect) in &matrix {
        for (who, want) in order.iter().zip(expect) {
            let (st, json, _) = call(&w.state, method, uri, Some(w.session(who)), body.clone()).await;
            assert_eq!(st.as_u16(), *want, "{method} {uri} as {who}: {json}");
            if st.is_client_error() {
                assert!(json["error"]["code"].is_string(), "{method} {uri} as {who}: {json}");
            }
        }
        // Nobody signed in: 401 everywhere.
        let (st, json, _) = call(&w.state, method, uri, None, body.clone()).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "{method} {uri} anonymous: {json}");
        assert_eq!(json["error"]["code"], "unauthenticated");
    }
    // The SSE feed (a stream, so status only).
    for (who, want) in order.iter().zip([200, 200, 200, 403, 200, 200]) {
        assert_eq!(status_only(&w.state, "GET", "/api/v1/hotline/events", Some(w.session(who))).await.as_u16(), want);
    }
    assert_eq!(status_only(&w.state, "GET", "/api/v1/hotline/events", None).await, StatusCode::UNAUTHORIZED);
    // Acknowledging twice is a conflict; Russia's list never shows Turkey's referral.
    let (st, json, _) =
        call(&w.state, "POST", &format!("/api/v1/referrals/{t}/ack"), Some(w.session("tur")), None).await;
    assert_eq!((st, json["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")));
    let rus = referral_ids(&w.state, w.session("rus")).await;
    assert!(!rus.is_empty() && rus.iter().all(|(_, g)| g == "russia"), "{rus:?}");
    // Public routes.
    assert_eq!(status_only(&w.state, "GET", "/api/openapi.json", None).await, StatusCode::OK);
    // Signing out ends the session.
    let s = w.session("obs");
    let (st, _, _) = call(&w.state, "DELETE", "/api/v1/session", Some(s), None).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _, _) = call(&w.state, "GET", "/api/v1/me", Some(s), None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    // Every change above is in an intact hash chain.
    let audit = w.state.engine().audit_verify().await.unwrap();
    assert!(audit.first_break.is_none(), "{audit:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csrf_bearer_tokens_and_bad_logins() {
    let db = TestDb::sqlite();
    let w = world(&db).await;
    let s = w.session("tur");
    let uri = format!("/api/v1/referrals/{}/ack", w.turkey_ref);
    // Cookie without the CSRF header.
    let req = Request::builder()
        .method("POST")
        .uri(&uri)
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::COOKIE, &s.cookie);
    let res = app(w.state.clone()).oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: serde_json::Value =
        serde_json::from_slice(&axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap()).unwrap();
    assert_eq!(body["error"]["code"], "csrf_failed");
    // Right token, foreign Origin.
    let req = Request::builder()
        .method("POST")
        .uri(&uri)
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::ORIGIN, "http://evil.example")
        .header(header::COOKIE, &s.cookie)
        .header("x-csrf-token", &s.csrf);
    assert_eq!(
        app(w.state.clone()).oneshot(req.body(Body::empty()).unwrap()).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    // A Bearer token needs no CSRF token; a wrong one is 401.
    let (_, tok, _) = call(&w.state, "POST", "/api/v1/tokens", Some(s), Some(serde_json::json!({}))).await;
    let token = tok["token"].as_str().unwrap();
    let req = Request::builder().method("POST").uri(&uri).header(header::AUTHORIZATION, format!("Bearer {token}"));
    assert_eq!(app(w.state.clone()).oneshot(req.body(Body::empty()).unwrap()).await.unwrap().status(), StatusCode::OK);
    let req = Request::builder().uri("/api/v1/me").header(header::AUTHORIZATION, "Bearer nope");
    assert_eq!(
        app(w.state.clone()).oneshot(req.body(Body::empty()).unwrap()).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    // Wrong password and unknown user look the same.
    for (name, pw) in [("tur", "wrong-password"), ("nobody", PW)] {
        let (st, body, _) =
            call(&w.state, "POST", "/api/v1/session", None, Some(serde_json::json!({"name": name, "password": pw})))
                .await;
        assert_eq!((st, body["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("bad_credentials")));
    }
    // Unknown routes and ids: JSON errors with stable codes.
    let (st, body, _) = call(&w.state, "GET", "/api/v1/nope", Some(s), None).await;
    assert_eq!((st, body["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let (st, body, _) = call(&w.state, "GET", "/api/v1/incidents?from=yesterday", Some(s), None).await;
    assert_eq!((st, body["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_request")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_pages_search_report_spans_and_openapi() {
    let db = TestDb::sqlite();
    let w = world(&db).await;
    let a = w.session("ana");
    // Keyset pages cover every incident once.
    let (_, all, _) = call(&w.state, "GET", "/api/v1/incidents?limit=500", Some(a), None).await;
    let total = all["items"].as_array().unwrap().len();
    assert!(total >= 2, "{all}");
    let mut seen = Vec::new();
    let mut uri = "/api/v1/incidents?limit=1".to_owned();
    loop {
        let (_, page, _) = call(&w.state, "GET", &uri, Some(a), None).await;
        seen.extend(page["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(c) => uri = format!("/api/v1/incidents?limit=1&cursor={c}"),
            None => break,
        }
    }
    seen.dedup();
    assert_eq!(seen.len(), total);
    // Filters narrow.
    let (_, none, _) = call(&w.state, "GET", "/api/v1/incidents?admin1=Nowhere", Some(a), None).await;
    assert!(none["items"].as_array().unwrap().is_empty());
    let (_, late, _) = call(&w.state, "GET", "/api/v1/incidents?from=2030-01-01", Some(a), None).await;
    assert!(late["items"].as_array().unwrap().is_empty());
    let (_, d, _) = call(&w.state, "GET", &format!("/api/v1/incidents/{}", w.hama), Some(a), None).await;
    let actor = d["incident"]["actors"][0]["name"].as_str().unwrap().to_owned();
    let (_, by_actor, _) =
        call(&w.state, "GET", &format!("/api/v1/incidents?actor={}", actor.replace(' ', "%20")), Some(a), None).await;
    assert!(by_actor["items"].as_array().unwrap().iter().any(|i| i["id"] == w.hama.as_str()), "{by_actor}");
    // Incident detail: mentions and a rule trace.
    assert!(!d["incident"]["mentions"].as_array().unwrap().is_empty());
    let ruling = d["rulings"].as_array().unwrap().iter().find(|r| r["verdict"] == "violation").unwrap();
    assert!(ruling["trace"].as_array().unwrap().len() >= 3, "{ruling}");
    // Search: incidents for everyone, reports for monitors only.
    let (_, found, _) = call(&w.state, "GET", "/api/v1/search?q=Hama", Some(a), None).await;
    assert!(
        !found["incidents"].as_array().unwrap().is_empty() && !found["reports"].as_array().unwrap().is_empty(),
        "{found}"
    );
    let (_, obs, _) = call(&w.state, "GET", "/api/v1/search?q=Hama", Some(w.session("obs")), None).await;
    assert!(obs["reports"].as_array().unwrap().is_empty());
    let (_, odd, _) = call(&w.state, "GET", "/api/v1/search?q=%22AND%20OR(", Some(a), None).await;
    assert!(odd["incidents"].is_array(), "FTS syntax in user input must not fail: {odd}");
    // A report's spans point into its clean text at the mention's sentence.
    let m = &d["incident"]["mentions"][0];
    let (_, rep, _) =
        call(&w.state, "GET", &format!("/api/v1/reports/{}", m["report_id"].as_str().unwrap()), Some(a), None).await;
    let clean = rep["clean"].as_str().unwrap();
    let (s, e) = (m["start"].as_u64().unwrap() as usize, m["end"].as_u64().unwrap() as usize);
    assert_eq!(&clean[s..e], m["text"].as_str().unwrap());
    assert!(
        rep["spans"].as_array().unwrap().iter().any(|sp| sp["start"] == s && sp["kind"] == "incident"),
        "{}",
        rep["spans"]
    );
    // Clusters: the Hama violation is in a violation cluster.
    let (_, cl, _) = call(&w.state, "GET", "/api/v1/map/clusters?zoom=4", Some(a), None).await;
    let n: i64 =
        cl["features"].as_array().unwrap().iter().map(|f| f["properties"]["violation"].as_i64().unwrap()).sum();
    assert!(n >= 1, "{cl}");
    for f in cl["features"].as_array().unwrap() {
        if f["properties"]["violation"].as_i64().unwrap() > 0 {
            assert_eq!(f["properties"]["verdict"], "violation", "{f}");
        }
    }
    // Timeline: recorded state and an as-of replay before the first report know different things.
    let (_, tl, _) = call(&w.state, "GET", "/api/v1/timeline?agreement=sy-ceasefire-2016-12-30", Some(a), None).await;
    assert!(tl["days"].as_array().unwrap().iter().any(|d| d["admin1"] == "Hama"), "{tl}");
    let (_, early, _) = call(
        &w.state,
        "GET",
        "/api/v1/timeline?agreement=sy-ceasefire-2016-12-30&as_of=2016-12-01T00:00:00Z",
        Some(a),
        None,
    )
    .await;
    assert!(early["days"].as_array().unwrap().is_empty(), "{early}");
    // The OpenAPI document lists the routes.
    let res = app(w.state.clone())
        .oneshot(Request::builder().uri("/api/openapi.json").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let doc: serde_json::Value =
        serde_json::from_slice(&axum::body::to_bytes(res.into_body(), 1 << 24).await.unwrap()).unwrap();
    for p in ["/api/v1/incidents", "/api/v1/referrals/{id}/ack", "/api/v1/hotline/events", "/api/v1/map/clusters"] {
        assert!(doc["paths"][p].is_object(), "{p} missing from openapi");
    }
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escalation_after_the_deadline_is_logged_once() {
    let db = TestDb::sqlite();
    let w = world(&db).await;
    let later = truce_engine::Engine::now().checked_add(jiff::SignedDuration::from_mins(31)).unwrap();
    let open = w.state.engine().referrals(None, 1000).await.unwrap();
    assert!(open.len() >= 3);
    let esc = w.state.engine().escalate_due_at(later).await.unwrap();
    assert_eq!(esc.len(), open.len(), "{esc:?}");
    let not_yet = truce_engine::Engine::now();
    assert!(w.state.engine().escalate_due_at(not_yet).await.unwrap().is_empty());
    assert!(w.state.engine().escalate_due_at(later).await.unwrap().is_empty());
    let (_, r, _) =
        call(&w.state, "GET", &format!("/api/v1/referrals/{}", w.russia_ref), Some(w.session("rus")), None).await;
    assert_eq!(r["referral"]["state"], "escalated");
    assert!(w.state.engine().audit_verify().await.unwrap().first_break.is_none());
}

/// A server on port 0: Turkey's SSE feed gets the referral for a report an
/// analyst uploads, within a second; Russia's feed does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_referral_over_sse_on_a_real_socket() {
    for db in TestDb::both().await {
        let w = world(&db).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(truce_server::serve_on(listener, w.state.clone(), async {
            let _ = stopped.await;
        }));
        use truce_server::client::Conn;
        let tur = w.session("tur");
        let (st, mut turkey) = Conn::connect(&addr)
            .await
            .unwrap()
            .sse("/api/v1/hotline/events", &[("Cookie", &tur.cookie)])
            .await
            .unwrap();
        assert_eq!(st, 200);
        assert_eq!(turkey.next(Duration::from_secs(2)).await.unwrap().event, "ready");
        let rus = w.session("rus");
        let (_, mut russia) = Conn::connect(&addr)
            .await
            .unwrap()
            .sse("/api/v1/hotline/events", &[("Cookie", &rus.cookie)])
            .await
            .unwrap();
        assert_eq!(russia.next(Duration::from_secs(2)).await.unwrap().event, "ready");
        let ana = w.session("ana");
        let mut c = Conn::connect(&addr).await.unwrap();
        let t0 = std::time::Instant::now();
        let up = c
            .request(
                "POST",
                "/api/v1/reports?name=mhardeh.txt",
                &[("Cookie", &ana.cookie), ("x-csrf-token", &ana.csrf), ("Content-Type", "text/plain")],
                TURKEY_REPORT.as_bytes(),
            )
            .await
            .unwrap();
        assert_eq!(up.status, 201, "{}", up.text());
        let ev = turkey.next(Duration::from_secs(5)).await.unwrap();
        let took = t0.elapsed();
        assert_eq!(ev.event, "referral.created", "{ev:?}");
        let r: serde_json::Value = serde_json::from_str(&ev.data).unwrap();
        assert_eq!(r["guarantor"], "turkey");
        assert!(took < Duration::from_secs(1), "delivery took {took:?}");
        // Russia hears nothing about Turkey's referrals (only its own, if the ruling names it too).
        while let Ok(ev) = russia.next(Duration::from_millis(300)).await {
            let r: serde_json::Value = serde_json::from_str(&ev.data).unwrap();
            assert_eq!(r["guarantor"], "russia", "{ev:?}");
        }
        let _ = stop.send(());
        let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
    }
}

#[tokio::test]
async fn map_page_carries_the_configured_tile_url_and_none_by_default() {
    let db = TestDb::sqlite();
    let state = setup(&db).await;
    let page = async |state: &AppState| {
        let s = login(state, "obs").await;
        let req = Request::builder()
            .uri("/map")
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::COOKIE, &s.cookie)
            .body(Body::empty())
            .unwrap();
        let res = app(state.clone()).oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        String::from_utf8(axum::body::to_bytes(res.into_body(), 1 << 24).await.unwrap().to_vec()).unwrap()
    };
    let html = page(&state).await;
    assert!(html.contains(r#"data-tiles="""#), "offline by default");
    let url = "https://tiles.example.org/{z}/{x}/{y}.png";
    let mut o = options();
    o.tile_url = Some(url.into());
    let tiled = AppState::new(state.engine().clone(), o);
    let html = page(&tiled).await;
    assert!(html.contains(&format!(r#"data-tiles="{url}""#)), "configured template drawn by map.js");

    assert_eq!(truce_server::check_tile_url(url), Ok(()));
    let e = truce_server::check_tile_url("tiles.example.org/{z}/{x}/{y}.png").unwrap_err();
    assert!(e.contains("tiles.example.org") && e.contains("http"), "{e}");
    let e = truce_server::check_tile_url("https://tiles.example.org/{z}/{x}.png").unwrap_err();
    assert!(e.contains("{y} is missing"), "{e}");
}

// ---------- security ----------

type Headers<'a> = [(header::HeaderName, &'a str)];

/// A request through the router with headers; returns status, headers and body text.
async fn raw(
    state: &AppState,
    method: &str,
    uri: &str,
    headers: &[(header::HeaderName, &str)],
    body: Option<(&str, String)>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut req = Request::builder().method(method).uri(uri).header(header::HOST, "127.0.0.1:8080");
    for (k, v) in headers {
        req = req.header(k, *v);
    }
    let req = match body {
        Some((ty, b)) => req.header(header::CONTENT_TYPE, ty).body(Body::from(b)),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let res = app(state.clone()).oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 24).await.unwrap();
    (status, headers, String::from_utf8_lossy(&bytes).into_owned())
}

fn assert_security_headers(what: &str, h: &axum::http::HeaderMap, img_src: &str) {
    let get = |k: &str| h.get(k).and_then(|v| v.to_str().ok()).unwrap_or_else(|| panic!("{what}: no {k}: {h:?}"));
    let csp = get("content-security-policy");
    let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
    for d in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        img_src,
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(directives.contains(&d), "{what}: CSP lacks {d:?}: {csp}");
    }
    assert!(!csp.contains("unsafe-") && !csp.contains('*') && !csp.contains("data:"), "{what}: {csp}");
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    // Not `no-referrer`: under it browsers send `Origin: null` on same-origin
    // form posts, which the Origin check refuses (see security.rs).
    assert_eq!(get("referrer-policy"), "same-origin", "{what}");
    assert_eq!(get("x-frame-options"), "DENY", "{what}");
}

/// Every kind of response carries the security headers: API JSON, dashboard
/// pages, assets, redirects, 401, 404 (API and page) and 405. The pages have no
/// inline script or style, which the policy would block.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_headers_on_every_response() {
    let db = TestDb::sqlite();
    let state = setup(&db).await;
    let s = login(&state, "ana").await;
    let me = [(header::COOKIE, s.cookie.as_str())];
    let cases: Vec<(&str, &str, &Headers, u16)> = vec![
        ("GET", "/api/v1/incidents?limit=2", &me, 200),
        ("GET", "/api/openapi.json", &[], 200),
        ("GET", "/map", &me, 200),
        ("GET", "/incidents", &me, 200),
        ("GET", "/login", &[], 200),
        ("GET", "/assets/app.js", &[], 200),
        ("GET", "/assets/adm1.geojson", &[], 200),
        ("GET", "/map", &[], 303),
        ("GET", "/api/v1/me", &[], 401),
        ("GET", "/api/v1/nope", &me, 404),
        ("GET", "/no-such-page", &me, 404),
        ("GET", "/assets/nope.js", &[], 404),
        ("GET", "/incidents/not-an-id", &me, 404),
        ("PUT", "/api/v1/incidents", &me, 405),
    ];
    for (method, uri, headers, want) in cases {
        let (st, h, body) = raw(&state, method, uri, headers, None).await;
        assert_eq!(st.as_u16(), want, "{method} {uri}: {body}");
        assert_security_headers(&format!("{method} {uri}"), &h, "img-src 'self'");
        if h.get(header::CONTENT_TYPE).is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/html")) {
            let lower = body.to_ascii_lowercase();
            for (i, _) in lower.match_indices("<script") {
                let tag = &lower[i..i + lower[i..].find('>').unwrap()];
                assert!(tag.contains(" src="), "{uri}: inline script {tag}");
            }
            assert!(!lower.contains(" style=") && !lower.contains("<style"), "{uri}: inline style");
            let handler = lower.match_indices(" on").find(|(i, _)| {
                let rest = &lower[i + 3..];
                let name = rest.bytes().take_while(u8::is_ascii_lowercase).count();
                name >= 3 && rest.as_bytes().get(name) == Some(&b'=')
            });
            assert!(handler.is_none(), "{uri}: inline event handler at {handler:?}");
        }
    }
    // A configured tile server is allowed for images, and for nothing else.
    let mut o = options();
    o.tile_url = Some("https://tiles.example.org/{z}/{x}/{y}.png".into());
    let tiled = AppState::new(state.engine().clone(), o);
    let (st, h, _) = raw(&tiled, "GET", "/api/v1/me", &[], None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert_security_headers("tiled 401", &h, "img-src 'self' https://tiles.example.org");
    assert_eq!(h["content-security-policy"].to_str().unwrap().matches("tiles.example.org").count(), 1);
}

async fn try_login(state: &AppState, name: &str, pw: &str, ip: &str) -> (StatusCode, serde_json::Value, Option<u64>) {
    let addr: std::net::SocketAddr = format!("{ip}:40000").parse().unwrap();
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/session")
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::CONTENT_TYPE, "application/json")
        .extension(axum::extract::ConnectInfo(addr))
        .body(Body::from(serde_json::json!({"name": name, "password": pw}).to_string()))
        .unwrap();
    let res = app(state.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let retry = res.headers().get(header::RETRY_AFTER).map(|v| v.to_str().unwrap().parse::<u64>().unwrap());
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or_default(), retry)
}

async fn try_form_login(state: &AppState, name: &str, pw: &str, ip: &str) -> (StatusCode, Option<u64>, String) {
    let addr: std::net::SocketAddr = format!("{ip}:40000").parse().unwrap();
    let req = Request::builder()
        .method("POST")
        .uri("/login")
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .extension(axum::extract::ConnectInfo(addr))
        .body(Body::from(format!("name={name}&password={pw}&next=%2Fmap")))
        .unwrap();
    let res = app(state.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let retry = res.headers().get(header::RETRY_AFTER).map(|v| v.to_str().unwrap().parse::<u64>().unwrap());
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap();
    (status, retry, String::from_utf8_lossy(&bytes).into_owned())
}

/// Five failed sign-ins for a name, or from an address, within 15 minutes:
/// further attempts get 429 `too_many_attempts` with Retry-After, the right
/// password too, on the API and the form alike, until the window passes; a
/// success clears the name's count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_limit_per_name_and_per_address() {
    let db = TestDb::sqlite();
    let clock = Clock::system();
    let state = setup_with(&db, options(), clock.clone()).await;
    let bad = |st: StatusCode, body: &serde_json::Value| {
        assert_eq!((st, body["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("bad_credentials")), "{body}")
    };
    let limited = |st: StatusCode, body: &serde_json::Value, retry: Option<u64>| {
        assert_eq!((st, body["error"]["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts")));
        let retry = retry.expect("Retry-After");
        assert!((1..=900).contains(&retry), "Retry-After {retry}");
    };
    // Per name: five wrong passwords for tur, each from its own address.
    for i in 1..=5 {
        let (st, body, _) = try_login(&state, "tur", "wrong-password", &format!("192.0.2.{i}")).await;
        bad(st, &body);
    }
    let (st, body, retry) = try_login(&state, "tur", PW, "192.0.2.50").await;
    limited(st, &body, retry);
    let (st, retry, html) = try_form_login(&state, "tur", PW, "192.0.2.51").await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS, "{html}");
    assert!(retry.is_some() && html.contains("Too many failed sign-ins"), "{html}");
    // Other names are not affected.
    assert_eq!(try_login(&state, "rus", PW, "192.0.2.50").await.0, StatusCode::OK);
    // The window passes: the right password works again.
    clock.advance(Duration::from_secs(15 * 60 + 1));
    assert_eq!(try_login(&state, "tur", PW, "192.0.2.50").await.0, StatusCode::OK);

    // A success resets the name: four failures, a success, four more failures
    // are all 401 (without the reset the sixth failure would be 429).
    for round in 0..2 {
        for i in 1..=4 {
            let ip = format!("198.51.100.{}", round * 10 + i);
            let (st, body, _) = try_login(&state, "iri", "wrong-password", &ip).await;
            bad(st, &body);
        }
        if round == 0 {
            assert_eq!(try_login(&state, "iri", PW, "198.51.100.99").await.0, StatusCode::OK);
        }
    }
    let (st, body, _) = try_login(&state, "iri", "wrong-password", "198.51.100.77").await;
    bad(st, &body);
    let (st, body, retry) = try_login(&state, "iri", PW, "198.51.100.78").await;
    limited(st, &body, retry);

    // Per address: five failures for five names from one address, through
    // the form; then even a right password from there is refused, and the
    // same user from elsewhere gets in.
    for name in ["nobody1", "nobody2", "ada", "ana", "nobody3"] {
        let (st, _, html) = try_form_login(&state, name, "wrong-password", "203.0.113.9").await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "{html}");
    }
    let (st, body, retry) = try_login(&state, "obs", PW, "203.0.113.9").await;
    limited(st, &body, retry);
    assert_eq!(try_login(&state, "obs", PW, "203.0.113.10").await.0, StatusCode::OK);
    // A success does not clear the address; the window does.
    assert_eq!(try_login(&state, "obs", PW, "203.0.113.9").await.0, StatusCode::TOO_MANY_REQUESTS);
    clock.advance(Duration::from_secs(15 * 60));
    assert_eq!(try_login(&state, "obs", PW, "203.0.113.9").await.0, StatusCode::OK);
}

/// A session is refused after logout (API and form) and after it expires;
/// ending one session leaves the user's others alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_end_at_logout_and_at_expiry() {
    let db = TestDb::sqlite();
    let clock = Clock::system();
    let state = setup_with(&db, options(), clock.clone()).await;
    let me = async |s: &Session| call(&state, "GET", "/api/v1/me", Some(s), None).await.0;
    let page = async |s: &Session| {
        let (st, h, _) = raw(&state, "GET", "/map", &[(header::COOKIE, s.cookie.as_str())], None).await;
        (st, h.get(header::LOCATION).map(|v| v.to_str().unwrap().to_owned()))
    };
    // Logout through the API ends that session only.
    let (a, b) = (login(&state, "ana").await, login(&state, "ana").await);
    let (st, _, h) = call(&state, "DELETE", "/api/v1/session", Some(&a), None).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert!(h[header::SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
    assert_eq!(me(&a).await, StatusCode::UNAUTHORIZED);
    assert_eq!(page(&a).await.0, StatusCode::SEE_OTHER);
    assert_eq!(me(&b).await, StatusCode::OK);
    // Logout through the form.
    let form = format!("csrf={}", b.csrf);
    let (st, _, _) = raw(
        &state,
        "POST",
        "/logout",
        &[(header::COOKIE, b.cookie.as_str())],
        Some(("application/x-www-form-urlencoded", form)),
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(me(&b).await, StatusCode::UNAUTHORIZED);
    assert_eq!(page(&b).await, (StatusCode::SEE_OTHER, Some("/login?next=/map".into())));
    // Expiry: 12-hour sessions still work after 11 h 59 min, not after 12 h.
    let c = login(&state, "obs").await;
    clock.advance(Duration::from_secs(12 * 3600 - 60));
    assert_eq!(me(&c).await, StatusCode::OK);
    assert_eq!(page(&c).await.0, StatusCode::OK);
    clock.advance(Duration::from_secs(60));
    let (st, body, _) = call(&state, "GET", "/api/v1/me", Some(&c), None).await;
    assert_eq!((st, body["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthenticated")));
    assert_eq!(page(&c).await.0, StatusCode::SEE_OTHER);
    // A fresh sign-in at the new time works.
    assert_eq!(me(&login(&state, "obs").await).await, StatusCode::OK);
}

/// Writes log lines into a shared buffer.
#[derive(Clone)]
struct LogBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every log line of this test binary from the first call on, at every level.
fn captured_log() -> &'static LogBuffer {
    static LOG: std::sync::OnceLock<LogBuffer> = std::sync::OnceLock::new();
    LOG.get_or_init(|| {
        let buf = LogBuffer(Default::default());
        let writer = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only global subscriber");
        buf
    })
}

/// Sign-ins right and wrong, a password typed into the name field, a new
/// user, API tokens right and wrong, a limited attempt, logout: the log names
/// the users but holds no password, session token, CSRF token or API token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_never_reach_the_log() {
    let log = captured_log();
    let db = TestDb::sqlite();
    let mut o = options();
    o.login_limit.failures = 2;
    let state = setup_with(&db, o, Clock::system()).await;
    let pw = "canary-pw-Qx7vT2";
    add_user(state.engine(), "canary", "analyst", pw, PasswordCost::TestOnly).await.unwrap();
    let (st, body, headers) =
        call(&state, "POST", "/api/v1/session", None, Some(serde_json::json!({"name": "canary", "password": pw})))
            .await;
    assert_eq!(st, StatusCode::OK);
    let cookie = headers[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
    let s = Session { cookie, csrf: body["csrf"].as_str().unwrap().to_owned() };
    let session_token = s.cookie.split_once('=').unwrap().1.to_owned();
    let (st, _, _) = try_form_login(&state, "canary", pw, "192.0.2.1").await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    // Wrong passwords, then one typed into the name field, then the limit.
    let wrong = "wrong-canary-pw-Lm3";
    assert_eq!(try_login(&state, "canary", wrong, "192.0.2.2").await.0, StatusCode::UNAUTHORIZED);
    let (st, _, _) = try_form_login(&state, "canary", wrong, "192.0.2.2").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    // A password of the wrong JSON type is refused without echoing it.
    let typed = serde_json::json!({"name": "canary", "password": 987_654_321_987_u64}).to_string();
    let (st, _, body) = raw(&state, "POST", "/api/v1/session", &[], Some(("application/json", typed))).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("bad_request") && !body.contains("987654321987"), "{body}");
    // And, as with any JSON endpoint, only as JSON (a cross-site form cannot send that).
    let form = serde_json::json!({"name": "canary", "password": pw}).to_string();
    let (st, _, body) = raw(&state, "POST", "/api/v1/session", &[], Some(("text/plain", form))).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
    let in_name = "name-field-pw-Zk9";
    assert_eq!(try_login(&state, in_name, "", "192.0.2.3").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(try_login(&state, "canary", pw, "192.0.2.4").await.0, StatusCode::TOO_MANY_REQUESTS);
    // A user made through the API, an API token used and a wrong one.
    let new_pw = "new-user-pw-Rt5";
    let (st, body, _) = call(
        &state,
        "POST",
        "/api/v1/users",
        Some(&login(&state, "ada").await),
        Some(serde_json::json!({"name": "fresh", "role": "observer", "password": new_pw})),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let typed = serde_json::json!({"name": "fresh2", "role": "observer", "password": 987_654_321_987_u64});
    let (st, body, _) = call(&state, "POST", "/api/v1/users", Some(&login(&state, "ada").await), Some(typed)).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
    assert!(!body.to_string().contains("987654321987"), "{body}");
    let (_, tok, _) = call(&state, "POST", "/api/v1/tokens", Some(&s), Some(serde_json::json!({"label": "x"}))).await;
    let api_token = tok["token"].as_str().unwrap().to_owned();
    for (bearer, want) in [(api_token.as_str(), StatusCode::OK), ("bearer-canary-Hy4", StatusCode::UNAUTHORIZED)] {
        let auth = format!("Bearer {bearer}");
        let (st, _, _) = raw(&state, "GET", "/api/v1/me", &[(header::AUTHORIZATION, auth.as_str())], None).await;
        assert_eq!(st, want);
    }
    let (st, _, _) = call(&state, "DELETE", "/api/v1/session", Some(&s), None).await;
    assert_eq!(st, StatusCode::NO_CONTENT);

    let text = String::from_utf8_lossy(&log.0.lock().unwrap()).into_owned();
    assert!(text.contains("signed in") && text.contains("canary"), "the log was not captured:\n{text}");
    assert!(text.contains("wrong password") && text.contains("too many failures"), "{text}");
    let digest = |t: &str| {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(t.as_bytes()))
    };
    let secrets = [
        ("password", pw.to_owned()),
        ("wrong password", wrong.to_owned()),
        ("password typed as a name", in_name.to_owned()),
        ("new user's password", new_pw.to_owned()),
        ("session token", session_token.clone()),
        ("session token digest", digest(&session_token)),
        ("csrf token", s.csrf.clone()),
        ("api token", api_token.clone()),
        ("api token digest", digest(&api_token)),
        ("wrong bearer token", "bearer-canary-Hy4".to_owned()),
        ("password of the wrong type", "987654321987".to_owned()),
    ];
    for (what, secret) in secrets {
        assert!(!text.contains(&secret), "the {what} is in the log");
    }
}

/// A malformed query string, path or JSON body is answered like every other
/// API error (400, `{"error":{"code":"bad_request",…}}` naming the part at
/// fault), never with axum's plain-text 400/415/422, which the OpenAPI
/// document does not list (schemathesis checks the whole API in CI).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_the_documented_json_error() {
    let db = TestDb::sqlite();
    let state = setup(&db).await;
    let ada = login(&state, "ada").await;
    for uri in ["/api/v1/incidents?limit=-1", "/api/v1/reports?limit=x", "/api/v1/map/clusters?zoom=2147483648"] {
        let (status, body, _) = call(&state, "GET", uri, Some(&ada), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
        assert_eq!(body["error"]["code"], "bad_request", "{uri}: {body}");
        assert!(body["error"]["message"].as_str().unwrap().starts_with("query string: "), "{uri}: {body}");
    }
    let id = referral_ids(&state, &ada).await.into_iter().next().expect("a referral").0;
    let replies = format!("/api/v1/referrals/{id}/replies");
    for (content_type, payload) in
        [(Some("application/json"), "\0"), (Some("application/json"), "null"), (None, "{\"body\":\"x\"}")]
    {
        let mut req = Request::builder()
            .method("POST")
            .uri(&replies)
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::COOKIE, &ada.cookie)
            .header("x-csrf-token", &ada.csrf);
        if let Some(t) = content_type {
            req = req.header(header::CONTENT_TYPE, t);
        }
        let res = app(state.clone()).oneshot(req.body(Body::from(payload)).unwrap()).await.unwrap();
        let status = res.status();
        let ct = res.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_owned());
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap();
        let body: serde_json::Value = serde_json::from_slice(&bytes).expect("a JSON error body");
        assert_eq!(status, StatusCode::BAD_REQUEST, "{payload:?}: {body}");
        assert_eq!(ct.as_deref(), Some("application/json"), "{payload:?}");
        assert_eq!(body["error"]["code"], "bad_request", "{payload:?}: {body}");
        assert!(body["error"]["message"].as_str().unwrap().starts_with("request body: "), "{body}");
    }
}
