//! Single-use links sent by e-mail (ACC-2, ACC-5, ACC-8). Opening a link only looks; the
//! change happens when the person presses the button on the page (a POST), which uses it up.

use std::time::Duration;

use sqlx::PgExecutor;
use time::OffsetDateTime;

use super::AccountId;
use crate::infra::crypto::{hash_token, Token};

/// Stored as `confirm_email`, `reset_password` or `verify_phone`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum LinkPurpose {
    ConfirmEmail,
    ResetPassword,
    VerifyPhone,
}

impl LinkPurpose {
    /// How long a link stays valid.
    pub fn lifetime(self) -> Duration {
        match self {
            LinkPurpose::ConfirmEmail => Duration::from_secs(3 * 24 * 3600),
            LinkPurpose::ResetPassword => Duration::from_secs(3600),
            LinkPurpose::VerifyPhone => Duration::from_secs(24 * 3600),
        }
    }
}

/// Why a link cannot be used; each has its own page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("the link is unknown")]
    Unknown,
    #[error("the link has expired")]
    Expired,
    #[error("the link was used already")]
    Used,
}

impl LinkError {
    pub fn code(self) -> &'static str {
        match self {
            LinkError::Unknown => "link-unknown",
            LinkError::Expired => "link-expired",
            LinkError::Used => "link-used",
        }
    }
}

/// A new link for `account`; the returned token goes into the e-mail, its hash into the table.
/// Earlier unused links with the same purpose stop working: only the newest mail counts.
pub async fn create(
    conn: &mut sqlx::PgConnection,
    account: AccountId,
    purpose: LinkPurpose,
    now: OffsetDateTime,
) -> Result<Token, sqlx::Error> {
    sqlx::query!(
        "UPDATE platform.account_links SET expires_at = least(expires_at, $3)
         WHERE account_id = $1 AND purpose = $2 AND used_at IS NULL",
        account as AccountId,
        purpose as LinkPurpose,
        now,
    )
    .execute(&mut *conn)
    .await?;
    let token = Token::generate();
    sqlx::query!(
        "INSERT INTO platform.account_links (token_hash, account_id, purpose, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
        token.hash,
        account as AccountId,
        purpose as LinkPurpose,
        now,
        now + purpose.lifetime(),
    )
    .execute(&mut *conn)
    .await?;
    Ok(token)
}

fn judge(
    row: Option<(AccountId, OffsetDateTime, Option<OffsetDateTime>)>,
    now: OffsetDateTime,
) -> Result<AccountId, LinkError> {
    match row {
        None => Err(LinkError::Unknown),
        Some((_, _, Some(_))) => Err(LinkError::Used),
        Some((_, expires, None)) if expires <= now => Err(LinkError::Expired),
        Some((account, _, None)) => Ok(account),
    }
}

/// Whose link `token` is, if it can still be used; changes nothing.
pub async fn peek(
    db: impl PgExecutor<'_>,
    token: &str,
    purpose: LinkPurpose,
    now: OffsetDateTime,
) -> Result<Result<AccountId, LinkError>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT account_id AS "account_id: AccountId", expires_at, used_at
             FROM platform.account_links
            WHERE token_hash = $1 AND purpose = $2"#,
        hash_token(token),
        purpose as LinkPurpose,
    )
    .fetch_optional(db)
    .await?;
    Ok(judge(
        row.map(|r| (r.account_id, r.expires_at, r.used_at)),
        now,
    ))
}

/// Uses the link up, in the caller's transaction; of two concurrent uses only one succeeds.
pub async fn consume(
    conn: &mut sqlx::PgConnection,
    token: &str,
    purpose: LinkPurpose,
    now: OffsetDateTime,
) -> Result<Result<AccountId, LinkError>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT account_id AS "account_id: AccountId", expires_at, used_at
             FROM platform.account_links
            WHERE token_hash = $1 AND purpose = $2 FOR UPDATE"#,
        hash_token(token),
        purpose as LinkPurpose,
    )
    .fetch_optional(&mut *conn)
    .await?;
    let verdict = judge(row.map(|r| (r.account_id, r.expires_at, r.used_at)), now);
    if verdict.is_ok() {
        sqlx::query!(
            "UPDATE platform.account_links SET used_at = $2 WHERE token_hash = $1",
            hash_token(token),
            now,
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(verdict)
}
