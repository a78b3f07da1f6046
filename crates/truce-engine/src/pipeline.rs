//! The pipeline over stored reports: read → merge → judge, as of a time, and
//! `extract` over files without a store.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};
use truce_ingest::{IngestConfig, IngestError, IngestMeta, Input};
use truce_merge::{MentionRef, MergedIncident, ReadReport};
use truce_model::{MediaType, Registry, Report, Scope};
use truce_read::{ExtractRecord, RefData, ReportInput};
use truce_store::{DerivedIncident, DerivedRuling, Recorded};

use crate::agreements::{self, AgreementDoc};
use crate::readings::ReadingCache;
use crate::{Engine, EngineError};
use truce_tell::records::{
    ActorRecord, AgreementRef, ContradictionRecord, FactRecord, IncidentRecord, MentionRecord, RulingRecord,
};

static REFDATA: OnceLock<Result<RefData, String>> = OnceLock::new();
static REGISTRY: OnceLock<Result<Registry, String>> = OnceLock::new();

/// The reading reference data, built once per process.
pub fn refdata() -> Result<&'static RefData, EngineError> {
    REFDATA
        .get_or_init(|| RefData::bundled().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| EngineError::Internal(e.clone()))
}

/// The actor registry, built once per process.
pub fn registry() -> Result<&'static Registry, EngineError> {
    REGISTRY
        .get_or_init(|| crate::registry::bundled().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| EngineError::Internal(e.clone()))
}

/// What the pipeline knew at `as_of`.
#[derive(Debug, Default)]
pub struct Analysis {
    /// The cut-off: only reports received by then were used.
    pub as_of: Option<Timestamp>,
    /// Reports read.
    pub reports: usize,
    /// Incidents.
    pub incidents: Vec<IncidentRecord>,
    /// Rulings, incident by incident.
    pub rulings: Vec<RulingRecord>,
    /// Facts (terms and claims) with their sources.
    pub facts: Vec<FactRecord>,
    /// Contradictions.
    pub contradictions: Vec<ContradictionRecord>,
    /// What was written to the store (live runs only).
    pub recorded: Option<Recorded>,
}

/// Which rulings to compute.
#[derive(Debug, Clone, Default)]
pub struct JudgeRequest {
    /// Use only reports received by then, and do not record (a replay).
    pub as_of: Option<Timestamp>,
    /// Only this agreement.
    pub agreement: Option<String>,
}

fn mention(m: &MentionRef) -> MentionRecord {
    MentionRecord {
        report: m.report_name.clone(),
        report_id: m.report.to_string(),
        start: m.range.start,
        end: m.range.end,
        text: m.text.clone(),
    }
}

fn incident_record(m: &MergedIncident) -> IncidentRecord {
    let i = &m.incident;
    let p = m.place.as_ref();
    IncidentRecord {
        id: i.id().to_string(),
        event_type: i.sub_event_type.event_type().as_str().to_owned(),
        sub_event_type: i.sub_event_type.as_str().to_owned(),
        time_utc: [i.time.from().to_string(), i.time.to().to_string()],
        time_precision: i.time.precision().as_str().to_owned(),
        admin1: p.map(|p| p.admin1.clone()).filter(|s| !s.is_empty()),
        admin1_pcode: p.map(|p| p.admin1_pcode.clone()).filter(|s| !s.is_empty()),
        admin2: p.map(|p| p.admin2.clone()).filter(|s| !s.is_empty()),
        location: p.map(|p| p.name.clone()),
        lat: p.map(|p| p.lat),
        lon: p.map(|p| p.lon),
        geo_precision: p.map(|p| p.geo_precision),
        actors: m
            .actors
            .iter()
            .map(|a| ActorRecord { name: a.name.clone(), inter: (a.inter > 0).then_some(a.inter) })
            .collect(),
        sources: i.sources,
        reports: m.reports.clone(),
        fatalities: i.fatalities.best(),
        status: i.status.as_str().to_owned(),
        mentions: m.mentions.iter().map(mention).collect(),
    }
}

