//! End-to-end tests in a real browser: Debian's headless Chromium driven over
//! CDP (chromiumoxide) against a server on port 0. Screenshots go to
//! `$CARGO_TARGET_DIR/artifacts/` (or the workspace's `target/artifacts/`).
//! Needs `/usr/bin/chromium` (`apt-get install -y chromium`). Every page
//! watches for Content-Security-Policy violations, and there must be none.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chromiumoxide::Page;
use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams;
use chromiumoxide::handler::viewport::Viewport;
use chromiumoxide::page::ScreenshotParams;
use futures_util::StreamExt;
use truce_engine::{Engine, EngineConfig, IngestConfig};
use truce_server::client::Conn;
use truce_server::{AppState, PasswordCost, ServeOptions, add_user};
use truce_test_support::TestDb;

const PW: &str = "correct-horse-battery";
const CHROMIUM: &str = "/usr/bin/chromium";
const TURKEY_REPORT: &str = "Rebels shell government positions near Mhardeh\n\n\
MHARDEH, Syria (3 January 2017) - Fighters of Ahrar al-Sham shelled government positions in Mhardeh in \
Hama province on 3 January 2017, killing two soldiers, the Syrian army said. The army said the attack \
broke the nationwide ceasefire.\n";

fn artifacts() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| truce_test_support::project_root().join("target"));
    let dir = target.join("artifacts");
    std::fs::create_dir_all(&dir).expect("artifacts folder");
    dir
}

async fn shot(page: &Page, name: &str) {
    let png = page.screenshot(ScreenshotParams::builder().full_page(true).build()).await.expect("screenshot");
    std::fs::write(artifacts().join(format!("{name}.png")), png).expect("write screenshot");
}

async fn eval<T: serde::de::DeserializeOwned>(page: &Page, js: &str) -> T {
    page.evaluate(js).await.unwrap_or_else(|e| panic!("{js}: {e}")).into_value().unwrap_or_else(|e| panic!("{js}: {e}"))
}

/// Waits until `js` is true; returns how long it took.
async fn until(page: &Page, js: &str, timeout: Duration) -> Duration {
    let t0 = Instant::now();
    loop {
        if page.evaluate(js).await.ok().and_then(|v| v.into_value::<bool>().ok()) == Some(true) {
            return t0.elapsed();
        }
        assert!(t0.elapsed() < timeout, "timed out after {timeout:?} waiting for {js}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// At 1280×800: the page is that wide and nothing overflows it sideways.
async fn assert_desktop_layout(page: &Page) {
    let (inner, scroll): (u32, u32) = eval(page, "[window.innerWidth, document.documentElement.scrollWidth]").await;
    assert_eq!(inner, 1280, "the window size is applied");
    assert!(scroll <= inner, "page is {scroll} px wide in a {inner} px window");
}

/// On a phone: nothing wider than the screen, and the map (if any) fills the width.
async fn assert_phone_layout(page: &Page) {
    let (inner, scroll): (u32, u32) = eval(page, "[window.innerWidth, document.documentElement.scrollWidth]").await;
    assert_eq!(inner, 390, "the phone size is applied");
    assert!(scroll <= inner, "page is {scroll} px wide on a {inner} px phone");
    let map: f64 = eval(
        page,
        "document.querySelector('#map') ? document.querySelector('#map').getBoundingClientRect().width : 390",
    )
    .await;
    assert!((300.0..=390.0).contains(&map), "map is {map} px wide on a 390 px phone");
}

/// A tile server on loopback: answers every GET with a small SVG tile naming
/// its path, and records the paths asked for.
async fn fake_tile_server() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let paths = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = paths.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let n = sock.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).into_owned();
                let path = head.split_whitespace().nth(1).unwrap_or("").to_owned();
                let svg = format!(
                    "<svg xmlns='http://www.w3.org/2000/svg' width='256' height='256'><rect width='256' height='256' \
                     fill='#dfe9d6' stroke='#9ab08a'/><text x='8' y='20' font-size='14' fill='#6a7f5c'>{path}</text></svg>"
                );
                seen.lock().unwrap().push(path);
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: image/svg+xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{svg}",
                    svg.len()
                );
                let _ = sock.write_all(reply.as_bytes()).await;
            });
        }
    });
    (base, paths)
}

/// Installed in every document before its scripts: collects what the
/// Content-Security-Policy blocked.
const CSP_WATCH: &str = "window.__csp = []; document.addEventListener('securitypolicyviolation', \
    (e) => window.__csp.push(e.effectiveDirective + ' blocked ' + e.blockedURI));";

