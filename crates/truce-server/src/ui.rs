//! The web dashboard: server-rendered pages (askama, auto-escaped) with small
//! vanilla JS and CSS embedded in the binary, and the governorate and
//! district boundaries from `data/boundaries`. Works offline. Every POST form
//! carries the session's CSRF token; pages need a signed-in user.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use crate::api::{self, IncidentQuery, SearchQuery, TimelineQuery};
use crate::auth::{self, Caller, PageCaller};
use crate::dto::{AgreementDto, ContradictionDto, IncidentDto, ReferralDto, UploadResult};
use crate::limit::ClientAddr;
use crate::{ApiError, AppState};

const ADM1: &str = include_str!("../../../data/boundaries/syr_adm1_governorates_ocha_2016.geojson");
const ADM2: &str = include_str!("../../../data/boundaries/syr_adm2_districts_ocha_2016.geojson");

/// The dashboard's routes.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/map") }))
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", post(logout))
        .route("/map", get(map_page))
        .route("/incidents", get(incidents_page))
        .route("/incidents/{id}", get(incident_page))
        .route("/reports/{id}", get(report_page))
        .route("/timeline", get(timeline_page))
        .route("/agreements", get(agreements_page))
        .route("/agreements/{key}", get(agreement_page))
        .route("/hotline", get(hotline_page))
        .route("/hotline/{id}", get(thread_page))
        .route("/hotline/{id}/ack", post(ack_submit))
        .route("/hotline/{id}/reply", post(reply_submit))
        .route("/ingest", get(ingest_page).post(ingest_submit))
        .route("/search", get(search_page))
        .route("/assets/{name}", get(asset))
}

async fn asset(Path(name): Path<String>) -> Response {
    let (ty, body): (&str, &'static str) = match name.as_str() {
        "app.css" => ("text/css", include_str!("../assets/app.css")),
        "app.js" => ("text/javascript", include_str!("../assets/app.js")),
        "map.js" => ("text/javascript", include_str!("../assets/map.js")),
        "hotline.js" => ("text/javascript", include_str!("../assets/hotline.js")),
        "timeline.js" => ("text/javascript", include_str!("../assets/timeline.js")),
        "adm1.geojson" => ("application/geo+json", ADM1),
        "adm2.geojson" => ("application/geo+json", ADM2),
        _ => return ApiError::NotFound("asset").into_response(),
    };
    ([(header::CONTENT_TYPE, ty), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}

/// What the layout needs.
struct Nav {
    page: &'static str,
    user: String,
    role: String,
    csrf: String,
    monitor: bool,
    hotline: bool,
    q: String,
}

impl Nav {
    fn new(c: &Caller, page: &'static str) -> Nav {
        Nav {
            page,
            user: c.user.name.clone(),
            role: c.role().as_string(),
            csrf: c.csrf.clone().unwrap_or_default(),
            monitor: c.role().is_monitor(),
            hotline: c.role().kind() != "observer",
            q: String::new(),
        }
    }
}

fn render(t: &impl Template) -> Result<Response, ApiError> {
    Ok(Html(t.render()?).into_response())
}

/// Errors as pages for people (the API keeps JSON).
struct PageError(ApiError);

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError(e)
    }
}

impl From<truce_engine::EngineError> for PageError {
    fn from(e: truce_engine::EngineError) -> Self {
        PageError(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    nav: Nav,
    title: String,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        if let ApiError::Internal(cause) = &self.0 {
            tracing::error!(%cause, "internal error");
        }
        let nav = Nav {
            page: "",
            user: String::new(),
            role: String::new(),
            csrf: String::new(),
            monitor: false,
            hotline: false,
            q: String::new(),
        };
        let page = ErrorPage { nav, title: status.to_string(), message: self.0.to_string() };
        (status, Html(page.render().unwrap_or_else(|_| "error".into()))).into_response()
    }
}

type PageResult = Result<Response, PageError>;

// ---------- sign in ----------

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    next: String,
    error: String,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/map".to_owned(),
    }
}

async fn login_page(Query(q): Query<NextQuery>) -> PageResult {
    Ok(render(&LoginPage { next: safe_next(q.next.as_deref()), error: String::new() })?)
}

