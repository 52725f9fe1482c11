//! Server-side sessions (ACC-6). The browser holds a random 256-bit token; the table holds its
//! SHA-256, so ending a session on the server ends it everywhere, and a copy of the table
//! signs nobody in.
//!
//! A sign-in first creates a `second_factor` session (password checked, code not yet); the
//! right code replaces it with an `active` one under a new token, so no token that existed
//! before the second factor survives it.

use std::time::Duration;

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Account, AccountId, PhoneKind};
use crate::infra::crypto::{hash_token, Token};
use crate::infra::i18n::Language;

/// An active session ends after this long without a request…
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// …and in any case this long after sign-in.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::from_secs(12 * 3600);
/// With "Blijf ingelogd": ended after 30 days…
pub const REMEMBERED_TIMEOUT: Duration = Duration::from_secs(30 * 24 * 3600);
/// …or after a week without a request, so a forgotten device does not stay open for a month.
pub const REMEMBERED_IDLE_TIMEOUT: Duration = Duration::from_secs(7 * 24 * 3600);
/// Between password and code.
pub const SECOND_FACTOR_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// `last_seen_at` is written at most this often, not on every request.
const TOUCH_INTERVAL: Duration = Duration::from_secs(60);

/// Stored as `second_factor` or `active`; an unknown stored stage fails to decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum Stage {
    SecondFactor,
    Active,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub id: Uuid,
    pub account_id: AccountId,
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
    sqlx::query!(
        "INSERT INTO platform.sessions
           (token_hash, id, account_id, stage, remember, tenant_slug, user_agent, ip,
            created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)",
        token.hash,
        id,
        account as AccountId,
        stage as Stage,
        remember,
        tenant_slug,
        origin.user_agent.chars().take(300).collect::<String>(),
        origin.ip,
        now,
        now + lifetime(stage, remember),
    )
    .execute(db)
    .await?;
    Ok((token, id))
}

fn idle_timeout(remember: bool) -> Duration {
    if remember {
        REMEMBERED_IDLE_TIMEOUT
    } else {
        IDLE_TIMEOUT
    }
}

fn is_alive(session: &Session, now: OffsetDateTime) -> bool {
    let idle_ok = session.stage == Stage::SecondFactor
        || now < session.last_seen_at + idle_timeout(session.remember);
    now < session.expires_at && idle_ok
}

/// A live session as a request finds it: the session, its account, and whether that account
/// holds the tenant-admin role of the portal the session belongs to. The role comes with the
/// same statement, so a signed-in request costs one query before its own work.
#[derive(Debug, Clone)]
pub struct Found {
    pub session: Session,
    pub account: Account,
    pub tenant_admin: bool,
}

/// The live session behind `token` with its account; notes that it was used.
pub async fn find(
    db: &sqlx::PgPool,
    token: &str,
    now: OffsetDateTime,
) -> Result<Option<Found>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT s.id, s.account_id AS "account_id: AccountId", s.stage AS "stage: Stage",
                  s.remember, s.tenant_slug, s.user_agent, s.ip, s.created_at, s.last_seen_at,
                  s.expires_at,
                  a.id AS "a_id: AccountId", a.email AS a_email, a.name AS a_name,
                  a.language AS "a_language: Language", a.email_confirmed_at AS a_email_confirmed_at,
                  a.phone AS a_phone, a.phone_kind AS "a_phone_kind: PhoneKind",
                  a.photo_key AS a_photo_key, a.home_tenant AS a_home_tenant,
                  a.created_at AS a_created_at, a.password_changed_at AS a_password_changed_at,
                  EXISTS (SELECT 1 FROM platform.tenant_admins ta
                            JOIN platform.tenants t ON t.id = ta.tenant_id
                           WHERE t.slug = s.tenant_slug AND ta.account_id = s.account_id)
                    AS "tenant_admin!"
             FROM platform.sessions s JOIN platform.accounts a ON a.id = s.account_id
            WHERE s.token_hash = $1"#,
        hash_token(token),
    )
    .fetch_optional(db)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let session = Session {
        id: row.id,
        account_id: row.account_id,
        stage: row.stage,
        remember: row.remember,
        tenant_slug: row.tenant_slug,
        user_agent: row.user_agent,
        ip: row.ip,
        created_at: row.created_at,
        last_seen_at: row.last_seen_at,
        expires_at: row.expires_at,
    };
    let account = Account {
        id: row.a_id,
        email: row.a_email,
        name: row.a_name,
        language: row.a_language,
        email_confirmed_at: row.a_email_confirmed_at,
        phone: row.a_phone,
        phone_kind: row.a_phone_kind,
        photo_key: row.a_photo_key,
        home_tenant: row.a_home_tenant,
        created_at: row.a_created_at,
        password_changed_at: row.a_password_changed_at,
    };
    if !is_alive(&session, now) {
        end(db, token).await?;
        return Ok(None);
    }
    if now - session.last_seen_at > TOUCH_INTERVAL {
        sqlx::query!(
            "UPDATE platform.sessions SET last_seen_at = $2 WHERE id = $1",
            session.id,
            now,
        )
        .execute(db)
        .await?;
    }
    Ok(Some(Found {
        session,
        account,
        tenant_admin: row.tenant_admin,
    }))
}

/// Replaces the second-factor session behind `token` with an active one under a new token.
pub async fn promote(
    conn: &mut sqlx::PgConnection,
    session: &Session,
    now: OffsetDateTime,
) -> Result<(Token, Uuid), sqlx::Error> {
    sqlx::query!("DELETE FROM platform.sessions WHERE id = $1", session.id)
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
    sqlx::query!(
        "DELETE FROM platform.sessions WHERE token_hash = $1",
        hash_token(token),
    )
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
    let done = sqlx::query!(
        "DELETE FROM platform.sessions WHERE id = $1 AND account_id = $2",
        id,
        account as AccountId,
    )
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
    let done = sqlx::query!(
        "DELETE FROM platform.sessions WHERE account_id = $1 AND id IS DISTINCT FROM $2",
        account as AccountId,
        keep,
    )
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
    let sessions: Vec<Session> = sqlx::query_as!(
        Session,
        r#"SELECT s.id, s.account_id AS "account_id: AccountId", s.stage AS "stage: Stage",
                  s.remember, s.tenant_slug, s.user_agent, s.ip, s.created_at, s.last_seen_at,
                  s.expires_at
             FROM platform.sessions s
            WHERE s.account_id = $1 AND s.stage = 'active' AND s.expires_at > $2
            ORDER BY s.last_seen_at DESC"#,
        account as AccountId,
        now,
    )
    .fetch_all(db)
    .await?;
    Ok(sessions.into_iter().filter(|s| is_alive(s, now)).collect())
}

/// Removes sessions that have ended; returns how many.
pub async fn sweep(db: impl PgExecutor<'_>, now: OffsetDateTime) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM platform.sessions
         WHERE expires_at <= $1
            OR (stage = 'active' AND NOT remember
                AND last_seen_at <= $1 - make_interval(secs => $2))
            OR (stage = 'active' AND remember
                AND last_seen_at <= $1 - make_interval(secs => $3))",
        now,
        IDLE_TIMEOUT.as_secs_f64(),
        REMEMBERED_IDLE_TIMEOUT.as_secs_f64(),
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
