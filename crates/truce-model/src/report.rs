//! Reports: documents as received, immutable, stored once per content hash.

use jiff::Timestamp;

use crate::{ModelError, ReportId};

/// The media type, sniffed from the bytes rather than trusted from a file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaType {
    /// Plain text.
    Text,
    /// An HTML page.
    Html,
}

impl MediaType {
    /// The MIME name.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaType::Text => "text/plain",
            MediaType::Html => "text/html",
        }
    }

    /// Parses a MIME name.
    pub fn parse(s: &str) -> Result<Self, ModelError> {
        match s {
            "text/plain" => Ok(MediaType::Text),
            "text/html" => Ok(MediaType::Html),
            _ => Err(ModelError::new("media type", format!("unsupported media type {s:?}"))),
        }
    }
}

/// Who published a report and where it was found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceInfo {
    /// The outlet, monitor or party, when known.
    pub source: Option<String>,
    /// The URL, when known.
    pub url: Option<String>,
    /// A name for people: the file name or the feed/JSONL id.
    pub name: String,
}

/// One document as received. Its id is the SHA-256 of its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    id: ReportId,
    content: String,
    /// The sniffed media type.
    pub media_type: MediaType,
    /// Provenance.
    pub origin: SourceInfo,
    /// When Truce received it.
    pub received_at: Timestamp,
    /// When it was published, if known.
    pub published_at: Option<Timestamp>,
}

impl Report {
    /// Builds a report from its content; the id is derived, so it cannot disagree
    /// with the content. Empty content is refused.
    pub fn new(
        content: String,
        media_type: MediaType,
        origin: SourceInfo,
        received_at: Timestamp,
        published_at: Option<Timestamp>,
    ) -> Result<Self, ModelError> {
        if content.trim().is_empty() {
            return Err(ModelError::new("report", "content is empty"));
        }
        Ok(Self {
            id: ReportId::for_content(content.as_bytes()),
            content,
            media_type,
            origin,
            received_at,
            published_at,
        })
    }

    /// Rebuilds a stored report, checking that the id matches the content.
    pub fn from_stored(
        id: ReportId,
        content: String,
        media_type: MediaType,
        origin: SourceInfo,
        received_at: Timestamp,
        published_at: Option<Timestamp>,
    ) -> Result<Self, ModelError> {
        let computed = ReportId::for_content(content.as_bytes());
        if computed != id {
            return Err(ModelError::new("report", format!("stored id {id} does not match its content ({computed})")));
        }
        Ok(Self { id, content, media_type, origin, received_at, published_at })
    }

    /// The content hash id.
    pub fn id(&self) -> &ReportId {
        &self.id
    }

    /// The content as received.
    pub fn content(&self) -> &str {
        &self.content
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_follows_content_and_tampering_is_caught() {
        let now: Timestamp = "2016-12-30T02:00:00Z".parse().unwrap();
        let r = Report::new("clashes in Hama".into(), MediaType::Text, SourceInfo::default(), now, None).unwrap();
        assert_eq!(r.id(), &ReportId::for_content(b"clashes in Hama"));
        let bad = Report::from_stored(
            r.id().clone(),
            "clashes in Homs".into(),
            MediaType::Text,
            SourceInfo::default(),
            now,
            None,
        );
        assert!(bad.is_err());
        assert!(Report::new("  \n".into(), MediaType::Text, SourceInfo::default(), now, None).is_err());
    }
}
