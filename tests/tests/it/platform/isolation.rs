//! Tenant isolation through the one pool: a tenant transaction sees only its own schema, and
//! every connection goes back to the pool with the default search_path.

use std::sync::Arc;

use common::infra::tenancy::{in_tenant, in_tenant_read_only, Tenant};
use sqlx::postgres::PgPoolOptions;
use sqlx::Row;
use zorgportaal_tests::tenants::RollBack;
use zorgportaal_tests::{Services, TestPlatform};

/// Marks the tenant's own tables with its slug: a setting the transactions below read, and a
/// question in its FAQ, so a page that shows the FAQ shows whose tables it read.
async fn write_markers(platform: &TestPlatform, tenant: &Tenant) {
    in_tenant(&platform.db, &tenant.slug, async |tx| {
        for marker in [
            "INSERT INTO settings (key, value) VALUES ('owner', to_jsonb($1::text))",
            "INSERT INTO faq_entries (language, position, question, answer)
             VALUES ('nl', 0, 'Alleen voor ' || $1, 'Uit het eigen schema.')",
        ] {
            sqlx::query(marker)
                .bind(tenant.slug.as_str())
                .execute(tx.conn())
                .await?;
        }
        Ok::<_, sqlx::Error>(())
    })
    .await
    .unwrap();
}

/// The marker the transaction reads must be its own tenant's.
async fn assert_reads_own_marker(
    tx: &mut common::infra::tenancy::TenantTx,
    tenant: &Tenant,
) -> Result<(), sqlx::Error> {
    let owner: String =
        sqlx::query_scalar("SELECT value #>> '{}' FROM settings WHERE key = 'owner'")
            .fetch_one(tx.conn())
            .await?;
    assert_eq!(owner, tenant.slug.as_str(), "read another tenant's row");
    Ok(())
}

/// How one of the interleaved transactions ends.
#[derive(Debug, Clone, Copy)]
enum Ending {
    /// Deliberately not committed: the work returns an error, so `in_tenant` rolls back.
    RolledBack,
    Committed,
    /// The future running the transaction is dropped mid-work (a request whose client went
    /// away), so the transaction is dropped open, without commit or rollback: it is rolled
    /// back when its connection returns to the pool.
    Abandoned,
}

/// Reads the tenant's marker (it must be the tenant's own) and writes an audit row, in a
/// tenant transaction on `pool` that ends as `ending` says.
async fn read_and_write(pool: &sqlx::PgPool, tenant: &Tenant, ending: Ending) {
    let (in_work, reached) = tokio::sync::oneshot::channel::<()>();
    let transaction = in_tenant(pool, &tenant.slug, async |tx| {
        assert_reads_own_marker(tx, tenant).await?;
        sqlx::query("INSERT INTO audit_events (actor, action) VALUES ($1, 'isolation-test')")
            .bind(tenant.slug.as_str())
            .execute(tx.conn())
            .await?;
        tokio::task::yield_now().await;
        match ending {
            Ending::RolledBack => Err(RollBack::Deliberate),
            Ending::Committed => Ok(()),
            Ending::Abandoned => {
                let _ = in_work.send(());
                std::future::pending().await
            }
        }
    });
    match ending {
        Ending::RolledBack => {
            let result = transaction.await;
            assert!(matches!(result, Err(RollBack::Deliberate)), "{result:?}");
        }
        Ending::Committed => transaction.await.unwrap(),
        Ending::Abandoned => {
            tokio::select! {
                _ = transaction => unreachable!("the abandoned transaction never ends by itself"),
                reached = reached => reached.expect("the work reached its end"),
            }
            // `transaction`, and the open transaction in it, are dropped here.
        }
    }
}

/// Reads the tenant's marker through the read-only door (it must be the tenant's own), then
/// tries to write: PostgreSQL refuses, so a page that reads can never change a tenant's data.
async fn read_only(pool: &sqlx::PgPool, tenant: &Tenant) {
    let refused = in_tenant_read_only(pool, &tenant.slug, async |tx| {
        assert_reads_own_marker(tx, tenant).await?;
        sqlx::query("INSERT INTO audit_events (actor, action) VALUES ($1, 'isolation-test')")
            .bind(tenant.slug.as_str())
            .execute(tx.conn())
            .await
            .map(drop)
    })
    .await
    .expect_err("a write in the read-only door went through");
    let code = refused
        .as_database_error()
        .and_then(|e| e.code())
        .map(|c| c.into_owned());
    // 25006: read_only_sql_transaction.
    assert_eq!(code.as_deref(), Some("25006"), "{refused}");
}

/// The web service's pool: small, so its connections serve both tenants' pages in turn.
const WEB_CONNECTIONS: u32 = 3;

