//! The JSON API under `/api/v1` and its OpenAPI document. Each handler states
//! which roles may call it; the authorisation matrix test walks every route.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use truce_engine::{IncidentFilter, JudgeRequest, Referral, Stored};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{self, Caller};
use crate::dto::*;
use crate::error::ErrorBody;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::limit::ClientAddr;
use crate::{ApiError, AppState, HotlineEvent};

#[derive(OpenApi)]
#[openapi(
    info(title = "Truce API", description = "Ceasefire monitoring: reports, incidents, rulings, agreements and the guarantor hotline. \
Sign in with POST /api/v1/session (cookie; send the returned csrf as x-csrf-token on writes) or use a Bearer token from POST /api/v1/tokens."),
    modifiers(&Security),
    tags((name = "reports"), (name = "incidents"), (name = "agreements"), (name = "hotline"), (name = "access"))
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let c = openapi.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        c.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(auth::SESSION_COOKIE))),
        );
    }
}

fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest(
        "/api/v1",
        OpenApiRouter::new()
            .routes(routes!(list_reports, upload_report))
            .routes(routes!(get_report))
            .routes(routes!(list_incidents))
            .routes(routes!(incidents_geojson))
            .routes(routes!(map_clusters))
            .routes(routes!(get_incident))
            .routes(routes!(list_rulings))
            .routes(routes!(list_agreements))
            .routes(routes!(get_agreement))
            .routes(routes!(list_contradictions))
            .routes(routes!(timeline))
            .routes(routes!(search))
            .routes(routes!(facets))
            .routes(routes!(list_referrals))
            .routes(routes!(get_referral))
            .routes(routes!(acknowledge_referral))
            .routes(routes!(reply_referral))
            .routes(routes!(crate::hotline::events))
            .routes(routes!(login, logout))
            .routes(routes!(me))
            .routes(routes!(create_token))
            .routes(routes!(list_users, create_user)),
    )
}

/// The API routes plus `/api/openapi.json`.
pub(crate) fn router() -> axum::Router<AppState> {
    let (router, _) = api_router().split_for_parts();
    router.route("/api/openapi.json", axum::routing::get(openapi)).fallback(not_found)
}

/// The OpenAPI document as JSON.
pub(crate) fn openapi_json() -> String {
    let (_, doc) = api_router().split_for_parts();
    doc.to_pretty_json().unwrap_or_default()
}

async fn openapi(State(state): State<AppState>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], state.0.openapi.clone()).into_response()
}

async fn not_found() -> ApiError {
    ApiError::NotFound("page")
}

const MONITORS: &[&str] = &["admin", "analyst"];
const EVERYONE: &[&str] = &["admin", "analyst", "guarantor", "observer"];

// ---------- reports ----------

/// Paging of reports.
#[derive(Debug, Deserialize, IntoParams)]
struct ReportQuery {
    /// Only reports that arrived before this `seq`.
    before: Option<i64>,
    /// Page size (1–200, default 50).
    limit: Option<u32>,
}

/// Stored reports, newest first (monitors only).
#[utoipa::path(get, path = "/reports", tag = "reports", params(ReportQuery),
    responses((status = 200, body = ReportPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
async fn list_reports(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Json<ReportPage>, ApiError> {
    caller.require(MONITORS)?;
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let rows = state.engine().report_list(q.before.unwrap_or(i64::MAX), limit).await?;
    let next_before = (rows.len() == limit as usize).then(|| rows.last().map(|r| r.seq)).flatten();
    Ok(Json(ReportPage { items: rows.iter().map(ReportDto::from_row).collect(), next_before }))
}

/// Upload one document (text, HTML, JSON Lines or a feed; or JSON `{text,name,source}`),
/// then run the pipeline: read, merge, judge, refer (monitors only).
#[utoipa::path(post, path = "/reports", tag = "reports",
    request_body(content = UploadJson, description = "JSON, or the document itself as text/plain or text/html"),
    params(("name" = Option<String>, Query, description = "Name for a raw upload"),
           ("source" = Option<String>, Query, description = "Source for a raw upload")),
    responses((status = 201, body = UploadResult), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
async fn upload_report(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiQuery(meta): ApiQuery<UploadMeta>,
    body: Bytes,
) -> Result<(StatusCode, Json<UploadResult>), ApiError> {
    caller.require(MONITORS)?;
    caller.check_csrf(&headers, None)?;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let (name, source, bytes) = if is_json {
        let u: UploadJson =
            serde_json::from_slice(&body).map_err(|e| ApiError::BadRequest(format!("request body: {e}")))?;
        (u.name.or(meta.name), u.source.or(meta.source), u.text.into_bytes())
    } else {
        (meta.name, meta.source, body.to_vec())
    };
    Ok((StatusCode::CREATED, Json(ingest(&state, name, source, &bytes).await?)))
}

/// Name and source of a raw upload.
#[derive(Debug, Deserialize)]
pub(crate) struct UploadMeta {
    name: Option<String>,
    source: Option<String>,
}

/// Stores a document and runs the pipeline (shared by the API and the ingest page).
pub(crate) async fn ingest(
    state: &AppState,
    name: Option<String>,
    source: Option<String>,
    bytes: &[u8],
) -> Result<UploadResult, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::BadRequest("the document is empty".into()));
    }
    let name = name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| "upload.txt".to_owned());
    let summary = state.engine().ingest_document(&name, bytes, source.filter(|s| !s.trim().is_empty()), None).await?;
    let refresh = state.refresh().await?;
    Ok(UploadResult {
        reports: summary
            .items
            .iter()
            .map(|i| UploadedReport {
                id: i.id.clone(),
                name: i.name.clone(),
                stored: if i.stored == Stored::New { "new" } else { "already_known" }.to_owned(),
            })
            .collect(),
        failed: summary.failed.iter().map(ToString::to_string).collect(),
        incidents: refresh.incidents,
        rulings_new: refresh.rulings_new,
        rulings_changed: refresh.rulings_changed,
        referrals_created: refresh.referrals_created,
    })
}

