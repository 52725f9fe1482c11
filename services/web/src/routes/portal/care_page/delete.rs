//! CP-7: deleting a care page, confirmed with the page's name.

use common::care::page::{self as care_page};
use common::infra::tenancy::in_tenant;
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Form, Redirect};
use poem::{handler, IntoResponse, Response};
use serde::Deserialize;

use crate::access::care_page::CarePageAccess;
use crate::http::error::AppError;
use crate::http::forms::{checked, FieldErrors};
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

use super::render;

async fn delete_page(
    state: &AppState,
    pages: PageRenderer,
    access: &CarePageAccess,
    status: StatusCode,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let template = "portal/care_page/delete.html";
    render(
        state,
        pages,
        access,
        "profiel",
        template,
        status,
        context! { errors },
    )
    .await
}

#[handler]
pub async fn delete_form(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
) -> Result<Response, AppError> {
    let no_errors = FieldErrors::default();
    delete_page(&state, pages, &access, StatusCode::OK, no_errors).await
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    confirm: Option<String>,
}

#[handler]
pub async fn delete(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
    Form(form): Form<DeleteForm>,
) -> Result<Response, AppError> {
    if !checked(&form.confirm) {
        let mut errors = FieldErrors::default();
        errors.add("confirm", "care-delete-confirm-missing");
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return delete_page(&state, pages, &access, status, errors).await;
    }
    let now = state.clock.now();
    in_tenant(&state.db, &access.portal.tenant.slug, async |tx| {
        care_page::delete(tx, &access.page, access.me.account.id, now).await
    })
    .await?;
    Ok(Redirect::see_other("/overzicht?melding=zorgpagina-verwijderd").into_response())
}
