//! Tenant isolation through the one pool: a tenant transaction sees only its own schema, and
//! every connection goes back to the pool with the default search_path.

use std::sync::Arc;

use common::tenancy::{begin_tenant, Tenant};
use sqlx::postgres::PgPoolOptions;
use sqlx::Row;
use zorgportaal_tests::{Services, TestPlatform};

async fn write_marker(platform: &TestPlatform, tenant: &Tenant) {
    let mut tx = begin_tenant(&platform.db, &tenant.slug).await.unwrap();
    sqlx::query("INSERT INTO settings (key, value) VALUES ('owner', to_jsonb($1::text))")
        .bind(tenant.slug.as_str())
        .execute(tx.conn())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn interleaved_transactions_never_see_the_other_tenant_and_leave_clean_connections() {
    let platform = TestPlatform::start_with(Services::WEB, &[]).await;
    let a = platform.create_tenant("Zorggroep A", "#1d4f91").await;
    let b = platform.create_tenant("Zorggroep B", "#7a1f5c").await;
    write_marker(&platform, &a).await;
    write_marker(&platform, &b).await;

    // A small pool forces every connection to serve both tenants many times over.
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .connect(&platform_database_url(&platform))
        .await
        .unwrap();
    let tenants = Arc::new([a.clone(), b.clone()]);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..400usize {
        let pool = pool.clone();
        let tenants = tenants.clone();
        tasks.spawn(async move {
            let tenant = &tenants[i % 2];
            let mut tx = begin_tenant(&pool, &tenant.slug).await.unwrap();
            let owner: String =
                sqlx::query_scalar("SELECT value #>> '{}' FROM settings WHERE key = 'owner'")
                    .fetch_one(tx.conn())
                    .await
                    .unwrap();
            assert_eq!(owner, tenant.slug.as_str(), "read another tenant's row");
            sqlx::query("INSERT INTO audit_events (actor, action) VALUES ($1, 'isolation-test')")
                .bind(tenant.slug.as_str())
                .execute(tx.conn())
                .await
                .unwrap();
            tokio::task::yield_now().await;
            if i % 3 == 0 {
                tx.rollback().await.unwrap();
            } else if i % 3 == 1 {
                tx.commit().await.unwrap();
            } else {
                drop(tx); // dropped without commit: rolled back when the connection returns
            }
        });
    }
    // Requests to both portals interleave with the transactions.
    for i in 0..200usize {
        let tenant = tenants[i % 2].clone();
        let other = tenants[(i + 1) % 2].display_name.clone();
        let http = platform.http.clone();
        let addr = platform.web_addr.unwrap();
        tasks.spawn(async move {
            let html = http
                .get(format!("http://{addr}/"))
                .header("Host", &tenant.hosts[0])
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(html.contains(&tenant.display_name) && !html.contains(&other));
        });
    }
    while let Some(result) = tasks.join_next().await {
        result.unwrap();
    }

    // Each tenant's audit rows are its own.
    for tenant in tenants.iter() {
        let mut tx = begin_tenant(&pool, &tenant.slug).await.unwrap();
        let foreign: i64 =
            sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE actor <> $1")
                .bind(tenant.slug.as_str())
                .fetch_one(tx.conn())
                .await
                .unwrap();
        assert_eq!(foreign, 0);
        tx.commit().await.unwrap();
    }

    // Every pooled connection carries the default search_path again, and without a tenant
    // transaction the tenant tables are out of reach.
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(pool.acquire().await.unwrap());
    }
    for conn in &mut held {
        let path: String = sqlx::query("SHOW search_path")
            .fetch_one(&mut **conn)
            .await
            .unwrap()
            .get(0);
        assert_eq!(path, "\"$user\", public");
        let outside = sqlx::query("SELECT count(*) FROM settings")
            .fetch_one(&mut **conn)
            .await;
        assert!(
            outside.is_err(),
            "tenant table reachable outside a tenant transaction"
        );
    }
    drop(held);
    pool.close().await;
    platform.finish().await;
}

fn platform_database_url(platform: &TestPlatform) -> String {
    use secrecy::ExposeSecret;
    platform.config.database.url.expose_secret().to_owned()
}
