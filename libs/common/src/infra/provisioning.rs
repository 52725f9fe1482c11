//! Creating, suspending and deleting tenants: the operator's side of tenancy. Each tenant is a
//! row in the platform schema, a schema of its own with every tenant migration, and the objects
//! under its key prefix.

use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use crate::infra::db::{migrate_tenant_schema, MigrateError};
use crate::infra::storage::{ObjectKey, ObjectStore, StorageError};
use crate::infra::tenancy::{
    find_tenant, Color, HostName, TenancyError, Tenant, TenantId, TenantSlug, TenantStatus,
};

#[derive(Debug, thiserror::Error)]
pub enum ProvisioningError {
    #[error("tenant {0} does not exist")]
    NotFound(String),
    #[error("tenant {0} already exists")]
    AlreadyExists(String),
    #[error("host {0} already belongs to a tenant")]
    HostTaken(String),
    #[error("migrating the tenant schema: {0}")]
    Migrate(#[from] MigrateError),
    #[error(transparent)]
    Tenancy(#[from] TenancyError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// What an operator gives to create a tenant.
#[derive(Debug, Clone)]
pub struct NewTenant {
    pub slug: TenantSlug,
    pub display_name: String,
    pub hosts: Vec<HostName>,
    pub primary_color: Option<Color>,
    pub accent_color: Option<Color>,
    pub welcome_text: Option<String>,
    pub support_phone: Option<String>,
    pub support_email: Option<String>,
}

/// Registers the tenant and creates its schema with every tenant migration, in one transaction.
pub async fn create_tenant(db: &PgPool, new: &NewTenant) -> Result<Tenant, ProvisioningError> {
    let mut tx = db.begin().await?;
    let id = TenantId(Uuid::now_v7());
    let inserted = sqlx::query!(
        "INSERT INTO platform.tenants (id, slug, display_name, primary_color, accent_color,
                                       welcome_text, support_phone, support_email)
         VALUES ($1, $2, $3, coalesce($4, '#1d4f91'), coalesce($5, '#e07a10'), $6, $7, $8)
         ON CONFLICT (slug) DO NOTHING",
        id as TenantId,
        new.slug.as_str(),
        new.display_name,
        new.primary_color.as_ref().map(Color::as_str),
        new.accent_color.as_ref().map(Color::as_str),
        new.welcome_text,
        new.support_phone,
        new.support_email,
    )
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(ProvisioningError::AlreadyExists(new.slug.to_string()));
    }
    for host in &new.hosts {
        let added = sqlx::query!(
            "INSERT INTO platform.tenant_hosts (host, tenant_id) VALUES ($1, $2)
             ON CONFLICT (host) DO NOTHING",
            host.as_str(),
            id as TenantId,
        )
        .execute(&mut *tx)
        .await?;
        if added.rows_affected() == 0 {
            return Err(ProvisioningError::HostTaken(host.as_str().to_owned()));
        }
    }
    migrate_tenant_schema(&mut tx, &new.slug).await?;
    tx.commit().await?;
    Ok(find_tenant(db, &new.slug).await?)
}

pub async fn set_tenant_status(
    db: impl PgExecutor<'_>,
    slug: &TenantSlug,
    status: TenantStatus,
) -> Result<(), ProvisioningError> {
    let updated = sqlx::query!(
        "UPDATE platform.tenants SET status = $2, updated_at = now() WHERE slug = $1",
        slug.as_str(),
        status as TenantStatus,
    )
    .execute(db)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(ProvisioningError::NotFound(slug.to_string()));
    }
    Ok(())
}

/// What deleting a tenant removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deleted {
    pub objects: usize,
}

/// Removes a tenant for good: every object under its key prefix, its schema, and its platform
/// rows (hosts, admins, invitations go with it). Nothing of another tenant is touched: objects
/// are found by the `<slug>/` prefix and the schema by the slug's own name.
///
/// Profile photos are the exception: they are stored under the account's home tenant, but the
/// account is platform-wide and goes on using other portals, so a photo an account still points
/// at (and its resized copy) stays.
pub async fn delete_tenant(
    db: &sqlx::PgPool,
    storage: &ObjectStore,
    slug: &TenantSlug,
) -> Result<Deleted, ProvisioningError> {
    let exists = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM platform.tenants WHERE slug = $1) AS "exists!""#,
        slug.as_str(),
    )
    .fetch_one(db)
    .await?;
    if !exists {
        return Err(ProvisioningError::NotFound(slug.to_string()));
    }
    // `starts_with` leaves out the missing keys, so every `k` is present.
    let photos: Vec<String> = sqlx::query_scalar!(
        r#"SELECT k AS "k!" FROM platform.accounts, LATERAL (VALUES (photo_key), (photo_upload_key)) AS v (k)
          WHERE starts_with(k, $1)"#,
        format!("{}/", slug.as_str()),
    )
    .fetch_all(db)
    .await?;
    let in_use = |raw: &str| {
        photos.iter().any(|photo| {
            raw == photo
                || raw
                    .strip_prefix(photo.as_str())
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    };
    let mut removed = 0;
    for raw in storage.list_tenant(slug).await? {
        if in_use(&raw) {
            continue;
        }
        if let Some(key) = ObjectKey::existing(slug, &raw) {
            storage.delete(&key).await?;
            removed += 1;
        }
    }
    let mut tx = db.begin().await?;
    // Runtime: DDL on a schema whose name comes from the slug at run time.
    sqlx::query(&format!(
        "DROP SCHEMA IF EXISTS \"{}\" CASCADE",
        slug.schema_name()
    ))
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "DELETE FROM platform.tenants WHERE slug = $1",
        slug.as_str()
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Deleted { objects: removed })
}
