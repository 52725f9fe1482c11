//! Care pages (zorgpagina's, CP-1 … CP-7): a page about one client, in one tenant, with its
//! members and who administers it (beheerders).
//!
//! The pages and their members live in the tenant's schema: every function that touches them
//! takes a [`TenantTx`]. Each membership is mirrored in `platform.care_page_memberships`, in the
//! same transaction, so the "Ik zorg voor" switcher lists an account's pages across tenants
//! without visiting every tenant schema.

use serde::Serialize;
use sqlx::PgExecutor;
use time::macros::format_description;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::accounts::{AccountId, PersonName};
use crate::audit::trail::record as audit;
use crate::care::rights::{Preset, Rights};
use crate::infra::tenancy::{TenantId, TenantTx};

#[derive(Debug, thiserror::Error)]
pub enum CarePageError {
    /// The page has no other beheerder: someone must keep administering it.
    #[error("the last beheerder cannot be removed")]
    LastBeheerder,
    #[error("not a member of this care page")]
    NotMember,
    /// A beheerder holds every right: their rights are changed by taking beheerrechten away.
    #[error("a beheerder holds every right")]
    IsBeheerder,
    #[error("this account already has a care page for itself on this portal")]
    SelfPageExists,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

crate::typed_id! {
    /// The id of one of the organisation's client records (`client_records.id`, kept by
    /// `clients::records`), to which a linked care page points. Declared here because care
    /// pages sit below the clients context.
    pub struct ClientRecordId;
}

crate::typed_id! {
    /// The id of a care page (unique across tenants: a v7 UUID).
    pub struct CarePageId;
}

/// What a member may do on a page. Stored as `beheerder` / `lid` (in `care_page_members` and
/// `platform.care_page_memberships`); any other stored value fails to decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum Role {
    /// Administers the page: edits its profile, grants beheerrechten, deletes it.
    Beheerder,
    /// Reads the page.
    Lid,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Beheerder => "beheerder",
            Role::Lid => "lid",
        }
    }
}

/// For whom the page was made ("Voor wie wil je deze zorgpagina aanmaken?"). Stored as `self` /
/// `other` (`care_pages.for_whom`); any other stored value fails to decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text")]
pub enum ForWhom {
    /// "Voor mijzelf": the account holder is the client.
    #[sqlx(rename = "self")]
    Myself,
    /// "Voor iemand anders".
    #[sqlx(rename = "other")]
    SomeoneElse,
}

impl ForWhom {
    fn as_db(self) -> &'static str {
        match self {
            ForWhom::Myself => "self",
            ForWhom::SomeoneElse => "other",
        }
    }

    /// As the form sends it: "mijzelf" or "iemand-anders".
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "mijzelf" => Some(ForWhom::Myself),
            "iemand-anders" => Some(ForWhom::SomeoneElse),
            _ => None,
        }
    }

    pub fn form_value(self) -> &'static str {
        match self {
            ForWhom::Myself => "mijzelf",
            ForWhom::SomeoneElse => "iemand-anders",
        }
    }
}

/// A birth date as typed, `dd-mm-jjjj`: a real date, not in the future, not before 1900.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BirthDate(Date);

const DMY: &[time::format_description::FormatItem<'static>] =
    format_description!("[day]-[month]-[year]");

impl BirthDate {
    /// `today` is the date the person types it on; the catalogue key of the problem otherwise.
    pub fn parse(raw: &str, today: Date) -> Result<Self, &'static str> {
        let raw = raw.trim().replace(['/', '.', ' '], "-");
        if raw.is_empty() {
            return Err("care-birth-date-missing");
        }
        // Also "1-2-1950": pad day and month to two digits.
        let parts: Vec<&str> = raw.split('-').collect();
        let normalised = match parts.as_slice() {
            [d, m, y] if (1..=2).contains(&d.len()) && (1..=2).contains(&m.len()) => {
                format!("{d:0>2}-{m:0>2}-{y}")
            }
            _ => return Err("care-birth-date-invalid"),
        };
        let date = Date::parse(&normalised, DMY).map_err(|_| "care-birth-date-invalid")?;
        if date > today {
            return Err("care-birth-date-future");
        }
        if date.year() < 1900 {
            return Err("care-birth-date-invalid");
        }
        Ok(Self(date))
    }

    pub fn date(self) -> Date {
        self.0
    }

    /// A date read back from the database, checked when it was stored.
    pub fn from_stored(date: Date) -> Self {
        Self(date)
    }

    /// `dd-mm-jjjj`, as the forms show it.
    pub fn format(date: Date) -> String {
        date.format(DMY).unwrap_or_default()
    }
}