/// When a nationwide agreement stops applying: its own end, or the start of the
/// next nationwide agreement, which supersedes it.
fn effective_end(doc: &AgreementDoc, all: &[AgreementDoc]) -> Option<Timestamp> {
    let a = &doc.agreement;
    let next = match a.scope {
        Scope::Country(_) => all
            .iter()
            .filter(|o| matches!(o.agreement.scope, Scope::Country(_)))
            .map(|o| o.agreement.effective.from())
            .filter(|t| *t > a.effective.from())
            .min(),
        _ => None,
    };
    match (a.effective.until(), next) {
        (Some(u), Some(n)) => Some(u.min(n)),
        (u, n) => u.or(n),
    }
}

fn hash(body: &str) -> String {
    hex::encode(Sha256::digest(body.as_bytes()))
}

/// Reads files without a store: one record per incident mention, as the
/// extraction contract (design §5) says. Inputs that fail are returned, named.
pub fn extract_files(
    inputs: &[Input],
    cfg: &IngestConfig,
) -> Result<(Vec<ExtractRecord>, Vec<IngestError>), EngineError> {
    {
        let refdata = refdata()?;
        let expanded = truce_ingest::expand(inputs);
        let mut errors = expanded.errors;
        let mut out = Vec::new();
        let meta = IngestMeta { received_at: Engine::now(), source: None };
        for f in &expanded.files {
            let parsed = truce_ingest::read_input(f, cfg, &meta);
            errors.extend(parsed.errors);
            for r in &parsed.reports {
                let input = report_input(r);
                let (reading, _diags) = truce_read::read(&input, refdata);
                out.extend(truce_read::extract_records(&r.origin.name, &reading));
            }
        }
        Ok((out, errors))
    }
}

impl Engine {
    /// Every report received at or before `as_of`, in arrival order.
    pub async fn reports_as_of(&self, as_of: Timestamp) -> Result<Vec<Report>, EngineError> {
        let mut reports: Vec<Report> = Vec::new();
        let mut cursor = 0;
        loop {
            let (page, next) = self.store.reports_page(as_of, cursor, 500).await?;
            if page.is_empty() {
                break;
            }
            reports.extend(page);
            cursor = next;
        }
        Ok(reports)
    }

