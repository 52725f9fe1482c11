//! Clean-up on a timer: the account tables (see `common::accounts::housekeeping`); in every
//! tenant, the network invitations not accepted within about a month, and grants with an end
//! date (a reminder three days before, the lapse when it comes).

use std::time::Duration;

use common::accounts::housekeeping;
use common::care::network::{invitations, members};
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
        match members::remind_and_lapse_in_every_tenant(&db, now).await {
            Ok((reminded, lapsed)) => tracing::info!(reminded, lapsed, "ending grants handled"),
            Err(error) => tracing::warn!(%error, "handling ending grants failed"),
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(every) => {}
        }
    }
}