/// The CP-1 form as it came in.
#[derive(Debug, Clone, Default)]
pub struct NewCarePageForm<'a> {
    pub for_whom: &'a str,
    pub client_name: &'a str,
    pub birth_date: &'a str,
    pub consent: bool,
}

/// A checked CP-1 form.
#[derive(Debug, Clone)]
pub struct NewCarePage {
    pub for_whom: ForWhom,
    pub client_name: PersonName,
    pub birth_date: BirthDate,
}

impl NewCarePage {
    /// Checks the form; for "Voor mijzelf" the client's name is the account holder's.
    /// On failure, the catalogue key of each problem by field.
    pub fn parse(
        form: &NewCarePageForm<'_>,
        own_name: &str,
        today: Date,
    ) -> Result<Self, Vec<(&'static str, &'static str)>> {
        let mut problems = Vec::new();
        let for_whom = ForWhom::parse(form.for_whom);
        if for_whom.is_none() {
            problems.push(("for_whom", "care-for-whom-missing"));
        }
        let name = match for_whom {
            Some(ForWhom::Myself) => PersonName::parse(own_name).ok(),
            Some(ForWhom::SomeoneElse) => {
                let name = PersonName::parse(form.client_name).ok();
                if name.is_none() {
                    problems.push(("client_name", "care-client-name-missing"));
                }
                name
            }
            None => None,
        };
        let birth_date = BirthDate::parse(form.birth_date, today)
            .map_err(|code| problems.push(("birth_date", code)))
            .ok();
        if !form.consent {
            problems.push(("consent", "care-consent-missing"));
        }
        match (for_whom, name, birth_date) {
            (Some(for_whom), Some(client_name), Some(birth_date)) if problems.is_empty() => {
                Ok(Self {
                    for_whom,
                    client_name,
                    birth_date,
                })
            }
            _ => Err(problems),
        }
    }
}

/// A care page as stored.
#[derive(Debug, Clone, Serialize)]
pub struct CarePage {
    pub id: CarePageId,
    pub for_whom: ForWhom,
    pub client_name: String,
    pub birth_date: Date,
    pub client_record_id: Option<ClientRecordId>,
    pub created_by: AccountId,
    pub created_at: OffsetDateTime,
}

impl CarePage {
    /// Whether `account` is the client of this page: they made it "voor mijzelf".
    pub fn is_client(&self, account: AccountId) -> bool {
        self.for_whom == ForWhom::Myself && self.created_by == account
    }
}

/// The step a care page's home offers a member next (CP-4): what makes sense for this page in
/// its present state and for this member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NextStep {
    /// An unlinked page, seen by a beheerder: link it with the letter's activation code.
    Activate,
    /// An unlinked page, seen by a member who cannot link it: a beheerder can.
    AskBeheerder,
    /// A linked page: check its details on Profiel.
    CheckProfile,
}

impl NextStep {
    pub fn for_member(page: &CarePage, role: Role) -> Self {
        match (page.client_record_id.is_some(), role) {
            (false, Role::Beheerder) => Self::Activate,
            (false, Role::Lid) => Self::AskBeheerder,
            (true, _) => Self::CheckProfile,
        }
    }
}

/// The tenant's id, by the slug the transaction is pinned to.
async fn tenant_id(tx: &mut TenantTx) -> Result<TenantId, sqlx::Error> {
    let slug = tx.tenant().as_str().to_owned();
    sqlx::query_scalar!(
        r#"SELECT id AS "id: TenantId" FROM platform.tenants WHERE slug = $1"#,
        slug,
    )
    .fetch_one(tx.conn())
    .await
}

