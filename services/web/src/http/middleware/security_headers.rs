//! Security headers on every response: content security policy, framing, referrer, HSTS, and
//! `Cache-Control: no-store` on everything personal, so that after signing out neither the
//! browser's Back button nor a shared cache shows a page or photo of the person.

use std::sync::Arc;

use poem::http::{header, HeaderValue};
use poem::{Endpoint, IntoResponse, Request, Response};

use crate::http::cookies;
use crate::http::state::AppState;

/// No inline script or style anywhere: branding arrives as a stylesheet of its own.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'";

/// Files that are the same for every visitor of a portal, under versioned or hashed names: they
/// keep their own long-lived cache headers.
fn is_public_asset(path: &str) -> bool {
    path.starts_with("/static/") || path == "/theme.css" || path == "/branding/logo"
}

/// Sets the security headers on every response, errors included.
pub async fn security_headers<E: Endpoint>(ep: Arc<E>, req: Request) -> poem::Result<Response> {
    let https = req
        .data::<AppState>()
        .is_some_and(|state| state.config.web.https);
    let signed_in = cookies::read_with(&req, https, cookies::SESSION).is_some();
    let public_asset = is_public_asset(req.uri().path());
    let mut response = ep.call(req).await?.into_response();
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if (signed_in || is_page) && !public_asset {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let headers = response.headers_mut();
    let set = |headers: &mut poem::http::HeaderMap, name, value: &'static str| {
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
    if https {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        );
    }
    Ok(response)
}
