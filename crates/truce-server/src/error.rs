//! `ApiError`: every failure as JSON `{"error":{"code","message"}}` with a
//! stable code. A 5xx body is generic; its cause goes to the log only.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use truce_engine::EngineError;
use utoipa::ToSchema;

/// An API failure.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No valid session cookie or API token.
    #[error("sign in first")]
    Unauthenticated,
    /// Signed in, but the role may not do this.
    #[error("your role may not do this")]
    Forbidden,
    /// The cross-site request check failed.
    #[error("missing or wrong CSRF token")]
    Csrf,
    /// Nothing with that id (or nothing the caller may see).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request is malformed.
    #[error("{0}")]
    BadRequest(String),
    /// The request conflicts with the current state.
    #[error("{0}")]
    Conflict(String),
    /// Name or password wrong.
    #[error("wrong name or password")]
    BadCredentials,
    /// Too many failed sign-ins for this name or from this address (see `limit`).
    #[error("too many failed sign-ins; try again in {retry_after} s")]
    TooManyAttempts {
        /// Seconds until the window passes (sent as `Retry-After`).
        retry_after: u64,
    },
    /// A bug or a failing dependency; the message is logged, never sent.
    #[error("internal error")]
    Internal(String),
}

/// The error body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// A stable code and a message for people.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable: `unauthenticated`, `forbidden`, `csrf_failed`, `not_found`,
    /// `bad_request`, `conflict`, `bad_credentials`, `too_many_attempts`, `internal`.
    pub code: &'static str,
    /// For people.
    pub message: String,
}

impl ApiError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::Forbidden => "forbidden",
            ApiError::Csrf => "csrf_failed",
            ApiError::NotFound(_) => "not_found",
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Conflict(_) => "conflict",
            ApiError::BadCredentials => "bad_credentials",
            ApiError::TooManyAttempts { .. } => "too_many_attempts",
            ApiError::Internal(_) => "internal",
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthenticated | ApiError::BadCredentials => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::Csrf => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            tracing::error!(%cause, "internal error");
        }
        let body = ErrorBody { error: ErrorDetail { code: self.code(), message: self.to_string() } };
        let mut res = (self.status(), axum::Json(body)).into_response();
        if let ApiError::TooManyAttempts { retry_after } = self {
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, retry_after.into());
        }
        res
    }
}

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::User(m) => ApiError::BadRequest(m),
            EngineError::Internal(m) => ApiError::Internal(m),
        }
    }
}

impl From<askama::Error> for ApiError {
    fn from(e: askama::Error) -> Self {
        ApiError::Internal(format!("template: {e}"))
    }
}
