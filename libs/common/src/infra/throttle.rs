//! Rate limits on sign-in, codes, sign-up, password reset and image uploads, kept in PostgreSQL so that every
//! web process sees the same counts.
//!
//! A limit counts hits in a fixed window. The first `free` hits pass at once; after that each
//! further hit must wait a delay that doubles with every hit (slowed); from `max` hits on, the
//! key is refused until the window ends (locked). Hits that arrive while slowed or locked count
//! too, so hammering never buys time.

use std::time::Duration;

use sqlx::{PgConnection, PgExecutor};

use crate::infra::config::PhoneConfig;
use crate::infra::db::in_transaction;
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// Prefix of the key in the table, and the name in logs.
    pub name: &'static str,
    pub free: i32,
    pub max: i32,
    pub window: Duration,
    pub base_delay: Duration,
}

/// Wrong passwords for one account.
pub const SIGN_IN_ACCOUNT: Limit = Limit {
    name: "sign_in_account",
    free: 5,
    max: 10,
    window: Duration::from_secs(15 * 60),
    base_delay: Duration::from_secs(2),
};
/// Wrong passwords from one address, over all accounts.
pub const SIGN_IN_IP: Limit = Limit {
    name: "sign_in_ip",
    free: 50,
    max: 200,
    window: Duration::from_secs(15 * 60),
    base_delay: Duration::from_secs(1),
};
/// Wrong sign-in codes for one account (each code also locks after five wrong tries).
pub const CODE_ACCOUNT: Limit = Limit {
    name: "code_account",
    free: 10,
    max: 20,
    window: Duration::from_secs(60 * 60),
    base_delay: Duration::from_secs(2),
};
/// Codes sent to one account: a new one after a minute, then after longer.
pub const CODE_SENDS: Limit = Limit {
    name: "code_sends",
    free: 1,
    max: 10,
    window: Duration::from_secs(60 * 60),
    base_delay: Duration::from_secs(60),
};
/// Mails with a link to verify a new phone number, for one account.
pub const PHONE_LINKS: Limit = Limit {
    name: "phone_links",
    free: 3,
    max: 10,
    window: Duration::from_secs(60 * 60),
    base_delay: Duration::from_secs(60),
};
/// Sign-ups from one address.
pub const SIGN_UP_IP: Limit = Limit {
    name: "sign_up_ip",
    free: 10,
    max: 30,
    window: Duration::from_secs(60 * 60),
    base_delay: Duration::from_secs(5),
};
/// Reset links for one account.
pub const RESET_ACCOUNT: Limit = Limit {
    name: "reset_account",
    free: 2,
    max: 6,
    window: Duration::from_secs(60 * 60),
    base_delay: Duration::from_secs(60),
};
/// Reset requests from one address, over all e-mail addresses.
pub const RESET_IP: Limit = Limit {
    name: "reset_ip",
    free: 20,
    max: 50,
    window: Duration::from_secs(60 * 60),
    base_delay: Duration::from_secs(5),
};
/// Questions sent with the help form from one address.
pub const HELP_IP: Limit = Limit {
    name: "help_ip",
    free: 5,
    max: 20,
    window: Duration::from_secs(60 * 60),
    base_delay: Duration::from_secs(30),
};

/// Wrong activation codes (or birth dates) typed by one account (CP-2).
pub const ACTIVATION_ACCOUNT: Limit = Limit {
    name: "activation_account",
    free: 5,
    max: 10,
    window: Duration::from_secs(60 * 60),
    base_delay: Duration::from_secs(60),
};

/// Requests for a new activation letter from one account (CP-8).
pub const LETTER_REQUESTS: Limit = Limit {
    name: "letter_requests",
    free: 3,
    max: 10,
    window: Duration::from_secs(24 * 60 * 60),
    base_delay: Duration::from_secs(60),
};

/// Profile photos uploaded by one account: each is stored and decoded by the worker. A person
/// trying a few photos stays far below; a script does not get a decode per request.
pub const PHOTO_UPLOADS: Limit = Limit {
    name: "photo_uploads",
    free: 20,
    max: 20,
    window: Duration::from_secs(60 * 60),
    base_delay: Duration::from_secs(1),
};

