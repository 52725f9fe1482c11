//! The organisation's branding (TEN-3): its name, colours, support contacts and welcome text,
//! a preview of the colours as they are typed, and the logo (upload and removal).

use common::audit::trail;
use common::infra::outbox::{self, Event, Job};
use common::infra::storage::{ObjectKey, ObjectKind};
use common::infra::tenancy::in_tenant;
use common::infra::tenancy::{Color, Tenant};
use common::infra::throttle::ADMIN_IMAGE_UPLOADS;
use common::organisation::branding::{
    self, BrandingForm, BrandingUpdate, LogoProblem, LOGO_MAX_BYTES,
};
use minijinja::context;
use poem::http::{header, StatusCode};
use poem::web::{Data, Form, Query, Redirect};
use poem::{handler, Body, IntoResponse, Request, Response};
use serde::Deserialize;

use super::{field_errors, notice_for, NoticeQuery};
use crate::access::tenant_admin::TenantAdmin;
use crate::http::error::AppError;
use crate::http::forms::FieldErrors;
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;
use crate::http::theme::{Palette, Role, TOKENS};
use crate::http::uploads::{self, Uploaded};

const TEMPLATE: &str = "tenant_admin/branding.html";

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
    fn of(tenant: &Tenant) -> Self {
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

/// The colours as typed, each falling back to the stored one (or the default) when it is no
/// colour yet.
fn palette(primary: &str, accent: &str, branding: &common::infra::tenancy::Branding) -> Palette {
    let color = |raw: &str, stored: &str, default: &str| {
        Color::parse(raw)
            .or_else(|_| Color::parse(stored))
            .or_else(|_| Color::parse(default))
            .unwrap_or_else(|_| Color::black())
    };
    Palette::new(
        color(primary, &branding.primary_color, "#1d4f91"),
        color(accent, &branding.accent_color, "#e07a10"),
    )
}

/// Token → role, for brand-preview.js to set the same tokens as the colours are typed.
fn token_roles() -> String {
    let roles: serde_json::Map<String, serde_json::Value> = TOKENS
        .iter()
        .map(|(token, role)| ((*token).to_owned(), role.name().into()))
        .collect();
    serde_json::Value::Object(roles).to_string()
}

fn preview_url(primary: &str, accent: &str) -> String {
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("primary", primary)
        .append_pair("accent", accent)
        .finish();
    format!("/beheer/huisstijl/voorbeeld.css?{query}")
}

fn branding_page(
    pages: &PageRenderer,
    status: StatusCode,
    fields: &BrandingFields,
    errors: &FieldErrors,
) -> Result<Response, AppError> {
    let colors = palette(
        &fields.primary_color,
        &fields.accent_color,
        &pages.tenant().branding,
    );
    let primary = colors.color(Role::Primary).as_str();
    let accent = colors.color(Role::Accent).as_str();
    pages.status(
        TEMPLATE,
        status,
        context! {
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
                primary, accent,
                tokens => token_roles(),
                stylesheet => preview_url(primary, accent),
            },
            logo_max_mb => LOGO_MAX_BYTES / (1024 * 1024),
            errors,
        },
    )
}

/// `GET /beheer/huisstijl`
#[handler]
pub async fn show_branding(
    pages: PageRenderer,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let pages = pages.notice(notice_for(query.melding()));
    let fields = BrandingFields::of(pages.tenant());
    branding_page(&pages, StatusCode::OK, &fields, &FieldErrors::default())
}

/// `POST /beheer/huisstijl`
#[handler]
pub async fn save_branding(
    admin: TenantAdmin,
    state: Data<&AppState>,
    pages: PageRenderer,
    Form(fields): Form<BrandingFields>,
) -> Result<Response, AppError> {
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
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return branding_page(&pages, status, &fields, &field_errors(problems));
        }
    };
    let now = state.clock.now();
    let before = &admin.tenant;
    let detail = serde_json::json!({
        "before": {
            "display_name": before.display_name,
            "primary_color": before.branding.primary_color,
            "accent_color": before.branding.accent_color,
            "support_phone": before.branding.support_phone,
            "support_email": before.branding.support_email,
            "support_url": before.branding.support_url,
            "welcome_text": before.branding.welcome_text,
        },
        "after": {
            "display_name": update.display_name,
            "primary_color": update.primary_color.as_str(),
            "accent_color": update.accent_color.as_str(),
            "support_phone": update.support_phone,
            "support_email": update.support_email.as_ref().map(|e| e.as_str()),
            "support_url": update.support_url,
            "welcome_text": update.welcome_text,
        },
    });
    in_tenant(&state.db, &admin.tenant.slug, async |tx| {
        branding::update_branding(tx.conn(), admin.tenant.id, &update).await?;
        trail::record(tx, admin.me.account.id, "branding.changed", detail, now).await
    })
    .await?;
    // The change notifies every process; this one reloads now so the next page shows it.
    state.tenants.reload().await?;
    Ok(Redirect::see_other("/beheer/huisstijl?melding=huisstijl").into_response())
}

