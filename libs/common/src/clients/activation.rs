//! Activation (CP-2): the organisation's client records, the activation codes it sends them by
//! letter, and linking a care page to a client record with code + birth date.
//!
//! A code is 16 characters from an alphabet without look-alikes (no 0/O, 1/I/L), about 79 bits,
//! printed in groups of four (`K7QM-4RTX-9HPE-2WBN`). Only the SHA-256 of the normalised code is
//! stored, so the plain code exists only on the letter (and once on the admin's screen).
//! Codes live in the tenant's schema: a code of another organisation is simply not found.
//!
//! Every wrong try counts against the account ([`throttle::ACTIVATION_ACCOUNT`]); a wrong birth
//! date also counts against the code, which is refused after [`CODE_MAX_ATTEMPTS`]. A wrong
//! birth date answers exactly like an unknown code.

use std::time::Duration;

use rand::rngs::OsRng;
use rand::Rng;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::records::{client, ClientRecord, ClientRecordId};
use crate::accounts::{AccountId, PersonName};
use crate::audit::trail::record as audit;
use crate::care::page::{
    self as care_page, BirthDate, CarePageError, CarePageId, ForWhom, NewCarePage, Role,
};
use crate::infra::crypto::{hash_token, Secret};
use crate::infra::tenancy::TenantTx;
use crate::infra::throttle::{Decision, ACTIVATION_ACCOUNT};

/// The characters a code is made of: no 0/O, 1/I/L.
pub const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Characters in a code (without the dashes).
pub const CODE_LEN: usize = 16;
/// Wrong birth dates a code survives; after that it is refused.
pub const CODE_MAX_ATTEMPTS: i32 = 5;

crate::typed_id! {
    /// The id of an activation code (`activation_codes.id`).
    pub struct ActivationCodeId;
}

/// A new code: as printed, and the hash that is stored.
#[derive(Debug, Clone)]
pub struct ActivationCode {
    pub display: String,
    pub hash: Vec<u8>,
}

impl ActivationCode {
    pub fn generate() -> Self {
        let raw: String = (0..CODE_LEN)
            .map(|_| char::from(ALPHABET[OsRng.gen_range(0..ALPHABET.len())]))
            .collect();
        let display = raw
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-");
        let hash = hash_token(&raw);
        Self { display, hash }
    }
}

/// The code as typed, upper-cased and without spaces and dashes; `None` if it cannot be a code.
pub fn normalise(raw: &str) -> Option<String> {
    let code: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// Why linking a matched code to a care page failed. Refusals of the code itself are not
/// errors: [`check`] answers them as a [`Refusal`].
#[derive(Debug, thiserror::Error)]
pub enum ActivateError {
    /// The care page to link could not be made or restored.
    #[error(transparent)]
    CarePage(#[from] CarePageError),
    #[error("the client record's stored name is not a valid name")]
    StoredNameInvalid,
    #[error("the care page to link is not this account's to link, or is linked already")]
    PageNotLinkable,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// A code just issued: the plain code (shown or printed once) and until when it works.
#[derive(Debug, Clone)]
pub struct IssuedCode {
    pub code: Secret,
    pub expires_at: OffsetDateTime,
}

/// Issues a new code for the client, valid for `validity`; an earlier code that was not used
/// stops working.
pub async fn issue_code(
    tx: &mut TenantTx,
    actor: AccountId,
    record: ClientRecordId,
    validity: Duration,
    now: OffsetDateTime,
) -> Result<IssuedCode, sqlx::Error> {
    sqlx::query!(
        "UPDATE activation_codes SET replaced_at = $2
          WHERE client_record_id = $1 AND used_at IS NULL AND replaced_at IS NULL",
        record as ClientRecordId,
        now,
    )
    .execute(tx.conn())
    .await?;
    let code = ActivationCode::generate();
    let expires_at = now + validity;
    let id = ActivationCodeId(Uuid::now_v7());
    sqlx::query!(
        "INSERT INTO activation_codes (id, client_record_id, code_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
        id as ActivationCodeId,
        record as ClientRecordId,
        &code.hash,
        now,
        expires_at,
    )
    .execute(tx.conn())
    .await?;
    audit(
        tx,
        actor,
        "activation_code.issued",
        serde_json::json!({ "client_record": record.0 }),
        now,
    )
    .await?;
    Ok(IssuedCode {
        code: code.display.into(),
        expires_at,
    })
}

/// Why a code was not accepted. Each has its own message; `Unknown` covers a wrong birth date
/// too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Unknown,
    Used,
    Expired,
    /// A newer letter was sent; this code no longer works.
    Replaced,
    /// Too many wrong birth dates with this code.
    CodeLocked,
    /// Too many wrong tries from this account: try again after this long.
    TooManyTries(Duration),
    /// The code was entered on a care page the account does not administer: only a beheerder
    /// links a page.
    NotBeheerder,
    /// The code was entered on a care page that is linked already.
    PageLinked,
}

impl Refusal {
    /// The catalogue key of the message.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::Unknown => "activation-refused-unknown",
            Refusal::Used => "activation-refused-used",
            Refusal::Expired => "activation-refused-expired",
            Refusal::Replaced => "activation-refused-replaced",
            Refusal::CodeLocked => "activation-refused-code-locked",
            Refusal::TooManyTries(_) => "activation-refused-too-many",
            Refusal::NotBeheerder => "activation-refused-not-beheerder",
            Refusal::PageLinked => "activation-refused-page-linked",
        }
    }
}

