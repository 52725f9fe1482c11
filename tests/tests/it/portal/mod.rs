//! The portal a person uses (`web::routes::portal`): the start page and the host it is served
//! on, accounts, care pages and help.

mod account;
mod care_page;
mod help;
mod start;
