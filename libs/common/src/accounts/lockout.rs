//! The long-term cap on code guessing (ACC-4). The hourly limit and the five tries per code
//! slow a guesser down; over days they would still add up. So wrong second-factor codes (the
//! sign-in code, and the dossier's code when it comes) also count per account per day, and at
//! [`DAILY_WRONG_CODES`] the account is held: every session ends, signing in stops after the
//! password, and only a new password chosen through the mailed reset link lifts the hold.
//! Whoever guessed had the password, so the owner is told by e-mail.

use std::time::Duration;

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;

use super::{sessions, AccountId};
use crate::infra::throttle::Limit;

/// Wrong codes in a day that hold the account. Someone who mistypes their own code gets a
/// new one long before this; a guesser gets this many tries in a million per password leak.
pub const DAILY_WRONG_CODES: i32 = 30;

/// Counts wrong codes; only [`Limit::record`] is used, the hold itself is the account's column.
const WRONG_CODES_DAY: Limit = Limit {
    name: "wrong_codes_day",
    free: DAILY_WRONG_CODES,
    max: DAILY_WRONG_CODES,
    window: Duration::from_secs(24 * 3600),
    base_delay: Duration::ZERO,
};

/// Counts one wrong code for `account`. Returns true when this code reached the day's cap and
/// put the hold on (then every session of the account has ended); false otherwise, also when
/// the hold was on already, so the owner is told once.
pub async fn count_wrong_code(
    conn: &mut PgConnection,
    account: AccountId,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    let wrong = WRONG_CODES_DAY
        .record(&mut *conn, &account.0.to_string(), now)
        .await?;
    if wrong < DAILY_WRONG_CODES {
        return Ok(false);
    }
    let held = sqlx::query!(
        "UPDATE platform.accounts SET code_lockout_at = $2
          WHERE id = $1 AND code_lockout_at IS NULL",
        account as AccountId,
        now,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if held {
        sessions::end_all(&mut *conn, account, None).await?;
    }
    Ok(held)
}

/// Whether the account is held until a password reset.
pub async fn is_held(db: impl PgExecutor<'_>, account: AccountId) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT code_lockout_at IS NOT NULL AS "held!" FROM platform.accounts WHERE id = $1"#,
        account as AccountId,
    )
    .fetch_optional(db)
    .await
    .map(|held| held.unwrap_or(false))
}

/// Lifts the hold and forgets the day's wrong codes: the owner chose a new password through
/// the link that came by e-mail.
pub async fn lift(conn: &mut PgConnection, account: AccountId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE platform.accounts SET code_lockout_at = NULL WHERE id = $1",
        account as AccountId,
    )
    .execute(&mut *conn)
    .await?;
    WRONG_CODES_DAY
        .clear(&mut *conn, &account.0.to_string())
        .await
}
