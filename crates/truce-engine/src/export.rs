//! Exports (ACLED CSV, GeoJSON, JSON Lines, agreements as JSON) streamed from
//! the store a page at a time, the ACLED CSV import, and the export benchmark.

use std::io::{BufRead, Write};
use std::time::Instant;

use jiff::Timestamp;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use truce_ingest::IngestMeta;
use truce_store::{DerivedIncident, DerivedRuling, ExportIncident, ExportParts, ExportRuling};
use truce_tell::acled::{self, AcledRow, CsvReader, RulingSummary};
use truce_tell::geojson::GeoJsonWriter;
use truce_tell::jsonl;
use truce_tell::records::{ActorRecord, AgreementRef, IncidentRecord, MentionRecord, RulingRecord};

use crate::{Engine, EngineConfig, EngineError, Progress, agreements};

pub use truce_store::ExportFilter;

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// ACLED's 31 columns then ours.
    AcledCsv,
    /// RFC 7946 FeatureCollection.
    GeoJson,
    /// Every record type, one per line.
    Jsonl,
    /// Agreements as JSON in the agreement file's schema.
    Agreements,
}

impl ExportFormat {
    /// Parses `acled-csv`, `geojson`, `jsonl` or `agreements`.
    pub fn parse(s: &str) -> Result<ExportFormat, EngineError> {
        match s {
            "acled-csv" | "csv" => Ok(ExportFormat::AcledCsv),
            "geojson" => Ok(ExportFormat::GeoJson),
            "jsonl" => Ok(ExportFormat::Jsonl),
            "agreements" => Ok(ExportFormat::Agreements),
            _ => Err(EngineError::User(format!("--format {s:?}: expected acled-csv, geojson, jsonl or agreements"))),
        }
    }

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::AcledCsv => "acled-csv",
            ExportFormat::GeoJson => "geojson",
            ExportFormat::Jsonl => "jsonl",
            ExportFormat::Agreements => "agreements",
        }
    }
}

/// Rows per store page.
const PAGE: u32 = 2_000;

/// Rows per page of the CSV export, which the database writes as one text:
/// small enough that PostgreSQL sorts a page in memory (the default 4 MB
/// `work_mem`; 10,000 rows spilled to disk) and plans it below its JIT
/// threshold (JIT compiling cost 10 ms a page).
const CSV_PAGE: u32 = 4_000;

/// The export parts recorded beside an incident's body: its ACLED CSV fields
/// that depend on the incident alone, already encoded.
pub(crate) fn export_parts(i: &IncidentRecord) -> ExportParts {
    let p = acled::csv_parts(i);
    ExportParts { version: acled::CSV_PARTS_VERSION, head: p.head, tail: p.tail }
}

/// A ruling's ACLED CSV fields as recorded beside it (`ex_segment`).
pub(crate) fn ruling_segment(verdict: &str, agreement: &str, guarantors: &[String]) -> String {
    acled::ruling_segment(Some((verdict, agreement, &guarantors.join("; "))))
}

#[derive(Deserialize)]
struct GuarantorsOnly {
    #[serde(default)]
    guarantors: Vec<String>,
}

#[derive(Deserialize)]
struct SlimRuling {
    #[serde(default)]
    responsible: Vec<String>,
    #[serde(default)]
    guarantors: Vec<String>,
}

fn summary(r: &ExportRuling) -> Result<RulingSummary, EngineError> {
    let slim: SlimRuling = serde_json::from_str(&r.body)
        .map_err(|e| EngineError::Internal(format!("stored ruling {}@{}: {e}", r.incident_id, r.agreement_key)))?;
    Ok(RulingSummary {
        agreement: r.agreement_key.clone(),
        verdict: r.verdict.clone(),
        guarantors: slim.guarantors,
        responsible: slim.responsible,
    })
}

/// The rulings of incident `id` in `rulings` (sorted by incident), scanning on
/// from `*r`: pages and their rulings are both in id order, so one pass
/// merges them.
fn rulings_of<'a, T>(rulings: &'a [T], r: &mut usize, id: &str, incident: impl Fn(&T) -> &str) -> &'a [T] {
    while *r < rulings.len() && incident(&rulings[*r]) < id {
        *r += 1;
    }
    let start = *r;
    while *r < rulings.len() && incident(&rulings[*r]) == id {
        *r += 1;
    }
    &rulings[start..*r]
}

fn incident(row: &ExportIncident) -> Result<IncidentRecord, EngineError> {
    serde_json::from_str(&row.body).map_err(|e| EngineError::Internal(format!("stored incident {}: {e}", row.id)))
}