/// One report: raw text, clean text, sentences and mention spans (monitors only).
#[utoipa::path(get, path = "/reports/{id}", tag = "reports", params(("id" = String, Path, description = "Content hash")),
    responses((status = 200, body = ReportDetail), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
async fn get_report(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ReportDetail>, ApiError> {
    caller.require(MONITORS)?;
    Ok(Json(report_detail(&state, &id).await?))
}

pub(crate) async fn report_detail(state: &AppState, id: &str) -> Result<ReportDetail, ApiError> {
    if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::NotFound("report"));
    }
    let v = state.engine().report_view(id).await?.ok_or(ApiError::NotFound("report"))?;
    Ok(ReportDetail {
        report: ReportDto::from_row(&v.meta),
        raw: v.raw,
        clean: v.clean,
        sentences: v.sentences.iter().map(|&(a, b)| [a, b]).collect(),
        spans: v
            .spans
            .into_iter()
            .map(|s| SpanDto { start: s.start, end: s.end, kind: s.kind, label: s.label })
            .collect(),
    })
}

// ---------- incidents ----------

/// Incident filters.
#[derive(Debug, Deserialize, IntoParams, Default, Clone)]
pub(crate) struct IncidentQuery {
    /// Starting at or after (RFC 3339 or YYYY-MM-DD).
    pub from: Option<String>,
    /// Starting before (RFC 3339 or YYYY-MM-DD).
    pub to: Option<String>,
    /// Governorate name, e.g. `Hama`.
    pub admin1: Option<String>,
    /// ACLED event type or sub-event type.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub event_type: Option<String>,
    /// Canonical actor name.
    pub actor: Option<String>,
    /// reported, corroborated, verified, disputed, rejected.
    pub status: Option<String>,
    /// Headline verdict: violation, excluded_party, undetermined, not_covered.
    pub verdict: Option<String>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Page size (1–500, default 50).
    pub limit: Option<u32>,
}

fn parse_time(s: &str, field: &str) -> Result<i64, ApiError> {
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Ok(t.as_millisecond());
    }
    if s.len() == 10
        && let Ok(t) = format!("{s}T00:00:00Z").parse::<jiff::Timestamp>()
    {
        return Ok(t.as_millisecond());
    }
    Err(ApiError::BadRequest(format!("{field}={s:?}: expected an RFC 3339 time or YYYY-MM-DD")))
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

impl IncidentQuery {
    pub(crate) fn filter(&self) -> Result<IncidentFilter, ApiError> {
        Ok(IncidentFilter {
            from: nonempty(&self.from).map(|s| parse_time(&s, "from")).transpose()?,
            to: nonempty(&self.to).map(|s| parse_time(&s, "to")).transpose()?,
            admin1: nonempty(&self.admin1),
            event_type: nonempty(&self.event_type),
            actor: nonempty(&self.actor),
            status: nonempty(&self.status),
            verdict: nonempty(&self.verdict),
        })
    }