/// Logos and employee photos uploaded by one administrator: an organisation setting up its
/// employees uploads many at once, so the budget is larger than for one's own photo.
pub const ADMIN_IMAGE_UPLOADS: Limit = Limit {
    name: "admin_image_uploads",
    free: 60,
    max: 60,
    window: Duration::from_secs(60 * 60),
    base_delay: Duration::from_secs(1),
};

/// Whether a hit may go ahead, and if not, how long until it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    /// Slowed: try again after this long.
    Wait(Duration),
    /// Locked until the window ends, this long from now.
    Locked(Duration),
}

impl Decision {
    pub fn is_allowed(self) -> bool {
        self == Decision::Allowed
    }

    /// How long to wait; zero when allowed.
    pub fn retry_after(self) -> Duration {
        match self {
            Decision::Allowed => Duration::ZERO,
            Decision::Wait(d) | Decision::Locked(d) => d,
        }
    }

    /// The stricter of two decisions.
    pub fn and(self, other: Decision) -> Decision {
        match (self, other) {
            (Decision::Locked(a), Decision::Locked(b)) => Decision::Locked(a.max(b)),
            (Decision::Locked(a), _) | (_, Decision::Locked(a)) => Decision::Locked(a),
            (Decision::Wait(a), Decision::Wait(b)) => Decision::Wait(a.max(b)),
            (Decision::Wait(a), _) | (_, Decision::Wait(a)) => Decision::Wait(a),
            _ => Decision::Allowed,
        }
    }
}

impl Limit {
    fn key(&self, subject: &str) -> String {
        format!("{}:{subject}", self.name)
    }

    fn window_end(&self, window_start: OffsetDateTime) -> OffsetDateTime {
        window_start + self.window
    }

    /// What the next hit for `subject` would meet, without counting it.
    pub async fn check(
        &self,
        db: impl PgExecutor<'_>,
        subject: &str,
        now: OffsetDateTime,
    ) -> Result<Decision, sqlx::Error> {
        let row = sqlx::query!(
            "SELECT window_start, hits, last_hit_at FROM platform.throttles WHERE key = $1",
            self.key(subject),
        )
        .fetch_optional(db)
        .await?;
        Ok(match row {
            Some(row) if self.window_end(row.window_start) > now => {
                self.decide(row.window_start, row.hits, row.last_hit_at, now)
            }
            _ => Decision::Allowed,
        })
    }

