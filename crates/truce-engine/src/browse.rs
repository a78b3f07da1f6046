//! What the server reads and writes outside the pipeline: one uploaded
//! document ingested, reports with their reading (clean text and spans), and
//! recorded incidents and rulings paged and filtered in the store. Also the
//! synthetic incidents of `truce bench serve`.

use jiff::Timestamp;
use truce_ingest::IngestMeta;
use truce_read::MentionKind;
use truce_store::{
    BBox, CellRow, DerivedIncident, DerivedRuling, FacetRow, IncidentFilter, IncidentRow, ReportHitRow, ReportMetaRow,
    RulingRow,
};

use crate::{Engine, EngineError, IngestSummary, ItemOutcome};

/// A span of a report's clean text and what the reader found there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextSpan {
    /// Byte offset in the clean text.
    pub start: usize,
    /// End offset.
    pub end: usize,
    /// `incident`, `term`, `claim` or another mention kind.
    pub kind: String,
    /// A label (the sub-event type for incidents).
    pub label: String,
}

/// A stored report with its reading.
#[derive(Debug, Clone)]
pub struct ReportView {
    /// Metadata.
    pub meta: ReportMetaRow,
    /// The content as received.
    pub raw: String,
    /// The clean text the spans point into.
    pub clean: String,
    /// Sentence ranges in the clean text.
    pub sentences: Vec<(usize, usize)>,
    /// Mentions' evidence spans.
    pub spans: Vec<TextSpan>,
}

fn mention_kind(k: &MentionKind) -> (String, String) {
    match k {
        MentionKind::Incident { sub_event_type } => ("incident".into(), sub_event_type.as_str().to_owned()),
        MentionKind::Term { kind, .. } => ("term".into(), format!("{kind:?}").to_lowercase()),
        MentionKind::Claim { .. } => ("claim".into(), "claim".into()),
        #[allow(unreachable_patterns, reason = "the reader may add kinds")]
        other => {
            let d = format!("{other:?}");
            let name = d.split([' ', '{', '(']).next().unwrap_or("other").to_lowercase();
            (name.clone(), name)
        }
    }
}

impl Engine {
    /// Stores one uploaded document (text, HTML, JSON Lines or a feed),
    /// received now unless `received_at` is given. Idempotent by content.
    pub async fn ingest_document(
        &self,
        name: &str,
        bytes: &[u8],
        source: Option<String>,
        received_at: Option<Timestamp>,
    ) -> Result<IngestSummary, EngineError> {
        if bytes.len() as u64 > self.config.ingest.max_size {
            return Err(EngineError::User(format!(
                "{name}: {} bytes is more than the limit of {} bytes",
                bytes.len(),
                self.config.ingest.max_size
            )));
        }
        let now = Engine::now();
        let meta = IngestMeta { received_at: received_at.unwrap_or(now), source };
        let parsed = truce_ingest::parse_bytes(name, bytes, &meta);
        let mut summary = IngestSummary { failed: parsed.errors, ..IngestSummary::default() };
        if !parsed.reports.is_empty() {
            let outcomes = self.store.insert_reports(&parsed.reports, now).await?;
            summary.items.extend(parsed.reports.iter().zip(outcomes).map(|(r, stored)| ItemOutcome {
                name: r.origin.name.clone(),
                id: r.id().to_string(),
                stored,
            }));
        }
        Ok(summary)
    }

    /// Reports without content, newest first; `before_seq` pages (use `i64::MAX` first).
    pub async fn report_list(&self, before_seq: i64, limit: u32) -> Result<Vec<ReportMetaRow>, EngineError> {
        Ok(self.store.report_list(before_seq, limit).await?)
    }

