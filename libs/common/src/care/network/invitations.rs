//! Invitations to a care page's personal network (NET-1, NET-3): a beheerder invites a name
//! and an e-mail address with a choice of rights; the link in the e-mail lets exactly that
//! address join, within 3 days. A resend makes a new link (the old one dies) and 3 new days;
//! a withdrawn or used link opens nothing. What is not accepted is removed after about a month.

use std::time::Duration;

use serde::Serialize;
use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::accounts::{AccountId, EmailAddress, PersonName};
use crate::care::network::members::{
    grant_end, record_change, schedule_grant_end, Change, NetworkChange, Subject,
};
use crate::care::page::{self as care_page, CarePageError, CarePageId, Role};
use crate::care::rights::{Preset, Right, Rights};
use crate::infra::crypto::{hash_token, Token};
use crate::infra::i18n::Language;
use crate::infra::outbox::{self, Event, Job};
use crate::infra::tenancy::{in_every_tenant, TenancyError, TenantTx};

/// How long an invitation's link can be used (NET-3).
pub const VALID_FOR: Duration = Duration::from_secs(3 * 24 * 3600);
/// How long an invitation that was not accepted is kept (NET-3: "ongeveer een maand").
pub const KEPT_FOR: Duration = Duration::from_secs(30 * 24 * 3600);
/// The longest personal message.
const MESSAGE_MAX: usize = 1_000;

crate::typed_id! {
    /// The id of an invitation to a care page's network.
    pub struct InvitationId;
}

/// The invite form as it came in (N20–N27): the rights as a preset, or as switches.
#[derive(Debug, Clone, Default)]
pub struct InviteForm<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub language: &'a str,
    pub message: &'a str,
    /// `niets`, `basis`, `alles`, or `eigen` (the switches decide); empty: no choice made.
    pub access: &'a str,
    /// The keys of the switches that are on (`Right::key`).
    pub switches: Vec<&'a str>,
    /// The last day of the grant (`jjjj-mm-dd`), or empty for a grant without end.
    pub until: &'a str,
}

/// A checked invite form.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub name: PersonName,
    pub email: EmailAddress,
    pub language: Language,
    pub message: Option<String>,
    pub rights: Rights,
    /// When the grant ends, if it does.
    pub until: Option<OffsetDateTime>,
}

/// The rights an invite form chose: a preset, or the switches as they stand. `None` when the
/// form made no choice; `Err` with the catalogue key when the switches break a dependency.
pub fn chosen_rights(access: &str, switches: &[&str]) -> Option<Result<Rights, &'static str>> {
    let preset = match access {
        "niets" => Some(Preset::Nothing),
        "basis" => Some(Preset::Basic),
        "alles" => Some(Preset::Everything),
        "eigen" => None,
        _ => return None,
    };
    if let Some(preset) = preset {
        return Some(Ok(Rights::preset(preset)));
    }
    let rights: Option<Vec<Right>> = switches.iter().map(|key| Right::from_key(key)).collect();
    Some(match rights {
        None => Err("invite-rights-unknown"),
        Some(rights) => Rights::new(rights).map_err(|_| "invite-rights-dependency"),
    })
}

impl NewInvitation {
    /// Checks the form (`today` in the Netherlands, for the end of the grant); on failure, the
    /// catalogue key of each problem by field.
    pub fn parse(
        form: &InviteForm<'_>,
        today: time::Date,
    ) -> Result<Self, Vec<(&'static str, &'static str)>> {
        let mut problems = Vec::new();
        let name = PersonName::parse(form.name)
            .map_err(|_| problems.push(("name", "invite-name-missing")))
            .ok();
        let email = EmailAddress::parse(form.email)
            .map_err(|_| problems.push(("email", "invite-email-invalid")))
            .ok();
        let language = Language::parse(form.language);
        if language.is_none() {
            problems.push(("language", "invite-language-missing"));
        }
        let message = form.message.trim();
        if message.chars().count() > MESSAGE_MAX {
            problems.push(("message", "invite-message-too-long"));
        }
        let until = grant_end(form.until, today)
            .map_err(|code| problems.push(("tot", code)))
            .ok()
            .flatten();
        let rights = match chosen_rights(form.access, &form.switches) {
            None => {
                problems.push(("access", "invite-access-missing"));
                None
            }
            Some(Err(code)) => {
                problems.push(("access", code));
                None
            }
            Some(Ok(rights)) => Some(rights),
        };
        match (name, email, language, rights) {
            (Some(name), Some(email), Some(language), Some(rights)) if problems.is_empty() => {
                Ok(Self {
                    name,
                    email,
                    language,
                    message: (!message.is_empty()).then(|| message.to_owned()),
                    rights,
                    until,
                })
            }
            _ => Err(problems),
        }
    }
}

