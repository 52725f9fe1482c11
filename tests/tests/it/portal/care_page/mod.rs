//! Care pages (`web::routes::portal::care_page`): creating, sharing and deleting them, and
//! linking them to the organisation's client record with an activation code; the access log
//! every route of theirs writes; each member's Meldingen; Berichten.

mod access_log;
mod activation;
mod invitations;
mod members;
mod message_audiences;
mod message_mail;
mod messages;
mod network;
mod notifications;
mod pages;
mod reactivation;
