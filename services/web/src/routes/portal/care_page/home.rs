//! A care page's home (CP-4): a summary of the page and the next step that makes sense.

use common::care::page::{self as care_page, NextStep, Role};
use common::care::rights::NetworkRole;
use common::infra::tenancy::in_tenant_read_only;
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Query};
use poem::{handler, Response};
use serde::Serialize;

use crate::access::care_page::CarePageAccess;
use crate::http::error::AppError;
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

use super::{render, NoticeQuery};

/// One person on the page, as the summary lists them, with the role Connecties shows.
#[derive(Serialize)]
struct Participant {
    name: String,
    initials: String,
    role: NetworkRole,
    is_me: bool,
}

#[handler]
pub async fn home(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let notice = match query.melding.as_deref() {
        Some("aangemaakt") => Some("care-page-created"),
        Some("gekoppeld") => Some("activation-linked"),
        _ => None,
    };
    let members = in_tenant_read_only(&state.db, &access.portal.tenant.slug, async |tx| {
        care_page::network(tx, access.page.id).await
    })
    .await?;
    let members: Vec<Participant> = members
        .into_iter()
        .map(|m| Participant {
            initials: care_page::initials(&m.name),
            role: NetworkRole::of(m.membership.role == Role::Beheerder, m.membership.rights),
            is_me: m.account_id == access.me.account.id,
            name: m.name,
        })
        .collect();
    let page = context! {
        members,
        next_step => NextStep::for_member(&access.page, access.role),
    };
    let pages = pages.notice(notice);
    let template = "portal/care_page/home.html";
    render(&state, pages, &access, "", template, StatusCode::OK, page).await
}
