//! The tenant's audit trail (`audit_events` in the tenant schema): who did what, when. Call
//! inside the tenant transaction that makes the change, so both commit together.

use sqlx::PgConnection;
use time::OffsetDateTime;

use crate::accounts::AccountId;

pub async fn record(
    conn: &mut PgConnection,
    actor: AccountId,
    action: &str,
    detail: serde_json::Value,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_events (occurred_at, actor, action, detail) VALUES ($1, $2, $3, $4)",
    )
    .bind(now)
    .bind(format!("account:{}", actor.0))
    .bind(action)
    .bind(detail)
    .execute(conn)
    .await?;
    Ok(())
}