    /// One report, read again: clean text, sentences and mention spans.
    pub async fn report_view(&self, id: &str) -> Result<Option<ReportView>, EngineError> {
        let Some(meta) = self.store.report_meta(id).await? else { return Ok(None) };
        let rid = truce_model::ReportId::parse(id).map_err(|e| EngineError::User(e.to_string()))?;
        let report = self.store.report(&rid).await?;
        let refdata = crate::pipeline::refdata()?;
        let view = tokio::task::spawn_blocking(move || {
            let input = truce_read::ReportInput {
                id: report.id().as_str(),
                name: &report.origin.name,
                text: report.content(),
                is_html: report.media_type == truce_model::MediaType::Html,
                published: report.published_at,
            };
            let (reading, _) = truce_read::read(&input, refdata);
            let spans = reading
                .mentions
                .iter()
                .map(|m| {
                    let (kind, label) = mention_kind(&m.kind);
                    TextSpan { start: m.evidence.start, end: m.evidence.end, kind, label }
                })
                .collect();
            ReportView {
                meta,
                raw: report.content().to_owned(),
                sentences: reading.sentences.iter().map(|r| (r.start, r.end)).collect(),
                clean: reading.clean,
                spans,
            }
        })
        .await
        .map_err(|e| EngineError::Internal(format!("reading task failed: {e}")))?;
        Ok(Some(view))
    }

    /// A page of recorded incidents, newest first.
    pub async fn incidents_page(
        &self,
        filter: &IncidentFilter,
        cursor: Option<(i64, String)>,
        limit: u32,
    ) -> Result<Vec<IncidentRow>, EngineError> {
        Ok(self.store.incidents_page(filter, cursor, limit).await?)
    }

    /// One recorded incident with its rulings.
    pub async fn incident(&self, id: &str) -> Result<Option<(IncidentRow, Vec<RulingRow>)>, EngineError> {
        let Some(row) = self.store.incident(id).await? else { return Ok(None) };
        let rulings = self.store.rulings_for_incident(id).await?;
        Ok(Some((row, rulings)))
    }

    /// Incidents in `bbox` counted per grid cell of `2 / 2^zoom` degrees (zoom 0–14).
    pub async fn incident_cells(
        &self,
        filter: &IncidentFilter,
        bbox: BBox,
        zoom: u8,
    ) -> Result<Vec<CellRow>, EngineError> {
        if zoom > 14 {
            return Err(EngineError::User(format!("zoom {zoom}: expected 0 to 14")));
        }
        Ok(self.store.incident_cells(filter, bbox, zoom).await?)
    }

    /// A page of recorded rulings.
    pub async fn rulings_page(
        &self,
        verdict: Option<&str>,
        agreement: Option<&str>,
        cursor: Option<(String, String)>,
        limit: u32,
    ) -> Result<Vec<RulingRow>, EngineError> {
        Ok(self.store.rulings_page(verdict, agreement, cursor, limit).await?)
    }

