//! Benchmark databases: many tenants, each with a settings row to read; and migrate times.

use std::time::Instant;

use anyhow::Context;
use common::infra::config::Config;
use common::infra::tenancy::{in_tenant, TenantSlug};
use secrecy::ExposeSecret;
use sqlx::migrate::Migrator;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgPool};
use uuid::Uuid;

pub struct BenchDatabase {
    pub config: Config,
    pub db: PgPool,
    name: String,
    pub tenants: usize,
}

pub const DEMO_HOST: &str = "demo.bench.localhost";

pub fn tenant_host(i: usize) -> String {
    format!("b{i:04}.bench.localhost")
}

async fn admin(config: &Config) -> anyhow::Result<sqlx::PgConnection> {
    let options: PgConnectOptions = config.database.url.expose_secret().parse()?;
    Ok(options.database("postgres").connect().await?)
}

/// A fresh database; returns its config and name.
async fn fresh_database(config: &Config, label: &str) -> anyhow::Result<(Config, String)> {
    let name = format!(
        "zp_bench_{label}_{}",
        &Uuid::new_v4().simple().to_string()[..8]
    );
    let mut admin = admin(config).await?;
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut admin)
        .await?;
    admin.close().await?;
    let mut config = config.clone();
    let base = config.database.url.expose_secret().to_owned();
    let without_db = base
        .rsplit_once('/')
        .map(|(a, _)| a)
        .unwrap_or(&base)
        .to_owned();
    config.database.url = format!("{without_db}/{name}").into();
    config.database.max_connections = 40;
    Ok((config, name))
}

async fn drop_database(config: &Config, name: &str) {
    if let Ok(mut admin) = admin(config).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .execute(&mut admin)
            .await;
    }
}

/// Registers `count` tenants (hosts `bNNNN.bench.localhost`) without creating their schemas.
async fn register_tenants(db: &PgPool, from: usize, count: usize) -> anyhow::Result<()> {
    sqlx::query(
        "WITH new AS (
             INSERT INTO platform.tenants (id, slug, display_name)
             SELECT gen_random_uuid(), 'b' || lpad(n::text, 4, '0'), 'Organisatie ' || n
               FROM generate_series($1::int, $2::int) AS n
             RETURNING id, slug)
         INSERT INTO platform.tenant_hosts (host, tenant_id)
         SELECT slug || '.bench.localhost', id FROM new",
    )
    .bind(i32::try_from(from)?)
    .bind(i32::try_from(from + count - 1)?)
    .execute(db)
    .await?;
    Ok(())
}

/// `zorgctl migrate`'s work for 200 and for 1,000 new tenant schemas, and a second run.
pub async fn migrate_figures(config: &Config) -> anyhow::Result<Vec<String>> {
    let mut figures = Vec::new();
    for count in [200usize, 1_000] {
        let (config_n, name) = fresh_database(config, "migrate").await?;
        let result = async {
            let db = common::infra::db::connect(&config_n.database).await?;
            common::infra::db::migrate_platform(&db).await?;
            register_tenants(&db, 1, count).await?;
            let first = common::infra::db::migrate_all(&db, 8, |_, _| {}).await?;
            let again = common::infra::db::migrate_all(&db, 8, |_, _| {}).await?;
            figures.push(format!(
                "{count:>5} new tenant schemas: {:>6.2} s ({} migrations); again, nothing to do: {:.2} s",
                first.elapsed.as_secs_f64(),
                first.migrations_applied,
                again.elapsed.as_secs_f64()
            ));
            let next_release = with_one_more_migration().await?;
            let rollout =
                common::infra::db::migrate_tenants(&db, &next_release, 8, |_, _| {}).await?;
            db.close().await;
            figures.push(format!(
                "{count:>5} existing tenants, one new migration: {:>6.2} s ({} applied)",
                rollout.elapsed.as_secs_f64(),
                rollout.migrations_applied
            ));
            anyhow::Ok(())
        }
        .await;
        drop_database(config, &name).await;
        result?;
    }
    Ok(figures)
}

/// The tenant migrations of this release plus one more, as the next release would bring: a
/// column and an index on a table every tenant has.
async fn with_one_more_migration() -> anyhow::Result<Migrator> {
    let dir = std::env::temp_dir().join(format!(
        "zorgportaal-bench-migrations-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir)?;
    for entry in std::fs::read_dir("libs/common/migrations/tenant")? {
        let path = entry?.path();
        if let Some(name) = path.file_name() {
            std::fs::copy(&path, dir.join(name))?;
        }
    }
    std::fs::write(
        dir.join("9999_bench_next_release.sql"),
        "ALTER TABLE settings ADD COLUMN bench_note text;\n\
         CREATE INDEX settings_bench_note ON settings (bench_note);\n",
    )?;
    let migrator = Migrator::new(dir.as_path()).await?;
    std::fs::remove_dir_all(&dir)?;
    Ok(migrator)
}

impl BenchDatabase {
    pub async fn create(config: &Config, tenants: usize) -> anyhow::Result<Self> {
        let started = Instant::now();
        let (config, name) = fresh_database(config, "http").await?;
        let db = common::infra::db::connect(&config.database).await?;
        common::infra::db::migrate_platform(&db).await?;
        sqlx::query(
            "WITH t AS (INSERT INTO platform.tenants (id, slug, display_name)
                        VALUES (gen_random_uuid(), 'demo', 'Zorggroep De Linde') RETURNING id)
             INSERT INTO platform.tenant_hosts (host, tenant_id) SELECT $1, id FROM t",
        )
        .bind(DEMO_HOST)
        .execute(&db)
        .await?;
        register_tenants(&db, 1, tenants).await?;
        common::infra::db::migrate_all(&db, 8, |_, _| {}).await?;
        let slugs: Vec<String> = sqlx::query_scalar("SELECT slug FROM platform.tenants")
            .fetch_all(&db)
            .await?;
        for slug in slugs {
            let slug = TenantSlug::parse(&slug)?;
            in_tenant(&db, &slug, async |tx| {
                sqlx::query(
                    "INSERT INTO settings (key, value) VALUES ('owner', to_jsonb($1::text))",
                )
                .bind(slug.as_str())
                .execute(tx.conn())
                .await
            })
            .await?;
        }
        println!(
            "\nset-up: {tenants} tenants with a settings row each, in {:.1} s\n",
            started.elapsed().as_secs_f64()
        );
        Ok(Self {
            config,
            db,
            name,
            tenants,
        })
    }

    pub async fn drop_database(&self) {
        self.db.close().await;
        drop_database(&self.config, &self.name).await;
    }
}

pub fn check(ok: bool) -> &'static str {
    if ok {
        "meets target"
    } else {
        "BELOW TARGET"
    }
}

pub fn context_err<T>(value: Option<T>, what: &str) -> anyhow::Result<T> {
    value.with_context(|| what.to_owned())
}
