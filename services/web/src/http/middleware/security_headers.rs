//! Security headers on every response: content security policy, framing, referrer, HSTS, and
//! `Cache-Control: no-store` on everything personal, so that after signing out neither the
//! browser's Back button nor a shared cache shows a page or photo of the person. Applied by the
//! request context to every response it gives, error pages included.

use poem::http::{header, HeaderMap, HeaderValue};
use poem::{Request, Response};

use crate::http::cookies;

/// No inline script or style anywhere: branding arrives as a stylesheet of its own.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'";

/// The headers below, plus `Cache-Control` and the request id: room for them at once, so the
/// response's header map grows once instead of as each arrives.
const HEADERS_ADDED: usize = 10;

/// Files that are the same for every visitor of a portal, under versioned or hashed names: they
/// keep their own long-lived cache headers.
fn is_public_asset(path: &str) -> bool {
    path.starts_with("/static/") || path == "/theme.css" || path == "/branding/logo"
}

/// What of the request decides the response's caching, read before the request is handed on.
#[derive(Debug, Clone, Copy)]
pub struct Privacy {
    signed_in: bool,
    public_asset: bool,
    https: bool,
}

impl Privacy {
    pub fn of(req: &Request, https: bool) -> Self {
        Self {
            signed_in: cookies::read_with(req, https, cookies::SESSION).is_some(),
            public_asset: is_public_asset(req.uri().path()),
            https,
        }
    }
}

/// Sets the security headers on `response`.
pub fn apply(privacy: Privacy, response: &mut Response) {
    let is_page = response
        .content_type()
        .is_some_and(|value| value.starts_with("text/html"));
    let headers = response.headers_mut();
    headers.reserve(HEADERS_ADDED);
    if (privacy.signed_in || is_page) && !privacy.public_asset {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let set = |headers: &mut HeaderMap, name, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        CONTENT_SECURITY_POLICY,
    );
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "same-origin");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(
        headers,
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    );
    set(
        headers,
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    if privacy.https {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        );
    }
}
