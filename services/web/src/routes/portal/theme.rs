//! The tenant's branding as a stylesheet of design tokens (`http::theme`) and a logo,
//! versioned by the tenant's last change so browsers may keep them until the branding changes.

use common::infra::storage::ObjectKey;
use common::infra::tenancy::{Color, Tenant};
use poem::http::header;
use poem::web::{Data, Query};
use poem::{handler, IntoResponse, Response};
use serde::Deserialize;

use crate::http::error::AppError;
use crate::http::portal::Portal;
use crate::http::state::AppState;
use crate::http::theme::Palette;

#[derive(Deserialize)]
pub struct Version {
    v: Option<i64>,
}

fn cache_control(tenant: &Tenant, version: &Version) -> &'static str {
    if version.v == Some(tenant.version) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

#[handler]
pub fn stylesheet(portal: Portal, Query(version): Query<Version>) -> Response {
    let branding = &portal.tenant.branding;
    let color = |raw: &str, fallback: &str| {
        Color::parse(raw)
            .or_else(|_| Color::parse(fallback))
            .unwrap_or_else(|_| Color::black())
    };
    let palette = Palette::new(
        color(&branding.primary_color, "#1d4f91"),
        color(&branding.accent_color, "#e07a10"),
    );
    let css = palette.css(".zorgportaal-theme");
    css.with_content_type("text/css; charset=utf-8")
        .with_header(
            header::CACHE_CONTROL,
            cache_control(&portal.tenant, &version),
        )
        .into_response()
}

#[handler]
pub async fn logo(
    portal: Portal,
    state: Data<&AppState>,
    Query(version): Query<Version>,
) -> Result<Response, AppError> {
    let key = portal
        .tenant
        .branding
        .logo_key
        .as_deref()
        .and_then(|raw| ObjectKey::existing(&portal.tenant.slug, raw))
        .ok_or(AppError::NotFound)?;
    let object = state.storage.get(&key).await.map_err(|e| match e {
        common::infra::storage::StorageError::NotFound(_) => AppError::NotFound,
        other => AppError::internal(other),
    })?;
    Ok(object
        .bytes
        .with_content_type(
            object
                .content_type
                .unwrap_or_else(|| "application/octet-stream".into()),
        )
        .with_header(
            header::CACHE_CONTROL,
            cache_control(&portal.tenant, &version),
        )
        .into_response())
}
