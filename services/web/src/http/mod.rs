//! Plumbing every route shares: the shared state, cookies and CSRF, the one error mapping, the
//! page renderer, forms, uploads, static assets and their compression and the middleware around every request.

pub mod assets;
pub mod cookies;
pub mod csrf;
pub mod encoding;
pub mod error;
pub mod form_token;
pub mod format;
pub mod forms;
pub mod message_files;
pub mod middleware;
pub mod pages;
pub mod portal;
pub mod state;
pub mod templates;
pub mod theme;
pub mod uploads;