#[derive(Deserialize)]
struct LoginForm {
    name: String,
    password: String,
    next: Option<String>,
}

async fn login_submit(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> PageResult {
    auth::check_origin(&headers)?;
    let next = safe_next(f.next.as_deref());
    match auth::login(&state, &f.name, &f.password, addr).await {
        Ok((token, _, _)) => {
            let o = state.options();
            let cookie = auth::session_cookie(&token, o.secure_cookies, o.session_hours);
            Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response())
        }
        Err(ApiError::BadCredentials) => {
            let page = LoginPage { next, error: "Wrong name or password.".into() };
            Ok((StatusCode::UNAUTHORIZED, render(&page)?).into_response())
        }
        Err(ApiError::TooManyAttempts { retry_after }) => {
            let minutes = retry_after.div_ceil(60);
            let error = format!(
                "Too many failed sign-ins. Try again in {minutes} minute{}.",
                if minutes == 1 { "" } else { "s" }
            );
            let page = LoginPage { next, error };
            Ok((StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, retry_after.to_string())], render(&page)?)
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: Option<String>,
}

async fn logout(
    State(state): State<AppState>,
    PageCaller(c): PageCaller,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    c.check_csrf(&headers, f.csrf.as_deref())?;
    auth::logout(&state, &headers).await?;
    let o = state.options();
    Ok(([(header::SET_COOKIE, auth::session_cookie("", o.secure_cookies, 0))], Redirect::to("/login")).into_response())
}

// ---------- incidents and the map ----------

/// One incident as a table row.
struct Row {
    id: String,
    when: String,
    what: String,
    place: String,
    actors: String,
    fatalities: u32,
    sources: u32,
    status: String,
    verdict: String,
    verdict_class: String,
}

fn row(i: &IncidentDto) -> Row {
    let when = i.time_utc.first().map(|t| t.replace('T', " ").trim_end_matches(":00Z").to_owned()).unwrap_or_default();
    let place = match (&i.location, &i.admin1) {
        (Some(l), Some(a)) if l != a => format!("{l}, {a}"),
        (Some(l), _) => l.clone(),
        (None, Some(a)) => a.clone(),
        (None, None) => "unknown place".into(),
    };
    let verdict = i.verdict.clone().unwrap_or_else(|| "not judged".into());
    Row {
        id: i.id.clone(),
        when,
        what: i.sub_event_type.clone(),
        place,
        actors: i.actors.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join("; "),
        fatalities: i.fatalities,
        sources: i.sources,
        status: i.status.clone(),
        verdict_class: i.verdict.clone().unwrap_or_else(|| "unjudged".into()),
        verdict: verdict.replace('_', " "),
    }
}

/// The filter form's current values.
#[derive(Default)]
struct FilterView {
    from: String,
    to: String,
    admin1: String,
    event_type: String,
    verdict: String,
    status: String,
    actor: String,
}

fn filter_view(q: &IncidentQuery) -> FilterView {
    let v = |s: &Option<String>| s.clone().unwrap_or_default();
    FilterView {
        from: v(&q.from),
        to: v(&q.to),
        admin1: v(&q.admin1),
        event_type: v(&q.event_type),
        verdict: v(&q.verdict),
        status: v(&q.status),
        actor: v(&q.actor),
    }
}

struct Facets {
    admin1s: Vec<String>,
    types: Vec<String>,
    verdicts: Vec<String>,
    statuses: Vec<String>,
}

async fn facets(state: &AppState) -> Result<Facets, ApiError> {
    let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in state.engine().incident_facets().await? {
        m.entry(f.facet).or_default().push(f.value);
    }
    let mut take = |k: &str| {
        let mut v = m.remove(k).unwrap_or_default();
        v.sort();
        v
    };
    let mut verdicts = take("verdict");
    for v in ["violation", "excluded_party", "undetermined", "not_covered"] {
        if !verdicts.iter().any(|x| x == v) {
            verdicts.push(v.to_owned());
        }
    }
    Ok(Facets { admin1s: take("admin1"), types: take("event_type"), verdicts, statuses: take("status") })
}

#[derive(Template)]
#[template(path = "map.html")]
struct MapPage {
    nav: Nav,
    f: FilterView,
    admin1s: Vec<String>,
    types: Vec<String>,
    verdicts: Vec<String>,
    statuses: Vec<String>,
    incidents: Vec<Row>,
    cluster_count: usize,
    incident_count: i64,
    tile_url: String,
}

async fn map_page(
    State(state): State<AppState>,
    PageCaller(c): PageCaller,
    Query(mut q): Query<IncidentQuery>,
) -> PageResult {
    q.limit = Some(q.limit.unwrap_or(100).min(200));
    let page = api::incident_page(&state, &q).await?;
    let clusters = api::clusters(&state, &q, Some(2), None).await?;
    let features = clusters["features"].as_array().cloned().unwrap_or_default();
    let incident_count = features.iter().filter_map(|f| f["properties"]["count"].as_i64()).sum();
    let fa = facets(&state).await?;
    Ok(render(&MapPage {
        nav: Nav::new(&c, "map"),
        f: filter_view(&q),
        admin1s: fa.admin1s,
        types: fa.types,
        verdicts: fa.verdicts,
        statuses: fa.statuses,
        incidents: page.items.iter().map(row).collect(),
        cluster_count: features.len(),
        incident_count,
        tile_url: state.options().tile_url.clone().unwrap_or_default(),
    })?)
}

#[derive(Template)]
#[template(path = "incidents.html")]
struct IncidentsPage {
    nav: Nav,
    f: FilterView,
    admin1s: Vec<String>,
    types: Vec<String>,
    verdicts: Vec<String>,
    statuses: Vec<String>,
    incidents: Vec<Row>,
    next: String,
}

async fn incidents_page(
    State(state): State<AppState>,
    PageCaller(c): PageCaller,
    Query(q): Query<IncidentQuery>,
) -> PageResult {
    let page = api::incident_page(&state, &q).await?;
    let next = match &page.next_cursor {
        Some(cur) => {
            let f = filter_view(&q);
            let pairs = [
                ("from", f.from),
                ("to", f.to),
                ("admin1", f.admin1),
                ("type", f.event_type),
                ("verdict", f.verdict),
                ("status", f.status),
                ("actor", f.actor),
                ("cursor", cur.clone()),
            ];
            let qs: Vec<String> = pairs
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| format!("{k}={}", auth::urlencode(v)))
                .collect();
            format!("/incidents?{}", qs.join("&"))
        }
        None => String::new(),
    };
    let fa = facets(&state).await?;
    Ok(render(&IncidentsPage {
        nav: Nav::new(&c, "incidents"),
        f: filter_view(&q),
        admin1s: fa.admin1s,
        types: fa.types,
        verdicts: fa.verdicts,
        statuses: fa.statuses,
        incidents: page.items.iter().map(row).collect(),
        next,
    })?)
}

