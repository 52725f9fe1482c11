//! The person's own settings (ACC-7, "Instellingen"): name, language, photo, password, and
//! deleting the account.
//!
//! Pages here speak the language stored on the account. Choosing a language stores it and sets
//! the language cookie, so every other page follows; signing in sets that cookie too.

use common::accounts::password::{self, PasswordProblem, RULES};
use common::accounts::profile::{self, PhotoProblem, PHOTO_MAX_BYTES};
use common::accounts::security_log::{self, SecurityEvent};
use common::accounts::sessions;
use common::accounts::{self, PersonName};
use common::care::leaving;
use common::infra::db::in_transaction;
use common::infra::i18n::Language;
use common::infra::outbox::{self, Event, Job, Message};
use common::infra::storage::{ObjectKey, ObjectKind, StorageError};
use common::infra::throttle::PHOTO_UPLOADS;
use minijinja::context;
use poem::http::{header, StatusCode};
use poem::web::{Data, Form, Query, Redirect};
use poem::{handler, Body, IntoResponse, Request, Response};
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::json;
use sqlx::PgConnection;

use crate::access::session::{client_ip, SignedIn};
use crate::access::step_up;
use crate::http::cookies;
use crate::http::error::AppError;
use crate::http::forms::{checked, mail_account, FieldErrors, Secret};
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;
use crate::http::uploads::{self, Uploaded};

/// The pages for the signed-in person, in the language of the account.
fn own_pages(pages: PageRenderer, me: &SignedIn) -> PageRenderer {
    pages.viewer(me.viewer()).language(me.account.language)
}

fn language_cookie(state: &AppState, language: Language) -> String {
    cookies::language(&state.config.web, language)
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    melding: Option<String>,
}

/// The catalogue key of a notice after a change (`?melding=…`).
fn notice_for(melding: Option<&str>) -> Option<&'static str> {
    match melding? {
        "naam" => Some("settings-notice-name"),
        "taal" => Some("settings-notice-language"),
        "foto" => Some("settings-notice-photo"),
        "foto-verwijderd" => Some("settings-notice-photo-removed"),
        "wachtwoord" => Some("settings-notice-password"),
        _ => None,
    }
}

/// What the settings form shows: `name` as typed after an error, and what needs attention.
struct SettingsForm<'a> {
    name: &'a str,
    errors: FieldErrors,
}

/// The settings page; `pages` carries the viewer, the account's language and any notice.
async fn settings_page(
    state: &AppState,
    pages: &PageRenderer,
    me: &SignedIn,
    status: StatusCode,
    form: SettingsForm<'_>,
) -> Result<Response, AppError> {
    let keys = profile::photo_keys(&state.db, me.account.id)
        .await?
        .unwrap_or_default();
    let photo_version = keys
        .updated_at
        .map(|t| t.unix_timestamp().to_string())
        .unwrap_or_default();
    pages.status(
        "portal/account/settings.html",
        status,
        context! {
            name => form.name,
            email => &me.account.email,
            language => me.account.language.code(),
            photo_url => keys.shown.as_ref().map(|_| format!("/account/foto?v={photo_version}")),
            photo_pending => keys.upload.is_some(),
            photo_max_mb => PHOTO_MAX_BYTES / (1024 * 1024),
            errors => form.errors,
        },
    )
}

#[handler]
pub async fn show(
    state: Data<&AppState>,
    pages: PageRenderer,
    me: SignedIn,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let pages = own_pages(pages, &me).notice(notice_for(query.melding.as_deref()));
    let form = SettingsForm {
        name: &me.account.name,
        errors: FieldErrors::default(),
    };
    settings_page(&state, &pages, &me, StatusCode::OK, form).await
}

#[derive(Debug, Deserialize)]
pub struct NameForm {
    #[serde(default)]
    name: String,
}

