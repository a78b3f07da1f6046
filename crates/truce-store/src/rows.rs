//! Row structs, separate from domain types.

use jiff::Timestamp;
use truce_model::{MediaType, Report, ReportId, SourceInfo};

use crate::StoreError;

/// A `reports` row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ReportRow {
    pub id: String,
    pub name: String,
    pub source: Option<String>,
    pub url: Option<String>,
    pub media_type: String,
    pub received_at: i64,
    pub published_at: Option<i64>,
    pub content: String,
}

/// A `reports` row with its arrival sequence, for paging.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ReportPageRow {
    pub seq: i64,
    #[sqlx(flatten)]
    pub row: ReportRow,
}

impl ReportRow {
    pub(crate) fn from_report(r: &Report) -> Self {
        Self {
            id: r.id().to_string(),
            name: r.origin.name.clone(),
            source: r.origin.source.clone(),
            url: r.origin.url.clone(),
            media_type: r.media_type.as_str().to_owned(),
            received_at: r.received_at.as_millisecond(),
            published_at: r.published_at.map(|t| t.as_millisecond()),
            content: r.content().to_owned(),
        }
    }

    pub(crate) fn event_payload(&self) -> String {
        serde_json::json!({
            "name": self.name,
            "source": self.source,
            "url": self.url,
            "media_type": self.media_type,
            "size": self.content.len(),
            "received_at": self.received_at,
            "published_at": self.published_at,
        })
        .to_string()
    }

    pub(crate) fn into_report(self) -> Result<Report, StoreError> {
        let ts = |ms: i64| {
            Timestamp::from_millisecond(ms)
                .map_err(|e| StoreError::Corrupt(format!("report {}: time {ms}: {e}", self.id)))
        };
        let received = ts(self.received_at)?;
        let published = self.published_at.map(ts).transpose()?;
        let report = Report::from_stored(
            ReportId::parse(&self.id)?,
            self.content,
            MediaType::parse(&self.media_type)?,
            SourceInfo { source: self.source, url: self.url, name: self.name },
            received,
            published,
        )?;
        Ok(report)
    }
}