    /// Reads, merges and judges the reports received by `req.as_of` (all, when
    /// `None`). A live run (no `as_of`) records changed incidents and rulings
    /// with their events; a replay records nothing.
    #[tracing::instrument(skip_all, fields(as_of = ?req.as_of))]
    pub async fn judge(&self, req: &JudgeRequest) -> Result<Analysis, EngineError> {
        let now = Engine::now();
        let as_of = req.as_of.unwrap_or(now);
        let started = std::time::Instant::now();
        let mut reports = self.reports_as_of(as_of).await?;
        let loaded = started.elapsed();
        // Merge depends on the order it sees reports in; order them by what
        // they are (received, then content hash), not by which writer stored
        // them first, so concurrent ingest (several workers) judges the same
        // as one `truce ingest`.
        reports.sort_by(|a, b| (a.received_at, a.id().as_str()).cmp(&(b.received_at, b.id().as_str())));
        let docs = self.agreement_docs(as_of).await?;
        if let Some(k) = &req.agreement
            && !docs.iter().any(|d| d.agreement.key().as_str() == k)
        {
            return Err(EngineError::User(format!(
                "--agreement {k:?}: no such agreement (see `truce agreement list`)"
            )));
        }
        let cache = self.readings.clone();
        let merges = self.merges.clone();
        let keep = req.as_of.is_none();
        let n_reports = reports.len();
        let analysis = tokio::task::spawn_blocking(move || analyse(&reports, &docs, &cache, &merges, keep))
            .await
            .map_err(|e| EngineError::Internal(format!("pipeline task failed: {e}")))??;
        let analysed = started.elapsed();
        let mut analysis = analysis;
        analysis.as_of = req.as_of;
        if req.as_of.is_none() {
            let incidents: Vec<DerivedIncident> = analysis
                .incidents
                .iter()
                .map(|i| {
                    let body = serde_json::to_string(i).unwrap_or_default();
                    let time_from = i.time_utc[0].parse::<Timestamp>().map_or(0, |t| t.as_millisecond());
                    let export = Some(crate::export::export_parts(i));
                    DerivedIncident { id: i.id.clone(), hash: hash(&body), body, time_from, export }
                })
                .collect();
            let rulings: Vec<DerivedRuling> = analysis
                .rulings
                .iter()
                .map(|r| {
                    let mut slim = r.clone();
                    slim.incident.mentions.clear();
                    let body = serde_json::to_string(&slim).unwrap_or_default();
                    DerivedRuling {
                        incident_id: r.incident.id.clone(),
                        agreement_key: r.agreement.key.clone(),
                        agreement_version: i64::from(r.agreement.version),
                        verdict: r.verdict.clone(),
                        hash: hash(&body),
                        body,
                        guarantors: Some(r.guarantors.join("; ")),
                        segment: Some(crate::export::ruling_segment(&r.verdict, &r.agreement.key, &r.guarantors)),
                    }
                })
                .collect();
            analysis.recorded = Some(self.store.record_derived(&incidents, &rulings, now).await?);
        }
        let rec = analysis.recorded.unwrap_or_default();
        tracing::debug!(
            reports = n_reports,
            written = rec.incidents_new + rec.incidents_changed + rec.rulings_new + rec.rulings_changed,
            incidents = analysis.incidents.len(),
            rulings = analysis.rulings.len(),
            load_ms = loaded.as_millis(),
            analyse_ms = (analysed - loaded).as_millis(),
            record_ms = (started.elapsed() - analysed).as_millis(),
            "judged"
        );
        if let Some(k) = &req.agreement {
            analysis.rulings.retain(|r| &r.agreement.key == k);
        }
        Ok(analysis)
    }

    /// The latest version of each agreement known at `as_of`, parsed.
    pub async fn agreement_docs(&self, as_of: Timestamp) -> Result<Vec<AgreementDoc>, EngineError> {
        let registry = registry()?;
        let rows = self.store.agreements_as_of(as_of).await?;
        rows.iter()
            .map(|r| {
                agreements::parse(&r.body, u32::try_from(r.version).unwrap_or(u32::MAX), Some(registry))
                    .map_err(|e| EngineError::Internal(format!("stored agreement {} v{}: {e}", r.key, r.version)))
            })
            .collect()
    }
}

fn report_input(r: &Report) -> ReportInput<'_> {
    ReportInput {
        id: r.id().as_str(),
        name: &r.origin.name,
        text: r.content(),
        is_html: r.media_type == MediaType::Html,
        published: r.published_at,
    }
}

/// The merge of the last judge run, kept between runs of one process.
///
/// Merge is a single pass in arrival order (see [`truce_merge::Merger`]), so
/// when the reports of a run begin with exactly the reports merged last time,
/// in the same order, pushing only the new ones gives the same result as
/// merging all of them again. That is the usual case for a live store: a new
/// report arrives after everything before it. Any other list (a replay as of
/// an earlier time, a report that sorts before one already merged) is merged
/// from the start.
#[derive(Default)]
pub(crate) struct MergeCache {
    ids: Vec<truce_model::ReportId>,
    merger: truce_merge::Merger,
    stats: MergeStats,
}

/// How the kept merge has been used so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeStats {
    /// Reports in the kept merge.
    pub reports: usize,
    /// Runs that continued it (pushing only their new reports).
    pub continued: u64,
    /// Runs that merged from the start (their reports did not begin with the kept ones).
    pub restarted: u64,
}

