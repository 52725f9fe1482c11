//! Six-digit one-time codes: the second factor of a sign-in (ACC-4) and the check of a new
//! phone number (ACC-8). A code is valid five minutes and takes five wrong tries; a new code
//! replaces the previous one.

use std::time::Duration;

use time::OffsetDateTime;
use uuid::Uuid;

use super::{Account, AccountId, PhoneKind};
use crate::infra::crypto::{six_digit_code, ServerKey};
use crate::infra::outbox::Recipient;
use crate::infra::throttle::PhoneBudget;

pub const VALIDITY: Duration = Duration::from_secs(5 * 60);
pub const MAX_ATTEMPTS: i32 = 5;
const SIGNING_PURPOSE: &str = "one-time-code";

/// Stored as `sign_in` or `verify_phone`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum CodePurpose {
    SignIn,
    VerifyPhone,
}

/// How a code travels. Stored as `email`, `sms` or `voice`; an unknown stored channel fails
/// to decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum Channel {
    Email,
    Sms,
    Voice,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Voice => "voice",
        }
    }
}

/// The channel a code to `account` goes by when nothing stands in its way: SMS to a verified
/// mobile, a call to a landline, else e-mail.
pub fn preferred_channel(account: &Account) -> Channel {
    match account.phone() {
        Some((_, PhoneKind::Mobile)) => Channel::Sms,
        Some((_, PhoneKind::Landline)) => Channel::Voice,
        None => Channel::Email,
    }
}

/// Where a sign-in code goes, decided before it is issued.
#[derive(Debug, Clone, PartialEq)]
pub struct SignInRoute {
    pub channel: Channel,
    pub to: Recipient,
}

/// Decides where `account`'s next sign-in code goes, in the caller's transaction. A code for
/// the phone first takes one message of the hourly SMS and voice budgets of the platform and
/// of `tenant` ([`PhoneBudget::reserve_in`]: counted only if the code is committed with it;
/// a refusal is the operator alert). When a budget is spent the code goes to the account's
/// e-mail address instead: whoever spends an organisation's budget (a script asking for codes)
/// does not keep its people from signing in.
pub async fn route_sign_in_code(
    conn: &mut sqlx::PgConnection,
    budget: &PhoneBudget,
    tenant: &str,
    account: &Account,
    now: OffsetDateTime,
) -> Result<SignInRoute, sqlx::Error> {
    if let Some((phone, kind)) = account.phone() {
        if budget.reserve_in(conn, tenant, now).await?.is_ok() {
            let phone = phone.as_str().to_owned();
            return Ok(match kind {
                PhoneKind::Mobile => SignInRoute {
                    channel: Channel::Sms,
                    to: Recipient::Sms { phone },
                },
                PhoneKind::Landline => SignInRoute {
                    channel: Channel::Voice,
                    to: Recipient::Voice { phone },
                },
            });
        }
    }
    Ok(SignInRoute {
        channel: Channel::Email,
        to: Recipient::Email {
            address: account.email.clone(),
            name: Some(account.name.clone()),
        },
    })
}

/// Which code is meant: whose, what for, and for sign-in which pending session.
#[derive(Debug, Clone, Copy)]
pub struct CodeScope {
    pub account: AccountId,
    pub purpose: CodePurpose,
    pub session: Option<Uuid>,
}

#[derive(Debug, Clone)]
pub struct IssuedCode {
    pub id: Uuid,
    pub channel: Channel,
    pub phone: Option<String>,
    pub phone_kind: Option<PhoneKind>,
    pub attempts: i32,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
}

/// The answer to an entered code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeCheck {
    Accepted,
    Wrong {
        tries_left: i32,
    },
    /// Five wrong tries: this code no longer works; a new one must be sent.
    Locked,
    Expired,
    /// No code was sent (or it was used already).
    Missing,
}

fn sign(key: &ServerKey, id: Uuid, code: &str) -> Vec<u8> {
    let mut data = id.as_bytes().to_vec();
    data.extend_from_slice(code.as_bytes());
    key.sign(SIGNING_PURPOSE, &data)
}

