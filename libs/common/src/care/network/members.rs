//! The members of a personal network after they joined (NET-2, NET-5): a beheerder changes a
//! member's rights or removes them, a member leaves by themselves, and every such change goes
//! into the network's change log, which beheerders read.

use serde::Serialize;
use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::accounts::AccountId;
use crate::care::page::{self as care_page, CarePageError, CarePageId, Role};
use crate::care::rights::Rights;
use crate::infra::i18n::Language;
use crate::infra::outbox::{self, Event, Job, Message, Recipient};
use crate::infra::tenancy::{in_every_tenant, TenancyError, TenantTx};

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
    /// A grant with an end date reached it.
    RightsLapsed,
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
            Change::RightsLapsed => "rights_lapsed",
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
            Change::RightsLapsed,
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
/// by `actor`, until `until` when the grant ends. A beheerder holds every right whatever is
/// stored, so their rights are not changed here: that is what taking away beheerrechten is for.
pub async fn set_rights(
    tx: &mut TenantTx,
    page: CarePageId,
    actor: AccountId,
    member: AccountId,
    (rights, until): (Rights, Option<OffsetDateTime>),
    now: OffsetDateTime,
) -> Result<(), CarePageError> {
    let (name, role) = member_name(tx, page, member).await?;
    if role == Role::Beheerder {
        return Err(CarePageError::IsBeheerder);
    }
    let keys: Vec<String> = rights.keys().into_iter().map(str::to_owned).collect();
    sqlx::query!(
        "UPDATE care_page_members
            SET rights = $3, rights_granted_by = $4, rights_until = $5,
                rights_reminded_at = NULL, rights_lapsed_at = NULL
          WHERE care_page_id = $1 AND account_id = $2",
        page as CarePageId,
        member as AccountId,
        &keys,
        actor as AccountId,
        until,
    )
    .execute(tx.conn())
    .await?;
    if let Some(until) = until {
        schedule_grant_end(tx, until, now).await?;
    }
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

/// The end of a grant from the form's "tot en met" day (`jjjj-mm-dd`, the end of that day in
/// the Netherlands); empty: no end. The day may not have passed.
pub fn grant_end(raw: &str, today: time::Date) -> Result<Option<OffsetDateTime>, &'static str> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let day = time::Date::parse(
        raw,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| "member-rights-until-invalid")?;
    if day < today {
        return Err("member-rights-until-past");
    }
    Ok(Some(crate::infra::clock::dutch::start_of(
        day.next_day().unwrap_or(day),
    )))
}

/// A grant whose end is three days away or less, claimed for its one reminder.
#[derive(Debug, Clone)]
pub struct EndingGrant {
    pub page: CarePageId,
    pub client: String,
    pub member: AccountId,
    pub member_name: String,
    pub member_email: String,
    pub member_language: String,
    pub granted_by_name: String,
    pub until: OffsetDateTime,
}

/// How long before its end a member hears that a grant ends.
pub const REMINDER_BEFORE: time::Duration = time::Duration::days(3);

/// Queues, in the transaction that sets a grant ending at `until`, the two moments it needs:
/// the reminder (at once when that moment has passed) and the lapse. Each is a message that
/// waits in RabbitMQ and then hands what is due in the tenant at that moment; the housekeeping
/// round does the same as a safety net. A grant changed since finds nothing due.
pub async fn schedule_grant_end(
    tx: &mut TenantTx,
    until: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    let tenant = Some(tx.tenant().clone());
    for moment in [(until - REMINDER_BEFORE).max(now), until] {
        let event = Event::job(tenant.clone(), now, Job::HandleEndingGrants).at(moment);
        outbox::write(tx.conn(), &event).await?;
    }
    Ok(())
}

