//! Connecties (NET-4): who takes part in the page, in which role, and the organisation it is
//! linked to. Members see the list; beheerders also see how to link the page and, per person,
//! the way to the beheerrechten.

use common::care::page::{self as care_page, Role};
use common::care::rights::NetworkRole;
use common::infra::tenancy::in_tenant_read_only;
use minijinja::context;
use poem::http::StatusCode;
use poem::web::Data;
use poem::{handler, Response};
use serde::Serialize;

use crate::access::care_page::CarePageAccess;
use crate::http::error::AppError;
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

use super::render;

/// One person on Connecties.
#[derive(Serialize)]
pub(super) struct Person {
    name: String,
    initials: String,
    email: String,
    role: NetworkRole,
    is_me: bool,
}

/// The people of the page as Connecties and the page's home list them.
pub(super) async fn people(
    state: &AppState,
    access: &CarePageAccess,
) -> Result<Vec<Person>, AppError> {
    let members = in_tenant_read_only(&state.db, &access.portal.tenant.slug, async |tx| {
        care_page::network(tx, access.page.id).await
    })
    .await?;
    Ok(members
        .into_iter()
        .map(|m| Person {
            initials: care_page::initials(&m.name),
            role: NetworkRole::of(m.membership.role == Role::Beheerder, m.membership.rights),
            is_me: m.account_id == access.me.account.id,
            name: m.name,
            email: m.email,
        })
        .collect())
}

#[handler]
pub async fn connections(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
) -> Result<Response, AppError> {
    let page = context! { people => people(&state, &access).await? };
    let template = "portal/care_page/network.html";
    render(
        &state,
        pages,
        &access,
        "connecties",
        template,
        StatusCode::OK,
        page,
    )
    .await
}
