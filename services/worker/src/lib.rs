//! Background work: the outbox relay (committed events → RabbitMQ), the job consumers (see
//! `jobs`), the housekeeping of the account tables, and the sealing of the access log.

pub mod access_log_seal;
pub mod app;
pub mod housekeeping;
pub mod jobs;
pub mod relay;

pub use app::Worker;