/// Why an invitation cannot be used (each with its catalogue key for the page that says so).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvitationError {
    #[error("the invitation is unknown")]
    Unknown,
    #[error("the invitation has expired")]
    Expired,
    #[error("the invitation was used already")]
    Used,
    #[error("the invitation was withdrawn")]
    Withdrawn,
    #[error("the invitation is for another e-mail address")]
    OtherAddress,
}

impl InvitationError {
    pub fn code(self) -> &'static str {
        match self {
            InvitationError::Unknown => "invitation-unknown",
            InvitationError::Expired => "invitation-expired",
            InvitationError::Used => "invitation-used",
            InvitationError::Withdrawn => "invitation-withdrawn",
            InvitationError::OtherAddress => "invitation-other-address",
        }
    }
}

/// Why a beheerder's invitation was not made.
#[derive(Debug, thiserror::Error)]
pub enum InviteError {
    #[error("the address belongs to a member of the page already")]
    AlreadyMember,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// An invitation as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Invitation {
    pub id: InvitationId,
    pub care_page: CarePageId,
    pub name: String,
    pub email: String,
    pub language: Language,
    pub message: Option<String>,
    #[serde(skip)]
    pub rights: Rights,
    pub until: Option<OffsetDateTime>,
    pub invited_by: AccountId,
    pub sent_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub state: InvitationState,
}

/// Where an invitation stands, as Connecties shows it (N08, N09).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationState {
    Pending,
    Expired,
    Accepted,
    Withdrawn,
}

struct InvitationRow {
    id: Uuid,
    care_page_id: Uuid,
    name: String,
    email: String,
    language: String,
    message: Option<String>,
    rights: Vec<String>,
    rights_until: Option<OffsetDateTime>,
    invited_by: Uuid,
    sent_at: OffsetDateTime,
    expires_at: OffsetDateTime,
    state: String,
}

impl InvitationRow {
    fn into_invitation(self, now: OffsetDateTime) -> Result<Invitation, sqlx::Error> {
        let rights =
            Rights::from_keys(&self.rights).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        let state = match self.state.as_str() {
            "accepted" => InvitationState::Accepted,
            "withdrawn" => InvitationState::Withdrawn,
            _ if self.expires_at <= now => InvitationState::Expired,
            _ => InvitationState::Pending,
        };
        Ok(Invitation {
            id: InvitationId(self.id),
            care_page: CarePageId(self.care_page_id),
            name: self.name,
            email: self.email,
            language: Language::parse(&self.language).unwrap_or_default(),
            message: self.message,
            rights,
            until: self.rights_until,
            invited_by: AccountId(self.invited_by),
            sent_at: self.sent_at,
            expires_at: self.expires_at,
            state,
        })
    }
}

