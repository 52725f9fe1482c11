//! A phone number for sign-in codes (ACC-8): mobile (codes by SMS) or landline (codes read out
//! in a voice call).
//!
//! The number goes through three steps before it counts:
//! 1. the signed-in person types it: it is kept as a pending change and a single-use link is
//!    e-mailed to the account's address;
//! 2. the person opens the link and presses the button: the link is used up and a six-digit
//!    code goes to the new number;
//! 3. the person types the code: only then does the number become the account's number.
//!
//! A pending change can be cancelled at any moment; a verified number can be removed.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;

use super::codes::{self, Channel, CodeCheck, CodePurpose, CodeScope};
use super::links::{self, LinkError, LinkPurpose};
use super::{AccountId, LineType, PhoneKind, PhoneNumber};
use crate::infra::crypto::{ServerKey, Token};

/// A number waiting to be verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingChange {
    pub phone: PhoneNumber,
    pub kind: PhoneKind,
    /// When the link in the e-mail was used; from then on codes can be sent.
    pub link_opened_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

impl PendingChange {
    /// How the code travels to this number.
    pub fn channel(&self) -> Channel {
        channel_for(self.kind)
    }
}

pub fn channel_for(kind: PhoneKind) -> Channel {
    match kind {
        PhoneKind::Mobile => Channel::Sms,
        PhoneKind::Landline => Channel::Voice,
    }
}

/// Why a valid number does not get sign-in codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NumberRefused {
    #[error("numbers of this country are not accepted")]
    Country,
    #[error("a premium-rate number")]
    PremiumRate,
    #[error("a shared-cost number")]
    SharedCost,
    #[error("a service or company number")]
    Service,
    #[error("a pager number")]
    Pager,
}

impl NumberRefused {
    /// The catalogue text; `Country` is shown with the allowed countries instead.
    pub fn code(self) -> &'static str {
        match self {
            NumberRefused::Country => "phone-country-not-allowed",
            NumberRefused::PremiumRate => "phone-premium-rate",
            NumberRefused::SharedCost => "phone-shared-cost",
            NumberRefused::Service => "phone-service-number",
            NumberRefused::Pager => "phone-pager",
        }
    }
}

/// Whether codes may go to `number`: only to countries in `allowed` (ISO codes), and never to
/// a number whose calls or messages cost more than normal or that reaches no one person.
///
/// Dutch 085/091 numbers (internet telephony) and 088 numbers (company numbers at a normal
/// rate, often someone's direct line at work) are ordinary numbers to call: they are taken as
/// landlines. The other Dutch company and service ranges (084, 087, 0800, 14xxx) and every
/// premium-rate (090x) and shared-cost range are refused: a code sent there costs the caller,
/// or the platform, more than a call, and it is a route for toll fraud.
pub fn check_number(number: &PhoneNumber, allowed: &[String]) -> Result<(), NumberRefused> {
    let country = number.country().unwrap_or_default();
    if !allowed.iter().any(|a| a.eq_ignore_ascii_case(&country)) {
        return Err(NumberRefused::Country);
    }
    match number.line_type() {
        Some(LineType::PremiumRate) => Err(NumberRefused::PremiumRate),
        Some(LineType::SharedCost) => Err(NumberRefused::SharedCost),
        Some(LineType::Pager) => Err(NumberRefused::Pager),
        Some(LineType::Service) if !is_dutch_company_number(number) => Err(NumberRefused::Service),
        // A valid number always has a type; without one it is not known well enough to call.
        None => Err(NumberRefused::Service),
        Some(_) => Ok(()),
    }
}

fn is_dutch_company_number(number: &PhoneNumber) -> bool {
    number.as_str().starts_with("+3188")
}

/// The kind of line the numbering plan gives `number`, where it tells.
fn known_kind(number: &PhoneNumber) -> Option<PhoneKind> {
    match number.line_type()? {
        LineType::Mobile => Some(PhoneKind::Mobile),
        LineType::FixedLine | LineType::Voip => Some(PhoneKind::Landline),
        LineType::Service if is_dutch_company_number(number) => Some(PhoneKind::Landline),
        _ => None,
    }
}

