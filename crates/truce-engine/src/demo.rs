//! The bundled example reports for `truce demo`, embedded in the binary so the
//! demo works from any folder.

use jiff::Timestamp;
use truce_ingest::IngestMeta;

use crate::{Engine, EngineError, IngestSummary, ItemOutcome};

/// One bundled example: file name, bytes, and realistic times of publication and receipt.
struct Example {
    name: &'static str,
    bytes: &'static [u8],
    published: &'static str,
    received: &'static str,
}

macro_rules! example {
    ($name:literal, $published:literal, $received:literal) => {
        Example {
            name: $name,
            bytes: include_bytes!(concat!("../../../examples/reports/", $name)),
            published: $published,
            received: $received,
        }
    };
}

/// The five seed articles. They carry no machine-readable dates; these are
/// estimates from their content (see examples/reports/README.md). 001 was first
/// published on Thursday evening and received after its overnight update.
const EXAMPLES: [Example; 5] = [
    example!("002_f37f7373ef6a1f0a.txt", "2016-02-24T20:09:20Z", "2016-02-24T20:30:00Z"),
    example!("004_ffd660cfd10d0f6a.txt", "2016-12-23T14:00:00Z", "2016-12-23T15:00:00Z"),
    example!("003_093badba0021ab0b.txt", "2016-12-29T17:00:00Z", "2016-12-29T17:30:00Z"),
    example!("001_1f3814b626f78fda.txt", "2016-12-29T20:00:00Z", "2016-12-30T01:30:00Z"),
    example!("000_a762e6dca4f65dd8.txt", "2016-12-30T03:00:00Z", "2016-12-30T03:10:00Z"),
];

impl Engine {
    /// Ingests the bundled examples; idempotent.
    pub async fn load_examples(&self) -> Result<IngestSummary, EngineError> {
        let mut summary = IngestSummary::default();
        for ex in &EXAMPLES {
            let time = |s: &str| -> Result<Timestamp, EngineError> {
                s.parse().map_err(|e| EngineError::Internal(format!("example {}: {e}", ex.name)))
            };
            let (published, received) = (time(ex.published)?, time(ex.received)?);
            let mut parsed =
                truce_ingest::parse_bytes(ex.name, ex.bytes, &IngestMeta { received_at: received, source: None });
            for r in &mut parsed.reports {
                r.published_at = Some(published);
            }
            summary.failed.extend(parsed.errors);
            let outcomes = self.store.insert_reports(&parsed.reports, Engine::now()).await?;
            summary.items.extend(parsed.reports.iter().zip(outcomes).map(|(r, stored)| ItemOutcome {
                name: r.origin.name.clone(),
                id: r.id().to_string(),
                stored,
            }));
        }
        Ok(summary)
    }
}
