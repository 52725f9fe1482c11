//! The portal's cookies. With https they carry the `__Host-` prefix (host-only, path `/`,
//! Secure — a sibling subdomain cannot plant one); on plain-http development they drop the
//! prefix and `Secure`, which browsers would refuse there.

use poem::http::header;
use poem::{Request, Response};

use common::infra::config::WebConfig;
use common::infra::i18n::Language;

pub const SESSION: &str = "zp_session";
pub const CSRF: &str = "zp_csrf";
/// The language chosen with the switcher, for visitors who are not signed in.
pub const LANGUAGE: &str = "zp_lang";
/// The page a signed-out person asked for, opened again after sign-in.
pub const RETURN_TO: &str = "zp_return";
/// Long enough to fetch a code from the mail or the phone.
pub const RETURN_TO_SECONDS: u64 = 30 * 60;

/// The name as set and read: `__Host-zp_session` with https.
pub fn name_with(https: bool, base: &str) -> String {
    if https {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

/// Every `name=value` pair of the request's `Cookie` headers.
fn pairs(req: &Request) -> impl Iterator<Item = (&str, &str)> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
}

/// The value of cookie `name` in the request, if sent.
pub fn read<'r>(req: &'r Request, name: &str) -> Option<&'r str> {
    pairs(req)
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// The value of the portal's cookie `base` as [`name_with`] names it, found without building
/// the name: this runs for every request.
pub fn read_with<'r>(req: &'r Request, https: bool, base: &str) -> Option<&'r str> {
    pairs(req)
        .find(|(key, _)| {
            let unprefixed = if https {
                key.strip_prefix("__Host-")
            } else {
                Some(*key)
            };
            unprefixed == Some(base)
        })
        .map(|(_, value)| value)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, path `/`, Secure with https. `max_age` None
/// makes a browser-session cookie.
pub fn set(config: &WebConfig, base: &str, value: &str, max_age: Option<u64>) -> String {
    set_with(config.https, base, value, max_age)
}

/// [`set`] where only the https switch is at hand.
pub fn set_with(https: bool, base: &str, value: &str, max_age: Option<u64>) -> String {
    let mut cookie = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax",
        name_with(https, base)
    );
    if https {
        cookie.push_str("; Secure");
    }
    if let Some(seconds) = max_age {
        cookie.push_str(&format!("; Max-Age={seconds}"));
    }
    cookie
}

/// The language cookie (`zp_lang`, read by the request context): the person's choice, for a
/// year. Not secret, so without a `__Host-` prefix.
pub fn language(config: &WebConfig, language: Language) -> String {
    let mut cookie = format!(
        "{}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}",
        LANGUAGE,
        language.code(),
        365 * 24 * 3600
    );
    if config.https {
        cookie.push_str("; Secure");
    }
    cookie
}

/// A `Set-Cookie` value that removes the cookie.
pub fn clear(config: &WebConfig, base: &str) -> String {
    let mut cookie = format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0",
        name_with(config.https, base)
    );
    if config.https {
        cookie.push_str("; Secure");
    }
    cookie
}

/// `response` with the `Set-Cookie` header `cookie` added.
pub fn attach(mut response: Response, cookie: String) -> Response {
    if let Ok(value) = cookie.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request_with(cookie: &str) -> Request {
        Request::builder().header(header::COOKIE, cookie).finish()
    }

    #[test]
    fn with_https_only_the_host_prefixed_cookie_counts() {
        let req = request_with("zp_session=planted; __Host-zp_session=real; zp_csrf=x");
        assert_eq!(read_with(&req, true, SESSION), Some("real"));
        assert_eq!(read_with(&req, true, CSRF), None);
        assert_eq!(read_with(&req, false, SESSION), Some("planted"));
        assert_eq!(read_with(&req, false, CSRF), Some("x"));
    }
}
