//! Who holds the tenant-admin role (TEN-2, API-2). The role lives in the platform schema, with
//! the tenant row.

use serde::Serialize;
use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;

use crate::accounts::AccountId;
use crate::infra::tenancy::TenantId;

/// Gives `account` the tenant-admin role for `tenant` (idempotent).
pub async fn grant(
    db: impl PgExecutor<'_>,
    tenant: TenantId,
    account: AccountId,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO platform.tenant_admins (tenant_id, account_id, granted_at)
         VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        tenant as TenantId,
        account as AccountId,
        now,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Takes the role away again; true when the account held it.
pub async fn revoke(
    db: impl PgExecutor<'_>,
    tenant: TenantId,
    account: AccountId,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM platform.tenant_admins WHERE tenant_id = $1 AND account_id = $2",
        tenant as TenantId,
        account as AccountId,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Whether `account` holds the tenant-admin role for `tenant` (and for no other tenant: the
/// role is per organisation).
pub async fn is_admin(
    db: impl PgExecutor<'_>,
    tenant: TenantId,
    account: AccountId,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM platform.tenant_admins
                           WHERE tenant_id = $1 AND account_id = $2) AS "exists!""#,
        tenant as TenantId,
        account as AccountId,
    )
    .fetch_one(db)
    .await
}

/// One holder of the role, as the admin list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AdminEntry {
    pub account_id: AccountId,
    pub name: String,
    pub email: String,
    pub granted_at: OffsetDateTime,
}

/// Everyone who administers `tenant`, oldest grant first.
pub async fn admins(
    db: impl PgExecutor<'_>,
    tenant: TenantId,
) -> Result<Vec<AdminEntry>, sqlx::Error> {
    sqlx::query_as!(
        AdminEntry,
        r#"SELECT a.id AS "account_id: AccountId", a.name, a.email, t.granted_at
             FROM platform.tenant_admins t JOIN platform.accounts a ON a.id = t.account_id
            WHERE t.tenant_id = $1
            ORDER BY t.granted_at, a.name"#,
        tenant as TenantId,
    )
    .fetch_all(db)
    .await
}

/// Why the role cannot be taken away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RevokeError {
    #[error("the account does not administer this organisation")]
    NotAnAdmin,
    #[error("an organisation keeps at least one administrator")]
    LastAdmin,
}

/// Takes the role away from `account`, unless it is the tenant's last administrator: a portal
/// nobody can manage any more would need the operator to come back. The tenant's admin rows are
/// locked, so two admins removing each other at once cannot both succeed.
pub async fn revoke_unless_last(
    conn: &mut PgConnection,
    tenant: TenantId,
    account: AccountId,
) -> Result<Result<(), RevokeError>, sqlx::Error> {
    let holders = sqlx::query_scalar!(
        r#"SELECT account_id AS "account_id: AccountId"
             FROM platform.tenant_admins WHERE tenant_id = $1 FOR UPDATE"#,
        tenant as TenantId,
    )
    .fetch_all(&mut *conn)
    .await?;
    if !holders.contains(&account) {
        return Ok(Err(RevokeError::NotAnAdmin));
    }
    if holders.len() == 1 {
        return Ok(Err(RevokeError::LastAdmin));
    }
    revoke(&mut *conn, tenant, account).await?;
    Ok(Ok(()))
}
