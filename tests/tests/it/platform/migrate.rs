//! `zorgctl migrate` over many tenant schemas: finishes, says how long it took, and is a no-op
//! the second time. A migration changed after it was applied, to the platform schema or to a
//! tenant's, stops it.

use common::infra::db::{self, MigrateError};
use zorgportaal_tests::{Services, TestPlatform};

const TENANTS: i64 = 200;

#[tokio::test]
async fn migrate_rolls_out_to_200_tenant_schemas_once() {
    let platform = TestPlatform::start_with(Services::NONE, &[]).await;
    // Registered tenants whose schemas do not exist yet, as after adding a tenant migration.
    sqlx::query(
        "INSERT INTO platform.tenants (id, slug, display_name)
         SELECT gen_random_uuid(), 'm' || lpad(n::text, 4, '0'), 'Organisatie ' || n
           FROM generate_series(1, $1) AS n",
    )
    .bind(TENANTS)
    .execute(&platform.db)
    .await
    .unwrap();

    let first = platform.zorgctl(&["migrate", "--concurrency", "8"]);
    println!("{first}");
    let applied = TENANTS * db::tenant_migration_count() as i64;
    assert!(
        first.contains(&format!(
            "{TENANTS} tenant schemas checked, {applied} migrations applied, in "
        )),
        "{first}"
    );
    assert!(first.trim_end().ends_with(" s"), "states the time: {first}");

    let schemas: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.tables
          WHERE table_schema LIKE 'tenant_m%' AND table_name = 'audit_events'",
    )
    .fetch_one(&platform.db)
    .await
    .unwrap();
    assert_eq!(schemas, TENANTS);

    let second = platform.zorgctl(&["migrate"]);
    println!("{second}");
    assert!(
        second.contains(&format!(
            "{TENANTS} tenant schemas checked, 0 migrations applied"
        )),
        "{second}"
    );
    platform.finish().await;
}

/// Makes migration 1 of `schema` look changed after it was applied: its recorded checksum no
/// longer matches the file's.
async fn change_first_migration(platform: &TestPlatform, schema: &str) {
    sqlx::query(&format!(
        "UPDATE \"{schema}\".schema_migrations SET checksum = '\\x00' WHERE version = 1"
    ))
    .execute(&platform.db)
    .await
    .unwrap();
}

fn assert_refused_as_changed(error: &MigrateError, schema: &str) {
    assert!(
        matches!(
            error,
            MigrateError::Changed { schema: refused, version: 1 } if refused == schema
        ),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("was changed after it was applied"),
        "{error}"
    );
}

#[tokio::test]
async fn a_changed_migration_is_refused() {
    let platform = TestPlatform::start_with(Services::NONE, &[]).await;
    change_first_migration(&platform, "platform").await;
    let error = db::migrate_platform(&platform.db).await.unwrap_err();
    assert_refused_as_changed(&error, "platform");
    platform.finish().await;
}

#[tokio::test]
async fn a_changed_tenant_migration_is_refused() {
    let platform = TestPlatform::start_with(Services::NONE, &[]).await;
    let changed = platform
        .create_tenant("Zorggroep Gewijzigd", "#1d4f91")
        .await;
    platform
        .create_tenant("Zorggroep Ongewijzigd", "#1d4f91")
        .await;
    change_first_migration(&platform, &changed.slug.schema_name()).await;
    let error = db::migrate_all(&platform.db, 2, |_, _| {})
        .await
        .unwrap_err();
    assert_refused_as_changed(&error, &changed.slug.schema_name());
    platform.finish().await;
}
