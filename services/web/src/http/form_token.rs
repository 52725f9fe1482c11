//! The form token of one request (see [`super::csrf`] for the check): HMAC(server key, the
//! browser's cookie value), made when a page first asks for it. A response without a form —
//! the shared start page, a stylesheet, a redirect — costs no signature and sets no cookie.

use std::sync::OnceLock;

use common::infra::crypto::{ServerKey, Token};
use poem::Request;

use super::cookies;

pub(crate) const PURPOSE: &str = "csrf";
/// Long enough that a form left open over a weekend still posts.
const COOKIE_LIFETIME_SECS: u64 = 30 * 24 * 3600;

/// The token for this browser's forms, and the cookie to set when the browser had none.
struct Made {
    token: String,
    new_cookie: Option<String>,
}

/// What it takes to make the token: the key and whether cookies are `Secure`.
struct Signer {
    key: ServerKey,
    https: bool,
}

pub struct LazyToken {
    /// The browser's cookie value, if it sent a well-formed one.
    cookie_value: Option<String>,
    signer: Option<Signer>,
    made: OnceLock<Made>,
}

impl LazyToken {
    pub fn for_request(req: &Request, key: &ServerKey, https: bool) -> Self {
        Self {
            cookie_value: cookies::read_with(req, https, cookies::CSRF)
                .filter(|v| v.len() == 43)
                .map(str::to_owned),
            signer: Some(Signer {
                key: key.clone(),
                https,
            }),
            made: OnceLock::new(),
        }
    }

    /// No token at all: for pages shared by every visitor, which must not carry one.
    pub fn none() -> Self {
        Self {
            cookie_value: None,
            signer: None,
            made: OnceLock::new(),
        }
    }

    /// The token for this browser's forms (empty for [`Self::none`]).
    pub fn token(&self) -> &str {
        &self.made.get_or_init(|| self.make()).token
    }

    /// The cookie to set: only when a token was made for a browser that had none.
    pub fn new_cookie(&self) -> Option<&str> {
        self.made.get().and_then(|made| made.new_cookie.as_deref())
    }

    fn make(&self) -> Made {
        let Some(signer) = &self.signer else {
            return Made {
                token: String::new(),
                new_cookie: None,
            };
        };
        let sign = |value: &str| signer.key.sign_base64(PURPOSE, value.as_bytes());
        match &self.cookie_value {
            Some(value) => Made {
                token: sign(value),
                new_cookie: None,
            },
            None => {
                let value = Token::generate().value;
                Made {
                    token: sign(&value),
                    new_cookie: Some(cookie(signer.https, &value)),
                }
            }
        }
    }
}

impl std::fmt::Debug for LazyToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LazyToken")
            .field("made", &self.made.get().is_some())
            .finish_non_exhaustive()
    }
}

/// The `Set-Cookie` value that gives a browser `value`.
pub(crate) fn cookie(https: bool, value: &str) -> String {
    cookies::set_with(https, cookies::CSRF, value, Some(COOKIE_LIFETIME_SECS))
}