/// Creates the page with `creator` as its beheerder (CP-1, CP-3), in the tenant and in the
/// platform's index, in `tx`.
pub async fn create(
    tx: &mut TenantTx,
    creator: AccountId,
    new: &NewCarePage,
    now: OffsetDateTime,
) -> Result<CarePage, CarePageError> {
    let id = CarePageId(Uuid::now_v7());
    let inserted = sqlx::query!(
        "INSERT INTO care_pages (id, for_whom, client_name, birth_date, created_by,
                                 consent_given_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6, $6)
         ON CONFLICT DO NOTHING",
        id as CarePageId,
        new.for_whom as ForWhom,
        new.client_name.as_str(),
        new.birth_date.date(),
        creator as AccountId,
        now,
    )
    .execute(tx.conn())
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(CarePageError::SelfPageExists);
    }
    audit(
        tx,
        creator,
        "care_page.created",
        serde_json::json!({ "care_page": id.0, "for_whom": new.for_whom.as_db() }),
        now,
    )
    .await?;
    add_member(tx, id, creator, Role::Beheerder, Rights::NONE, now).await?;
    Ok(CarePage {
        id,
        for_whom: new.for_whom,
        client_name: new.client_name.as_str().to_owned(),
        birth_date: new.birth_date.date(),
        client_record_id: None,
        created_by: creator,
        created_at: now,
    })
}

/// Adds `account` to the page with `role` (or sets the role if it is a member already), in the
/// tenant and in the platform's index. The network feature invites members through this.
pub async fn add_member(
    tx: &mut TenantTx,
    page: CarePageId,
    account: AccountId,
    role: Role,
    rights: Rights,
    now: OffsetDateTime,
) -> Result<(), CarePageError> {
    let tenant = tenant_id(tx).await?;
    let keys: Vec<String> = rights.keys().into_iter().map(str::to_owned).collect();
    sqlx::query!(
        "INSERT INTO care_page_members (care_page_id, account_id, role, rights, added_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (care_page_id, account_id)
         DO UPDATE SET role = EXCLUDED.role, rights = EXCLUDED.rights",
        page as CarePageId,
        account as AccountId,
        role as Role,
        &keys,
        now,
    )
    .execute(tx.conn())
    .await?;
    sqlx::query!(
        "INSERT INTO platform.care_page_memberships
           (account_id, tenant_id, care_page_id, display_name, is_self, role, created_at)
         SELECT $1, $2, p.id, p.client_name, p.for_whom = 'self' AND p.created_by = $1, $3, $4
           FROM care_pages p WHERE p.id = $5
         ON CONFLICT (account_id, care_page_id) DO UPDATE SET role = EXCLUDED.role",
        account as AccountId,
        tenant as TenantId,
        role as Role,
        now,
        page as CarePageId,
    )
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// What a member holds on a page: the role, and the rights of the personal network (NET-2). A
/// beheerder holds every right on top of what is stored for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    pub role: Role,
    pub rights: Rights,
    /// Who granted the rights (the inviter, or the beheerder who changed them last); `None`
    /// for a page's creator and for rights from before this was kept.
    pub granted_by: Option<AccountId>,
    /// When the grant ends, if it does: from then on the member holds no rights.
    pub until: Option<OffsetDateTime>,
}

impl Membership {
    /// The membership as it stands at `now`: a grant whose end has come holds no rights any
    /// more, even before the housekeeping round has emptied it.
    pub fn as_of(self, now: OffsetDateTime) -> Membership {
        match self.until {
            Some(until) if until <= now => Membership {
                rights: Rights::NONE,
                ..self
            },
            _ => self,
        }
    }

    /// The rights that decide what the member may open.
    pub fn effective_rights(self) -> Rights {
        match self.role {
            Role::Beheerder => Rights::preset(Preset::Everything),
            Role::Lid => self.rights,
        }
    }
}