/// Nothing on the page so far was blocked by the Content-Security-Policy
/// (so the policy is not breaking the dashboard).
async fn assert_no_csp_violations(page: &Page, what: &str) {
    let blocked: Vec<String> =
        eval(page, "Array.isArray(window.__csp) ? window.__csp : ['the violation listener is missing']").await;
    assert!(blocked.is_empty(), "{what}: {blocked:?}");
}

async fn login(browser: &Browser, base: &str, name: &str) -> Page {
    let page = browser.new_page("about:blank").await.expect("blank page");
    page.evaluate_on_new_document(CSP_WATCH).await.expect("csp listener");
    page.goto(format!("{base}/login")).await.expect("login page");
    until(&page, "!!document.querySelector('#name')", Duration::from_secs(10)).await;
    page.find_element("#name").await.unwrap().click().await.unwrap().type_str(name).await.unwrap();
    page.find_element("#password").await.unwrap().click().await.unwrap().type_str(PW).await.unwrap();
    page.find_element("#signin").await.unwrap().click().await.unwrap();
    until(
        &page,
        &format!("document.querySelector('#me') && document.querySelector('#me').dataset.name === '{name}'"),
        Duration::from_secs(10),
    )
    .await;
    page
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_in_a_real_browser() {
    assert!(
        std::path::Path::new(CHROMIUM).exists(),
        "browser tests need Debian's chromium at {CHROMIUM}: run `apt-get install -y chromium` (.ci/run installs it)"
    );
    // The store, the seeds, one user per role, and a server on port 0.
    let db = TestDb::sqlite();
    let engine = Engine::open(EngineConfig { db_url: db.url.clone(), ingest: IngestConfig { max_size: 1 << 20 } })
        .await
        .unwrap();
    engine.load_examples().await.unwrap();
    let roles = [
        ("ada", "admin"),
        ("ana", "analyst"),
        ("tur", "guarantor:turkey"),
        ("rus", "guarantor:russia"),
        ("obs", "observer"),
    ];
    for (n, r) in roles {
        add_user(&engine, n, r, PW, PasswordCost::TestOnly).await.unwrap();
    }
    let mut opts = ServeOptions::standard();
    opts.password_cost = PasswordCost::TestOnly;
    let state = AppState::new(engine, opts);
    state.refresh().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let base = format!("http://{addr}");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(truce_server::serve_on(listener, state.clone(), async {
        let _ = stopped.await;
    }));
    let hama_filter = truce_engine::IncidentFilter {
        admin1: Some("Hama".into()),
        verdict: Some("violation".into()),
        ..Default::default()
    };
    let hama = state.engine().incidents_page(&hama_filter, None, 1).await.unwrap()[0].id.clone();

    let profile = tempfile::tempdir().unwrap();
    let cfg = BrowserConfig::builder()
        .chrome_executable(CHROMIUM)
        .no_sandbox()
        .user_data_dir(profile.path())
        .window_size(1280, 800)
        .viewport(Viewport { width: 1280, height: 800, device_scale_factor: Some(1.0), ..Viewport::default() })
        .args([
            "no-sandbox",
            "disable-gpu",
            "disable-background-networking",
            "disable-component-update",
            "no-first-run",
            "disable-sync",
            "disable-quic",
            "disable-dev-shm-usage",
        ])
        .launch_timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let (mut browser, mut handler) = Browser::launch(cfg).await.expect("launch chromium");
    let h = tokio::spawn(async move {
        while let Some(ev) = handler.next().await {
            if let Err(e) = ev {
                eprintln!("cdp: {e}")
            }
        }
    });

    // Logging in as each role lands on the map with the user's name shown.
    for (name, role) in roles {
        let page = login(&browser, &base, name).await;
        let shown: String = eval(&page, "document.body.dataset.role").await;
        assert_eq!(shown, role);
        let hotline_link: bool = eval(&page, "!!document.querySelector('a[href=\"/hotline\"]')").await;
        assert_eq!(hotline_link, role != "observer", "{role}");
        shot(&page, &format!("login-{name}")).await;
        assert_no_csp_violations(&page, &format!("map as {name}")).await;
        page.close().await.unwrap();
    }

    // The map shows the seeds' Hama violation: a red cluster and a row in the list.
    let page = login(&browser, &base, "obs").await;
    until(&page, "document.querySelector('#map').dataset.ready === '1'", Duration::from_secs(10)).await;
    let red: u32 = eval(&page, "document.querySelectorAll('#map circle.violation').length").await;
    assert!(red >= 1, "no violation cluster on the map");
    let govs: u32 = eval(&page, "document.querySelectorAll('#map path.adm1').length").await;
    assert_eq!(govs, 14, "the 14 governorates are drawn");
    let rows: String = eval(&page, "document.querySelector('#incidents').innerText").await;
    assert!(rows.contains("Hama") && rows.contains("violation"), "{rows}");
    // Offline by default: no tiles, and every resource the page loaded came from the server.
    let tiles: u32 = eval(&page, "document.querySelectorAll('#map .tiles image').length").await;
    assert_eq!(tiles, 0, "no tile url configured, yet tiles were drawn");
    let foreign: Vec<String> = eval(
        &page,
        "performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith(location.origin))",
    )
    .await;
    assert!(foreign.is_empty(), "requests off the server: {foreign:?}");
    assert_desktop_layout(&page).await;
    shot(&page, "map").await;
    assert_no_csp_violations(&page, "offline map").await;
    // The policy is in force: an image from elsewhere is blocked (and seen).
    let _: bool = eval(
        &page,
        "(() => { const i = new Image(); i.src = 'http://192.0.2.1/x.png'; document.body.append(i); return true; })()",
    )
    .await;
    until(&page, "window.__csp.some(v => v.startsWith('img-src blocked http://192.0.2.1'))", Duration::from_secs(5))
        .await;
    // The same map on a phone (390×844): one column, nothing wider than the screen.
    page.execute(SetDeviceMetricsOverrideParams::new(390, 844, 2.0, true)).await.unwrap();
    page.reload().await.unwrap();
    until(&page, "document.querySelector('#map').dataset.ready === '1'", Duration::from_secs(10)).await;
    assert_phone_layout(&page).await;
    shot(&page, "map-phone").await;
    page.close().await.unwrap();

    // With a tile URL configured (here a fake tile server on loopback), the map
    // requests tiles from that template and draws them under the boundaries.
    let (tile_base, tile_paths) = fake_tile_server().await;
    let mut tiled = ServeOptions::standard();
    tiled.password_cost = PasswordCost::TestOnly;
    tiled.tile_url = Some(format!("{tile_base}/tiles/{{z}}/{{x}}/{{y}}.svg"));
    let tiled_state = AppState::new(state.engine().clone(), tiled);
    let tiled_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let tiled_base = format!("http://{}", tiled_listener.local_addr().unwrap());
    let (tiled_stop, tiled_stopped) = tokio::sync::oneshot::channel::<()>();
    let tiled_server = tokio::spawn(truce_server::serve_on(tiled_listener, tiled_state, async {
        let _ = tiled_stopped.await;
    }));
    let page = login(&browser, &tiled_base, "obs").await;
    until(&page, "document.querySelector('#map').dataset.ready === '1'", Duration::from_secs(10)).await;
    let drawn: Vec<String> =
        eval(&page, "Array.from(document.querySelectorAll('#map .tiles image')).map(i => i.getAttribute('href'))")
            .await;
    assert!(!drawn.is_empty(), "a tile url is configured but no tiles were drawn");
    assert!(drawn.iter().all(|h| h.starts_with(&format!("{tile_base}/tiles/"))), "{drawn:?}");
    let t0 = Instant::now();
    while tile_paths.lock().unwrap().is_empty() {
        assert!(t0.elapsed() < Duration::from_secs(10), "the browser never requested a tile");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let requested = tile_paths.lock().unwrap().clone();
    let tile_path = |p: &str| {
        let parts: Vec<&str> = p.trim_start_matches("/tiles/").trim_end_matches(".svg").split('/').collect();
        parts.len() == 3 && parts.iter().all(|x| x.parse::<u32>().is_ok())
    };
    assert!(requested.iter().all(|p| tile_path(p)), "{requested:?}");
    shot(&page, "map-tiles").await;
    assert_no_csp_violations(&page, "map with tiles").await;
    page.close().await.unwrap();
    let _ = tiled_stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(5), tiled_server).await;

    // The incident page: the source sentence highlighted, and the rule trace.
    let page = login(&browser, &base, "ana").await;
    page.goto(format!("{base}/incidents/{hama}")).await.unwrap();
    until(&page, "!!document.querySelector('ol.trace')", Duration::from_secs(10)).await;
    let mark: String = eval(&page, "document.querySelector('mark.evidence').innerText").await;
    assert!(mark.contains("Hama"), "{mark}");
    let steps: u32 = eval(&page, "document.querySelectorAll('article.ruling ol.trace li').length").await;
    assert!(steps >= 3, "rule trace has {steps} steps");
    let verdict: String = eval(&page, "document.querySelector('h1 .badge').innerText").await;
    assert_eq!(verdict, "violation");
    assert_desktop_layout(&page).await;
    shot(&page, "incident-hama").await;
    page.execute(SetDeviceMetricsOverrideParams::new(390, 844, 2.0, true)).await.unwrap();
    page.reload().await.unwrap();
    until(&page, "!!document.querySelector('ol.trace')", Duration::from_secs(10)).await;
    assert_phone_layout(&page).await;
    shot(&page, "incident-hama-phone").await;
    assert_no_csp_violations(&page, "incident page").await;
    // The other pages load without anything blocked either.
    for path in ["/timeline", "/agreements", "/incidents", "/ingest", "/search?q=Hama"] {
        page.goto(format!("{base}{path}")).await.unwrap();
        until(&page, "document.readyState === 'complete'", Duration::from_secs(10)).await;
        assert_no_csp_violations(&page, path).await;
    }
    page.close().await.unwrap();

    // Turkey's inbox receives a referral live, within a second of an upload through the API.
    let mut api = Conn::connect(&addr).await.unwrap();
    let login_ana = api
        .request(
            "POST",
            "/api/v1/session",
            &[("Content-Type", "application/json")],
            br#"{"name":"ana","password":"correct-horse-battery"}"#,
        )
        .await
        .unwrap();
    let cookie = login_ana.header("set-cookie").unwrap().split(';').next().unwrap().to_owned();
    let csrf = login_ana.json()["csrf"].as_str().unwrap().to_owned();
    let page = login(&browser, &base, "tur").await;
    page.goto(format!("{base}/hotline")).await.unwrap();
    until(&page, "document.body.dataset.live === '1'", Duration::from_secs(10)).await;
    let before: u32 = eval(&page, "document.querySelectorAll('#inbox tbody tr').length").await;
    let t0 = Instant::now();
    let up = api
        .request(
            "POST",
            "/api/v1/reports?name=mhardeh.txt",
            &[("Cookie", &cookie), ("x-csrf-token", &csrf), ("Content-Type", "text/plain")],
            TURKEY_REPORT.as_bytes(),
        )
        .await
        .unwrap();
    assert_eq!(up.status, 201, "{}", up.text());
    let created: Vec<String> =
        up.json()["referrals_created"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
    let turkey_id = state
        .engine()
        .referrals(Some("turkey"), 100)
        .await
        .unwrap()
        .into_iter()
        .find(|r| created.contains(&r.id))
        .expect("a new referral for Turkey")
        .id;
    until(&page, &format!("!!document.querySelector('#inbox tr[data-id=\"{turkey_id}\"]')"), Duration::from_secs(3))
        .await;
    let took = t0.elapsed();
    assert!(took < Duration::from_secs(1), "referral shown {took:?} after the upload was sent");
    let after: u32 = eval(&page, "document.querySelectorAll('#inbox tbody tr').length").await;
    assert!(after > before);
    shot(&page, "hotline-turkey-live").await;
    page.find_element(&format!("tr[data-id=\"{turkey_id}\"] button.ack")).await.unwrap().click().await.unwrap();
    until(
        &page,
        &format!("document.querySelector('#inbox tr[data-id=\"{turkey_id}\"] td.state').innerText === 'acknowledged'"),
        Duration::from_secs(5),
    )
    .await;
    let acked = state.engine().referral(&turkey_id).await.unwrap().unwrap();
    assert_eq!(acked.acked_by.as_deref(), Some("tur"));
    shot(&page, "hotline-turkey-acknowledged").await;
    assert_no_csp_violations(&page, "hotline").await;
    page.close().await.unwrap();

    // Russia can neither see nor acknowledge Turkey's referral, in the UI or through the API.
    let other = state
        .engine()
        .referrals(Some("turkey"), 100)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.acked_at.is_none())
        .unwrap()
        .id;
    let page = login(&browser, &base, "rus").await;
    page.goto(format!("{base}/hotline")).await.unwrap();
    until(&page, "document.body.dataset.live === '1'", Duration::from_secs(10)).await;
    let text: String = eval(&page, "document.querySelector('#inbox').innerText").await;
    assert!(!text.contains("Government of Turkey"), "{text}");
    let ids: Vec<String> =
        eval(&page, "Array.from(document.querySelectorAll('#inbox tbody tr')).map(r => r.dataset.id)").await;
    assert!(!ids.contains(&turkey_id) && !ids.contains(&other), "{ids:?}");
    page.goto(format!("{base}/hotline/{other}")).await.unwrap();
    let title: String = eval(&page, "document.title").await;
    assert!(title.contains("404"), "{title}");
    shot(&page, "hotline-russia-denied").await;
    page.goto(format!("{base}/hotline")).await.unwrap();
    let status: u32 = eval(
        &page,
        &format!(
            "fetch('/api/v1/referrals/{other}/ack', {{method: 'POST', headers: {{'x-csrf-token': document.querySelector('meta[name=csrf]').content}}}}).then(r => r.status)"
        ),
    )
    .await;
    assert_eq!(status, 404);
    let still = state.engine().referral(&other).await.unwrap().unwrap();
    assert!(still.acked_at.is_none());
    page.close().await.unwrap();

    browser.close().await.unwrap();
    let _ = browser.wait().await;
    h.abort();
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
}
