//! One client record (CP-2, API-2): the tenant admin corrects a name, a birth date, an address
//! or a cliëntnummer. Letters made from now on carry the corrected details.

use common::care::page::{BirthDate, ClientRecordId};
use common::clients::records;
use common::infra::tenancy::{in_tenant, in_tenant_read_only};
use common::organisation::employees::{self, EmployeeId};
use common::staff::assignments;
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Form, Path, Redirect};
use poem::{handler, IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::clients::{unless_number_taken, ClientFields};
use crate::access::tenant_admin::TenantAdmin;
use crate::http::error::AppError;
use crate::http::forms::FieldErrors;
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

/// The record in its form, and its begeleiders. The saved notice of the form shows on the
/// list this form leads back to; that of the begeleiders shows here.
async fn edit_page(
    state: &AppState,
    pages: &PageRenderer,
    status: StatusCode,
    id: Uuid,
    form: &ClientFields,
    errors: &FieldErrors,
) -> Result<Response, AppError> {
    let record = ClientRecordId(id);
    let (assigned, everyone) = in_tenant_read_only(&state.db, &pages.tenant().slug, async |tx| {
        let assigned = assignments::of_client(tx, record).await?;
        let everyone = employees::list(tx).await?;
        Ok::<_, sqlx::Error>((assigned, everyone))
    })
    .await?;
    let others: Vec<_> = everyone
        .into_iter()
        .filter(|e| !assigned.iter().any(|a| a.employee == e.id))
        .map(|e| context! { id => e.id.to_string(), name => e.name, role => e.role })
        .collect();
    pages.status(
        "tenant_admin/client.html",
        status,
        context! {
            id => id.to_string(),
            form => form.context(),
            begeleiders => assigned,
            others,
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
    let no_errors = FieldErrors::default();
    edit_page(&state, &pages, StatusCode::OK, id, &form, &no_errors).await
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
        Err(errors) => return edit_page(&state, &pages, status, id, &form, &errors).await,
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
        Err(taken) => edit_page(&state, &pages, status, id, &form, &taken.errors()).await,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    medewerker: String,
}

/// `POST /beheer/clienten/:id/begeleiders`: makes an employee a begeleider of the client.
#[handler]
pub async fn assign(
    admin: TenantAdmin,
    state: Data<&AppState>,
    Path(id): Path<Uuid>,
    Form(form): Form<AssignForm>,
) -> Result<Response, AppError> {
    let employee = Uuid::parse_str(&form.medewerker).map_err(|_| AppError::NotFound)?;
    let (actor, now) = (admin.me.account.id, state.clock.now());
    let (employee, client) = (EmployeeId(employee), ClientRecordId(id));
    let done = in_tenant(&state.db, &admin.tenant.slug, async |tx| {
        assignments::assign(tx, actor, employee, client, now).await
    })
    .await?;
    if !done {
        return Err(AppError::NotFound);
    }
    let to = format!("/beheer/clienten/{id}#begeleiders");
    Ok(Redirect::see_other(to).into_response())
}

/// `POST /beheer/clienten/:id/begeleiders/:medewerker/verwijderen`
#[handler]
pub async fn unassign(
    admin: TenantAdmin,
    state: Data<&AppState>,
    Path((id, raw)): Path<(Uuid, String)>,
) -> Result<Response, AppError> {
    let employee = Uuid::parse_str(&raw).map_err(|_| AppError::NotFound)?;
    let (actor, now) = (admin.me.account.id, state.clock.now());
    let (employee, client) = (EmployeeId(employee), ClientRecordId(id));
    in_tenant(&state.db, &admin.tenant.slug, async |tx| {
        assignments::unassign(tx, actor, employee, client, now).await
    })
    .await?;
    let to = format!("/beheer/clienten/{id}#begeleiders");
    Ok(Redirect::see_other(to).into_response())
}