    fn decide(
        &self,
        window_start: OffsetDateTime,
        hits: i32,
        last_hit: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Decision {
        let remaining =
            |until: OffsetDateTime| Duration::try_from(until - now).unwrap_or(Duration::ZERO);
        if hits >= self.max {
            return Decision::Locked(remaining(self.window_end(window_start)));
        }
        if hits >= self.free {
            let doublings = u32::try_from(hits - self.free).unwrap_or(0).min(16);
            let delay = self.base_delay.saturating_mul(1 << doublings);
            let next = last_hit + delay;
            if next > now {
                return Decision::Wait(remaining(next));
            }
        }
        Decision::Allowed
    }

    /// Counts one hit for `subject`; returns the number of hits in the current window.
    pub async fn record(
        &self,
        db: impl PgExecutor<'_>,
        subject: &str,
        now: OffsetDateTime,
    ) -> Result<i32, sqlx::Error> {
        sqlx::query_scalar!(
            "INSERT INTO platform.throttles AS t (key, window_start, hits, last_hit_at)
             VALUES ($1, $2, 1, $2)
             ON CONFLICT (key) DO UPDATE SET
               window_start = CASE WHEN t.window_start + make_interval(secs => $3) <= $2
                                   THEN $2 ELSE t.window_start END,
               hits = CASE WHEN t.window_start + make_interval(secs => $3) <= $2
                           THEN 1 ELSE t.hits + 1 END,
               last_hit_at = $2
             RETURNING hits",
            self.key(subject),
            now,
            self.window.as_secs_f64(),
        )
        .fetch_one(db)
        .await
    }

    /// Counts one hit for `subject` and decides on the hits before it, in one transaction that
    /// holds the counter's row lock: of many hits at once, exactly as many as the limit allows
    /// are let through, before the work they guard (a password hash, a code check, a send).
    /// Every hit counts, also a refused one, so hammering never buys time.
    pub async fn reserve(
        &self,
        db: &sqlx::PgPool,
        subject: &str,
        now: OffsetDateTime,
    ) -> Result<Decision, sqlx::Error> {
        in_transaction(db, async |conn| self.reserve_in(conn, subject, now).await).await
    }

    /// [`Limit::reserve`] inside the caller's transaction: the counter's row stays locked until
    /// that transaction ends.
    pub async fn reserve_in(
        &self,
        conn: &mut PgConnection,
        subject: &str,
        now: OffsetDateTime,
    ) -> Result<Decision, sqlx::Error> {
        let key = self.key(subject);
        // A first hit needs a row to lock; a parallel first hit waits here for this one.
        sqlx::query!(
            "INSERT INTO platform.throttles (key, window_start, hits, last_hit_at)
             VALUES ($1, $2, 0, $2)
             ON CONFLICT (key) DO NOTHING",
            key,
            now,
        )
        .execute(&mut *conn)
        .await?;
        let row = sqlx::query!(
            "SELECT window_start, hits, last_hit_at FROM platform.throttles
              WHERE key = $1 FOR UPDATE",
            key,
        )
        .fetch_one(&mut *conn)
        .await?;
        let decision = if self.window_end(row.window_start) > now {
            self.decide(row.window_start, row.hits, row.last_hit_at, now)
        } else {
            Decision::Allowed
        };
        self.record(&mut *conn, subject, now).await?;
        Ok(decision)
    }

    /// Takes back one hit of `subject` that turned out not to count (a sign-in that succeeded,
    /// on the counter of its address).
    pub async fn release(&self, db: impl PgExecutor<'_>, subject: &str) -> Result<(), sqlx::Error> {
        sqlx::query!(
            "UPDATE platform.throttles SET hits = greatest(hits - 1, 0) WHERE key = $1",
            self.key(subject)
        )
        .execute(db)
        .await?;
        Ok(())
    }

    /// Forgets the hits of `subject` (after a successful sign-in).
    pub async fn clear(&self, db: impl PgExecutor<'_>, subject: &str) -> Result<(), sqlx::Error> {
        sqlx::query!(
            "DELETE FROM platform.throttles WHERE key = $1",
            self.key(subject)
        )
        .execute(db)
        .await?;
        Ok(())
    }
}

/// An hourly budget of SMS and voice messages, for the platform and for each organisation: a
/// flood of codes (a script requesting them, toll fraud towards expensive numbers) stops at a
/// known cost instead of running up the provider's bill.
#[derive(Debug, Clone, Copy)]
pub struct PhoneBudget {
    pub platform_per_hour: u32,
    pub tenant_per_hour: u32,
}

/// Which budget refused a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetScope {
    Platform,
    Tenant,
}

impl BudgetScope {
    pub fn as_str(self) -> &'static str {
        match self {
            BudgetScope::Platform => "platform",
            BudgetScope::Tenant => "tenant",
        }
    }
}

const HOUR: Duration = Duration::from_secs(60 * 60);

impl PhoneBudget {
    fn limit(name: &'static str, per_hour: u32) -> Limit {
        let per_hour = i32::try_from(per_hour).unwrap_or(i32::MAX);
        // No slowing down: every message within the budget goes at once, none after it.
        Limit {
            name,
            free: per_hour,
            max: per_hour,
            window: HOUR,
            base_delay: Duration::ZERO,
        }
    }

    /// The budgets the configuration sets (`SMS_BUDGET_PER_HOUR`, `SMS_TENANT_BUDGET_PER_HOUR`).
    pub fn from_config(config: &PhoneConfig) -> Self {
        Self {
            platform_per_hour: config.budget_per_hour,
            tenant_per_hour: config.tenant_budget_per_hour,
        }
    }

