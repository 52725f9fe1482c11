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

use crate::auth::csrf;
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
    /// Goes into every form as the `csrf` field.
    pub csrf_token: String,
    /// `https://<host>` of the portal as the browser asked for it: links in mail point here.
    pub base_url: String,
    /// The path and query of a GET: where to come back to after signing in.
    pub return_path: Option<String>,
}

impl RequestContext {
    /// An absolute link into this portal, for e-mails.
    pub fn link(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base_url)
    }
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

fn language_of(req: &Request) -> Language {
    crate::auth::cookies::read(req, LANGUAGE_COOKIE)
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
    let tenant = HostName::parse(&host)
        .ok()
        .and_then(|h| state.tenants.by_host(&h));
    let csrf = csrf::token_for(&req, &state);
    let ctx = RequestContext {
        request_id: Uuid::new_v4().simple().to_string(),
        language: language_of(&req),
        tenant,
        csrf_token: csrf.token,
        return_path: (req.method() == poem::http::Method::GET)
            .then(|| req.uri().path_and_query().map(|p| p.as_str().to_owned()))
            .flatten(),
        base_url: format!(
            "{}://{host}",
            if state.config.web.https {
                "https"
            } else {
                "http"
            }
        ),
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
        if let Some(cookie) = csrf.new_cookie.as_ref().filter(|_| is_html(&response)) {
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
                error::render(error, &ctx, &state.views, state.config.web.https),
                route,
            )
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