fn io(e: std::io::Error) -> EngineError {
    EngineError::User(format!("writing the export: {e}"))
}

fn sha(body: &str) -> String {
    hex::encode(Sha256::digest(body.as_bytes()))
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Rows read.
    pub rows: u64,
    /// Rows identical to what the store already exports: nothing changed.
    pub unchanged: u64,
    /// Incidents recorded new.
    pub incidents_new: usize,
    /// Incidents whose content changed.
    pub incidents_changed: usize,
    /// Reports stored to keep the rows' `source` and `notes`.
    pub reports_new: usize,
    /// Rows refused, each as `line N: problem`.
    pub errors: Vec<String>,
}

impl Engine {
    /// Writes an export to `out`, a page of the store at a time (constant memory).
    /// Returns the number of rows (features, lines, agreements) written.
    pub async fn export<W: Write>(
        &self,
        format: ExportFormat,
        filter: &ExportFilter,
        out: &mut W,
        progress: &dyn Progress,
    ) -> Result<u64, EngineError> {
        let mut rows = 0u64;
        if matches!(format, ExportFormat::Agreements | ExportFormat::Jsonl) {
            let docs = self.agreement_json(filter.agreement.as_deref()).await?;
            if format == ExportFormat::Agreements {
                let text = serde_json::to_string_pretty(&docs).map_err(|e| EngineError::Internal(e.to_string()))?;
                out.write_all(text.as_bytes()).map_err(io)?;
                out.write_all(b"\n").map_err(io)?;
                return Ok(docs.len() as u64);
            }
            for d in &docs {
                jsonl::write(out, "agreement", d).map_err(io)?;
                rows += 1;
            }
        }
        let (incidents, _) = self.store.derived_counts().await?;
        progress.start(incidents);
        if format == ExportFormat::AcledCsv {
            let rows = self.export_csv(filter, out, progress).await?;
            progress.finish();
            return Ok(rows);
        }
        let mut geo = GeoJsonWriter::new();
        if format == ExportFormat::GeoJson {
            geo.start(out).map_err(io)?;
        }
        let mut after = String::new();
        loop {
            let page = self.store.export_incidents_page(filter, &after, PAGE).await?;
            let (Some(first), Some(last)) = (page.first(), page.last()) else { break };
            let rulings = self.store.export_rulings_range(&first.id, &last.id, filter.agreement.as_deref()).await?;
            let mut r = 0;
            for row in &page {
                let mine = rulings_of(&rulings, &mut r, &row.id, |x| &x.incident_id);
                match format {
                    ExportFormat::Jsonl => {
                        jsonl::write_raw(out, "incident", &row.body).map_err(io)?;
                        for x in mine {
                            jsonl::write_raw(out, "ruling", &x.body).map_err(io)?;
                        }
                        rows += 1 + mine.len() as u64;
                    }
                    ExportFormat::GeoJson => {
                        let i = incident(row)?;
                        let s = mine.iter().map(summary).collect::<Result<Vec<_>, _>>()?;
                        geo.feature(out, &i, &s).map_err(io)?;
                        rows += 1;
                    }
                    ExportFormat::AcledCsv | ExportFormat::Agreements => {}
                }
            }
            progress.advance(page.len() as u64);
            after.clone_from(&last.id);
            if page.len() < PAGE as usize {
                break;
            }
        }
        if format == ExportFormat::GeoJson {
            geo.finish(out).map_err(io)?;
        }
        out.flush().map_err(io)?;
        progress.finish();
        Ok(rows)
    }

    /// The ACLED CSV export. Each page is written by the database from the
    /// parts recorded with the incidents and their primary rulings'
    /// guarantors (`Store::export_csv_chunk`: one value per page, so the cost
    /// per row is the database's string building). A page holding rows
    /// recorded without those parts is written row by row instead
    /// ([`Engine::export_csv_rows`]), parsing the JSON body where needed.
    async fn export_csv<W: Write>(
        &self,
        filter: &ExportFilter,
        out: &mut W,
        progress: &dyn Progress,
    ) -> Result<u64, EngineError> {
        acled::write_header(out).map_err(io)?;
        let version = acled::CSV_PARTS_VERSION;
        let mut rows = 0u64;
        let mut after = String::new();
        loop {
            let chunk = self.store.export_csv_chunk(filter, &after, CSV_PAGE, version).await?;
            let Some(last) = chunk.last else { break };
            let n = if chunk.fallback == 0 {
                out.write_all(chunk.text.as_deref().unwrap_or_default().as_bytes()).map_err(io)?;
                after = last;
                u64::try_from(chunk.n).unwrap_or(0)
            } else {
                let (n, page_last) = self.export_csv_rows(filter, &after, out).await?;
                match page_last {
                    Some(l) => after = l,
                    None => break,
                }
                n
            };
            rows += n;
            progress.advance(n);
            if n < u64::from(CSV_PAGE) {
                break;
            }
        }
        out.flush().map_err(io)?;
        Ok(rows)
    }

