//! Clean-up on a timer: the account tables (see `common::accounts::housekeeping`), and the
//! network invitations that were not accepted within about a month, in every tenant.

use std::time::Duration;

use common::accounts::housekeeping;
use common::care::network::invitations;
use common::infra::clock::SharedClock;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

pub async fn run(db: PgPool, clock: SharedClock, every: Duration, stop: CancellationToken) {
    loop {
        let now = clock.now();
        // Each part on its own: one failing leaves the other's round intact, and the next round
        // tries again; nothing is lost by waiting.
        match housekeeping::sweep(&db, now).await {
            Ok(swept) => tracing::info!(?swept, "housekeeping done"),
            Err(error) => tracing::warn!(%error, "housekeeping failed"),
        }
        match invitations::remove_old_in_every_tenant(&db, now).await {
            Ok(removed) => tracing::info!(removed, "old invitations removed"),
            Err(error) => tracing::warn!(%error, "removing old invitations failed"),
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(every) => {}
        }
    }
}
