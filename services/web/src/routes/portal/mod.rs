//! The portal of one organisation, as its clients and their networks use it: the start page,
//! accounts, care pages, help, language and the organisation's theme.

pub mod account;
pub mod care_page;
pub mod help;
pub mod language;
pub mod start;
pub mod theme;
