//! Who is signed in: the extractors handlers use to require a session, and the client's
//! address for rate limits and the session list.

use common::accounts::sessions::{self, Found, Origin, Session, Stage};
use common::accounts::Account;
use poem::http::header;
use poem::{FromRequest, Request, RequestBody};

use crate::http::cookies;
use crate::http::error::AppError;
use crate::http::forms::Secret;
use crate::http::pages::Viewer;
use crate::http::portal::RequestContext;
use crate::http::state::AppState;

/// The session token the browser sent, if any.
pub fn session_token(req: &Request, state: &AppState) -> Option<String> {
    cookies::read_with(req, state.config.web.https, cookies::SESSION).map(str::to_owned)
}

/// The client's address: the peer, or behind a trusted proxy the last `X-Forwarded-For` hop.
pub fn client_ip(req: &Request, state: &AppState) -> String {
    if state.config.web.trust_forwarded_for {
        if let Some(last) = req
            .header("x-forwarded-for")
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            return last.to_owned();
        }
    }
    req.remote_addr()
        .as_socket_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default()
}

pub fn origin(req: &Request, state: &AppState) -> Origin {
    Origin {
        user_agent: req
            .header(header::USER_AGENT)
            .unwrap_or_default()
            .to_owned(),
        ip: client_ip(req, state),
    }
}

/// The session behind the cookie, whatever its stage, with its token.
async fn current(req: &Request) -> Result<Option<(Found, String)>, AppError> {
    let state = AppState::of(req)?;
    let Some(token) = session_token(req, state) else {
        return Ok(None);
    };
    let found = sessions::find(&state.db, &token, state.clock.now())
        .await
        .map_err(AppError::internal)?;
    // A session belongs to the portal it was started on; elsewhere it opens nothing.
    let portal = req
        .data::<RequestContext>()
        .and_then(|ctx| ctx.tenant.as_ref())
        .map(|t| t.slug.as_str().to_owned());
    Ok(found
        .filter(|found| Some(&found.session.tenant_slug) == portal.as_ref())
        .map(|found| (found, token)))
}

/// A fully signed-in person (password and code). Pages that need one send everyone else to
/// the sign-in page.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub account: Account,
    pub session: Session,
    pub token: Secret,
    /// Whether the person holds the tenant-admin role of this portal's organisation: every
    /// page then shows the way to "Beheer", and [`TenantAdmin`] lets them in.
    pub tenant_admin: bool,
}

impl SignedIn {
    /// What the pages show of this person.
    pub fn viewer(&self) -> Viewer {
        Viewer {
            name: self.account.name.to_string(),
            email: self.account.email.to_string(),
            admin: self.tenant_admin,
        }
    }

    /// The person behind an active session; the session was found on this request's portal,
    /// so its tenant-admin flag is this portal's.
    fn of(found: Found, token: String) -> Self {
        Self {
            account: found.account,
            session: found.session,
            token: token.into(),
            tenant_admin: found.tenant_admin,
        }
    }
}

impl<'a> FromRequest<'a> for SignedIn {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        // A door in front of the handler has looked the session up already.
        if let Some(me) = req.data::<SignedIn>() {
            return Ok(me.clone());
        }
        match current(req).await? {
            Some((found, token)) if found.session.stage == Stage::Active => {
                Ok(Self::of(found, token))
            }
            _ => Err(AppError::SignInRequired.into()),
        }
    }
}

/// A person who gave the right password and still has to enter the code.
#[derive(Debug, Clone)]
pub struct PendingSignIn {
    pub account: Account,
    pub session: Session,
    pub token: Secret,
}

impl<'a> FromRequest<'a> for PendingSignIn {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        match current(req).await? {
            Some((found, token)) if found.session.stage == Stage::SecondFactor => Ok(Self {
                account: found.account,
                session: found.session,
                token: token.into(),
            }),
            _ => Err(AppError::SignInRequired.into()),
        }
    }
}

/// Any session the cookie names (for sign-out), or none.
#[derive(Debug, Clone)]
pub struct AnySession(pub Option<(Session, Account, String)>);

impl<'a> FromRequest<'a> for AnySession {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        Ok(Self(current(req).await?.map(|(found, token)| {
            (found.session, found.account, token)
        })))
    }
}

/// The signed-in person if there is one, for pages open to everyone (help, FAQ).
#[derive(Debug, Clone)]
pub struct MaybeSignedIn(pub Option<SignedIn>);

impl<'a> FromRequest<'a> for MaybeSignedIn {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        Ok(Self(match current(req).await? {
            Some((found, token)) if found.session.stage == Stage::Active => {
                Some(SignedIn::of(found, token))
            }
            _ => None,
        }))
    }
}
