//! A care page's home (CP-4): a summary of the page and the next step that makes sense.

use common::care::page::NextStep;
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Query};
use poem::{handler, Response};

use crate::access::care_page::CarePageAccess;
use crate::http::error::AppError;
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

use super::{render, NoticeQuery};

#[handler]
pub async fn home(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let notice = match query.melding.as_deref() {
        Some("aangemaakt") => Some("care-page-created"),
        Some("gekoppeld") => Some("activation-linked"),
        Some("welkom") => Some("care-page-welcome"),
        _ => None,
    };
    let members = super::network::people(&state, &access).await?;
    let page = context! {
        members,
        next_step => NextStep::for_member(&access.page, access.role),
    };
    let pages = pages.notice(notice);
    let template = "portal/care_page/home.html";
    render(&state, pages, &access, "", template, StatusCode::OK, page).await
}
