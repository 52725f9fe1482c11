//! Tenant administration (TEN-2 … TEN-4, API-2), free of HTTP: who holds the tenant-admin role,
//! the invitations that hand it out, the organisation's branding and its settings.
//!
//! The role and the branding live in the platform schema (they belong to the tenant row);
//! the settings live in the tenant's own schema: call those inside a [`TenantTx`].
//!
//! [`TenantTx`]: crate::tenancy::TenantTx

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgExecutor};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::accounts::secrets::{hash_token, Token};
use crate::accounts::{AccountId, EmailAddress};
use crate::i18n::Language;
use crate::outbox::{self, Event, Message, Recipient};
use crate::tenancy::{Color, Tenant};

// ---------------------------------------------------------------------------------------------
// The role

/// Gives `account` the tenant-admin role for `tenant` (idempotent).
pub async fn grant(
    db: impl PgExecutor<'_>,
    tenant: Uuid,
    account: AccountId,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO platform.tenant_admins (tenant_id, account_id, granted_at)
         VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(tenant)
    .bind(account)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Takes the role away again; true when the account held it.
pub async fn revoke(
    db: impl PgExecutor<'_>,
    tenant: Uuid,
    account: AccountId,
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("DELETE FROM platform.tenant_admins WHERE tenant_id = $1 AND account_id = $2")
            .bind(tenant)
            .bind(account)
            .execute(db)
            .await?;
    Ok(done.rows_affected() > 0)
}

/// Whether `account` holds the tenant-admin role for `tenant` (and for no other tenant: the
/// role is per organisation).
pub async fn is_admin(
    db: impl PgExecutor<'_>,
    tenant: Uuid,
    account: AccountId,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM platform.tenant_admins
                         WHERE tenant_id = $1 AND account_id = $2)",
    )
    .bind(tenant)
    .bind(account)
    .fetch_one(db)
    .await
}

/// One holder of the role, as the admin list shows it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AdminEntry {
    pub account_id: AccountId,
    pub name: String,
    pub email: String,
    pub granted_at: OffsetDateTime,
}

/// Everyone who administers `tenant`, oldest grant first.
pub async fn admins(db: impl PgExecutor<'_>, tenant: Uuid) -> Result<Vec<AdminEntry>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id AS account_id, a.name, a.email, t.granted_at
           FROM platform.tenant_admins t JOIN platform.accounts a ON a.id = t.account_id
          WHERE t.tenant_id = $1
          ORDER BY t.granted_at, a.name",
    )
    .bind(tenant)
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
    tenant: Uuid,
    account: AccountId,
) -> Result<Result<(), RevokeError>, sqlx::Error> {
    let holders: Vec<Uuid> = sqlx::query_scalar(
        "SELECT account_id FROM platform.tenant_admins WHERE tenant_id = $1 FOR UPDATE",
    )
    .bind(tenant)
    .fetch_all(&mut *conn)
    .await?;
    if !holders.contains(&account.0) {
        return Ok(Err(RevokeError::NotAnAdmin));
    }
    if holders.len() == 1 {
        return Ok(Err(RevokeError::LastAdmin));
    }
    revoke(&mut *conn, tenant, account).await?;
    Ok(Ok(()))
}

// ---------------------------------------------------------------------------------------------
// Invitations

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
    conn: &mut PgConnection,
    tenant: Uuid,
    email: &EmailAddress,
    now: OffsetDateTime,
) -> Result<Token, sqlx::Error> {
    let token = Token::generate();
    sqlx::query(
        "INSERT INTO platform.tenant_admin_invitations
           (token_hash, tenant_id, email, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&token.hash)
    .bind(tenant)
    .bind(email.as_str())
    .bind(now)
    .bind(now + INVITATION_LIFETIME)
    .execute(&mut *conn)
    .await?;
    Ok(token)
}

/// The tenant, the invited address, the expiry and the moment of use.
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
        link: format!("{portal_url}/beheerder-worden?token={}", token.value),
    };
    let to = Recipient::Email {
        address: email.as_str().to_owned(),
        name: None,
    };
    let event = Event::notification(&tenant.slug, now, to, Language::Nl, message);
    outbox::write(conn, &event).await
}

/// An invitation not used yet, as the admin list shows it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OpenInvitation {
    pub email: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// The invitations of `tenant` that can still be used, newest first.
