//! Server-side sessions (ACC-6). The browser holds a random 256-bit token; the table holds its
//! SHA-256, so ending a session on the server ends it everywhere, and a copy of the table
//! signs nobody in.
//!
//! A sign-in first creates a `second_factor` session (password checked, code not yet); the
//! right code replaces it with an `active` one under a new token, so no token that existed
//! before the second factor survives it.

use std::time::Duration;

use sqlx::postgres::PgRow;
use sqlx::{FromRow, PgExecutor, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use super::secrets::{hash_token, Token};
use super::{Account, AccountId};

/// An active session ends after this long without a request…
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// …and in any case this long after sign-in.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::from_secs(12 * 3600);
/// With "Blijf ingelogd": no idle time-out, ended after 30 days.
pub const REMEMBERED_TIMEOUT: Duration = Duration::from_secs(30 * 24 * 3600);
/// Between password and code.
pub const SECOND_FACTOR_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// `last_seen_at` is written at most this often, not on every request.
const TOUCH_INTERVAL: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    SecondFactor,
    Active,
}

impl Stage {
    fn as_str(self) -> &'static str {
        match self {
            Stage::SecondFactor => "second_factor",
            Stage::Active => "active",
        }
    }
}

impl TryFrom<String> for Stage {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        match value.as_str() {
            "second_factor" => Ok(Stage::SecondFactor),
            "active" => Ok(Stage::Active),
            _ => Err(value),
        }
    }
}

#[derive(Debug, Clone, FromRow)]
pub struct Session {
    pub id: Uuid,
    pub account_id: AccountId,
    #[sqlx(try_from = "String")]
    pub stage: Stage,
    pub remember: bool,
    pub tenant_slug: String,
    pub user_agent: String,
    pub ip: String,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// Where a session was started from, shown in the list of sessions.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub user_agent: String,
    pub ip: String,
}

const SESSION_COLUMNS: &str = "s.id, s.account_id, s.stage, s.remember, s.tenant_slug, \
     s.user_agent, s.ip, s.created_at, s.last_seen_at, s.expires_at";

fn lifetime(stage: Stage, remember: bool) -> Duration {
    match (stage, remember) {
        (Stage::SecondFactor, _) => SECOND_FACTOR_TIMEOUT,
        (Stage::Active, true) => REMEMBERED_TIMEOUT,
        (Stage::Active, false) => ABSOLUTE_TIMEOUT,
    }
}

/// Starts a session for `account`; the token goes into the cookie.
pub async fn start(
    db: impl PgExecutor<'_>,
    account: AccountId,
    stage: Stage,
    remember: bool,
    tenant_slug: &str,
    origin: &Origin,
    now: OffsetDateTime,
) -> Result<(Token, Uuid), sqlx::Error> {
    let token = Token::generate();
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO platform.sessions
           (token_hash, id, account_id, stage, remember, tenant_slug, user_agent, ip,
            created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)",
    )
    .bind(&token.hash)
    .bind(id)
    .bind(account)
    .bind(stage.as_str())
    .bind(remember)
    .bind(tenant_slug)
    .bind(origin.user_agent.chars().take(300).collect::<String>())
    .bind(&origin.ip)
    .bind(now)
    .bind(now + lifetime(stage, remember))
    .execute(db)
    .await?;
    Ok((token, id))
}

fn is_alive(session: &Session, now: OffsetDateTime) -> bool {
    let idle_ok = session.remember
        || session.stage == Stage::SecondFactor
        || now < session.last_seen_at + IDLE_TIMEOUT;
    now < session.expires_at && idle_ok
}