/// Why a typed number and kind do not go together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KindError {
    #[error("the kind of number is missing")]
    Missing,
    #[error("a landline number cannot receive SMS")]
    LandlineAsMobile,
}

impl KindError {
    pub fn code(self) -> &'static str {
        match self {
            KindError::Missing => "phone-kind-missing",
            KindError::LandlineAsMobile => "phone-kind-landline-not-mobile",
        }
    }
}

/// The kind to use for `number`, given what the person chose. Where the numbering plan tells
/// mobile from landline the number knows its kind (a person may still choose a voice call to
/// a mobile); where it does not, the person chooses.
pub fn decide_kind(
    number: &PhoneNumber,
    chosen: Option<PhoneKind>,
) -> Result<PhoneKind, KindError> {
    match (known_kind(number), chosen) {
        (Some(PhoneKind::Landline), Some(PhoneKind::Mobile)) => Err(KindError::LandlineAsMobile),
        (_, Some(kind)) => Ok(kind),
        (Some(kind), None) => Ok(kind),
        (None, None) => Err(KindError::Missing),
    }
}

struct PendingRow {
    phone: String,
    phone_kind: PhoneKind,
    link_opened_at: Option<OffsetDateTime>,
    created_at: OffsetDateTime,
}

impl PendingRow {
    fn into_change(self) -> Option<PendingChange> {
        Some(PendingChange {
            phone: PhoneNumber::from_stored(&self.phone).ok()?,
            kind: self.phone_kind,
            link_opened_at: self.link_opened_at,
            created_at: self.created_at,
        })
    }
}

/// The account's pending change, if there is one.
pub async fn pending(
    db: impl PgExecutor<'_>,
    account: AccountId,
) -> Result<Option<PendingChange>, sqlx::Error> {
    let row = sqlx::query_as!(
        PendingRow,
        r#"SELECT phone, phone_kind AS "phone_kind: PhoneKind", link_opened_at, created_at
             FROM platform.phone_changes WHERE account_id = $1"#,
        account as AccountId,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.and_then(PendingRow::into_change))
}

fn code_scope(account: AccountId) -> CodeScope {
    CodeScope {
        account,
        purpose: CodePurpose::VerifyPhone,
        session: None,
    }
}

/// Stops every unused phone code and phone link of `account`.
async fn forget_codes_and_links(
    conn: &mut PgConnection,
    account: AccountId,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE platform.one_time_codes SET expires_at = least(expires_at, $2)
         WHERE account_id = $1 AND purpose = 'verify_phone' AND used_at IS NULL",
        account as AccountId,
        now,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE platform.account_links SET expires_at = least(expires_at, $2)
         WHERE account_id = $1 AND purpose = 'verify_phone' AND used_at IS NULL",
        account as AccountId,
        now,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Step 1: keeps `phone` as the account's pending change (replacing any earlier one, whose
/// link and codes stop working) and returns the token for the link to e-mail.
pub async fn request_change(
    conn: &mut PgConnection,
    account: AccountId,
    phone: &PhoneNumber,
    kind: PhoneKind,
    now: OffsetDateTime,
) -> Result<Token, sqlx::Error> {
    forget_codes_and_links(conn, account, now).await?;
    sqlx::query!(
        "INSERT INTO platform.phone_changes (account_id, phone, phone_kind, link_opened_at, created_at)
         VALUES ($1, $2, $3, NULL, $4)
         ON CONFLICT (account_id) DO UPDATE
           SET phone = excluded.phone, phone_kind = excluded.phone_kind,
               link_opened_at = NULL, created_at = excluded.created_at",
        account as AccountId,
        phone.as_str(),
        kind as PhoneKind,
        now,
    )
    .execute(&mut *conn)
    .await?;
    links::create(conn, account, LinkPurpose::VerifyPhone, now).await
}

/// Why the link cannot send a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenRefused {
    Link(LinkError),
    /// The link is fine but belongs to another account than the signed-in one.
    OtherAccount,
    /// The change was cancelled (or already completed) since the mail was sent.
    NoPendingChange,
}

