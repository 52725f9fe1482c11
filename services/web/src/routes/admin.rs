//! The tenant admin's pages under `/beheer` (API-2): branding (TEN-3), the support inbox
//! (ACC-9) and the organisation's settings (TEN-4).
//!
//! Every page is listed once, in [`table`]: the router is built from it, and the rights test
//! reads the same list, so a page added here is checked against non-admins automatically.
//! Every handler takes [`TenantAdmin`] as its first argument: the one guard.

use common::outbox::{self, Event, Job};
use common::storage::{ObjectKey, ObjectKind};
use common::support;
use common::tenancy::{begin_tenant, Color};
use common::tenant_admin::{
    self, BrandingForm, BrandingUpdate, LogoProblem, SettingsForm, TenantSettings, LOGO_MAX_BYTES,
    MEASUREMENT_TYPES,
};
use minijinja::context;
use poem::endpoint::BoxEndpoint;
use poem::http::{header, StatusCode};
use poem::web::{Path, Query, Redirect};
use poem::{
    get, handler, post, Body, EndpointExt, IntoResponse, Request, Response, Route, RouteMethod,
};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::TenantAdmin;
use crate::error::AppError;
use crate::forms::FieldErrors;
use crate::middleware::{Portal, RequestContext};
use crate::routes::{activation, administrators, client_records, employees};
use crate::state::AppState;
use crate::uploads::{self, Uploaded};

/// One page (path) of the admin area and the methods it answers.
pub struct AdminRoute {
    pub path: &'static str,
    pub get: Option<BoxEndpoint<'static>>,
    pub post: Option<BoxEndpoint<'static>>,
}

fn page(path: &'static str) -> AdminRoute {
    AdminRoute {
        path,
        get: None,
        post: None,
    }
}

impl AdminRoute {
    fn get(mut self, endpoint: impl poem::Endpoint + 'static) -> Self {
        self.get = Some(endpoint.map_to_response().boxed());
        self
    }

    fn post(mut self, endpoint: impl poem::Endpoint + 'static) -> Self {
        self.post = Some(endpoint.map_to_response().boxed());
        self
    }
}

/// Every admin page. Paths start with `/beheer`; `:id` stands for a question, client or
/// employee id.
pub fn table() -> Vec<AdminRoute> {
    vec![
        page("/beheer").get(home),
        page("/beheer/huisstijl")
            .get(show_branding)
            .post(save_branding),
        page("/beheer/huisstijl/voorbeeld.css").get(preview_css),
        page("/beheer/huisstijl/logo").post(upload_logo),
        page("/beheer/huisstijl/logo/verwijderen").post(remove_logo),
        page("/beheer/vragen").get(show_inbox),
        page("/beheer/vragen/:id").get(show_question),
        page("/beheer/vragen/:id/status").post(set_question_status),
        page("/beheer/instellingen")
            .get(show_settings)
            .post(save_settings),
        page("/beheer/clienten")
            .get(activation::show_clients)
            .post(activation::create_client),
        page("/beheer/clienten/:id")
            .get(client_records::show)
            .post(client_records::save),
        page("/beheer/clienten/:id/code").post(activation::new_code),
        page("/beheer/brieven.pdf").post(activation::letters_pdf),
        page("/beheer/briefaanvragen").get(activation::show_letter_requests),
        page("/beheer/briefaanvragen/brieven.pdf").post(activation::letter_requests_pdf),
        page("/beheer/medewerkers")
            .get(employees::show_list)
            .post(employees::add),
        page("/beheer/medewerkers/:id")
            .get(employees::show_one)
            .post(employees::save),
        page("/beheer/medewerkers/:id/foto")
            .get(employees::photo)
            .post(employees::upload_photo),
        page("/beheer/medewerkers/:id/verwijderen").post(employees::delete),
        page("/beheer/beheerders")
            .get(administrators::show)
            .post(administrators::invite),
        page("/beheer/beheerders/:id/intrekken").post(administrators::revoke),
    ]
}

/// (path, answers GET, answers POST) of every admin page, for tests and documentation.
pub fn paths() -> Vec<(&'static str, bool, bool)> {
    table()
        .into_iter()
        .map(|r| (r.path, r.get.is_some(), r.post.is_some()))
        .collect()
}

/// Adds every admin page to `route`.
pub fn mount(mut route: Route) -> Route {
    for entry in table() {
        let method = match (entry.get, entry.post) {
            (Some(g), Some(p)) => get(g).post(p),
            (Some(g), None) => get(g),
            (None, Some(p)) => post(p),
            (None, None) => RouteMethod::new(),
        };
        route = route.at(entry.path, method);
    }
    route
}

