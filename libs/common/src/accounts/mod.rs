//! Accounts (ACC-1 … ACC-9): platform-wide, so one login works on every tenant's portal.
//!
//! Everything here is free of HTTP: the web service parses forms into these types, calls these
//! functions inside its transactions, and turns their errors into pages.

pub mod codes;
pub mod housekeeping;
pub mod links;
pub mod lockout;
pub mod password;
pub mod phone;
pub mod profile;
pub mod security_log;
pub mod sessions;

use serde::{Deserialize, Serialize};
use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::infra::i18n::Language;

crate::typed_id! {
    pub struct AccountId;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("invalid e-mail address")]
    Email,
    #[error("invalid name")]
    Name,
    #[error("invalid phone number")]
    Phone,
}

impl InputError {
    /// The catalogue text that explains the problem to the person.
    pub fn code(self) -> &'static str {
        match self {
            InputError::Email => "input-email-invalid",
            InputError::Name => "input-name-invalid",
            InputError::Phone => "input-phone-invalid",
        }
    }
}

/// An e-mail address as the person typed it (trimmed); compared without regard to case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let email = raw.trim();
        let valid = email.len() <= 254
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && match email.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && local.len() <= 64
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                        && !domain.contains("..")
                }
                None => false,
            };
        if valid {
            Ok(Self(email.to_owned()))
        } else {
            Err(InputError::Email)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Hides most of the address, as on the code page: "jan.jans…@email.com".
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.split_once('@').unwrap_or((&self.0, ""));
        let shown: String = local.chars().take(3).collect();
        format!("{shown}…@{domain}")
    }
}

/// A person's name as shown to others: 1 to 120 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let name = raw.trim();
        let length = name.chars().count();
        if (1..=120).contains(&length) && !name.chars().any(char::is_control) {
            Ok(Self(name.to_owned()))
        } else {
            Err(InputError::Name)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Stored as `mobile` or `landline`; an unknown stored kind fails to decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum PhoneKind {
    /// Codes arrive by SMS.
    Mobile,
    /// Codes arrive as a spoken voice call.
    Landline,
}

impl PhoneKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PhoneKind::Mobile => "mobile",
            PhoneKind::Landline => "landline",
        }
    }

    /// The kind a form field names.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "mobile" => Some(PhoneKind::Mobile),
            "landline" => Some(PhoneKind::Landline),
            _ => None,
        }
    }
}

/// A phone number in E.164 (`+31612345678`). Dutch numbers may be typed the Dutch way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let compact: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{a0}'))
            .collect();
        let digits = if let Some(rest) = compact.strip_prefix('+') {
            rest.to_owned()
        } else if let Some(rest) = compact.strip_prefix("00") {
            rest.to_owned()
        } else if let Some(rest) = compact.strip_prefix('0') {
            format!("31{rest}")
        } else {
            return Err(InputError::Phone);
        };
        let dutch_length_ok = !digits.starts_with("31") || digits.len() == 11;
        if digits.chars().all(|c| c.is_ascii_digit())
            && (8..=15).contains(&digits.len())
            && !digits.starts_with('0')
            && dutch_length_ok
        {
            Ok(Self(format!("+{digits}")))
        } else {
            Err(InputError::Phone)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Dutch mobile numbers start with 06; any other Dutch number is a landline. For numbers
    /// abroad the person says which it is.
    pub fn dutch_kind(&self) -> Option<PhoneKind> {
        let national = self.0.strip_prefix("+31")?;
        Some(if national.starts_with('6') {
            PhoneKind::Mobile
        } else {
            PhoneKind::Landline
        })
    }

    /// The last digits only, for "we sent a code to …78".
    pub fn masked(&self) -> String {
        let tail: String = self
            .0
            .chars()
            .rev()
            .take(2)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("••••••••{tail}")
    }
}

#[derive(Debug, Clone)]
pub struct Account {
    pub id: AccountId,
    pub email: String,
    pub name: String,
    pub language: Language,
    pub email_confirmed_at: Option<OffsetDateTime>,
    pub phone: Option<String>,
    pub phone_kind: Option<PhoneKind>,
    pub photo_key: Option<String>,
    pub home_tenant: Option<String>,
    pub created_at: OffsetDateTime,
    pub password_changed_at: OffsetDateTime,
}

impl Account {
    pub fn is_confirmed(&self) -> bool {
        self.email_confirmed_at.is_some()
    }

    /// The verified phone number and its kind, if any.
    pub fn phone(&self) -> Option<(PhoneNumber, PhoneKind)> {
        let number = PhoneNumber::parse(self.phone.as_deref()?).ok()?;
        let kind = self.phone_kind?;
        Some((number, kind))
    }

    pub fn email_address(&self) -> Option<EmailAddress> {
        EmailAddress::parse(&self.email).ok()
    }
}

/// What sign-up stores.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub email: EmailAddress,
    pub name: PersonName,
    pub password_hash: String,
    pub language: Language,
    pub home_tenant: String,
}

