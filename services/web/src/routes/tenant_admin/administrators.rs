//! The organisation's administrators (API-2): who holds the tenant-admin role, invitations for
//! more, and taking the role away. The last administrator cannot be removed, so a portal always
//! has someone who can manage it.

use common::accounts::{AccountId, EmailAddress};
use common::audit::trail;
use common::infra::tenancy::in_tenant;
use common::organisation::admins::{self, RevokeError};
use common::organisation::invitations;
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Form, Path, Query, Redirect};
use poem::{handler, IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::NoticeQuery;
use crate::access::tenant_admin::TenantAdmin;
use crate::http::error::AppError;
use crate::http::format::date_text;
use crate::http::forms::FieldErrors;
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

const PAGE: &str = "/beheer/beheerders";

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

/// The administrators and the open invitations, above the invitation form.
async fn list_page(
    state: &AppState,
    pages: &PageRenderer,
    admin: &TenantAdmin,
    status: StatusCode,
    form: &InviteForm,
    errors: &FieldErrors,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let holders = admins::admins(&state.db, admin.tenant.id).await?;
    let invitations = invitations::open_invitations(&state.db, admin.tenant.id, now).await?;
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
    pages.status(
        "tenant_admin/administrators.html",
        status,
        context! {
            holders,
            invitations,
            form => context! { email => &form.email },
            errors,
        },
    )
}

/// `GET /beheer/beheerders`
#[handler]
pub async fn show(
    admin: TenantAdmin,
    state: Data<&AppState>,
    pages: PageRenderer,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let pages = pages.notice(notice_for(query.melding()));
    let form = InviteForm::default();
    let no_errors = FieldErrors::default();
    list_page(&state, &pages, &admin, StatusCode::OK, &form, &no_errors).await
}

/// `POST /beheer/beheerders`: sends an invitation; only the invited address can use it.
#[handler]
pub async fn invite(
    admin: TenantAdmin,
    state: Data<&AppState>,
    pages: PageRenderer,
    Form(form): Form<InviteForm>,
) -> Result<Response, AppError> {
    let Ok(email) = EmailAddress::parse(&form.email) else {
        let mut errors = FieldErrors::default();
        errors.add("email", "administrators-email-invalid");
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return list_page(&state, &pages, &admin, status, &form, &errors).await;
    };
    let now = state.clock.now();
    let portal_url = pages.context().link("");
    in_tenant(&state.db, &admin.tenant.slug, async |tx| {
        invitations::invite_by_mail(tx.conn(), &admin.tenant, &email, &portal_url, now).await?;
        trail::record(
            tx,
            admin.me.account.id,
            "tenant_admin.invited",
            serde_json::json!({ "email": email.as_str() }),
            now,
        )
        .await
    })
    .await?;
    Ok(Redirect::see_other(format!("{PAGE}?melding=uitgenodigd")).into_response())
}

/// `POST /beheer/beheerders/:id/intrekken`: takes the role away (also one's own), never from
/// the last administrator.
#[handler]
pub async fn revoke(
    admin: TenantAdmin,
    state: Data<&AppState>,
    pages: PageRenderer,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let account = AccountId(id);
    // A refusal revoked nothing: the transaction has nothing to keep or undo.
    let verdict = in_tenant(&state.db, &admin.tenant.slug, async |tx| {
        let verdict = admins::revoke_unless_last(tx.conn(), admin.tenant.id, account).await?;
        if verdict.is_ok() {
            trail::record(
                tx,
                admin.me.account.id,
                "tenant_admin.revoked",
                serde_json::json!({ "account": id }),
                now,
            )
            .await?;
        }
        Ok::<_, sqlx::Error>(verdict)
    })
    .await?;
    match verdict {
        Ok(()) if account == admin.me.account.id => {
            // No longer an admin: the admin pages would answer 403.
            Ok(Redirect::see_other("/overzicht").into_response())
        }
        Ok(()) => Ok(Redirect::see_other(format!("{PAGE}?melding=ingetrokken")).into_response()),
        Err(RevokeError::NotAnAdmin) => Err(AppError::NotFound),
        Err(RevokeError::LastAdmin) => {
            let mut errors = FieldErrors::default();
            errors.add("holders", "administrators-last");
            let form = InviteForm::default();
            list_page(&state, &pages, &admin, StatusCode::CONFLICT, &form, &errors).await
        }
    }
}
