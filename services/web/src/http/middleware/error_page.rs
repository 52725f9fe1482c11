//! The one place where an error becomes a response: the request-context middleware hands every
//! error to [`render`], which picks the page and status. A 500 shows a generic page with the
//! request id and never the error's text; the text goes to the log under the same id.

use poem::http::StatusCode;
use poem::{IntoResponse, Response};

use crate::http::cookies;
use crate::http::error::AppError;
use crate::http::portal::RequestContext;
use crate::http::templates::Views;

/// Which page an error shows: a template, its title and text keys.
struct ErrorPage {
    template: &'static str,
    title: &'static str,
    text: &'static str,
}

const NOT_FOUND: ErrorPage = ErrorPage {
    template: "_shared/error.html",
    title: "error-not-found-title",
    text: "error-not-found-text",
};
const UNKNOWN_HOST: ErrorPage = ErrorPage {
    template: "_shared/error.html",
    title: "error-unknown-host-title",
    text: "error-unknown-host-text",
};
const BAD_REQUEST: ErrorPage = ErrorPage {
    template: "_shared/error.html",
    title: "error-bad-request-title",
    text: "error-bad-request-text",
};
const METHOD: ErrorPage = ErrorPage {
    template: "_shared/error.html",
    title: "error-method-title",
    text: "error-method-text",
};
const INTERNAL: ErrorPage = ErrorPage {
    template: "_shared/error.html",
    title: "error-internal-title",
    text: "error-internal-text",
};
const CSRF: ErrorPage = ErrorPage {
    template: "_shared/error.html",
    title: "error-csrf-title",
    text: "error-csrf-text",
};
const FORBIDDEN: ErrorPage = ErrorPage {
    template: "_shared/error.html",
    title: "error-forbidden-title",
    text: "error-forbidden-text",
};
const TOO_LARGE: ErrorPage = ErrorPage {
    template: "_shared/error.html",
    title: "error-too-large-title",
    text: "error-too-large-text",
};
const MAINTENANCE: ErrorPage = ErrorPage {
    template: "_shared/maintenance.html",
    title: "maintenance-title",
    text: "maintenance-text",
};

/// To the sign-in page; the page that was asked for opens after the code (ACC-3).
fn sign_in_first(ctx: &RequestContext, https: bool) -> Response {
    let response = poem::web::Redirect::see_other("/inloggen").into_response();
    let worth_returning_to = ctx
        .return_path
        .as_deref()
        .and_then(crate::http::forms::local_path)
        .filter(|path| !path.starts_with("/inloggen"));
    match worth_returning_to {
        Some(path) => {
            let value: String = form_urlencoded::byte_serialize(path.as_bytes()).collect();
            let cookie = cookies::set_with(
                https,
                cookies::RETURN_TO,
                &value,
                Some(cookies::RETURN_TO_SECONDS),
            );
            cookies::attach(response, cookie)
        }
        None => response,
    }
}

pub fn render(error: poem::Error, ctx: &RequestContext, views: &Views, https: bool) -> Response {
    if let Some(AppError::SignInRequired) = error.downcast_ref::<AppError>() {
        return sign_in_first(ctx, https);
    }
    let (status, page, show_tenant) = match error.downcast_ref::<AppError>() {
        Some(AppError::Csrf) => {
            tracing::warn!(request_id = %ctx.request_id, "refused: missing or wrong CSRF token");
            (StatusCode::FORBIDDEN, CSRF, true)
        }
        Some(AppError::Forbidden) => (StatusCode::FORBIDDEN, FORBIDDEN, true),
        Some(AppError::PayloadTooLarge) => (StatusCode::PAYLOAD_TOO_LARGE, TOO_LARGE, true),
        Some(AppError::UnknownHost) => (StatusCode::NOT_FOUND, UNKNOWN_HOST, false),
        Some(AppError::Suspended(_)) => (StatusCode::SERVICE_UNAVAILABLE, MAINTENANCE, true),
        Some(AppError::Internal(inner)) => {
            tracing::error!(request_id = %ctx.request_id, error = ?inner, "request failed");
            (StatusCode::INTERNAL_SERVER_ERROR, INTERNAL, true)
        }
        Some(AppError::Unavailable(reason)) => {
            tracing::warn!(request_id = %ctx.request_id, %reason, "service unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, INTERNAL, true)
        }
        _ => match error.status() {
            StatusCode::NOT_FOUND => (StatusCode::NOT_FOUND, NOT_FOUND, true),
            StatusCode::METHOD_NOT_ALLOWED => (StatusCode::METHOD_NOT_ALLOWED, METHOD, true),
            status if status.is_client_error() => (status, BAD_REQUEST, true),
            status => {
                tracing::error!(request_id = %ctx.request_id, %error, "request failed");
                (status, INTERNAL, true)
            }
        },
    };
    let tenant = if show_tenant {
        ctx.tenant.as_deref()
    } else {
        None
    };
    match views.error_page(ctx, tenant, page.template, page.title, page.text) {
        Ok(html) => {
            let mut response = html.into_response();
            response.set_status(status);
            response
        }
        Err(render_error) => {
            tracing::error!(request_id = %ctx.request_id, error = %render_error, "error page failed to render");
            status.into_response()
        }
    }
}
