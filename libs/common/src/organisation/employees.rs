//! The organisation's employees (API-2): name, role and photo. They live in the tenant's schema,
//! reached through a [`TenantTx`].

use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::accounts::{AccountId, PersonName};
use crate::audit::trail;
use crate::infra::tenancy::TenantTx;

pub const ROLE_MAX: usize = 80;

crate::typed_id! {
    /// An employee's id (`employees.id` in the tenant schema).
    pub struct EmployeeId;
}

/// What the admin typed, checked: each field that is wrong names its catalogue key.
#[derive(Debug, Clone)]
pub struct EmployeeFields {
    pub name: PersonName,
    pub role: String,
}

impl EmployeeFields {
    /// The checked fields, or the (field, catalogue key) of every problem.
    pub fn parse(name: &str, role: &str) -> Result<Self, Vec<(&'static str, &'static str)>> {
        let mut problems = Vec::new();
        let name = PersonName::parse(name)
            .map_err(|_| problems.push(("name", "admin-employee-name-invalid")))
            .ok();
        let role = role.trim();
        let role_ok =
            (1..=ROLE_MAX).contains(&role.chars().count()) && !role.chars().any(char::is_control);
        if !role_ok {
            problems.push(("role", "admin-employee-role-invalid"));
        }
        match name {
            Some(name) if problems.is_empty() => Ok(Self {
                name,
                role: role.to_owned(),
            }),
            _ => Err(problems),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Employee {
    pub id: EmployeeId,
    pub name: String,
    pub role: String,
    pub photo_key: Option<String>,
}

pub async fn list(tx: &mut TenantTx) -> Result<Vec<Employee>, sqlx::Error> {
    sqlx::query_as!(
        Employee,
        r#"SELECT id AS "id: EmployeeId", name, role, photo_key
             FROM employees ORDER BY lower(name), id"#
    )
    .fetch_all(tx.conn())
    .await
}

pub async fn find(tx: &mut TenantTx, id: EmployeeId) -> Result<Option<Employee>, sqlx::Error> {
    sqlx::query_as!(
        Employee,
        r#"SELECT id AS "id: EmployeeId", name, role, photo_key FROM employees WHERE id = $1"#,
        id as EmployeeId,
    )
    .fetch_optional(tx.conn())
    .await
}

pub async fn create(
    tx: &mut TenantTx,
    actor: AccountId,
    fields: &EmployeeFields,
    now: OffsetDateTime,
) -> Result<EmployeeId, sqlx::Error> {
    let id = EmployeeId(Uuid::now_v7());
    sqlx::query!(
        "INSERT INTO employees (id, name, role, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)",
        id as EmployeeId,
        fields.name.as_str(),
        fields.role,
        now,
    )
    .execute(tx.conn())
    .await?;
    let detail =
        serde_json::json!({ "employee": id.0, "name": fields.name.as_str(), "role": fields.role });
    trail::record(tx, actor, "employee.created", detail, now).await?;
    Ok(id)
}

/// Whether the employee existed (and was changed).
pub async fn update(
    tx: &mut TenantTx,
    actor: AccountId,
    id: EmployeeId,
    fields: &EmployeeFields,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    let before = sqlx::query!(
        r#"UPDATE employees e SET name = $2, role = $3, updated_at = $4
             FROM (SELECT id, name, role FROM employees WHERE id = $1 FOR UPDATE) old
            WHERE e.id = old.id
           RETURNING old.name AS "name!", old.role AS "role!""#,
        id as EmployeeId,
        fields.name.as_str(),
        fields.role,
        now,
    )
    .fetch_optional(tx.conn())
    .await?;
    let Some(before) = before else {
        return Ok(false);
    };
    let detail = serde_json::json!({
        "employee": id.0,
        "before": { "name": before.name, "role": before.role },
        "after": { "name": fields.name.as_str(), "role": fields.role },
    });
    trail::record(tx, actor, "employee.changed", detail, now).await?;
    Ok(true)
}

/// Points the employee at a new photo (or none); returns the photo it replaced. `None` when the
/// employee does not exist.
pub async fn set_photo(
    tx: &mut TenantTx,
    actor: AccountId,
    id: EmployeeId,
    key: Option<&str>,
    now: OffsetDateTime,
) -> Result<Option<Option<String>>, sqlx::Error> {
    let old = sqlx::query_scalar!(
        r#"UPDATE employees e SET photo_key = $2, updated_at = $3
             FROM (SELECT id, photo_key FROM employees WHERE id = $1 FOR UPDATE) old
            WHERE e.id = old.id
           RETURNING old.photo_key AS "photo_key?""#,
        id as EmployeeId,
        key,
        now,
    )
    .fetch_optional(tx.conn())
    .await?;
    if old.is_some() {
        let action = if key.is_some() {
            "employee.photo_set"
        } else {
            "employee.photo_removed"
        };
        trail::record(
            tx,
            actor,
            action,
            serde_json::json!({ "employee": id.0 }),
            now,
        )
        .await?;
    }
    Ok(old)
}

/// Removes the employee; returns their photo key, or `None` when there was no such employee.
pub async fn delete(
    tx: &mut TenantTx,
    actor: AccountId,
    id: EmployeeId,
    now: OffsetDateTime,
) -> Result<Option<Option<String>>, sqlx::Error> {
    let gone = sqlx::query!(
        "DELETE FROM employees WHERE id = $1 RETURNING name, photo_key",
        id as EmployeeId,
    )
    .fetch_optional(tx.conn())
    .await?;
    let Some(gone) = gone else {
        return Ok(None);
    };
    let detail = serde_json::json!({ "employee": id.0, "name": gone.name });
    trail::record(tx, actor, "employee.deleted", detail, now).await?;
    Ok(Some(gone.photo_key))
}

#[cfg(test)]
mod tests {
    use super::EmployeeFields;

    #[test]
    fn fields_are_checked_one_by_one() {
        let ok = EmployeeFields::parse("  Sanne Bakker ", " Wijkverpleegkundige ").unwrap();
        assert_eq!(ok.name.as_str(), "Sanne Bakker");
        assert_eq!(ok.role, "Wijkverpleegkundige");
        assert_eq!(
            EmployeeFields::parse("", "").unwrap_err(),
            vec![
                ("name", "admin-employee-name-invalid"),
                ("role", "admin-employee-role-invalid")
            ]
        );
        assert!(EmployeeFields::parse("Sanne", &"x".repeat(81)).is_err());
    }
}
