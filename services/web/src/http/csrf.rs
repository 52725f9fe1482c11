//! CSRF protection for every state-changing request, in one place.
//!
//! Each browser gets a random value in an HttpOnly cookie; forms carry `csrf` = HMAC(server key,
//! that value). Another site can make the browser send the cookie but can neither read it nor
//! compute the HMAC. The check runs in the request middleware for every method other than
//! GET/HEAD/OPTIONS, before any handler: a handler cannot forget it. Multipart forms (uploads)
//! carry the token in their action's query, since their body is streamed to the handler.

use common::infra::crypto::{ServerKey, Token};
use poem::http::{header, Method};
use poem::Request;

use super::cookies;
use crate::http::error::AppError;
use crate::http::state::AppState;

const PURPOSE: &str = "csrf";
/// Long enough that a form left open over a weekend still posts.
const COOKIE_LIFETIME_SECS: u64 = 30 * 24 * 3600;
/// Forms are small; an urlencoded body larger than this is refused.
const FORM_LIMIT: usize = 256 * 1024;

/// The token for this browser's forms, and the cookie to set when the browser had none.
#[derive(Debug, Clone)]
pub struct CsrfToken {
    pub token: String,
    pub new_cookie: Option<String>,
}

pub fn token_for(req: &Request, state: &AppState) -> CsrfToken {
    let name = cookies::name(&state.config.web, cookies::CSRF);
    match cookies::read(req, &name).filter(|v| v.len() == 43) {
        Some(value) => CsrfToken {
            token: sign(&state.key, value),
            new_cookie: None,
        },
        None => {
            let value = Token::generate().value;
            CsrfToken {
                token: sign(&state.key, &value),
                new_cookie: Some(cookie(state, &value)),
            }
        }
    }
}

fn cookie(state: &AppState, value: &str) -> String {
    cookies::set(
        &state.config.web,
        cookies::CSRF,
        value,
        Some(COOKIE_LIFETIME_SECS),
    )
}

/// A new value for this browser, set when someone signs in or out: a token copied from a
/// page seen before (on a shared computer, say) no longer posts anything afterwards.
pub fn renewed_cookie(state: &AppState) -> String {
    cookie(state, &Token::generate().value)
}

fn sign(key: &ServerKey, cookie_value: &str) -> String {
    key.sign_base64(PURPOSE, cookie_value.as_bytes())
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
    let name = cookies::name(&state.config.web, cookies::CSRF);
    let Some(cookie) = cookies::read(req, &name).map(str::to_owned) else {
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
        Some(token) if state.key.verify_base64(PURPOSE, cookie.as_bytes(), &token) => Ok(()),
        _ => Err(AppError::Csrf),
    }
}

fn field(urlencoded: &[u8]) -> Option<String> {
    form_urlencoded::parse(urlencoded)
        .find(|(key, _)| key == "csrf")
        .map(|(_, value)| value.into_owned())
}