    /// One page of the CSV export (the incidents after `after`) written row by
    /// row: from the recorded parts and guarantors where present, else from
    /// the JSON bodies. Returns the rows written and the page's last id.
    async fn export_csv_rows<W: Write>(
        &self,
        filter: &ExportFilter,
        after: &str,
        out: &mut W,
    ) -> Result<(u64, Option<String>), EngineError> {
        let page = self.store.export_csv_page(filter, after, CSV_PAGE, acled::CSV_PARTS_VERSION).await?;
        let (Some(first), Some(last)) = (page.first(), page.last()) else { return Ok((0, None)) };
        let rulings = self.store.export_csv_rulings_range(&first.id, &last.id, filter.agreement.as_deref()).await?;
        let mut r = 0;
        for row in &page {
            let mine = rulings_of(&rulings, &mut r, &row.id, |x| &x.incident_id);
            let at = Timestamp::from_millisecond(row.updated_at).ok();
            // The primary ruling, chosen as `acled::primary` does.
            let best = mine.iter().min_by(|a, b| {
                (acled::verdict_rank(&a.verdict), &a.agreement_key)
                    .cmp(&(acled::verdict_rank(&b.verdict), &b.agreement_key))
            });
            let guarantors = match best {
                Some(b) => match (&b.ex_guarantors, &b.body) {
                    (Some(g), _) => g.clone(),
                    (None, Some(body)) => serde_json::from_str::<GuarantorsOnly>(body)
                        .map_err(|e| {
                            EngineError::Internal(format!("stored ruling {}@{}: {e}", b.incident_id, b.agreement_key))
                        })?
                        .guarantors
                        .join("; "),
                    (None, None) => String::new(),
                },
                None => String::new(),
            };
            let ruling = best.map(|b| (b.verdict.as_str(), b.agreement_key.as_str(), guarantors.as_str()));
            match (&row.body, &row.ex_head, &row.ex_tail) {
                (None, Some(head), Some(tail)) => {
                    acled::write_row_from_parts(out, (head, tail), at, ruling).map_err(io)?;
                }
                (body, _, _) => {
                    let body = body.as_deref().unwrap_or("{}");
                    let i: IncidentRecord = serde_json::from_str(body)
                        .map_err(|e| EngineError::Internal(format!("stored incident {}: {e}", row.id)))?;
                    let p = acled::csv_parts(&i);
                    acled::write_row_from_parts(out, (&p.head, &p.tail), at, ruling).map_err(io)?;
                }
            }
        }
        Ok((page.len() as u64, Some(last.id.clone())))
    }

    /// The latest version of each agreement (or of `key`) as JSON in the file's schema.
    async fn agreement_json(&self, key: Option<&str>) -> Result<Vec<serde_json::Value>, EngineError> {
        let registry = crate::pipeline::registry()?;
        let mut out = Vec::new();
        for row in self.store.agreements_as_of(Timestamp::MAX).await? {
            if key.is_some_and(|k| k != row.key) {
                continue;
            }
            agreements::parse(&row.body, u32::try_from(row.version).unwrap_or(u32::MAX), Some(registry))
                .map_err(|e| EngineError::Internal(format!("stored agreement {}: {e}", row.key)))?;
            let v: toml::Value = toml::from_str(&row.body)
                .map_err(|e| EngineError::Internal(format!("stored agreement {}: {e}", row.key)))?;
            let json = serde_json::to_value(v).map_err(|e| EngineError::Internal(e.to_string()))?;
            out.push(json);
        }
        if let Some(k) = key
            && out.is_empty()
        {
            return Err(EngineError::User(format!(
                "--agreement {k:?}: no such agreement (see `truce agreement list`)"
            )));
        }
        Ok(out)
    }