/// The page with `id` and the role `account` has on it, if the page exists in this tenant and
/// the account is a member; `None` otherwise (the caller cannot tell which).
pub async fn access(
    tx: &mut TenantTx,
    id: CarePageId,
    account: AccountId,
) -> Result<Option<(CarePage, Membership)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT p.id AS "id: CarePageId", p.for_whom AS "for_whom: ForWhom", p.client_name,
                  p.birth_date, p.client_record_id AS "client_record_id: ClientRecordId",
                  p.created_by AS "created_by: AccountId", p.created_at, m.role AS "role: Role",
                  m.rights, m.rights_granted_by AS "rights_granted_by: AccountId",
                  m.rights_until
             FROM care_pages p
             JOIN care_page_members m ON m.care_page_id = p.id AND m.account_id = $2
            WHERE p.id = $1 AND p.deleted_at IS NULL"#,
        id as CarePageId,
        account as AccountId,
    )
    .fetch_optional(tx.conn())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let rights = Rights::from_keys(&row.rights).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    let page = CarePage {
        id: row.id,
        for_whom: row.for_whom,
        client_name: row.client_name,
        birth_date: row.birth_date,
        client_record_id: row.client_record_id,
        created_by: row.created_by,
        created_at: row.created_at,
    };
    Ok(Some((
        page,
        Membership {
            role: row.role,
            rights,
            granted_by: row.rights_granted_by,
            until: row.rights_until,
        },
    )))
}

/// A member as the page's administration list shows them.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub account_id: AccountId,
    pub name: String,
    pub role: Role,
}

/// A member as Connecties shows them (NET-4): who, how to reach them, and what they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkMember {
    pub account_id: AccountId,
    pub name: String,
    pub email: String,
    pub membership: Membership,
}

/// Every member of the page for Connecties, beheerders first, then by name.
pub async fn network(
    tx: &mut TenantTx,
    page: CarePageId,
) -> Result<Vec<NetworkMember>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT m.account_id AS "account_id: AccountId", a.name, a.email,
                  m.role AS "role: Role", m.rights,
                  m.rights_granted_by AS "rights_granted_by: AccountId", m.rights_until
             FROM care_page_members m
             JOIN platform.accounts a ON a.id = m.account_id
            WHERE m.care_page_id = $1
            ORDER BY m.role = 'beheerder' DESC, a.name, m.account_id"#,
        page as CarePageId,
    )
    .fetch_all(tx.conn())
    .await?;
    rows.into_iter()
        .map(|row| {
            let rights =
                Rights::from_keys(&row.rights).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            Ok(NetworkMember {
                account_id: row.account_id,
                name: row.name,
                email: row.email,
                membership: Membership {
                    role: row.role,
                    rights,
                    granted_by: row.rights_granted_by,
                    until: row.rights_until,
                },
            })
        })
        .collect()
}

/// Every member of the page, beheerders first, then by name.
pub async fn members(tx: &mut TenantTx, page: CarePageId) -> Result<Vec<Member>, sqlx::Error> {
    Ok(network(tx, page)
        .await?
        .into_iter()
        .map(|m| Member {
            account_id: m.account_id,
            name: m.name,
            role: m.membership.role,
        })
        .collect())
}

/// Ends `account`'s membership of `page`, here and in the platform's index of pages. The
/// caller decides whether it may (the last beheerder stays).
pub async fn end_membership(
    tx: &mut TenantTx,
    page: CarePageId,
    account: AccountId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "DELETE FROM care_page_members WHERE care_page_id = $1 AND account_id = $2",
        page as CarePageId,
        account as AccountId,
    )
    .execute(tx.conn())
    .await?;
    sqlx::query!(
        "DELETE FROM platform.care_page_memberships WHERE care_page_id = $1 AND account_id = $2",
        page as CarePageId,
        account as AccountId,
    )
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Locks the page's row: changes that could leave a page without a beheerder (taking rights
/// away, removing a member) take turns, so two of them cannot both pass the check.
pub async fn lock_for_beheerders(tx: &mut TenantTx, page: CarePageId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "SELECT id FROM care_pages WHERE id = $1 FOR UPDATE",
        page as CarePageId,
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(())
}

