//! CP-1: creating a care page after sign-in, for oneself or for someone one cares for.

use common::care::page::{self as care_page, CarePageError, ForWhom, NewCarePage, NewCarePageForm};
use common::infra::tenancy::in_tenant;
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Form, Query, Redirect};
use poem::{handler, IntoResponse, Response};
use serde::Deserialize;

use crate::access::session::SignedIn;
use crate::http::error::AppError;
use crate::http::forms::{checked, FieldErrors};
use crate::http::pages::PageRenderer;
use crate::http::portal::Portal;
use crate::http::state::AppState;

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    voor: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct NewForm {
    #[serde(default)]
    for_whom: String,
    #[serde(default)]
    client_name: String,
    #[serde(default)]
    birth_date: String,
    consent: Option<String>,
}

async fn new_page(
    pages: PageRenderer,
    status: StatusCode,
    form: &NewForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let for_whom = ForWhom::parse(&form.for_whom);
    pages.status(
        "portal/care_page/new.html",
        status,
        context! {
            for_whom => for_whom.map(ForWhom::form_value),
            client_name => &form.client_name,
            birth_date => &form.birth_date,
            consent => checked(&form.consent),
            errors,
        },
    )
}

#[handler]
pub async fn new_form(
    pages: PageRenderer,
    me: SignedIn,
    Query(query): Query<NewQuery>,
) -> Result<Response, AppError> {
    let form = NewForm {
        for_whom: query.voor.unwrap_or_default(),
        ..NewForm::default()
    };
    let pages = pages.viewer(me.viewer());
    new_page(pages, StatusCode::OK, &form, FieldErrors::default()).await
}

#[handler]
pub async fn create(
    portal: Portal,
    state: Data<&AppState>,
    pages: PageRenderer,
    me: SignedIn,
    Form(form): Form<NewForm>,
) -> Result<Response, AppError> {
    let pages = pages.viewer(me.viewer());
    let now = state.clock.now();
    let parsed = NewCarePage::parse(
        &NewCarePageForm {
            for_whom: &form.for_whom,
            client_name: &form.client_name,
            birth_date: &form.birth_date,
            consent: checked(&form.consent),
        },
        &me.account.name,
        now.date(),
    );
    let new = match parsed {
        Ok(new) => new,
        Err(problems) => {
            let mut errors = FieldErrors::default();
            for (field, code) in problems {
                errors.add(field, code);
            }
            return new_page(pages, StatusCode::UNPROCESSABLE_ENTITY, &form, errors).await;
        }
    };
    let created = in_tenant(&state.db, &portal.tenant.slug, async |tx| {
        care_page::create(tx, me.account.id, &new, now).await
    })
    .await;
    match created {
        Ok(page) => Ok(
            Redirect::see_other(format!("/zorgpagina/{}?melding=aangemaakt", page.id))
                .into_response(),
        ),
        Err(CarePageError::SelfPageExists) => {
            let mut errors = FieldErrors::default();
            errors.add("for_whom", "care-self-exists");
            new_page(pages, StatusCode::UNPROCESSABLE_ENTITY, &form, errors).await
        }
        Err(other) => Err(AppError::internal(other)),
    }
}
