//! Ingest runs: inputs are parsed on a blocking thread while the previous batch
//! is written, one transaction per batch. A kill between batches loses only the
//! batch in flight, which the next run stores; nothing is stored twice because
//! reports are keyed on their content hash.

use jiff::Timestamp;
use tokio::sync::mpsc;
use truce_ingest::{IngestError, IngestMeta, Input};
use truce_model::Report;
use truce_store::Stored;

use crate::{Engine, EngineError};

/// How many reports go into one transaction.
const BATCH: usize = 500;

/// Reports progress of a long run; the CLI draws a bar, tests ignore it.
pub trait Progress: Send + Sync {
    /// The number of inputs to read is known.
    fn start(&self, inputs: u64);
    /// `n` more inputs were read.
    fn advance(&self, n: u64);
    /// The run ended.
    fn finish(&self);
}

impl Progress for () {
    fn start(&self, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// What to ingest.
#[derive(Debug, Clone)]
pub struct IngestRequest {
    /// Files, folders or stdin.
    pub inputs: Vec<Input>,
    /// Override for `received_at` (back-loading history); default now.
    pub received_at: Option<Timestamp>,
    /// Source to record when an input names none.
    pub source: Option<String>,
}

/// The outcome for one report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemOutcome {
    /// The file name or item id.
    pub name: String,
    /// The report id (content hash).
    pub id: String,
    /// Stored now or already known.
    pub stored: Stored,
}

/// The outcome of a run.
#[derive(Debug, Default)]
pub struct IngestSummary {
    /// Each report seen, in input order.
    pub items: Vec<ItemOutcome>,
    /// Inputs or items that failed, with the reason.
    pub failed: Vec<IngestError>,
    /// Files in folders skipped because their extension is not a report type.
    pub skipped: Vec<std::path::PathBuf>,
}

impl IngestSummary {
    /// Reports stored by this run.
    pub fn stored(&self) -> usize {
        self.items.iter().filter(|i| i.stored == Stored::New).count()
    }

    /// Reports that were already known.
    pub fn already_known(&self) -> usize {
        self.items.iter().filter(|i| i.stored == Stored::AlreadyKnown).count()
    }
}

enum Msg {
    Batch(Vec<Report>, u64),
    Failed(Vec<IngestError>),
    Skipped(Vec<std::path::PathBuf>),
}

impl Engine {
    /// Ingests inputs, storing each distinct report once.
    #[tracing::instrument(skip_all, fields(inputs = req.inputs.len()))]
    pub async fn ingest(&self, req: IngestRequest, progress: &dyn Progress) -> Result<IngestSummary, EngineError> {
        let now = Engine::now();
        let meta = IngestMeta { received_at: req.received_at.unwrap_or(now), source: req.source.clone() };
        let cfg = self.config.ingest.clone();
        let inputs = req.inputs.clone();
        let (tx, mut rx) = mpsc::channel::<Msg>(2);
        let (total_tx, total_rx) = tokio::sync::oneshot::channel::<u64>();
        let producer = tokio::task::spawn_blocking(move || {
            let truce_ingest::Expanded { files, errors, skipped } = truce_ingest::expand(&inputs);
            let _ = total_tx.send(files.len() as u64);
            if !skipped.is_empty() && tx.blocking_send(Msg::Skipped(skipped)).is_err() {
                return;
            }
            if !errors.is_empty() && tx.blocking_send(Msg::Failed(errors)).is_err() {
                return;
            }
            let mut batch = Vec::with_capacity(BATCH);
            let mut read = 0u64;
            for f in &files {
                let parsed = truce_ingest::read_input(f, &cfg, &meta);
                read += 1;
                if !parsed.errors.is_empty() && tx.blocking_send(Msg::Failed(parsed.errors)).is_err() {
                    return;
                }
                batch.extend(parsed.reports);
                if batch.len() >= BATCH {
                    if tx.blocking_send(Msg::Batch(std::mem::take(&mut batch), read)).is_err() {
                        return;
                    }
                    read = 0;
                }
            }
            let _ = tx.blocking_send(Msg::Batch(batch, read));
        });
        if let Ok(total) = total_rx.await {
            progress.start(total);
        }
        let mut summary = IngestSummary::default();
        while let Some(msg) = rx.recv().await {
            match msg {
                Msg::Failed(errs) => summary.failed.extend(errs),
                Msg::Skipped(paths) => summary.skipped.extend(paths),
                Msg::Batch(reports, read) => {
                    if !reports.is_empty() {
                        let outcomes = self.store.insert_reports(&reports, now).await?;
                        summary.items.extend(reports.iter().zip(outcomes).map(|(r, stored)| ItemOutcome {
                            name: r.origin.name.clone(),
                            id: r.id().to_string(),
                            stored,
                        }));
                    }
                    progress.advance(read);
                }
            }
        }
        producer.await.map_err(|e| EngineError::Internal(format!("ingest reader failed: {e}")))?;
        progress.finish();
        Ok(summary)
    }
}
