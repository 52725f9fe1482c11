//! An organisation thread on the staff side (MSG-7, BEY-3): opening it marks it read for the
//! employee and "gelezen door het zorgteam" for the members; the answer goes in the thread and
//! is marked as the organisation's.

use common::care::messages::attachments::{self, MAX_FILES};
use common::care::messages::threads::{self, Author, ShownMessage, Thread};
use common::care::messages::{fan_out, MessageId};
use common::infra::storage::ObjectKey;
use common::infra::tenancy::{in_tenant, in_tenant_read_only};
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Query, Redirect};
use poem::{handler, Body, IntoResponse, Request, Response};
use serde::Deserialize;
use uuid::Uuid;

use crate::access::staff::{ReachedPage, StaffAccess};
use crate::http::error::AppError;
use crate::http::format::moment_text;
use crate::http::forms::FieldErrors;
use crate::http::message_files::{
    attach_all, attachment_response, checked_message, store_files, too_large, FORM_MAX_BYTES,
};
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;
use crate::http::uploads::{self, FormUpload};

fn reached(access: &StaffAccess) -> Result<&ReachedPage, AppError> {
    access
        .reached
        .as_ref()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("staff route without its object")))
}

#[derive(Debug, Deserialize)]
pub struct ThreadQuery {
    voor: Option<Uuid>,
    melding: Option<String>,
}

struct View {
    thread: Thread,
    messages: Vec<ShownMessage>,
    older: bool,
}

async fn thread_page(
    pages: PageRenderer,
    access: &StaffAccess,
    view: View,
    status: StatusCode,
    typed_body: &str,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let page_reached = reached(access)?;
    let shown: Vec<_> = view
        .messages
        .iter()
        .map(|m| {
            context! {
                id => m.id.to_string(),
                author => &m.author_name,
                from_organisation => m.from_organisation,
                body => &m.body,
                when => moment_text(m.created_at),
                removed => m.removed,
                attachments => m.attachments.iter().map(|a| context! {
                    id => a.id.to_string(),
                    name => &a.file_name,
                    kilobytes => (a.size_bytes + 1023) / 1024,
                }).collect::<Vec<_>>(),
            }
        })
        .collect();
    let page = context! {
        thread_id => view.thread.id.to_string(),
        client => &page_reached.client,
        messages => shown,
        older_before => view.older.then(|| view.messages.first().map(|m| m.id.to_string())).flatten(),
        typed => context! { body => typed_body, files_dropped => false },
        errors,
        max_files => MAX_FILES,
        max_megabytes => attachments::MAX_BYTES / (1024 * 1024),
    };
    pages.status("staff/thread.html", status, page)
}

async fn load(
    state: &AppState,
    access: &StaffAccess,
    before: Option<MessageId>,
    mark: bool,
) -> Result<View, AppError> {
    let thread_id = reached(access)?
        .thread
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("thread route without a thread")))?;
    let (account, now) = (access.me.account.id, state.clock.now());
    let view = in_tenant(&state.db, &access.portal.tenant.slug, async |tx| {
        let Some(thread) = threads::find_anywhere(tx, thread_id).await? else {
            return Ok(None);
        };
        let reader = threads::Reader::Staff(account);
        let (messages, older) = threads::open(tx, thread.id, reader, before, mark, now).await?;
        Ok::<_, sqlx::Error>(Some(View {
            thread,
            messages,
            older,
        }))
    })
    .await?;
    view.ok_or(AppError::NotFound)
}

/// `GET /medewerker/berichten/:draad`
#[handler]
pub async fn show_thread(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: StaffAccess,
    Query(query): Query<ThreadQuery>,
) -> Result<Response, AppError> {
    let view = load(&state, &access, query.voor.map(MessageId), true).await?;
    let notice = (query.melding.as_deref() == Some("verstuurd")).then_some("messages-sent-notice");
    let pages = pages.notice(notice);
    thread_page(
        pages,
        &access,
        view,
        StatusCode::OK,
        "",
        FieldErrors::default(),
    )
    .await
}

/// `POST /medewerker/berichten/:draad` (multipart): the organisation's answer.
#[handler]
pub async fn reply(
    req: &Request,
    state: Data<&AppState>,
    pages: PageRenderer,
    access: StaffAccess,
    body: Body,
) -> Result<Response, AppError> {
    let view = load(&state, &access, None, false).await?;
    let form = match uploads::read_form_with_files(req, body, "bijlage", FORM_MAX_BYTES).await? {
        FormUpload::Form(form) => form,
        FormUpload::TooLarge => {
            let errors = too_large();
            let status = StatusCode::PAYLOAD_TOO_LARGE;
            return thread_page(pages, &access, view, status, "", errors).await;
        }
    };
    let mut errors = FieldErrors::default();
    let typed = form.field("bericht").unwrap_or_default().to_owned();
    let Some((text, files)) = checked_message(&form, &mut errors) else {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return thread_page(pages, &access, view, status, &typed, errors).await;
    };
    let slug = access.portal.tenant.slug.clone();
    let stored = store_files(&state, &slug, &files).await?;
    let author = staff_author(&access);
    let now = state.clock.now();
    let portal_url = access.portal.ctx.base_url.to_string();
    let thread = view.thread;
    in_tenant(&state.db, &slug, async |tx| {
        let message = threads::reply(tx, &thread, &author, &text, now).await?;
        attach_all(tx, message, &stored).await?;
        // Answering is reading: the members see "gelezen door het zorgteam".
        threads::mark_read_by_organisation(tx, thread.id, now).await?;
        fan_out::schedule(tx, message, &portal_url, now).await
    })
    .await?;
    let to = format!("/medewerker/berichten/{}?melding=verstuurd", thread.id);
    Ok(Redirect::see_other(to).into_response())
}

/// The employee as the author of a message.
pub fn staff_author(access: &StaffAccess) -> Author {
    Author::Staff {
        account: access.me.account.id,
        employee: access.staff.employee,
        name: access.staff.name.clone(),
    }
}

/// `GET /medewerker/bijlagen/:bijlage`: a file of an organisation thread, as a download.
#[handler]
pub async fn download(
    state: Data<&AppState>,
    access: StaffAccess,
    poem::web::Path(raw): poem::web::Path<String>,
) -> Result<Response, AppError> {
    let id = Uuid::parse_str(&raw).map_err(|_| AppError::NotFound)?;
    let slug = access.portal.tenant.slug.clone();
    let found = in_tenant_read_only(&state.db, &slug, async |tx| {
        attachments::find_anywhere(tx, id).await
    })
    .await?
    .ok_or(AppError::NotFound)?;
    let (_, file) = found;
    let key = ObjectKey::existing(&slug, &file.object_key).ok_or(AppError::NotFound)?;
    let object = state.storage.get(&key).await?;
    Ok(attachment_response(
        &file.file_name,
        &file.content_type,
        object.bytes,
    ))
}
