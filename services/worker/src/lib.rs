//! Background work: the outbox relay (committed events → RabbitMQ), the job consumers (see
//! `jobs`), and the housekeeping of the account tables.

pub mod app;
pub mod housekeeping;
pub mod jobs;
pub mod relay;

pub use app::Worker;