/// Makes an invitation to `page` from `by` and returns it with the token for its link. An open
/// invitation to the same address is replaced (its link dies).
pub async fn invite(
    tx: &mut TenantTx,
    page: CarePageId,
    by: AccountId,
    new: &NewInvitation,
    now: OffsetDateTime,
) -> Result<(Invitation, Token), InviteError> {
    let email = new.email.as_str().to_lowercase();
    let member = sqlx::query_scalar!(
        r#"SELECT EXISTS (
             SELECT 1 FROM care_page_members m JOIN platform.accounts a ON a.id = m.account_id
              WHERE m.care_page_id = $1 AND lower(a.email) = $2) AS "member!""#,
        page as CarePageId,
        email,
    )
    .fetch_one(tx.conn())
    .await?;
    if member {
        return Err(InviteError::AlreadyMember);
    }
    sqlx::query!(
        "UPDATE network_invitations SET state = 'withdrawn', answered_at = $3
          WHERE care_page_id = $1 AND email = $2 AND state = 'pending'",
        page as CarePageId,
        email,
        now,
    )
    .execute(tx.conn())
    .await?;
    let token = Token::generate();
    let id = InvitationId(Uuid::now_v7());
    let keys: Vec<String> = new.rights.keys().into_iter().map(str::to_owned).collect();
    sqlx::query!(
        "INSERT INTO network_invitations (id, care_page_id, name, email, language, message,
                                          rights, rights_until, invited_by, token_hash,
                                          created_at, sent_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $12, $8, $9, $10, $10, $11)",
        id as InvitationId,
        page as CarePageId,
        new.name.as_str(),
        email,
        new.language.code(),
        new.message,
        &keys,
        by as AccountId,
        &token.hash,
        now,
        now + VALID_FOR,
        new.until,
    )
    .execute(tx.conn())
    .await?;
    schedule_removal(tx, now).await?;
    let change = NetworkChange {
        page,
        actor: by,
        subject: Subject {
            account: None,
            name: new.name.as_str(),
        },
        change: Change::Invited,
        rights: Some(new.rights),
        role: None,
    };
    record_change(tx, &change, now).await?;
    let invitation = Invitation {
        id,
        care_page: page,
        name: new.name.as_str().to_owned(),
        email,
        language: new.language,
        message: new.message.clone(),
        rights: new.rights,
        until: new.until,
        invited_by: by,
        sent_at: now,
        expires_at: now + VALID_FOR,
        state: InvitationState::Pending,
    };
    Ok((invitation, token))
}

/// The invitations of `page` that Connecties lists: open and expired ones, newest first.
/// Accepted ones show as members; withdrawn ones are gone for the beheerder.
pub async fn of_page(
    tx: &mut TenantTx,
    page: CarePageId,
    now: OffsetDateTime,
) -> Result<Vec<Invitation>, sqlx::Error> {
    let rows = sqlx::query_as!(
        InvitationRow,
        "SELECT id, care_page_id, name, email, language, message, rights, rights_until, invited_by,
                sent_at, expires_at, state
           FROM network_invitations
          WHERE care_page_id = $1 AND state = 'pending'
          ORDER BY sent_at DESC, id",
        page as CarePageId,
    )
    .fetch_all(tx.conn())
    .await?;
    rows.into_iter()
        .map(|row| row.into_invitation(now))
        .collect()
}

/// The invitation behind a link's token, whatever its state.
async fn by_token(
    tx: &mut TenantTx,
    token: &str,
    now: OffsetDateTime,
    lock: bool,
) -> Result<Option<Invitation>, sqlx::Error> {
    let hash = hash_token(token);
    let row = if lock {
        sqlx::query_as!(
            InvitationRow,
            "SELECT id, care_page_id, name, email, language, message, rights, rights_until,
                    invited_by, sent_at, expires_at, state
               FROM network_invitations WHERE token_hash = $1 FOR UPDATE",
            hash,
        )
        .fetch_optional(tx.conn())
        .await?
    } else {
        sqlx::query_as!(
            InvitationRow,
            "SELECT id, care_page_id, name, email, language, message, rights, rights_until,
                    invited_by, sent_at, expires_at, state
               FROM network_invitations WHERE token_hash = $1",
            hash,
        )
        .fetch_optional(tx.conn())
        .await?
    };
    row.map(|row| row.into_invitation(now)).transpose()
}

/// Whether the invitation can still be used, and by the account with address `email` (`None`:
/// nobody signed in yet, so only its state counts).
fn judge(invitation: &Invitation, email: Option<&str>) -> Result<(), InvitationError> {
    match invitation.state {
        InvitationState::Accepted => Err(InvitationError::Used),
        InvitationState::Withdrawn => Err(InvitationError::Withdrawn),
        InvitationState::Expired => Err(InvitationError::Expired),
        InvitationState::Pending => match email {
            Some(email) if !invitation.email.eq_ignore_ascii_case(email) => {
                Err(InvitationError::OtherAddress)
            }
            _ => Ok(()),
        },
    }
}