    /// Recorded violations per UTC day and governorate in `[from, to)`.
    pub async fn violation_days(
        &self,
        agreement: Option<&str>,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<(i64, String, i64)>, EngineError> {
        Ok(self.store.violation_days(agreement, from.as_millisecond(), to.as_millisecond()).await?)
    }

    /// Reports matching words.
    pub async fn search_reports(&self, q: &str, limit: u32) -> Result<Vec<ReportHitRow>, EngineError> {
        Ok(self.store.search_reports(q, limit).await?)
    }

    /// Incidents matching words.
    pub async fn search_incidents(&self, q: &str, limit: u32) -> Result<Vec<IncidentRow>, EngineError> {
        Ok(self.store.search_incidents(q, limit).await?)
    }

    /// Filter values with counts.
    pub async fn incident_facets(&self) -> Result<Vec<FacetRow>, EngineError> {
        Ok(self.store.incident_facets().await?)
    }

    /// Records `n` synthetic incidents (and a ruling each) spread over Syria
    /// for `truce bench serve`, in batches of 5,000 per transaction.
    pub async fn seed_synthetic_incidents(&self, n: usize) -> Result<(), EngineError> {
        const GOVS: [(&str, &str, f64, f64); 8] = [
            ("Hama", "SY05", 36.75, 35.13),
            ("Idleb", "SY07", 36.63, 35.93),
            ("Aleppo", "SY02", 37.16, 36.20),
            ("Homs", "SY04", 36.72, 34.73),
            ("Rural Damascus", "SY03", 36.40, 33.55),
            ("Dar'a", "SY12", 36.10, 32.62),
            ("Lattakia", "SY06", 35.79, 35.52),
            ("Deir-ez-Zor", "SY09", 40.14, 35.33),
        ];
        const VERDICTS: [&str; 4] = ["violation", "not_covered", "excluded_party", "undetermined"];
        const TYPES: [(&str, &str); 3] = [
            ("Battles", "Armed clash"),
            ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
            ("Explosions/Remote violence", "Air/drone strike"),
        ];
        let start = Timestamp::from_second(1_483_048_800).unwrap_or(Timestamp::UNIX_EPOCH); // 2016-12-29T22:00Z
        let now = Engine::now();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut rnd = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut i = 0;
        while i < n {
            let m = (n - i).min(5000);
            let mut incidents = Vec::with_capacity(m);
            let mut rulings = Vec::with_capacity(m);
            for k in i..i + m {
                let (gov, pcode, lon, lat) = GOVS[k % GOVS.len()];
                let (et, st) = TYPES[k % TYPES.len()];
                let verdict = VERDICTS[(k / 3) % VERDICTS.len()];
                let t = start.as_millisecond() + (rnd() * 90.0 * 86_400_000.0) as i64;
                let t0 = Timestamp::from_millisecond(t).unwrap_or(start);
                let t1 = Timestamp::from_millisecond(t + 3_600_000).unwrap_or(start);
                let id = format!("bench{k:07}");
                let body = serde_json::json!({
                    "id": id, "event_type": et, "sub_event_type": st,
                    "time_utc": [t0.to_string(), t1.to_string()], "time_precision": "hour",
                    "admin1": gov, "admin1_pcode": pcode, "admin2": null, "location": gov,
                    "lat": lat + (rnd() - 0.5) * 0.9, "lon": lon + (rnd() - 0.5) * 0.9, "geo_precision": 2,
                    "actors": [{"name": "Syrian Arab Army", "inter": 1}, {"name": "Ahrar al-Sham", "inter": 2}],
                    "sources": 1, "reports": [format!("bench-{k}.txt")], "fatalities": k % 5, "status": "reported",
                    "mentions": [{"report": format!("bench-{k}.txt"), "report_id": "0".repeat(64), "start": 0, "end": 40,
                                  "text": format!("Clashes were reported near {gov} (synthetic {k}).")}],
                })
                .to_string();
                let hash = crate::browse::digest(&body);
                incidents.push(DerivedIncident { id: id.clone(), body, hash, time_from: t, export: None });
                let rbody = serde_json::json!({ "incident": { "id": id }, "agreement": { "key": "sy-ceasefire-2016-12-30", "version": 1 },
                    "verdict": verdict, "responsible": [], "guarantors": [], "confidence": 0.5, "trace": ["synthetic"] })
                .to_string();
                rulings.push(DerivedRuling {
                    incident_id: id,
                    agreement_key: "sy-ceasefire-2016-12-30".into(),
                    agreement_version: 1,
                    verdict: verdict.into(),
                    hash: crate::browse::digest(&rbody),
                    body: rbody,
                    guarantors: None,
                    segment: None,
                });
            }
            self.store.record_derived(&incidents, &rulings, now).await?;
            i += m;
        }
        Ok(())
    }
}

fn digest(s: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(s.as_bytes()))
}

/// Creates a scratch PostgreSQL database (benchmarks, tests); returns its URL.
pub async fn create_scratch_pg(admin_url: &str, name: &str) -> Result<String, EngineError> {
    Ok(truce_store::create_pg_database(admin_url, name).await?)
}

/// Drops a scratch PostgreSQL database.
pub async fn drop_scratch_pg(admin_url: &str, name: &str) -> Result<(), EngineError> {
    Ok(truce_store::drop_pg_database(admin_url, name).await?)
}

/// The registry name of an actor key (the key itself when unknown).
pub fn actor_name(key: &str) -> String {
    let Ok(k) = truce_model::ActorKey::parse(key) else { return key.to_owned() };
    crate::pipeline::registry().ok().and_then(|r| r.get(&k)).map_or_else(|| key.to_owned(), |a| a.name.clone())
}
