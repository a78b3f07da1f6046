//! Extractors that answer a malformed request the way every other API error
//! is answered: `400` with the JSON error body, naming the part at fault.
//! axum's own `Query`, `Path` and `Json` answer in plain text with 400, 415
//! or 422, which the OpenAPI document does not (and should not) list.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::ApiError;

/// `Query<T>` whose rejection is [`ApiError::BadRequest`].
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

/// `Path<T>` whose rejection is [`ApiError::BadRequest`].
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

/// `Json<T>` whose rejection is [`ApiError::BadRequest`].
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e: QueryRejection| ApiError::BadRequest(format!("query string: {}", e.body_text())))
    }
}

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e: PathRejection| ApiError::BadRequest(format!("path: {}", e.body_text())))
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        axum::Json::<T>::from_request(req, state)
            .await
            .map(|j| ApiJson(j.0))
            .map_err(|e: JsonRejection| ApiError::BadRequest(format!("request body: {}", e.body_text())))
    }
}
