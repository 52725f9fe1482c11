//! Berichten (MSG-1 … MSG-6, BEY-3) for the members of a care page: the threads they may read,
//! newest activity first; "Bericht versturen" with "Deel dit bericht met" and the paperclip;
//! a thread with "Beantwoorden"; removing one's own message; downloading an attachment.
//!
//! The door lets in members with either messages right; which threads a member reads and
//! where they may write is decided per thread from its audience (`care::messages`), and a
//! thread or file outside the member's audiences is not found.

use common::care::messages::attachments::{self, MAX_FILES};
use common::care::messages::threads::{self, Author, Cursor, Thread};
use common::care::messages::{
    self as messages, fan_out, Audience, MessageError, MessageId, OrganisationDoor, ThreadId,
};
use common::infra::outbox::{self, Event, Job};
use common::infra::storage::ObjectKey;
use common::infra::tenancy::{in_tenant, in_tenant_read_only, TenantTx};
use common::organisation::employees::{self, EmployeeId};
use common::organisation::settings;
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Path, Query, Redirect};
use poem::{handler, Body, IntoResponse, Request, Response};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::care_page::CarePageAccess;
use crate::http::error::AppError;
use crate::http::format::moment_text;
use crate::http::forms::FieldErrors;
use crate::http::message_files::{
    attach_all, attachment_response, checked_message, store_files, too_large, FORM_MAX_BYTES,
};
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;
use crate::http::uploads::{self, FormUpload};

use super::render;

/// Threads per page of the list.
const LIST_PAGE: i64 = 25;