pub async fn open_invitations(
    db: impl PgExecutor<'_>,
    tenant: Uuid,
    now: OffsetDateTime,
) -> Result<Vec<OpenInvitation>, sqlx::Error> {
    sqlx::query_as(
        "SELECT email, created_at, expires_at FROM platform.tenant_admin_invitations
          WHERE tenant_id = $1 AND used_at IS NULL AND expires_at > $2
          ORDER BY created_at DESC",
    )
    .bind(tenant)
    .bind(now)
    .fetch_all(db)
    .await
}

type InvitationRow = (Uuid, String, OffsetDateTime, Option<OffsetDateTime>);

/// Whether the invitation can be used by the account with address `email`: only the address
/// it was sent to can use it, so a forwarded or intercepted link makes nobody an admin.
fn judge(
    row: Option<InvitationRow>,
    tenant: Uuid,
    email: &str,
    now: OffsetDateTime,
) -> Result<(), InvitationError> {
    match row {
        None => Err(InvitationError::Unknown),
        // An invitation of another organisation opens nothing here.
        Some((owner, ..)) if owner != tenant => Err(InvitationError::Unknown),
        Some((_, _, _, Some(_))) => Err(InvitationError::Used),
        Some((_, _, expires, None)) if expires <= now => Err(InvitationError::Expired),
        Some((_, invited, ..)) if !invited.eq_ignore_ascii_case(email) => {
            Err(InvitationError::OtherAddress)
        }
        Some(_) => Ok(()),
    }
}

/// Whether `token` is an invitation for `tenant` that the account with address `email` can
/// use; changes nothing.
pub async fn peek_invitation(
    db: impl PgExecutor<'_>,
    tenant: Uuid,
    token: &str,
    email: &str,
    now: OffsetDateTime,
) -> Result<Result<(), InvitationError>, sqlx::Error> {
    let row: Option<InvitationRow> = sqlx::query_as(
        "SELECT tenant_id, email, expires_at, used_at FROM platform.tenant_admin_invitations
         WHERE token_hash = $1",
    )
    .bind(hash_token(token))
    .fetch_optional(db)
    .await?;
    Ok(judge(row, tenant, email, now))
}

/// Uses the invitation up and gives `account` (whose address is `email`) the role, in the
/// caller's transaction; of two concurrent uses only one succeeds.
pub async fn accept_invitation(
    conn: &mut PgConnection,
    tenant: Uuid,
    token: &str,
    account: AccountId,
    email: &str,
    now: OffsetDateTime,
) -> Result<Result<(), InvitationError>, sqlx::Error> {
    let row: Option<InvitationRow> = sqlx::query_as(
        "SELECT tenant_id, email, expires_at, used_at FROM platform.tenant_admin_invitations
         WHERE token_hash = $1 FOR UPDATE",
    )
    .bind(hash_token(token))
    .fetch_optional(&mut *conn)
    .await?;
    let verdict = judge(row, tenant, email, now);
    if verdict.is_ok() {
        sqlx::query(
            "UPDATE platform.tenant_admin_invitations SET used_at = $2, used_by = $3
             WHERE token_hash = $1",
        )
        .bind(hash_token(token))
        .bind(now)
        .bind(account)
        .execute(&mut *conn)
        .await?;
        grant(&mut *conn, tenant, account, now).await?;
    }
    Ok(verdict)
}

// ---------------------------------------------------------------------------------------------
// Branding (TEN-3)

pub const DISPLAY_NAME_MAX: usize = 120;
pub const WELCOME_TEXT_MAX: usize = 2000;
pub const SUPPORT_URL_MAX: usize = 300;
/// WCAG 2.2 AA for normal text.
pub const MIN_CONTRAST: f64 = 4.5;
/// The largest logo we take.
pub const LOGO_MAX_BYTES: usize = 2 * 1024 * 1024;

/// The branding form as it arrived, before checking.
#[derive(Debug, Clone, Default)]
pub struct BrandingForm<'a> {
    pub display_name: &'a str,
    pub primary_color: &'a str,
    pub accent_color: &'a str,
    pub support_phone: &'a str,
    pub support_email: &'a str,
    pub support_url: &'a str,
    pub welcome_text: &'a str,
}

/// Checked branding, ready to store.
#[derive(Debug, Clone)]
pub struct BrandingUpdate {
    pub display_name: String,
    pub primary_color: Color,
    pub accent_color: Color,
    pub support_phone: Option<String>,
    pub support_email: Option<EmailAddress>,
    pub support_url: Option<String>,
    pub welcome_text: Option<String>,
}

