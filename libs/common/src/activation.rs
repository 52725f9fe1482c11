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
use serde::Serialize;
use sqlx::{FromRow, PgConnection};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::accounts::secrets::hash_token;
use crate::accounts::throttle::{Decision, ACTIVATION_ACCOUNT};
use crate::accounts::{AccountId, PersonName};
use crate::audit::record as audit;
use crate::care_pages::{self, BirthDate, CarePageId, ForWhom, NewCarePage, Role};
use crate::tenancy::TenantTx;

/// The characters a code is made of: no 0/O, 1/I/L.
pub const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Characters in a code (without the dashes).
pub const CODE_LEN: usize = 16;
/// Wrong birth dates a code survives; after that it is refused.
pub const CODE_MAX_ATTEMPTS: i32 = 5;

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

#[derive(Debug, thiserror::Error)]
pub enum ActivationError {
    #[error("this cliëntnummer is in use already")]
    DuplicateNumber,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// A client as the organisation knows them.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct ClientRecord {
    pub id: Uuid,
    pub client_number: String,
    pub name: String,
    pub birth_date: Date,
    pub address_lines: Vec<String>,
    pub created_at: OffsetDateTime,
}

/// The new-client form as it came in.
#[derive(Debug, Clone, Default)]
pub struct NewClientForm<'a> {
    pub client_number: &'a str,
    pub name: &'a str,
    pub birth_date: &'a str,
    pub address: &'a str,
}

/// A checked new client.
#[derive(Debug, Clone)]
pub struct NewClient {
    pub client_number: String,
    pub name: PersonName,
    pub birth_date: BirthDate,
    pub address_lines: Vec<String>,
}

impl NewClient {
    /// On failure, the catalogue key of each problem by field.
    pub fn parse(
        form: &NewClientForm<'_>,
        today: Date,
    ) -> Result<Self, Vec<(&'static str, &'static str)>> {
        let mut problems = Vec::new();
        let number = form.client_number.trim();
        if !client_number_ok(number) {
            problems.push(("client_number", "activation-client-number-invalid"));
        }
        let name = PersonName::parse(form.name)
            .map_err(|_| problems.push(("name", "activation-client-name-missing")))
            .ok();
        let birth_date = BirthDate::parse(form.birth_date, today)
            .map_err(|code| problems.push(("birth_date", code)))
            .ok();
        let address_lines: Vec<String> = form
            .address
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        if address_lines.len() < 2
            || address_lines.len() > 6
            || address_lines.iter().any(|l| l.chars().count() > 100)
        {
            problems.push(("address", "activation-client-address-invalid"));
        }
        match (name, birth_date) {
            (Some(name), Some(birth_date)) if problems.is_empty() => Ok(Self {
                client_number: number.to_owned(),
                name,
                birth_date,
                address_lines,
            }),
            _ => Err(problems),
        }
    }
}

/// Stores a new client record.
pub async fn create_client(
    tx: &mut TenantTx,
    actor: AccountId,
    new: &NewClient,
    now: OffsetDateTime,
) -> Result<ClientRecord, ActivationError> {
    let id = Uuid::now_v7();
    let inserted = sqlx::query(
        "INSERT INTO client_records (id, client_number, name, birth_date, address_lines,
                                     created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (client_number) DO NOTHING",
    )
    .bind(id)
    .bind(&new.client_number)
    .bind(new.name.as_str())
    .bind(new.birth_date.date())
    .bind(&new.address_lines)
    .bind(actor)
    .bind(now)
    .execute(tx.conn())
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(ActivationError::DuplicateNumber);
    }
    audit(
        tx.conn(),
        actor,
        "client_record.created",
        serde_json::json!({ "client_record": id }),
        now,
    )
    .await?;
    Ok(ClientRecord {
        id,
        client_number: new.client_number.clone(),
        name: new.name.as_str().to_owned(),
        birth_date: new.birth_date.date(),
        address_lines: new.address_lines.clone(),
        created_at: now,
    })
}

