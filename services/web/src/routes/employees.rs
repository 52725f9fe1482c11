//! The organisation's employees (API-2), for tenant admins: name, role and photo. The photo is
//! checked by its content and resized here (at most 5 MB in, a 256 px JPEG out), so the page
//! that shows it never waits for a job.

use common::accounts::profile::{self, PhotoProblem};
use common::employees::{self, Employee, EmployeeFields};
use common::outbox::{self, Event, Job};
use common::storage::{ObjectKey, ObjectKind};
use common::tenancy::begin_tenant;
use minijinja::context;
use poem::http::{header, StatusCode};
use poem::web::{Data, Form, Path, Query, Redirect};
use poem::{handler, Body, IntoResponse, Request, Response};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::TenantAdmin;
use crate::error::AppError;
use crate::forms::FieldErrors;
use crate::middleware::Portal;
use crate::routes::admin::{admin_ctx, admin_viewer};
use crate::state::AppState;
use crate::uploads::{self, Uploaded};

/// Larger than a phone photo needs; the stored copy is 256 × 256.
const PHOTO_MAX_BYTES: usize = 5 * 1024 * 1024;

#[derive(Debug, Default, Deserialize)]
pub struct EmployeeForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    melding: Option<String>,
}

fn notice_for(melding: Option<&str>) -> Option<&'static str> {
    match melding? {
        "toegevoegd" => Some("admin-employee-added"),
        "opgeslagen" => Some("admin-employee-saved"),
        "foto" => Some("admin-employee-photo-saved"),
        "verwijderd" => Some("admin-employee-deleted"),
        _ => None,
    }
}

fn photo_url(employee: &Employee) -> Option<String> {
    employee
        .photo_key
        .as_ref()
        .map(|_| format!("/beheer/medewerkers/{}/foto", employee.id))
}

async fn list_page(
    state: &AppState,
    portal: &Portal,
    admin: &TenantAdmin,
    status: StatusCode,
    form: &EmployeeForm,
    errors: &FieldErrors,
    notice: Option<&'static str>,
) -> Result<Response, AppError> {
    let mut tx = begin_tenant(&state.db, &admin.tenant.slug).await?;
    let list = employees::list(tx.conn()).await?;
    tx.commit().await?;
    let rows: Vec<_> = list
        .iter()
        .map(|e| context! { id => e.id.to_string(), name => &e.name, role => &e.role, photo_url => photo_url(e) })
        .collect();
    state.views.page_with_status(
        "admin_employees.html",
        &admin_ctx(portal, admin),
        &portal.tenant,
        status,
        context! {
            viewer => admin_viewer(admin),
            employees => rows,
            form => context! { name => &form.name, role => &form.role },
            errors,
            notice,
        },
    )
}

#[handler]
pub async fn show_list(
    admin: TenantAdmin,
    state: Data<&AppState>,
    portal: Portal,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let notice = notice_for(query.melding.as_deref());
    let form = EmployeeForm::default();
    list_page(
        &state,
        &portal,
        &admin,
        StatusCode::OK,
        &form,
        &FieldErrors::default(),
        notice,
    )
    .await
}

fn field_errors(problems: Vec<(&'static str, &'static str)>) -> FieldErrors {
    let mut errors = FieldErrors::default();
    for (field, code) in problems {
        errors.add(field, code);
    }
    errors
}

#[handler]
pub async fn add(
    admin: TenantAdmin,
    state: Data<&AppState>,
    portal: Portal,
    Form(form): Form<EmployeeForm>,
) -> Result<Response, AppError> {
    let fields = match EmployeeFields::parse(&form.name, &form.role) {
        Ok(fields) => fields,
        Err(problems) => {
            let errors = field_errors(problems);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return list_page(&state, &portal, &admin, status, &form, &errors, None).await;
        }
    };
    let mut tx = begin_tenant(&state.db, &admin.tenant.slug).await?;
    let id = employees::create(tx.conn(), &fields, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::see_other(format!("/beheer/medewerkers/{id}?melding=toegevoegd")).into_response())
}

/// The employee with `id` in this tenant, or 404 (also for another tenant's id).
async fn employee(state: &AppState, admin: &TenantAdmin, id: Uuid) -> Result<Employee, AppError> {
    let mut tx = begin_tenant(&state.db, &admin.tenant.slug).await?;
    let found = employees::find(tx.conn(), id).await?;
    tx.commit().await?;
    found.ok_or(AppError::NotFound)
}

fn edit_page(
    state: &AppState,
    portal: &Portal,
    admin: &TenantAdmin,
    status: StatusCode,
    (employee, form): (&Employee, &EmployeeForm),
    errors: &FieldErrors,
    notice: Option<&'static str>,
) -> Result<Response, AppError> {
    state.views.page_with_status(
        "admin_employee.html",
        &admin_ctx(portal, admin),
        &portal.tenant,
        status,
        context! {
            viewer => admin_viewer(admin),
            employee => context! { id => employee.id.to_string(), name => &employee.name },
            photo_url => photo_url(employee),
            photo_max_mb => PHOTO_MAX_BYTES / (1024 * 1024),
            form => context! { name => &form.name, role => &form.role },
            errors,
            notice,
        },
    )
}

