//! The organisation's employees (API-2), for tenant admins: name, role and photo. The photo is
//! checked by its content and resized here (at most 5 MB in, a 256 px JPEG out), so the page
//! that shows it never waits for a job.

use common::accounts::profile::{self, PhotoProblem};
use common::infra::outbox::{self, Event, Job};
use common::infra::storage::{ObjectKey, ObjectKind};
use common::infra::tenancy::{in_tenant, in_tenant_read_only, TenantTx};
use common::infra::throttle::ADMIN_IMAGE_UPLOADS;
use common::organisation::employees::{self, Employee, EmployeeFields, EmployeeId};
use common::staff;
use minijinja::context;
use poem::http::{header, StatusCode};
use poem::web::{Data, Form, Path, Query, Redirect};
use poem::{handler, Body, IntoResponse, Request, Response};
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{field_errors, NoticeQuery};
use crate::access::tenant_admin::TenantAdmin;
use crate::http::error::AppError;
use crate::http::forms::FieldErrors;
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;
use crate::http::uploads::{self, Uploaded};

/// Larger than a phone photo needs; the stored copy is 256 × 256.
const PHOTO_MAX_BYTES: usize = 5 * 1024 * 1024;

#[derive(Debug, Default, Deserialize)]
pub struct EmployeeForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
}

impl EmployeeForm {
    /// The form filled in with what is stored.
    pub(super) fn of(employee: &Employee) -> Self {
        Self {
            name: employee.name.clone(),
            role: employee.role.clone(),
        }
    }
}

fn notice_for(melding: Option<&str>) -> Option<&'static str> {
    match melding? {
        "toegevoegd" => Some("admin-employee-added"),
        "opgeslagen" => Some("admin-employee-saved"),
        "foto" => Some("admin-employee-photo-saved"),
        "verwijderd" => Some("admin-employee-deleted"),
        "uitgenodigd" => Some("admin-employee-invited"),
        "ingetrokken" => Some("admin-employee-sign-in-revoked"),
        _ => None,
    }
}

fn photo_url(employee: &Employee) -> Option<String> {
    employee
        .photo_key
        .as_ref()
        .map(|_| format!("/beheer/medewerkers/{}/foto", employee.id))
}

/// Every employee, above the form that adds one.
async fn list_page(
    state: &AppState,
    pages: &PageRenderer,
    status: StatusCode,
    form: &EmployeeForm,
    errors: &FieldErrors,
) -> Result<Response, AppError> {
    let list = in_tenant_read_only(&state.db, &pages.tenant().slug, async |tx| {
        employees::list(tx).await
    })
    .await?;
    let rows: Vec<_> = list
        .iter()
        .map(|e| context! { id => e.id.to_string(), name => &e.name, role => &e.role, photo_url => photo_url(e) })
        .collect();
    pages.status(
        "tenant_admin/employees.html",
        status,
        context! {
            employees => rows,
            form => context! { name => &form.name, role => &form.role },
            errors,
        },
    )
}

/// `GET /beheer/medewerkers`
#[handler]
pub async fn show_list(
    state: Data<&AppState>,
    pages: PageRenderer,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let pages = pages.notice(notice_for(query.melding()));
    let form = EmployeeForm::default();
    let no_errors = FieldErrors::default();
    list_page(&state, &pages, StatusCode::OK, &form, &no_errors).await
}

/// `POST /beheer/medewerkers`
#[handler]
pub async fn add(
    admin: TenantAdmin,
    state: Data<&AppState>,
    pages: PageRenderer,
    Form(form): Form<EmployeeForm>,
) -> Result<Response, AppError> {
    let fields = match EmployeeFields::parse(&form.name, &form.role) {
        Ok(fields) => fields,
        Err(problems) => {
            let errors = field_errors(problems);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return list_page(&state, &pages, status, &form, &errors).await;
        }
    };
    let now = state.clock.now();
    let id = in_tenant(&state.db, &admin.tenant.slug, async |tx| {
        employees::create(tx, admin.me.account.id, &fields, now).await
    })
    .await?;
    Ok(Redirect::see_other(format!("/beheer/medewerkers/{id}?melding=toegevoegd")).into_response())
}

/// The employee with `id` in this tenant, or 404 (also for another tenant's id).
pub(super) async fn employee(
    state: &AppState,
    admin: &TenantAdmin,
    id: Uuid,
) -> Result<Employee, AppError> {
    let found = in_tenant_read_only(&state.db, &admin.tenant.slug, async |tx| {
        employees::find(tx, EmployeeId(id)).await
    })
    .await?;
    found.ok_or(AppError::NotFound)
}

/// One employee: the form with name and role, the photo, and the sign-in on the staff side.
pub(super) async fn edit_page(
    state: &AppState,
    pages: &PageRenderer,
    status: StatusCode,
    employee: &Employee,
    form: &EmployeeForm,
    errors: &FieldErrors,
) -> Result<Response, AppError> {
    let (id, now) = (employee.id, state.clock.now());
    let (sign_in, email) = in_tenant_read_only(&state.db, &pages.tenant().slug, async |tx| {
        staff::sign_in::sign_in_state(tx, id, now).await
    })
    .await?;
    pages.status(
        "tenant_admin/employee.html",
        status,
        context! {
            employee => context! { id => employee.id.to_string(), name => &employee.name },
            photo_url => photo_url(employee),
            photo_max_mb => PHOTO_MAX_BYTES / (1024 * 1024),
            form => context! { name => &form.name, role => &form.role },
            sign_in,
            sign_in_email => email.unwrap_or_default(),
            errors,
        },
    )
}

