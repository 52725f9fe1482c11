//! Correcting a client record (API-2): the tenant admin fixes a name, a birth date, an address
//! or a cliëntnummer. Letters made from now on carry the corrected details.

use common::activation::{self, ActivationError};
use common::care_pages::BirthDate;
use common::tenancy::begin_tenant;
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Form, Path, Redirect};
use poem::{handler, IntoResponse, Response};
use uuid::Uuid;

use crate::auth::TenantAdmin;
use crate::error::AppError;
use crate::forms::FieldErrors;
use crate::middleware::Portal;
use crate::routes::activation::ClientFields;
use crate::routes::admin::{admin_ctx, admin_viewer};
use crate::state::AppState;

fn edit_page(
    state: &AppState,
    portal: &Portal,
    admin: &TenantAdmin,
    status: StatusCode,
    id: Uuid,
    form: &ClientFields,
    errors: &FieldErrors,
) -> Result<Response, AppError> {
    state.views.page_with_status(
        "admin_client.html",
        &admin_ctx(portal, admin),
        &portal.tenant,
        status,
        context! {
            viewer => admin_viewer(admin),
            id => id.to_string(),
            form => form.context(),
            errors,
            // The saved notice shows on the list this form leads back to.
            notice => false,
        },
    )
}

/// `GET /beheer/clienten/:id`: the record in the form.
#[handler]
pub async fn show(
    admin: TenantAdmin,
    state: Data<&AppState>,
    portal: Portal,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    let mut tx = begin_tenant(&state.db, &admin.tenant.slug).await?;
    let record = activation::client(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let form = ClientFields {
        client_number: record.client_number,
        name: record.name,
        birth_date: BirthDate::format(record.birth_date),
        address: record.address_lines.join("\n"),
    };
    edit_page(
        &state,
        &portal,
        &admin,
        StatusCode::OK,
        id,
        &form,
        &FieldErrors::default(),
    )
}

/// `POST /beheer/clienten/:id`: saves the correction, or shows the form again with what was
/// typed and the problem at each field.
#[handler]
pub async fn save(
    admin: TenantAdmin,
    state: Data<&AppState>,
    portal: Portal,
    Path(id): Path<Uuid>,
    Form(form): Form<ClientFields>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let changed = match form.parse(now.date()) {
        Ok(changed) => changed,
        Err(errors) => {
            return edit_page(
                &state,
                &portal,
                &admin,
                StatusCode::UNPROCESSABLE_ENTITY,
                id,
                &form,
                &errors,
            )
        }
    };
    let mut tx = begin_tenant(&state.db, &admin.tenant.slug).await?;
    match activation::update_client(&mut tx, admin.me.account.id, id, &changed, now).await {
        Ok(true) => {
            tx.commit().await?;
            Ok(Redirect::see_other("/beheer/clienten?melding=client-opgeslagen").into_response())
        }
        Ok(false) => Err(AppError::NotFound),
        Err(ActivationError::DuplicateNumber) => {
            tx.rollback().await?;
            let mut errors = FieldErrors::default();
            errors.add("client_number", "activation-client-number-taken");
            edit_page(
                &state,
                &portal,
                &admin,
                StatusCode::UNPROCESSABLE_ENTITY,
                id,
                &form,
                &errors,
            )
        }
        Err(other) => Err(AppError::internal(other)),
    }
}