/// A code that matched: its id and the client it belongs to.
#[derive(Debug, Clone)]
pub struct Match {
    pub code_id: ActivationCodeId,
    pub record: ClientRecord,
}

struct CodeRow {
    id: ActivationCodeId,
    client_record_id: ClientRecordId,
    expires_at: OffsetDateTime,
    failed_attempts: i32,
    used_at: Option<OffsetDateTime>,
    replaced_at: Option<OffsetDateTime>,
}

/// Checks a code and birth date typed by `account`; the row of the code is locked until `tx`
/// ends. Commit `tx` after a refusal too: the counters must stay.
pub async fn check(
    tx: &mut TenantTx,
    account: AccountId,
    page: Option<CarePageId>,
    raw_code: &str,
    birth_date: Date,
    now: OffsetDateTime,
) -> Result<Result<Match, Refusal>, sqlx::Error> {
    // A code entered on a care page links that page, so only its beheerder may; this costs no
    // try, as it says nothing about the code.
    if let Some(page) = page {
        if let Err(refusal) = linkable(tx, page, account).await? {
            return Ok(Err(refusal));
        }
    }
    let subject = account.0.to_string();
    // Every try is counted before the code is looked at, with the counter's row locked until
    // `tx` ends: parallel tries get the limit and no more. A try whose code and birth date
    // belong together takes its hit back below; only wrong tries count.
    let decision = ACTIVATION_ACCOUNT
        .reserve_in(tx.conn(), &subject, now)
        .await?;
    if decision != Decision::Allowed {
        return Ok(Err(Refusal::TooManyTries(decision.retry_after())));
    }
    let Some(code) = normalise(raw_code) else {
        return Ok(Err(Refusal::Unknown));
    };
    let row = sqlx::query_as!(
        CodeRow,
        r#"SELECT id AS "id: ActivationCodeId",
                  client_record_id AS "client_record_id: ClientRecordId",
                  expires_at, failed_attempts, used_at, replaced_at
             FROM activation_codes WHERE code_hash = $1 FOR UPDATE"#,
        hash_token(&code),
    )
    .fetch_optional(tx.conn())
    .await?;
    let Some(row) = row else {
        return Ok(Err(Refusal::Unknown));
    };
    if row.failed_attempts >= CODE_MAX_ATTEMPTS {
        return Ok(Err(Refusal::CodeLocked));
    }
    let Some(record) = client(tx, row.client_record_id).await? else {
        return Ok(Err(Refusal::Unknown));
    };
    if record.birth_date != birth_date {
        sqlx::query!(
            "UPDATE activation_codes SET failed_attempts = failed_attempts + 1 WHERE id = $1",
            row.id as ActivationCodeId,
        )
        .execute(tx.conn())
        .await?;
        return Ok(Err(Refusal::Unknown));
    }
    // Code and birth date belong together: from here on the answer may say more, and the try
    // was no guess.
    ACTIVATION_ACCOUNT.release(tx.conn(), &subject).await?;
    if row.used_at.is_some() {
        return Ok(Err(Refusal::Used));
    }
    if row.replaced_at.is_some() {
        return Ok(Err(Refusal::Replaced));
    }
    if row.expires_at <= now {
        return Ok(Err(Refusal::Expired));
    }
    Ok(Ok(Match {
        code_id: row.id,
        record,
    }))
}

