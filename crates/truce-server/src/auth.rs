//! Authentication and roles (design §5). Passwords are argon2id hashes;
//! sessions are 32 random bytes in a `Secure; HttpOnly; SameSite=Strict`
//! cookie, of which the store keeps only the SHA-256; API tokens are the same
//! kind of secret sent as `Authorization: Bearer`. Requests that change state
//! with a session cookie must carry the session's CSRF token (header
//! `x-csrf-token` or form field `csrf`) and, when the browser sends one, an
//! `Origin` that matches `Host`. Bearer requests carry no ambient credential
//! and need neither.

use argon2::{Argon2, Params, PasswordHasher, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::SignedDuration;
use sha2::{Digest, Sha256};
use truce_engine::{Engine, Role, User};

use crate::{ApiError, AppState};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "truce_session";

/// How expensive password hashes are. Verification follows the stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCost {
    /// argon2id with the crate's recommended parameters (19 MiB, 2 passes).
    Standard,
    /// The smallest parameters argon2 allows: for tests only.
    TestOnly,
}

/// Hashes a password as an argon2id PHC string.
pub fn hash_password(password: &str, cost: PasswordCost) -> Result<String, ApiError> {
    let params = match cost {
        PasswordCost::Standard => Params::default(),
        PasswordCost::TestOnly => Params::new(Params::MIN_M_COST, 1, 1, None)
            .map_err(|e| ApiError::Internal(format!("argon2 params: {e}")))?,
    };
    Argon2::from(params)
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| ApiError::Internal(format!("argon2: {e}")))
}

/// Checks a password against a stored PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), phc).is_ok()
}

/// Creates or replaces a user with a hashed password; returns whether it is new.
/// What `truce user add` and the demo call.
pub async fn add_user(
    engine: &Engine,
    name: &str,
    role: &str,
    password: &str,
    cost: PasswordCost,
) -> Result<bool, truce_engine::EngineError> {
    let role = Role::parse(role)?;
    truce_engine::check_user_name(name)?;
    if password.chars().count() < 8 {
        return Err(truce_engine::EngineError::User(format!("user {name}: the password needs at least 8 characters")));
    }
    let hash = hash_password(password, cost).map_err(|e| truce_engine::EngineError::Internal(format!("{e:?}")))?;
    engine.save_user(name, &role, &hash).await
}

/// A fresh random token: 32 bytes from the OS, hex.
pub fn new_token() -> Result<String, ApiError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| ApiError::Internal(format!("os random: {e}")))?;
    Ok(hex::encode(b))
}

/// The digest the store keeps for a token.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two secrets without an early exit.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The signed-in user making a request. `Debug` leaves out the CSRF token.
#[derive(Clone)]
pub struct Caller {
    /// The user.
    pub user: User,
    /// The session's CSRF token, when the request came with the session cookie.
    pub csrf: Option<String>,
}

impl std::fmt::Debug for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caller")
            .field("user", &self.user)
            .field("csrf", &self.csrf.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

impl Caller {
    /// The role.
    pub fn role(&self) -> &Role {
        &self.user.role
    }

    /// Fails unless the role is one of `kinds` (`admin`, `analyst`, `guarantor`, `observer`).
    pub fn require(&self, kinds: &[&str]) -> Result<(), ApiError> {
        if kinds.contains(&self.user.role.kind()) { Ok(()) } else { Err(ApiError::Forbidden) }
    }

    /// The CSRF check for a state-changing request (see the module docs).
    pub fn check_csrf(&self, headers: &HeaderMap, form_token: Option<&str>) -> Result<(), ApiError> {
        let Some(expected) = &self.csrf else { return Ok(()) };
        check_origin(headers)?;
        let given = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).or(form_token).unwrap_or("");
        if same_secret(given, expected) { Ok(()) } else { Err(ApiError::Csrf) }
    }
}

/// Refuses a request whose `Origin` (when present) is not this host.
pub fn check_origin(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return Ok(()) };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let origin_host = origin.split_once("://").map_or("", |(_, h)| h);
    if !host.is_empty() && origin_host == host { Ok(()) } else { Err(ApiError::Csrf) }
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Who is calling: a Bearer token first, then the session cookie.
pub async fn identify(state: &AppState, headers: &HeaderMap) -> Result<Option<Caller>, ApiError> {
    let engine = state.engine();
    if let Some(auth) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let Some(token) = auth.strip_prefix("Bearer ") else { return Err(ApiError::Unauthenticated) };
        return match engine.api_token_user(&token_digest(token.trim())).await? {
            Some(user) => Ok(Some(Caller { user, csrf: None })),
            None => Err(ApiError::Unauthenticated),
        };
    }
    if let Some(token) = cookie(headers, SESSION_COOKIE)
        && let Some((user, csrf)) = engine.session_at(&token_digest(token), state.now()).await?
    {
        return Ok(Some(Caller { user, csrf: Some(csrf) }));
    }
    Ok(None)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        identify(state, &parts.headers).await?.ok_or(ApiError::Unauthenticated)
    }
}

