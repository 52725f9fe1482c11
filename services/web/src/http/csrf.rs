//! CSRF protection for every state-changing request, in one place.
//!
//! Each browser gets a random value in an HttpOnly cookie; forms carry `csrf` = HMAC(server key,
//! that value). Another site can make the browser send the cookie but can neither read it nor
//! compute the HMAC. The check runs in the request middleware for every method other than
//! GET/HEAD/OPTIONS, before any handler: a handler cannot forget it. Multipart forms (uploads)
//! carry the token in their action's query, since their body is streamed to the handler.

use common::infra::crypto::Token;
use poem::http::{header, Method};
use poem::Request;

use super::{cookies, form_token};
use crate::http::error::AppError;
use crate::http::state::AppState;

/// Forms are small; an urlencoded body larger than this is refused.
const FORM_LIMIT: usize = 256 * 1024;

/// A new value for this browser, set when someone signs in or out: a token copied from a
/// page seen before (on a shared computer, say) no longer posts anything afterwards.
pub fn renewed_cookie(state: &AppState) -> String {
    form_token::cookie(state.config.web.https, &Token::generate().value)
}

pub fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses a state-changing request without a valid token. An urlencoded body is read to find
/// the `csrf` field and put back for the handler.
pub async fn verify(req: &mut Request, state: &AppState) -> Result<(), AppError> {
    // A request another site's page made shows its origin: refuse it outright.
    if let (Some(origin), Some(host)) = (req.header(header::ORIGIN), req.header(header::HOST)) {
        let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
        if origin_host != host {
            return Err(AppError::Csrf);
        }
    }
    let Some(cookie) =
        cookies::read_with(req, state.config.web.https, cookies::CSRF).map(str::to_owned)
    else {
        return Err(AppError::Csrf);
    };
    let content_type = req.content_type().unwrap_or_default().to_owned();
    let sent = if content_type.starts_with("multipart/form-data") {
        field(req.uri().query().unwrap_or_default().as_bytes())
    } else {
        let body = req
            .take_body()
            .into_bytes_limit(FORM_LIMIT)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        let sent = field(&body);
        req.set_body(body);
        sent
    };
    match sent {
        Some(token)
            if state
                .key
                .verify_base64(form_token::PURPOSE, cookie.as_bytes(), &token) =>
        {
            Ok(())
        }
        _ => Err(AppError::Csrf),
    }
}

fn field(urlencoded: &[u8]) -> Option<String> {
    form_urlencoded::parse(urlencoded)
        .find(|(key, _)| key == "csrf")
        .map(|(_, value)| value.into_owned())
}