#[derive(Debug, Deserialize)]
pub struct PreviewQuery {
    primary: Option<String>,
    accent: Option<String>,
}

/// `GET /beheer/huisstijl/voorbeeld.css`: the tokens /theme.css would set, for the preview
/// box only (the page's policy allows no inline styles).
#[handler]
pub async fn preview_css(admin: TenantAdmin, Query(query): Query<PreviewQuery>) -> Response {
    palette(
        query.primary.as_deref().unwrap_or_default(),
        query.accent.as_deref().unwrap_or_default(),
        &admin.tenant.branding,
    )
    .css("#brand-preview")
    .with_content_type("text/css; charset=utf-8")
    .with_header(header::CACHE_CONTROL, "private, max-age=3600")
    .into_response()
}

/// The branding page again, with the problem at the logo field.
fn logo_refused(pages: &PageRenderer, problem: LogoProblem) -> Result<Response, AppError> {
    let status = match problem {
        LogoProblem::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let mut errors = FieldErrors::default();
    errors.add("logo", problem.code());
    branding_page(pages, status, &BrandingFields::of(pages.tenant()), &errors)
}

/// `POST /beheer/huisstijl/logo` (multipart; the CSRF token travels in the query).
#[handler]
pub async fn upload_logo(
    admin: TenantAdmin,
    req: &Request,
    state: Data<&AppState>,
    pages: PageRenderer,
    body: Body,
) -> Result<Response, AppError> {
    if !uploads::within_budget(&state, &ADMIN_IMAGE_UPLOADS, admin.me.account.id).await? {
        let mut errors = FieldErrors::default();
        errors.add("logo", "admin-image-too-many-uploads");
        let fields = BrandingFields::of(pages.tenant());
        return branding_page(&pages, StatusCode::TOO_MANY_REQUESTS, &fields, &errors);
    }
    let bytes = match uploads::read_file(req, body, "logo", LOGO_MAX_BYTES).await? {
        Uploaded::File(bytes) => bytes,
        // An empty file is what `check_logo` names as "choose a logo first".
        Uploaded::Missing => Vec::new(),
        Uploaded::TooLarge => return logo_refused(&pages, LogoProblem::TooLarge),
    };
    let mime = match branding::check_logo(&bytes) {
        Ok(mime) => mime,
        Err(problem) => return logo_refused(&pages, problem),
    };
    let key = ObjectKey::new(&admin.tenant.slug, ObjectKind::Logo);
    state.storage.put(&key, bytes.into(), mime).await?;
    replace_logo(&state, &admin, Some(key.as_str())).await?;
    Ok(Redirect::see_other("/beheer/huisstijl?melding=logo").into_response())
}

/// `POST /beheer/huisstijl/logo/verwijderen`
#[handler]
pub async fn remove_logo(admin: TenantAdmin, state: Data<&AppState>) -> Result<Response, AppError> {
    replace_logo(&state, &admin, None).await?;
    Ok(Redirect::see_other("/beheer/huisstijl?melding=logo-verwijderd").into_response())
}

/// Points the tenant at `key` and has the worker remove the logo it replaces.
async fn replace_logo(
    state: &AppState,
    admin: &TenantAdmin,
    key: Option<&str>,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let tenant = &admin.tenant;
    in_tenant(&state.db, &tenant.slug, async |tx| {
        let old = branding::set_logo(tx.conn(), tenant.id, key).await?;
        if let Some(old) = old.filter(|k| ObjectKey::existing(&tenant.slug, k).is_some()) {
            let job = Job::DeleteObjects { keys: vec![old] };
            outbox::write(tx.conn(), &Event::job(Some(tenant.slug.clone()), now, job)).await?;
        }
        let action = if key.is_some() {
            "branding.logo_set"
        } else {
            "branding.logo_removed"
        };
        trail::record(tx, admin.me.account.id, action, serde_json::json!({}), now).await
    })
    .await?;
    state.tenants.reload().await?;
    Ok(())
}