#[handler]
pub async fn show_one(
    admin: TenantAdmin,
    state: Data<&AppState>,
    portal: Portal,
    Path(id): Path<Uuid>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let found = employee(&state, &admin, id).await?;
    let form = EmployeeForm {
        name: found.name.clone(),
        role: found.role.clone(),
    };
    let notice = notice_for(query.melding.as_deref());
    edit_page(
        &state,
        &portal,
        &admin,
        StatusCode::OK,
        (&found, &form),
        &FieldErrors::default(),
        notice,
    )
}

#[handler]
pub async fn save(
    admin: TenantAdmin,
    state: Data<&AppState>,
    portal: Portal,
    Path(id): Path<Uuid>,
    Form(form): Form<EmployeeForm>,
) -> Result<Response, AppError> {
    let found = employee(&state, &admin, id).await?;
    let fields = match EmployeeFields::parse(&form.name, &form.role) {
        Ok(fields) => fields,
        Err(problems) => {
            let errors = field_errors(problems);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return edit_page(
                &state,
                &portal,
                &admin,
                status,
                (&found, &form),
                &errors,
                None,
            );
        }
    };
    let mut tx = begin_tenant(&state.db, &admin.tenant.slug).await?;
    employees::update(tx.conn(), id, &fields, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::see_other(format!("/beheer/medewerkers/{id}?melding=opgeslagen")).into_response())
}

/// `POST /beheer/medewerkers/:id/foto` (multipart; the CSRF token travels in the query).
#[handler]
pub async fn upload_photo(
    admin: TenantAdmin,
    req: &Request,
    state: Data<&AppState>,
    portal: Portal,
    Path(id): Path<Uuid>,
    body: Body,
) -> Result<Response, AppError> {
    let found = employee(&state, &admin, id).await?;
    let resized = match uploads::read_file(req, body, "photo", PHOTO_MAX_BYTES).await? {
        Uploaded::TooLarge => Err(PhotoProblem::TooLarge),
        Uploaded::Missing => Err(PhotoProblem::Missing),
        Uploaded::File(bytes) => tokio::task::spawn_blocking(move || profile::resize(&bytes))
            .await
            .map_err(AppError::internal)?,
    };
    let jpeg = match resized {
        Ok(jpeg) => jpeg,
        Err(problem) => {
            let status = match problem {
                PhotoProblem::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let mut errors = FieldErrors::default();
            let code = match problem {
                PhotoProblem::TooLarge => "admin-employee-photo-too-large",
                other => other.code(),
            };
            errors.add("photo", code);
            let form = EmployeeForm {
                name: found.name.clone(),
                role: found.role.clone(),
            };
            return edit_page(
                &state,
                &portal,
                &admin,
                status,
                (&found, &form),
                &errors,
                None,
            );
        }
    };
    let key = ObjectKey::new(&admin.tenant.slug, ObjectKind::ProfilePhoto);
    state.storage.put(&key, jpeg.into(), "image/jpeg").await?;
    replace_photo(&state, &admin, id, Some(key.as_str())).await?;
    Ok(Redirect::see_other(format!("/beheer/medewerkers/{id}?melding=foto")).into_response())
}

/// Points the employee at `key` (or none) and has the worker remove the photo it replaces.
/// Returns whether the employee existed.
async fn replace_photo(
    state: &AppState,
    admin: &TenantAdmin,
    id: Uuid,
    key: Option<&str>,
) -> Result<bool, AppError> {
    let now = state.clock.now();
    let mut tx = begin_tenant(&state.db, &admin.tenant.slug).await?;
    let Some(old) = employees::set_photo(tx.conn(), id, key, now).await? else {
        return Ok(false);
    };
    remove_later(&mut tx, admin, old, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Queues the removal of a replaced or orphaned photo, in the caller's transaction.
async fn remove_later(
    tx: &mut common::tenancy::TenantTx,
    admin: &TenantAdmin,
    old: Option<String>,
    now: time::OffsetDateTime,
) -> Result<(), AppError> {
    if let Some(old) = old.filter(|k| ObjectKey::existing(&admin.tenant.slug, k).is_some()) {
        let job = Job::DeleteObjects { keys: vec![old] };
        outbox::write(
            tx.conn(),
            &Event::job(Some(admin.tenant.slug.clone()), now, job),
        )
        .await?;
    }
    Ok(())
}

/// The employee's photo, for the admin pages.
#[handler]
pub async fn photo(
    admin: TenantAdmin,
    state: Data<&AppState>,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    let found = employee(&state, &admin, id).await?;
    let key = found
        .photo_key
        .and_then(|k| ObjectKey::existing(&admin.tenant.slug, &k))
        .ok_or(AppError::NotFound)?;
    let object = state.storage.get(&key).await?;
    Ok(Response::builder()
        .content_type("image/jpeg")
        .header(header::CACHE_CONTROL, "private, max-age=300")
        .body(object.bytes))
}

#[handler]
pub async fn delete(
    admin: TenantAdmin,
    state: Data<&AppState>,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = begin_tenant(&state.db, &admin.tenant.slug).await?;
    let old = employees::delete(tx.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    remove_later(&mut tx, &admin, old, now).await?;
    tx.commit().await?;
    Ok(Redirect::see_other("/beheer/medewerkers?melding=verwijderd").into_response())
}
