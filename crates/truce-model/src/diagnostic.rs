//! Diagnostics: what a stage noticed about imperfect input, without failing.

use crate::Span;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing (a dropped boilerplate block).
    Info,
    /// Something was probably lost or guessed.
    Warning,
    /// The input could not be used.
    Error,
}

/// A note from a stage about one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// A stable machine code, e.g. `boilerplate.caption`.
    pub code: &'static str,
    /// The human explanation.
    pub message: String,
    /// Where, when known.
    pub span: Option<Span>,
}
