//! The organisation's settings (TEN-4): what clients see of appointments, messages and
//! documents, from when reports show, the measurement types in use, and how long an
//! activation code works.

use common::infra::tenancy::in_tenant;
use common::organisation::settings::{self, SettingsForm, TenantSettings, MEASUREMENT_TYPES};
use minijinja::context;
use minijinja::value::Value;
use poem::http::StatusCode;
use poem::web::{Data, Query, Redirect};
use poem::{handler, Body, IntoResponse, Response};

use super::{field_errors, notice_for, NoticeQuery};
use crate::access::tenant_admin::TenantAdmin;
use crate::http::error::AppError;
use crate::http::forms::FieldErrors;
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

fn settings_page(
    pages: &PageRenderer,
    status: StatusCode,
    form: Value,
    errors: &FieldErrors,
) -> Result<Response, AppError> {
    pages.status(
        "tenant_admin/settings.html",
        status,
        context! {
            form,
            measurement_types => MEASUREMENT_TYPES,
            errors,
        },
    )
}

/// The stored settings as the form shows them.
fn settings_form(settings: &TenantSettings) -> Value {
    context! {
        client_appointments_visible => settings.client_appointments_visible,
        messaging_after_staff_first => settings.messaging_after_staff_first,
        documents_shared => settings.documents_shared,
        reports_from => settings.reports_from.map(|d| d.to_string()).unwrap_or_default(),
        measurement_types => &settings.measurement_types,
        activation_code_weeks => settings.activation_code_weeks.to_string(),
        response_days => settings.response_days.to_string(),
    }
}

/// The form as typed, to show again with its problems.
fn typed_form(form: &SettingsForm<'_>) -> Value {
    context! {
        client_appointments_visible => form.client_appointments_visible,
        messaging_after_staff_first => form.messaging_after_staff_first,
        documents_shared => form.documents_shared,
        reports_from => form.reports_from,
        measurement_types => &form.measurement_types,
        activation_code_weeks => form.activation_code_weeks,
        response_days => form.response_days,
    }
}

/// `GET /beheer/instellingen`
#[handler]
pub async fn show_settings(
    admin: TenantAdmin,
    state: Data<&AppState>,
    pages: PageRenderer,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let current = in_tenant(&state.db, &admin.tenant.slug, async |tx| {
        settings::settings(tx).await
    })
    .await?;
    let pages = pages.notice(notice_for(query.melding()));
    let form = settings_form(&current);
    settings_page(&pages, StatusCode::OK, form, &FieldErrors::default())
}

/// `POST /beheer/instellingen`. The form is read by hand, since `measurement_types` repeats.
#[handler]
pub async fn save_settings(
    admin: TenantAdmin,
    state: Data<&AppState>,
    pages: PageRenderer,
    body: Body,
) -> Result<Response, AppError> {
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
        response_days: value("response_days").unwrap_or_default(),
    };
    let parsed = match TenantSettings::parse(&form) {
        Ok(parsed) => parsed,
        Err(problems) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return settings_page(&pages, status, typed_form(&form), &field_errors(problems));
        }
    };
    let now = state.clock.now();
    in_tenant(&state.db, &admin.tenant.slug, async |tx| {
        settings::save_settings(tx, admin.me.account.id, &parsed, now).await
    })
    .await?;
    Ok(Redirect::see_other("/beheer/instellingen?melding=instellingen").into_response())
}
