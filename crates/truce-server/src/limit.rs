//! The login limit: after `failures` failed sign-ins for one user name, or
//! from one client address, within `window` of the first of them, every
//! further attempt for that name or from that address is refused with 429
//! (`too_many_attempts`, `Retry-After`) — the right password included — until
//! the window has passed. A success clears the name's count (not the
//! address's: one good account must not launder guesses at others).
//!
//! Counts live in this process's memory: a restart forgets them, and several
//! server processes each count on their own. An attempt is counted as a
//! failure *before* the password is checked and given back on success, so
//! parallel guesses cannot all slip in under the limit. The client address is
//! the TCP peer (`ConnectInfo`); `X-Forwarded-For` is not trusted, so behind a
//! reverse proxy every client shares the proxy's count. IPv6 peers count per
//! /64, the block one subscriber usually holds.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use jiff::{SignedDuration, Timestamp};

use crate::{ApiError, LoginLimit};

/// Past this many entries, expired ones are swept out on the next insert.
const SWEEP_AT: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Name(String),
    Addr(IpAddr),
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    since: Timestamp,
    failures: u32,
}

/// Failed sign-ins per name and per address (see the module docs).
#[derive(Debug)]
pub(crate) struct LoginLimiter {
    limit: LoginLimit,
    entries: Mutex<HashMap<Key, Entry>>,
}

/// What [`LoginLimiter::begin`] counted, to give back on success.
#[derive(Debug)]
pub(crate) struct Attempt {
    keys: Vec<Key>,
}

/// The client's address as the limit counts it: the TCP peer, an IPv6 one
/// cut to its /64. `None` when the request did not come over a socket (tests
/// with `oneshot`, unless they add a `ConnectInfo`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientAddr(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        Ok(ClientAddr(ip.map(|ip| match ip {
            IpAddr::V4(_) => ip,
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
            },
        })))
    }
}

impl LoginLimiter {
    pub(crate) fn new(limit: LoginLimit) -> LoginLimiter {
        LoginLimiter { limit, entries: Mutex::new(HashMap::new()) }
    }

    fn window(&self) -> SignedDuration {
        SignedDuration::try_from(self.limit.window).unwrap_or(SignedDuration::MAX)
    }

    /// Refuses the attempt when the name or the address is at the limit;
    /// otherwise counts it as a failure until [`LoginLimiter::succeeded`].
    pub(crate) fn begin(&self, name: &str, addr: Option<IpAddr>, now: Timestamp) -> Result<Attempt, ApiError> {
        let window = self.window();
        let mut keys = Vec::with_capacity(2);
        // A name that cannot be a user's is limited by its address only, so
        // made-up names do not fill the table.
        if truce_engine::check_user_name(name).is_ok() {
            keys.push(Key::Name(name.to_owned()));
        }
        keys.extend(addr.map(Key::Addr));
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let live = |e: &Entry| now.duration_since(e.since) < window;
        let mut wait = SignedDuration::ZERO;
        for k in &keys {
            if let Some(e) = map.get(k).filter(|e| live(e))
                && e.failures >= self.limit.failures
            {
                wait = wait.max(window - now.duration_since(e.since));
            }
        }
        if wait > SignedDuration::ZERO {
            let secs = wait.as_secs() + i64::from(wait.subsec_nanos() > 0);
            return Err(ApiError::TooManyAttempts { retry_after: secs.max(1).unsigned_abs() });
        }
        if map.len() >= SWEEP_AT {
            map.retain(|_, e| live(e));
        }
        for k in &keys {
            let e = map.entry(k.clone()).or_insert(Entry { since: now, failures: 0 });
            if !live(e) {
                *e = Entry { since: now, failures: 0 };
            }
            e.failures += 1;
        }
        Ok(Attempt { keys })
    }

    /// The password was right: the name starts afresh, and the address gets
    /// back the failure counted in advance.
    pub(crate) fn succeeded(&self, attempt: Attempt) {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        for k in attempt.keys {
            match k {
                Key::Name(_) => {
                    map.remove(&k);
                }
                Key::Addr(_) => {
                    // No failure left: no window either, so it starts at the next failure.
                    if let Some(e) = map.get_mut(&k) {
                        e.failures = e.failures.saturating_sub(1);
                        if e.failures == 0 {
                            map.remove(&k);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn limiter() -> LoginLimiter {
        LoginLimiter::new(LoginLimit { failures: 3, window: Duration::from_secs(60) })
    }

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + s).unwrap()
    }

    #[test]
    fn names_are_limited_within_the_window_and_reset_by_success() {
        let l = limiter();
        for s in 0..3 {
            l.begin("ada", None, at(s)).unwrap();
        }
        match l.begin("ada", None, at(10)) {
            Err(ApiError::TooManyAttempts { retry_after }) => assert_eq!(retry_after, 50),
            other => panic!("{other:?}"),
        }
        // Another name is not affected; the window passing frees the name.
        l.begin("ana", None, at(10)).unwrap();
        let a = l.begin("ada", None, at(60)).unwrap();
        l.succeeded(a);
        for s in 61..63 {
            l.begin("ada", None, at(s)).unwrap();
        }
        // Two failures after the success: one more is allowed, then none.
        l.begin("ada", None, at(63)).unwrap();
        assert!(l.begin("ada", None, at(64)).is_err());
    }

    #[test]
    fn addresses_are_limited_across_names_and_success_does_not_clear_them() {
        let l = limiter();
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        let ok = l.begin("ada", Some(ip), at(0)).unwrap();
        l.succeeded(ok);
        for (s, name) in [(1, "a1"), (2, "a2"), (3, "a3")] {
            l.begin(name, Some(ip), at(s)).unwrap();
        }
        let ok = l.begin("ada", Some(ip), at(4));
        assert!(matches!(ok, Err(ApiError::TooManyAttempts { retry_after: 57 })), "{ok:?}");
        let other: IpAddr = "192.0.2.8".parse().unwrap();
        l.begin("a4", Some(other), at(4)).unwrap();
        // Names that cannot exist are limited by address alone and not stored.
        l.begin("not a name", Some(other), at(5)).unwrap();
        assert_eq!(l.entries.lock().unwrap().len(), 6);
    }
}