    /// The CSV row the store exports now for incident `id`, if it is recorded.
    async fn exported_row(&self, id: &str) -> Result<Option<AcledRow>, EngineError> {
        let Some(row) = self.store.export_incident(id).await? else { return Ok(None) };
        let rulings = self.store.export_rulings_range(id, id, None).await?;
        let s = rulings.iter().map(summary).collect::<Result<Vec<_>, _>>()?;
        let at = Timestamp::from_millisecond(row.updated_at).ok();
        Ok(Some(AcledRow::from_incident(&incident(&row)?, &s, at)))
    }

    /// Imports ACLED-format CSV: each row becomes an incident (id = `event_id_cnty`),
    /// its `source` and `notes` a stored report the incident cites, and its
    /// verdict/agreement columns a ruling. A row identical to what the store
    /// exports for that incident changes nothing, so export then import is a no-op.
    pub async fn import_acled<R: BufRead>(
        &self,
        input: R,
        progress: &dyn Progress,
    ) -> Result<ImportSummary, EngineError> {
        let mut reader = CsvReader::new(input);
        let bad = |e: std::io::Error| EngineError::User(format!("reading the CSV: {e}"));
        let header = reader.next_record().map_err(bad)?.ok_or_else(|| EngineError::User("the CSV is empty".into()))?;
        for need in ["event_id_cnty", "event_date", "event_type", "sub_event_type"] {
            if !header.iter().any(|h| h.trim() == need) {
                return Err(EngineError::User(format!("the CSV has no {need} column (is it ACLED's format?)")));
            }
        }
        let versions: std::collections::HashMap<String, u32> = self
            .agreement_docs(Timestamp::MAX)
            .await?
            .iter()
            .map(|d| (d.agreement.key().to_string(), d.agreement.version()))
            .collect();
        let now = Engine::now();
        let mut out = ImportSummary::default();
        let (mut incidents, mut rulings) = (Vec::new(), Vec::new());
        progress.start(0);
        while let Some(record) = reader.next_record().map_err(bad)? {
            out.rows += 1;
            let line = reader.line();
            let row = AcledRow::from_record(&header, &record);
            if let Err(e) = row.check() {
                out.errors.push(format!("line {line}: {e}"));
                continue;
            }
            let id = row.get("event_id_cnty").to_owned();
            if let Some(existing) = self.exported_row(&id).await?
                && existing == row
            {
                out.unchanged += 1;
                continue;
            }
            let notes = row.get("notes").to_owned();
            let text = if notes.trim().is_empty() {
                format!(
                    "{} ({}) on {} in {}.",
                    row.get("sub_event_type"),
                    row.get("event_type"),
                    row.get("event_date"),
                    row.get("location")
                )
            } else {
                notes.clone()
            };
            let source = Some(row.get("source").to_owned()).filter(|s| !s.is_empty());
            let parsed = truce_ingest::parse_bytes(&id, text.as_bytes(), &IngestMeta { received_at: now, source });
            let Some(report) = parsed.reports.first() else {
                let why = parsed.errors.first().map(ToString::to_string).unwrap_or_default();
                out.errors.push(format!("line {line}: notes cannot be kept as a report: {why}"));
                continue;
            };
            let stored = self.store.insert_reports(std::slice::from_ref(report), now).await?;
            out.reports_new += stored.iter().filter(|s| **s == truce_store::Stored::New).count();
            let mut row = row;
            if notes.trim().is_empty() {
                row.fields[acled::ACLED_COLUMNS.iter().position(|c| *c == "notes").unwrap_or(27)] = text;
            }
            let i = row
                .to_incident(&report.origin.name, report.id().as_str())
                .map_err(|e| EngineError::User(format!("line {line}: {e}")))?;
            let body = serde_json::to_string(&i).map_err(|e| EngineError::Internal(e.to_string()))?;
            let time_from = i.time_utc[0].parse::<Timestamp>().map_or(0, |t| t.as_millisecond());
            if let Some(r) = row.ruling() {
                let version = versions.get(&r.agreement).copied().unwrap_or(1);
                let mut slim = i.clone();
                slim.mentions.clear();
                let record = RulingRecord {
                    incident: slim,
                    agreement: AgreementRef { key: r.agreement.clone(), version },
                    verdict: r.verdict.clone(),
                    responsible: r.responsible,
                    guarantors: r.guarantors,
                    confidence: 0.0,
                    trace: vec!["imported from an ACLED-format CSV row".to_owned()],
                };
                let rbody = serde_json::to_string(&record).map_err(|e| EngineError::Internal(e.to_string()))?;
                rulings.push(DerivedRuling {
                    segment: Some(ruling_segment(&r.verdict, &r.agreement, &record.guarantors)),
                    incident_id: i.id.clone(),
                    agreement_key: r.agreement,
                    agreement_version: i64::from(version),
                    verdict: r.verdict,
                    hash: sha(&rbody),
                    body: rbody,
                    guarantors: Some(record.guarantors.join("; ")),
                });
            }
            let export = Some(export_parts(&i));
            incidents.push(DerivedIncident { id: i.id.clone(), hash: sha(&body), body, time_from, export });
            if incidents.len() >= 500 {
                let rec = self.store.record_derived(&incidents, &rulings, now).await?;
                out.incidents_new += rec.incidents_new;
                out.incidents_changed += rec.incidents_changed;
                progress.advance(incidents.len() as u64);
                incidents.clear();
                rulings.clear();
            }
        }
        if !incidents.is_empty() {
            let rec = self.store.record_derived(&incidents, &rulings, now).await?;
            out.incidents_new += rec.incidents_new;
            out.incidents_changed += rec.incidents_changed;
            progress.advance(incidents.len() as u64);
        }
        progress.finish();
        Ok(out)
    }
}

