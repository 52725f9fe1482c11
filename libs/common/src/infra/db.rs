//! The one PostgreSQL pool, and the migrations of the platform schema and of every tenant schema.
//!
//! sqlx's own migrator keeps its bookkeeping in the current schema and takes one advisory lock
//! per database, which serialises every tenant. Here each schema keeps its own
//! `schema_migrations` table and is locked on its own, so tenants migrate concurrently.
//! The SQL files are embedded (and checksummed) by `sqlx::migrate!`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{stream, StreamExt, TryStreamExt};
use secrecy::ExposeSecret;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgConnection, PgPool};

use crate::infra::config::DatabaseConfig;
use crate::infra::tenancy::TenantSlug;

static PLATFORM_MIGRATIONS: Migrator = sqlx::migrate!("migrations/platform");
static TENANT_MIGRATIONS: Migrator = sqlx::migrate!("migrations/tenant");

/// How many migrations every tenant schema goes through.
/// Runs `work` in a transaction on platform tables: commits when it returns `Ok`, rolls back
/// when it returns `Err`. Tenant tables are out of reach here (see `tenancy::in_tenant`).
pub async fn in_transaction<T, E>(
    db: &PgPool,
    work: impl AsyncFnOnce(&mut PgConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<sqlx::Error>,
{
    let mut tx = crate::infra::tenancy::begin_to_the_end(db, "BEGIN").await?;
    match work(&mut tx).await {
        Ok(value) => {
            tx.commit().await?;
            Ok(value)
        }
        Err(error) => {
            // A failed rollback closes the connection; the work's error is the one to report.
            let _ = tx.rollback().await;
            Err(error)
        }
    }
}

pub fn tenant_migration_count() -> usize {
    TENANT_MIGRATIONS.iter().count()
}

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("migration {version} of schema {schema} was changed after it was applied")]
    Changed { schema: String, version: i64 },
    #[error("platform.tenants holds an invalid slug {0:?}")]
    InvalidSlug(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

pub async fn connect(config: &DatabaseConfig) -> Result<PgPool, sqlx::Error> {
    let options: PgConnectOptions = config.url.expose_secret().parse()?;
    PgPoolOptions::new()
        .max_connections(config.max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options.application_name("zorgportaal"))
        .await
}

/// Applies every pending migration of `migrations` to `schema`, inside the caller's transaction.
async fn apply(
    conn: &mut PgConnection,
    schema: &str,
    migrations: &Migrator,
) -> Result<usize, MigrateError> {
    let quoted = format!("\"{schema}\"");
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtext('zorgportaal-migrate:' || $1))",
        schema,
    )
    .execute(&mut *conn)
    .await?;
    // Runtime: DDL on a schema named at run time.
    sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {quoted}"))
        .execute(&mut *conn)
        .await?;
    // Runtime: DDL in a schema named at run time.
    sqlx::query(&format!(
        "CREATE TABLE IF NOT EXISTS {quoted}.schema_migrations (
             version     bigint PRIMARY KEY,
             description text NOT NULL,
             checksum    bytea NOT NULL,
             applied_at  timestamptz NOT NULL DEFAULT now())"
    ))
    .execute(&mut *conn)
    .await?;
    // Runtime: the bookkeeping table's schema is named at run time.
    let applied: Vec<(i64, Vec<u8>)> = sqlx::query_as(&format!(
        "SELECT version, checksum FROM {quoted}.schema_migrations"
    ))
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query_scalar!("SELECT set_config('search_path', $1, true)", quoted)
        .fetch_one(&mut *conn)
        .await?;
    let mut count = 0;
    for migration in migrations.iter() {
        match applied.iter().find(|(v, _)| *v == migration.version) {
            Some((_, checksum)) if checksum.as_slice() == &*migration.checksum => continue,
            Some(_) => {
                return Err(MigrateError::Changed {
                    schema: schema.to_owned(),
                    version: migration.version,
                })
            }
            None => {}
        }
        sqlx::raw_sql(&migration.sql).execute(&mut *conn).await?;
        // Runtime: the bookkeeping table's schema is named at run time.
        sqlx::query(&format!(
            "INSERT INTO {quoted}.schema_migrations (version, description, checksum) VALUES ($1, $2, $3)"
        ))
        .bind(migration.version)
        .bind(&*migration.description)
        .bind(&*migration.checksum)
        .execute(&mut *conn)
        .await?;
        count += 1;
    }
    Ok(count)
}

pub async fn migrate_platform(db: &PgPool) -> Result<usize, MigrateError> {
    let mut tx = db.begin().await?;
    let applied = apply(&mut tx, "platform", &PLATFORM_MIGRATIONS).await?;
    tx.commit().await?;
    Ok(applied)
}

pub async fn migrate_tenant_schema(
    conn: &mut PgConnection,
    tenant: &TenantSlug,
) -> Result<usize, MigrateError> {
    apply(conn, &tenant.schema_name(), &TENANT_MIGRATIONS).await
}

#[derive(Debug, Clone, Copy)]
pub struct MigrationReport {
    pub tenants: usize,
    pub migrations_applied: usize,
    pub elapsed: Duration,
}

/// Migrates the platform schema, then every tenant schema, `concurrency` tenants at a time.
/// `progress` is called after each tenant with (done, total).
pub async fn migrate_all(
    db: &PgPool,
    concurrency: usize,
    progress: impl Fn(usize, usize) + Send + Sync,
) -> Result<MigrationReport, MigrateError> {
    let started = Instant::now();
    let platform = migrate_platform(db).await?;
    let tenants = migrate_tenants(db, &TENANT_MIGRATIONS, concurrency, progress).await?;
    Ok(MigrationReport {
        migrations_applied: platform + tenants.migrations_applied,
        elapsed: started.elapsed(),
        ..tenants
    })
}

/// Applies `migrations` to every tenant schema, `concurrency` tenants at a time: the tenant
/// half of [`migrate_all`], for a set of migrations of the caller's choosing (the benchmark
/// rolls out one more than the release has).
pub async fn migrate_tenants(
    db: &PgPool,
    migrations: &Migrator,
    concurrency: usize,
    progress: impl Fn(usize, usize) + Send + Sync,
) -> Result<MigrationReport, MigrateError> {
    let started = Instant::now();
    let slugs: Vec<String> = sqlx::query_scalar!("SELECT slug FROM platform.tenants ORDER BY slug")
        .fetch_all(db)
        .await?;
    let total = slugs.len();
    let done = Arc::new(AtomicUsize::new(0));
    let progress = &progress;
    let per_tenant: Vec<usize> = stream::iter(slugs)
        .map(|slug| {
            let done = done.clone();
            async move {
                let slug = TenantSlug::parse(&slug)
                    .map_err(|_| MigrateError::InvalidSlug(slug.clone()))?;
                let mut tx = db.begin().await?;
                let count = apply(&mut tx, &slug.schema_name(), migrations).await?;
                tx.commit().await?;
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                Ok::<_, MigrateError>(count)
            }
        })
        .buffer_unordered(concurrency.max(1))
        .try_collect()
        .await?;
    Ok(MigrationReport {
        tenants: total,
        migrations_applied: per_tenant.iter().sum(),
        elapsed: started.elapsed(),
    })
}
