//! The one door to tenant tables: a transaction pinned to the tenant's schema.
//!
//! Work on tenant tables runs inside [`in_tenant`], which begins the transaction, hands it to
//! the work, and commits on `Ok` or rolls back on `Err`. Nothing else begins, commits or rolls
//! back a tenant transaction, so no caller can forget either.
//!
//! A refusal that must still be recorded (a wrong code that counts as a try) is not an `Err`:
//! the work returns it as a value inside `Ok`, so the count commits with it.
//!
//! Work that only reads (a page, a door's membership check) runs inside [`in_tenant_read_only`]:
//! PostgreSQL refuses any write in it, and it ends without a round trip of its own.

use futures::future::BoxFuture;
use sqlx::{PgConnection, PgPool, Postgres, Transaction};

use super::{list_tenants, TenancyError, TenantSlug};

/// Runs `work` in a transaction pinned to `tenant`'s schema: commits when it returns `Ok`,
/// rolls back when it returns `Err`.
pub async fn in_tenant<T, E>(
    db: &PgPool,
    tenant: &TenantSlug,
    work: impl AsyncFnOnce(&mut TenantTx) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<sqlx::Error>,
{
    let mut tx = begin_tenant(db, tenant).await?;
    match work(&mut tx).await {
        Ok(value) => {
            tx.tx.commit().await?;
            Ok(value)
        }
        Err(error) => {
            // A failed rollback closes the connection; the work's error is the one to report.
            let _ = tx.tx.rollback().await;
            Err(error)
        }
    }
}

/// Runs `work` in every tenant in turn, each in a transaction of its own (see [`in_tenant`]),
/// for the rounds of the housekeeping that go over all of them. The first failure ends the
/// round; the tenants done before it keep their commits. Returns each tenant's result.
pub async fn in_every_tenant<T>(
    db: &PgPool,
    work: impl for<'t> Fn(&'t mut TenantTx) -> BoxFuture<'t, Result<T, sqlx::Error>>,
) -> Result<Vec<T>, TenancyError> {
    let mut results = Vec::new();
    for tenant in list_tenants(db).await? {
        results.push(in_tenant(db, &tenant.slug, async |tx| work(tx).await).await?);
    }
    Ok(results)
}

/// Runs `work`, which only reads, in a read-only transaction pinned to `tenant`'s schema.
///
/// A write in `work` fails (PostgreSQL refuses it in a read-only transaction). The transaction
/// is not committed: it has nothing to commit, so the request does not wait for the end.
/// Dropping it queues its `ROLLBACK`, which leaves with the pool's check of the returned
/// connection; a page that reads one table then costs one round trip fewer than with
/// [`in_tenant`].
pub async fn in_tenant_read_only<T, E>(
    db: &PgPool,
    tenant: &TenantSlug,
    work: impl AsyncFnOnce(&mut TenantTx) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<sqlx::Error>,
{
    let mut tx = begin_tenant_as(db, tenant, "BEGIN READ ONLY").await?;
    let result = work(&mut tx).await;
    drop(tx);
    result
}

/// Begins a transaction with `begin` on a task of its own, so that it runs to its end.
///
/// sqlx counts a transaction only once the server has confirmed its `BEGIN`. A request dropped
/// while that is on the wire (the browser went away) would otherwise return the connection to
/// the pool inside a transaction that nothing ends, and the next user of the connection would
/// work in it: read-only, under a tenant's schema, or with its own statements never committed.
/// Finished on its own, a transaction nobody awaits any more is dropped, which rolls it back.
pub(crate) async fn begin_to_the_end(
    db: &PgPool,
    begin: impl Into<std::borrow::Cow<'static, str>>,
) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
    let db = db.clone();
    let begin = begin.into();
    tokio::spawn(async move { db.begin_with(begin).await })
        .await
        .map_err(|_panicked| sqlx::Error::BeginFailed)?
}

/// A transaction pinned to one tenant's schema. The only way to reach tenant tables.
///
/// The pin is transaction-local (`set_config(…, true)`), so when the connection goes back to
/// the pool — after commit, rollback or drop — it carries the default `search_path` again.
pub struct TenantTx {
    tenant: TenantSlug,
    tx: Transaction<'static, Postgres>,
}

pub(crate) async fn begin_tenant(
    db: &PgPool,
    tenant: &TenantSlug,
) -> Result<TenantTx, sqlx::Error> {
    begin_tenant_as(db, tenant, "BEGIN").await
}

/// Begins with `begin` (`BEGIN`, or `BEGIN READ ONLY`) and pins the tenant's schema.
async fn begin_tenant_as(
    db: &PgPool,
    tenant: &TenantSlug,
    begin: &'static str,
) -> Result<TenantTx, sqlx::Error> {
    // The pin travels with the BEGIN, in one round trip. `SET LOCAL` ends with the
    // transaction. The schema name comes from a validated slug (a-z, 0-9, _) and is quoted;
    // `public` stays off the path so nothing falls through to it.
    // Runtime: the schema name is built at run time, so no macro can check this statement.
    let begin = format!(
        "{begin}; SET LOCAL search_path TO \"{}\"",
        tenant.schema_name()
    );
    let tx = begin_to_the_end(db, begin).await?;
    Ok(TenantTx {
        tenant: tenant.clone(),
        tx,
    })
}

impl TenantTx {
    pub fn tenant(&self) -> &TenantSlug {
        &self.tenant
    }

    pub fn conn(&mut self) -> &mut PgConnection {
        &mut self.tx
    }
}
