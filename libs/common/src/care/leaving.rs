//! What happens to the care pages of an account that is deleted (ACC-7 with CP-3 and CP-7): it
//! leaves every page it belongs to, on every portal, before the account row goes.
//!
//! A page must keep a beheerder (CP-3): where the account was the last one, the member who
//! joined first takes over, so the client's network keeps working. A page nobody else belongs
//! to is deleted as its beheerder would delete it (CP-7).

use sqlx::PgPool;
use time::OffsetDateTime;

use crate::accounts::AccountId;
use crate::care::page::{self as care_page, CarePageError, CarePageId, Role};
use crate::infra::tenancy::{in_tenant, TenancyError, TenantSlug, TenantTx};

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
    for entry in care_page::pages_of(db, account).await? {
        let slug = TenantSlug::parse(&entry.tenant_slug)?;
        let page_id = entry.care_page_id;
        // One transaction per page: what was done for one page stays done if the next fails,
        // and the account row (deleted last) still points at the pages not yet left.
        let outcome = in_tenant(db, &slug, async |tx| {
            leave_page(tx, page_id, account, now).await
        })
        .await?;
        match outcome {
            PageLeft::NotMember => continue,
            PageLeft::Deleted => left.pages_deleted += 1,
            PageLeft::HeirAppointed => left.beheerders_appointed += 1,
            PageLeft::Left => {}
        }
        left.memberships_ended += 1;
    }
    Ok(left)
}

/// What leaving one page did.
enum PageLeft {
    /// The account was no member (any more): nothing to do.
    NotMember,
    /// Nobody else belonged to the page: it is deleted.
    Deleted,
    /// The account was the last beheerder: the member who joined first took over.
    HeirAppointed,
    Left,
}

async fn leave_page(
    tx: &mut TenantTx,
    page_id: CarePageId,
    account: AccountId,
    now: OffsetDateTime,
) -> Result<PageLeft, LeaveError> {
    let Some((page, membership)) = care_page::access(tx, page_id, account).await? else {
        return Ok(PageLeft::NotMember);
    };
    let role = membership.role;
    let others: Vec<care_page::Member> = care_page::members(tx, page_id)
        .await?
        .into_iter()
        .filter(|m| m.account_id != account)
        .collect();
    let outcome = if others.is_empty() {
        care_page::delete(tx, &page, account, now).await?;
        PageLeft::Deleted
    } else if role == Role::Beheerder && !others.iter().any(|m| m.role == Role::Beheerder) {
        let heir = sqlx::query_scalar!(
            r#"SELECT account_id AS "account_id: AccountId" FROM care_page_members
                WHERE care_page_id = $1 AND account_id <> $2
                ORDER BY added_at, account_id
                LIMIT 1"#,
            page_id as CarePageId,
            account as AccountId,
        )
        .fetch_one(tx.conn())
        .await?;
        care_page::set_role(tx, page_id, account, heir, Role::Beheerder, now).await?;
        PageLeft::HeirAppointed
    } else {
        PageLeft::Left
    };
    care_page::end_membership(tx, page_id, account).await?;
    Ok(outcome)
}
