//! The portal: server-rendered, branded per tenant, usable without JavaScript.
//!
//! - `app`: build the service (binds its listener), then run it until stopped.
//! - `middleware/`: request context (request id, language, tenant, the one error → page
//!   mapping), tenant gate, security headers.
//! - `routes/`: thin handlers, one module per area.
//! - `views`: minijinja pages from `templates/`; `assets`: content-hashed files from `static/`.

pub mod app;
pub mod assets;
pub mod error;
pub mod middleware;
pub mod routes;
pub mod state;
pub mod views;

pub use app::Application;
