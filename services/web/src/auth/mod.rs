//! Who is signed in: session cookies, the extractors handlers use to require a session, CSRF,
//! and the client's address for rate limits and the session list.

pub mod code_entry;
pub mod cookies;
pub mod csrf;

use common::accounts::sessions::{self, Origin, Session, Stage};
use common::accounts::Account;
use poem::http::header;
use poem::{FromRequest, Request, RequestBody};

use crate::error::AppError;
use crate::middleware::RequestContext;
use crate::state::AppState;

fn state(req: &Request) -> Result<&AppState, AppError> {
    req.data::<AppState>()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("application state missing")))
}

/// The session token the browser sent, if any.
pub fn session_token(req: &Request, state: &AppState) -> Option<String> {
    let name = cookies::name(&state.config.web, cookies::SESSION);
    cookies::read(req, &name).map(str::to_owned)
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

/// The session behind the cookie, whatever its stage.
async fn current(req: &Request) -> Result<Option<(Session, Account, String)>, AppError> {
    let state = state(req)?;
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
        .filter(|(session, _)| Some(&session.tenant_slug) == portal.as_ref())
        .map(|(session, account)| (session, account, token)))
}

/// A fully signed-in person (password and code). Pages that need one send everyone else to
/// the sign-in page.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub account: Account,
    pub session: Session,
    pub token: String,
    /// Whether the person holds the tenant-admin role of this portal's organisation: every
    /// page then shows the way to "Beheer", and [`TenantAdmin`] lets them in.
    pub tenant_admin: bool,
}

impl SignedIn {
    /// The person behind an active session, with their role on this request's portal.
    async fn of(
        req: &Request,
        session: Session,
        account: Account,
        token: String,
    ) -> poem::Result<Self> {
        let tenant = req
            .data::<RequestContext>()
            .and_then(|ctx| ctx.tenant.clone())
            .ok_or(AppError::UnknownHost)?;
        let tenant_admin = common::tenant_admin::is_admin(&state(req)?.db, tenant.id, account.id)
            .await
            .map_err(AppError::internal)?;
        Ok(Self {
            account,
            session,
            token,
            tenant_admin,
        })
    }
}

impl<'a> FromRequest<'a> for SignedIn {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        match current(req).await? {
            Some((session, account, token)) if session.stage == Stage::Active => {
                Self::of(req, session, account, token).await
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
    pub token: String,
}

impl<'a> FromRequest<'a> for PendingSignIn {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        match current(req).await? {
            Some((session, account, token)) if session.stage == Stage::SecondFactor => Ok(Self {
                account,
                session,
                token,
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
        Ok(Self(current(req).await?))
    }
}

/// The signed-in person if there is one, for pages open to everyone (help, FAQ).
#[derive(Debug, Clone)]
pub struct MaybeSignedIn(pub Option<SignedIn>);

impl<'a> FromRequest<'a> for MaybeSignedIn {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        Ok(Self(match current(req).await? {
            Some((session, account, token)) if session.stage == Stage::Active => {
                Some(SignedIn::of(req, session, account, token).await?)
            }
            _ => None,
        }))
    }
}

/// A signed-in person who holds the tenant-admin role for the portal of this request: the one
/// guard of every page under `/beheer`. Signed out → the sign-in page; signed in without the
/// role for this organisation (an admin of another one, say) → 403.
#[derive(Debug, Clone)]
pub struct TenantAdmin {
    pub me: SignedIn,
    pub tenant: std::sync::Arc<common::tenancy::Tenant>,
}

impl<'a> FromRequest<'a> for TenantAdmin {
    async fn from_request(req: &'a Request, body: &mut RequestBody) -> poem::Result<Self> {
        let me = SignedIn::from_request(req, body).await?;
        let tenant = req
            .data::<RequestContext>()
            .and_then(|ctx| ctx.tenant.clone())
            .ok_or(AppError::UnknownHost)?;
        if me.tenant_admin {
            Ok(Self { me, tenant })
        } else {
            Err(AppError::Forbidden.into())
        }
    }
}
