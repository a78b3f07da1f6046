//! Users, sessions and API tokens (issue 5). The store keeps only what it is
//! given: argon2 hashes and SHA-256 digests of tokens, never a secret itself.
//! Adding or changing a user appends a `user.saved` event (without the hash).

use jiff::Timestamp;

use crate::sql::{POSTGRES, SQLITE};
use crate::{Backend, NewEvent, Store, StoreError, audit};

/// This area's statements for one backend.
#[derive(Debug)]
struct AccessSql {
    user_get: &'static str,
    user_list: &'static str,
    user_upsert: &'static str,
    session_insert: &'static str,
    session_get: &'static str,
    session_delete: &'static str,
    token_insert: &'static str,
    token_get: &'static str,
}

macro_rules! access_queries {
    ($dir:literal) => {
        AccessSql {
            user_get: include_str!(concat!("queries/", $dir, "/access/user_get.sql")),
            user_list: include_str!(concat!("queries/", $dir, "/access/user_list.sql")),
            user_upsert: include_str!(concat!("queries/", $dir, "/access/user_upsert.sql")),
            session_insert: include_str!(concat!("queries/", $dir, "/access/session_insert.sql")),
            session_get: include_str!(concat!("queries/", $dir, "/access/session_get.sql")),
            session_delete: include_str!(concat!("queries/", $dir, "/access/session_delete.sql")),
            token_insert: include_str!(concat!("queries/", $dir, "/access/token_insert.sql")),
            token_get: include_str!(concat!("queries/", $dir, "/access/token_get.sql")),
        }
    };
}

const SQLITE_ACCESS: AccessSql = access_queries!("sqlite");
const POSTGRES_ACCESS: AccessSql = access_queries!("postgres");

/// A stored user. `Debug` leaves out the password hash.
#[derive(Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UserRow {
    /// Login name.
    pub name: String,
    /// `admin`, `analyst`, `guarantor:<actor-key>` or `observer`.
    pub role: String,
    /// The argon2 PHC string.
    pub password_hash: String,
    /// When the user was first saved (Unix milliseconds).
    pub created_at: i64,
}

impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow")
            .field("name", &self.name)
            .field("role", &self.role)
            .field("password_hash", &"[redacted]")
            .field("created_at", &self.created_at)
            .finish()
    }
}

/// A session's user and CSRF token. `Debug` leaves out the token.
#[derive(sqlx::FromRow)]
struct SessionUserRow {
    #[sqlx(flatten)]
    user: UserRow,
    csrf: String,
}

impl std::fmt::Debug for SessionUserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionUserRow").field("user", &self.user).field("csrf", &"[redacted]").finish()
    }
}

impl Store {
    fn access_sql(&self) -> &'static AccessSql {
        match self.backend() {
            Backend::Sqlite => &SQLITE_ACCESS,
            Backend::Postgres => &POSTGRES_ACCESS,
        }
    }

    /// Creates or replaces a user; returns whether it is new. Appends `user.saved`.
    pub async fn save_user(
        &self,
        name: &str,
        role: &str,
        password_hash: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let q = self.access_sql();
        on_backend!(self, pool, sql => {
            let mut tx = begin_write!(pool, sql);
            let old: Option<UserRow> = sqlx::query_as(q.user_get).bind(name).fetch_optional(&mut *tx).await?;
            sqlx::query(q.user_upsert)
                .bind(name)
                .bind(role)
                .bind(password_hash)
                .bind(now.as_millisecond())
                .execute(&mut *tx)
                .await?;
            let mut head = load_head!(tx, sql);
            let payload = serde_json::json!({ "name": name, "role": role, "new": old.is_none() }).to_string();
            append_entry!(tx, sql, head, &NewEvent::new("user.saved", name, payload), now);
            tx.commit().await?;
            Ok(old.is_none())
        })
    }

    /// One user by name.
    pub async fn user(&self, name: &str) -> Result<Option<UserRow>, StoreError> {
        let q = self.access_sql();
        on_backend!(self, pool, _sql => Ok(sqlx::query_as(q.user_get).bind(name).fetch_optional(pool).await?))
    }

    /// Every user, by name.
    pub async fn users(&self) -> Result<Vec<UserRow>, StoreError> {
        let q = self.access_sql();
        on_backend!(self, pool, _sql => Ok(sqlx::query_as(q.user_list).fetch_all(pool).await?))
    }

    /// Stores a session: the SHA-256 of its token, its CSRF token and expiry.
    pub async fn insert_session(
        &self,
        token_hash: &str,
        user: &str,
        csrf: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        let q = self.access_sql();
        on_backend!(self, pool, _sql => {
            sqlx::query(q.session_insert)
                .bind(token_hash)
                .bind(user)
                .bind(csrf)
                .bind(now.as_millisecond())
                .bind(expires_at.as_millisecond())
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// The user and CSRF token of a live session.
    pub async fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<(UserRow, String)>, StoreError> {
        let q = self.access_sql();
        on_backend!(self, pool, _sql => {
            let row: Option<SessionUserRow> = sqlx::query_as(q.session_get)
                .bind(token_hash)
                .bind(now.as_millisecond())
                .fetch_optional(pool)
                .await?;
            Ok(row.map(|r| (r.user, r.csrf)))
        })
    }

    /// Ends a session (and sweeps expired ones).
    pub async fn delete_session(&self, token_hash: &str, now: Timestamp) -> Result<(), StoreError> {
        let q = self.access_sql();
        on_backend!(self, pool, _sql => {
            sqlx::query(q.session_delete).bind(token_hash).bind(now.as_millisecond()).execute(pool).await?;
            Ok(())
        })
    }

    /// Stores an API token's digest for a user.
    pub async fn insert_api_token(
        &self,
        token_hash: &str,
        user: &str,
        label: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let q = self.access_sql();
        on_backend!(self, pool, _sql => {
            sqlx::query(q.token_insert)
                .bind(token_hash)
                .bind(user)
                .bind(label)
                .bind(now.as_millisecond())
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// The user an API token belongs to.
    pub async fn api_token_user(&self, token_hash: &str) -> Result<Option<UserRow>, StoreError> {
        let q = self.access_sql();
        on_backend!(self, pool, _sql => Ok(sqlx::query_as(q.token_get).bind(token_hash).fetch_optional(pool).await?))
    }
}