    fn cursor(&self) -> Result<Option<(i64, String)>, ApiError> {
        let Some(c) = nonempty(&self.cursor) else { return Ok(None) };
        let bad = || ApiError::BadRequest(format!("cursor={c:?}: use next_cursor from the previous page"));
        let (t, id) = c.split_once('_').ok_or_else(bad)?;
        Ok(Some((t.parse().map_err(|_| bad())?, id.to_owned())))
    }
}

pub(crate) async fn incident_page(state: &AppState, q: &IncidentQuery) -> Result<IncidentPage, ApiError> {
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let rows = state.engine().incidents_page(&q.filter()?, q.cursor()?, limit).await?;
    let next_cursor =
        (rows.len() == limit as usize).then(|| rows.last().map(|r| format!("{}_{}", r.time_from, r.id))).flatten();
    let items = rows.iter().map(IncidentDto::from_row).collect::<Result<_, _>>()?;
    Ok(IncidentPage { items, next_cursor })
}

/// Recorded incidents, newest first, filtered and paged by cursor.
#[utoipa::path(get, path = "/incidents", tag = "incidents", params(IncidentQuery),
    responses((status = 200, body = IncidentPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn list_incidents(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<IncidentQuery>,
) -> Result<Json<IncidentPage>, ApiError> {
    caller.require(EVERYONE)?;
    Ok(Json(incident_page(&state, &q).await?))
}

/// Incidents as a GeoJSON FeatureCollection of points (filters as for /incidents; at most 5,000).
#[utoipa::path(get, path = "/incidents.geojson", tag = "incidents", params(IncidentQuery),
    responses((status = 200, description = "GeoJSON FeatureCollection", content_type = "application/geo+json"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn incidents_geojson(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(mut q): ApiQuery<IncidentQuery>,
) -> Result<Response, ApiError> {
    caller.require(EVERYONE)?;
    q.limit = Some(q.limit.unwrap_or(1000).clamp(1, 5000));
    let limit = q.limit.unwrap_or(1000);
    let rows = state.engine().incidents_page(&q.filter()?, q.cursor()?, limit).await?;
    let mut features = Vec::with_capacity(rows.len());
    for r in &rows {
        let i = IncidentDto::from_row(r)?;
        let (Some(lon), Some(lat)) = (i.lon, i.lat) else { continue };
        features.push(serde_json::json!({
            "type": "Feature",
            "id": i.id,
            "geometry": { "type": "Point", "coordinates": [lon, lat] },
            "properties": {
                "id": i.id, "event_type": i.event_type, "sub_event_type": i.sub_event_type,
                "time_from": i.time_utc.first(), "admin1": i.admin1, "location": i.location,
                "fatalities": i.fatalities, "status": i.status, "verdict": i.verdict, "sources": i.sources,
            }
        }));
    }
    let body = serde_json::json!({ "type": "FeatureCollection", "features": features });
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], body.to_string()).into_response())
}

/// The map's view: zoom and bounding box.
#[derive(Debug, Deserialize, IntoParams)]
struct ViewQuery {
    /// Zoom level 0–14: cells are 2/2^zoom degrees wide.
    zoom: Option<u8>,
    /// `west,south,east,north` in degrees (default: Syria).
    bbox: Option<String>,
}

/// Syria with a margin: west, south, east, north.
pub(crate) const SYRIA_BBOX: [f64; 4] = [35.4, 32.2, 42.6, 37.5];

/// Incidents clustered server-side on a grid, as GeoJSON points with counts per verdict.
#[utoipa::path(get, path = "/map/clusters", tag = "incidents", params(ViewQuery, IncidentQuery),
    responses((status = 200, description = "GeoJSON FeatureCollection of clusters", content_type = "application/geo+json"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn map_clusters(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(view): ApiQuery<ViewQuery>,
    ApiQuery(filter): ApiQuery<IncidentQuery>,
) -> Result<Response, ApiError> {
    caller.require(EVERYONE)?;
    let body = clusters(&state, &filter, view.zoom, view.bbox.as_deref()).await?;
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], body.to_string()).into_response())
}