#[handler]
pub async fn rename(
    state: Data<&AppState>,
    pages: PageRenderer,
    me: SignedIn,
    Form(form): Form<NameForm>,
) -> Result<Response, AppError> {
    match PersonName::parse(&form.name) {
        Ok(name) => {
            profile::rename(&state.db, me.account.id, &name).await?;
            Ok(Redirect::see_other("/instellingen?melding=naam").into_response())
        }
        Err(problem) => {
            let mut errors = FieldErrors::default();
            errors.add("name", problem.code());
            let form = SettingsForm {
                name: &form.name,
                errors,
            };
            let pages = own_pages(pages, &me);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            settings_page(&state, &pages, &me, status, form).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    language: String,
}

#[handler]
pub async fn set_language(
    state: Data<&AppState>,
    pages: PageRenderer,
    me: SignedIn,
    Form(form): Form<LanguageForm>,
) -> Result<Response, AppError> {
    // Only the languages offered: "nl" or "en", exactly.
    let Some(language) = Language::ALL
        .into_iter()
        .find(|l| l.code() == form.language)
    else {
        let mut errors = FieldErrors::default();
        errors.add("language", "settings-language-invalid");
        let form = SettingsForm {
            name: &me.account.name,
            errors,
        };
        let pages = own_pages(pages, &me);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return settings_page(&state, &pages, &me, status, form).await;
    };
    profile::set_language(&state.db, me.account.id, language).await?;
    let response = Redirect::see_other("/instellingen?melding=taal").into_response();
    Ok(cookies::attach(response, language_cookie(&state, language)))
}

async fn photo_refused(
    state: &AppState,
    pages: PageRenderer,
    me: &SignedIn,
    problem: PhotoProblem,
) -> Result<Response, AppError> {
    let status = match problem {
        PhotoProblem::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    photo_page_with(state, pages, me, status, problem.code()).await
}

/// The settings page again, with `code` at the photo field.
async fn photo_page_with(
    state: &AppState,
    pages: PageRenderer,
    me: &SignedIn,
    status: StatusCode,
    code: &'static str,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    errors.add("photo", code);
    let form = SettingsForm {
        name: &me.account.name,
        errors,
    };
    settings_page(state, &own_pages(pages, me), me, status, form).await
}

/// `POST /account/foto` (multipart; the CSRF token travels in the query): checks the photo by
/// its content, stores it, and queues the resize. The worker shows the resized copy and
/// removes the photo it replaces.
#[handler]
pub async fn upload_photo(
    req: &Request,
    state: Data<&AppState>,
    pages: PageRenderer,
    me: SignedIn,
    body: Body,
) -> Result<Response, AppError> {
    if !uploads::within_budget(&state, &PHOTO_UPLOADS, me.account.id).await? {
        let status = StatusCode::TOO_MANY_REQUESTS;
        return photo_page_with(&state, pages, &me, status, "photo-too-many-uploads").await;
    }
    let bytes = match uploads::read_file(req, body, "photo", PHOTO_MAX_BYTES).await? {
        Uploaded::File(bytes) => bytes,
        Uploaded::TooLarge => {
            return photo_refused(&state, pages, &me, PhotoProblem::TooLarge).await;
        }
        Uploaded::Missing => {
            return photo_refused(&state, pages, &me, PhotoProblem::Missing).await;
        }
    };
    let format = match profile::check_upload(&bytes) {
        Ok(format) => format,
        Err(problem) => return photo_refused(&state, pages, &me, problem).await,
    };

    let now = state.clock.now();
    let tenant = profile::photo_tenant(me.account.home_tenant.as_deref(), &pages.tenant().slug);
    let key = ObjectKey::new(&tenant, ObjectKind::ProfilePhoto);
    // Stored before the transaction: if that fails, the object is an orphan under the tenant's
    // prefix, which is better than a job pointing at nothing.
    state.storage.put(&key, bytes.into(), format.mime()).await?;
    in_transaction(&state.db, async |conn| {
        profile::set_photo_upload(&mut *conn, me.account.id, key.as_str(), now).await?;
        let job = Job::ResizeProfilePhoto {
            account: me.account.id.0,
            upload_key: key.as_str().to_owned(),
        };
        outbox::write(conn, &Event::job(Some(tenant), now, job)).await
    })
    .await?;
    Ok(Redirect::see_other("/instellingen?melding=foto").into_response())
}

/// `GET /account/foto`: the signed-in person's own resized photo. There is no way to name
/// another account here; showing photos to staff is a rights check of its own (later).
#[handler]
pub async fn photo(state: Data<&AppState>, me: SignedIn) -> Result<Response, AppError> {
    let keys = profile::photo_keys(&state.db, me.account.id)
        .await?
        .unwrap_or_default();
    let key = keys
        .shown
        .as_deref()
        .and_then(ObjectKey::stored)
        .ok_or(AppError::NotFound)?;
    let object = match state.storage.get(&key).await {
        Ok(object) => object,
        Err(StorageError::NotFound(_)) => return Err(AppError::NotFound),
        Err(error) => return Err(AppError::internal(error)),
    };
    Ok(Response::builder()
        .content_type("image/jpeg")
        .header(header::CACHE_CONTROL, "private, no-cache")
        .body(object.bytes))
}

/// "Foto verwijderen": the photo is no longer shown, and its objects are removed.
#[handler]
pub async fn remove_photo(state: Data<&AppState>, me: SignedIn) -> Result<Response, AppError> {
    let now = state.clock.now();
    in_transaction(&state.db, async |conn| {
        let keys = profile::clear_photo(&mut *conn, me.account.id, now).await?;
        queue_object_removal(conn, keys.all(), now).await
    })
    .await?;
    Ok(Redirect::see_other("/instellingen?melding=foto-verwijderd").into_response())
}

pub(crate) async fn queue_object_removal(
    conn: &mut PgConnection,
    keys: Vec<String>,
    now: time::OffsetDateTime,
) -> Result<(), AppError> {
    if keys.is_empty() {
        return Ok(());
    }
    let tenant = keys
        .first()
        .and_then(|k| k.split('/').next())
        .and_then(|slug| common::infra::tenancy::TenantSlug::parse(slug).ok());
    outbox::write(conn, &Event::job(tenant, now, Job::DeleteObjects { keys }))
        .await
        .map_err(AppError::internal)
}

fn rule_codes() -> Vec<&'static str> {
    RULES.iter().map(|r| r.code()).collect()
}

/// The password page; `notice` is the text of a wait (too many wrong passwords).
fn password_page(
    pages: &PageRenderer,
    status: StatusCode,
    errors: &FieldErrors,
    notice: Option<String>,
) -> Result<Response, AppError> {
    pages.status(
        "portal/account/settings_password.html",
        status,
        context! {
            errors,
            notice,
            rules => rule_codes(),
        },
    )
}

#[handler]
pub fn password_form(pages: PageRenderer, me: SignedIn) -> Result<Response, AppError> {
    let pages = own_pages(pages, &me);
    password_page(&pages, StatusCode::OK, &FieldErrors::default(), None)
}

#[derive(Debug, Default, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: Secret,
    #[serde(default)]
    password: Secret,
    #[serde(default)]
    password_confirmation: String,
}

/// Changes the password: the current one is needed, the new one meets the rules; every other
/// session ends and a mail tells the person.
#[handler]
pub async fn change_password(
    req: &Request,
    state: Data<&AppState>,
    pages: PageRenderer,
    me: SignedIn,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let pages = own_pages(pages, &me);
    let mut errors = FieldErrors::default();
    for problem in password::check(
        &form.password,
        &form.password_confirmation,
        &[me.account.name.as_str(), me.account.email.as_str()],
    ) {
        let field = if problem == PasswordProblem::Mismatch {
            "password_confirmation"
        } else {
            "password"
        };
        errors.add(field, problem.code());
    }
    if let Err((status, notice)) =
        step_up::check_password(req, &state, &me, &form.current_password).await?
    {
        errors.add("current_password", "settings-password-current-wrong");
        return password_page(&pages, status, &errors, notice);
    }
    if !errors.is_empty() {
        return password_page(&pages, StatusCode::UNPROCESSABLE_ENTITY, &errors, None);
    }

    let hash = state
        .hasher
        .hash(&SecretString::from(form.password))
        .await
        .map_err(AppError::internal)?;
    let now = state.clock.now();
    let ip = client_ip(req, &state);
    in_transaction(&state.db, async |conn| {
        accounts::set_password_hash(&mut *conn, me.account.id, &hash, now).await?;
        let ended = sessions::end_all(&mut *conn, me.account.id, Some(me.session.id)).await?;
        security_log::record(
            &mut *conn,
            Some(me.account.id),
            SecurityEvent::PasswordChanged,
            &ip,
            json!({ "other_sessions_ended": ended }),
            now,
        )
        .await?;
        let message = Message::PasswordChanged {
            name: me.account.name.clone(),
        };
        mail_account(conn, pages.tenant(), now, &me.account, message).await
    })
    .await?;
    Ok(Redirect::see_other("/instellingen?melding=wachtwoord").into_response())
}

/// The page to delete the account; `notice` is the text of a wait (too many wrong passwords).
fn delete_page(
    pages: &PageRenderer,
    status: StatusCode,
    errors: &FieldErrors,
    notice: Option<String>,
) -> Result<Response, AppError> {
    pages.status(
        "portal/account/delete.html",
        status,
        context! { errors, notice },
    )
}

#[handler]
pub fn delete_form(pages: PageRenderer, me: SignedIn) -> Result<Response, AppError> {
    let pages = own_pages(pages, &me);
    delete_page(&pages, StatusCode::OK, &FieldErrors::default(), None)
}

#[derive(Debug, Default, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    password: Secret,
    confirm: Option<String>,
}

