//! Becoming a tenant admin (API-2): the person invited by e-mail opens the link and accepts.
//! These pages live outside `/beheer` and its door, since the person is no admin yet: they
//! need only a signed-in account, with the invited address.

use common::audit::trail;
use common::infra::tenancy::in_tenant;
use common::organisation::invitations::{self, InvitationError};
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Form, Query, Redirect};
use poem::{handler, IntoResponse, Response};

use crate::access::session::SignedIn;
use crate::http::error::AppError;
use crate::http::forms::InvitationToken;
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

fn invitation_page(
    pages: &PageRenderer,
    status: StatusCode,
    token: &str,
    problem: Option<&'static str>,
) -> Result<Response, AppError> {
    pages.status(
        "portal/admin_invitation.html",
        status,
        context! { token, problem },
    )
}

/// The page that says why the invitation cannot be used. Another person's invitation is
/// forbidden to this account; any other refusal means the link no longer works.
fn refused(pages: &PageRenderer, problem: InvitationError) -> Result<Response, AppError> {
    let status = match problem {
        InvitationError::OtherAddress => StatusCode::FORBIDDEN,
        _ => StatusCode::GONE,
    };
    invitation_page(pages, status, "", Some(problem.code()))
}

/// `GET /beheerder-worden?token=…`: opening the link only looks. Signed out, the person is
/// sent to sign in (or sign up from there) and comes back here.
#[handler]
pub async fn invitation(
    state: Data<&AppState>,
    pages: PageRenderer,
    me: SignedIn,
    Query(query): Query<InvitationToken>,
) -> Result<Response, AppError> {
    let pages = pages.viewer(me.viewer());
    let verdict = invitations::peek_invitation(
        &state.db,
        pages.tenant().id,
        &query.token,
        &me.account.email,
        state.clock.now(),
    )
    .await?;
    match verdict {
        Ok(()) => invitation_page(&pages, StatusCode::OK, &query.token, None),
        Err(problem) => refused(&pages, problem),
    }
}

/// `POST /beheerder-worden`: uses the invitation up; the signed-in account gets the role. A
/// refused invitation stays as it was.
#[handler]
pub async fn accept_invitation(
    state: Data<&AppState>,
    pages: PageRenderer,
    me: SignedIn,
    Form(form): Form<InvitationToken>,
) -> Result<Response, AppError> {
    let pages = pages.viewer(me.viewer());
    let tenant = pages.tenant().id;
    let now = state.clock.now();
    let verdict = in_tenant(&state.db, &pages.tenant().slug, async |tx| {
        let account = &me.account;
        let token = &form.token;
        let verdict = invitations::accept_invitation(
            tx.conn(),
            tenant,
            token,
            account.id,
            &account.email,
            now,
        )
        .await?;
        if verdict.is_ok() {
            let detail = serde_json::json!({ "account": account.id.0, "via": "invitation" });
            trail::record(tx, account.id, "tenant_admin.granted", detail, now).await?;
        }
        Ok::<_, sqlx::Error>(verdict)
    })
    .await?;
    match verdict {
        Ok(()) => Ok(Redirect::see_other("/beheer").into_response()),
        Err(problem) => refused(&pages, problem),
    }
}
