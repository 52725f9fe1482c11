//! What runs around every request, outermost first: the request context (request id,
//! language, tenant by `Host`, the tenant gate, error pages, the request log) and the security
//! headers.

mod context;
mod security_headers;

pub use context::{request_context, Portal, RequestContext, LANGUAGE_COOKIE};
pub use security_headers::security_headers;
