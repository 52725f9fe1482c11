//! The notifier owns every outbound channel: e-mail over SMTP, SMS and voice through the
//! provider API. It consumes notification events, renders them branded for the tenant in the
//! recipient's language, sends them, and records each event as sent so a redelivery sends nothing.

pub mod app;
pub mod claims;
pub mod email;
pub mod handler;
pub mod provider;
pub mod templates;

pub use app::Notifier;
