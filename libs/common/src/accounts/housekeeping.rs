//! Removes what the account tables no longer need: ended sessions, finished rate-limit windows,
//! and links and codes long past use. Run by the worker on a timer; safe to run on several
//! replicas at once (each step is one idempotent DELETE).

use sqlx::PgPool;
use time::OffsetDateTime;

use super::sessions;
use crate::infra::throttle;

/// Used or expired links and codes stay this long, so a late click still gets "this link was
/// used" or "this link has expired" instead of "unknown link".
const KEEP_FINISHED: time::Duration = time::Duration::days(7);

/// What one round removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub sessions: u64,
    pub throttles: u64,
    pub links: u64,
    pub codes: u64,
}

pub async fn sweep(db: &PgPool, now: OffsetDateTime) -> Result<Swept, sqlx::Error> {
    let before = now - KEEP_FINISHED;
    let links = sqlx::query!(
        "DELETE FROM platform.account_links WHERE expires_at < $1 OR used_at < $1",
        before,
    )
    .execute(db)
    .await?
    .rows_affected();
    let codes = sqlx::query!(
        "DELETE FROM platform.one_time_codes WHERE expires_at < $1 OR used_at < $1",
        before,
    )
    .execute(db)
    .await?
    .rows_affected();
    Ok(Swept {
        sessions: sessions::sweep(db, now).await?,
        throttles: throttle::sweep(db, now).await?,
        links,
        codes,
    })
}
