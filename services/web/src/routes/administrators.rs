//! The organisation's administrators (API-2): who holds the tenant-admin role, invitations for
//! more, and taking the role away. The last administrator cannot be removed, so a portal always
//! has someone who can manage it.

use common::accounts::{AccountId, EmailAddress};
use common::audit;
use common::tenancy::begin_tenant;
use common::tenant_admin::{self, RevokeError};
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Form, Path, Query, Redirect};
use poem::{handler, IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::TenantAdmin;
use crate::error::AppError;
use crate::forms::FieldErrors;
use crate::middleware::Portal;
use crate::routes::activation::date_text;
use crate::routes::admin::{admin_ctx, admin_viewer};
use crate::state::AppState;

const PAGE: &str = "/beheer/beheerders";

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    melding: Option<String>,
}

fn notice_for(melding: Option<&str>) -> Option<&'static str> {
    match melding? {
        "uitgenodigd" => Some("administrators-notice-invited"),
        "ingetrokken" => Some("administrators-notice-revoked"),
        _ => None,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
}

async fn list_page(
    state: &AppState,
    portal: &Portal,
    admin: &TenantAdmin,
    status: StatusCode,
    form: &InviteForm,
    errors: &FieldErrors,
    notice: Option<&'static str>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let holders = tenant_admin::admins(&state.db, admin.tenant.id).await?;
    let invitations = tenant_admin::open_invitations(&state.db, admin.tenant.id, now).await?;
    let only_one = holders.len() == 1;
    let holders: Vec<_> = holders
        .iter()
        .map(|h| {
            context! {
                id => h.account_id.0.to_string(),
                name => &h.name,
                email => &h.email,
                since => date_text(h.granted_at),
                is_me => h.account_id == admin.me.account.id,
                removable => !only_one,
            }
        })
        .collect();
    let invitations: Vec<_> = invitations
        .iter()
        .map(|i| context! { email => &i.email, until => date_text(i.expires_at) })
        .collect();
    state.views.page_with_status(
        "admin_administrators.html",
        &admin_ctx(portal, admin),
        &portal.tenant,
        status,
        context! {
            viewer => admin_viewer(admin),
            holders,
            invitations,
            form => context! { email => &form.email },
            errors,
            notice,
        },
    )
}

/// `GET /beheer/beheerders`
#[handler]
pub async fn show(
    admin: TenantAdmin,
    state: Data<&AppState>,
    portal: Portal,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let notice = notice_for(query.melding.as_deref());
    list_page(
        &state,
        &portal,
        &admin,
        StatusCode::OK,
        &InviteForm::default(),
        &FieldErrors::default(),
        notice,
    )
    .await
}

/// `POST /beheer/beheerders`: sends an invitation; only the invited address can use it.
#[handler]
pub async fn invite(
    admin: TenantAdmin,
    state: Data<&AppState>,
    portal: Portal,
    Form(form): Form<InviteForm>,
) -> Result<Response, AppError> {
    let Ok(email) = EmailAddress::parse(&form.email) else {
        let mut errors = FieldErrors::default();
        errors.add("email", "administrators-email-invalid");
        return list_page(
            &state,
            &portal,
            &admin,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form,
            &errors,
            None,
        )
        .await;
    };
    let now = state.clock.now();
    let mut tx = begin_tenant(&state.db, &admin.tenant.slug).await?;
    tenant_admin::invite_by_mail(tx.conn(), &admin.tenant, &email, &portal.ctx.link(""), now)
        .await?;
    audit::record(
        tx.conn(),
        admin.me.account.id,
        "tenant_admin.invited",
        serde_json::json!({ "email": email.as_str() }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::see_other(format!("{PAGE}?melding=uitgenodigd")).into_response())
}

/// `POST /beheer/beheerders/:id/intrekken`: takes the role away (also one's own), never from
/// the last administrator.
#[handler]
pub async fn revoke(
    admin: TenantAdmin,
    state: Data<&AppState>,
    portal: Portal,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = begin_tenant(&state.db, &admin.tenant.slug).await?;
    let verdict =
        tenant_admin::revoke_unless_last(tx.conn(), admin.tenant.id, AccountId(id)).await?;
    match verdict {
        Ok(()) => {
            audit::record(
                tx.conn(),
                admin.me.account.id,
                "tenant_admin.revoked",
                serde_json::json!({ "account": id }),
                now,
            )
            .await?;
            tx.commit().await?;
            if AccountId(id) == admin.me.account.id {
                // No longer an admin: the admin pages would answer 403.
                return Ok(Redirect::see_other("/overzicht").into_response());
            }
            Ok(Redirect::see_other(format!("{PAGE}?melding=ingetrokken")).into_response())
        }
        Err(RevokeError::NotAnAdmin) => Err(AppError::NotFound),
        Err(RevokeError::LastAdmin) => {
            tx.rollback().await?;
            let mut errors = FieldErrors::default();
            errors.add("holders", "administrators-last");
            list_page(
                &state,
                &portal,
                &admin,
                StatusCode::CONFLICT,
                &InviteForm::default(),
                &errors,
                None,
            )
            .await
        }
    }
}