/// Refuses with [`CarePageError::LastBeheerder`] when the page has one beheerder left: someone
/// must keep administering it (CP-3). Call after [`lock_for_beheerders`].
pub async fn refuse_last_beheerder(
    tx: &mut TenantTx,
    page: CarePageId,
) -> Result<(), CarePageError> {
    let beheerders = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM care_page_members
            WHERE care_page_id = $1 AND role = 'beheerder'"#,
        page as CarePageId,
    )
    .fetch_one(tx.conn())
    .await?;
    if beheerders <= 1 {
        return Err(CarePageError::LastBeheerder);
    }
    Ok(())
}

/// Grants or takes away beheerrechten (CP-3). Taking them from the last beheerder fails with
/// [`CarePageError::LastBeheerder`]; the page row is locked so two beheerders removing each
/// other at once cannot both succeed.
pub async fn set_role(
    tx: &mut TenantTx,
    page: CarePageId,
    actor: AccountId,
    member: AccountId,
    role: Role,
    now: OffsetDateTime,
) -> Result<(), CarePageError> {
    lock_for_beheerders(tx, page).await?;
    let current = sqlx::query_scalar!(
        r#"SELECT role AS "role: Role" FROM care_page_members
            WHERE care_page_id = $1 AND account_id = $2"#,
        page as CarePageId,
        member as AccountId,
    )
    .fetch_optional(tx.conn())
    .await?;
    let Some(current) = current else {
        return Err(CarePageError::NotMember);
    };
    if current == role {
        return Ok(());
    }
    if current == Role::Beheerder {
        refuse_last_beheerder(tx, page).await?;
    }
    sqlx::query!(
        "UPDATE care_page_members SET role = $3 WHERE care_page_id = $1 AND account_id = $2",
        page as CarePageId,
        member as AccountId,
        role as Role,
    )
    .execute(tx.conn())
    .await?;
    sqlx::query!(
        "UPDATE platform.care_page_memberships SET role = $3
          WHERE care_page_id = $1 AND account_id = $2",
        page as CarePageId,
        member as AccountId,
        role as Role,
    )
    .execute(tx.conn())
    .await?;
    audit(
        tx,
        actor,
        "care_page.role_changed",
        serde_json::json!({ "care_page": page.0, "member": member.0, "role": role.as_str() }),
        now,
    )
    .await?;
    Ok(())
}

/// The client's general data a beheerder may change (CP-5).
#[derive(Debug, Clone)]
pub struct ProfileChange {
    pub client_name: PersonName,
    pub birth_date: BirthDate,
}

/// Stores the profile; the switcher's name follows in the platform's index.
pub async fn update_profile(
    tx: &mut TenantTx,
    page: CarePageId,
    actor: AccountId,
    change: &ProfileChange,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE care_pages SET client_name = $2, birth_date = $3, updated_at = $4 WHERE id = $1",
        page as CarePageId,
        change.client_name.as_str(),
        change.birth_date.date(),
        now,
    )
    .execute(tx.conn())
    .await?;
    sqlx::query!(
        "UPDATE platform.care_page_memberships SET display_name = $2 WHERE care_page_id = $1",
        page as CarePageId,
        change.client_name.as_str(),
    )
    .execute(tx.conn())
    .await?;
    audit(
        tx,
        actor,
        "care_page.profile_changed",
        serde_json::json!({ "care_page": page.0 }),
        now,
    )
    .await
}

