//! Invitations that hand out the tenant-admin role: by e-mail, bound to the invited address.

use std::time::Duration;

use serde::Serialize;
use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;

use crate::accounts::{AccountId, EmailAddress};
use crate::infra::crypto::{hash_token, Token};
use crate::infra::i18n::Language;
use crate::infra::outbox::{self, Event, Message, Recipient};
use crate::infra::tenancy::{Tenant, TenantId};

use super::admins::grant;

/// How long a tenant-admin invitation can be used.
pub const INVITATION_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);

/// Why an invitation cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvitationError {
    #[error("the invitation is unknown")]
    Unknown,
    #[error("the invitation has expired")]
    Expired,
    #[error("the invitation was used already")]
    Used,
    #[error("the invitation is for another e-mail address")]
    OtherAddress,
}

impl InvitationError {
    pub fn code(self) -> &'static str {
        match self {
            InvitationError::Unknown => "admin-invite-unknown",
            InvitationError::Expired => "admin-invite-expired",
            InvitationError::Used => "admin-invite-used",
            InvitationError::OtherAddress => "admin-invite-other-address",
        }
    }
}

/// A new single-use invitation for `email` to administer `tenant`; the token goes into the
/// e-mail, its hash into the table.
pub async fn invite(
    db: impl PgExecutor<'_>,
    tenant: TenantId,
    email: &EmailAddress,
    now: OffsetDateTime,
) -> Result<Token, sqlx::Error> {
    let token = Token::generate();
    sqlx::query!(
        "INSERT INTO platform.tenant_admin_invitations
           (token_hash, tenant_id, email, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
        &token.hash,
        tenant as TenantId,
        email.as_str(),
        now,
        now + INVITATION_LIFETIME,
    )
    .execute(db)
    .await?;
    Ok(token)
}

/// Makes an invitation for `email` and queues its e-mail, in the caller's transaction.
/// `portal_url` is `scheme://host` of the tenant's portal, where the link leads.
pub async fn invite_by_mail(
    conn: &mut PgConnection,
    tenant: &Tenant,
    email: &EmailAddress,
    portal_url: &str,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    let token = invite(&mut *conn, tenant.id, email, now).await?;
    let message = Message::TenantAdminInvitation {
        link: format!("{portal_url}/beheerder-worden?token={}", token.value).into(),
    };
    let to = Recipient::Email {
        address: email.as_str().to_owned(),
        name: None,
    };
    let event = Event::notification(&tenant.slug, now, to, Language::Nl, message);
    outbox::write(conn, &event).await
}

/// An invitation not used yet, as the admin list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct OpenInvitation {
    pub email: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// The invitations of `tenant` that can still be used, newest first.
pub async fn open_invitations(
    db: impl PgExecutor<'_>,
    tenant: TenantId,
    now: OffsetDateTime,
) -> Result<Vec<OpenInvitation>, sqlx::Error> {
    sqlx::query_as!(
        OpenInvitation,
        "SELECT email, created_at, expires_at FROM platform.tenant_admin_invitations
          WHERE tenant_id = $1 AND used_at IS NULL AND expires_at > $2
          ORDER BY created_at DESC",
        tenant as TenantId,
        now,
    )
    .fetch_all(db)
    .await
}

/// An invitation as stored: its tenant, the invited address, the expiry and the moment of use.
struct InvitationRow {
    tenant_id: TenantId,
    email: String,
    expires_at: OffsetDateTime,
    used_at: Option<OffsetDateTime>,
}

/// Whether the invitation can be used by the account with address `email`: only the address
/// it was sent to can use it, so a forwarded or intercepted link makes nobody an admin.
fn judge(
    row: Option<InvitationRow>,
    tenant: TenantId,
    email: &str,
    now: OffsetDateTime,
) -> Result<(), InvitationError> {
    match row {
        None => Err(InvitationError::Unknown),
        // An invitation of another organisation opens nothing here.
        Some(InvitationRow { tenant_id, .. }) if tenant_id != tenant => {
            Err(InvitationError::Unknown)
        }
        Some(InvitationRow {
            used_at: Some(_), ..
        }) => Err(InvitationError::Used),
        Some(InvitationRow {
            expires_at,
            used_at: None,
            ..
        }) if expires_at <= now => Err(InvitationError::Expired),
        Some(InvitationRow { email: invited, .. }) if !invited.eq_ignore_ascii_case(email) => {
            Err(InvitationError::OtherAddress)
        }
        Some(_) => Ok(()),
    }
}

/// Whether `token` is an invitation for `tenant` that the account with address `email` can
/// use; changes nothing.
pub async fn peek_invitation(
    db: impl PgExecutor<'_>,
    tenant: TenantId,
    token: &str,
    email: &str,
    now: OffsetDateTime,
) -> Result<Result<(), InvitationError>, sqlx::Error> {
    let row = sqlx::query_as!(
        InvitationRow,
        r#"SELECT tenant_id AS "tenant_id: TenantId", email, expires_at, used_at
             FROM platform.tenant_admin_invitations
            WHERE token_hash = $1"#,
        hash_token(token),
    )
    .fetch_optional(db)
    .await?;
    Ok(judge(row, tenant, email, now))
}

/// Uses the invitation up and gives `account` (whose address is `email`) the role, in the
/// caller's transaction; of two concurrent uses only one succeeds.
pub async fn accept_invitation(
    conn: &mut PgConnection,
    tenant: TenantId,
    token: &str,
    account: AccountId,
    email: &str,
    now: OffsetDateTime,
) -> Result<Result<(), InvitationError>, sqlx::Error> {
    let row = sqlx::query_as!(
        InvitationRow,
        r#"SELECT tenant_id AS "tenant_id: TenantId", email, expires_at, used_at
             FROM platform.tenant_admin_invitations
            WHERE token_hash = $1 FOR UPDATE"#,
        hash_token(token),
    )
    .fetch_optional(&mut *conn)
    .await?;
    let verdict = judge(row, tenant, email, now);
    if verdict.is_ok() {
        sqlx::query!(
            "UPDATE platform.tenant_admin_invitations SET used_at = $2, used_by = $3
             WHERE token_hash = $1",
            hash_token(token),
            now,
            account as AccountId,
        )
        .execute(&mut *conn)
        .await?;
        grant(&mut *conn, tenant, account, now).await?;
    }
    Ok(verdict)
}
