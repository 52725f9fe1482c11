//! What runs around every request: the request context (request id, language, tenant by
//! `Host`, the tenant gate, error pages, the request log), which also sets the security headers
//! on every response it gives.

mod context;
pub mod error_page;
pub mod security_headers;

pub use context::request_context;
