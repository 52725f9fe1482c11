//! Care pages (`web::routes::portal::care_page`): creating, sharing and deleting them, and
//! linking them to the organisation's client record with an activation code.

mod activation;
mod network;
mod pages;
mod reactivation;
