//! Domain logic shared by the Zorgportaal services, free of HTTP.

pub mod clock;
pub mod config;
pub mod db;
pub mod i18n;
pub mod mq;
pub mod outbox;
pub mod shutdown;
pub mod storage;
pub mod telemetry;
pub mod templating;
pub mod tenancy;