/// Whose link `token` is and which change it confirms; changes nothing.
pub async fn peek_link(
    conn: &mut PgConnection,
    token: &str,
    now: OffsetDateTime,
) -> Result<Result<(AccountId, PendingChange), OpenRefused>, sqlx::Error> {
    let account = match links::peek(&mut *conn, token, LinkPurpose::VerifyPhone, now).await? {
        Ok(account) => account,
        Err(error) => return Ok(Err(OpenRefused::Link(error))),
    };
    Ok(match pending(&mut *conn, account).await? {
        Some(change) => Ok((account, change)),
        None => Err(OpenRefused::NoPendingChange),
    })
}

/// Step 2: uses the link of `signed_in` up and issues the first code for the pending number;
/// returns the change and the code to send (by SMS or voice, see [`PendingChange::channel`]).
/// A link of another account is refused and stays unused.
pub async fn open_link(
    conn: &mut PgConnection,
    key: &ServerKey,
    signed_in: AccountId,
    token: &str,
    now: OffsetDateTime,
) -> Result<Result<(PendingChange, String), OpenRefused>, sqlx::Error> {
    match peek_link(conn, token, now).await? {
        Ok((owner, _)) if owner != signed_in => return Ok(Err(OpenRefused::OtherAccount)),
        Ok(_) => {}
        Err(refused) => return Ok(Err(refused)),
    }
    let account = match links::consume(conn, token, LinkPurpose::VerifyPhone, now).await? {
        Ok(account) => account,
        Err(error) => return Ok(Err(OpenRefused::Link(error))),
    };
    sqlx::query!(
        "UPDATE platform.phone_changes SET link_opened_at = $2 WHERE account_id = $1",
        account as AccountId,
        now,
    )
    .execute(&mut *conn)
    .await?;
    let Some(change) = pending(&mut *conn, account).await? else {
        return Ok(Err(OpenRefused::NoPendingChange));
    };
    let code = issue_code(conn, key, account, &change, now).await?;
    Ok(Ok((change, code)))
}

/// A (new) code for the pending number; the previous code stops working.
pub async fn issue_code(
    conn: &mut PgConnection,
    key: &ServerKey,
    account: AccountId,
    change: &PendingChange,
    now: OffsetDateTime,
) -> Result<String, sqlx::Error> {
    codes::issue(
        conn,
        key,
        code_scope(account),
        change.channel(),
        Some((change.phone.as_str(), change.kind)),
        now,
    )
    .await
}

/// What came of a typed code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmOutcome {
    /// The number is now the account's number.
    Verified(PhoneNumber, PhoneKind),
    Refused(CodeCheck),
}

/// Step 3: checks the code; when right, the number it was sent to becomes the account's number
/// and the pending change ends.
pub async fn confirm(
    conn: &mut PgConnection,
    key: &ServerKey,
    account: AccountId,
    entered: &str,
    now: OffsetDateTime,
) -> Result<ConfirmOutcome, sqlx::Error> {
    let (check, issued) = codes::verify(conn, key, code_scope(account), entered, now).await?;
    if check != CodeCheck::Accepted {
        return Ok(ConfirmOutcome::Refused(check));
    }
    // The number the code went to, which must still be the pending one.
    let sent_to = issued.and_then(|code| {
        Some((
            PhoneNumber::from_stored(code.phone.as_deref()?).ok()?,
            code.phone_kind?,
        ))
    });
    let change = pending(&mut *conn, account).await?;
    let (Some((phone, kind)), Some(change)) = (sent_to, change) else {
        return Ok(ConfirmOutcome::Refused(CodeCheck::Missing));
    };
    if change.phone != phone || change.kind != kind || change.link_opened_at.is_none() {
        return Ok(ConfirmOutcome::Refused(CodeCheck::Missing));
    }
    sqlx::query!(
        "UPDATE platform.accounts SET phone = $2, phone_kind = $3 WHERE id = $1",
        account as AccountId,
        phone.as_str(),
        kind as PhoneKind,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM platform.phone_changes WHERE account_id = $1",
        account as AccountId,
    )
    .execute(&mut *conn)
    .await?;
    Ok(ConfirmOutcome::Verified(phone, kind))
}