/// One measured export.
#[derive(Debug, Clone)]
pub struct ExportFigure {
    /// `record` or the format name.
    pub what: String,
    /// Rows written (incidents recorded, for `record`).
    pub rows: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Bytes written.
    pub bytes: u64,
    /// Peak resident memory during this step, in MiB (VmHWM after a reset), if known.
    /// It includes what the process already held when the step began (the heap left
    /// by recording the benchmark's incidents), which is `base_mib`.
    pub peak_mib: Option<f64>,
    /// Resident memory when the step began, in MiB, if known.
    pub base_mib: Option<f64>,
}

impl ExportFigure {
    /// What the step itself added at its peak: `peak_mib - base_mib`.
    pub fn grew_mib(&self) -> Option<f64> {
        Some((self.peak_mib? - self.base_mib?).max(0.0))
    }

    /// Rows per second.
    pub fn per_second(&self) -> f64 {
        self.rows as f64 / self.seconds.max(1e-9)
    }
}

/// Resets the process's peak-RSS counter (Linux: `clear_refs` 5), so the next
/// reading of VmHWM covers only what follows.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// VmHWM (peak resident set) in MiB.
fn peak_mib() -> Option<f64> {
    status_mib("VmHWM:")
}

/// VmRSS (resident set now) in MiB.
fn rss_mib() -> Option<f64> {
    status_mib("VmRSS:")
}