/// An id from the path; anything else names nothing.
fn id_in_path(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

/// The audiences whose threads this member reads.
fn readable(access: &CarePageAccess) -> Vec<Audience> {
    Audience::readable_with(access.membership.effective_rights())
}

fn may_write(access: &CarePageAccess, audience: Audience) -> bool {
    access
        .membership
        .effective_rights()
        .contains(audience.write_right())
}

/// An audience as the pages show it: its lock and its words.
#[derive(Serialize)]
struct ShownAudience {
    key: &'static str,
    /// The organisation's name, for "<organisatie> en de vertrouwensgroep".
    organisation: String,
}

fn shown_audience(access: &CarePageAccess, audience: Audience) -> ShownAudience {
    ShownAudience {
        key: audience.key(),
        organisation: access.portal.tenant.display_name.clone(),
    }
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    /// The cursor of the next page of threads.
    na: Option<String>,
    melding: Option<String>,
}

/// `GET /zorgpagina/:id/berichten`: the threads this member reads, newest activity first.
#[handler]
pub async fn show_list(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let after = query.na.as_deref().and_then(Cursor::parse);
    let audiences = readable(&access);
    let (page, me) = (access.page.id, access.me.account.id);
    let slug = &access.portal.tenant.slug;
    let (mut found, choices) = in_tenant_read_only(&state.db, slug, async |tx| {
        let found = threads::list(tx, page, &audiences, me, after, LIST_PAGE + 1).await?;
        let choices = composer_choices(tx, &access).await?;
        Ok::<_, sqlx::Error>((found, choices))
    })
    .await?;
    let next = (found.len() as i64 > LIST_PAGE)
        .then(|| {
            found.truncate(LIST_PAGE as usize);
            found.last().map(|last| {
                Cursor {
                    last_message_at: last.last_message_at,
                    thread: last.id,
                }
                .encode()
            })
        })
        .flatten();
    let rows: Vec<_> = found
        .into_iter()
        .map(|thread| {
            context! {
                id => thread.id.to_string(),
                audience => shown_audience(&access, thread.audience),
                when => moment_text(thread.last_message_at),
                count => thread.message_count,
                first_author => thread.first_author,
                from_organisation => thread.first_from_organisation,
                preview => thread.preview,
                last_author => thread.last_author,
                unread => thread.unread,
            }
        })
        .collect();
    let notice = match query.melding.as_deref() {
        Some("verwijderd") => Some("messages-removed-notice"),
        _ => None,
    };
    let page = context! {
        threads => rows,
        next,
        first_page => after.is_none(),
        can_write => !choices.is_empty(),
    };
    let template = "portal/care_page/messages/list.html";
    render(
        &state,
        pages.notice(notice),
        &access,
        "berichten",
        template,
        StatusCode::OK,
        page,
    )
    .await
}

/// What decides the organisation option for this page, and the audiences the composer offers.
async fn composer_choices(
    tx: &mut TenantTx,
    access: &CarePageAccess,
) -> Result<Vec<Audience>, sqlx::Error> {
    let linked = access.page.client_record_id.is_some();
    let door = OrganisationDoor {
        linked,
        after_staff_first: settings::settings(tx).await?.messaging_after_staff_first,
        staff_wrote: linked && threads::staff_wrote(tx, access.page.id).await?,
    };
    Ok(messages::composer_choices(
        access.membership.effective_rights(),
        door,
    ))
}

/// The composer as typed, to show again with its problems.
#[derive(Default, Serialize)]
struct Typed {
    audience: String,
    body: String,
    /// Files were chosen but not kept: they must be chosen again.
    files_dropped: bool,
}

async fn composer_page(
    state: &AppState,
    pages: PageRenderer,
    access: &CarePageAccess,
    status: StatusCode,
    choices: &[Audience],
    typed: Typed,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let options: Vec<ShownAudience> = choices
        .iter()
        .map(|audience| shown_audience(access, *audience))
        .collect();
    let page = context! {
        options,
        typed,
        errors,
        phone => access.portal.tenant.branding.support_phone.clone(),
        max_files => MAX_FILES,
        max_megabytes => attachments::MAX_BYTES / (1024 * 1024),
    };
    let template = "portal/care_page/messages/compose.html";
    render(state, pages, access, "berichten", template, status, page).await
}

#[derive(Debug, Deserialize)]
pub struct ComposeQuery {
    /// An audience to preselect (a "bericht sturen" link from elsewhere names it).
    aan: Option<String>,
}

/// `GET /zorgpagina/:id/berichten/nieuw`: "Bericht versturen" with "Deel dit bericht met".
#[handler]
pub async fn compose(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
    Query(query): Query<ComposeQuery>,
) -> Result<Response, AppError> {
    let choices = in_tenant_read_only(&state.db, &access.portal.tenant.slug, async |tx| {
        composer_choices(tx, &access).await
    })
    .await?;
    if choices.is_empty() {
        return Err(AppError::Forbidden);
    }
    // The organisation is never chosen by itself: only a link that names it preselects it.
    let audience = query
        .aan
        .as_deref()
        .and_then(Audience::from_key)
        .filter(|audience| choices.contains(audience))
        .map(|audience| audience.key().to_owned())
        .unwrap_or_default();
    let typed = Typed {
        audience,
        ..Typed::default()
    };
    let errors = FieldErrors::default();
    composer_page(
        &state,
        pages,
        &access,
        StatusCode::OK,
        &choices,
        typed,
        errors,
    )
    .await
}

fn member_author(access: &CarePageAccess) -> Author {
    Author::Member {
        account: access.me.account.id,
        name: access.me.account.name.to_string(),
    }
}

/// `POST /zorgpagina/:id/berichten` (multipart; the CSRF token travels in the query): starts
/// a thread with the chosen audience.
#[handler]
pub async fn send(
    req: &Request,
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
    body: Body,
) -> Result<Response, AppError> {
    let slug = access.portal.tenant.slug.clone();
    let choices = in_tenant_read_only(&state.db, &slug, async |tx| {
        composer_choices(tx, &access).await
    })
    .await?;
    if choices.is_empty() {
        return Err(AppError::Forbidden);
    }
    let form = match uploads::read_form_with_files(req, body, "bijlage", FORM_MAX_BYTES).await? {
        FormUpload::Form(form) => form,
        FormUpload::TooLarge => {
            let (typed, status) = (Typed::default(), StatusCode::PAYLOAD_TOO_LARGE);
            let errors = too_large();
            return composer_page(&state, pages, &access, status, &choices, typed, errors).await;
        }
    };
    let mut errors = FieldErrors::default();
    let audience = messages::parse_audience(form.field("deel_met"), &choices)
        .map_err(|e| errors.add("deel_met", e.code()))
        .ok();
    let message = checked_message(&form, &mut errors);
    let (Some(audience), Some((text, files))) = (audience, message) else {
        let typed = Typed {
            audience: form.field("deel_met").unwrap_or_default().to_owned(),
            body: form.field("bericht").unwrap_or_default().to_owned(),
            files_dropped: !form.files.is_empty(),
        };
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return composer_page(&state, pages, &access, status, &choices, typed, errors).await;
    };
    let stored = store_files(&state, &slug, &files).await?;
    let (page, author, now) = (access.page.id, member_author(&access), state.clock.now());
    let portal_url = access.portal.ctx.base_url.to_string();
    let thread = in_tenant(&state.db, &slug, async |tx| {
        let (thread, message) = threads::start(tx, page, audience, &author, &text, now).await?;
        attach_all(tx, message, &stored).await?;
        fan_out::schedule(tx, message, &portal_url, now).await?;
        Ok::<_, sqlx::Error>(thread)
    })
    .await?;
    let to = format!("/zorgpagina/{page}/berichten/{thread}?melding=verstuurd");
    Ok(Redirect::see_other(to).into_response())
}

/// The thread `id` of the member's page, if the member reads its audience.
async fn readable_thread(
    tx: &mut TenantTx,
    access: &CarePageAccess,
    id: ThreadId,
) -> Result<Option<Thread>, sqlx::Error> {
    let audiences = readable(access);
    Ok(threads::find(tx, access.page.id, id)
        .await?
        .filter(|thread| audiences.contains(&thread.audience)))
}

#[derive(Debug, Deserialize)]
pub struct ThreadQuery {
    /// Show the messages before this one ("Eerdere berichten").
    voor: Option<Uuid>,
    melding: Option<String>,
}

/// What a thread page needs besides the messages.
struct ThreadView {
    thread: Thread,
    messages: Vec<threads::ShownMessage>,
    older: bool,
    response_days: u32,
}

async fn thread_page(
    state: &AppState,
    pages: PageRenderer,
    access: &CarePageAccess,
    view: ThreadView,
    status: StatusCode,
    typed: Typed,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let ThreadView {
        thread,
        messages,
        older,
        response_days,
    } = view;
    let me = access.me.account.id;
    let team_read = thread.organisation_read_at;
    let now = state.clock.now();
    let overdue = thread
        .awaiting_organisation_since
        .is_some_and(|since| now - since > time::Duration::days(i64::from(response_days)));
    let shown: Vec<_> = messages
        .iter()
        .map(|m| {
            context! {
                id => m.id.to_string(),
                author => &m.author_name,
                from_organisation => m.from_organisation,
                employee_photo => m.author_employee.filter(|_| m.author_photo).map(|e| e.to_string()),
                mine => m.author_account == Some(me),
                body => &m.body,
                when => moment_text(m.created_at),
                removed => m.removed,
                read_by_team => thread.audience.reaches_organisation()
                    && !m.from_organisation
                    && team_read.is_some_and(|read| read >= m.created_at),
                attachments => m.attachments.iter().map(|a| context! {
                    id => a.id.to_string(),
                    name => &a.file_name,
                    kilobytes => (a.size_bytes + 1023) / 1024,
                }).collect::<Vec<_>>(),
            }
        })
        .collect();
    let page = context! {
        thread_id => thread.id.to_string(),
        audience => shown_audience(access, thread.audience),
        messages => shown,
        older_before => older.then(|| messages.first().map(|m| m.id.to_string())).flatten(),
        can_reply => may_write(access, thread.audience),
        to_organisation => thread.audience.reaches_organisation(),
        response_days,
        overdue,
        phone => access.portal.tenant.branding.support_phone.clone(),
        typed,
        errors,
        max_files => MAX_FILES,
        max_megabytes => attachments::MAX_BYTES / (1024 * 1024),
    };
    let template = "portal/care_page/messages/thread.html";
    render(state, pages, access, "berichten", template, status, page).await
}

/// Loads a thread for its page (and marks it read up to now when `mark`).
async fn load_thread(
    state: &AppState,
    access: &CarePageAccess,
    id: ThreadId,
    before: Option<MessageId>,
    mark: bool,
) -> Result<ThreadView, AppError> {
    let (me, now) = (access.me.account.id, state.clock.now());
    let view = in_tenant(&state.db, &access.portal.tenant.slug, async |tx| {
        let Some(thread) = readable_thread(tx, access, id).await? else {
            return Ok(None);
        };
        let reader = threads::Reader::Member(me);
        let (messages, older) = threads::open(tx, thread.id, reader, before, mark, now).await?;
        let response_days = settings::settings(tx).await?.response_days;
        Ok::<_, sqlx::Error>(Some(ThreadView {
            thread,
            messages,
            older,
            response_days,
        }))
    })
    .await?;
    view.ok_or(AppError::NotFound)
}

/// `GET /zorgpagina/:id/berichten/:draad`: the thread, oldest message first, with
/// "Beantwoorden" for members who may write to its audience.
#[handler]
pub async fn show_thread(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
    Path((_, raw)): Path<(String, String)>,
    Query(query): Query<ThreadQuery>,
) -> Result<Response, AppError> {
    let id = ThreadId(id_in_path(&raw)?);
    let view = load_thread(&state, &access, id, query.voor.map(MessageId), true).await?;
    let notice = match query.melding.as_deref() {
        Some("verstuurd") => Some("messages-sent-notice"),
        Some("verwijderd") => Some("messages-removed-notice"),
        _ => None,
    };
    let (typed, errors) = (Typed::default(), FieldErrors::default());
    let pages = pages.notice(notice);
    thread_page(&state, pages, &access, view, StatusCode::OK, typed, errors).await
}

/// `POST /zorgpagina/:id/berichten/:draad` (multipart): "Beantwoorden", in the thread's
/// audience.
#[handler]
pub async fn reply(
    req: &Request,
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
    Path((_, raw)): Path<(String, String)>,
    body: Body,
) -> Result<Response, AppError> {
    let view = load_thread(&state, &access, ThreadId(id_in_path(&raw)?), None, false).await?;
    if !may_write(&access, view.thread.audience) {
        return Err(AppError::Forbidden);
    }
    let form = match uploads::read_form_with_files(req, body, "bijlage", FORM_MAX_BYTES).await? {
        FormUpload::Form(form) => form,
        FormUpload::TooLarge => {
            let (typed, status) = (Typed::default(), StatusCode::PAYLOAD_TOO_LARGE);
            return thread_page(&state, pages, &access, view, status, typed, too_large()).await;
        }
    };
    let mut errors = FieldErrors::default();
    let Some((text, files)) = checked_message(&form, &mut errors) else {
        let typed = Typed {
            body: form.field("bericht").unwrap_or_default().to_owned(),
            files_dropped: !form.files.is_empty(),
            ..Typed::default()
        };
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return thread_page(&state, pages, &access, view, status, typed, errors).await;
    };
    let slug = access.portal.tenant.slug.clone();
    let stored = store_files(&state, &slug, &files).await?;
    let (author, now) = (member_author(&access), state.clock.now());
    let portal_url = access.portal.ctx.base_url.to_string();
    let thread = view.thread;
    let message = in_tenant(&state.db, &slug, async |tx| {
        let message = threads::reply(tx, &thread, &author, &text, now).await?;
        attach_all(tx, message, &stored).await?;
        fan_out::schedule(tx, message, &portal_url, now).await?;
        Ok::<_, sqlx::Error>(message)
    })
    .await?;
    let to = format!(
        "/zorgpagina/{}/berichten/{}?melding=verstuurd#bericht-{message}",
        access.page.id, thread.id
    );
    Ok(Redirect::see_other(to).into_response())
}

/// `POST /zorgpagina/:id/berichten/:draad/:bericht/verwijderen`: the author removes their
/// message (MSG-3); it shows as removed and its files leave storage.
#[handler]
pub async fn remove(
    state: Data<&AppState>,
    access: CarePageAccess,
    Path((_, raw, raw_message)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let (id, message) = (id_in_path(&raw)?, id_in_path(&raw_message)?);
    let (me, now) = (access.me.account.id, state.clock.now());
    let slug = access.portal.tenant.slug.clone();
    let removed = in_tenant(&state.db, &slug, async |tx| {
        let Some(thread) = readable_thread(tx, &access, ThreadId(id)).await? else {
            return Ok(None);
        };
        let removed = threads::remove(tx, thread.id, MessageId(message), me, now).await?;
        if let Ok(keys) = &removed {
            if !keys.is_empty() {
                let job = Job::DeleteObjects { keys: keys.clone() };
                outbox::write(tx.conn(), &Event::job(Some(slug.clone()), now, job)).await?;
            }
        }
        Ok::<_, sqlx::Error>(Some(removed))
    })
    .await?;
    match removed {
        None => Err(AppError::NotFound),
        Some(Err(MessageError::NotAuthor)) => Err(AppError::Forbidden),
        // Removed twice (a double click): the outcome the person wanted.
        Some(Ok(_) | Err(_)) => {
            let to = format!(
                "/zorgpagina/{}/berichten/{id}?melding=verwijderd",
                access.page.id
            );
            Ok(Redirect::see_other(to).into_response())
        }
    }
}

/// `GET /zorgpagina/:id/bijlagen/:bijlage`: a message's file, for a member who reads its
/// thread's audience; always as a download, never shown inline.
#[handler]
pub async fn download(
    state: Data<&AppState>,
    access: CarePageAccess,
    Path((_, raw)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let id = id_in_path(&raw)?;
    let audiences = readable(&access);
    let page = access.page.id;
    let found = in_tenant_read_only(&state.db, &access.portal.tenant.slug, async |tx| {
        attachments::find(tx, page, id).await
    })
    .await?
    .filter(|file| audiences.contains(&file.audience))
    .ok_or(AppError::NotFound)?;
    let key = ObjectKey::existing(&access.portal.tenant.slug, &found.object_key)
        .ok_or(AppError::NotFound)?;
    let object = state.storage.get(&key).await?;
    Ok(attachment_response(
        &found.file_name,
        &found.content_type,
        object.bytes,
    ))
}

/// `GET /zorgpagina/:id/medewerkers/:medewerker/foto`: the photo of an employee of the
/// organisation, shown with their messages.
#[handler]
pub async fn employee_photo(
    state: Data<&AppState>,
    access: CarePageAccess,
    Path((_, raw)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let id = EmployeeId(id_in_path(&raw)?);
    let slug = access.portal.tenant.slug.clone();
    let found =
        in_tenant_read_only(&state.db, &slug, async |tx| employees::find(tx, id).await).await?;
    let key = found
        .and_then(|employee| employee.photo_key)
        .and_then(|key| ObjectKey::existing(&slug, &key))
        .ok_or(AppError::NotFound)?;
    let object = state.storage.get(&key).await?;
    Ok(Response::builder()
        .content_type("image/jpeg")
        .header(poem::http::header::CACHE_CONTROL, "private, max-age=300")
        .body(object.bytes))
}
