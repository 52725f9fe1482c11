//! The care page's profile (CP-5): the client's name and birth date, changed by a beheerder.

use common::accounts::PersonName;
use common::care::page::{self as care_page, BirthDate, ProfileChange, Role};
use common::infra::tenancy::in_tenant;
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Form, Query, Redirect};
use poem::{handler, IntoResponse, Response};
use serde::Deserialize;

use crate::access::care_page::CarePageAccess;
use crate::http::error::AppError;
use crate::http::forms::FieldErrors;
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

use super::{render, NoticeQuery};

#[derive(Debug, Default, Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    client_name: String,
    #[serde(default)]
    birth_date: String,
}

async fn profile_page(
    state: &AppState,
    pages: PageRenderer,
    access: &CarePageAccess,
    status: StatusCode,
    form: &ProfileForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let members = in_tenant(&state.db, &access.portal.tenant.slug, async |tx| {
        care_page::members(tx, access.page.id).await
    })
    .await?;
    let beheerders: Vec<&str> = members
        .iter()
        .filter(|m| m.role == Role::Beheerder)
        .map(|m| m.name.as_str())
        .collect();
    let page = context! {
        beheerders,
        form_name => &form.client_name,
        form_birth_date => &form.birth_date,
        errors,
    };
    let template = "portal/care_page/profile.html";
    render(state, pages, access, "profiel", template, status, page).await
}

#[handler]
pub async fn profile(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let form = ProfileForm {
        client_name: access.page.client_name.clone(),
        birth_date: BirthDate::format(access.page.birth_date),
    };
    let notice = (query.melding.as_deref() == Some("opgeslagen")).then_some("care-profile-saved");
    let pages = pages.notice(notice);
    let no_errors = FieldErrors::default();
    profile_page(&state, pages, &access, StatusCode::OK, &form, no_errors).await
}

#[handler]
pub async fn update_profile(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
    Form(form): Form<ProfileForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut errors = FieldErrors::default();
    let name = PersonName::parse(&form.client_name)
        .map_err(|_| errors.add("client_name", "care-client-name-missing"))
        .ok();
    let birth_date = BirthDate::parse(&form.birth_date, now.date())
        .map_err(|code| errors.add("birth_date", code))
        .ok();
    let (Some(client_name), Some(birth_date)) = (name, birth_date) else {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return profile_page(&state, pages, &access, status, &form, errors).await;
    };
    let change = ProfileChange {
        client_name,
        birth_date,
    };
    in_tenant(&state.db, &access.portal.tenant.slug, async |tx| {
        care_page::update_profile(tx, access.page.id, access.me.account.id, &change, now).await
    })
    .await?;
    Ok(Redirect::see_other(format!(
        "/zorgpagina/{}/profiel?melding=opgeslagen",
        access.page.id
    ))
    .into_response())
}
