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

/// A phone number in E.164 (`+31612345678`), checked against the numbering plans of
/// libphonenumber's metadata. A number without a country code is read as a Dutch one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneNumber(String);

/// What kind of line a number is, as the numbering plan of its country says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineType {
    Mobile,
    FixedLine,
    /// The plan does not tell mobile and fixed apart (the United States, for one).
    FixedLineOrMobile,
    /// Internet telephony on a number of its own (NL 085 and 091).
    Voip,
    PremiumRate,
    SharedCost,
    /// Company and service numbers (NL 084, 087, 088 and 14xxx), freephone, personal numbers,
    /// voicemail access: no line of one person.
    Service,
    Pager,
}

impl PhoneNumber {
    /// Reads a number as typed ("06-1234 5678", "+32 470 12 34 56", "0049 30 1234567"); only a
    /// number that is valid in its country's numbering plan passes.
    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let parsed = phonenumber::parse(Some(phonenumber::country::NL), raw.trim())
            .map_err(|_| InputError::Phone)?;
        if parsed.extension().is_some() || !parsed.is_valid() {
            return Err(InputError::Phone);
        }
        let e164 = parsed.format().mode(phonenumber::Mode::E164).to_string();
        Ok(Self(e164))
    }

    /// A number as stored (E.164, checked when it was entered). Only the shape is checked, so a
    /// number that a later edition of the numbering plans no longer knows keeps working.
    pub fn from_stored(stored: &str) -> Result<Self, InputError> {
        let digits = stored.strip_prefix('+').ok_or(InputError::Phone)?;
        let shape_ok = (8..=15).contains(&digits.len())
            && digits.chars().all(|c| c.is_ascii_digit())
            && !digits.starts_with('0');
        if shape_ok {
            Ok(Self(stored.to_owned()))
        } else {
            Err(InputError::Phone)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn parsed(&self) -> Option<phonenumber::PhoneNumber> {
        phonenumber::parse(None, &self.0).ok()
    }

    /// The country the number belongs to (ISO 3166 code, "NL"), if the plans know it.
    pub fn country(&self) -> Option<String> {
        let id = self.parsed()?.country().id()?;
        Some(id.as_ref().to_owned())
    }

    /// The kind of line, if the numbering plan of its country knows the number.
    pub fn line_type(&self) -> Option<LineType> {
        use phonenumber::Type;
        let parsed = self.parsed()?;
        Some(match parsed.number_type(&phonenumber::metadata::DATABASE) {
            Type::Mobile => LineType::Mobile,
            Type::FixedLine => LineType::FixedLine,
            Type::FixedLineOrMobile => LineType::FixedLineOrMobile,
            Type::Voip => LineType::Voip,
            Type::PremiumRate => LineType::PremiumRate,
            Type::SharedCost => LineType::SharedCost,
            Type::Pager => LineType::Pager,
            Type::TollFree
            | Type::PersonalNumber
            | Type::Uan
            | Type::Voicemail
            | Type::Emergency
            | Type::ShortCode
            | Type::StandardRate
            | Type::Carrier
            | Type::NoInternational => LineType::Service,
            Type::Unknown => return None,
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
        let number = PhoneNumber::from_stored(self.phone.as_deref()?).ok()?;
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
    fn phone_numbers_become_e164_and_know_their_line() {
        let mobile = PhoneNumber::parse("06-1234 5678").unwrap();
        assert_eq!(mobile.as_str(), "+31612345678");
        assert_eq!(mobile.line_type(), Some(LineType::Mobile));
        assert_eq!(mobile.country().as_deref(), Some("NL"));
        let landline = PhoneNumber::parse("(020) 123 45 67").unwrap();
        assert_eq!(landline.as_str(), "+31201234567");
        assert_eq!(landline.line_type(), Some(LineType::FixedLine));
        let german = PhoneNumber::parse("0049 30 1234567").unwrap();
        assert_eq!(german.as_str(), "+49301234567");
        assert_eq!(german.country().as_deref(), Some("DE"));
        assert_eq!(
            PhoneNumber::parse("+32 470 12 34 56").unwrap().as_str(),
            "+32470123456"
        );
        for bad in [
            "",
            "12345",
            "06-123",
            "+31 6 1234 56789",
            "06-abcdefgh",
            "+0123456789",
            "06 12345678 ext. 12",
            "0612345678 of 0687654321",
        ] {
            assert_eq!(PhoneNumber::parse(bad), Err(InputError::Phone), "{bad}");
        }
        assert_eq!(mobile.masked(), "••••••••78");
        assert_eq!(
            PhoneNumber::from_stored("+31612345678").unwrap(),
            mobile,
            "a stored number reads back as itself"
        );
        assert!(PhoneNumber::from_stored("0612345678").is_err());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(PersonName::parse(" Jan ").unwrap().as_str(), "Jan");
        assert!(PersonName::parse("   ").is_err());
        assert!(PersonName::parse(&"a".repeat(121)).is_err());
        assert!(PersonName::parse("Jan\u{0007}").is_err());
    }
}
