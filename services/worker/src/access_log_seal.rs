//! Seals new access-log rows into each tenant's hash chain on a timer (DOS-7; see
//! `common::audit::access_log`). Requests only append rows; the chain is built here, moments
//! later, so it never holds a request up.

use std::time::Duration;

use common::audit::access_log;
use common::infra::clock::SharedClock;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

pub async fn run(db: PgPool, clock: SharedClock, every: Duration, stop: CancellationToken) {
    loop {
        match access_log::seal_every_tenant(&db, clock.now()).await {
            Ok(0) => {}
            Ok(sealed) => tracing::debug!(sealed, "access log sealed"),
            // The rows wait in `access_log_unsealed`; the next round takes them.
            Err(error) => tracing::warn!(%error, "sealing the access log failed"),
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(every) => {}
        }
    }
}