/// The live session behind `token` with its account; notes that it was used.
pub async fn find(
    db: &sqlx::PgPool,
    token: &str,
    now: OffsetDateTime,
) -> Result<Option<(Session, Account)>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {SESSION_COLUMNS}, a.id AS a_id, a.email AS a_email, a.name AS a_name,
                a.language AS a_language, a.email_confirmed_at AS a_email_confirmed_at,
                a.phone AS a_phone, a.phone_kind AS a_phone_kind, a.photo_key AS a_photo_key,
                a.home_tenant AS a_home_tenant, a.created_at AS a_created_at,
                a.password_changed_at AS a_password_changed_at
         FROM platform.sessions s JOIN platform.accounts a ON a.id = s.account_id
         WHERE s.token_hash = $1"
    ))
    .bind(hash_token(token))
    .fetch_optional(db)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let session = Session::from_row(&row)?;
    let account = account_from_prefixed(&row)?;
    if !is_alive(&session, now) {
        end(db, token).await?;
        return Ok(None);
    }
    if now - session.last_seen_at > TOUCH_INTERVAL {
        sqlx::query("UPDATE platform.sessions SET last_seen_at = $2 WHERE id = $1")
            .bind(session.id)
            .bind(now)
            .execute(db)
            .await?;
    }
    Ok(Some((session, account)))
}

/// The account columns of [`find`]'s join, which carry an `a_` prefix.
fn account_from_prefixed(row: &PgRow) -> Result<Account, sqlx::Error> {
    let language: String = row.try_get("a_language")?;
    Ok(Account {
        id: row.try_get("a_id")?,
        email: row.try_get("a_email")?,
        name: row.try_get("a_name")?,
        language: crate::i18n::Language::parse(&language).unwrap_or_default(),
        email_confirmed_at: row.try_get("a_email_confirmed_at")?,
        phone: row.try_get("a_phone")?,
        phone_kind: row.try_get("a_phone_kind")?,
        photo_key: row.try_get("a_photo_key")?,
        home_tenant: row.try_get("a_home_tenant")?,
        created_at: row.try_get("a_created_at")?,
        password_changed_at: row.try_get("a_password_changed_at")?,
    })
}

/// Replaces the second-factor session behind `token` with an active one under a new token.
pub async fn promote(
    conn: &mut sqlx::PgConnection,
    session: &Session,
    now: OffsetDateTime,
) -> Result<(Token, Uuid), sqlx::Error> {
    sqlx::query("DELETE FROM platform.sessions WHERE id = $1")
        .bind(session.id)
        .execute(&mut *conn)
        .await?;
    let origin = Origin {
        user_agent: session.user_agent.clone(),
        ip: session.ip.clone(),
    };
    start(
        &mut *conn,
        session.account_id,
        Stage::Active,
        session.remember,
        &session.tenant_slug,
        &origin,
        now,
    )
    .await
}

/// Ends the session behind `token` (sign-out).
pub async fn end(db: impl PgExecutor<'_>, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM platform.sessions WHERE token_hash = $1")
        .bind(hash_token(token))
        .execute(db)
        .await?;
    Ok(())
}

/// Ends one of the account's own sessions; false if it has no such session.
pub async fn end_by_id(
    db: impl PgExecutor<'_>,
    account: AccountId,
    id: Uuid,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM platform.sessions WHERE id = $1 AND account_id = $2")
        .bind(id)
        .bind(account)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends every session of the account except `keep` (sign out everywhere; password change).
pub async fn end_all(
    db: impl PgExecutor<'_>,
    account: AccountId,
    keep: Option<Uuid>,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "DELETE FROM platform.sessions WHERE account_id = $1 AND id IS DISTINCT FROM $2",
    )
    .bind(account)
    .bind(keep)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// The account's live, signed-in sessions, most recently used first.
pub async fn list(
    db: impl PgExecutor<'_>,
    account: AccountId,
    now: OffsetDateTime,
) -> Result<Vec<Session>, sqlx::Error> {
    let sessions: Vec<Session> = sqlx::query_as(&format!(
        "SELECT {SESSION_COLUMNS} FROM platform.sessions s
         WHERE s.account_id = $1 AND s.stage = 'active' AND s.expires_at > $2
         ORDER BY s.last_seen_at DESC"
    ))
    .bind(account)
    .bind(now)
    .fetch_all(db)
    .await?;
    Ok(sessions.into_iter().filter(|s| is_alive(s, now)).collect())
}

/// Removes sessions that have ended; returns how many.
pub async fn sweep(db: impl PgExecutor<'_>, now: OffsetDateTime) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "DELETE FROM platform.sessions
         WHERE expires_at <= $1
            OR (NOT remember AND stage = 'active' AND last_seen_at <= $1 - make_interval(secs => $2))",
    )
    .bind(now)
    .bind(IDLE_TIMEOUT.as_secs_f64())
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
