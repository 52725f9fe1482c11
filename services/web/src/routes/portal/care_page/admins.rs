//! Beheerrechten (CP-3): who administers the page, granted and taken back by a beheerder.

use common::accounts::AccountId;
use common::care::network::members;
use common::care::page::{self as care_page, CarePageError, Role};
use common::infra::tenancy::in_tenant;
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Form, Query, Redirect};
use poem::{handler, IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;

use crate::access::care_page::CarePageAccess;
use crate::http::error::AppError;
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

use super::{render, NoticeQuery};

async fn admins_page(
    state: &AppState,
    pages: PageRenderer,
    access: &CarePageAccess,
    status: StatusCode,
    error: Option<&'static str>,
    notice: Option<(&'static str, Uuid)>,
) -> Result<Response, AppError> {
    let members = in_tenant(&state.db, &access.portal.tenant.slug, async |tx| {
        care_page::members(tx, access.page.id).await
    })
    .await?;
    let notice = notice.and_then(|(key, id)| {
        members
            .iter()
            .find(|m| m.account_id.0 == id)
            .map(|m| context! { key, name => &m.name })
    });
    let page = context! {
        members,
        me_id => access.me.account.id.0,
        error,
        notice,
    };
    let template = "portal/care_page/admins.html";
    render(state, pages, access, "profiel", template, status, page).await
}

#[handler]
pub async fn admins(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let notice = match (query.melding.as_deref(), query.lid) {
        (Some("gegeven"), Some(id)) => Some(("care-admins-granted", id)),
        (Some("afgenomen"), Some(id)) => Some(("care-admins-revoked", id)),
        _ => None,
    };
    admins_page(&state, pages, &access, StatusCode::OK, None, notice).await
}

#[derive(Debug, Deserialize)]
pub struct RightsForm {
    #[serde(default)]
    lid: String,
    #[serde(default)]
    rechten: String,
}

#[handler]
pub async fn set_rights(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
    Form(form): Form<RightsForm>,
) -> Result<Response, AppError> {
    let member = Uuid::parse_str(&form.lid).map_err(|_| AppError::NotFound)?;
    let (role, melding) = match form.rechten.as_str() {
        "geven" => (Role::Beheerder, "gegeven"),
        "afnemen" => (Role::Lid, "afgenomen"),
        _ => return Err(AppError::NotFound),
    };
    let now = state.clock.now();
    let (page, me) = (access.page.id, access.me.account.id);
    let result = in_tenant(&state.db, &access.portal.tenant.slug, async |tx| {
        members::set_role(tx, page, me, AccountId(member), role, now).await
    })
    .await;
    match result {
        Ok(()) => {
            // A beheerder who gave up their own rights can no longer manage: to the profile.
            let to = if member == me.0 && role == Role::Lid {
                format!("/zorgpagina/{page}/profiel")
            } else {
                format!("/zorgpagina/{page}/beheerders?melding={melding}&lid={member}")
            };
            Ok(Redirect::see_other(to).into_response())
        }
        Err(CarePageError::LastBeheerder) => {
            let (status, error) = (StatusCode::CONFLICT, Some("care-admins-last"));
            admins_page(&state, pages, &access, status, error, None).await
        }
        Err(CarePageError::NotMember) => Err(AppError::NotFound),
        Err(other) => Err(AppError::internal(other)),
    }
}
