//! Which employees are the persoonlijk begeleider of which clients: the tenant admin sets it
//! now, the record system through the integration API later. The staff inbox puts an
//! employee's own clients first.

use serde::Serialize;
use time::OffsetDateTime;

use crate::accounts::AccountId;
use crate::audit::trail;
use crate::care::page::ClientRecordId;
use crate::infra::tenancy::TenantTx;
use crate::organisation::employees::EmployeeId;

/// Makes `employee` a begeleider of `client` (idempotent); false when either is unknown.
pub async fn assign(
    tx: &mut TenantTx,
    actor: AccountId,
    employee: EmployeeId,
    client: ClientRecordId,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    let added = sqlx::query!(
        "INSERT INTO client_assignments (employee_id, client_record_id, assigned_at)
         SELECT e.id, c.id, $3 FROM employees e, client_records c
          WHERE e.id = $1 AND c.id = $2
         ON CONFLICT DO NOTHING",
        employee as EmployeeId,
        client as ClientRecordId,
        now,
    )
    .execute(tx.conn())
    .await?
    .rows_affected();
    if added > 0 {
        let detail = serde_json::json!({ "employee": employee.0, "client": client.0 });
        trail::record(tx, actor, "staff.assigned", detail, now).await?;
    }
    let exists = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM client_assignments
                           WHERE employee_id = $1 AND client_record_id = $2) AS "exists!""#,
        employee as EmployeeId,
        client as ClientRecordId,
    )
    .fetch_one(tx.conn())
    .await?;
    Ok(exists)
}

/// Ends the assignment (idempotent).
pub async fn unassign(
    tx: &mut TenantTx,
    actor: AccountId,
    employee: EmployeeId,
    client: ClientRecordId,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    let removed = sqlx::query!(
        "DELETE FROM client_assignments WHERE employee_id = $1 AND client_record_id = $2",
        employee as EmployeeId,
        client as ClientRecordId,
    )
    .execute(tx.conn())
    .await?
    .rows_affected();
    if removed > 0 {
        let detail = serde_json::json!({ "employee": employee.0, "client": client.0 });
        trail::record(tx, actor, "staff.unassigned", detail, now).await?;
    }
    Ok(())
}

/// A begeleider of a client, as the client's admin page lists them.
#[derive(Debug, Clone, Serialize)]
pub struct Begeleider {
    pub employee: EmployeeId,
    pub name: String,
    pub role: String,
}

/// The employees assigned to `client`, by name.
pub async fn of_client(
    tx: &mut TenantTx,
    client: ClientRecordId,
) -> Result<Vec<Begeleider>, sqlx::Error> {
    sqlx::query_as!(
        Begeleider,
        r#"SELECT e.id AS "employee: EmployeeId", e.name, e.role
             FROM client_assignments a JOIN employees e ON e.id = a.employee_id
            WHERE a.client_record_id = $1
            ORDER BY e.name, e.id"#,
        client as ClientRecordId,
    )
    .fetch_all(tx.conn())
    .await
}
