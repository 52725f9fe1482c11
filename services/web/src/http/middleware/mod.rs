//! What runs around every request, outermost first: the request context (request id,
//! language, tenant by `Host`, the tenant gate, error pages, the request log) and the security
//! headers.

mod context;
pub mod error_page;
mod security_headers;

pub use context::request_context;
pub use security_headers::security_headers;
