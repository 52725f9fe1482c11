//! Meldingen (NOT-1): the member chooses, with a checkbox per event type, what of this care
//! page sends them an e-mail. Every member has their own choice, for each page.

use common::care::notification_prefs::{self, NotificationEvent, Wanted};
use common::infra::tenancy::{in_tenant, in_tenant_read_only};
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Query, Redirect};
use poem::{handler, IntoResponse, Response};
use serde::Serialize;

use crate::access::care_page::CarePageAccess;
use crate::http::error::AppError;
use crate::http::forms::{FieldErrors, FormPairs};
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

use super::{render, NoticeQuery};

/// One checkbox of the form.
#[derive(Serialize)]
struct Choice {
    key: &'static str,
    on: bool,
}

async fn notifications_page(
    state: &AppState,
    pages: PageRenderer,
    access: &CarePageAccess,
    status: StatusCode,
    wanted: &Wanted,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let choices: Vec<Choice> = NotificationEvent::ALL
        .into_iter()
        .map(|event| Choice {
            key: event.key(),
            on: wanted.contains(&event),
        })
        .collect();
    let page = context! {
        choices,
        email => access.me.account.email.to_string(),
        errors,
    };
    let template = "portal/care_page/notifications.html";
    render(state, pages, access, "meldingen", template, status, page).await
}

#[handler]
pub async fn notifications(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let notice = (query.melding.as_deref() == Some("opgeslagen")).then_some("notifications-saved");
    let (page, me) = (access.page.id, access.me.account.id);
    let wanted = in_tenant_read_only(&state.db, &access.portal.tenant.slug, async |tx| {
        notification_prefs::of(tx, page, me).await
    })
    .await?;
    let no_errors = FieldErrors::default();
    let pages = pages.notice(notice);
    notifications_page(&state, pages, &access, StatusCode::OK, &wanted, no_errors).await
}

#[handler]
pub async fn save_notifications(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
    pairs: FormPairs,
) -> Result<Response, AppError> {
    let wanted = match notification_prefs::parse(&pairs.all("melding")) {
        Ok(wanted) => wanted,
        Err(code) => {
            let mut errors = FieldErrors::default();
            errors.add("melding", code);
            // The boxes we know stay as they were ticked.
            let known: Wanted = pairs
                .all("melding")
                .into_iter()
                .filter_map(NotificationEvent::from_key)
                .collect();
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return notifications_page(&state, pages, &access, status, &known, errors).await;
        }
    };
    let (page, me, now) = (access.page.id, access.me.account.id, state.clock.now());
    in_tenant(&state.db, &access.portal.tenant.slug, async |tx| {
        notification_prefs::set(tx, page, me, &wanted, now).await
    })
    .await?;
    Ok(
        Redirect::see_other(format!("/zorgpagina/{page}/meldingen?melding=opgeslagen"))
            .into_response(),
    )
}