/// What the base template shows of the admin (name, sign-out, the "Beheer" link).
pub(crate) fn admin_viewer(admin: &TenantAdmin) -> minijinja::Value {
    crate::routes::account::viewer(&admin.me)
}

/// The request context in the admin's own language.
pub(crate) fn admin_ctx(portal: &Portal, admin: &TenantAdmin) -> RequestContext {
    ctx_of(portal, admin)
}

/// The request context in the admin's own language.
fn ctx_of(portal: &Portal, admin: &TenantAdmin) -> RequestContext {
    RequestContext {
        language: admin.me.account.language,
        ..portal.ctx.clone()
    }
}

fn state(req: &Request) -> Result<&AppState, AppError> {
    req.data::<AppState>()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("application state missing")))
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    melding: Option<String>,
}

fn notice_for(melding: Option<&str>) -> Option<&'static str> {
    match melding? {
        "huisstijl" => Some("admin-notice-branding"),
        "logo" => Some("admin-notice-logo"),
        "logo-verwijderd" => Some("admin-notice-logo-removed"),
        "instellingen" => Some("admin-notice-settings"),
        "afgehandeld" => Some("admin-notice-handled"),
        "heropend" => Some("admin-notice-reopened"),
        _ => None,
    }
}

#[handler]
async fn home(admin: TenantAdmin, req: &Request, portal: Portal) -> Result<Response, AppError> {
    let state = state(req)?;
    let mut tx = begin_tenant(&state.db, &portal.tenant.slug).await?;
    let open = support::inbox(tx.conn(), 500)
        .await?
        .iter()
        .filter(|q| q.status == "open")
        .count();
    tx.commit().await?;
    state.views.page_with_status(
        "admin_home.html",
        &ctx_of(&portal, &admin),
        &portal.tenant,
        StatusCode::OK,
        context! { viewer => admin_viewer(&admin), open_questions => open },
    )
}

// ---------------------------------------------------------------------------------------------
// Branding

#[derive(Debug, Default, Deserialize)]
pub struct BrandingFields {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    primary_color: String,
    #[serde(default)]
    accent_color: String,
    #[serde(default)]
    support_phone: String,
    #[serde(default)]
    support_email: String,
    #[serde(default)]
    support_url: String,
    #[serde(default)]
    welcome_text: String,
}

impl BrandingFields {
    fn of(tenant: &common::tenancy::Tenant) -> Self {
        let b = &tenant.branding;
        Self {
            display_name: tenant.display_name.clone(),
            primary_color: b.primary_color.clone(),
            accent_color: b.accent_color.clone(),
            support_phone: b.support_phone.clone().unwrap_or_default(),
            support_email: b.support_email.clone().unwrap_or_default(),
            support_url: b.support_url.clone().unwrap_or_default(),
            welcome_text: b.welcome_text.clone().unwrap_or_default(),
        }
    }
}

/// The text colour on a background (black or white), or the stored one when `raw` is no colour.
fn on(raw: &str, fallback: &str) -> (String, String) {
    match Color::parse(raw) {
        Ok(c) => (c.as_str().to_owned(), c.readable_text().as_str().to_owned()),
        Err(_) => match Color::parse(fallback) {
            Ok(c) => (c.as_str().to_owned(), c.readable_text().as_str().to_owned()),
            Err(_) => ("#1d4f91".into(), "#ffffff".into()),
        },
    }
}

fn preview_url(primary: &str, accent: &str) -> String {
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("primary", primary)
        .append_pair("accent", accent)
        .finish();
    format!("/beheer/huisstijl/voorbeeld.css?{query}")
}

fn branding_page(
    state: &AppState,
    portal: &Portal,
    admin: &TenantAdmin,
    status: StatusCode,
    fields: &BrandingFields,
    errors: &FieldErrors,
    notice: Option<&'static str>,
) -> Result<Response, AppError> {
    let branding = &portal.tenant.branding;
    let (primary, on_primary) = on(&fields.primary_color, &branding.primary_color);
    let (accent, on_accent) = on(&fields.accent_color, &branding.accent_color);
    state.views.page_with_status(
        "admin_branding.html",
        &ctx_of(portal, admin),
        &portal.tenant,
        status,
        context! {
            viewer => admin_viewer(admin),
            form => context! {
                display_name => &fields.display_name,
                primary_color => &fields.primary_color,
                accent_color => &fields.accent_color,
                support_phone => &fields.support_phone,
                support_email => &fields.support_email,
                support_url => &fields.support_url,
                welcome_text => &fields.welcome_text,
            },
            preview => context! {
                name => &fields.display_name,
                primary, on_primary, accent, on_accent,
                stylesheet => preview_url(&primary, &accent),
            },
            logo_max_mb => LOGO_MAX_BYTES / (1024 * 1024),
            errors,
            notice,
        },
    )
}