/// "Wijziging annuleren": the pending change, its link and its codes end. The verified number
/// (if any) stays. Returns whether there was a change to cancel.
pub async fn cancel(
    conn: &mut PgConnection,
    account: AccountId,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    forget_codes_and_links(conn, account, now).await?;
    let deleted = sqlx::query!(
        "DELETE FROM platform.phone_changes WHERE account_id = $1",
        account as AccountId,
    )
    .execute(&mut *conn)
    .await?;
    Ok(deleted.rows_affected() > 0)
}

/// Removes the verified number: sign-in codes go by e-mail again. Returns whether there was one.
pub async fn remove(db: impl PgExecutor<'_>, account: AccountId) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query!(
        "UPDATE platform.accounts SET phone = NULL, phone_kind = NULL
         WHERE id = $1 AND phone IS NOT NULL",
        account as AccountId,
    )
    .execute(db)
    .await?;
    Ok(updated.rows_affected() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_know_their_kind_where_the_plan_tells_and_otherwise_need_a_choice() {
        let mobile = PhoneNumber::parse("06 12345678").unwrap();
        let landline = PhoneNumber::parse("020 1234567").unwrap();
        let german_landline = PhoneNumber::parse("+49301234567").unwrap();
        let us = PhoneNumber::parse("+1 202 555 0123").unwrap();
        assert_eq!(decide_kind(&mobile, None), Ok(PhoneKind::Mobile));
        assert_eq!(
            decide_kind(&mobile, Some(PhoneKind::Landline)),
            Ok(PhoneKind::Landline)
        );
        assert_eq!(decide_kind(&landline, None), Ok(PhoneKind::Landline));
        assert_eq!(
            decide_kind(&landline, Some(PhoneKind::Mobile)),
            Err(KindError::LandlineAsMobile)
        );
        // A landline abroad is a landline too, now that its plan is known.
        assert_eq!(
            decide_kind(&german_landline, Some(PhoneKind::Mobile)),
            Err(KindError::LandlineAsMobile)
        );
        assert_eq!(decide_kind(&german_landline, None), Ok(PhoneKind::Landline));
        assert_eq!(decide_kind(&us, None), Err(KindError::Missing));
        assert_eq!(
            decide_kind(&us, Some(PhoneKind::Mobile)),
            Ok(PhoneKind::Mobile)
        );
        assert_eq!(channel_for(PhoneKind::Mobile), Channel::Sms);
        assert_eq!(channel_for(PhoneKind::Landline), Channel::Voice);
    }

    #[test]
    fn only_allowed_countries_and_ordinary_lines_get_codes() {
        let allowed = ["NL".to_owned(), "BE".to_owned(), "DE".to_owned()];
        let check = |raw: &str| {
            let number = PhoneNumber::parse(raw).unwrap_or_else(|_| panic!("{raw} is valid"));
            check_number(&number, &allowed)
        };
        for fine in [
            "06 12345678",
            "020 1234567",
            "085 1234567",
            "088 1234567",
            "+32 470 12 34 56",
            "+32 2 234 56 78",
            "+49 151 23456789",
            "+49 30 1234567",
        ] {
            assert_eq!(check(fine), Ok(()), "{fine}");
        }
        for (raw, refused) in [
            ("+33 6 12 34 56 78", NumberRefused::Country),
            ("+44 7911 123456", NumberRefused::Country),
            ("0900 1234567", NumberRefused::PremiumRate),
            ("0906 1234567", NumberRefused::PremiumRate),
            ("0909 1234567", NumberRefused::PremiumRate),
            ("+32 900 12345", NumberRefused::PremiumRate),
            ("+49 900 1 234567", NumberRefused::PremiumRate),
            ("+32 7879 1234", NumberRefused::SharedCost),
            ("+49 180 1234567", NumberRefused::SharedCost),
            ("084 1234567", NumberRefused::Service),
            ("087 1234567", NumberRefused::Service),
            ("0800 1234", NumberRefused::Service),
            ("066 2345678", NumberRefused::Pager),
        ] {
            assert_eq!(check(raw), Err(refused), "{raw}");
        }
        assert_eq!(
            decide_kind(&PhoneNumber::parse("085 1234567").unwrap(), None),
            Ok(PhoneKind::Landline)
        );
        assert_eq!(
            decide_kind(&PhoneNumber::parse("088 1234567").unwrap(), None),
            Ok(PhoneKind::Landline)
        );
    }
}