    /// Takes one message of `tenant`'s budget and of the platform's, before the message is
    /// queued. Of many at once, exactly as many pass as the budgets allow (the counters' rows
    /// are locked in turn, the organisation's first, always in that order). A message the
    /// organisation's budget refuses does not count against the platform's, so one busy
    /// organisation cannot spend the others' share of it; one the platform refuses is given
    /// back to the organisation's.
    ///
    /// A refusal is an operator alert: logged at error level and counted in the
    /// `phone.budget.exhausted` metric.
    pub async fn reserve(
        &self,
        db: &sqlx::PgPool,
        tenant: &str,
        now: OffsetDateTime,
    ) -> Result<Result<(), BudgetScope>, sqlx::Error> {
        in_transaction(db, async |conn| self.reserve_in(conn, tenant, now).await).await
    }

    /// [`PhoneBudget::reserve`] inside the caller's transaction: the message counts only if
    /// that transaction commits, and the counters' rows stay locked until it ends.
    pub async fn reserve_in(
        &self,
        conn: &mut PgConnection,
        tenant: &str,
        now: OffsetDateTime,
    ) -> Result<Result<(), BudgetScope>, sqlx::Error> {
        let tenant_limit = Self::limit("phone_budget_tenant", self.tenant_per_hour);
        let platform_limit = Self::limit("phone_budget_platform", self.platform_per_hour);
        let refused = if !tenant_limit
            .reserve_in(conn, tenant, now)
            .await?
            .is_allowed()
        {
            Some(BudgetScope::Tenant)
        } else if !platform_limit
            .reserve_in(conn, "all", now)
            .await?
            .is_allowed()
        {
            tenant_limit.release(&mut *conn, tenant).await?;
            Some(BudgetScope::Platform)
        } else {
            None
        };
        match refused {
            None => Ok(Ok(())),
            Some(scope) => {
                tracing::error!(
                    alert = "phone_budget_exhausted",
                    scope = scope.as_str(),
                    tenant,
                    "SMS/voice budget per hour reached: a message was not sent by phone"
                );
                crate::infra::telemetry::metrics::instruments()
                    .phone_budget_exhausted
                    .add(
                        1,
                        &[crate::infra::telemetry::metrics::KeyValue::new(
                            "scope",
                            scope.as_str(),
                        )],
                    );
                Ok(Err(scope))
            }
        }
    }
}

/// Removes counters whose window ended before `now`.
pub async fn sweep(db: impl PgExecutor<'_>, now: OffsetDateTime) -> Result<u64, sqlx::Error> {
    // The longest window is a day; anything that started more than a day ago has ended.
    let done = sqlx::query!(
        "DELETE FROM platform.throttles WHERE window_start < $1",
        now - time::Duration::days(1),
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const LIMIT: Limit = Limit {
        name: "t",
        free: 2,
        max: 4,
        window: Duration::from_secs(600),
        base_delay: Duration::from_secs(10),
    };

    #[test]
    fn free_hits_then_doubling_delays_then_locked_until_the_window_ends() {
        let start = datetime!(2026-01-01 10:00 UTC);
        let at = |s: i64| start + time::Duration::seconds(s);
        assert_eq!(LIMIT.decide(start, 1, at(0), at(1)), Decision::Allowed);
        assert_eq!(
            LIMIT.decide(start, 2, at(0), at(1)),
            Decision::Wait(Duration::from_secs(9))
        );
        assert_eq!(LIMIT.decide(start, 2, at(0), at(10)), Decision::Allowed);
        assert_eq!(
            LIMIT.decide(start, 3, at(10), at(11)),
            Decision::Wait(Duration::from_secs(19))
        );
        assert_eq!(
            LIMIT.decide(start, 4, at(30), at(40)),
            Decision::Locked(Duration::from_secs(560))
        );
    }

    #[test]
    fn the_stricter_decision_wins() {
        let wait = Decision::Wait(Duration::from_secs(5));
        let locked = Decision::Locked(Duration::from_secs(60));
        assert_eq!(Decision::Allowed.and(wait), wait);
        assert_eq!(wait.and(locked), locked);
        assert_eq!(Decision::Allowed.and(Decision::Allowed), Decision::Allowed);
    }
}
