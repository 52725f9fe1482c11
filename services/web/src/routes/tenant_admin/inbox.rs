//! The support inbox (ACC-9): the questions people asked through "Hulp", open ones first, one
//! question in full, and marking it handled or open again.

use common::infra::tenancy::{in_tenant, in_tenant_read_only};
use common::organisation::support::{self, QuestionId};
use minijinja::context;
use poem::web::{Data, Form, Path, Query, Redirect};
use poem::{handler, IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::{notice_for, NoticeQuery};
use crate::access::tenant_admin::TenantAdmin;
use crate::http::error::AppError;
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

/// `GET /beheer/vragen`
#[handler]
pub async fn show_inbox(
    admin: TenantAdmin,
    state: Data<&AppState>,
    pages: PageRenderer,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let questions = in_tenant_read_only(&state.db, &admin.tenant.slug, async |tx| {
        support::inbox(tx, 500).await
    })
    .await?;
    let pages = pages.notice(notice_for(query.melding()));
    pages.ok("tenant_admin/inbox.html", context! { questions })
}

/// `GET /beheer/vragen/:id`
#[handler]
pub async fn show_question(
    admin: TenantAdmin,
    state: Data<&AppState>,
    pages: PageRenderer,
    Path(id): Path<String>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    let found = in_tenant(&state.db, &admin.tenant.slug, async |tx| {
        support::find_question(tx, QuestionId(id)).await
    })
    .await?;
    let question = found.ok_or(AppError::NotFound)?;
    let pages = pages.notice(notice_for(query.melding()));
    pages.ok("tenant_admin/question.html", context! { question })
}

#[derive(Debug, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
}

/// `POST /beheer/vragen/:id/status` with `status=handled` or `status=open`.
#[handler]
pub async fn set_question_status(
    admin: TenantAdmin,
    state: Data<&AppState>,
    Path(id): Path<String>,
    Form(form): Form<StatusForm>,
) -> Result<Response, AppError> {
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    let handled = match form.status.as_str() {
        "handled" => true,
        "open" => false,
        _ => return Err(AppError::NotFound),
    };
    let now = state.clock.now();
    let found = in_tenant(&state.db, &admin.tenant.slug, async |tx| {
        support::set_handled(tx, QuestionId(id), handled, now).await
    })
    .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    let melding = if handled { "afgehandeld" } else { "heropend" };
    Ok(Redirect::see_other(format!("/beheer/vragen/{id}?melding={melding}")).into_response())
}