/// Whether a code entered on `page` may link it: the account administers the page and the
/// page is not linked yet.
async fn linkable(
    tx: &mut TenantTx,
    page: CarePageId,
    account: AccountId,
) -> Result<Result<CarePageId, Refusal>, sqlx::Error> {
    let found = care_page::access(tx, page, account).await?;
    Ok(
        match found.map(|(found, membership)| (found, membership.role)) {
            Some((found, Role::Beheerder)) if found.client_record_id.is_none() => Ok(found.id),
            Some((_, Role::Beheerder)) => Err(Refusal::PageLinked),
            _ => Err(Refusal::NotBeheerder),
        },
    )
}

/// Uses the code up ("Ik ga akkoord") and links a care page to the client record: `page` when
/// given (a page of this tenant the account administers), otherwise a new page for the client
/// (`for_whom`: the account holder's own, or someone else's) with the account as beheerder.
/// Returns the linked page.
pub async fn activate(
    tx: &mut TenantTx,
    account: AccountId,
    matched: &Match,
    page: Option<CarePageId>,
    for_whom: ForWhom,
    now: OffsetDateTime,
) -> Result<CarePageId, ActivateError> {
    sqlx::query!(
        "UPDATE activation_codes SET used_at = $2, used_by = $3 WHERE id = $1",
        matched.code_id as ActivationCodeId,
        now,
        account as AccountId,
    )
    .execute(tx.conn())
    .await?;
    // `check` refused a page that may not be linked, in this same transaction; a page that
    // became unlinkable since is an error, never a reason to make a new page instead.
    let target = match page {
        Some(id) => Some(
            linkable(tx, id, account)
                .await?
                .map_err(|_| ActivateError::PageNotLinkable)?,
        ),
        None => None,
    };
    // A page deleted while linked to this client comes back with its members (CP-7's promise).
    let restored = match target {
        Some(_) => None,
        None => care_page::restorable(tx, matched.record.id).await?,
    };
    if let Some(id) = restored {
        care_page::restore(tx, id, account, now).await?;
    }
    let page_id = match target.or(restored) {
        Some(id) => id,
        None => {
            let name = PersonName::parse(&matched.record.name)
                .map_err(|_| ActivateError::StoredNameInvalid)?;
            let birth_date = BirthDate::from_stored(matched.record.birth_date);
            let new = NewCarePage {
                for_whom,
                client_name: name,
                birth_date,
            };
            care_page::create(tx, account, &new, now).await?.id
        }
    };
    sqlx::query!(
        "UPDATE care_pages SET client_record_id = $2, updated_at = $3 WHERE id = $1",
        page_id as CarePageId,
        matched.record.id as ClientRecordId,
        now,
    )
    .execute(tx.conn())
    .await?;
    ACTIVATION_ACCOUNT
        .clear(tx.conn(), &account.0.to_string())
        .await?;
    audit(
        tx,
        account,
        "care_page.activated",
        serde_json::json!({ "care_page": page_id.0, "client_record": matched.record.id.0 }),
        now,
    )
    .await?;
    Ok(page_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_long_grouped_and_free_of_look_alikes() {
        // 16 characters from 31: more than 60 bits.
        assert!(CODE_LEN as f64 * (ALPHABET.len() as f64).log2() >= 60.0);
        for _ in 0..200 {
            let code = ActivationCode::generate();
            assert_eq!(code.display.len(), 19);
            let groups: Vec<&str> = code.display.split('-').collect();
            assert_eq!(groups.len(), 4);
            assert!(groups.iter().all(|g| g.len() == 4));
            assert!(!code.display.contains(['0', 'O', '1', 'I', 'L']));
            let normalised = normalise(&code.display).unwrap();
            assert_eq!(hash_token(&normalised), code.hash);
        }
        assert_ne!(
            ActivationCode::generate().display,
            ActivationCode::generate().display
        );
    }

    #[test]
    fn typed_codes_are_normalised() {
        assert_eq!(
            normalise(" k7qm 4rtx-9hpe-2WBN ").as_deref(),
            Some("K7QM4RTX9HPE2WBN")
        );
        assert_eq!(normalise("K7QM-4RTX-9HPE-2WB"), None);
        assert_eq!(normalise("K7QM-4RTX-9HPE-2WB0"), None);
        assert_eq!(normalise(""), None);
    }

    #[test]
    fn every_refusal_has_its_own_message() {
        let all = [
            Refusal::Unknown,
            Refusal::Used,
            Refusal::Expired,
            Refusal::Replaced,
            Refusal::CodeLocked,
            Refusal::TooManyTries(Duration::from_secs(1)),
        ];
        let mut codes: Vec<_> = all.iter().map(|r| r.code()).collect();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }
}
