//! The one place that reads the wall clock, so that expiry can be tested without sleeping.

use std::sync::Arc;

use time::OffsetDateTime;

pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> OffsetDateTime;
}

pub type SharedClock = Arc<dyn Clock>;

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

pub fn system() -> SharedClock {
    Arc::new(SystemClock)
}

/// The system time moved by an adjustable offset: tests step over expiry times (five minutes,
/// three days) without sleeping, while everything else keeps running in real time.
#[derive(Debug, Default)]
pub struct OffsetClock {
    offset_ms: std::sync::atomic::AtomicI64,
}

impl OffsetClock {
    pub fn advance(&self, by: std::time::Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.offset_ms
            .fetch_add(ms, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> OffsetDateTime {
        let offset = self.offset_ms.load(std::sync::atomic::Ordering::SeqCst);
        SystemClock.now() + time::Duration::milliseconds(offset)
    }
}
