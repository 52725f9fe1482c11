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

/// The civil time of the Netherlands (Europe/Amsterdam, summer time included), in which pages
/// show moments and people choose days. The platform stores and compares UTC.
pub mod dutch {
    use std::sync::OnceLock;

    use jiff::tz::TimeZone;
    use time::{Date, OffsetDateTime, PrimitiveDateTime};

    fn zone() -> &'static TimeZone {
        static ZONE: OnceLock<TimeZone> = OnceLock::new();
        // The tz database is bundled, so the lookup cannot miss; should it, winter time is
        // the nearer guess than UTC.
        ZONE.get_or_init(|| {
            TimeZone::get("Europe/Amsterdam")
                .unwrap_or_else(|_| TimeZone::fixed(jiff::tz::offset(1)))
        })
    }

    /// The date and wall-clock time in the Netherlands at `at`.
    pub fn civil(at: OffsetDateTime) -> PrimitiveDateTime {
        let seconds = at.unix_timestamp();
        let offset = jiff::Timestamp::from_second(seconds)
            .map(|ts| zone().to_offset(ts).seconds())
            .unwrap_or(0);
        let local = at + time::Duration::seconds(i64::from(offset));
        PrimitiveDateTime::new(local.date(), local.time())
    }

    /// The moment the day `date` begins in the Netherlands.
    pub fn start_of(date: Date) -> OffsetDateTime {
        let civil = jiff::civil::date(
            i16::try_from(date.year()).unwrap_or(9999),
            i8::try_from(u8::from(date.month())).unwrap_or(1),
            i8::try_from(date.day()).unwrap_or(1),
        )
        .at(0, 0, 0, 0);
        let seconds = zone()
            .to_ambiguous_timestamp(civil)
            .compatible()
            .map(|ts| ts.as_second())
            .unwrap_or_else(|_| date.midnight().assume_utc().unix_timestamp());
        OffsetDateTime::from_unix_timestamp(seconds)
            .unwrap_or_else(|_| date.midnight().assume_utc())
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use time::macros::datetime;
        use time::{Month, Time};

        #[test]
        fn winter_is_one_hour_ahead_of_utc_and_summer_two() {
            let winter = civil(datetime!(2026-01-15 12:00 UTC));
            assert_eq!(winter.time(), Time::from_hms(13, 0, 0).unwrap());
            let summer = civil(datetime!(2026-07-15 12:00 UTC));
            assert_eq!(summer.time(), Time::from_hms(14, 0, 0).unwrap());
            // Just after midnight in Amsterdam is still the day before in UTC.
            let late = civil(datetime!(2026-07-15 22:30 UTC));
            assert_eq!(
                late.date(),
                Date::from_calendar_date(2026, Month::July, 16).unwrap()
            );
        }

        #[test]
        fn a_day_starts_at_local_midnight() {
            let day = Date::from_calendar_date(2026, Month::March, 29).unwrap();
            assert_eq!(start_of(day), datetime!(2026-03-28 23:00 UTC));
            let day = Date::from_calendar_date(2026, Month::March, 30).unwrap();
            assert_eq!(start_of(day), datetime!(2026-03-29 22:00 UTC));
        }
    }
}
