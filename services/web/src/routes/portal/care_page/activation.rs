//! Activation (CP-2): a signed-in person links a care page with the code from the letter and
//! the client's birth date ("Activatiecode gebruiken", "Ik ga akkoord").

use common::care::page::{BirthDate, CarePageId, ForWhom};
use common::clients::activation::{self, Refusal};
use common::infra::tenancy::{in_tenant, TenantTx};
use common::infra::throttle::Decision;
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Form, Query, Redirect};
use poem::{handler, IntoResponse, Response};
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::access::session::SignedIn;
use crate::http::error::AppError;
use crate::http::forms::{wait_text, FieldErrors, Secret};
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct ActivationQuery {
    zorgpagina: Option<Uuid>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ActivationForm {
    #[serde(default)]
    code: Secret,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    zorgpagina: Option<String>,
    /// For whom a new page is: "mijzelf" or "iemand-anders".
    #[serde(default)]
    voor: String,
}

impl ActivationForm {
    fn page(&self) -> Option<CarePageId> {
        self.zorgpagina
            .as_deref()
            .and_then(|raw| Uuid::parse_str(raw).ok())
            .map(CarePageId)
    }

    /// For whom the new page is, as chosen; before the choice, a guess: the client's own letter
    /// when the names match (a client activating their own letter), else someone else's.
    fn for_whom(&self, me: &SignedIn, client_name: &str) -> ForWhom {
        ForWhom::parse(&self.voor).unwrap_or_else(|| {
            if me
                .account
                .name
                .trim()
                .eq_ignore_ascii_case(client_name.trim())
            {
                ForWhom::Myself
            } else {
                ForWhom::SomeoneElse
            }
        })
    }
}

fn activation_page(
    pages: &PageRenderer,
    status: StatusCode,
    form: &ActivationForm,
    errors: &FieldErrors,
    refusal: Option<(&'static str, Option<String>)>,
) -> Result<Response, AppError> {
    pages.status(
        "portal/care_page/activation.html",
        status,
        context! {
            code => &form.code,
            birth_date => &form.birth_date,
            zorgpagina => form.page().map(|p| p.to_string()),
            errors,
            refusal => refusal.as_ref().map(|r| r.0),
            wait => refusal.and_then(|r| r.1),
        },
    )
}

#[handler]
pub fn activation_form(
    pages: PageRenderer,
    me: SignedIn,
    Query(query): Query<ActivationQuery>,
) -> Result<Response, AppError> {
    let form = ActivationForm {
        zorgpagina: query.zorgpagina.map(|p| p.to_string()),
        ..ActivationForm::default()
    };
    let pages = pages.viewer(me.viewer());
    activation_page(&pages, StatusCode::OK, &form, &FieldErrors::default(), None)
}

/// The birth date of a complete form, or what is missing in it.
fn birth_date_of(form: &ActivationForm, now: OffsetDateTime) -> Result<BirthDate, FieldErrors> {
    let mut errors = FieldErrors::default();
    if form.code.trim().is_empty() {
        errors.add("code", "activation-code-missing");
    }
    let birth_date = BirthDate::parse(&form.birth_date, now.date())
        .map_err(|code| errors.add("birth_date", code))
        .ok();
    birth_date.filter(|_| errors.is_empty()).ok_or(errors)
}

/// The form's page with what a refused code means: 429 with the wait after too many tries.
fn refused_page(
    pages: &PageRenderer,
    form: &ActivationForm,
    refusal: Refusal,
) -> Result<Response, AppError> {
    let (status, wait) = match refusal {
        Refusal::TooManyTries(after) => (
            StatusCode::TOO_MANY_REQUESTS,
            Some(wait_text(pages.context().language, Decision::Wait(after))),
        ),
        _ => (StatusCode::UNPROCESSABLE_ENTITY, None),
    };
    let no_errors = FieldErrors::default();
    activation_page(
        pages,
        status,
        form,
        &no_errors,
        Some((refusal.code(), wait)),
    )
}

/// Checks the form's code and birth date in a tenant transaction and hands a match to `then`
/// inside the same transaction (the code's row stays locked). An incomplete form or a refused
/// code comes back as the form's page; a refusal commits, so the counters of wrong tries stay.
async fn with_checked_code<T>(
    state: &AppState,
    pages: &PageRenderer,
    me: &SignedIn,
    form: &ActivationForm,
    then: impl AsyncFnOnce(&mut TenantTx, activation::Match) -> Result<T, AppError>,
) -> Result<Result<T, Response>, AppError> {
    let now = state.clock.now();
    let birth_date = match birth_date_of(form, now) {
        Ok(birth_date) => birth_date.date(),
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return activation_page(pages, status, form, &errors, None).map(Err);
        }
    };
    let (account, page) = (me.account.id, form.page());
    let outcome = in_tenant(
        &state.db,
        &pages.tenant().slug,
        async |tx| match activation::check(tx, account, page, &form.code, birth_date, now).await? {
            Ok(matched) => then(tx, matched).await.map(Ok),
            Err(refusal) => Ok(Err(refusal)),
        },
    )
    .await?;
    match outcome {
        Ok(value) => Ok(Ok(value)),
        Err(refusal) => refused_page(pages, form, refusal).map(Err),
    }
}

/// `POST /zorgpagina/activatiecode`: checks code and birth date, then asks "Klopt dit?".
#[handler]
pub async fn activation_check(
    state: Data<&AppState>,
    pages: PageRenderer,
    me: SignedIn,
    Form(form): Form<ActivationForm>,
) -> Result<Response, AppError> {
    let pages = pages.viewer(me.viewer());
    let checked = with_checked_code(&state, &pages, &me, &form, async |_, matched| Ok(matched));
    let matched = match checked.await? {
        Ok(matched) => matched,
        Err(page) => return Ok(page),
    };
    pages.ok(
        "portal/care_page/activation_confirm.html",
        context! {
            client_name => &matched.record.name,
            client_birth_date => BirthDate::format(matched.record.birth_date),
            code => &form.code,
            birth_date => &form.birth_date,
            zorgpagina => form.page().map(|p| p.to_string()),
            voor => form.for_whom(&me, &matched.record.name).form_value(),
        },
    )
}

/// `POST /zorgpagina/activatiecode/akkoord`: "Ik ga akkoord" — checks again, uses the code up
/// and links the page, in one transaction.
#[handler]
pub async fn activation_agree(
    state: Data<&AppState>,
    pages: PageRenderer,
    me: SignedIn,
    Form(form): Form<ActivationForm>,
) -> Result<Response, AppError> {
    let pages = pages.viewer(me.viewer());
    let now = state.clock.now();
    let link = async |tx: &mut TenantTx, matched: activation::Match| {
        let for_whom = form.for_whom(&me, &matched.record.name);
        activation::activate(tx, me.account.id, &matched, form.page(), for_whom, now)
            .await
            .map_err(AppError::internal)
    };
    match with_checked_code(&state, &pages, &me, &form, link).await? {
        Ok(page) => Ok(
            Redirect::see_other(format!("/zorgpagina/{page}?melding=gekoppeld")).into_response(),
        ),
        Err(page) => Ok(page),
    }
}
