//! Employees who sign in. The tenant admin invites an employee by e-mail, bound to the
//! employee's address; the account with that address that accepts signs in as the employee
//! from then on, with the ordinary sign-in (password and second factor). The admin can take
//! the sign-in away again.

use std::time::Duration;

use serde::Serialize;
use time::OffsetDateTime;

use crate::accounts::{AccountId, EmailAddress};
use crate::audit::trail;
use crate::infra::crypto::{hash_token, Token};
use crate::infra::i18n::Language;
use crate::infra::outbox::{self, Event, Message, Recipient};
use crate::infra::tenancy::TenantTx;
use crate::organisation::employees::EmployeeId;

/// How long an invitation can be used.
pub const INVITATION_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);

/// The employee an account signs in as, on this tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffMember {
    pub employee: EmployeeId,
    pub name: String,
    pub role: String,
    pub photo_key: Option<String>,
}

/// The employee `account` signs in as in this tenant, if any.
pub async fn staff_member(
    tx: &mut TenantTx,
    account: AccountId,
) -> Result<Option<StaffMember>, sqlx::Error> {
    sqlx::query_as!(
        StaffMember,
        r#"SELECT id AS "employee: EmployeeId", name, role, photo_key
             FROM employees WHERE account_id = $1"#,
        account as AccountId,
    )
    .fetch_optional(tx.conn())
    .await
}

/// Why an invitation cannot be used; each has its catalogue key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StaffInvitationError {
    #[error("the invitation is unknown")]
    Unknown,
    #[error("the invitation has expired")]
    Expired,
    #[error("the invitation was used already")]
    Used,
    #[error("the invitation is for another e-mail address")]
    OtherAddress,
    #[error("the account signs in as another employee already")]
    OtherEmployee,
}

impl StaffInvitationError {
    pub fn code(self) -> &'static str {
        match self {
            StaffInvitationError::Unknown => "staff-invite-unknown",
            StaffInvitationError::Expired => "staff-invite-expired",
            StaffInvitationError::Used => "staff-invite-used",
            StaffInvitationError::OtherAddress => "staff-invite-other-address",
            StaffInvitationError::OtherEmployee => "staff-invite-other-employee",
        }
    }
}

/// Sets `email` as the employee's address and sends them an invitation to sign in; an earlier
/// open invitation of the employee stops working. `portal_url` is where the link leads.
pub async fn invite(
    tx: &mut TenantTx,
    actor: AccountId,
    employee: EmployeeId,
    email: &EmailAddress,
    portal_url: &str,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    let name = sqlx::query_scalar!(
        "UPDATE employees SET email = $2, updated_at = $3 WHERE id = $1 RETURNING name",
        employee as EmployeeId,
        email.as_str(),
        now,
    )
    .fetch_optional(tx.conn())
    .await?;
    let Some(name) = name else {
        return Ok(false);
    };
    sqlx::query!(
        "UPDATE staff_invitations SET expires_at = $2
          WHERE employee_id = $1 AND used_at IS NULL AND expires_at > $2",
        employee as EmployeeId,
        now,
    )
    .execute(tx.conn())
    .await?;
    let token = Token::generate();
    sqlx::query!(
        "INSERT INTO staff_invitations (token_hash, employee_id, email, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
        &token.hash,
        employee as EmployeeId,
        email.as_str(),
        now,
        now + INVITATION_LIFETIME,
    )
    .execute(tx.conn())
    .await?;
    let detail = serde_json::json!({ "employee": employee.0, "email": email.as_str() });
    trail::record(tx, actor, "staff.invited", detail, now).await?;
    let message = Message::StaffInvitation {
        name,
        link: format!("{portal_url}/medewerker-worden?token={}", token.value).into(),
    };
    let to = Recipient::Email {
        address: email.as_str().to_owned(),
        name: None,
    };
    let tenant = tx.tenant().clone();
    let event = Event::notification(&tenant, now, to, Language::Nl, message);
    outbox::write(tx.conn(), &event).await?;
    Ok(true)
}

struct InvitationRow {
    employee_id: EmployeeId,
    email: String,
    expires_at: OffsetDateTime,
    used_at: Option<OffsetDateTime>,
}

fn judge(
    row: Option<&InvitationRow>,
    email: &str,
    now: OffsetDateTime,
) -> Result<EmployeeId, StaffInvitationError> {
    let row = row.ok_or(StaffInvitationError::Unknown)?;
    if row.used_at.is_some() {
        return Err(StaffInvitationError::Used);
    }
    if row.expires_at <= now {
        return Err(StaffInvitationError::Expired);
    }
    // Only the address it was sent to can use it: a forwarded link makes nobody staff.
    if !row.email.eq_ignore_ascii_case(email) {
        return Err(StaffInvitationError::OtherAddress);
    }
    Ok(row.employee_id)
}