/// Deletes the account after the password and the tick: every session ends, the photo's
/// objects are removed by the worker, a mail confirms it, and the person is signed out.
#[handler]
pub async fn delete_account(
    req: &Request,
    state: Data<&AppState>,
    pages: PageRenderer,
    me: SignedIn,
    Form(form): Form<DeleteForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    if !checked(&form.confirm) {
        errors.add("confirm", "account-delete-confirm-required");
    }
    if let Err((status, notice)) = step_up::check_password(req, &state, &me, &form.password).await?
    {
        errors.add("password", "settings-password-current-wrong");
        return delete_page(&own_pages(pages, &me), status, &errors, notice);
    }
    if !errors.is_empty() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return delete_page(&own_pages(pages, &me), status, &errors, None);
    }

    let now = state.clock.now();
    let account = &me.account;
    // Its care pages first: each keeps a beheerder, or goes if nobody else belongs to it.
    leaving::leave_all_care_pages(&state.db, account.id, now)
        .await
        .map_err(AppError::internal)?;
    let ip = client_ip(req, &state);
    in_transaction(&state.db, async |conn| {
        // Sessions, links, codes and the security log go with the account (ON DELETE CASCADE).
        let keys = profile::delete_account(&mut *conn, account.id)
            .await?
            .unwrap_or_default();
        queue_object_removal(conn, keys.all(), now).await?;
        let message = Message::AccountDeleted {
            name: account.name.clone(),
        };
        mail_account(conn, pages.tenant(), now, account, message).await?;
        // Kept without the account: that an account was deleted, not whose data it held.
        security_log::record(
            &mut *conn,
            None,
            SecurityEvent::AccountDeleted,
            &ip,
            json!({ "account": account.id }),
            now,
        )
        .await?;
        Ok::<_, AppError>(())
    })
    .await?;

    // Signed out: the page shows no one, in the language the account had.
    let response = pages
        .language(account.language)
        .ok("portal/account/deleted.html", context! {})?;
    Ok(cookies::attach(
        response,
        cookies::clear(&state.config.web, cookies::SESSION),
    ))
}