/// Claims the grants of this tenant whose end is [`REMINDER_BEFORE`] away or less and whose
/// member has not been reminded: each is claimed once, in this transaction, so the reminder
/// written with it goes out exactly once.
pub async fn claim_reminders(
    tx: &mut TenantTx,
    now: OffsetDateTime,
) -> Result<Vec<EndingGrant>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"WITH claimed AS (
             UPDATE care_page_members SET rights_reminded_at = $1
              WHERE rights_until IS NOT NULL AND rights_until > $1
                AND rights_until <= $2 AND rights_reminded_at IS NULL
                AND rights_lapsed_at IS NULL
             RETURNING care_page_id, account_id, rights_until, rights_granted_by)
           SELECT c.care_page_id AS "page: CarePageId", p.client_name,
                  c.account_id AS "member: AccountId", a.name, a.email, a.language,
                  coalesce(g.name, '') AS "granted_by_name!", c.rights_until AS "until!"
             FROM claimed c
             JOIN care_pages p ON p.id = c.care_page_id
             JOIN platform.accounts a ON a.id = c.account_id
             LEFT JOIN platform.accounts g ON g.id = c.rights_granted_by"#,
        now,
        now + REMINDER_BEFORE,
    )
    .fetch_all(tx.conn())
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| EndingGrant {
            page: row.page,
            client: row.client_name,
            member: row.member,
            member_name: row.name,
            member_email: row.email,
            member_language: row.language,
            granted_by_name: row.granted_by_name,
            until: row.until,
        })
        .collect())
}

/// Empties the rights of every grant of this tenant whose end has come, and logs each lapse
/// once. (The door reads them as none from the end on; this makes it lasting.)
pub async fn lapse_ended(tx: &mut TenantTx, now: OffsetDateTime) -> Result<u64, sqlx::Error> {
    let lapsed = sqlx::query!(
        r#"UPDATE care_page_members m
              SET rights = '{}', rights_lapsed_at = $1
             FROM platform.accounts a
            WHERE a.id = m.account_id AND m.rights_until <= $1 AND m.rights_lapsed_at IS NULL
           RETURNING m.care_page_id AS "page: CarePageId", m.account_id AS "member: AccountId",
                     coalesce(m.rights_granted_by, m.account_id) AS "actor!: AccountId",
                     a.name"#,
        now,
    )
    .fetch_all(tx.conn())
    .await?;
    for row in &lapsed {
        let change = NetworkChange {
            page: row.page,
            actor: row.actor,
            subject: Subject {
                account: Some(row.member),
                name: &row.name,
            },
            change: Change::RightsLapsed,
            rights: Some(Rights::NONE),
            role: None,
        };
        record_change(tx, &change, now).await?;
    }
    Ok(lapsed.len() as u64)
}

/// What is due for the grants of this tenant at `now`: the reminders (each exactly once, its
/// e-mail queued in the transaction that claims it) and the lapses. Says how many of each.
pub async fn remind_and_lapse(
    tx: &mut TenantTx,
    now: OffsetDateTime,
) -> Result<(u64, u64), sqlx::Error> {
    let slug = tx.tenant().clone();
    let ending = claim_reminders(tx, now).await?;
    for grant in &ending {
        let last_day =
            crate::infra::clock::dutch::civil(grant.until - time::Duration::seconds(1)).date();
        let message = Message::RightsEnding {
            name: grant.member_name.clone(),
            client: grant.client.clone(),
            granted_by: grant.granted_by_name.clone(),
            last_day: care_page::BirthDate::format(last_day),
        };
        let to = Recipient::Email {
            address: grant.member_email.clone(),
            name: Some(grant.member_name.clone()),
        };
        let language = Language::parse(&grant.member_language).unwrap_or_default();
        let event = Event::notification(&slug, now, to, language, message);
        outbox::write(tx.conn(), &event).await?;
    }
    let lapsed = lapse_ended(tx, now).await?;
    Ok((ending.len() as u64, lapsed))
}

/// [`remind_and_lapse`] in every tenant: the housekeeping round's safety net for ending
/// grants. Says how many reminders and lapses it handled.
pub async fn remind_and_lapse_in_every_tenant(
    db: &PgPool,
    now: OffsetDateTime,
) -> Result<(u64, u64), TenancyError> {
    let handled = in_every_tenant(db, |tx| Box::pin(remind_and_lapse(tx, now))).await?;
    Ok(handled
        .into_iter()
        .fold((0, 0), |(r, l), (reminded, lapsed)| {
            (r + reminded, l + lapsed)
        }))
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
