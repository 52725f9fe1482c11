//! The integration-test harness: the real services (PostgreSQL, RabbitMQ, Garage, maildev)
//! with the platform's own services started in-process on free ports.
//!
//! Every test gets its own database, its own AMQP namespace (queue and exchange names), its own
//! tenants and its own mail recipients, so tests run in parallel and leave nothing behind.
//! [`TestPlatform::finish`] fails a test that left work in the outbox or a parked message, and
//! a platform dropped without `finish()` fails its test.
//!
//! By concern: [`platform`] starts and finishes a test's platform; [`tenants`] makes its
//! tenants; [`queues`] is the outbox and the broker (topology, parked messages, waits);
//! [`broker`] is the broker's own view of the queues (exact counts, types and arguments);
//! [`processes`] runs the workspace's binaries as child processes; [`wait`] polls until
//! something holds. People and their channels: [`visitor`] (a person without a browser),
//! [`browser`] (a real Chromium), [`accounts`] (signing up and in), [`care_pages`] (making pages, adding members), [`mail`] (the mail
//! catcher), [`sms`] (the SMS/voice provider stand-in), [`letters`] (activation letters as
//! PDF), [`pictures`] (a decompression bomb and a large photo to upload), [`tally`] (e-mails matched to the events that sent them) and [`statements`] (a
//! relay that counts the queries a request runs).

pub mod accounts;
pub mod broker;
pub mod browser;
pub mod care_pages;
pub mod letters;
pub mod mail;
pub mod messages;
pub mod pictures;
pub mod platform;
pub mod processes;
pub mod queues;
pub mod sms;
pub mod staff;
pub mod statements;
pub mod tally;
pub mod tenants;
pub mod visitor;
pub mod wait;

pub use mail::{CaughtMail, MailCatcher};
pub use platform::{env_with, OwnNotifier, Services, TestPlatform};
pub use processes::binary;
pub use sms::SmsReceiver;
pub use visitor::{linked_href, Page, Visitor};
pub use wait::eventually;
