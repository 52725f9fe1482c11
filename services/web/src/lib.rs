//! The portal: server-rendered, branded per tenant, usable without JavaScript.
//!
//! - `app`: build the service (binds its listener), then run it until stopped.
//! - `http/`: plumbing — the one error → page mapping, the page renderer (templates from
//!   `templates/`, content-hashed files from `static/`), forms, uploads, and the middleware
//!   around every request (request context, tenant gate, security headers).
//! - `access/`: the doors — cookies, CSRF, sessions, tenant admins, care-page members.
//! - `routes/`: thin handlers by audience: `platform/`, `portal/` (account, care page, …) and
//!   `tenant_admin/` (`/beheer`); templates mirror these folders.

pub mod access;
pub mod app;
pub mod http;
pub mod routes;

pub use app::Application;
