//! The one error type of the model: a value that breaks an invariant.

/// A constructor refused its input; the message names the field and the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field}: {problem}")]
pub struct ModelError {
    /// The field or concept that was invalid, e.g. `pcode`.
    pub field: &'static str,
    /// What was wrong with it.
    pub problem: String,
}

impl ModelError {
    /// Builds an error for `field` with a message.
    pub fn new(field: &'static str, problem: impl Into<String>) -> Self {
        Self { field, problem: problem.into() }
    }
}
