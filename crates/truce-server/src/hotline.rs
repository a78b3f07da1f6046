//! The live hotline feed: referral events over SSE, each sent only to the
//! sessions allowed to see it (monitors see all; a guarantor sees its own).

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;
use truce_engine::Referral;

use crate::auth::Caller;
use crate::dto::ReferralDto;
use crate::{ApiError, AppState};

/// One hotline event.
#[derive(Debug, Clone)]
pub struct HotlineEvent {
    /// `referral.created`, `referral.acknowledged`, `referral.escalated` or `referral.replied`.
    pub kind: &'static str,
    /// Guarantor actor keys allowed to see it (monitors always may).
    pub audience: Vec<String>,
    /// The JSON data.
    pub data: String,
}

impl HotlineEvent {
    /// An event about one referral, for its guarantor.
    pub fn referral(kind: &'static str, r: &Referral) -> HotlineEvent {
        let data = serde_json::to_string(&ReferralDto::from_referral(r)).unwrap_or_default();
        HotlineEvent { kind, audience: vec![r.guarantor.clone()], data }
    }

    /// Whether `caller` may see it.
    pub fn visible_to(&self, caller: &Caller) -> bool {
        let role = caller.role();
        role.is_monitor() || role.guarantor().is_some_and(|g| self.audience.iter().any(|a| a == g))
    }
}

/// Live hotline events for the caller (SSE): `referral.created`,
/// `referral.acknowledged`, `referral.escalated`, `referral.replied`.
#[utoipa::path(get, path = "/hotline/events", tag = "hotline",
    responses((status = 200, description = "text/event-stream of referral events", content_type = "text/event-stream"),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    caller.require(&["admin", "analyst", "guarantor"])?;
    let rx = state.subscribe();
    let closing = state.closing();
    let stream = futures_util::stream::unfold((rx, closing, caller), |(mut rx, mut closing, caller)| async move {
        loop {
            let got = tokio::select! {
                r = rx.recv() => r,
                _ = closing.changed() => return None,
            };
            match got {
                Ok(ev) if ev.visible_to(&caller) => {
                    let e = Event::default().event(ev.kind).data(ev.data);
                    return Some((Ok(e), (rx, closing, caller)));
                }
                Ok(_) => continue,
                Err(RecvError::Lagged(n)) => {
                    let e = Event::default().event("lagged").data(n.to_string());
                    return Some((Ok(e), (rx, closing, caller)));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    });
    let hello = futures_util::stream::once(async { Ok(Event::default().event("ready").data("{}")) });
    use futures_util::StreamExt;
    Ok(Sse::new(hello.chain(stream)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