/// The invitation behind `token`, locked until the transaction ends, so of two uses at once
/// the second sees the first's.
async fn invitation_row(
    tx: &mut TenantTx,
    token: &str,
) -> Result<Option<InvitationRow>, sqlx::Error> {
    sqlx::query_as!(
        InvitationRow,
        r#"SELECT employee_id AS "employee_id: EmployeeId", email, expires_at, used_at
             FROM staff_invitations WHERE token_hash = $1 FOR UPDATE"#,
        hash_token(token),
    )
    .fetch_optional(tx.conn())
    .await
}

/// Whether the account with address `email` can use `token`, and the employee's name; changes
/// nothing.
pub async fn peek(
    tx: &mut TenantTx,
    token: &str,
    email: &str,
    now: OffsetDateTime,
) -> Result<Result<String, StaffInvitationError>, sqlx::Error> {
    let row = invitation_row(tx, token).await?;
    let employee = match judge(row.as_ref(), email, now) {
        Ok(employee) => employee,
        Err(problem) => return Ok(Err(problem)),
    };
    let name = sqlx::query_scalar!(
        "SELECT name FROM employees WHERE id = $1",
        employee as EmployeeId
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(name.ok_or(StaffInvitationError::Unknown))
}

/// Uses the invitation up: `account` signs in as its employee from now on. Of two concurrent
/// uses only one succeeds.
pub async fn accept(
    tx: &mut TenantTx,
    token: &str,
    account: AccountId,
    email: &str,
    now: OffsetDateTime,
) -> Result<Result<EmployeeId, StaffInvitationError>, sqlx::Error> {
    let row = invitation_row(tx, token).await?;
    let employee = match judge(row.as_ref(), email, now) {
        Ok(employee) => employee,
        Err(problem) => return Ok(Err(problem)),
    };
    let elsewhere = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM employees
                           WHERE account_id = $1 AND id <> $2) AS "exists!""#,
        account as AccountId,
        employee as EmployeeId,
    )
    .fetch_one(tx.conn())
    .await?;
    if elsewhere {
        return Ok(Err(StaffInvitationError::OtherEmployee));
    }
    sqlx::query!(
        "UPDATE staff_invitations SET used_at = $2, used_by = $3 WHERE token_hash = $1",
        hash_token(token),
        now,
        account as AccountId,
    )
    .execute(tx.conn())
    .await?;
    sqlx::query!(
        "UPDATE employees SET account_id = $2, updated_at = $3 WHERE id = $1",
        employee as EmployeeId,
        account as AccountId,
        now,
    )
    .execute(tx.conn())
    .await?;
    let detail = serde_json::json!({ "employee": employee.0, "account": account.0 });
    trail::record(tx, account, "staff.granted", detail, now).await?;
    Ok(Ok(employee))
}

/// The employee's sign-in as the admin list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInState {
    /// Never invited, or the sign-in was taken away.
    None,
    Invited,
    Active,
}

/// Whether `employee` signs in, is invited, or neither; and the address used.
pub async fn sign_in_state(
    tx: &mut TenantTx,
    employee: EmployeeId,
    now: OffsetDateTime,
) -> Result<(SignInState, Option<String>), sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT e.email, e.account_id IS NOT NULL AS "active!",
                  EXISTS (SELECT 1 FROM staff_invitations i
                           WHERE i.employee_id = e.id AND i.used_at IS NULL
                             AND i.expires_at > $2) AS "invited!"
             FROM employees e WHERE e.id = $1"#,
        employee as EmployeeId,
        now,
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(match row {
        None => (SignInState::None, None),
        Some(row) if row.active => (SignInState::Active, row.email),
        Some(row) if row.invited => (SignInState::Invited, row.email),
        Some(row) => (SignInState::None, row.email),
    })
}

/// Takes the sign-in away: the account no longer opens the staff side, open invitations stop
/// working.
pub async fn revoke(
    tx: &mut TenantTx,
    actor: AccountId,
    employee: EmployeeId,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE employees SET account_id = NULL, updated_at = $2 WHERE id = $1",
        employee as EmployeeId,
        now,
    )
    .execute(tx.conn())
    .await?;
    sqlx::query!(
        "UPDATE staff_invitations SET expires_at = $2
          WHERE employee_id = $1 AND used_at IS NULL AND expires_at > $2",
        employee as EmployeeId,
        now,
    )
    .execute(tx.conn())
    .await?;
    let detail = serde_json::json!({ "employee": employee.0 });
    trail::record(tx, actor, "staff.revoked", detail, now).await
}