/// Trimmed text of at most `max` characters without control characters (line breaks allowed
/// where `multiline`); `None` when it breaks a rule.
fn clean_text(raw: &str, max: usize, multiline: bool) -> Option<String> {
    let text = raw.trim().replace("\r\n", "\n");
    let allowed = |c: char| !c.is_control() || (multiline && (c == '\n' || c == '\t'));
    (text.chars().count() <= max && text.chars().all(allowed)).then_some(text)
}

fn optional(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

/// A phone number as people write it: digits with spaces, dashes, brackets and a leading +.
fn phone_ok(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    (6..=15).contains(&digits)
        && phone.len() <= 30
        && phone.chars().enumerate().all(|(i, c)| {
            c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')') || (c == '+' && i == 0)
        })
}

/// An absolute web address: https (or http), a host, nothing that breaks out of an attribute.
fn url_ok(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host = rest.and_then(|r| r.split(['/', '?', '#']).next());
    host.is_some_and(|h| h.contains('.') && !h.starts_with('.'))
        && url.len() <= SUPPORT_URL_MAX
        && url
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\'' | '<' | '>' | '\\' | '`'))
}

/// The colour a link in this colour appears on: the page background.
fn page_background() -> Color {
    Color::parse("#ffffff").unwrap_or_else(|_| unreachable!("a valid colour literal"))
}

/// Checks a colour used as a background with white or black text on it. The primary colour is
/// also the colour of links and outlined buttons on the white page, so it must read on white.
fn check_color(
    raw: &str,
    readable_on_white: bool,
    field: &'static str,
    problems: &mut Vec<(&'static str, &'static str)>,
) -> Option<Color> {
    let Ok(color) = Color::parse(raw) else {
        problems.push((field, "admin-color-invalid"));
        return None;
    };
    if color.contrast(&color.readable_text()) < MIN_CONTRAST {
        problems.push((field, "admin-color-contrast-text"));
        return None;
    }
    if readable_on_white && color.contrast(&page_background()) < MIN_CONTRAST {
        problems.push((field, "admin-color-contrast-white"));
        return None;
    }
    Some(color)
}

impl BrandingUpdate {
    /// Checks every field; on failure, the catalogue key of each problem by field.
    pub fn parse(form: &BrandingForm<'_>) -> Result<Self, Vec<(&'static str, &'static str)>> {
        let mut problems = Vec::new();
        let display_name =
            clean_text(form.display_name, DISPLAY_NAME_MAX, false).filter(|n| !n.is_empty());
        if display_name.is_none() {
            problems.push(("display_name", "admin-display-name-invalid"));
        }
        let primary = check_color(form.primary_color, true, "primary_color", &mut problems);
        let accent = check_color(form.accent_color, false, "accent_color", &mut problems);

        let phone = form.support_phone.trim();
        if !phone.is_empty() && !phone_ok(phone) {
            problems.push(("support_phone", "admin-phone-invalid"));
        }
        let email = form.support_email.trim();
        let support_email = if email.is_empty() {
            None
        } else {
            match EmailAddress::parse(email) {
                Ok(address) => Some(address),
                Err(_) => {
                    problems.push(("support_email", "admin-email-invalid"));
                    None
                }
            }
        };
        let url = form.support_url.trim();
        if !url.is_empty() && !url_ok(url) {
            problems.push(("support_url", "admin-url-invalid"));
        }
        let welcome = clean_text(form.welcome_text, WELCOME_TEXT_MAX, true);
        if welcome.is_none() {
            problems.push(("welcome_text", "admin-welcome-invalid"));
        }
        match (display_name, primary, accent, welcome) {
            (Some(display_name), Some(primary_color), Some(accent_color), Some(welcome))
                if problems.is_empty() =>
            {
                Ok(Self {
                    display_name,
                    primary_color,
                    accent_color,
                    support_phone: optional(phone.to_owned()),
                    support_email,
                    support_url: optional(url.to_owned()),
                    welcome_text: optional(welcome),
                })
            }
            _ => Err(problems),
        }
    }
}

/// The statement part that moves the tenant's version on, so cached pages and the theme
/// stylesheet are renewed (strictly later, even within one millisecond).
const BUMP_VERSION: &str = "updated_at = greatest(now(), updated_at + interval '1 millisecond')";

