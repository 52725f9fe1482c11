//! The organisation's employees (API-2): name, role and photo. They live in the tenant's schema:
//! call these inside a [`TenantTx`].
//!
//! [`TenantTx`]: crate::tenancy::TenantTx

use serde::Serialize;
use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::accounts::PersonName;

pub const ROLE_MAX: usize = 80;

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

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Employee {
    pub id: Uuid,
    pub name: String,
    pub role: String,
    pub photo_key: Option<String>,
}

pub async fn list(conn: &mut PgConnection) -> Result<Vec<Employee>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, role, photo_key FROM employees ORDER BY lower(name), id")
        .fetch_all(conn)
        .await
}

pub async fn find(conn: &mut PgConnection, id: Uuid) -> Result<Option<Employee>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, role, photo_key FROM employees WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await
}

pub async fn create(
    conn: &mut PgConnection,
    fields: &EmployeeFields,
    now: OffsetDateTime,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO employees (id, name, role, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(id)
    .bind(fields.name.as_str())
    .bind(&fields.role)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(id)
}

/// Whether the employee existed (and was changed).
pub async fn update(
    conn: &mut PgConnection,
    id: Uuid,
    fields: &EmployeeFields,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE employees SET name = $2, role = $3, updated_at = $4 WHERE id = $1")
            .bind(id)
            .bind(fields.name.as_str())
            .bind(&fields.role)
            .bind(now)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Points the employee at a new photo (or none); returns the photo it replaced. `None` when the
/// employee does not exist.
pub async fn set_photo(
    conn: &mut PgConnection,
    id: Uuid,
    key: Option<&str>,
    now: OffsetDateTime,
) -> Result<Option<Option<String>>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE employees e SET photo_key = $2, updated_at = $3
           FROM (SELECT id, photo_key FROM employees WHERE id = $1 FOR UPDATE) old
          WHERE e.id = old.id
         RETURNING old.photo_key",
    )
    .bind(id)
    .bind(key)
    .bind(now)
    .fetch_optional(conn)
    .await
}

/// Removes the employee; returns their photo key, or `None` when there was no such employee.
pub async fn delete(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Option<Option<String>>, sqlx::Error> {
    sqlx::query_scalar("DELETE FROM employees WHERE id = $1 RETURNING photo_key")
        .bind(id)
        .fetch_optional(conn)
        .await
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