/// Every idle connection of `pool` carries the default search_path again, and without a tenant
/// transaction the tenant tables are out of reach. Returns how many connections it checked.
async fn assert_idle_connections_are_clean(pool: &sqlx::PgPool, what: &str) -> usize {
    let mut held = Vec::new();
    for _ in 0..pool.num_idle() {
        held.push(pool.acquire().await.unwrap());
    }
    for conn in &mut held {
        let path: String = sqlx::query("SHOW search_path")
            .fetch_one(&mut **conn)
            .await
            .unwrap()
            .get(0);
        assert_eq!(
            path, "\"$user\", public",
            "{what}: a connection kept a tenant's path"
        );
        let outside = sqlx::query("SELECT count(*) FROM settings")
            .fetch_one(&mut **conn)
            .await;
        assert!(
            outside.is_err(),
            "{what}: tenant table reachable outside a tenant transaction"
        );
    }
    held.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn interleaved_transactions_never_see_the_other_tenant_and_leave_clean_connections() {
    let platform = TestPlatform::start_with(
        Services::WEB,
        &[("DATABASE_MAX_CONNECTIONS", WEB_CONNECTIONS.to_string())],
    )
    .await;
    let a = platform.create_tenant("Zorggroep A", "#1d4f91").await;
    let b = platform.create_tenant("Zorggroep B", "#7a1f5c").await;
    write_markers(&platform, &a).await;
    write_markers(&platform, &b).await;

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
            let ending = [Ending::RolledBack, Ending::Committed, Ending::Abandoned][i % 3];
            read_and_write(&pool, tenant, ending).await;
        });
    }
    // Read-only transactions end without a round trip of their own: their rollback goes out
    // with the pool's check of the returned connection, before another task gets it.
    for i in 0..200usize {
        let pool = pool.clone();
        let tenants = tenants.clone();
        tasks.spawn(async move { read_only(&pool, &tenants[i % 2]).await });
    }
    // Requests to both portals interleave with the transactions. The FAQ page reads the
    // tenant's own table through the read-only door, on the web service's small pool: each of
    // its few connections serves one tenant's page after the other's.
    for i in 0..200usize {
        let tenant = tenants[i % 2].clone();
        let other = tenants[(i + 1) % 2].slug.clone();
        let http = platform.http.clone();
        let addr = platform.web_addr.unwrap();
        tasks.spawn(async move {
            let response = http
                .get(format!("http://{addr}/veelgestelde-vragen"))
                .header("Host", &tenant.hosts[0])
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), reqwest::StatusCode::OK);
            let html = response.text().await.unwrap();
            assert!(
                html.contains(&format!("Alleen voor {}", tenant.slug)),
                "{} did not read its own FAQ: {html}",
                tenant.slug
            );
            assert!(
                !html.contains(&format!("Alleen voor {other}")),
                "{} read the FAQ of {other}",
                tenant.slug
            );
        });
    }
    while let Some(result) = tasks.join_next().await {
        result.unwrap();
    }

    // Each tenant's audit rows are its own.
    for tenant in tenants.iter() {
        let (foreign, own): (i64, i64) = in_tenant(&pool, &tenant.slug, async |tx| {
            sqlx::query_as(
                "SELECT count(*) FILTER (WHERE actor <> $1),
                        count(*) FILTER (WHERE actor = $1 AND action = 'isolation-test')
                   FROM audit_events",
            )
            .bind(tenant.slug.as_str())
            .fetch_one(tx.conn())
            .await
        })
        .await
        .unwrap();
        assert_eq!(foreign, 0);
        // Only the committed third stays: neither a rolled-back nor an abandoned one does.
        let committed = (0..400usize)
            .filter(|i| tenants[i % 2].slug == tenant.slug && i % 3 == 1)
            .count();
        assert_eq!(own, i64::try_from(committed).unwrap());
    }

    // Every pooled connection, of the test's pool and of the web service's, carries the
    // default search_path again, and without a tenant transaction the tenant tables are out of
    // reach.
    for (pool, what) in [
        (&pool, "the test's pool"),
        (&platform.db, "the web service's pool"),
    ] {
        let checked = assert_idle_connections_are_clean(pool, what).await;
        assert!(checked >= 1, "{what}: no idle connection to check");
    }
    pool.close().await;
    platform.finish().await;
}

fn platform_database_url(platform: &TestPlatform) -> String {
    use secrecy::ExposeSecret;
    platform.config.database.url.expose_secret().to_owned()
}

/// A request dropped while its tenant transaction is beginning (the browser went away) must not
/// leave its connection inside that transaction: the next user of the connection would work in
/// a read-only transaction, or under the other tenant's schema.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_abandoned_while_it_begins_leaves_no_transaction_behind() {
    let platform = TestPlatform::start_with(Services::NONE, &[]).await;
    let tenant = platform.create_tenant("Zorggroep A", "#1d4f91").await;
    write_markers(&platform, &tenant).await;
    // One connection: every attempt reuses the one the last attempt may have spoilt.
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect(&platform_database_url(&platform))
        .await
        .unwrap();
    let mut cut_while_beginning = 0;
    for attempt in 0..2000u64 {
        // Deadlines spread over the time a begin takes, so some fall while it is on the wire.
        let deadline = std::time::Duration::from_micros(attempt % 400);
        let reading = in_tenant_read_only(&pool, &tenant.slug, async |tx| {
            sqlx::query_scalar::<_, String>(
                "SELECT value #>> '{}' FROM settings WHERE key = 'owner'",
            )
            .fetch_one(tx.conn())
            .await
        });
        if tokio::time::timeout(deadline, reading).await.is_err() {
            cut_while_beginning += 1;
        }
        let mut conn = pool.acquire().await.unwrap();
        // Outside a transaction this is the default, off; inside the abandoned read-only one, on.
        let read_only: String =
            sqlx::query_scalar("SELECT current_setting('transaction_read_only')")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
        assert_eq!(
            read_only, "off",
            "attempt {attempt}: the connection came back inside an abandoned transaction"
        );
    }
    assert!(cut_while_beginning > 0, "no attempt was cut short");
    pool.close().await;
    platform.finish().await;
}