pub(crate) async fn clusters(
    state: &AppState,
    q: &IncidentQuery,
    zoom: Option<u8>,
    bbox: Option<&str>,
) -> Result<serde_json::Value, ApiError> {
    let zoom = zoom.unwrap_or(2).min(14);
    let bbox = match bbox {
        None | Some("") => SYRIA_BBOX,
        Some(s) => {
            let v: Vec<f64> = s.split(',').filter_map(|x| x.trim().parse().ok()).collect();
            match v.as_slice() {
                [w, s, e, n] if w < e && s < n => [*w, *s, *e, *n],
                _ => return Err(ApiError::BadRequest(format!("bbox={s:?}: expected west,south,east,north"))),
            }
        }
    };
    let cell = 2.0 / f64::from(1u32 << zoom);
    let cells = state.engine().incident_cells(&q.filter()?, bbox, zoom).await?;
    let features: Vec<serde_json::Value> = cells
        .iter()
        .map(|c| {
            let counts = [
                ("violation", c.violation),
                ("excluded_party", c.excluded_party),
                ("undetermined", c.undetermined),
                ("not_covered", c.not_covered),
            ];
            let judged: i64 = counts.iter().map(|x| x.1).sum();
            // The most severe verdict present colours the cluster: one violation is never hidden.
            let top = counts.iter().find(|x| x.1 > 0).map(|x| x.0);
            serde_json::json!({
                "type": "Feature",
                "geometry": { "type": "Point", "coordinates": [c.lon, c.lat] },
                "properties": {
                    "count": c.n, "violation": c.violation, "excluded_party": c.excluded_party,
                    "undetermined": c.undetermined, "not_covered": c.not_covered, "unjudged": c.n - judged,
                    "verdict": top, "incident": if c.n == 1 { Some(&c.sample) } else { None },
                }
            })
        })
        .collect();
    Ok(serde_json::json!({ "type": "FeatureCollection", "zoom": zoom, "cell_degrees": cell, "features": features }))
}

