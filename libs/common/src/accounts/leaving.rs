//! What happens to the care pages of an account that is deleted (ACC-7 with CP-3 and CP-7): it
//! leaves every page it belongs to, on every portal, before the account row goes.
//!
//! A page must keep a beheerder (CP-3): where the account was the last one, the member who
//! joined first takes over, so the client's network keeps working. A page nobody else belongs
//! to is deleted as its beheerder would delete it (CP-7).

use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use super::AccountId;
use crate::care_pages::{self, CarePageError, CarePageId, Role};
use crate::tenancy::{begin_tenant, TenancyError, TenantSlug};

#[derive(Debug, thiserror::Error)]
pub enum LeaveError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    CarePage(#[from] CarePageError),
    #[error(transparent)]
    Tenancy(#[from] TenancyError),
}

/// What leaving did, per page; for the account's deletion log and the tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Left {
    pub pages_deleted: usize,
    pub beheerders_appointed: usize,
    pub memberships_ended: usize,
}

pub async fn leave_all_care_pages(
    db: &PgPool,
    account: AccountId,
    now: OffsetDateTime,
) -> Result<Left, LeaveError> {
    let mut left = Left::default();
    for entry in care_pages::pages_of(db, account).await? {
        let slug = TenantSlug::parse(&entry.tenant_slug)?;
        let page_id = CarePageId(entry.care_page_id);
        // One transaction per page: what was done for one page stays done if the next fails,
        // and the account row (deleted last) still points at the pages not yet left.
        let mut tx = begin_tenant(db, &slug).await?;
        let Some((page, role)) = care_pages::access(&mut tx, page_id, account).await? else {
            tx.commit().await?;
            continue;
        };
        let others: Vec<care_pages::Member> = care_pages::members(&mut tx, page_id)
            .await?
            .into_iter()
            .filter(|m| m.account_id != account.0)
            .collect();
        if others.is_empty() {
            care_pages::delete(&mut tx, &page, account, now).await?;
            left.pages_deleted += 1;
        } else if role == Role::Beheerder && !others.iter().any(|m| m.role == "beheerder") {
            let heir: Uuid = sqlx::query_scalar(
                "SELECT account_id FROM care_page_members
                  WHERE care_page_id = $1 AND account_id <> $2
                  ORDER BY added_at, account_id
                  LIMIT 1",
            )
            .bind(page_id)
            .bind(account)
            .fetch_one(tx.conn())
            .await?;
            care_pages::set_role(
                &mut tx,
                page_id,
                account,
                AccountId(heir),
                Role::Beheerder,
                now,
            )
            .await?;
            left.beheerders_appointed += 1;
        }
        sqlx::query("DELETE FROM care_page_members WHERE care_page_id = $1 AND account_id = $2")
            .bind(page_id)
            .bind(account)
            .execute(tx.conn())
            .await?;
        sqlx::query(
            "DELETE FROM platform.care_page_memberships WHERE care_page_id = $1 AND account_id = $2",
        )
        .bind(page_id)
        .bind(account)
        .execute(tx.conn())
        .await?;
        tx.commit().await?;
        left.memberships_ended += 1;
    }
    Ok(left)
}
