//! Engine errors, split into what the caller can fix and what is a bug.

use truce_store::StoreError;

/// An engine failure.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The caller's input or setup is wrong (a bad URL, an unreachable database).
    #[error("{0}")]
    User(String),
    /// Something failed inside Truce.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for EngineError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::BadUrl(_) | StoreError::Unavailable(_) | StoreError::NotFound { .. } => {
                EngineError::User(e.to_string())
            }
            StoreError::Conflict(_) | StoreError::Corrupt(_) | StoreError::Internal(_) => {
                EngineError::Internal(e.to_string())
            }
        }
    }
}
