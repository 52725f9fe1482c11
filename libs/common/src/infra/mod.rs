//! Infrastructure without business words: configuration, the database and tenancy, the outbox
//! and the broker, object storage, images, crypto, throttles, clock, shutdown, telemetry,
//! languages and templates. Nothing here imports a domain context.

pub mod clock;
pub mod config;
pub mod crypto;
pub mod db;
pub mod i18n;
pub mod ids;
pub mod images;
pub mod mq;
pub mod outbox;
pub mod provisioning;
pub mod shutdown;
pub mod storage;
pub mod telemetry;
pub mod templating;
pub mod tenancy;
pub mod throttle;
