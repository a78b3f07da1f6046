//! Spans: where in a stored report a fact rests.

use std::ops::Range;

use crate::{ModelError, ReportId};

/// A byte range of a report's clean text. Every derived fact carries one or more.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Span {
    report: ReportId,
    start: u32,
    end: u32,
}

impl Span {
    /// Builds a span; `start` must not exceed `end`.
    pub fn new(report: ReportId, range: Range<usize>) -> Result<Self, ModelError> {
        if range.start > range.end {
            return Err(ModelError::new("span", format!("start {} after end {}", range.start, range.end)));
        }
        let conv = |v: usize| u32::try_from(v).map_err(|_| ModelError::new("span", format!("offset {v} too large")));
        Ok(Self { report: report.clone(), start: conv(range.start)?, end: conv(range.end)? })
    }

    /// The report the span points into.
    pub fn report(&self) -> &ReportId {
        &self.report
    }

    /// The byte range.
    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}