fn status_mib(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

const GOVS: [(&str, &str, f64, f64); 6] = [
    ("Hama", "SY05", 35.1318, 36.7578),
    ("Idleb", "SY07", 35.9306, 36.6339),
    ("Aleppo", "SY02", 36.2021, 37.1343),
    ("Dar'a", "SY12", 32.6189, 36.1021),
    ("Homs", "SY04", 34.7324, 36.7137),
    ("Rural Damascus", "SY03", 33.5700, 36.4000),
];

/// A synthetic incident and its ruling, like the pipeline records them.
pub fn synthetic_incident(n: usize) -> (IncidentRecord, RulingRecord) {
    let (gov, pcode, lat, lon) = GOVS[n % GOVS.len()];
    let t = Timestamp::from_second(1_483_048_800 + (n as i64 % 86_400) * 60).unwrap_or(Timestamp::UNIX_EPOCH);
    let text = format!("Clashes were reported near {gov} between government forces and rebels (event {n}).");
    let i = IncidentRecord {
        id: format!("inc-{n:09}"),
        event_type: "Battles".into(),
        sub_event_type: "Armed clash".into(),
        time_utc: [t.to_string(), (t + jiff::SignedDuration::from_hours(3)).to_string()],
        time_precision: "hour".into(),
        admin1: Some(gov.into()),
        admin1_pcode: Some(pcode.into()),
        admin2: None,
        location: Some(gov.into()),
        lat: Some(lat + (n % 100) as f64 / 1000.0),
        lon: Some(lon),
        geo_precision: Some(2),
        actors: vec![
            ActorRecord { name: "Military Forces of Syria (2000-)".into(), inter: Some(1) },
            ActorRecord { name: "Opposition Rebels (Syria)".into(), inter: Some(2) },
        ],
        sources: 1 + (n % 3) as u32,
        reports: vec![format!("report-{n}.txt")],
        fatalities: (n % 7) as u32,
        status: "reported".into(),
        mentions: vec![MentionRecord {
            report: format!("report-{n}.txt"),
            report_id: format!("{:064x}", n),
            start: 0,
            end: text.len(),
            text,
        }],
    };
    let mut slim = i.clone();
    slim.mentions.clear();
    let r = RulingRecord {
        incident: slim,
        agreement: AgreementRef { key: "sy-ceasefire-2016-12-30".into(), version: 1 },
        verdict: "violation".into(),
        responsible: vec!["Military Forces of Syria (2000-)".into(), "Opposition Rebels (Syria)".into()],
        guarantors: vec!["Government of Russia (2000-)".into(), "Government of Turkey (2016-)".into()],
        confidence: 0.5,
        trace: vec!["synthetic".into()],
    };
    (i, r)
}

/// Puts `n` synthetic incidents (each with one ruling) into a fresh SQLite
/// file in a temporary folder (and, given `pg_admin`, a scratch PostgreSQL
/// database) with [`bench_export_seed`], then exports them in each format in
/// this process with [`bench_export_step`]. Figures are named `<backend>
/// <step>`. Prints nothing; the caller prints. (`truce bench export` runs each
/// export step in a fresh process instead, so its peak memory is the export's
/// own.)
pub async fn bench_export(n: usize, pg_admin: Option<&str>) -> Result<Vec<ExportFigure>, EngineError> {
    let dir = tempfile::tempdir().map_err(|e| EngineError::Internal(format!("temporary folder: {e}")))?;
    let url = format!("sqlite://{}", dir.path().join("export-bench.db").display());
    let mut figures = bench_export_on("sqlite", &url, n, dir.path()).await?;
    if let Some(admin) = pg_admin {
        let name = format!("truce_bench_export_{}", std::process::id());
        let url = truce_store::create_pg_database(admin, &name).await?;
        let pg = bench_export_on("postgres", &url, n, dir.path()).await;
        truce_store::drop_pg_database(admin, &name).await?;
        figures.extend(pg?);
    }
    Ok(figures)
}

/// The formats the export benchmark measures, in order.
pub const BENCH_FORMATS: [ExportFormat; 3] = [ExportFormat::AcledCsv, ExportFormat::GeoJson, ExportFormat::Jsonl];

async fn bench_export_on(
    backend: &str,
    url: &str,
    n: usize,
    dir: &std::path::Path,
) -> Result<Vec<ExportFigure>, EngineError> {
    let mut figures = bench_export_seed(backend, url, n).await?;
    for format in BENCH_FORMATS {
        let path = dir.join(format!("out.{}", format.as_str()));
        let mut f = bench_export_step(url, format, &path).await?;
        f.what = format!("{backend} {}", f.what);
        figures.push(f);
        let _ = std::fs::remove_file(&path);
    }
    Ok(figures)
}

/// Records `n` synthetic incidents (each with one ruling) into the store at
/// `url`: the first 20,000 through `Store::record_derived` as the pipeline
/// records them (`record`), the rest with `Store::bulk_load_derived`
/// (`load`), timing each step. Figures are named `<backend> <step>`.
pub async fn bench_export_seed(backend: &str, url: &str, n: usize) -> Result<Vec<ExportFigure>, EngineError> {
    let engine = Engine::open(EngineConfig {
        db_url: url.to_owned(),
        ingest: truce_ingest::IngestConfig { max_size: 20 << 20 },
    })
    .await?;
    let mut figures = Vec::new();
    let now = Engine::now();
    // The first rows go through the pipeline's recording path (hash check and
    // one event per row), timed as `record`; the rest are bulk-loaded
    // (`load`), which only makes the store big enough to export from.
    let recorded = n.min(RECORDED);
    for (what, range) in [("record", 0..recorded), ("load", recorded..n)] {
        if range.is_empty() {
            continue;
        }
        reset_peak();
        let base = rss_mib();
        let t = Instant::now();
        let rows = range.len() as u64;
        let mut start = range.start;
        while start < range.end {
            let end = (start + 5_000).min(range.end);
            let (incidents, rulings) = synthetic_batch(start..end)?;
            if what == "record" {
                engine.store.record_derived(&incidents, &rulings, now).await?;
            } else {
                engine.store.bulk_load_derived(&incidents, &rulings, now).await?;
            }
            start = end;
        }
        figures.push(ExportFigure {
            what: format!("{backend} {what}"),
            rows,
            seconds: t.elapsed().as_secs_f64(),
            bytes: 0,
            peak_mib: peak_mib(),
            base_mib: base,
        });
    }
    engine.close().await;
    Ok(figures)
}

/// Settles the derived tables of the store at `url` (`Store::settle_derived`:
/// VACUUM ANALYZE on PostgreSQL), timed as `<backend> vacuum`.
pub async fn bench_export_settle(backend: &str, url: &str) -> Result<ExportFigure, EngineError> {
    let engine = Engine::open(EngineConfig {
        db_url: url.to_owned(),
        ingest: truce_ingest::IngestConfig { max_size: 20 << 20 },
    })
    .await?;
    let t = Instant::now();
    engine.store.settle_derived().await?;
    let (rows, _) = engine.store.derived_counts().await?;
    engine.close().await;
    Ok(ExportFigure {
        what: format!("{backend} vacuum"),
        rows,
        seconds: t.elapsed().as_secs_f64(),
        bytes: 0,
        peak_mib: None,
        base_mib: None,
    })
}

/// Exports the whole store at `url` in `format` to the file `path` as `truce
/// export` does (opening the store, streaming, flushing), timing it and
/// reading this process's peak memory over the step (`what` is the format).
pub async fn bench_export_step(
    url: &str,
    format: ExportFormat,
    path: &std::path::Path,
) -> Result<ExportFigure, EngineError> {
    reset_peak();
    let base = rss_mib();
    let t = Instant::now();
    let engine = Engine::open(EngineConfig {
        db_url: url.to_owned(),
        ingest: truce_ingest::IngestConfig { max_size: 20 << 20 },
    })
    .await?;
    let file = std::fs::File::create(path).map_err(|e| EngineError::Internal(format!("{}: {e}", path.display())))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
    let rows = engine.export(format, &ExportFilter::default(), &mut w, &()).await?;
    drop(w);
    engine.close().await;
    let seconds = t.elapsed().as_secs_f64();
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    Ok(ExportFigure { what: format.as_str().to_owned(), rows, seconds, bytes, peak_mib: peak_mib(), base_mib: base })
}

/// How many of the benchmark's rows are recorded one by one (the rest are bulk-loaded).
const RECORDED: usize = 20_000;

/// Synthetic incidents and rulings `range`, as the pipeline would record them.
fn synthetic_batch(range: std::ops::Range<usize>) -> Result<(Vec<DerivedIncident>, Vec<DerivedRuling>), EngineError> {
    let (mut incidents, mut rulings) = (Vec::with_capacity(range.len()), Vec::with_capacity(range.len()));
    for k in range {
        let (i, r) = synthetic_incident(k);
        let body = serde_json::to_string(&i).map_err(|e| EngineError::Internal(e.to_string()))?;
        let rbody = serde_json::to_string(&r).map_err(|e| EngineError::Internal(e.to_string()))?;
        let time_from = t_ms(&i.time_utc[0]);
        rulings.push(DerivedRuling {
            incident_id: i.id.clone(),
            agreement_key: r.agreement.key.clone(),
            agreement_version: 1,
            verdict: r.verdict.clone(),
            hash: sha(&rbody),
            body: rbody,
            guarantors: Some(r.guarantors.join("; ")),
            segment: Some(ruling_segment(&r.verdict, &r.agreement.key, &r.guarantors)),
        });
        let export = Some(export_parts(&i));
        incidents.push(DerivedIncident { id: i.id, hash: sha(&body), body, time_from, export });
    }
    Ok((incidents, rulings))
}

fn t_ms(s: &str) -> i64 {
    s.parse::<Timestamp>().map_or(0, |t| t.as_millisecond())
}

#[cfg(test)]
mod tests {
    use super::*;
    use truce_test_support::TestDb;

    /// Incident `k` with none, one or two rulings, under keys and with
    /// guarantors that need CSV quoting; `parts` says whether the export
    /// columns are recorded (else every row is exported from the JSON bodies).
    fn varied(k: usize, parts: bool) -> (DerivedIncident, Vec<DerivedRuling>) {
        let (mut i, r) = synthetic_incident(k);
        i.location = Some(format!("Kafr \"{k}\", north"));
        let body = serde_json::to_string(&i).unwrap();
        let export = parts.then(|| export_parts(&i));
        let incident = DerivedIncident { id: i.id.clone(), hash: sha(&body), body, time_from: 0, export };
        let rulings: &[(&str, &str, &[&str])] = match k % 4 {
            0 => &[],
            1 => &[("violation", "sy-2016", &["Russia, the Federation", "Turkey \"T\""])],
            // The most severe verdict wins whatever its key …
            2 => &[("not_covered", "a-first", &["A"]), ("violation", "b-second", &["B"])],
            // … and equal verdicts go to the smaller key.
            _ => &[("undetermined", "z\"q", &["Z"]), ("undetermined", "m,n", &["M\nN"])],
        };
        let rulings = rulings
            .iter()
            .map(|(verdict, key, guarantors)| {
                let mut x = r.clone();
                x.agreement.key = (*key).to_owned();
                x.verdict = (*verdict).to_owned();
                x.guarantors = guarantors.iter().map(|g| (*g).to_owned()).collect();
                let body = serde_json::to_string(&x).unwrap();
                DerivedRuling {
                    incident_id: i.id.clone(),
                    agreement_key: x.agreement.key.clone(),
                    agreement_version: 1,
                    verdict: x.verdict.clone(),
                    hash: sha(&body),
                    body,
                    guarantors: parts.then(|| x.guarantors.join("; ")),
                    segment: parts.then(|| ruling_segment(verdict, key, &x.guarantors)),
                }
            })
            .collect();
        (incident, rulings)
    }

    async fn csv(engine: &Engine, filter: &ExportFilter) -> String {
        let mut out = Vec::new();
        engine.export(ExportFormat::AcledCsv, filter, &mut out, &()).await.unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The pages the database writes (`csv_chunk.sql`) are byte for byte the rows
    /// built in Rust from the JSON bodies (`AcledRow::from_incident`), on both
    /// stores: for rulings chosen by severity then key, quoted fields, incidents
    /// without rulings, pages mixing rows with and without export columns, and
    /// an agreement filter.
    #[tokio::test]
    async fn the_database_written_csv_equals_the_rows_built_from_the_records() {
        let n = CSV_PAGE as usize + 2_500;
        for db in TestDb::both().await {
            let ingest = truce_ingest::IngestConfig { max_size: 20 << 20 };
            let engine = Engine::open(EngineConfig { db_url: db.url.clone(), ingest }).await.unwrap();
            let now = Engine::now();
            // The first page has export columns throughout; the second mixes.
            let (mut incidents, mut rulings) = (Vec::new(), Vec::new());
            for k in 0..n {
                let (i, r) = varied(k, k < CSV_PAGE as usize || k % 3 != 0);
                incidents.push(i);
                rulings.extend(r);
            }
            engine.store.bulk_load_derived(&incidents, &rulings, now).await.unwrap();
            // The recording path too, which updates a ruling already stored.
            let (i, mut r) = varied(2, true);
            r[1].verdict = "excluded_party".into();
            r[1].hash = "changed".into();
            r[1].segment = Some(ruling_segment("excluded_party", "b-second", &["B".to_owned()]));
            engine.store.record_derived(&[i], &r, now).await.unwrap();

            for agreement in [None, Some("a-first")] {
                let filter = ExportFilter { agreement: agreement.map(str::to_owned), ..ExportFilter::default() };
                let got = csv(&engine, &filter).await;
                let mut want = Vec::new();
                acled::write_header(&mut want).unwrap();
                let mut after = String::new();
                loop {
                    let page = engine.store.export_incidents_page(&filter, &after, PAGE).await.unwrap();
                    let Some(last) = page.last() else { break };
                    for row in &page {
                        let rs = engine.store.export_rulings_range(&row.id, &row.id, agreement).await.unwrap();
                        let s: Vec<RulingSummary> = rs.iter().map(|r| summary(r).unwrap()).collect();
                        let at = Timestamp::from_millisecond(row.updated_at).ok();
                        let fields = AcledRow::from_incident(&incident(row).unwrap(), &s, at).fields;
                        acled::write_record(&mut want, &fields).unwrap();
                    }
                    after.clone_from(&last.id);
                }
                let want = String::from_utf8(want).unwrap();
                let rows = if agreement.is_some() { n / 4 + 1 } else { n + 1 };
                assert_eq!(got.lines().filter(|l| l.starts_with("inc-")).count(), rows - 1, "{agreement:?}");
                for (k, (g, w)) in got.lines().zip(want.lines()).enumerate() {
                    assert_eq!(g, w, "{}: line {k} ({agreement:?})", db.url);
                }
                assert_eq!(got, want, "{}", db.url);
                if agreement.is_none() {
                    assert!(got.contains(",excluded_party,b-second,B,"), "the re-recorded ruling is the primary one");
                    assert!(got.contains(",\"m,n\",\"M\nN\","), "a tie goes to the smaller key, quoted");
                }
            }
        }
    }
}