/// Corrects a client record (a typo in the name, a move); the codes already issued stay valid
/// and are checked against the corrected birth date from now on. `Ok(false)` when there is no
/// such record.
pub async fn update_client(
    tx: &mut TenantTx,
    actor: AccountId,
    id: Uuid,
    changed: &NewClient,
    now: OffsetDateTime,
) -> Result<bool, ActivationError> {
    let taken: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM client_records WHERE client_number = $1 AND id <> $2)",
    )
    .bind(&changed.client_number)
    .bind(id)
    .fetch_one(tx.conn())
    .await?;
    if taken {
        return Err(ActivationError::DuplicateNumber);
    }
    let updated = sqlx::query(
        "UPDATE client_records
            SET client_number = $2, name = $3, birth_date = $4, address_lines = $5
          WHERE id = $1",
    )
    .bind(id)
    .bind(&changed.client_number)
    .bind(changed.name.as_str())
    .bind(changed.birth_date.date())
    .bind(&changed.address_lines)
    .execute(tx.conn())
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(false);
    }
    audit(
        tx.conn(),
        actor,
        "client_record.updated",
        serde_json::json!({ "client_record": id }),
        now,
    )
    .await?;
    Ok(true)
}

/// A client in the admin's list, with the state of their latest code.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct ClientListItem {
    pub id: Uuid,
    pub client_number: String,
    pub name: String,
    pub birth_date: Date,
    pub code_created_at: Option<OffsetDateTime>,
    pub code_expires_at: Option<OffsetDateTime>,
    pub code_used_at: Option<OffsetDateTime>,
    pub linked_pages: i64,
}

/// Every client record, by cliëntnummer.
pub async fn clients(tx: &mut TenantTx) -> Result<Vec<ClientListItem>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.id, r.client_number, r.name, r.birth_date,
                c.created_at AS code_created_at, c.expires_at AS code_expires_at,
                c.used_at AS code_used_at,
                (SELECT count(*) FROM care_pages p
                  WHERE p.client_record_id = r.id AND p.deleted_at IS NULL) AS linked_pages
           FROM client_records r
           LEFT JOIN LATERAL (
               SELECT created_at, expires_at, used_at FROM activation_codes
                WHERE client_record_id = r.id ORDER BY created_at DESC LIMIT 1
           ) c ON true
          ORDER BY r.client_number",
    )
    .fetch_all(tx.conn())
    .await
}

/// One client record.
pub async fn client(tx: &mut TenantTx, id: Uuid) -> Result<Option<ClientRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, client_number, name, birth_date, address_lines, created_at
           FROM client_records WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(tx.conn())
    .await
}

/// A code just issued: the plain code (shown or printed once) and until when it works.
#[derive(Debug, Clone)]
pub struct IssuedCode {
    pub code: String,
    pub expires_at: OffsetDateTime,
}

