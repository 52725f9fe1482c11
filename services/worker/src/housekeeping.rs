//! The account tables' clean-up on a timer (see `common::accounts::housekeeping`).

use std::time::Duration;

use common::accounts::housekeeping;
use common::infra::clock::SharedClock;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

pub async fn run(db: PgPool, clock: SharedClock, every: Duration, stop: CancellationToken) {
    loop {
        match housekeeping::sweep(&db, clock.now()).await {
            Ok(swept) => tracing::info!(?swept, "housekeeping done"),
            // The next round tries again; nothing is lost by waiting.
            Err(error) => tracing::warn!(%error, "housekeeping failed"),
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(every) => {}
        }
    }
}
