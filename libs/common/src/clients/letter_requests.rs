//! Letter requests (CP-8): a member asks the organisation, by cliëntnummer, to send an
//! activation letter.

use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::records::ClientRecordId;
use crate::accounts::AccountId;
use crate::infra::tenancy::TenantTx;

crate::typed_id! {
    /// The id of a letter request (`letter_requests.id`).
    pub struct LetterRequestId;
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
    let record = sqlx::query_scalar!(
        r#"SELECT id AS "id: ClientRecordId" FROM client_records WHERE client_number = $1"#,
        number,
    )
    .fetch_optional(tx.conn())
    .await?;
    let id = LetterRequestId(Uuid::now_v7());
    sqlx::query!(
        "INSERT INTO letter_requests (id, client_number, client_record_id, requested_by, created_at)
         VALUES ($1, $2, $3, $4, $5)",
        id as LetterRequestId,
        number,
        record as Option<ClientRecordId>,
        account as AccountId,
        now,
    )
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// An open letter request as the admin's queue shows it.
#[derive(Debug, Clone, Serialize)]
pub struct LetterRequest {
    pub id: LetterRequestId,
    pub client_number: String,
    pub client_record_id: Option<ClientRecordId>,
    pub client_name: Option<String>,
    pub requester_name: String,
    pub requester_email: String,
    pub created_at: OffsetDateTime,
}

/// The open letter requests, oldest first.
pub async fn open_letter_requests(tx: &mut TenantTx) -> Result<Vec<LetterRequest>, sqlx::Error> {
    sqlx::query_as!(
        LetterRequest,
        r#"SELECT q.id AS "id: LetterRequestId", q.client_number,
                  q.client_record_id AS "client_record_id: ClientRecordId",
                  r.name AS "client_name?", a.name AS requester_name,
                  a.email AS requester_email, q.created_at
             FROM letter_requests q
             LEFT JOIN client_records r ON r.id = q.client_record_id
             JOIN platform.accounts a ON a.id = q.requested_by
            WHERE q.handled_at IS NULL
            ORDER BY q.created_at, q.id"#,
    )
    .fetch_all(tx.conn())
    .await
}

/// Marks requests handled; returns the client records of those that had one (each once).
pub async fn handle_letter_requests(
    tx: &mut TenantTx,
    ids: &[LetterRequestId],
    now: OffsetDateTime,
) -> Result<Vec<ClientRecordId>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"WITH done AS (
               UPDATE letter_requests SET handled_at = $2
                WHERE id = ANY($1) AND handled_at IS NULL
               RETURNING client_record_id)
           SELECT DISTINCT client_record_id AS "client_record_id!: ClientRecordId"
             FROM done WHERE client_record_id IS NOT NULL"#,
        ids as &[LetterRequestId],
        now,
    )
    .fetch_all(tx.conn())
    .await
}
