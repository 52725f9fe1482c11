//! `zorgctl migrate` over many tenant schemas: finishes, says how long it took, and is a no-op
//! the second time.

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
    let applied = TENANTS * common::infra::db::tenant_migration_count() as i64;
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

#[tokio::test]
async fn a_changed_migration_is_refused() {
    let platform = TestPlatform::start_with(Services::NONE, &[]).await;
    sqlx::query("UPDATE platform.schema_migrations SET checksum = '\\x00' WHERE version = 1")
        .execute(&platform.db)
        .await
        .unwrap();
    let error = common::infra::db::migrate_platform(&platform.db)
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("was changed after it was applied"),
        "{error}"
    );
    platform.finish().await;
}