/// Stores the branding; every process reloads the tenant (the table's trigger notifies them).
pub async fn update_branding(
    db: impl PgExecutor<'_>,
    tenant: Uuid,
    update: &BrandingUpdate,
) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "UPDATE platform.tenants
            SET display_name = $2, primary_color = $3, accent_color = $4, support_phone = $5,
                support_email = $6, support_url = $7, welcome_text = $8, {BUMP_VERSION}
          WHERE id = $1"
    ))
    .bind(tenant)
    .bind(&update.display_name)
    .bind(update.primary_color.as_str())
    .bind(update.accent_color.as_str())
    .bind(&update.support_phone)
    .bind(update.support_email.as_ref().map(EmailAddress::as_str))
    .bind(&update.support_url)
    .bind(&update.welcome_text)
    .execute(db)
    .await?;
    Ok(())
}

/// Points the tenant at a new logo (or none); returns the key of the logo it replaces, whose
/// object the caller has removed.
pub async fn set_logo(
    conn: &mut PgConnection,
    tenant: Uuid,
    key: Option<&str>,
) -> Result<Option<String>, sqlx::Error> {
    let old: Option<Option<String>> =
        sqlx::query_scalar("SELECT logo_key FROM platform.tenants WHERE id = $1 FOR UPDATE")
            .bind(tenant)
            .fetch_optional(&mut *conn)
            .await?;
    sqlx::query(&format!(
        "UPDATE platform.tenants SET logo_key = $2, {BUMP_VERSION} WHERE id = $1"
    ))
    .bind(tenant)
    .bind(key)
    .execute(&mut *conn)
    .await?;
    Ok(old.flatten().filter(|old| Some(old.as_str()) != key))
}

/// Why a logo cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LogoProblem {
    #[error("no file chosen")]
    Missing,
    #[error("file too large")]
    TooLarge,
    #[error("not a PNG, JPEG or WebP image")]
    WrongType,
}

impl LogoProblem {
    pub fn code(self) -> &'static str {
        match self {
            LogoProblem::Missing => "admin-logo-missing",
            LogoProblem::TooLarge => "admin-logo-too-large",
            LogoProblem::WrongType => "admin-logo-wrong-type",
        }
    }
}

/// Checks a logo by its content (not its name or declared type); returns its MIME type.
pub fn check_logo(bytes: &[u8]) -> Result<&'static str, LogoProblem> {
    if bytes.is_empty() {
        return Err(LogoProblem::Missing);
    }
    if bytes.len() > LOGO_MAX_BYTES {
        return Err(LogoProblem::TooLarge);
    }
    match infer::get(bytes).map(|t| t.mime_type()) {
        Some("image/png") => Ok("image/png"),
        Some("image/jpeg") => Ok("image/jpeg"),
        Some("image/webp") => Ok("image/webp"),
        _ => Err(LogoProblem::WrongType),
    }
}

// ---------------------------------------------------------------------------------------------
// Settings (TEN-4)

/// The measurement types the dossier can show (DOS-5).
pub const MEASUREMENT_TYPES: &[&str] = &[
    "weight",
    "blood_pressure",
    "blood_sugar",
    "heart_rate",
    "temperature",
    "oxygen_saturation",
];

pub const ACTIVATION_WEEKS_DEFAULT: u32 = 6;
pub const ACTIVATION_WEEKS_MAX: u32 = 52;

/// The organisation's switches, kept in its own `settings` table under one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TenantSettings {
    /// CAL-5: clients may make their own appointments visible to the organisation.
    pub client_appointments_visible: bool,
    /// MSG-4: messaging with the organisation opens only after staff wrote first.
    pub messaging_after_staff_first: bool,
    /// DOS-6: documents are shared with clients.
    pub documents_shared: bool,
    /// DOS-3: reports are shown from this date on (all when `None`).
    pub reports_from: Option<Date>,
    /// DOS-5: which measurement types are shown.
    pub measurement_types: Vec<String>,
    /// CP-2: how many weeks an activation code stays valid.
    pub activation_code_weeks: u32,
}

impl Default for TenantSettings {
    fn default() -> Self {
        Self {
            client_appointments_visible: true,
            messaging_after_staff_first: false,
            documents_shared: true,
            reports_from: None,
            measurement_types: MEASUREMENT_TYPES.iter().map(|t| (*t).to_owned()).collect(),
            activation_code_weeks: ACTIVATION_WEEKS_DEFAULT,
        }
    }
}

const SETTINGS_KEY: &str = "portal";