/// Deletes the page (CP-7). It leaves every member's switcher at once. A page linked to the
/// organisation's client record keeps its member list, marked deleted, so the members who were
/// not removed first come back when the record is activated again; an unlinked page is removed
/// with its members.
pub async fn delete(
    tx: &mut TenantTx,
    page: &CarePage,
    actor: AccountId,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "DELETE FROM platform.care_page_memberships WHERE care_page_id = $1",
        page.id as CarePageId,
    )
    .execute(tx.conn())
    .await?;
    if page.client_record_id.is_some() {
        sqlx::query!(
            "UPDATE care_pages SET deleted_at = $2, updated_at = $2 WHERE id = $1",
            page.id as CarePageId,
            now,
        )
        .execute(tx.conn())
        .await?;
    } else {
        sqlx::query!(
            "DELETE FROM care_pages WHERE id = $1",
            page.id as CarePageId
        )
        .execute(tx.conn())
        .await?;
    }
    audit(
        tx,
        actor,
        "care_page.deleted",
        serde_json::json!({ "care_page": page.id.0, "linked": page.client_record_id.is_some() }),
        now,
    )
    .await
}

/// Brings back a linked page that was deleted (CP-7) when its client record is activated
/// again: the members who were not removed first come back as they were (accounts deleted in
/// the meantime stay out), and the person activating it joins as beheerder.
pub async fn restore(
    tx: &mut TenantTx,
    page: CarePageId,
    activator: AccountId,
    now: OffsetDateTime,
) -> Result<(), CarePageError> {
    sqlx::query!(
        "UPDATE care_pages SET deleted_at = NULL, updated_at = $2 WHERE id = $1",
        page as CarePageId,
        now,
    )
    .execute(tx.conn())
    .await?;
    let tenant = tenant_id(tx).await?;
    sqlx::query!(
        "INSERT INTO platform.care_page_memberships
           (account_id, tenant_id, care_page_id, display_name, is_self, role, created_at)
         SELECT m.account_id, $2, p.id, p.client_name,
                p.for_whom = 'self' AND p.created_by = m.account_id, m.role, $3
           FROM care_page_members m
           JOIN care_pages p ON p.id = m.care_page_id
           JOIN platform.accounts a ON a.id = m.account_id
          WHERE p.id = $1
         ON CONFLICT (account_id, care_page_id) DO NOTHING",
        page as CarePageId,
        tenant as TenantId,
        now,
    )
    .execute(tx.conn())
    .await?;
    add_member(tx, page, activator, Role::Beheerder, Rights::NONE, now).await?;
    audit(
        tx,
        activator,
        "care_page.restored",
        serde_json::json!({ "care_page": page.0 }),
        now,
    )
    .await?;
    Ok(())
}

/// A deleted page linked to `client_record` that can come back (the newest, if several), unless
/// its creator has made a new page for themselves since (one "Voor mijzelf" page each).
pub async fn restorable(
    tx: &mut TenantTx,
    client_record: ClientRecordId,
) -> Result<Option<CarePageId>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT p.id AS "id: CarePageId" FROM care_pages p
          WHERE p.client_record_id = $1 AND p.deleted_at IS NOT NULL
            AND NOT (p.for_whom = 'self' AND EXISTS (
                  SELECT 1 FROM care_pages q
                   WHERE q.created_by = p.created_by AND q.for_whom = 'self'
                     AND q.deleted_at IS NULL))
          ORDER BY p.deleted_at DESC
          LIMIT 1"#,
        client_record as ClientRecordId,
    )
    .fetch_optional(tx.conn())
    .await
}

/// One entry of the "Ik zorg voor" switcher.
#[derive(Debug, Clone, Serialize)]
pub struct SwitcherEntry {
    pub care_page_id: CarePageId,
    pub tenant_id: TenantId,
    pub tenant_slug: String,
    pub tenant_name: String,
    pub display_name: String,
    pub is_self: bool,
    pub role: Role,
}

/// Every care page `account` belongs to, on every portal: own pages ("Voor mijzelf") first,
/// then by name. Reads the platform's index only.
pub async fn pages_of(
    db: impl PgExecutor<'_>,
    account: AccountId,
) -> Result<Vec<SwitcherEntry>, sqlx::Error> {
    sqlx::query_as!(
        SwitcherEntry,
        r#"SELECT m.care_page_id AS "care_page_id: CarePageId", m.tenant_id AS "tenant_id: TenantId",
                  t.slug AS tenant_slug, t.display_name AS tenant_name,
                  m.display_name, m.is_self, m.role AS "role: Role"
             FROM platform.care_page_memberships m
             JOIN platform.tenants t ON t.id = m.tenant_id
            WHERE m.account_id = $1
            ORDER BY m.is_self DESC, lower(m.display_name), t.display_name, m.created_at"#,
        account as AccountId,
    )
    .fetch_all(db)
    .await
}