#[handler]
async fn show_branding(
    admin: TenantAdmin,
    req: &Request,
    portal: Portal,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    branding_page(
        state(req)?,
        &portal,
        &admin,
        StatusCode::OK,
        &BrandingFields::of(&portal.tenant),
        &FieldErrors::default(),
        notice_for(query.melding.as_deref()),
    )
}

#[handler]
async fn save_branding(
    admin: TenantAdmin,
    req: &Request,
    portal: Portal,
    poem::web::Form(fields): poem::web::Form<BrandingFields>,
) -> Result<Response, AppError> {
    let state = state(req)?;
    let form = BrandingForm {
        display_name: &fields.display_name,
        primary_color: &fields.primary_color,
        accent_color: &fields.accent_color,
        support_phone: &fields.support_phone,
        support_email: &fields.support_email,
        support_url: &fields.support_url,
        welcome_text: &fields.welcome_text,
    };
    let update = match BrandingUpdate::parse(&form) {
        Ok(update) => update,
        Err(problems) => {
            let mut errors = FieldErrors::default();
            for (field, code) in problems {
                errors.add(field, code);
            }
            return branding_page(
                state,
                &portal,
                &admin,
                StatusCode::UNPROCESSABLE_ENTITY,
                &fields,
                &errors,
                None,
            );
        }
    };
    tenant_admin::update_branding(&state.db, admin.tenant.id, &update).await?;
    // The change notifies every process; this one reloads now so the next page shows it.
    state.tenants.reload().await?;
    Ok(Redirect::see_other("/beheer/huisstijl?melding=huisstijl").into_response())
}

#[derive(Debug, Deserialize)]
pub struct PreviewQuery {
    primary: Option<String>,
    accent: Option<String>,
}

/// The preview box's colours as a stylesheet (the page's policy allows no inline styles).
#[handler]
async fn preview_css(
    _admin: TenantAdmin,
    portal: Portal,
    Query(query): Query<PreviewQuery>,
) -> Response {
    let branding = &portal.tenant.branding;
    let (primary, on_primary) = on(
        query.primary.as_deref().unwrap_or_default(),
        &branding.primary_color,
    );
    let (accent, on_accent) = on(
        query.accent.as_deref().unwrap_or_default(),
        &branding.accent_color,
    );
    format!(
        ".brand-preview {{\n  --preview-primary: {primary};\n  --preview-on-primary: {on_primary};\n  --preview-accent: {accent};\n  --preview-on-accent: {on_accent};\n}}\n"
    )
    .with_content_type("text/css; charset=utf-8")
    .with_header(header::CACHE_CONTROL, "private, max-age=3600")
    .into_response()
}

