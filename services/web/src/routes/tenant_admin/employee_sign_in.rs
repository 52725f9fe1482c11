//! An employee's sign-in on the staff side (API-3), for tenant admins: invite the employee by
//! e-mail (bound to that address), or take the sign-in away.

use common::accounts::EmailAddress;
use common::infra::tenancy::in_tenant;
use common::organisation::employees::EmployeeId;
use common::staff::sign_in;
use poem::http::StatusCode;
use poem::web::{Data, Form, Path, Redirect};
use poem::{handler, IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::employees::{edit_page, employee, EmployeeForm};
use crate::access::tenant_admin::TenantAdmin;
use crate::http::error::AppError;
use crate::http::forms::FieldErrors;
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
}

/// `POST /beheer/medewerkers/:id/inloggen`: sends the employee the invitation to sign in.
#[handler]
pub async fn invite(
    admin: TenantAdmin,
    state: Data<&AppState>,
    pages: PageRenderer,
    Path(id): Path<Uuid>,
    Form(form): Form<InviteForm>,
) -> Result<Response, AppError> {
    let found = employee(&state, &admin, id).await?;
    let Ok(email) = EmailAddress::parse(&form.email) else {
        let mut errors = FieldErrors::default();
        errors.add("email", "admin-employee-email-invalid");
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        let fields = EmployeeForm::of(&found);
        return edit_page(&state, &pages, status, &found, &fields, &errors).await;
    };
    let now = state.clock.now();
    let portal_url = pages.context().link("");
    let actor = admin.me.account.id;
    in_tenant(&state.db, &admin.tenant.slug, async |tx| {
        sign_in::invite(tx, actor, EmployeeId(id), &email, &portal_url, now).await
    })
    .await?;
    let to = format!("/beheer/medewerkers/{id}?melding=uitgenodigd");
    Ok(Redirect::see_other(to).into_response())
}

/// `POST /beheer/medewerkers/:id/inloggen/intrekken`: the employee no longer signs in.
#[handler]
pub async fn revoke(
    admin: TenantAdmin,
    state: Data<&AppState>,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    employee(&state, &admin, id).await?;
    let (actor, now) = (admin.me.account.id, state.clock.now());
    in_tenant(&state.db, &admin.tenant.slug, async |tx| {
        sign_in::revoke(tx, actor, EmployeeId(id), now).await
    })
    .await?;
    let to = format!("/beheer/medewerkers/{id}?melding=ingetrokken");
    Ok(Redirect::see_other(to).into_response())
}