struct RulingView {
    agreement_key: String,
    agreement_version: i64,
    verdict: String,
    verdict_class: String,
    responsible: String,
    guarantors: String,
    confidence: String,
    low_confidence: bool,
    trace: Vec<String>,
}

struct MentionView {
    report: String,
    report_id: String,
    start: usize,
    end: usize,
    before: String,
    text: String,
    after: String,
}

#[derive(Template)]
#[template(path = "incident.html")]
struct IncidentPage {
    nav: Nav,
    i: Row,
    time: String,
    place_full: String,
    rulings: Vec<RulingView>,
    mentions: Vec<MentionView>,
    contradictions: Vec<ContradictionDto>,
    monitor: bool,
}

async fn incident_page(State(state): State<AppState>, PageCaller(c): PageCaller, Path(id): Path<String>) -> PageResult {
    let d = api::incident_detail(&state, &id).await?;
    let i = &d.incident;
    let list = |v: &[String]| if v.is_empty() { "unknown".to_owned() } else { v.join(", ") };
    let rulings = d
        .rulings
        .iter()
        .map(|r| RulingView {
            agreement_key: r.agreement_key.clone(),
            agreement_version: r.agreement_version,
            verdict: r.verdict.replace('_', " "),
            verdict_class: r.verdict.clone(),
            responsible: list(&r.responsible),
            guarantors: list(&r.guarantors),
            confidence: format!("{:.2}", r.confidence),
            low_confidence: r.confidence < 0.5,
            trace: r.trace.clone(),
        })
        .collect();
    // The sentence in its paragraph: monitors see the report's clean text around it.
    let mut mentions = Vec::new();
    for m in &i.mentions {
        let (mut before, mut after) = (String::new(), String::new());
        if c.role().is_monitor()
            && let Ok(rep) = api::report_detail(&state, &m.report_id).await
            && m.end <= rep.clean.len()
            && rep.clean.is_char_boundary(m.start)
            && rep.clean.is_char_boundary(m.end)
        {
            let b = &rep.clean[..m.start];
            let start = b.char_indices().rev().nth(240).map_or(0, |(k, _)| k);
            before = format!("{}{}", if start > 0 { "…" } else { "" }, &b[start..]);
            let a = &rep.clean[m.end..];
            let end = a.char_indices().nth(240).map_or(a.len(), |(k, _)| k);
            after = format!("{}{}", &a[..end], if end < a.len() { "…" } else { "" });
        }
        mentions.push(MentionView {
            report: m.report.clone(),
            report_id: m.report_id.clone(),
            start: m.start,
            end: m.end,
            before,
            text: m.text.clone(),
            after,
        });
    }
    let time = i.time_utc.join(" – ");
    let place_full =
        [i.location.clone(), i.admin2.clone(), i.admin1.clone()].into_iter().flatten().collect::<Vec<_>>().join(", ")
            + &match (i.lat, i.lon) {
                (Some(a), Some(b)) => format!(" ({a:.3}, {b:.3}; precision {})", i.geo_precision.unwrap_or(3)),
                _ => String::new(),
            };
    Ok(render(&IncidentPage {
        nav: Nav::new(&c, "incidents"),
        i: row(i),
        time,
        place_full,
        rulings,
        mentions,
        contradictions: d.contradictions,
        monitor: c.role().is_monitor(),
    })?)
}