async fn logo_refused(
    state: &AppState,
    portal: &Portal,
    admin: &TenantAdmin,
    problem: LogoProblem,
) -> Result<Response, AppError> {
    let status = match problem {
        LogoProblem::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let mut errors = FieldErrors::default();
    errors.add("logo", problem.code());
    branding_page(
        state,
        portal,
        admin,
        status,
        &BrandingFields::of(&portal.tenant),
        &errors,
        None,
    )
}

/// `POST /beheer/huisstijl/logo` (multipart; the CSRF token travels in the query).
#[handler]
async fn upload_logo(
    admin: TenantAdmin,
    req: &Request,
    portal: Portal,
    body: Body,
) -> Result<Response, AppError> {
    let state = state(req)?;
    let bytes = match uploads::read_file(req, body, "logo", LOGO_MAX_BYTES).await? {
        Uploaded::File(bytes) => bytes,
        // An empty file is what `check_logo` names as "choose a logo first".
        Uploaded::Missing => Vec::new(),
        Uploaded::TooLarge => {
            return logo_refused(state, &portal, &admin, LogoProblem::TooLarge).await;
        }
    };
    let mime = match tenant_admin::check_logo(&bytes) {
        Ok(mime) => mime,
        Err(problem) => return logo_refused(state, &portal, &admin, problem).await,
    };
    let key = ObjectKey::new(&admin.tenant.slug, ObjectKind::Logo);
    state.storage.put(&key, bytes.into(), mime).await?;
    replace_logo(state, &admin, Some(key.as_str())).await?;
    Ok(Redirect::see_other("/beheer/huisstijl?melding=logo").into_response())
}

#[handler]
async fn remove_logo(admin: TenantAdmin, req: &Request) -> Result<Response, AppError> {
    replace_logo(state(req)?, &admin, None).await?;
    Ok(Redirect::see_other("/beheer/huisstijl?melding=logo-verwijderd").into_response())
}

/// Points the tenant at `key` and has the worker remove the logo it replaces.
async fn replace_logo(
    state: &AppState,
    admin: &TenantAdmin,
    key: Option<&str>,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let old = tenant_admin::set_logo(&mut tx, admin.tenant.id, key).await?;
    if let Some(old) = old.filter(|k| ObjectKey::existing(&admin.tenant.slug, k).is_some()) {
        let job = Job::DeleteObjects { keys: vec![old] };
        outbox::write(
            &mut tx,
            &Event::job(Some(admin.tenant.slug.clone()), now, job),
        )
        .await?;
    }
    tx.commit().await?;
    state.tenants.reload().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Support inbox

#[handler]
async fn show_inbox(
    admin: TenantAdmin,
    req: &Request,
    portal: Portal,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let state = state(req)?;
    let mut tx = begin_tenant(&state.db, &admin.tenant.slug).await?;
    let questions = support::inbox(tx.conn(), 500).await?;
    tx.commit().await?;
    state.views.page_with_status(
        "admin_inbox.html",
        &ctx_of(&portal, &admin),
        &portal.tenant,
        StatusCode::OK,
        context! {
            viewer => admin_viewer(&admin),
            questions,
            notice => notice_for(query.melding.as_deref()),
        },
    )
}

#[handler]
async fn show_question(
    admin: TenantAdmin,
    req: &Request,
    portal: Portal,
    Path(id): Path<String>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let state = state(req)?;
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    let mut tx = begin_tenant(&state.db, &admin.tenant.slug).await?;
    let found = support::find_question(tx.conn(), id).await?;
    tx.commit().await?;
    let question = found.ok_or(AppError::NotFound)?;
    state.views.page_with_status(
        "admin_question.html",
        &ctx_of(&portal, &admin),
        &portal.tenant,
        StatusCode::OK,
        context! {
            viewer => admin_viewer(&admin),
            question,
            notice => notice_for(query.melding.as_deref()),
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
}

#[handler]
async fn set_question_status(
    admin: TenantAdmin,
    req: &Request,
    Path(id): Path<String>,
    poem::web::Form(form): poem::web::Form<StatusForm>,
) -> Result<Response, AppError> {
    let state = state(req)?;
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    let handled = match form.status.as_str() {
        "handled" => true,
        "open" => false,
        _ => return Err(AppError::NotFound),
    };
    let mut tx = begin_tenant(&state.db, &admin.tenant.slug).await?;
    let found = support::set_handled(tx.conn(), id, handled, state.clock.now()).await?;
    tx.commit().await?;
    if !found {
        return Err(AppError::NotFound);
    }
    let melding = if handled { "afgehandeld" } else { "heropend" };
    Ok(Redirect::see_other(format!("/beheer/vragen/{id}?melding={melding}")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Settings

fn settings_page(
    state: &AppState,
    portal: &Portal,
    admin: &TenantAdmin,
    status: StatusCode,
    form: minijinja::Value,
    errors: &FieldErrors,
    notice: Option<&'static str>,
) -> Result<Response, AppError> {
    state.views.page_with_status(
        "admin_settings.html",
        &ctx_of(portal, admin),
        &portal.tenant,
        status,
        context! {
            viewer => admin_viewer(admin),
            form,
            measurement_types => MEASUREMENT_TYPES,
            errors,
            notice,
        },
    )
}

fn settings_form(settings: &TenantSettings) -> minijinja::Value {
    context! {
        client_appointments_visible => settings.client_appointments_visible,
        messaging_after_staff_first => settings.messaging_after_staff_first,
        documents_shared => settings.documents_shared,
        reports_from => settings.reports_from.map(|d| d.to_string()).unwrap_or_default(),
        measurement_types => &settings.measurement_types,
        activation_code_weeks => settings.activation_code_weeks.to_string(),
    }
}

#[handler]
async fn show_settings(
    admin: TenantAdmin,
    req: &Request,
    portal: Portal,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let state = state(req)?;
    let mut tx = begin_tenant(&state.db, &admin.tenant.slug).await?;
    let current = tenant_admin::settings(tx.conn()).await?;
    tx.commit().await?;
    settings_page(
        state,
        &portal,
        &admin,
        StatusCode::OK,
        settings_form(&current),
        &FieldErrors::default(),
        notice_for(query.melding.as_deref()),
    )
}

/// The settings form: read by hand, since `measurement_types` repeats.
#[handler]
async fn save_settings(
    admin: TenantAdmin,
    req: &Request,
    portal: Portal,
    body: Body,
) -> Result<Response, AppError> {
    let state = state(req)?;
    let bytes = body
        .into_bytes_limit(64 * 1024)
        .await
        .map_err(|_| AppError::PayloadTooLarge)?;
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let ticked = |name: &str| value(name).is_some_and(|v| !v.is_empty());
    let form = SettingsForm {
        client_appointments_visible: ticked("client_appointments_visible"),
        messaging_after_staff_first: ticked("messaging_after_staff_first"),
        documents_shared: ticked("documents_shared"),
        reports_from: value("reports_from").unwrap_or_default(),
        measurement_types: pairs
            .iter()
            .filter(|(k, _)| k == "measurement_types")
            .map(|(_, v)| v.as_str())
            .collect(),
        activation_code_weeks: value("activation_code_weeks").unwrap_or_default(),
    };
    let parsed = match TenantSettings::parse(&form) {
        Ok(parsed) => parsed,
        Err(problems) => {
            let mut errors = FieldErrors::default();
            for (field, code) in problems {
                errors.add(field, code);
            }
            let as_typed = context! {
                client_appointments_visible => form.client_appointments_visible,
                messaging_after_staff_first => form.messaging_after_staff_first,
                documents_shared => form.documents_shared,
                reports_from => form.reports_from,
                measurement_types => &form.measurement_types,
                activation_code_weeks => form.activation_code_weeks,
            };
            return settings_page(
                state,
                &portal,
                &admin,
                StatusCode::UNPROCESSABLE_ENTITY,
                as_typed,
                &errors,
                None,
            );
        }
    };
    let mut tx = begin_tenant(&state.db, &admin.tenant.slug).await?;
    tenant_admin::save_settings(tx.conn(), &parsed, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::see_other("/beheer/instellingen?melding=instellingen").into_response())
}

// ---------------------------------------------------------------------------------------------
// The invitation to become tenant admin (outside `/beheer`: the person is not an admin yet)

#[derive(Debug, Default, Deserialize)]
pub struct InvitationToken {
    #[serde(default)]
    token: String,
}

fn invitation_page(
    state: &AppState,
    portal: &Portal,
    me: &crate::auth::SignedIn,
    status: StatusCode,
    token: &str,
    problem: Option<&'static str>,
) -> Result<Response, AppError> {
    state.views.page_with_status(
        "admin_invitation.html",
        &portal.ctx,
        &portal.tenant,
        status,
        context! {
            viewer => crate::routes::account::viewer(me),
            token,
            problem,
        },
    )
}

/// Another person's invitation is forbidden to this account; any other refusal means the link
/// no longer works.
fn refusal_status(problem: tenant_admin::InvitationError) -> StatusCode {
    match problem {
        tenant_admin::InvitationError::OtherAddress => StatusCode::FORBIDDEN,
        _ => StatusCode::GONE,
    }
}

/// `GET /beheerder-worden?token=…`: opening the link only looks. Signed out, the person is
/// sent to sign in (or sign up from there) and comes back here.
#[handler]
pub async fn invitation(
    req: &Request,
    portal: Portal,
    me: crate::auth::SignedIn,
    Query(query): Query<InvitationToken>,
) -> Result<Response, AppError> {
    let state = state(req)?;
    let verdict = tenant_admin::peek_invitation(
        &state.db,
        portal.tenant.id,
        &query.token,
        &me.account.email,
        state.clock.now(),
    )
    .await?;
    match verdict {
        Ok(()) => invitation_page(state, &portal, &me, StatusCode::OK, &query.token, None),
        Err(problem) => invitation_page(
            state,
            &portal,
            &me,
            refusal_status(problem),
            "",
            Some(problem.code()),
        ),
    }
}

/// `POST /beheerder-worden`: uses the invitation up; the signed-in account gets the role.
#[handler]
pub async fn accept_invitation(
    req: &Request,
    portal: Portal,
    me: crate::auth::SignedIn,
    poem::web::Form(form): poem::web::Form<InvitationToken>,
) -> Result<Response, AppError> {
    let state = state(req)?;
    let mut tx = state.db.begin().await?;
    let verdict = tenant_admin::accept_invitation(
        &mut tx,
        portal.tenant.id,
        &form.token,
        me.account.id,
        &me.account.email,
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    match verdict {
        Ok(()) => Ok(Redirect::see_other("/beheer").into_response()),
        Err(problem) => invitation_page(
            state,
            &portal,
            &me,
            refusal_status(problem),
            "",
            Some(problem.code()),
        ),
    }
}