/// Issues a new code (the previous one of the same scope stops working); returns the code to
/// send. `phone` is the number it goes to, for phone codes.
pub async fn issue(
    conn: &mut sqlx::PgConnection,
    key: &ServerKey,
    scope: CodeScope,
    channel: Channel,
    phone: Option<(&str, PhoneKind)>,
    now: OffsetDateTime,
) -> Result<String, sqlx::Error> {
    sqlx::query!(
        "UPDATE platform.one_time_codes SET expires_at = least(expires_at, $4)
         WHERE account_id = $1 AND purpose = $2 AND session_id IS NOT DISTINCT FROM $3
           AND used_at IS NULL",
        scope.account as AccountId,
        scope.purpose as CodePurpose,
        scope.session,
        now,
    )
    .execute(&mut *conn)
    .await?;
    let id = Uuid::new_v4();
    let code = six_digit_code();
    sqlx::query!(
        "INSERT INTO platform.one_time_codes
           (id, account_id, purpose, session_id, code_hash, channel, phone, phone_kind,
            created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        id,
        scope.account as AccountId,
        scope.purpose as CodePurpose,
        scope.session,
        sign(key, id, &code),
        channel as Channel,
        phone.map(|(number, _)| number),
        phone.map(|(_, kind)| kind) as Option<PhoneKind>,
        now,
        now + VALIDITY,
    )
    .execute(&mut *conn)
    .await?;
    Ok(code)
}

/// The newest code of `scope`, used or not.
pub async fn latest(
    db: impl sqlx::PgExecutor<'_>,
    scope: CodeScope,
) -> Result<Option<IssuedCode>, sqlx::Error> {
    sqlx::query_as!(
        IssuedCode,
        r#"SELECT id, channel AS "channel: Channel", phone, phone_kind AS "phone_kind: PhoneKind",
                  attempts, created_at, expires_at, used_at
             FROM platform.one_time_codes
            WHERE account_id = $1 AND purpose = $2 AND session_id IS NOT DISTINCT FROM $3
            ORDER BY created_at DESC LIMIT 1"#,
        scope.account as AccountId,
        scope.purpose as CodePurpose,
        scope.session,
    )
    .fetch_optional(db)
    .await
}

/// Checks `entered` against the newest code of `scope`, counting a wrong try. On success the
/// code is used up and returned.
pub async fn verify(
    conn: &mut sqlx::PgConnection,
    key: &ServerKey,
    scope: CodeScope,
    entered: &str,
    now: OffsetDateTime,
) -> Result<(CodeCheck, Option<IssuedCode>), sqlx::Error> {
    // The query of [`latest`], locking the row.
    let code = sqlx::query_as!(
        IssuedCode,
        r#"SELECT id, channel AS "channel: Channel", phone, phone_kind AS "phone_kind: PhoneKind",
                  attempts, created_at, expires_at, used_at
             FROM platform.one_time_codes
            WHERE account_id = $1 AND purpose = $2 AND session_id IS NOT DISTINCT FROM $3
            ORDER BY created_at DESC LIMIT 1
              FOR UPDATE"#,
        scope.account as AccountId,
        scope.purpose as CodePurpose,
        scope.session,
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(code) = code.filter(|c| c.used_at.is_none()) else {
        return Ok((CodeCheck::Missing, None));
    };
    if code.attempts >= MAX_ATTEMPTS {
        return Ok((CodeCheck::Locked, Some(code)));
    }
    if code.expires_at <= now {
        return Ok((CodeCheck::Expired, Some(code)));
    }
    let entered: String = entered.chars().filter(|c| !c.is_whitespace()).collect();
    let stored: Vec<u8> = sqlx::query_scalar!(
        "SELECT code_hash FROM platform.one_time_codes WHERE id = $1",
        code.id,
    )
    .fetch_one(&mut *conn)
    .await?;
    let matches = key.verify(
        SIGNING_PURPOSE,
        &[code.id.as_bytes(), entered.as_bytes()].concat(),
        &stored,
    );
    if matches {
        sqlx::query!(
            "UPDATE platform.one_time_codes SET used_at = $2 WHERE id = $1",
            code.id,
            now,
        )
        .execute(&mut *conn)
        .await?;
        return Ok((CodeCheck::Accepted, Some(code)));
    }
    let attempts: i32 = sqlx::query_scalar!(
        "UPDATE platform.one_time_codes SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts",
        code.id,
    )
    .fetch_one(&mut *conn)
    .await?;
    let check = if attempts >= MAX_ATTEMPTS {
        CodeCheck::Locked
    } else {
        CodeCheck::Wrong {
            tries_left: MAX_ATTEMPTS - attempts,
        }
    };
    Ok((check, Some(code)))
}