/// One incident with its rulings (rule traces) and contradictions.
#[utoipa::path(get, path = "/incidents/{id}", tag = "incidents", params(("id" = String, Path)),
    responses((status = 200, body = IncidentDetail), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn get_incident(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<IncidentDetail>, ApiError> {
    caller.require(EVERYONE)?;
    Ok(Json(incident_detail(&state, &id).await?))
}

pub(crate) async fn incident_detail(state: &AppState, id: &str) -> Result<IncidentDetail, ApiError> {
    let (row, rulings) = state.engine().incident(id).await?.ok_or(ApiError::NotFound("incident"))?;
    let incident = IncidentDto::from_row(&row)?;
    let reports: Vec<&str> = incident.mentions.iter().map(|m| m.report_id.as_str()).collect();
    let contradictions = state
        .contradictions()
        .into_iter()
        .filter(|c| c.sides.iter().flat_map(|s| &s.mentions).any(|m| reports.contains(&m.report_id.as_str())))
        .collect();
    let rulings = rulings.iter().map(RulingDto::from_row).collect::<Result<_, _>>()?;
    Ok(IncidentDetail { incident, rulings, contradictions })
}

/// Ruling filters.
#[derive(Debug, Deserialize, IntoParams)]
struct RulingQuery {
    /// violation, excluded_party, undetermined, not_covered.
    verdict: Option<String>,
    /// Agreement key.
    agreement: Option<String>,
    /// From the previous page's `next_cursor`.
    cursor: Option<String>,
    /// Page size (1–500, default 100).
    limit: Option<u32>,
}

/// Recorded rulings.
#[utoipa::path(get, path = "/rulings", tag = "incidents", params(RulingQuery),
    responses((status = 200, body = RulingPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn list_rulings(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<RulingQuery>,
) -> Result<Json<RulingPage>, ApiError> {
    caller.require(EVERYONE)?;
    let limit = q.limit.unwrap_or(100).clamp(1, 500);
    let cursor = nonempty(&q.cursor)
        .map(|c| {
            c.split_once('~')
                .map(|(i, a)| (i.to_owned(), a.to_owned()))
                .ok_or_else(|| ApiError::BadRequest("cursor: use next_cursor from the previous page".into()))
        })
        .transpose()?;
    let rows = state
        .engine()
        .rulings_page(nonempty(&q.verdict).as_deref(), nonempty(&q.agreement).as_deref(), cursor, limit)
        .await?;
    let next_cursor = (rows.len() == limit as usize)
        .then(|| rows.last().map(|r| format!("{}~{}", r.incident_id, r.agreement_key)))
        .flatten();
    Ok(Json(RulingPage { items: rows.iter().map(RulingDto::from_row).collect::<Result<_, _>>()?, next_cursor }))
}

// ---------- agreements, contradictions, timeline, search ----------

pub(crate) async fn agreements(state: &AppState) -> Result<Vec<AgreementDto>, ApiError> {
    let docs = state.engine().agreement_docs(truce_engine::Engine::now()).await?;
    Ok(docs.iter().map(agreement_dto).collect())
}

fn agreement_dto(d: &truce_engine::agreements::AgreementDoc) -> AgreementDto {
    use truce_model::{LinkageRule, Scope};
    let a = &d.agreement;
    let name = |k: &truce_model::ActorKey| truce_engine::actor_name(k.as_str());
    AgreementDto {
        key: a.key().to_string(),
        version: a.version(),
        title: a.title.clone(),
        kind: a.kind.as_str().to_owned(),
        effective_from: a.effective.from().to_string(),
        effective_local: format!("{} ({})", a.effective.local_from(), a.effective.zone()),
        effective_until: a.effective.until().map(|t| t.to_string()),
        scope: match &a.scope {
            Scope::Country(c) => format!("nationwide ({c})"),
            Scope::Units { pcodes, settlements } => {
                format!("{} admin units, {} settlements", pcodes.len(), settlements.len())
            }
            Scope::Polygons { pcodes, .. } => {
                let zones: Vec<&str> = d.zones.iter().map(|z| z.name.as_str()).collect();
                format!("zones: {} ({} admin units)", zones.join(", "), pcodes.len())
            }
        },
        parties: a
            .parties
            .iter()
            .map(|p| PartyDto {
                actor: p.actor.to_string(),
                name: name(&p.actor),
                role: format!("{:?}", p.role).to_lowercase(),
            })
            .collect(),
        guarantors: a
            .guarantors
            .iter()
            .map(|g| GuarantorDto {
                actor: g.actor.to_string(),
                name: name(&g.actor),
                role: format!("{:?}", g.role).to_lowercase(),
                answers_for_sides: g.answers_for_sides.iter().map(|s| s.as_str().to_owned()).collect(),
                answers_for_actors: g.answers_for_actors.iter().map(name).collect(),
            })
            .collect(),
        exclusions: a.exclusions.actors.iter().map(name).collect(),
        linkage: match a.exclusions.linkage {
            LinkageRule::NamedOnly => "named only".to_owned(),
            LinkageRule::LinkedTo { max_hops } => format!("named, and linked_to within {max_hops} hops"),
        },
        instruments: a.instruments.clone(),
        obligations: a.obligations.clone(),
        ack_minutes: if a.ack_minutes == 0 { truce_engine::DEFAULT_ACK_MINUTES } else { a.ack_minutes },
        sources: a.sources().iter().map(|s| SourceDto { source: s.source.clone(), quote: s.quote.clone() }).collect(),
    }
}

/// Agreements in force (latest versions) with terms and sources.
#[utoipa::path(get, path = "/agreements", tag = "agreements",
    responses((status = 200, body = Vec<AgreementDto>), (status = 401, body = ErrorBody)))]
async fn list_agreements(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<AgreementDto>>, ApiError> {
    caller.require(EVERYONE)?;
    Ok(Json(agreements(&state).await?))
}

/// One agreement.
#[utoipa::path(get, path = "/agreements/{key}", tag = "agreements", params(("key" = String, Path)),
    responses((status = 200, body = AgreementDto), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn get_agreement(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(key): ApiPath<String>,
) -> Result<Json<AgreementDto>, ApiError> {
    caller.require(EVERYONE)?;
    agreements(&state).await?.into_iter().find(|a| a.key == key).map(Json).ok_or(ApiError::NotFound("agreement"))
}

/// Contradictions found by the last pipeline run.
#[utoipa::path(get, path = "/contradictions", tag = "incidents",
    responses((status = 200, body = Vec<ContradictionDto>), (status = 401, body = ErrorBody)))]
async fn list_contradictions(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<ContradictionDto>>, ApiError> {
    caller.require(EVERYONE)?;
    Ok(Json(state.contradictions()))
}

/// Timeline window.
#[derive(Debug, Deserialize, IntoParams, Default)]
pub(crate) struct TimelineQuery {
    /// Agreement key (default: all; the window centres on its start).
    pub agreement: Option<String>,
    /// Replay what was known at this time (RFC 3339) instead of the recorded state.
    pub as_of: Option<String>,
    /// Days shown before the agreement's start (default 7).
    pub before: Option<u32>,
    /// Days shown after it (default 30).
    pub after: Option<u32>,
}

pub(crate) async fn timeline_data(state: &AppState, q: &TimelineQuery) -> Result<TimelineDto, ApiError> {
    let agreement = nonempty(&q.agreement);
    let docs = agreements(state).await?;
    let centre = match &agreement {
        Some(k) => docs.iter().find(|a| &a.key == k).ok_or(ApiError::NotFound("agreement"))?.effective_from.clone(),
        None => docs.iter().map(|a| a.effective_from.clone()).max().unwrap_or_else(|| "2016-12-29T22:00:00Z".into()),
    };
    let centre: jiff::Timestamp = centre.parse().map_err(|e| ApiError::Internal(format!("agreement start: {e}")))?;
    let day0 = centre.as_millisecond().div_euclid(86_400_000) * 86_400_000;
    let from = day0 - i64::from(q.before.unwrap_or(7).min(366)) * 86_400_000;
    let to = day0 + i64::from(q.after.unwrap_or(30).min(366) + 1) * 86_400_000;
    let ts = |ms: i64| jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let day = |d: i64| ts(d * 86_400_000).to_string()[..10].to_owned();
    let as_of = nonempty(&q.as_of)
        .map(|s| s.parse::<jiff::Timestamp>().map_err(|e| ApiError::BadRequest(format!("as_of={s:?}: {e}"))))
        .transpose()?;
    let mut days: Vec<TimelineRow> = match as_of {
        None => state
            .engine()
            .violation_days(agreement.as_deref(), ts(from), ts(to))
            .await?
            .into_iter()
            .map(|(d, admin1, n)| TimelineRow { day: day(d), admin1, violations: n })
            .collect(),
        Some(t) => {
            let a = state.engine().judge(&JudgeRequest { as_of: Some(t), agreement: agreement.clone() }).await?;
            let mut counts: std::collections::BTreeMap<(i64, String), i64> = Default::default();
            for r in a.rulings.iter().filter(|r| r.verdict == "violation") {
                let Ok(t0) = r.incident.time_utc[0].parse::<jiff::Timestamp>() else { continue };
                let ms = t0.as_millisecond();
                if ms >= from && ms < to {
                    *counts
                        .entry((ms.div_euclid(86_400_000), r.incident.admin1.clone().unwrap_or_default()))
                        .or_default() += 1;
                }
            }
            counts.into_iter().map(|((d, admin1), n)| TimelineRow { day: day(d), admin1, violations: n }).collect()
        }
    };
    days.sort_by(|a, b| (&a.day, &a.admin1).cmp(&(&b.day, &b.admin1)));
    Ok(TimelineDto {
        agreement,
        as_of: as_of.map(|t| t.to_string()),
        from: ts(from).to_string()[..10].to_owned(),
        to: ts(to).to_string()[..10].to_owned(),
        days,
    })
}

/// Violations per day per governorate around an agreement's start; `as_of` replays.
#[utoipa::path(get, path = "/timeline", tag = "incidents", params(TimelineQuery),
    responses((status = 200, body = TimelineDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "No such agreement")))]
async fn timeline(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<TimelineQuery>,
) -> Result<Json<TimelineDto>, ApiError> {
    caller.require(EVERYONE)?;
    Ok(Json(timeline_data(&state, &q).await?))
}

/// Search words.
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct SearchQuery {
    /// Words (all must match).
    pub q: String,
    /// Results per kind (1–100, default 20).
    pub limit: Option<u32>,
}

pub(crate) async fn search_data(state: &AppState, caller: &Caller, q: &SearchQuery) -> Result<SearchResult, ApiError> {
    let limit = q.limit.unwrap_or(20).clamp(1, 100);
    let incidents = state.engine().search_incidents(&q.q, limit).await?;
    let reports =
        if caller.role().is_monitor() { state.engine().search_reports(&q.q, limit).await? } else { Vec::new() };
    Ok(SearchResult {
        incidents: incidents.iter().map(IncidentDto::from_row).collect::<Result<_, _>>()?,
        reports: reports
            .iter()
            .map(|h| ReportHit { report: ReportDto::from_row(&h.report), snippet: h.snippet.clone() })
            .collect(),
    })
}

/// Full-text search over incidents (everyone) and reports (monitors).
#[utoipa::path(get, path = "/search", tag = "incidents", params(SearchQuery),
    responses((status = 200, body = SearchResult), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn search(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Json<SearchResult>, ApiError> {
    caller.require(EVERYONE)?;
    Ok(Json(search_data(&state, &caller, &q).await?))
}

/// Filter values with counts: `{facet: {value: count}}`.
#[utoipa::path(get, path = "/facets", tag = "incidents",
    responses((status = 200, description = "facet -> value -> count", body = Object), (status = 401, body = ErrorBody)))]
async fn facets(State(state): State<AppState>, caller: Caller) -> Result<Json<serde_json::Value>, ApiError> {
    caller.require(EVERYONE)?;
    let mut out = serde_json::Map::new();
    for f in state.engine().incident_facets().await? {
        let e = out.entry(f.facet).or_insert_with(|| serde_json::json!({}));
        e[f.value] = serde_json::json!(f.n);
    }
    Ok(Json(serde_json::Value::Object(out)))
}

// ---------- hotline ----------

/// The referral with `id` if the caller may see it: monitors see all, a
/// guarantor only its own. Anything else is "not found", so ids do not leak.
pub(crate) async fn visible_referral(state: &AppState, caller: &Caller, id: &str) -> Result<Referral, ApiError> {
    let r = state.engine().referral(id).await?.ok_or(ApiError::NotFound("referral"))?;
    let role = caller.role();
    if role.is_monitor() || role.guarantor() == Some(r.guarantor.as_str()) {
        Ok(r)
    } else {
        Err(ApiError::NotFound("referral"))
    }
}

/// The newest `limit` referrals the caller may see.
pub(crate) async fn referrals_for(state: &AppState, caller: &Caller, limit: u32) -> Result<Vec<ReferralDto>, ApiError> {
    caller.require(&["admin", "analyst", "guarantor"])?;
    let rows = state.engine().referrals(caller.role().guarantor(), limit).await?;
    Ok(rows.iter().map(ReferralDto::from_referral).collect())
}

/// How many referrals to list.
#[derive(Debug, Deserialize, IntoParams)]
struct ReferralQuery {
    /// The newest this many (1–500, default 500).
    limit: Option<u32>,
}

/// Referrals, newest first: all for monitors, a guarantor's own for a guarantor.
#[utoipa::path(get, path = "/referrals", tag = "hotline", params(ReferralQuery),
    responses((status = 200, body = Vec<ReferralDto>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
async fn list_referrals(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ReferralQuery>,
) -> Result<Json<Vec<ReferralDto>>, ApiError> {
    Ok(Json(referrals_for(&state, &caller, q.limit.unwrap_or(500).clamp(1, 500)).await?))
}

/// One referral with its case thread.
#[utoipa::path(get, path = "/referrals/{id}", tag = "hotline", params(("id" = String, Path)),
    responses((status = 200, body = ReferralDetail), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
async fn get_referral(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ReferralDetail>, ApiError> {
    caller.require(&["admin", "analyst", "guarantor"])?;
    let r = visible_referral(&state, &caller, &id).await?;
    let thread = state.engine().thread(&r.incident_id, &r.agreement_key).await?;
    Ok(Json(ReferralDetail {
        referral: ReferralDto::from_referral(&r),
        thread: thread.iter().map(MessageDto::from_message).collect(),
    }))
}

pub(crate) async fn acknowledge(state: &AppState, caller: &Caller, id: &str) -> Result<ReferralDto, ApiError> {
    caller.require(&["guarantor"])?;
    let r = visible_referral(state, caller, id).await?;
    match state.engine().acknowledge(&r.id, &caller.user.name).await? {
        Some(r) => {
            state.publish(HotlineEvent::referral("referral.acknowledged", &r));
            Ok(ReferralDto::from_referral(&r))
        }
        None => Err(ApiError::Conflict("the referral is already acknowledged".into())),
    }
}

/// Acknowledge a referral (its guarantor only).
#[utoipa::path(post, path = "/referrals/{id}/ack", tag = "hotline", params(("id" = String, Path)),
    responses((status = 200, body = ReferralDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn acknowledge_referral(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ReferralDto>, ApiError> {
    caller.check_csrf(&headers, None)?;
    Ok(Json(acknowledge(&state, &caller, &id).await?))
}

pub(crate) async fn reply(state: &AppState, caller: &Caller, id: &str, body: &str) -> Result<MessageDto, ApiError> {
    caller.require(&["admin", "analyst", "guarantor"])?;
    let r = visible_referral(state, caller, id).await?;
    let m = state
        .engine()
        .reply(&r.incident_id, &r.agreement_key, &caller.user.name, &caller.role().as_string(), body)
        .await?;
    let dto = MessageDto::from_message(&m);
    // Everyone referred for the case sees the thread: the guarantors' hotline.
    let audience: Vec<String> = state
        .engine()
        .referrals(None, 10_000)
        .await?
        .into_iter()
        .filter(|x| x.incident_id == r.incident_id && x.agreement_key == r.agreement_key)
        .map(|x| x.guarantor)
        .collect();
    let data = serde_json::json!({ "referral": r.id, "incident_id": r.incident_id, "agreement_key": r.agreement_key, "message": dto });
    state.publish(HotlineEvent { kind: "referral.replied", audience, data: data.to_string() });
    Ok(dto)
}

/// Reply on a referral's case thread (its guarantor, or a monitor).
#[utoipa::path(post, path = "/referrals/{id}/replies", tag = "hotline", params(("id" = String, Path)),
    request_body = ReplyRequest,
    responses((status = 201, body = MessageDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn reply_referral(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<ReplyRequest>,
) -> Result<(StatusCode, Json<MessageDto>), ApiError> {
    caller.check_csrf(&headers, None)?;
    Ok((StatusCode::CREATED, Json(reply(&state, &caller, &id, &req.body).await?)))
}

// ---------- access ----------

/// A JSON body that holds a password. Parsed here rather than by the `Json`
/// extractor, whose rejection quotes a value of the wrong type (a numeric
/// password) in the reply and in axum's trace log; this error names only the
/// expected `shape`. Like `Json`, it wants `Content-Type: application/json`
/// (which a cross-site HTML form cannot send).
fn secret_json<T: serde::de::DeserializeOwned>(headers: &HeaderMap, body: &[u8], shape: &str) -> Result<T, ApiError> {
    let expected = || ApiError::BadRequest(format!("expected a JSON body {shape} (Content-Type: application/json)"));
    let ty = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !ty.starts_with("application/json") {
        return Err(expected());
    }
    serde_json::from_slice(body).map_err(|_| expected())
}

/// Sign in: sets the session cookie and returns the CSRF token. After 5 failed
/// sign-ins for a name or from an address in 15 minutes, 429 until the window passes.
#[utoipa::path(post, path = "/session", tag = "access", request_body = LoginRequest,
    responses((status = 200, body = MeDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 429, body = ErrorBody, description = "Too many failed sign-ins; see Retry-After")))]
async fn login(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    auth::check_origin(&headers)?;
    let req: LoginRequest = secret_json(&headers, &body, r#"{"name": string, "password": string}"#)?;
    let (token, csrf, user) = auth::login(&state, &req.name, &req.password, addr).await?;
    let o = state.options();
    let cookie = auth::session_cookie(&token, o.secure_cookies, o.session_hours);
    let me = MeDto { name: user.name, role: user.role.as_string(), csrf: Some(csrf) };
    Ok(([(header::SET_COOKIE, cookie)], Json(me)).into_response())
}

/// Sign out: ends the session and clears the cookie.
#[utoipa::path(delete, path = "/session", tag = "access",
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn logout(State(state): State<AppState>, caller: Caller, headers: HeaderMap) -> Result<Response, ApiError> {
    caller.check_csrf(&headers, None)?;
    auth::logout(&state, &headers).await?;
    let o = state.options();
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, auth::session_cookie("", o.secure_cookies, 0))]).into_response())
}

/// Who is signed in.
#[utoipa::path(get, path = "/me", tag = "access", responses((status = 200, body = MeDto), (status = 401, body = ErrorBody)))]
async fn me(caller: Caller) -> Json<MeDto> {
    Json(MeDto { name: caller.user.name.clone(), role: caller.role().as_string(), csrf: caller.csrf.clone() })
}

/// Create an API token for yourself (shown once; the store keeps its SHA-256).
#[utoipa::path(post, path = "/tokens", tag = "access", request_body = TokenRequest,
    responses((status = 201, body = TokenDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(req): ApiJson<TokenRequest>,
) -> Result<(StatusCode, Json<TokenDto>), ApiError> {
    caller.check_csrf(&headers, None)?;
    let token = auth::new_token()?;
    let label = req.label.unwrap_or_else(|| "api".into());
    state.engine().add_api_token(&auth::token_digest(&token), &caller.user.name, &label).await?;
    Ok((StatusCode::CREATED, Json(TokenDto { token })))
}

/// Users (admin only).
#[utoipa::path(get, path = "/users", tag = "access",
    responses((status = 200, body = Vec<UserDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_users(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<UserDto>>, ApiError> {
    caller.require(&["admin"])?;
    let users = state.engine().users().await?;
    Ok(Json(users.into_iter().map(|u| UserDto { name: u.name, role: u.role.as_string() }).collect()))
}

/// Create or replace a user (admin only).
#[utoipa::path(post, path = "/users", tag = "access", request_body = NewUserRequest,
    responses((status = 201, body = UserDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<UserDto>), ApiError> {
    caller.require(&["admin"])?;
    caller.check_csrf(&headers, None)?;
    let req: NewUserRequest = secret_json(&headers, &body, r#"{"name": string, "role": string, "password": string}"#)?;
    crate::auth::add_user(state.engine(), &req.name, &req.role, &req.password, state.options().password_cost).await?;
    Ok((StatusCode::CREATED, Json(UserDto { name: req.name, role: req.role })))
}
