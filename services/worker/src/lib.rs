//! Background work: the outbox relay (committed events → RabbitMQ), and the job consumers
//! that later features plug in (see `jobs`).

pub mod app;
pub mod jobs;
pub mod relay;

pub use app::Worker;