/// The invitation behind `token` and whether the account with address `email` could accept
/// it; changes nothing. `Err(Unknown)` when there is no such invitation.
pub async fn peek(
    tx: &mut TenantTx,
    token: &str,
    email: Option<&str>,
    now: OffsetDateTime,
) -> Result<Result<Invitation, (InvitationError, Option<Invitation>)>, sqlx::Error> {
    let Some(invitation) = by_token(tx, token, now, false).await? else {
        return Ok(Err((InvitationError::Unknown, None)));
    };
    Ok(
        match judge(&invitation, Some(email.unwrap_or(&invitation.email))) {
            Ok(()) => Ok(invitation),
            Err(error) => Err((error, Some(invitation))),
        },
    )
}

/// Uses the invitation behind `token` for `account` (whose address is `email`): makes them a
/// member with the invitation's rights, granted by the inviter. Of two concurrent uses, one
/// succeeds.
pub async fn accept(
    tx: &mut TenantTx,
    token: &str,
    account: AccountId,
    email: &str,
    now: OffsetDateTime,
) -> Result<Result<Invitation, InvitationError>, CarePageError> {
    let Some(invitation) = by_token(tx, token, now, true).await? else {
        return Ok(Err(InvitationError::Unknown));
    };
    if let Err(error) = judge(&invitation, Some(email)) {
        return Ok(Err(error));
    }
    sqlx::query!(
        "UPDATE network_invitations SET state = 'accepted', answered_at = $2, accepted_by = $3
          WHERE id = $1",
        invitation.id as InvitationId,
        now,
        account as AccountId,
    )
    .execute(tx.conn())
    .await?;
    let already = care_page::access(tx, invitation.care_page, account).await?;
    if already.is_none() {
        care_page::add_member(
            tx,
            invitation.care_page,
            account,
            Role::Lid,
            invitation.rights,
            now,
        )
        .await?;
        sqlx::query!(
            "UPDATE care_page_members SET rights_granted_by = $3, rights_until = $4
              WHERE care_page_id = $1 AND account_id = $2",
            invitation.care_page as CarePageId,
            account as AccountId,
            invitation.invited_by as AccountId,
            invitation.until,
        )
        .execute(tx.conn())
        .await?;
        if let Some(until) = invitation.until {
            schedule_grant_end(tx, until, now).await?;
        }
        let name = sqlx::query_scalar!(
            "SELECT name FROM platform.accounts WHERE id = $1",
            account as AccountId
        )
        .fetch_one(tx.conn())
        .await?;
        let change = NetworkChange {
            page: invitation.care_page,
            actor: account,
            subject: Subject {
                account: Some(account),
                name: &name,
            },
            change: Change::Joined,
            rights: Some(invitation.rights),
            role: Some(Role::Lid),
        };
        record_change(tx, &change, now).await?;
    }
    Ok(Ok(invitation))
}

/// Who sent an invitation and for whose page, as the invitation page and its e-mail name them.
#[derive(Debug, Clone, Serialize)]
pub struct About {
    pub inviter: String,
    pub client: String,
}

pub async fn about(tx: &mut TenantTx, invitation: &Invitation) -> Result<About, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT a.name AS inviter, p.client_name AS client
             FROM care_pages p, platform.accounts a
            WHERE p.id = $1 AND a.id = $2"#,
        invitation.care_page as CarePageId,
        invitation.invited_by as AccountId,
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(row.map_or_else(
        || About {
            inviter: String::new(),
            client: String::new(),
        },
        |row| About {
            inviter: row.inviter,
            client: row.client,
        },
    ))
}

/// Gives the open or expired invitation `id` of `page` a new link and 3 new days; the old link
/// dies. `None` when there is no such invitation to resend.
pub async fn resend(
    tx: &mut TenantTx,
    page: CarePageId,
    id: InvitationId,
    now: OffsetDateTime,
) -> Result<Option<(Invitation, Token)>, sqlx::Error> {
    let token = Token::generate();
    let row = sqlx::query_as!(
        InvitationRow,
        "UPDATE network_invitations SET token_hash = $3, sent_at = $4, expires_at = $5
          WHERE id = $1 AND care_page_id = $2 AND state = 'pending'
         RETURNING id, care_page_id, name, email, language, message, rights, rights_until,
                   invited_by, sent_at, expires_at, state",
        id as InvitationId,
        page as CarePageId,
        &token.hash,
        now,
        now + VALID_FOR,
    )
    .fetch_optional(tx.conn())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    schedule_removal(tx, now).await?;
    Ok(Some((row.into_invitation(now)?, token)))
}

