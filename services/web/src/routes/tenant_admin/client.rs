//! One client record (CP-2, API-2): the tenant admin corrects a name, a birth date, an address
//! or a cliëntnummer. Letters made from now on carry the corrected details.

use common::care::page::BirthDate;
use common::clients::records;
use common::infra::tenancy::{in_tenant, in_tenant_read_only};
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Form, Path, Redirect};
use poem::{handler, IntoResponse, Response};
use uuid::Uuid;

use super::clients::{unless_number_taken, ClientFields};
use crate::access::tenant_admin::TenantAdmin;
use crate::http::error::AppError;
use crate::http::forms::FieldErrors;
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

/// The record in its form. The saved notice shows on the list this form leads back to, never
/// here.
fn edit_page(
    pages: &PageRenderer,
    status: StatusCode,
    id: Uuid,
    form: &ClientFields,
    errors: &FieldErrors,
) -> Result<Response, AppError> {
    pages.status(
        "tenant_admin/client.html",
        status,
        context! {
            id => id.to_string(),
            form => form.context(),
            errors,
        },
    )
}

/// `GET /beheer/clienten/:id`: the record in the form.
#[handler]
pub async fn show(
    admin: TenantAdmin,
    state: Data<&AppState>,
    pages: PageRenderer,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    let found = in_tenant_read_only(&state.db, &admin.tenant.slug, async |tx| {
        records::client(tx, records::ClientRecordId(id)).await
    })
    .await?;
    let record = found.ok_or(AppError::NotFound)?;
    let form = ClientFields {
        client_number: record.client_number,
        name: record.name,
        birth_date: BirthDate::format(record.birth_date),
        address: record.address_lines.join("\n"),
    };
    edit_page(&pages, StatusCode::OK, id, &form, &FieldErrors::default())
}

/// `POST /beheer/clienten/:id`: saves the correction, or shows the form again with what was
/// typed and the problem at each field.
#[handler]
pub async fn save(
    admin: TenantAdmin,
    state: Data<&AppState>,
    pages: PageRenderer,
    Path(id): Path<Uuid>,
    Form(form): Form<ClientFields>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    let changed = match form.parse(now.date()) {
        Ok(changed) => changed,
        Err(errors) => return edit_page(&pages, status, id, &form, &errors),
    };
    let saved = in_tenant(&state.db, &admin.tenant.slug, async |tx| {
        let record = records::ClientRecordId(id);
        let stored = records::update_client(tx, admin.me.account.id, record, &changed, now).await;
        unless_number_taken(stored)
    })
    .await?;
    match saved {
        Ok(true) => {
            Ok(Redirect::see_other("/beheer/clienten?melding=client-opgeslagen").into_response())
        }
        Ok(false) => Err(AppError::NotFound),
        Err(taken) => edit_page(&pages, status, id, &form, &taken.errors()),
    }
}