/// `GET /beheer/medewerkers/:id`
#[handler]
pub async fn show_one(
    admin: TenantAdmin,
    state: Data<&AppState>,
    pages: PageRenderer,
    Path(id): Path<Uuid>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let found = employee(&state, &admin, id).await?;
    let form = EmployeeForm::of(&found);
    let pages = pages.notice(notice_for(query.melding()));
    let no_errors = FieldErrors::default();
    edit_page(&state, &pages, StatusCode::OK, &found, &form, &no_errors).await
}

/// `POST /beheer/medewerkers/:id`
#[handler]
pub async fn save(
    admin: TenantAdmin,
    state: Data<&AppState>,
    pages: PageRenderer,
    Path(id): Path<Uuid>,
    Form(form): Form<EmployeeForm>,
) -> Result<Response, AppError> {
    let found = employee(&state, &admin, id).await?;
    let fields = match EmployeeFields::parse(&form.name, &form.role) {
        Ok(fields) => fields,
        Err(problems) => {
            let errors = field_errors(problems);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return edit_page(&state, &pages, status, &found, &form, &errors).await;
        }
    };
    let now = state.clock.now();
    in_tenant(&state.db, &admin.tenant.slug, async |tx| {
        employees::update(tx, admin.me.account.id, EmployeeId(id), &fields, now).await
    })
    .await?;
    Ok(Redirect::see_other(format!("/beheer/medewerkers/{id}?melding=opgeslagen")).into_response())
}

/// `POST /beheer/medewerkers/:id/foto` (multipart; the CSRF token travels in the query).
#[handler]
pub async fn upload_photo(
    admin: TenantAdmin,
    req: &Request,
    state: Data<&AppState>,
    pages: PageRenderer,
    Path(id): Path<Uuid>,
    body: Body,
) -> Result<Response, AppError> {
    let found = employee(&state, &admin, id).await?;
    if !uploads::within_budget(&state, &ADMIN_IMAGE_UPLOADS, admin.me.account.id).await? {
        let mut errors = FieldErrors::default();
        errors.add("photo", "admin-image-too-many-uploads");
        let form = EmployeeForm::of(&found);
        let status = StatusCode::TOO_MANY_REQUESTS;
        return edit_page(&state, &pages, status, &found, &form, &errors).await;
    }
    let resized = match uploads::read_file(req, body, "photo", PHOTO_MAX_BYTES).await? {
        Uploaded::TooLarge => Err(PhotoProblem::TooLarge),
        Uploaded::Missing => Err(PhotoProblem::Missing),
        Uploaded::File(bytes) => profile::resize(&state.images, bytes).await,
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
            let form = EmployeeForm::of(&found);
            return edit_page(&state, &pages, status, &found, &form, &errors).await;
        }
    };
    let key = ObjectKey::new(&admin.tenant.slug, ObjectKind::ProfilePhoto);
    state.storage.put(&key, jpeg.into(), "image/jpeg").await?;
    replace_photo(&state, &admin, id, Some(key.as_str())).await?;
    Ok(Redirect::see_other(format!("/beheer/medewerkers/{id}?melding=foto")).into_response())
}

/// Points the employee at `key` (or none) and has the worker remove the photo it replaces.
/// Returns whether the employee existed (if not, nothing was written).
async fn replace_photo(
    state: &AppState,
    admin: &TenantAdmin,
    id: Uuid,
    key: Option<&str>,
) -> Result<bool, AppError> {
    let now = state.clock.now();
    in_tenant(&state.db, &admin.tenant.slug, async |tx| {
        let Some(old) =
            employees::set_photo(tx, admin.me.account.id, EmployeeId(id), key, now).await?
        else {
            return Ok(false);
        };
        remove_later(tx, admin, old, now).await?;
        Ok(true)
    })
    .await
}

/// Queues the removal of a replaced or orphaned photo, in the caller's transaction.
async fn remove_later(
    tx: &mut TenantTx,
    admin: &TenantAdmin,
    old: Option<String>,
    now: OffsetDateTime,
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

/// `GET /beheer/medewerkers/:id/foto`: the employee's photo, for the admin pages.
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

/// `POST /beheer/medewerkers/:id/verwijderen`
#[handler]
pub async fn delete(
    admin: TenantAdmin,
    state: Data<&AppState>,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    in_tenant(&state.db, &admin.tenant.slug, async |tx| {
        let old = employees::delete(tx, admin.me.account.id, EmployeeId(id), now)
            .await?
            .ok_or(AppError::NotFound)?;
        remove_later(tx, &admin, old, now).await
    })
    .await?;
    Ok(Redirect::see_other("/beheer/medewerkers?melding=verwijderd").into_response())
}