/// The settings form as it arrived.
#[derive(Debug, Clone, Default)]
pub struct SettingsForm<'a> {
    pub client_appointments_visible: bool,
    pub messaging_after_staff_first: bool,
    pub documents_shared: bool,
    /// `yyyy-mm-dd` (an HTML date field) or empty.
    pub reports_from: &'a str,
    pub measurement_types: Vec<&'a str>,
    pub activation_code_weeks: &'a str,
}

impl TenantSettings {
    pub fn parse(form: &SettingsForm<'_>) -> Result<Self, Vec<(&'static str, &'static str)>> {
        let mut problems = Vec::new();
        let raw_date = form.reports_from.trim();
        let reports_from = if raw_date.is_empty() {
            None
        } else {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            match Date::parse(raw_date, &format) {
                Ok(date) => Some(date),
                Err(_) => {
                    problems.push(("reports_from", "admin-settings-date-invalid"));
                    None
                }
            }
        };
        let mut types = Vec::new();
        for raw in &form.measurement_types {
            match MEASUREMENT_TYPES.iter().find(|t| **t == *raw) {
                Some(known) if !types.iter().any(|t: &String| t == known) => {
                    types.push((*known).to_owned());
                }
                Some(_) => {}
                None => {
                    problems.push(("measurement_types", "admin-settings-measurement-invalid"));
                    break;
                }
            }
        }
        let weeks = form.activation_code_weeks.trim().parse::<u32>().ok();
        let weeks = weeks.filter(|w| (1..=ACTIVATION_WEEKS_MAX).contains(w));
        if weeks.is_none() {
            problems.push(("activation_code_weeks", "admin-settings-weeks-invalid"));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Self {
            client_appointments_visible: form.client_appointments_visible,
            messaging_after_staff_first: form.messaging_after_staff_first,
            documents_shared: form.documents_shared,
            reports_from,
            measurement_types: types,
            activation_code_weeks: weeks.unwrap_or(ACTIVATION_WEEKS_DEFAULT),
        })
    }

    /// How long an activation code stays valid.
    pub fn activation_code_validity(&self) -> Duration {
        Duration::from_secs(u64::from(self.activation_code_weeks) * 7 * 24 * 3600)
    }
}

/// The organisation's settings (the defaults until an admin saved them). `conn` must be a
/// tenant transaction.
pub async fn settings(conn: &mut PgConnection) -> Result<TenantSettings, sqlx::Error> {
    let value: Option<serde_json::Value> =
        sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(SETTINGS_KEY)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(value
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default())
}

