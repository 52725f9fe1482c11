use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Instant;

use common::i18n::Language;
use common::telemetry::metrics::{self, KeyValue};
use common::tenancy::{HostName, Tenant, TenantStatus};
use futures::FutureExt;
use poem::http::header;
use poem::{Endpoint, FromRequest, IntoResponse, PathPattern, Request, RequestBody, Response};
use tracing::Instrument;
use uuid::Uuid;

use crate::error::{self, AppError};
use crate::state::AppState;

pub const LANGUAGE_COOKIE: &str = "zp_lang";

/// Paths that answer on any host: they belong to the platform, not to a tenant's portal.
const PLATFORM_PATHS: &[&str] = &["/healthz", "/readyz", "/static/"];

/// Who is asking, in which language, on which tenant's portal.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
    pub language: Language,
    pub tenant: Option<Arc<Tenant>>,
}

/// Extractor for handlers of a tenant's portal: the context with its tenant.
pub struct Portal {
    pub ctx: RequestContext,
    pub tenant: Arc<Tenant>,
}

impl<'a> FromRequest<'a> for Portal {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let ctx = req
            .data::<RequestContext>()
            .cloned()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("request context missing")))?;
        let tenant = ctx.tenant.clone().ok_or(AppError::UnknownHost)?;
        Ok(Self { ctx, tenant })
    }
}

fn cookie<'r>(req: &'r Request, name: &str) -> Option<&'r str> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn language_of(req: &Request) -> Language {
    cookie(req, LANGUAGE_COOKIE)
        .and_then(Language::parse)
        .unwrap_or_else(|| Language::negotiate(req.header(header::ACCEPT_LANGUAGE)))
}

fn is_platform_path(path: &str) -> bool {
    PLATFORM_PATHS
        .iter()
        .any(|p| path == *p || (p.ends_with('/') && path.starts_with(p)))
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
    let tenant = HostName::parse(&host)
        .ok()
        .and_then(|h| state.tenants.by_host(&h));
    let ctx = RequestContext {
        request_id: Uuid::new_v4().simple().to_string(),
        language: language_of(&req),
        tenant,
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
            // A panic in a handler becomes the ordinary error page, with its request id.
            _ => match AssertUnwindSafe(ep.call(req)).catch_unwind().await {
                Ok(result) => result.map(IntoResponse::into_response),
                Err(_) => Err(AppError::internal(anyhow::anyhow!("handler panicked")).into()),
            },
        }
    }
    .instrument(span.clone())
    .await;

    let (mut response, route) = match result {
        Ok(response) => {
            let route = response.data::<PathPattern>().map(|p| p.0.clone());
            (response, route)
        }
        Err(error) => {
            let route = error.data::<PathPattern>().map(|p| p.0.clone());
            let _entered = span.enter();
            (error::render(error, &ctx, &state.views), route)
        }
    };
    if let Ok(value) = ctx.request_id.parse() {
        response.headers_mut().insert("x-request-id", value);
    }
    let route = route.as_deref().unwrap_or("(unmatched)").to_owned();
    let status = response.status().as_u16();
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    metrics::instruments().http_request_duration.record(
        elapsed_ms,
        &[
            KeyValue::new("http.route", route.clone()),
            KeyValue::new("http.response.status_code", i64::from(status)),
        ],
    );
    span.in_scope(|| tracing::info!(route, status, elapsed_ms, "request"));
    Ok(response)
}
