//! Security headers on every response, set by one middleware layer around the
//! whole router (API, dashboard, assets, errors and fallbacks alike).
//!
//! The dashboard loads its scripts and styles from `/assets/…` and has no
//! inline script, inline style or `style` attribute, so the policy allows
//! `'self'` only. The one foreign origin is a configured tile server, allowed
//! in `img-src` alone (map.js draws tiles as SVG `<image>` elements).
//!
//! `Referrer-Policy` is `same-origin`, not `no-referrer`: both send nothing to
//! other origins (the tile server, links out), but under `no-referrer` a
//! browser sends `Origin: null` on the dashboard's own form posts, and the
//! Origin check — the login form's only cross-site defence — must refuse
//! those (the browser test caught it: nobody could sign in).

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::{CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// The `Content-Security-Policy` value: same-origin everything, no plugins,
/// no framing, no `<base>`; images also from the tile server's origin when a
/// tile URL is configured.
pub(crate) fn content_security_policy(tile_url: Option<&str>) -> HeaderValue {
    let mut img = String::from("'self'");
    if let Some(url) = tile_url {
        match tile_origin(url) {
            Some(origin) => {
                img.push(' ');
                img.push_str(&origin);
            }
            None => {
                tracing::warn!("the tile url has no plain scheme://host[:port] origin; the policy blocks its tiles")
            }
        }
    }
    let policy = format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src {img}; connect-src 'self'; \
         font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    // Every part is ASCII: the origin is checked below.
    HeaderValue::from_str(&policy).unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
}

/// `scheme://host[:port]` of a tile URL template, when the host is a plain
/// name or address (no `{s}`-style placeholder, nothing a header cannot hold).
fn tile_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let plain = !host.is_empty()
        && !host.contains('@')
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    plain.then(|| format!("{scheme}://{host}"))
}

/// Adds the security headers to whatever the inner service answered.
pub(crate) async fn headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(CONTENT_SECURITY_POLICY, state.0.csp.clone());
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_allows_the_tile_origin_in_img_src_only() {
        let plain = content_security_policy(None);
        let plain = plain.to_str().unwrap();
        assert!(plain.contains("img-src 'self';"), "{plain}");
        assert!(plain.contains("frame-ancestors 'none'") && !plain.contains("unsafe"), "{plain}");
        let tiled = content_security_policy(Some("https://tiles.example.org:8443/{z}/{x}/{y}.png"));
        let tiled = tiled.to_str().unwrap();
        assert!(tiled.contains("img-src 'self' https://tiles.example.org:8443;"), "{tiled}");
        assert_eq!(tiled.matches("tiles.example.org").count(), 1, "{tiled}");
        // A host with a placeholder or odd bytes is not put in the header.
        assert_eq!(tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png"), None);
        assert_eq!(tile_origin("https://a.example; script-src *"), None);
        assert_eq!(tile_origin("ftp://tiles.example.org/{z}/{x}/{y}"), None);
        assert_eq!(tile_origin("http://127.0.0.1:9000/t/{z}/{x}/{y}.svg").as_deref(), Some("http://127.0.0.1:9000"));
    }
}
