//! Who may do what (design §5): users with one role each, sessions and API
//! tokens. The engine stores what the server hands it: argon2 hashes and
//! SHA-256 digests of tokens; hashing and randomness stay in the server.

use jiff::{SignedDuration, Timestamp};
use truce_model::ActorKey;
use truce_store::UserRow;

use crate::{Engine, EngineError};

/// A user's role.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Role {
    /// Everything, including managing users.
    Admin,
    /// Ingests reports and reads everything; edits incidents and agreements.
    Analyst,
    /// Sees and acknowledges referrals for the actor it answers for only.
    Guarantor(String),
    /// Read-only, published data.
    Observer,
}

impl Role {
    /// Parses `admin`, `analyst`, `guarantor:<actor-key>` or `observer`. A
    /// guarantor's actor must be in the actor registry.
    pub fn parse(s: &str) -> Result<Role, EngineError> {
        match s {
            "admin" => Ok(Role::Admin),
            "analyst" => Ok(Role::Analyst),
            "observer" => Ok(Role::Observer),
            _ => {
                let Some(key) = s.strip_prefix("guarantor:") else {
                    return Err(EngineError::User(format!(
                        "role {s:?}: expected admin, analyst, observer or guarantor:<actor-key>"
                    )));
                };
                let k = ActorKey::parse(key).map_err(|e| EngineError::User(format!("role {s:?}: {e}")))?;
                if crate::pipeline::registry()?.get(&k).is_none() {
                    return Err(EngineError::User(format!(
                        "role {s:?}: unknown actor {key:?} (not in the actor registry)"
                    )));
                }
                Ok(Role::Guarantor(key.to_owned()))
            }
        }
    }

    /// The stored form.
    pub fn as_string(&self) -> String {
        match self {
            Role::Admin => "admin".into(),
            Role::Analyst => "analyst".into(),
            Role::Guarantor(k) => format!("guarantor:{k}"),
            Role::Observer => "observer".into(),
        }
    }

    /// The role's kind without the actor: `admin`, `analyst`, `guarantor`, `observer`.
    pub fn kind(&self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Analyst => "analyst",
            Role::Guarantor(_) => "guarantor",
            Role::Observer => "observer",
        }
    }

    /// The actor key a guarantor answers for.
    pub fn guarantor(&self) -> Option<&str> {
        match self {
            Role::Guarantor(k) => Some(k),
            _ => None,
        }
    }

    /// Admins and analysts: the monitors, who see everything.
    pub fn is_monitor(&self) -> bool {
        matches!(self, Role::Admin | Role::Analyst)
    }
}

/// A user as the server sees it. `Debug` leaves out the password hash.
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    /// Login name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// The argon2 PHC string, for verifying a password.
    pub password_hash: String,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("name", &self.name)
            .field("role", &self.role)
            .field("password_hash", &"[redacted]")
            .finish()
    }
}

fn user(row: UserRow) -> Result<User, EngineError> {
    let role = Role::parse(&row.role).map_err(|e| EngineError::Internal(format!("stored user {}: {e}", row.name)))?;
    Ok(User { name: row.name, role, password_hash: row.password_hash })
}

/// Checks a user name: 1–64 letters, digits, `.`, `_`, `-`.
pub fn check_user_name(name: &str) -> Result<(), EngineError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(EngineError::User(format!("user name {name:?}: use 1–64 letters, digits, '.', '_' or '-'")))
    }
}

impl Engine {
    /// Creates or replaces a user (logged as `user.saved`); returns whether it is new.
    pub async fn save_user(&self, name: &str, role: &Role, password_hash: &str) -> Result<bool, EngineError> {
        check_user_name(name)?;
        Ok(self.store.save_user(name, &role.as_string(), password_hash, Engine::now()).await?)
    }

    /// One user by name.
    pub async fn user(&self, name: &str) -> Result<Option<User>, EngineError> {
        self.store.user(name).await?.map(user).transpose()
    }

    /// Every user.
    pub async fn users(&self) -> Result<Vec<User>, EngineError> {
        self.store.users().await?.into_iter().map(user).collect()
    }

    /// Starts a session lasting `ttl` for a token digest, with its CSRF token.
    pub async fn start_session(
        &self,
        token_hash: &str,
        user: &str,
        csrf: &str,
        ttl: SignedDuration,
    ) -> Result<(), EngineError> {
        self.start_session_at(token_hash, user, csrf, ttl, Engine::now()).await
    }

    /// [`Engine::start_session`] with "now" given (the server's clock, which tests move).
    pub async fn start_session_at(
        &self,
        token_hash: &str,
        user: &str,
        csrf: &str,
        ttl: SignedDuration,
        now: Timestamp,
    ) -> Result<(), EngineError> {
        let expires = now.checked_add(ttl).map_err(|e| EngineError::Internal(e.to_string()))?;
        Ok(self.store.insert_session(token_hash, user, csrf, now, expires).await?)
    }

    /// The user and CSRF token of a live session.
    pub async fn session(&self, token_hash: &str) -> Result<Option<(User, String)>, EngineError> {
        self.session_at(token_hash, Engine::now()).await
    }

    /// The user and CSRF token of a session live at `now` (not ended, not expired).
    pub async fn session_at(&self, token_hash: &str, now: Timestamp) -> Result<Option<(User, String)>, EngineError> {
        match self.store.session(token_hash, now).await? {
            Some((row, csrf)) => Ok(Some((user(row)?, csrf))),
            None => Ok(None),
        }
    }

    /// Ends a session.
    pub async fn end_session(&self, token_hash: &str) -> Result<(), EngineError> {
        self.end_session_at(token_hash, Engine::now()).await
    }

    /// Ends a session, and drops every session expired at `now`.
    pub async fn end_session_at(&self, token_hash: &str, now: Timestamp) -> Result<(), EngineError> {
        Ok(self.store.delete_session(token_hash, now).await?)
    }

    /// Stores an API token digest for a user.
    pub async fn add_api_token(&self, token_hash: &str, user: &str, label: &str) -> Result<(), EngineError> {
        Ok(self.store.insert_api_token(token_hash, user, label, Engine::now()).await?)
    }

    /// The user an API token digest belongs to.
    pub async fn api_token_user(&self, token_hash: &str) -> Result<Option<User>, EngineError> {
        self.store.api_token_user(token_hash).await?.map(user).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_guarantors_must_exist() {
        for s in ["admin", "analyst", "observer", "guarantor:turkey", "guarantor:russia"] {
            assert_eq!(Role::parse(s).unwrap().as_string(), s);
        }
        assert_eq!(Role::parse("guarantor:turkey").unwrap().guarantor(), Some("turkey"));
        assert!(Role::parse("guarantor:atlantis").is_err());
        assert!(Role::parse("root").is_err());
        assert!(check_user_name("ana.b-1").is_ok());
        assert!(check_user_name("a b").is_err());
    }
}