struct Piece {
    text: String,
    kind: String,
    label: String,
    start: usize,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    nav: Nav,
    id: String,
    name: String,
    received: String,
    media: String,
    size: i64,
    pieces: Vec<Piece>,
    raw: String,
}

async fn report_page(State(state): State<AppState>, PageCaller(c): PageCaller, Path(id): Path<String>) -> PageResult {
    c.require(&["admin", "analyst"])?;
    let d = api::report_detail(&state, &id).await?;
    let mut spans = d.spans.clone();
    spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    let mut pieces = Vec::new();
    let mut at = 0;
    for s in spans {
        if s.start < at
            || s.end > d.clean.len()
            || !d.clean.is_char_boundary(s.start)
            || !d.clean.is_char_boundary(s.end)
        {
            continue;
        }
        if s.start > at {
            pieces.push(Piece {
                text: d.clean[at..s.start].to_owned(),
                kind: String::new(),
                label: String::new(),
                start: at,
            });
        }
        let kind = if s.kind == "incident" { "evidence".to_owned() } else { s.kind.clone() };
        pieces.push(Piece { text: d.clean[s.start..s.end].to_owned(), kind, label: s.label, start: s.start });
        at = s.end;
    }
    pieces.push(Piece { text: d.clean[at..].to_owned(), kind: String::new(), label: String::new(), start: at });
    Ok(render(&ReportPage {
        nav: Nav::new(&c, ""),
        id: d.report.id.clone(),
        name: d.report.name.clone(),
        received: d.report.received_at.clone(),
        media: d.report.media_type.clone(),
        size: d.report.size,
        pieces,
        raw: d.raw,
    })?)
}

// ---------- timeline ----------

#[derive(Template)]
#[template(path = "timeline.html")]
struct TimelinePage {
    nav: Nav,
    agreements: Vec<(String, String)>,
    agreement: String,
    scrub_min: i64,
    scrub_max: i64,
    from: String,
    to: String,
    table: String,
}

