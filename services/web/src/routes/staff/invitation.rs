//! Becoming staff (API-3): the employee opens the link from the invitation and accepts with
//! the account of the invited address. These pages live outside `/medewerker` and its door,
//! since the person is no employee on the portal yet.

use common::infra::tenancy::in_tenant;
use common::staff::sign_in::{self, StaffInvitationError};
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
    employee: &str,
    problem: Option<&'static str>,
) -> Result<Response, AppError> {
    let page = context! { token, employee, problem };
    pages.status("staff/invitation.html", status, page)
}

fn refused(pages: &PageRenderer, problem: StaffInvitationError) -> Result<Response, AppError> {
    let status = match problem {
        StaffInvitationError::OtherAddress | StaffInvitationError::OtherEmployee => {
            StatusCode::FORBIDDEN
        }
        _ => StatusCode::GONE,
    };
    invitation_page(pages, status, "", "", Some(problem.code()))
}

/// `GET /medewerker-worden?token=…`: only looks. Signed out, the person signs in (or up) first
/// and comes back here.
#[handler]
pub async fn invitation(
    state: Data<&AppState>,
    pages: PageRenderer,
    me: SignedIn,
    Query(query): Query<InvitationToken>,
) -> Result<Response, AppError> {
    let pages = pages.viewer(me.viewer());
    let now = state.clock.now();
    let email = me.account.email.to_string();
    let verdict = in_tenant(&state.db, &pages.tenant().slug, async |tx| {
        sign_in::peek(tx, &query.token, &email, now).await
    })
    .await?;
    match verdict {
        Ok(employee) => invitation_page(&pages, StatusCode::OK, &query.token, &employee, None),
        Err(problem) => refused(&pages, problem),
    }
}

/// `POST /medewerker-worden`: uses the invitation up; the account signs in as the employee.
#[handler]
pub async fn accept(
    state: Data<&AppState>,
    pages: PageRenderer,
    me: SignedIn,
    Form(form): Form<InvitationToken>,
) -> Result<Response, AppError> {
    let pages = pages.viewer(me.viewer());
    let now = state.clock.now();
    let (account, email) = (me.account.id, me.account.email.to_string());
    let verdict = in_tenant(&state.db, &pages.tenant().slug, async |tx| {
        sign_in::accept(tx, &form.token, account, &email, now).await
    })
    .await?;
    match verdict {
        Ok(_) => Ok(Redirect::see_other("/medewerker").into_response()),
        Err(problem) => refused(&pages, problem),
    }
}