impl MergeCache {
    pub(crate) fn stats(&self) -> MergeStats {
        MergeStats { reports: self.ids.len(), ..self.stats }
    }
}

impl std::fmt::Debug for MergeCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MergeCache").field("reports", &self.ids.len()).finish()
    }
}

/// Reads `reports[i]` for each `i` in `which` that `cache` does not hold, on both cores.
fn readings_of(
    reports: &[Report],
    which: std::ops::Range<usize>,
    cache: &ReadingCache,
) -> Result<Vec<Arc<truce_read::Reading>>, EngineError> {
    let refdata = refdata()?;
    let mut readings: Vec<Option<Arc<truce_read::Reading>>> =
        reports[which.clone()].iter().map(|r| cache.get(r.id().as_str())).collect();
    let missing: Vec<usize> = (0..readings.len()).filter(|&i| readings[i].is_none()).collect();
    let half = missing.len().div_ceil(2).max(1);
    let base = which.start;
    let fresh: Vec<(usize, Arc<truce_read::Reading>)> = std::thread::scope(|s| {
        let handles: Vec<_> = missing
            .chunks(half)
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|&i| (i, Arc::new(truce_read::read(&report_input(&reports[base + i]), refdata).0)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    });
    for (i, reading) in fresh {
        cache.put(reports[base + i].id().as_str(), reading.clone());
        readings[i] = Some(reading);
    }
    readings.into_iter().map(|r| r.ok_or_else(|| EngineError::Internal("a reading thread failed".into()))).collect()
}

/// Pushes `reports[from..]` onto `merger`, reading those not in `cache`.
fn push_reports(
    merger: &mut truce_merge::Merger,
    reports: &[Report],
    from: usize,
    cache: &ReadingCache,
) -> Result<(), EngineError> {
    let readings = readings_of(reports, from..reports.len(), cache)?;
    for (r, reading) in reports[from..].iter().zip(&readings) {
        merger.push(&ReadReport {
            id: r.id(),
            name: &r.origin.name,
            source: r.origin.source.as_deref(),
            received_at: r.received_at,
            published: r.published_at,
            reading: reading.as_ref(),
        });
    }
    Ok(())
}

/// Merges `reports` (in arrival order), continuing the kept merge when it
/// covers a prefix of them. `keep` replaces the kept merge by this one when
/// it had to start again (a live run; a replay leaves it).
fn merge_reports(
    reports: &[Report],
    cache: &ReadingCache,
    merges: &std::sync::Mutex<MergeCache>,
    keep: bool,
) -> Result<truce_merge::Merged, EngineError> {
    let mut kept = match merges.lock() {
        Ok(g) => g,
        Err(poisoned) => {
            // A panic while pushing left the kept merge half-updated: drop it.
            let mut g = poisoned.into_inner();
            *g = MergeCache::default();
            merges.clear_poison();
            g
        }
    };
    let continues = kept.ids.len() <= reports.len() && kept.ids.iter().zip(reports).all(|(id, r)| id == r.id());
    if continues {
        let from = kept.ids.len();
        push_reports(&mut kept.merger, reports, from, cache)?;
        kept.ids.extend(reports[from..].iter().map(|r| r.id().clone()));
        kept.stats.continued += 1;
        return Ok(kept.merger.merged());
    }
    kept.stats.restarted += 1;
    let mut merger = truce_merge::Merger::default();
    push_reports(&mut merger, reports, 0, cache)?;
    let merged = merger.merged();
    if keep {
        kept.ids = reports.iter().map(|r| r.id().clone()).collect();
        kept.merger = merger;
    }
    Ok(merged)
}

/// The pure part: merge (continuing the kept merge where it can), then judge.
fn analyse(
    reports: &[Report],
    docs: &[AgreementDoc],
    cache: &ReadingCache,
    merges: &std::sync::Mutex<MergeCache>,
    keep: bool,
) -> Result<Analysis, EngineError> {
    let registry = registry()?;
    let merged = merge_reports(reports, cache, merges, keep)?;
    let ends: HashMap<String, Option<Timestamp>> =
        docs.iter().map(|d| (d.agreement.key().to_string(), effective_end(d, docs))).collect();
    let lookback = SignedDuration::from_hours(24 * 14);
    let mut out = Analysis { reports: reports.len(), ..Analysis::default() };
    for m in &merged.incidents {
        let record = incident_record(m);
        let (from, to) = (m.incident.time.from(), m.incident.time.to());
        for d in docs {
            let a = &d.agreement;
            let start = a.effective.from().checked_sub(lookback).unwrap_or(a.effective.from());
            let end = ends.get(a.key().as_str()).copied().flatten();
            if to < start || end.is_some_and(|e| from >= e) {
                continue;
            }
            let ruling = truce_judge::judge(&m.incident, a, registry);
            let name = |k: &truce_model::ActorKey| registry.get(k).map_or_else(|| k.to_string(), |x| x.name.clone());
            out.rulings.push(RulingRecord {
                incident: record.clone(),
                agreement: AgreementRef { key: a.key().to_string(), version: a.version() },
                verdict: ruling.verdict.as_str().to_owned(),
                responsible: ruling.responsible.iter().map(name).collect(),
                guarantors: ruling.guarantors.iter().map(name).collect(),
                confidence: ruling.confidence(),
                trace: ruling.trace().to_vec(),
            });
        }
        out.incidents.push(record);
    }
    out.facts = merged
        .facts
        .iter()
        .map(|f| FactRecord {
            text: f.text.clone(),
            kind: f.kind.clone(),
            sources: f.sources,
            mentions: f.mentions.iter().map(mention).collect(),
        })
        .collect();
    out.contradictions = merged
        .contradictions
        .iter()
        .map(|c| ContradictionRecord {
            subject: c.subject.clone(),
            sides: c.sides.iter().map(|(v, ms)| (v.clone(), ms.iter().map(mention).collect())).collect(),
        })
        .collect();
    Ok(out)
}

/// A stored agreement version, for listing and diffs.
#[derive(Debug, Clone)]
pub struct AgreementVersion {
    /// The key.
    pub key: String,
    /// The version.
    pub version: u32,
    /// When it became known.
    pub known_from: Timestamp,
    /// The file text.
    pub body: String,
    /// The parsed agreement.
    pub doc: AgreementDoc,
}

impl Engine {
    /// Adds an agreement file (a new version when the key exists and the text
    /// changed). Returns the key, the version and whether it is new.
    pub async fn add_agreement(&self, text: &str) -> Result<(String, u32, bool), EngineError> {
        let registry = registry()?;
        let doc = agreements::parse(text, 1, Some(registry)).map_err(EngineError::User)?;
        let now = Engine::now();
        let key = doc.agreement.key().to_string();
        let (v, new) = self.store.add_agreement(&key, text, now, now).await?;
        Ok((key, u32::try_from(v).unwrap_or(u32::MAX), new))
    }

    /// Every version of one agreement, oldest first.
    pub async fn agreement_versions(&self, key: &str) -> Result<Vec<AgreementVersion>, EngineError> {
        let registry = registry()?;
        let rows = self.store.agreement_versions(key).await?;
        if rows.is_empty() {
            return Err(EngineError::User(format!("no agreement {key:?} (see `truce agreement list`)")));
        }
        rows.into_iter()
            .map(|r| {
                let version = u32::try_from(r.version).unwrap_or(u32::MAX);
                let doc = agreements::parse(&r.body, version, Some(registry))
                    .map_err(|e| EngineError::Internal(format!("stored agreement {key} v{version}: {e}")))?;
                let known_from = Timestamp::from_millisecond(r.created_at).unwrap_or(Timestamp::UNIX_EPOCH);
                Ok(AgreementVersion { key: r.key, version, known_from, body: r.body, doc })
            })
            .collect()
    }
}
