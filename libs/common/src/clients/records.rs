//! The organisation's client records: who may get a care page, with the birth date that
//! proves it at activation (CP-2).

use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::accounts::{AccountId, PersonName};
use crate::audit::trail::record as audit;
use crate::care::page::BirthDate;
use crate::infra::tenancy::TenantTx;

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("this cliëntnummer is in use already")]
    DuplicateNumber,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
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

pub use crate::care::page::ClientRecordId;

/// A client as the organisation knows them.
#[derive(Debug, Clone, Serialize)]
pub struct ClientRecord {
    pub id: ClientRecordId,
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
) -> Result<ClientRecord, RecordError> {
    let id = ClientRecordId(Uuid::now_v7());
    let inserted = sqlx::query!(
        "INSERT INTO client_records (id, client_number, name, birth_date, address_lines,
                                     created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (client_number) DO NOTHING",
        id as ClientRecordId,
        &new.client_number,
        new.name.as_str(),
        new.birth_date.date(),
        &new.address_lines,
        actor as AccountId,
        now,
    )
    .execute(tx.conn())
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(RecordError::DuplicateNumber);
    }
    audit(
        tx,
        actor,
        "client_record.created",
        serde_json::json!({ "client_record": id.0 }),
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
    id: ClientRecordId,
    changed: &NewClient,
    now: OffsetDateTime,
) -> Result<bool, RecordError> {
    let taken = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM client_records WHERE client_number = $1 AND id <> $2)
                  AS "taken!""#,
        &changed.client_number,
        id as ClientRecordId,
    )
    .fetch_one(tx.conn())
    .await?;
    if taken {
        return Err(RecordError::DuplicateNumber);
    }
    let updated = sqlx::query!(
        "UPDATE client_records
            SET client_number = $2, name = $3, birth_date = $4, address_lines = $5
          WHERE id = $1",
        id as ClientRecordId,
        &changed.client_number,
        changed.name.as_str(),
        changed.birth_date.date(),
        &changed.address_lines,
    )
    .execute(tx.conn())
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(false);
    }
    audit(
        tx,
        actor,
        "client_record.updated",
        serde_json::json!({ "client_record": id.0 }),
        now,
    )
    .await?;
    Ok(true)
}

/// A client in the admin's list, with the state of their latest code.
#[derive(Debug, Clone, Serialize)]
pub struct ClientListItem {
    pub id: ClientRecordId,
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
    sqlx::query_as!(
        ClientListItem,
        r#"SELECT r.id AS "id: ClientRecordId", r.client_number, r.name, r.birth_date,
                  c.created_at AS "code_created_at?", c.expires_at AS "code_expires_at?",
                  c.used_at AS "code_used_at?",
                  (SELECT count(*) FROM care_pages p
                    WHERE p.client_record_id = r.id AND p.deleted_at IS NULL) AS "linked_pages!"
             FROM client_records r
             LEFT JOIN LATERAL (
                 SELECT created_at, expires_at, used_at FROM activation_codes
                  WHERE client_record_id = r.id ORDER BY created_at DESC LIMIT 1
             ) c ON true
            ORDER BY r.client_number"#,
    )
    .fetch_all(tx.conn())
    .await
}

/// One client record.
pub async fn client(
    tx: &mut TenantTx,
    id: ClientRecordId,
) -> Result<Option<ClientRecord>, sqlx::Error> {
    sqlx::query_as!(
        ClientRecord,
        r#"SELECT id AS "id: ClientRecordId", client_number, name, birth_date, address_lines,
                  created_at
             FROM client_records WHERE id = $1"#,
        id as ClientRecordId,
    )
    .fetch_optional(tx.conn())
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

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
}
