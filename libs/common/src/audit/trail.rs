//! The tenant's audit trail (`audit_events` in the tenant schema): who did what, when. Call
//! inside the tenant transaction that makes the change, so both commit together.

use time::OffsetDateTime;

use crate::accounts::AccountId;
use crate::infra::tenancy::TenantTx;

pub async fn record(
    tx: &mut TenantTx,
    actor: AccountId,
    action: &str,
    detail: serde_json::Value,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO audit_events (occurred_at, actor, action, detail) VALUES ($1, $2, $3, $4)",
        now,
        format!("account:{}", actor.0),
        action,
        detail,
    )
    .execute(tx.conn())
    .await?;
    Ok(())
}
