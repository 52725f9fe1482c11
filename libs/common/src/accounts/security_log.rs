//! What happened to an account's security, kept for the account holder and for support:
//! sign-ins, wrong passwords, lock-outs, password changes. Also written to the service log.

use serde_json::Value;
use sqlx::PgExecutor;
use time::OffsetDateTime;

use super::AccountId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityEvent {
    SignedIn,
    WrongPassword,
    SignInThrottled,
    WrongCode,
    CodeLocked,
    CodeThrottled,
    /// Too many wrong codes in a day: the account is held until a password reset.
    CodeLockout,
    PasswordChanged,
    PasswordReset,
    SignedOutEverywhere,
    PhoneVerified,
    PhoneRemoved,
    AccountDeleted,
    /// A signed-in person's request refused with 403 or 404 (the route, method and tenant are
    /// in the detail).
    AccessRefused,
}

impl SecurityEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            SecurityEvent::SignedIn => "signed_in",
            SecurityEvent::WrongPassword => "wrong_password",
            SecurityEvent::SignInThrottled => "sign_in_throttled",
            SecurityEvent::WrongCode => "wrong_code",
            SecurityEvent::CodeLocked => "code_locked",
            SecurityEvent::CodeThrottled => "code_throttled",
            SecurityEvent::CodeLockout => "code_lockout",
            SecurityEvent::PasswordChanged => "password_changed",
            SecurityEvent::PasswordReset => "password_reset",
            SecurityEvent::SignedOutEverywhere => "signed_out_everywhere",
            SecurityEvent::PhoneVerified => "phone_verified",
            SecurityEvent::PhoneRemoved => "phone_removed",
            SecurityEvent::AccountDeleted => "account_deleted",
            SecurityEvent::AccessRefused => "access_refused",
        }
    }
}

pub async fn record(
    db: impl PgExecutor<'_>,
    account: Option<AccountId>,
    event: SecurityEvent,
    ip: &str,
    detail: Value,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    tracing::info!(
        account = account.map(|a| a.to_string()).unwrap_or_default(),
        event = event.as_str(),
        ip,
        %detail,
        "security event"
    );
    sqlx::query!(
        "INSERT INTO platform.security_events (account_id, kind, ip, detail, occurred_at)
         VALUES ($1, $2, $3, $4, $5)",
        account.map(|a| a.0),
        event.as_str(),
        ip,
        detail,
        now,
    )
    .execute(db)
    .await?;
    Ok(())
}
