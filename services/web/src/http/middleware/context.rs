//! The request context around every request: request id, language, tenant by `Host`, the
//! tenant gate, the CSRF check, error pages, the security headers and the request log.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Instant;

use common::infra::i18n::Language;
use common::infra::telemetry::metrics::{self, KeyValue};
use common::infra::tenancy::{HostName, TenantStatus};
use futures::FutureExt;
use poem::http::header;
use poem::{Endpoint, IntoResponse, PathPattern, Request, Response};
use tracing::Instrument;

use crate::http::cookies;
use crate::http::csrf;
use crate::http::error::AppError;
use crate::http::form_token::LazyToken;
use crate::http::middleware::security_headers::{self, Privacy};
use crate::http::portal::{RequestContext, RequestId};
use crate::http::state::AppState;

/// Paths that answer on any host: they belong to the platform, not to a tenant's portal.
const PLATFORM_PATHS: &[&str] = &["/healthz", "/readyz", "/static/"];

fn language_of(req: &Request) -> Language {
    cookies::read(req, cookies::LANGUAGE)
        .and_then(Language::parse)
        .unwrap_or_else(|| Language::negotiate(req.header(header::ACCEPT_LANGUAGE)))
}

fn is_platform_path(path: &str) -> bool {
    PLATFORM_PATHS
        .iter()
        .any(|p| path == *p || (p.ends_with('/') && path.starts_with(p)))
}

/// Calls the handler; a panic in it becomes the ordinary error page, with its request id.
async fn call<E: Endpoint>(ep: &E, req: Request) -> poem::Result<Response> {
    match AssertUnwindSafe(ep.call(req)).catch_unwind().await {
        Ok(result) => result.map(IntoResponse::into_response),
        Err(_) => Err(AppError::internal(anyhow::anyhow!("handler panicked")).into()),
    }
}

fn is_html(response: &Response) -> bool {
    response
        .content_type()
        .is_some_and(|t| t.starts_with("text/html"))
}

/// Resolves the tenant from `Host`, gates unknown and suspended portals, renders every error
/// as a page (the only place that does), and logs the request by its route pattern — never
/// the full URI, whose query may carry tokens.
pub async fn request_context<E: Endpoint>(ep: Arc<E>, mut req: Request) -> poem::Result<Response> {
    let started = Instant::now();
    let Some(state) = req.data::<AppState>().cloned() else {
        return Ok(poem::http::StatusCode::INTERNAL_SERVER_ERROR.into_response());
    };
    let host = req
        .header(header::HOST)
        .map(str::to_owned)
        .or_else(|| req.uri().host().map(str::to_owned))
        .unwrap_or_default();
    let host = HostName::parse(&host).ok();
    let tenant = host.as_ref().and_then(|h| state.tenants.by_host(h));
    // The tenant's own host as configured, with the platform's scheme and port: a forged port
    // or spelling in `Host` never reaches a link in an e-mail.
    let base_url = state.portal_origin(match (&tenant, &host) {
        (Some(_), Some(host)) => host.as_str(),
        _ => &state.config.web.platform_domain,
    });
    let privacy = Privacy::of(&req, state.config.web.https);
    let ctx = RequestContext {
        // 128 random bits from the thread's generator: no system call per request.
        request_id: RequestId(rand::random::<u128>()),
        language: language_of(&req),
        tenant,
        csrf: Arc::new(LazyToken::for_request(
            &req,
            &state.key,
            state.config.web.https,
        )),
        return_path: (req.method() == poem::http::Method::GET)
            .then(|| req.uri().path_and_query().map(|p| Arc::from(p.as_str())))
            .flatten(),
        base_url: base_url.into(),
    };
    req.set_data(ctx.clone());

    let method = req.method().clone();
    let span = tracing::info_span!(
        "http_request",
        request_id = %ctx.request_id,
        %method,
        tenant = ctx.tenant.as_ref().map(|t| t.slug.as_str()).unwrap_or("-"),
    );
    let platform_path = is_platform_path(req.uri().path());
    let result = async {
        match &ctx.tenant {
            None if !platform_path => Err(AppError::UnknownHost.into()),
            Some(t) if t.status == TenantStatus::Suspended && !platform_path => {
                Err(AppError::Suspended(t.clone()).into())
            }
            _ if !platform_path && csrf::is_state_changing(req.method()) => {
                match csrf::verify(&mut req, &state).await {
                    Ok(()) => call(ep.as_ref(), req).await,
                    Err(refused) => Err(refused.into()),
                }
            }
            _ => call(ep.as_ref(), req).await,
        }
    }
    .instrument(span.clone())
    .await;
    let result = result.map(|mut response| {
        if let Some(cookie) = ctx.csrf.new_cookie().filter(|_| is_html(&response)) {
            if let Ok(value) = cookie.parse() {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
        }
        response
    });

    let (mut response, route) = match result {
        Ok(response) => {
            let route = response.data::<PathPattern>().map(|p| p.0.clone());
            (response, route)
        }
        Err(error) => {
            let route = error.data::<PathPattern>().map(|p| p.0.clone());
            let _entered = span.enter();
            (
                super::error_page::render(error, &ctx, &state.views, state.config.web.https),
                route,
            )
        }
    };
    security_headers::apply(privacy, &mut response);
    if let Ok(value) = ctx.request_id.to_string().parse() {
        response.headers_mut().insert("x-request-id", value);
    }
    // The pattern is shared with the router: naming the route costs no copy.
    let route = route.unwrap_or_else(|| Arc::from("(unmatched)"));
    let status = response.status().as_u16();
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    metrics::instruments().http_request_duration.record(
        elapsed_ms,
        &[
            KeyValue::new("http.route", route.clone()),
            KeyValue::new("http.response.status_code", i64::from(status)),
        ],
    );
    span.in_scope(|| tracing::info!(route = &*route, status, elapsed_ms, "request"));
    Ok(response)
}