/// Issues a new code for the client, valid for `validity`; an earlier code that was not used
/// stops working.
pub async fn issue_code(
    tx: &mut TenantTx,
    actor: AccountId,
    record: Uuid,
    validity: Duration,
    now: OffsetDateTime,
) -> Result<IssuedCode, sqlx::Error> {
    sqlx::query(
        "UPDATE activation_codes SET replaced_at = $2
          WHERE client_record_id = $1 AND used_at IS NULL AND replaced_at IS NULL",
    )
    .bind(record)
    .bind(now)
    .execute(tx.conn())
    .await?;
    let code = ActivationCode::generate();
    let expires_at = now + validity;
    sqlx::query(
        "INSERT INTO activation_codes (id, client_record_id, code_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(Uuid::now_v7())
    .bind(record)
    .bind(&code.hash)
    .bind(now)
    .bind(expires_at)
    .execute(tx.conn())
    .await?;
    audit(
        tx.conn(),
        actor,
        "activation_code.issued",
        serde_json::json!({ "client_record": record }),
        now,
    )
    .await?;
    Ok(IssuedCode {
        code: code.display,
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
        }
    }
}

/// A code that matched: its id and the client it belongs to.
#[derive(Debug, Clone)]
pub struct Match {
    pub code_id: Uuid,
    pub record: ClientRecord,
}

#[derive(FromRow)]
struct CodeRow {
    id: Uuid,
    client_record_id: Uuid,
    expires_at: OffsetDateTime,
    failed_attempts: i32,
    used_at: Option<OffsetDateTime>,
    replaced_at: Option<OffsetDateTime>,
}

/// Counts a wrong try against the account and answers `refusal`.
async fn refuse(
    conn: &mut PgConnection,
    subject: &str,
    now: OffsetDateTime,
    refusal: Refusal,
) -> Result<Result<Match, Refusal>, sqlx::Error> {
    ACTIVATION_ACCOUNT.record(conn, subject, now).await?;
    Ok(Err(refusal))
}

/// Checks a code and birth date typed by `account`; the row of the code is locked until `tx`
/// ends. Commit `tx` after a refusal too: the counters must stay.
pub async fn check(
    tx: &mut TenantTx,
    account: AccountId,
    raw_code: &str,
    birth_date: Date,
    now: OffsetDateTime,
) -> Result<Result<Match, Refusal>, sqlx::Error> {
    let subject = account.0.to_string();
    let decision = ACTIVATION_ACCOUNT.check(tx.conn(), &subject, now).await?;
    if decision != Decision::Allowed {
        ACTIVATION_ACCOUNT.record(tx.conn(), &subject, now).await?;
        return Ok(Err(Refusal::TooManyTries(decision.retry_after())));
    }
    let Some(code) = normalise(raw_code) else {
        return refuse(tx.conn(), &subject, now, Refusal::Unknown).await;
    };
    let row: Option<CodeRow> = sqlx::query_as(
        "SELECT id, client_record_id, expires_at, failed_attempts, used_at, replaced_at
           FROM activation_codes WHERE code_hash = $1 FOR UPDATE",
    )
    .bind(hash_token(&code))
    .fetch_optional(tx.conn())
    .await?;
    let Some(row) = row else {
        return refuse(tx.conn(), &subject, now, Refusal::Unknown).await;
    };
    if row.failed_attempts >= CODE_MAX_ATTEMPTS {
        return refuse(tx.conn(), &subject, now, Refusal::CodeLocked).await;
    }
    let Some(record) = client(tx, row.client_record_id).await? else {
        return refuse(tx.conn(), &subject, now, Refusal::Unknown).await;
    };
    if record.birth_date != birth_date {
        sqlx::query(
            "UPDATE activation_codes SET failed_attempts = failed_attempts + 1 WHERE id = $1",
        )
        .bind(row.id)
        .execute(tx.conn())
        .await?;
        return refuse(tx.conn(), &subject, now, Refusal::Unknown).await;
    }
    // Code and birth date belong together: from here on the answer may say more.
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
) -> Result<CarePageId, ActivationError> {
    sqlx::query("UPDATE activation_codes SET used_at = $2, used_by = $3 WHERE id = $1")
        .bind(matched.code_id)
        .bind(now)
        .bind(account)
        .execute(tx.conn())
        .await?;
    let target = match page {
        Some(id) => match care_pages::access(tx, id, account).await? {
            Some((found, Role::Beheerder)) if found.client_record_id.is_none() => Some(found.id),
            _ => None,
        },
        None => None,
    };
    // A page deleted while linked to this client comes back with its members (CP-7's promise).
    let restored = match target {
        Some(_) => None,
        None => care_pages::restorable(tx, matched.record.id).await?,
    };
    if let Some(id) = restored {
        care_pages::restore(tx, id, account, now)
            .await
            .map_err(|e| match e {
                care_pages::CarePageError::Database(e) => e,
                other => sqlx::Error::Protocol(other.to_string()),
            })?;
    }
    let page_id = match target.or(restored) {
        Some(id) => id,
        None => {
            let name = PersonName::parse(&matched.record.name)
                .map_err(|_| sqlx::Error::Protocol("stored client name invalid".into()))?;
            let birth_date = BirthDate::from_stored(matched.record.birth_date);
            let new = NewCarePage {
                for_whom,
                client_name: name,
                birth_date,
            };
            care_pages::create(tx, account, &new, now)
                .await
                .map_err(|e| match e {
                    care_pages::CarePageError::Database(e) => e,
                    other => sqlx::Error::Protocol(other.to_string()),
                })?
                .id
        }
    };
    sqlx::query("UPDATE care_pages SET client_record_id = $2, updated_at = $3 WHERE id = $1")
        .bind(page_id)
        .bind(matched.record.id)
        .bind(now)
        .execute(tx.conn())
        .await?;
    ACTIVATION_ACCOUNT
        .clear(tx.conn(), &account.0.to_string())
        .await?;
    audit(
        tx.conn(),
        account,
        "care_page.activated",
        serde_json::json!({ "care_page": page_id.0, "client_record": matched.record.id }),
        now,
    )
    .await?;
    Ok(page_id)
}

/// Records a request for a new letter ("Brief ontvangen?", CP-8) for the client with
/// `client_number`, whether or not the number is known: the requester is told the same either
/// way. The number is checked for its form only.
pub async fn request_letter(
    tx: &mut TenantTx,
    account: AccountId,
    client_number: &str,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    let number = client_number.trim();
    let record: Option<Uuid> =
        sqlx::query_scalar("SELECT id FROM client_records WHERE client_number = $1")
            .bind(number)
            .fetch_optional(tx.conn())
            .await?;
    sqlx::query(
        "INSERT INTO letter_requests (id, client_number, client_record_id, requested_by, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(Uuid::now_v7())
    .bind(number)
    .bind(record)
    .bind(account)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Whether a typed cliëntnummer can be one (letters, digits, dots, dashes; at most 40).
pub fn client_number_ok(raw: &str) -> bool {
    let number = raw.trim();
    !number.is_empty()
        && number.chars().count() <= 40
        && number
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

/// An open letter request as the admin's queue shows it.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct LetterRequest {
    pub id: Uuid,
    pub client_number: String,
    pub client_record_id: Option<Uuid>,
    pub client_name: Option<String>,
    pub requester_name: String,
    pub requester_email: String,
    pub created_at: OffsetDateTime,
}

/// The open letter requests, oldest first.
pub async fn open_letter_requests(tx: &mut TenantTx) -> Result<Vec<LetterRequest>, sqlx::Error> {
    sqlx::query_as(
        "SELECT q.id, q.client_number, q.client_record_id, r.name AS client_name,
                a.name AS requester_name, a.email AS requester_email, q.created_at
           FROM letter_requests q
           LEFT JOIN client_records r ON r.id = q.client_record_id
           JOIN platform.accounts a ON a.id = q.requested_by
          WHERE q.handled_at IS NULL
          ORDER BY q.created_at, q.id",
    )
    .fetch_all(tx.conn())
    .await
}

/// Marks requests handled; returns the client records of those that had one (each once).
pub async fn handle_letter_requests(
    tx: &mut TenantTx,
    ids: &[Uuid],
    now: OffsetDateTime,
) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "WITH done AS (
             UPDATE letter_requests SET handled_at = $2
              WHERE id = ANY($1) AND handled_at IS NULL
             RETURNING client_record_id)
         SELECT DISTINCT client_record_id FROM done WHERE client_record_id IS NOT NULL",
    )
    .bind(ids)
    .bind(now)
    .fetch_all(tx.conn())
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

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
    fn new_clients_are_checked() {
        let today = date!(2026 - 06 - 01);
        let ok = NewClient::parse(
            &NewClientForm {
                client_number: " C-1001 ",
                name: "Anna de Vries",
                birth_date: "02-03-1950",
                address: "Dorpsstraat 1\n\n1234 AB Ergens\n",
            },
            today,
        )
        .unwrap();
        assert_eq!(ok.client_number, "C-1001");
        assert_eq!(ok.address_lines, vec!["Dorpsstraat 1", "1234 AB Ergens"]);
        let problems = NewClient::parse(
            &NewClientForm {
                client_number: "",
                name: "",
                birth_date: "31-02-1950",
                address: "Alleen een straat",
            },
            today,
        )
        .unwrap_err();
        let fields: Vec<_> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            vec!["client_number", "name", "birth_date", "address"]
        );
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
