//! Who sends an event: a claim per event id, with an owner and a lease, and no transaction
//! open while the message goes out.
//!
//! A claim is taken in one statement before the send and marked sent in one statement after
//! it. Another notifier that receives the same event meanwhile (a redelivery, or the broker's
//! copy after a lost connection) waits until the event is sent or the lease runs out; only the
//! claim of a notifier that died mid-send runs out, because the lease outlasts the longest
//! send. The event is then sent again, with the same Message-ID or reference, so the receiver
//! can tell the duplicate.

use std::time::Duration;

use common::infra::clock::SharedClock;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// What a notifier may do with an event it received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// This notifier holds the event now: send it, then [`mark_sent`].
    Taken,
    /// Sent before: acknowledge and send nothing.
    AlreadySent,
    /// Another notifier holds the event for at most this long.
    HeldFor(Duration),
}

/// Claims `event` for `owner` unless it was sent, or another owner's lease still runs.
pub async fn claim(
    db: &PgPool,
    event: Uuid,
    owner: Uuid,
    lease: Duration,
) -> Result<Claim, sqlx::Error> {
    let taken = sqlx::query_scalar!(
        r#"INSERT INTO platform.notification_claims AS claim (event_id, owner, lease_until)
           VALUES ($1, $2, now() + make_interval(secs => $3))
           ON CONFLICT (event_id) DO UPDATE
              SET owner = excluded.owner, lease_until = excluded.lease_until,
                  claimed_at = now(), claims = claim.claims + 1
            WHERE claim.sent_at IS NULL AND claim.lease_until <= now()
           RETURNING claim.claims"#,
        event,
        owner,
        lease.as_secs_f64(),
    )
    .fetch_optional(db)
    .await?;
    if taken.is_some() {
        return Ok(Claim::Taken);
    }
    // Not taken: the statement above saw a claim that is sent or still leased. This second
    // look has a newer snapshot, so it sees the claim even if it was made a moment ago.
    let held = sqlx::query!(
        r#"SELECT sent_at IS NOT NULL AS "sent!",
                  greatest(0, extract(epoch FROM lease_until - now()) * 1000)::bigint AS "left_ms!"
           FROM platform.notification_claims WHERE event_id = $1"#,
        event,
    )
    .fetch_optional(db)
    .await?;
    Ok(match held {
        Some(held) if held.sent => Claim::AlreadySent,
        Some(held) => Claim::HeldFor(Duration::from_millis(held.left_ms.unsigned_abs())),
        // Released between the two statements: whoever asks again may take it.
        None => Claim::HeldFor(Duration::ZERO),
    })
}

/// Records that `owner` sent `event`. False if the claim was no longer this owner's: its lease
/// ran out during the send and another notifier took the event over.
pub async fn mark_sent(db: &PgPool, event: Uuid, owner: Uuid) -> Result<bool, sqlx::Error> {
    let marked = sqlx::query!(
        "UPDATE platform.notification_claims SET sent_at = now()
         WHERE event_id = $1 AND owner = $2 AND sent_at IS NULL",
        event,
        owner,
    )
    .execute(db)
    .await?;
    Ok(marked.rows_affected() == 1)
}

/// Gives up `owner`'s claim on an event that was certainly not sent, so a retry may take it at
/// once instead of after the lease.
pub async fn release(db: &PgPool, event: Uuid, owner: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "DELETE FROM platform.notification_claims
         WHERE event_id = $1 AND owner = $2 AND sent_at IS NULL",
        event,
        owner,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// How long a sent event's claim is kept: longer than any message stays in the broker, parked
/// ones included, so a late redelivery still finds it sent.
pub const KEEP_SENT: Duration = Duration::from_secs(30 * 24 * 3600);

/// Removes the claims of events sent before `before`; returns how many.
pub async fn prune(db: &PgPool, before: time::OffsetDateTime) -> Result<u64, sqlx::Error> {
    let pruned = sqlx::query!(
        "DELETE FROM platform.notification_claims WHERE sent_at < $1",
        before,
    )
    .execute(db)
    .await?;
    Ok(pruned.rows_affected())
}

/// Prunes old claims now and then until `stop`; several notifiers may do so at once.
pub async fn prune_now_and_then(
    db: PgPool,
    clock: SharedClock,
    every: Duration,
    stop: CancellationToken,
) {
    loop {
        match prune(&db, clock.now() - KEEP_SENT).await {
            Ok(pruned) => tracing::info!(pruned, "old notification claims removed"),
            // The next round tries again; an old claim does no harm meanwhile.
            Err(error) => tracing::warn!(%error, "removing old notification claims failed"),
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(every) => {}
        }
    }
}