/// Creates the account, or returns `None` if the e-mail address already has one.
pub async fn create_account(
    db: impl PgExecutor<'_>,
    new: &NewAccount,
    now: OffsetDateTime,
) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query_as!(
        Account,
        r#"INSERT INTO platform.accounts
             (id, email, name, password_hash, language, home_tenant, created_at, password_changed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
           ON CONFLICT (lower(email)) DO NOTHING
           RETURNING id AS "id: AccountId", email, name, language AS "language: Language",
                     email_confirmed_at, phone, phone_kind AS "phone_kind: PhoneKind",
                     photo_key, home_tenant, created_at, password_changed_at"#,
        Uuid::now_v7(),
        new.email.as_str(),
        new.name.as_str(),
        new.password_hash,
        new.language as Language,
        new.home_tenant,
        now,
    )
    .fetch_optional(db)
    .await
}

pub async fn find_by_email(
    db: impl PgExecutor<'_>,
    email: &EmailAddress,
) -> Result<Option<(Account, String)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT id AS "id: AccountId", email, name, language AS "language: Language",
                  email_confirmed_at, phone, phone_kind AS "phone_kind: PhoneKind",
                  photo_key, home_tenant, created_at, password_changed_at, password_hash
             FROM platform.accounts WHERE lower(email) = lower($1)"#,
        email.as_str(),
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| {
        let account = Account {
            id: r.id,
            email: r.email,
            name: r.name,
            language: r.language,
            email_confirmed_at: r.email_confirmed_at,
            phone: r.phone,
            phone_kind: r.phone_kind,
            photo_key: r.photo_key,
            home_tenant: r.home_tenant,
            created_at: r.created_at,
            password_changed_at: r.password_changed_at,
        };
        (account, r.password_hash)
    }))
}

pub async fn find_by_id(
    db: impl PgExecutor<'_>,
    id: AccountId,
) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query_as!(
        Account,
        r#"SELECT id AS "id: AccountId", email, name, language AS "language: Language",
                  email_confirmed_at, phone, phone_kind AS "phone_kind: PhoneKind",
                  photo_key, home_tenant, created_at, password_changed_at
             FROM platform.accounts WHERE id = $1"#,
        id as AccountId,
    )
    .fetch_optional(db)
    .await
}

pub async fn password_hash(
    db: impl PgExecutor<'_>,
    id: AccountId,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT password_hash FROM platform.accounts WHERE id = $1",
        id as AccountId,
    )
    .fetch_optional(db)
    .await
}

pub async fn mark_email_confirmed(
    db: impl PgExecutor<'_>,
    id: AccountId,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE platform.accounts SET email_confirmed_at = coalesce(email_confirmed_at, $2)
         WHERE id = $1",
        id as AccountId,
        now,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Stores a new password hash. The caller ends the account's sessions in the same transaction.
pub async fn set_password_hash(
    db: impl PgExecutor<'_>,
    id: AccountId,
    hash: &str,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE platform.accounts SET password_hash = $2, password_changed_at = $3 WHERE id = $1",
        id as AccountId,
        hash,
        now,
    )
    .execute(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses_are_checked_and_trimmed() {
        assert_eq!(
            EmailAddress::parse("  Jan.Jansen@Email.com ")
                .unwrap()
                .as_str(),
            "Jan.Jansen@Email.com"
        );
        for bad in [
            "",
            "jan",
            "jan@",
            "@email.com",
            "jan@email",
            "jan jansen@email.com",
            "a@b@c.nl",
            "jan@.nl",
        ] {
            assert_eq!(EmailAddress::parse(bad), Err(InputError::Email), "{bad}");
        }
        assert_eq!(
            EmailAddress::parse("jan.jansen@email.com")
                .unwrap()
                .masked(),
            "jan…@email.com"
        );
    }

    #[test]
    fn dutch_phone_numbers_become_e164_and_know_their_kind() {
        let mobile = PhoneNumber::parse("06-1234 5678").unwrap();
        assert_eq!(mobile.as_str(), "+31612345678");
        assert_eq!(mobile.dutch_kind(), Some(PhoneKind::Mobile));
        let landline = PhoneNumber::parse("(020) 123 45 67").unwrap();
        assert_eq!(landline.as_str(), "+31201234567");
        assert_eq!(landline.dutch_kind(), Some(PhoneKind::Landline));
        assert_eq!(
            PhoneNumber::parse("0049 30 1234567").unwrap().as_str(),
            "+49301234567"
        );
        assert_eq!(
            PhoneNumber::parse("+49301234567").unwrap().dutch_kind(),
            None
        );
        for bad in [
            "",
            "12345",
            "06-123",
            "+31 6 1234 56789",
            "06-abcdefgh",
            "+0123456789",
        ] {
            assert_eq!(PhoneNumber::parse(bad), Err(InputError::Phone), "{bad}");
        }
        assert_eq!(mobile.masked(), "••••••••78");
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(PersonName::parse(" Jan ").unwrap().as_str(), "Jan");
        assert!(PersonName::parse("   ").is_err());
        assert!(PersonName::parse(&"a".repeat(121)).is_err());
        assert!(PersonName::parse("Jan\u{0007}").is_err());
    }
}
