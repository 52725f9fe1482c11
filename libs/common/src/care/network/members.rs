//! The members of a personal network after they joined (NET-2, NET-5): a beheerder changes a
//! member's rights or removes them, a member leaves by themselves, and every such change goes
//! into the network's change log, which beheerders read.

use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::accounts::AccountId;
use crate::care::page::{self as care_page, CarePageError, CarePageId, Role};
use crate::care::rights::Rights;
use crate::infra::tenancy::TenantTx;

/// What happened in the network, as the change log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Invited,
    Joined,
    RightsChanged,
    RoleChanged,
    Removed,
    Left,
}

impl Change {
    pub fn key(self) -> &'static str {
        match self {
            Change::Invited => "invited",
            Change::Joined => "joined",
            Change::RightsChanged => "rights_changed",
            Change::RoleChanged => "role_changed",
            Change::Removed => "removed",
            Change::Left => "left",
        }
    }

    fn from_key(key: &str) -> Option<Change> {
        [
            Change::Invited,
            Change::Joined,
            Change::RightsChanged,
            Change::RoleChanged,
            Change::Removed,
            Change::Left,
        ]
        .into_iter()
        .find(|change| change.key() == key)
    }
}

/// Who the change is about: a member, or (for an invitation) a name and no account yet.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    pub account: Option<AccountId>,
    pub name: &'a str,
}

/// One change of the network, as [`record_change`] writes it. `rights` and `role` are what
/// the subject holds afterwards, where the change is about them.
#[derive(Debug, Clone)]
pub struct NetworkChange<'a> {
    pub page: CarePageId,
    pub actor: AccountId,
    pub subject: Subject<'a>,
    pub change: Change,
    pub rights: Option<Rights>,
    pub role: Option<Role>,
}

/// Records a change in the network's log, in the transaction that makes it.
pub async fn record_change(
    tx: &mut TenantTx,
    change: &NetworkChange<'_>,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    let rights: Option<Vec<String>> = change
        .rights
        .map(|r| r.keys().into_iter().map(str::to_owned).collect());
    sqlx::query!(
        "INSERT INTO network_changes (care_page_id, occurred_at, actor_id, actor_name,
                                      subject_id, subject_name, change, rights, role)
         SELECT $1, $2, $3, a.name, $4, $5, $6, $7, $8
           FROM platform.accounts a WHERE a.id = $3",
        change.page as CarePageId,
        now,
        change.actor as AccountId,
        change.subject.account.map(|a| a.0),
        change.subject.name,
        change.change.key(),
        rights.as_deref(),
        change.role.map(Role::as_str),
    )
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The name of member `account` of `page`, or `NotMember`; locks the member's row, so two
/// beheerders changing the same member take turns.
async fn member_name(
    tx: &mut TenantTx,
    page: CarePageId,
    account: AccountId,
) -> Result<(String, Role), CarePageError> {
    let row = sqlx::query!(
        r#"SELECT a.name, m.role AS "role: Role"
             FROM care_page_members m JOIN platform.accounts a ON a.id = m.account_id
            WHERE m.care_page_id = $1 AND m.account_id = $2
              FOR UPDATE OF m"#,
        page as CarePageId,
        account as AccountId,
    )
    .fetch_optional(tx.conn())
    .await?;
    row.map(|row| (row.name, row.role))
        .ok_or(CarePageError::NotMember)
}

/// Gives `member` exactly `rights` (a preset or the switches, checked by the model), granted
/// by `actor`. A beheerder holds every right whatever is stored, so their rights are not
/// changed here: that is what taking away beheerrechten is for.
pub async fn set_rights(
    tx: &mut TenantTx,
    page: CarePageId,
    actor: AccountId,
    member: AccountId,
    rights: Rights,
    now: OffsetDateTime,
) -> Result<(), CarePageError> {
    let (name, role) = member_name(tx, page, member).await?;
    if role == Role::Beheerder {
        return Err(CarePageError::IsBeheerder);
    }
    let keys: Vec<String> = rights.keys().into_iter().map(str::to_owned).collect();
    sqlx::query!(
        "UPDATE care_page_members SET rights = $3, rights_granted_by = $4
          WHERE care_page_id = $1 AND account_id = $2",
        page as CarePageId,
        member as AccountId,
        &keys,
        actor as AccountId,
    )
    .execute(tx.conn())
    .await?;
    let change = NetworkChange {
        page,
        actor,
        subject: Subject {
            account: Some(member),
            name: &name,
        },
        change: Change::RightsChanged,
        rights: Some(rights),
        role: None,
    };
    record_change(tx, &change, now).await?;
    Ok(())
}

/// Grants or takes away beheerrechten (`care::page::set_role`) and logs it.
pub async fn set_role(
    tx: &mut TenantTx,
    page: CarePageId,
    actor: AccountId,
    member: AccountId,
    role: Role,
    now: OffsetDateTime,
) -> Result<(), CarePageError> {
    let (name, before) = member_name(tx, page, member).await?;
    care_page::set_role(tx, page, actor, member, role, now).await?;
    if before != role {
        let change = NetworkChange {
            page,
            actor,
            subject: Subject {
                account: Some(member),
                name: &name,
            },
            change: Change::RoleChanged,
            rights: None,
            role: Some(role),
        };
        record_change(tx, &change, now).await?;
    }
    Ok(())
}

/// Ends `member`'s membership of `page`: removed by `actor`, or left when `actor` is the member.
/// The last beheerder can do neither: someone must keep administering the page. Access ends
/// at the member's next request, since every request asks the door again.
pub async fn remove(
    tx: &mut TenantTx,
    page: CarePageId,
    actor: AccountId,
    member: AccountId,
    now: OffsetDateTime,
) -> Result<String, CarePageError> {
    care_page::lock_for_beheerders(tx, page).await?;
    let (name, role) = member_name(tx, page, member).await?;
    if role == Role::Beheerder {
        care_page::refuse_last_beheerder(tx, page).await?;
    }
    care_page::end_membership(tx, page, member).await?;
    let change = NetworkChange {
        page,
        actor,
        subject: Subject {
            account: Some(member),
            name: &name,
        },
        change: if actor == member {
            Change::Left
        } else {
            Change::Removed
        },
        rights: None,
        role: None,
    };
    record_change(tx, &change, now).await?;
    Ok(name)
}

/// One line of the change log.
#[derive(Debug, Clone, Serialize)]
pub struct LoggedChange {
    pub occurred_at: OffsetDateTime,
    pub actor_name: String,
    pub subject_id: Option<Uuid>,
    pub subject_name: String,
    pub change: Change,
    pub rights: Vec<String>,
    pub role: Option<String>,
}

/// The newest `limit` changes of `page`'s network, newest first.
pub async fn changes(
    tx: &mut TenantTx,
    page: CarePageId,
    limit: i64,
) -> Result<Vec<LoggedChange>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT occurred_at, actor_name, subject_id, subject_name, change, rights, role
           FROM network_changes WHERE care_page_id = $1
          ORDER BY occurred_at DESC, id DESC LIMIT $2",
        page as CarePageId,
        limit,
    )
    .fetch_all(tx.conn())
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(LoggedChange {
                occurred_at: row.occurred_at,
                actor_name: row.actor_name,
                subject_id: row.subject_id,
                subject_name: row.subject_name,
                change: Change::from_key(&row.change)?,
                rights: row.rights.unwrap_or_default(),
                role: row.role,
            })
        })
        .collect())
}
