//! A new thread from the care team with a client's care page (API-3, MSG-4): the list of the
//! tenant's linked pages, own clients first, and the composer. The audience is the
//! organisation's: the client's trust group reads along.

use common::care::messages::attachments::{self, MAX_FILES};
use common::care::messages::{fan_out, threads, Audience};
use common::infra::tenancy::{in_tenant, in_tenant_read_only};
use common::staff::inbox;
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Redirect};
use poem::{handler, Body, IntoResponse, Request, Response};

use crate::access::staff::StaffAccess;
use crate::http::error::AppError;
use crate::http::forms::FieldErrors;
use crate::http::message_files::{
    attach_all, checked_message, store_files, too_large, FORM_MAX_BYTES,
};
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;
use crate::http::uploads::{self, FormUpload};

use super::thread::staff_author;

/// `GET /medewerker/clienten`: the linked care pages to write to.
#[handler]
pub async fn clients(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: StaffAccess,
) -> Result<Response, AppError> {
    let employee = access.staff.employee;
    let linked = in_tenant_read_only(&state.db, &access.portal.tenant.slug, async |tx| {
        inbox::linked_pages(tx, employee).await
    })
    .await?;
    let rows: Vec<_> = linked
        .into_iter()
        .map(|p| {
            context! {
                page => p.care_page.to_string(),
                client => p.client,
                client_number => p.client_number,
                mine => p.mine,
            }
        })
        .collect();
    pages.status(
        "staff/clients.html",
        StatusCode::OK,
        context! { clients => rows },
    )
}

fn compose_page(
    pages: &PageRenderer,
    access: &StaffAccess,
    status: StatusCode,
    typed_body: &str,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let client = access
        .reached
        .as_ref()
        .map(|page| page.client.clone())
        .unwrap_or_default();
    let page = context! {
        client,
        page => access.reached.as_ref().map(|p| p.id.to_string()),
        typed => context! { body => typed_body, files_dropped => false },
        errors,
        max_files => MAX_FILES,
        max_megabytes => attachments::MAX_BYTES / (1024 * 1024),
    };
    pages.status("staff/compose.html", status, page)
}

/// `GET /medewerker/zorgpagina/:zorgpagina/bericht`
#[handler]
pub async fn compose(pages: PageRenderer, access: StaffAccess) -> Result<Response, AppError> {
    compose_page(&pages, &access, StatusCode::OK, "", FieldErrors::default())
}

/// `POST /medewerker/zorgpagina/:zorgpagina/bericht` (multipart): starts an organisation thread
/// on the client's page.
#[handler]
pub async fn send(
    req: &Request,
    state: Data<&AppState>,
    pages: PageRenderer,
    access: StaffAccess,
    body: Body,
) -> Result<Response, AppError> {
    let page = access
        .reached
        .as_ref()
        .map(|p| p.id)
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("page route without its page")))?;
    let form = match uploads::read_form_with_files(req, body, "bijlage", FORM_MAX_BYTES).await? {
        FormUpload::Form(form) => form,
        FormUpload::TooLarge => {
            let errors = too_large();
            return compose_page(&pages, &access, StatusCode::PAYLOAD_TOO_LARGE, "", errors);
        }
    };
    let mut errors = FieldErrors::default();
    let typed = form.field("bericht").unwrap_or_default().to_owned();
    let Some((text, files)) = checked_message(&form, &mut errors) else {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return compose_page(&pages, &access, status, &typed, errors);
    };
    let slug = access.portal.tenant.slug.clone();
    let stored = store_files(&state, &slug, &files).await?;
    let author = staff_author(&access);
    let now = state.clock.now();
    let portal_url = access.portal.ctx.base_url.to_string();
    let thread = in_tenant(&state.db, &slug, async |tx| {
        let audience = Audience::Organisation;
        let (thread, message) = threads::start(tx, page, audience, &author, &text, now).await?;
        attach_all(tx, message, &stored).await?;
        threads::mark_read_by_organisation(tx, thread, now).await?;
        fan_out::schedule(tx, message, &portal_url, now).await?;
        Ok::<_, sqlx::Error>(thread)
    })
    .await?;
    let to = format!("/medewerker/berichten/{thread}?melding=verstuurd");
    Ok(Redirect::see_other(to).into_response())
}