/// Withdraws the open invitation `id` of `page`: its link opens nothing any more. Whether
/// there was one.
pub async fn withdraw(
    tx: &mut TenantTx,
    page: CarePageId,
    id: InvitationId,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    let withdrawn = sqlx::query!(
        "UPDATE network_invitations SET state = 'withdrawn', answered_at = $3
          WHERE id = $1 AND care_page_id = $2 AND state = 'pending'",
        id as InvitationId,
        page as CarePageId,
        now,
    )
    .execute(tx.conn())
    .await?;
    Ok(withdrawn.rows_affected() == 1)
}

/// Queues, with an invitation sent at `now`, the message that comes back when it is
/// [`KEPT_FOR`] old and removes it then if it was not accepted (with whatever else is old in
/// the tenant by then). It waits in RabbitMQ; the housekeeping round is the safety net.
async fn schedule_removal(tx: &mut TenantTx, now: OffsetDateTime) -> Result<(), sqlx::Error> {
    let event = Event::job(Some(tx.tenant().clone()), now, Job::RemoveOldInvitations);
    outbox::write(tx.conn(), &event.at(now + KEPT_FOR)).await
}

/// Removes the invitations that were not accepted and were sent [`KEPT_FOR`] ago or longer.
pub async fn remove_old(tx: &mut TenantTx, now: OffsetDateTime) -> Result<u64, sqlx::Error> {
    let removed = sqlx::query!(
        "DELETE FROM network_invitations WHERE state <> 'accepted' AND sent_at <= $1",
        now - KEPT_FOR,
    )
    .execute(tx.conn())
    .await?;
    Ok(removed.rows_affected())
}

/// [`remove_old`] in every tenant: the housekeeping round's safety net for invitations.
pub async fn remove_old_in_every_tenant(
    db: &PgPool,
    now: OffsetDateTime,
) -> Result<u64, TenancyError> {
    let removed = in_every_tenant(db, |tx| Box::pin(remove_old(tx, now))).await?;
    Ok(removed.into_iter().sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form<'a>(access: &'a str, switches: Vec<&'a str>) -> InviteForm<'a> {
        InviteForm {
            name: "Jan Jansen",
            email: "jan.jansen@example.org",
            language: "nl",
            message: "",
            access,
            switches,
            until: "",
        }
    }

    fn today() -> time::Date {
        time::macros::date!(2026 - 12 - 03)
    }

    #[test]
    fn a_choice_of_access_is_required_and_niets_is_a_choice() {
        let problems = NewInvitation::parse(&form("", vec![]), today()).unwrap_err();
        assert_eq!(problems, [("access", "invite-access-missing")]);
        let nothing = NewInvitation::parse(&form("niets", vec![]), today()).unwrap();
        assert_eq!(nothing.rights, Rights::NONE);
        let basic = NewInvitation::parse(&form("basis", vec![]), today()).unwrap();
        assert_eq!(basic.rights, Rights::preset(Preset::Basic));
    }

    #[test]
    fn switches_that_break_a_dependency_are_refused() {
        let problems =
            NewInvitation::parse(&form("eigen", vec!["plannen_goedkeuren"]), today()).unwrap_err();
        assert_eq!(problems, [("access", "invite-rights-dependency")]);
        let own = NewInvitation::parse(
            &form("eigen", vec!["dossier", "plannen_goedkeuren"]),
            today(),
        );
        assert!(own.unwrap().rights.contains(Right::DossierApprovePlans));
        let problems = NewInvitation::parse(&form("eigen", vec!["alles"]), today()).unwrap_err();
        assert_eq!(problems, [("access", "invite-rights-unknown")]);
    }

    #[test]
    fn name_address_and_language_are_required() {
        let mut empty = form("niets", vec![]);
        empty.name = " ";
        empty.email = "geen-adres";
        empty.language = "";
        let fields: Vec<&str> = NewInvitation::parse(&empty, today())
            .unwrap_err()
            .into_iter()
            .map(|(field, _)| field)
            .collect();
        assert_eq!(fields, ["name", "email", "language"]);
    }
}