/// Stores the organisation's settings. `conn` must be a tenant transaction.
pub async fn save_settings(
    conn: &mut PgConnection,
    settings: &TenantSettings,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    let value = serde_json::to_value(settings).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query(
        "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(SETTINGS_KEY)
    .bind(value)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Deleting a tenant (TEN-2)

#[derive(Debug, thiserror::Error)]
pub enum DeleteError {
    #[error("tenant {0} does not exist")]
    NotFound(String),
    #[error(transparent)]
    Storage(#[from] crate::storage::StorageError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// What deleting a tenant removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deleted {
    pub objects: usize,
}

/// Removes a tenant for good: every object under its key prefix, its schema, and its platform
/// rows (hosts, admins, invitations go with it). Nothing of another tenant is touched: objects
/// are found by the `<slug>/` prefix and the schema by the slug's own name.
///
/// Profile photos are the exception: they are stored under the account's home tenant, but the
/// account is platform-wide and goes on using other portals, so a photo an account still points
/// at (and its resized copy) stays.
pub async fn delete_tenant(
    db: &sqlx::PgPool,
    storage: &crate::storage::ObjectStore,
    slug: &crate::tenancy::TenantSlug,
) -> Result<Deleted, DeleteError> {
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM platform.tenants WHERE slug = $1)")
            .bind(slug.as_str())
            .fetch_one(db)
            .await?;
    if !exists {
        return Err(DeleteError::NotFound(slug.to_string()));
    }
    let photos: Vec<String> = sqlx::query_scalar(
        "SELECT k FROM platform.accounts, LATERAL (VALUES (photo_key), (photo_upload_key)) AS v (k)
          WHERE starts_with(k, $1)",
    )
    .bind(format!("{}/", slug.as_str()))
    .fetch_all(db)
    .await?;
    let in_use = |raw: &str| {
        photos.iter().any(|photo| {
            raw == photo
                || raw
                    .strip_prefix(photo.as_str())
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    };
    let mut removed = 0;
    for raw in storage.list_tenant(slug).await? {
        if in_use(&raw) {
            continue;
        }
        if let Some(key) = crate::storage::ObjectKey::existing(slug, &raw) {
            storage.delete(&key).await?;
            removed += 1;
        }
    }
    let mut tx = db.begin().await?;
    sqlx::query(&format!(
        "DROP SCHEMA IF EXISTS \"{}\" CASCADE",
        slug.schema_name()
    ))
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM platform.tenants WHERE slug = $1")
        .bind(slug.as_str())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Deleted { objects: removed })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form<'a>(primary: &'a str, accent: &'a str) -> BrandingForm<'a> {
        BrandingForm {
            display_name: " Zorggroep De Linde ",
            primary_color: primary,
            accent_color: accent,
            support_phone: "030 - 123 45 67",
            support_email: "zorg@delinde.example",
            support_url: "https://delinde.example/contact",
            welcome_text: "Welkom!\r\nFijn dat je er bent.",
        }
    }

    #[test]
    fn good_branding_is_trimmed_and_kept() {
        let update = BrandingUpdate::parse(&form("#1D4F91", "#e07a10")).unwrap();
        assert_eq!(update.display_name, "Zorggroep De Linde");
        assert_eq!(update.primary_color.as_str(), "#1d4f91");
        assert_eq!(
            update.welcome_text.as_deref(),
            Some("Welkom!\nFijn dat je er bent.")
        );
        assert_eq!(update.support_phone.as_deref(), Some("030 - 123 45 67"));
    }

    #[test]
    fn colours_need_the_format_and_enough_contrast() {
        let problems = BrandingUpdate::parse(&form("red", "#e07a1")).unwrap_err();
        assert_eq!(
            problems,
            [
                ("primary_color", "admin-color-invalid"),
                ("accent_color", "admin-color-invalid")
            ]
        );
        // Yellow is fine behind black text, but links in yellow on white are unreadable.
        let problems = BrandingUpdate::parse(&form("#ffd700", "#ffd700")).unwrap_err();
        assert_eq!(problems, [("primary_color", "admin-color-contrast-white")]);
    }

    #[test]
    fn contact_details_are_checked() {
        let mut bad = form("#1d4f91", "#e07a10");
        bad.support_phone = "bel ons";
        bad.support_email = "geen-adres";
        bad.support_url = "javascript:alert(1)";
        bad.display_name = " ";
        let fields: Vec<&str> = BrandingUpdate::parse(&bad)
            .unwrap_err()
            .iter()
            .map(|(f, _)| *f)
            .collect();
        assert_eq!(
            fields,
            [
                "display_name",
                "support_phone",
                "support_email",
                "support_url"
            ]
        );
        assert!(!url_ok("https://x.example/\"onmouseover=1"));
        assert!(url_ok("http://intranet.example"));
    }

    #[test]
    fn logos_are_checked_by_content() {
        let png = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0];
        assert_eq!(check_logo(&png), Ok("image/png"));
        assert_eq!(check_logo(b"<svg></svg>"), Err(LogoProblem::WrongType));
        assert_eq!(check_logo(b""), Err(LogoProblem::Missing));
        assert_eq!(
            check_logo(&vec![0; LOGO_MAX_BYTES + 1]),
            Err(LogoProblem::TooLarge)
        );
    }

    #[test]
    fn settings_default_to_six_weeks_and_check_their_fields() {
        assert_eq!(TenantSettings::default().activation_code_weeks, 6);
        let ok = TenantSettings::parse(&SettingsForm {
            documents_shared: true,
            reports_from: "2024-01-31",
            measurement_types: vec!["weight", "weight", "blood_sugar"],
            activation_code_weeks: "8",
            ..SettingsForm::default()
        })
        .unwrap();
        assert_eq!(ok.measurement_types, ["weight", "blood_sugar"]);
        assert_eq!(
            ok.activation_code_validity(),
            Duration::from_secs(56 * 86400)
        );
        assert!(!ok.client_appointments_visible);
        let problems = TenantSettings::parse(&SettingsForm {
            reports_from: "31-01-2024",
            measurement_types: vec!["shoe_size"],
            activation_code_weeks: "0",
            ..SettingsForm::default()
        })
        .unwrap_err();
        assert_eq!(problems.len(), 3);
    }
}