/// A signed-in user for HTML pages: anyone else is sent to the login page.
#[derive(Debug, Clone)]
pub struct PageCaller(pub Caller);

impl FromRequestParts<AppState> for PageCaller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match identify(state, &parts.headers).await {
            Ok(Some(c)) => Ok(PageCaller(c)),
            Ok(None) | Err(ApiError::Unauthenticated) => {
                let next = parts.uri.path_and_query().map_or("/", |p| p.as_str());
                let next: String = next.chars().filter(|c| c.is_ascii_graphic()).collect();
                Err(Redirect::to(&format!("/login?next={}", urlencode(&next))).into_response())
            }
            Err(e) => Err(e.into_response()),
        }
    }
}

/// Starts a session for `name` after checking the password; returns
/// (cookie value, csrf token, user). Refused with `TooManyAttempts` while the
/// name or the client address `addr` is over the login limit (see `limit`).
///
/// The log names the user on success and on a wrong password for a known
/// user; for an unknown name it says only that, since people type passwords
/// into the name field.
pub async fn login(
    state: &AppState,
    name: &str,
    password: &str,
    addr: Option<std::net::IpAddr>,
) -> Result<(String, String, User), ApiError> {
    let engine = state.engine();
    let now = state.now();
    let attempt = match state.0.logins.begin(name, addr, now) {
        Ok(a) => a,
        Err(e) => {
            tracing::warn!(client = ?addr, "sign-in refused: too many failures for this name or address");
            return Err(e);
        }
    };
    let user = engine.user(name).await?;
    // Verify against a fixed hash when the user is unknown, so timing does not tell.
    let ok = match &user {
        Some(u) => verify_password(password, &u.password_hash),
        None => {
            let _ = verify_password(password, dummy_hash());
            false
        }
    };
    let user = match (user, ok) {
        (Some(user), true) => user,
        (Some(user), false) => {
            tracing::warn!(user = %user.name, client = ?addr, "sign-in failed: wrong password");
            return Err(ApiError::BadCredentials);
        }
        (None, _) => {
            tracing::warn!(client = ?addr, "sign-in failed: unknown user name");
            return Err(ApiError::BadCredentials);
        }
    };
    state.0.logins.succeeded(attempt);
    let token = new_token()?;
    let csrf = new_token()?;
    let ttl = SignedDuration::from_hours(i64::from(state.options().session_hours));
    engine.start_session_at(&token_digest(&token), &user.name, &csrf, ttl, now).await?;
    tracing::info!(user = %user.name, client = ?addr, "signed in");
    Ok((token, csrf, user))
}

/// A real hash of a random password, so unknown users cost one verification too.
fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| {
        let pw = new_token().unwrap_or_default();
        hash_password(&pw, PasswordCost::Standard).unwrap_or_default()
    })
}

/// The `Set-Cookie` value for a session token (an empty token clears it).
pub fn session_cookie(token: &str, secure: bool, hours: u32) -> String {
    let secure = if secure { "; Secure" } else { "" };
    let age = if token.is_empty() { 0 } else { u64::from(hours) * 3600 };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={age}{secure}")
}

/// Ends the session of the request's cookie, if any.
pub async fn logout(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    if let Some(token) = cookie(headers, SESSION_COOKIE) {
        state.engine().end_session_at(&token_digest(token), state.now()).await?;
    }
    Ok(())
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_tokens_are_random() {
        let h = hash_password("correct horse", PasswordCost::TestOnly).unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("x", "not a hash"));
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_ne!(token_digest(&a), a);
    }

    #[test]
    fn caller_debug_shows_neither_csrf_token_nor_password_hash() {
        let hash = hash_password("correct horse", PasswordCost::TestOnly).unwrap();
        let user = User { name: "ada".into(), role: truce_engine::Role::Admin, password_hash: hash.clone() };
        let csrf = new_token().unwrap();
        let shown = format!("{:?}", Caller { user, csrf: Some(csrf.clone()) });
        assert!(shown.contains("ada") && shown.contains("[redacted]"), "{shown}");
        assert!(!shown.contains(&csrf) && !shown.contains(&hash) && !shown.contains("argon2"), "{shown}");
    }

    #[test]
    fn origin_must_match_host() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "127.0.0.1:8080".parse().unwrap());
        assert!(check_origin(&h).is_ok());
        h.insert(header::ORIGIN, "http://127.0.0.1:8080".parse().unwrap());
        assert!(check_origin(&h).is_ok());
        h.insert(header::ORIGIN, "http://evil.example".parse().unwrap());
        assert!(check_origin(&h).is_err());
    }
}