/// "AdV" from "Anna de Vries": the first letter of the first and the last word, upper case.
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let first = words.first().and_then(|w| w.chars().next());
    let last = if words.len() > 1 {
        words.last().and_then(|w| w.chars().next())
    } else {
        None
    };
    first
        .into_iter()
        .chain(last)
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2025 - 06 - 15);

    fn page(linked: bool) -> CarePage {
        CarePage {
            id: CarePageId(Uuid::nil()),
            for_whom: ForWhom::SomeoneElse,
            client_name: "Anna de Vries".into(),
            birth_date: date!(1940 - 01 - 01),
            client_record_id: linked.then(|| ClientRecordId(Uuid::nil())),
            created_by: AccountId(Uuid::nil()),
            created_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn the_next_step_follows_the_link_and_the_role() {
        assert_eq!(
            NextStep::for_member(&page(false), Role::Beheerder),
            NextStep::Activate
        );
        assert_eq!(
            NextStep::for_member(&page(false), Role::Lid),
            NextStep::AskBeheerder
        );
        for role in [Role::Beheerder, Role::Lid] {
            assert_eq!(
                NextStep::for_member(&page(true), role),
                NextStep::CheckProfile
            );
        }
    }

    #[test]
    fn birth_dates_are_day_month_year_and_not_in_the_future() {
        assert_eq!(
            BirthDate::parse("03-02-1950", TODAY).unwrap().date(),
            date!(1950 - 02 - 03)
        );
        assert_eq!(
            BirthDate::parse(" 3-2-1950 ", TODAY).unwrap().date(),
            date!(1950 - 02 - 03)
        );
        assert_eq!(BirthDate::parse("15-06-2025", TODAY).unwrap().date(), TODAY);
        assert_eq!(
            BirthDate::parse("16-06-2025", TODAY),
            Err("care-birth-date-future")
        );
        assert_eq!(BirthDate::parse("", TODAY), Err("care-birth-date-missing"));
        for bad in [
            "31-02-1950",
            "1950-02-03",
            "03-13-1950",
            "abc",
            "01-01-1850",
        ] {
            assert_eq!(
                BirthDate::parse(bad, TODAY),
                Err("care-birth-date-invalid"),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_form_names_each_problem_by_field() {
        let problems = NewCarePage::parse(
            &NewCarePageForm {
                for_whom: "iemand-anders",
                client_name: " ",
                birth_date: "01-01-2999",
                consent: false,
            },
            "Jan Jansen",
            TODAY,
        )
        .unwrap_err();
        assert_eq!(
            problems,
            [
                ("client_name", "care-client-name-missing"),
                ("birth_date", "care-birth-date-future"),
                ("consent", "care-consent-missing"),
            ]
        );
        let mine = NewCarePage::parse(
            &NewCarePageForm {
                for_whom: "mijzelf",
                client_name: "ignored",
                birth_date: "01-01-1940",
                consent: true,
            },
            "Jan Jansen",
            TODAY,
        )
        .unwrap();
        assert_eq!(mine.client_name.as_str(), "Jan Jansen");
        assert_eq!(mine.for_whom, ForWhom::Myself);
    }

    #[test]
    fn roles_read_as_templates_compare_them() {
        // The templates compare `member.role == 'beheerder'`: the serde form is the stored one.
        for role in [Role::Beheerder, Role::Lid] {
            assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
        }
    }

    #[test]
    fn initials_take_first_and_last_word() {
        assert_eq!(initials("Anna de Vries"), "AV");
        assert_eq!(initials("jan"), "J");
        assert_eq!(initials(""), "");
    }
}
