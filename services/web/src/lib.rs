//! The portal: server-rendered, branded per tenant, usable without JavaScript.
//!
//! - `app`: build the service (binds its listener), then run it until stopped.
//! - `middleware/`: request context (request id, language, tenant, the one error → page
//!   mapping), tenant gate, security headers.
//! - `routes/`: thin handlers, one module per area.
//! - `views`: minijinja pages from `templates/`; `assets`: content-hashed files from `static/`.
//! - `auth/`: sessions, cookies, CSRF and the rights guards; `forms`: field errors and mail;
//!   `uploads`: one file from a multipart form, with its size limit.

pub mod app;
pub mod assets;
pub mod auth;
pub mod error;
pub mod forms;
pub mod middleware;
pub mod routes;
pub mod state;
pub mod uploads;
pub mod views;

pub use app::Application;
