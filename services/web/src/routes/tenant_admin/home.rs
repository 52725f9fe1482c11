//! The start page of the admin area (API-2): the way to every screen, and how many questions
//! of the support inbox (ACC-9) are still open.

use common::infra::tenancy::in_tenant;
use common::organisation::support::{self, QuestionStatus};
use minijinja::context;
use poem::web::Data;
use poem::{handler, Response};

use crate::access::tenant_admin::TenantAdmin;
use crate::http::error::AppError;
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

/// `GET /beheer`
#[handler]
pub async fn home(
    admin: TenantAdmin,
    state: Data<&AppState>,
    pages: PageRenderer,
) -> Result<Response, AppError> {
    let questions = in_tenant(&state.db, &admin.tenant.slug, async |tx| {
        support::inbox(tx, 500).await
    })
    .await?;
    let open = questions
        .iter()
        .filter(|q| q.status == QuestionStatus::Open)
        .count();
    pages.ok(
        "tenant_admin/home.html",
        context! { open_questions => open },
    )
}