#[derive(Deserialize)]
struct TimelineParams {
    agreement: Option<String>,
    as_of: Option<String>,
    fragment: Option<String>,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The heat table: governorates down, days across.
fn heat_table(t: &crate::dto::TimelineDto, start_day: &str) -> String {
    let mut days = Vec::new();
    let (Ok(from), Ok(to)) = (t.from.parse::<jiff::civil::Date>(), t.to.parse::<jiff::civil::Date>()) else {
        return String::new();
    };
    let mut d = from;
    while d < to {
        days.push(d.to_string());
        d = d.tomorrow().unwrap_or(to);
    }
    let mut govs: BTreeMap<&str, BTreeMap<&str, i64>> = BTreeMap::new();
    for r in &t.days {
        *govs.entry(if r.admin1.is_empty() { "unknown" } else { &r.admin1 }).or_default().entry(&r.day).or_default() +=
            r.violations;
    }
    let mut h = String::from("<table class=\"dense heat\" id=\"heat\"><thead><tr><th>Governorate</th>");
    for d in &days {
        let cls = if d == start_day { " start" } else { "" };
        h.push_str(&format!("<th class=\"day{cls}\" title=\"{d}\">{}</th>", &d[5..]));
    }
    h.push_str("<th>Total</th></tr></thead><tbody>");
    for (g, row) in &govs {
        h.push_str(&format!("<tr><th>{}</th>", esc(g)));
        for d in &days {
            let n = row.get(d.as_str()).copied().unwrap_or(0);
            let lvl = match n {
                0 => 0,
                1 => 1,
                2..=3 => 2,
                4..=9 => 3,
                _ => 4,
            };
            let cls = if d == start_day { " start" } else { "" };
            let txt = if n > 0 { n.to_string() } else { String::new() };
            h.push_str(&format!("<td class=\"n{lvl}{cls}\" title=\"{} {d}: {n}\">{txt}</td>", esc(g)));
        }
        h.push_str(&format!("<td class=\"num\">{}</td></tr>", row.values().sum::<i64>()));
    }
    if govs.is_empty() {
        h.push_str(&format!(
            "<tr><td colspan=\"{}\" class=\"muted\">No violations in this window.</td></tr>",
            days.len() + 2
        ));
    }
    h.push_str("</tbody></table>");
    if let Some(a) = &t.as_of {
        h.push_str(&format!("<p class=\"muted\">Replayed as of {}.</p>", esc(a)));
    }
    h
}

async fn timeline_page(
    State(state): State<AppState>,
    PageCaller(c): PageCaller,
    Query(p): Query<TimelineParams>,
) -> PageResult {
    let docs = api::agreements(&state).await?;
    let agreement = p
        .agreement
        .filter(|a| docs.iter().any(|d| &d.key == a))
        .or_else(|| docs.iter().find(|d| d.key == "sy-ceasefire-2016-12-30").map(|d| d.key.clone()))
        .or_else(|| docs.first().map(|d| d.key.clone()))
        .unwrap_or_default();
    let q = TimelineQuery { agreement: Some(agreement.clone()), as_of: p.as_of.clone(), before: None, after: None };
    let t = api::timeline_data(&state, &q).await?;
    let start = docs.iter().find(|d| d.key == agreement).map(|d| d.effective_from[..10].to_owned()).unwrap_or_default();
    let table = heat_table(&t, &start);
    if p.fragment.is_some() {
        return Ok(Html(table).into_response());
    }
    let secs = |d: &str| format!("{d}T00:00:00Z").parse::<jiff::Timestamp>().map_or(0, |t| t.as_second());
    Ok(render(&TimelinePage {
        nav: Nav::new(&c, "timeline"),
        agreements: docs.iter().map(|d| (d.key.clone(), d.title.clone())).collect(),
        agreement,
        scrub_min: secs(&t.from),
        scrub_max: secs(&t.to),
        from: t.from.clone(),
        to: t.to.clone(),
        table,
    })?)
}

// ---------- agreements ----------

#[derive(Template)]
#[template(path = "agreements.html")]
struct AgreementsPage {
    nav: Nav,
    agreements: Vec<AgreementDto>,
}

async fn agreements_page(State(state): State<AppState>, PageCaller(c): PageCaller) -> PageResult {
    Ok(render(&AgreementsPage { nav: Nav::new(&c, "agreements"), agreements: api::agreements(&state).await? })?)
}

#[derive(Template)]
#[template(path = "agreement.html")]
struct AgreementPage {
    nav: Nav,
    a: AgreementDto,
    by_responsible: Vec<(String, i64)>,
    by_guarantor: Vec<(String, i64)>,
    by_verdict: Vec<(String, i64)>,
}

async fn agreement_page(
    State(state): State<AppState>,
    PageCaller(c): PageCaller,
    Path(key): Path<String>,
) -> PageResult {
    let a = api::agreements(&state).await?.into_iter().find(|a| a.key == key).ok_or(ApiError::NotFound("agreement"))?;
    let (mut resp, mut guar, mut verd): (BTreeMap<String, i64>, BTreeMap<String, i64>, BTreeMap<String, i64>) =
        Default::default();
    let mut cursor = None;
    for _ in 0..20 {
        let rows = state.engine().rulings_page(None, Some(&key), cursor.clone(), 500).await?;
        for r in &rows {
            let d = crate::dto::RulingDto::from_row(r)?;
            *verd.entry(d.verdict.clone()).or_default() += 1;
            if d.verdict == "violation" {
                for x in &d.responsible {
                    *resp.entry(x.clone()).or_default() += 1;
                }
                for x in &d.guarantors {
                    *guar.entry(x.clone()).or_default() += 1;
                }
            }
        }
        if rows.len() < 500 {
            break;
        }
        cursor = rows.last().map(|r| (r.incident_id.clone(), r.agreement_key.clone()));
    }
    let sorted = |m: BTreeMap<String, i64>| {
        let mut v: Vec<_> = m.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    };
    Ok(render(&AgreementPage {
        nav: Nav::new(&c, "agreements"),
        a,
        by_responsible: sorted(resp),
        by_guarantor: sorted(guar),
        by_verdict: sorted(verd),
    })?)
}

// ---------- hotline ----------

struct ReferralView {
    id: String,
    incident_id: String,
    agreement_key: String,
    guarantor_name: String,
    sub_event_type: String,
    place: String,
    responsible: String,
    evidence: String,
    created_at: String,
    deadline_at: String,
    state: String,
    can_ack: bool,
}

fn referral_view(r: &ReferralDto, c: &Caller) -> ReferralView {
    ReferralView {
        id: r.id.clone(),
        incident_id: r.incident_id.clone(),
        agreement_key: r.agreement_key.clone(),
        guarantor_name: r.guarantor_name.clone(),
        sub_event_type: r.sub_event_type.clone(),
        place: r.location.clone().or_else(|| r.admin1.clone()).unwrap_or_else(|| "?".into()),
        responsible: if r.responsible.is_empty() { "unknown".into() } else { r.responsible.join(", ") },
        evidence: r.evidence.clone().unwrap_or_default(),
        created_at: r.created_at.clone(),
        deadline_at: r.deadline_at.clone(),
        state: r.state.clone(),
        can_ack: c.role().guarantor() == Some(r.guarantor.as_str()) && r.state != "acknowledged",
    }
}

#[derive(Template)]
#[template(path = "hotline.html")]
struct HotlinePage {
    nav: Nav,
    guarantor: String,
    referrals: Vec<ReferralView>,
}

async fn hotline_page(State(state): State<AppState>, PageCaller(c): PageCaller) -> PageResult {
    let refs = api::referrals_for(&state, &c, 500).await?;
    let guarantor = c.role().guarantor().map(truce_engine::actor_name).unwrap_or_default();
    Ok(render(&HotlinePage {
        nav: Nav::new(&c, "hotline"),
        guarantor,
        referrals: refs.iter().map(|r| referral_view(r, &c)).collect(),
    })?)
}

#[derive(Template)]
#[template(path = "thread.html")]
struct ThreadPage {
    nav: Nav,
    r: ReferralView,
    thread: Vec<crate::dto::MessageDto>,
}

async fn thread_page(State(state): State<AppState>, PageCaller(c): PageCaller, Path(id): Path<String>) -> PageResult {
    c.require(&["admin", "analyst", "guarantor"])?;
    let r = api::visible_referral(&state, &c, &id).await?;
    let thread = state.engine().thread(&r.incident_id, &r.agreement_key).await?;
    let dto = ReferralDto::from_referral(&r);
    Ok(render(&ThreadPage {
        nav: Nav::new(&c, "hotline"),
        r: referral_view(&dto, &c),
        thread: thread.iter().map(crate::dto::MessageDto::from_message).collect(),
    })?)
}

async fn ack_submit(
    State(state): State<AppState>,
    PageCaller(c): PageCaller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    c.check_csrf(&headers, f.csrf.as_deref())?;
    match api::acknowledge(&state, &c, &id).await {
        Ok(_) | Err(ApiError::Conflict(_)) => {
            Ok(Redirect::to(&format!("/hotline/{}", auth::urlencode(&id))).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct ReplyForm {
    csrf: Option<String>,
    body: String,
}

async fn reply_submit(
    State(state): State<AppState>,
    PageCaller(c): PageCaller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<ReplyForm>,
) -> PageResult {
    c.check_csrf(&headers, f.csrf.as_deref())?;
    api::reply(&state, &c, &id, &f.body).await?;
    Ok(Redirect::to(&format!("/hotline/{}", auth::urlencode(&id))).into_response())
}

// ---------- ingest and search ----------

#[derive(Template)]
#[template(path = "ingest.html")]
struct IngestPage {
    nav: Nav,
    error: String,
    result: Option<UploadResult>,
}

async fn ingest_page(PageCaller(c): PageCaller) -> PageResult {
    c.require(&["admin", "analyst"])?;
    Ok(render(&IngestPage { nav: Nav::new(&c, "ingest"), error: String::new(), result: None })?)
}

async fn ingest_submit(
    State(state): State<AppState>,
    PageCaller(c): PageCaller,
    headers: HeaderMap,
    mut form: Multipart,
) -> PageResult {
    c.require(&["admin", "analyst"])?;
    let (mut csrf, mut name, mut source, mut text, mut file) = (None, None, None, Vec::new(), Vec::new());
    let mut file_name = None;
    while let Some(field) = form.next_field().await.map_err(|e| ApiError::BadRequest(format!("form: {e}")))? {
        let key = field.name().unwrap_or("").to_owned();
        if key == "file" {
            file_name = field.file_name().map(ToOwned::to_owned).filter(|n| !n.is_empty());
        }
        let bytes = field.bytes().await.map_err(|e| ApiError::BadRequest(format!("form: {e}")))?;
        let s = || String::from_utf8_lossy(&bytes).into_owned();
        match key.as_str() {
            "csrf" => csrf = Some(s()),
            "name" => name = Some(s()),
            "source" => source = Some(s()),
            "text" => text = bytes.to_vec(),
            "file" => file = bytes.to_vec(),
            _ => {}
        }
    }
    c.check_csrf(&headers, csrf.as_deref())?;
    let (bytes, name) =
        if file.is_empty() { (text, name) } else { (file, name.filter(|n| !n.is_empty()).or(file_name)) };
    let nav = Nav::new(&c, "ingest");
    match api::ingest(&state, name, source, &bytes).await {
        Ok(res) => Ok(render(&IngestPage { nav, error: String::new(), result: Some(res) })?),
        Err(ApiError::BadRequest(m)) => {
            Ok((StatusCode::BAD_REQUEST, render(&IngestPage { nav, error: m, result: None })?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    nav: Nav,
    incidents: Vec<Row>,
    reports: Vec<(String, String, String)>,
    monitor: bool,
}

async fn search_page(
    State(state): State<AppState>,
    PageCaller(c): PageCaller,
    Query(q): Query<SearchQuery>,
) -> PageResult {
    let res = api::search_data(&state, &c, &q).await?;
    let mut nav = Nav::new(&c, "");
    nav.q.clone_from(&q.q);
    Ok(render(&SearchPage {
        nav,
        incidents: res.incidents.iter().map(row).collect(),
        reports: res.reports.iter().map(|h| (h.report.id.clone(), h.report.name.clone(), h.snippet.clone())).collect(),
        monitor: c.role().is_monitor(),
    })?)
}
