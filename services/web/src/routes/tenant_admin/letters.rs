//! Activation letters as one PDF (CP-2), and the letter requests ("Brief ontvangen?", CP-8)
//! that ask for a new one. Every letter carries a fresh code: only hashes are stored, so a
//! letter can be printed only together with a new code, and earlier unused codes stop working.

use common::clients::letters_pdf::{build as build_letters, Letter, LetterHead, LetterLogo};
use common::clients::{activation, letter_requests, records};
use common::infra::storage::ObjectKey;
use common::infra::tenancy::{in_tenant, in_tenant_read_only, Color, Tenant, TenantTx};
use common::organisation::settings;
use minijinja::context;
use minijinja::value::Value;
use poem::http::{header, StatusCode};
use poem::web::{Data, Query, Redirect};
use poem::{handler, Body, IntoResponse, Response};
use time::OffsetDateTime;
use uuid::Uuid;

use super::clients::last_valid_moment;
use super::NoticeQuery;
use crate::access::tenant_admin::TenantAdmin;
use crate::http::error::AppError;
use crate::http::format::date_text;
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

/// `POST /beheer/brieven.pdf` with `client=<id>` once or more: one PDF with a letter per
/// client.
#[handler]
pub async fn letters_pdf(
    admin: TenantAdmin,
    state: Data<&AppState>,
    body: Body,
) -> Result<Response, AppError> {
    let ids = ids_in(body, "client").await?;
    let ids: Vec<_> = ids.into_iter().map(records::ClientRecordId).collect();
    let now = state.clock.now();
    // No known client among the ids: no code was issued, nothing was written.
    let batch = in_tenant(&state.db, &admin.tenant.slug, async |tx| {
        letters_for(tx, &admin, &ids, now).await
    })
    .await?;
    if batch.is_empty() {
        return Ok(Redirect::see_other("/beheer/clienten?melding=geen-keuze").into_response());
    }
    pdf_response(&state, &admin, batch).await
}

/// A fresh code and a letter for each client record in `ids` (unknown ids are skipped).
async fn letters_for(
    tx: &mut TenantTx,
    admin: &TenantAdmin,
    ids: &[records::ClientRecordId],
    now: OffsetDateTime,
) -> Result<Vec<Letter>, AppError> {
    let validity = settings::settings(tx).await?.activation_code_validity();
    let mut batch = Vec::new();
    for id in ids {
        let Some(record) = records::client(tx, *id).await? else {
            continue;
        };
        let issued =
            activation::issue_code(tx, admin.me.account.id, record.id, validity, now).await?;
        batch.push(Letter {
            client_name: record.name,
            client_number: record.client_number,
            address_lines: record.address_lines,
            code: issued.code.to_string(),
            valid_until: date_text(last_valid_moment(issued.expires_at)),
        });
    }
    Ok(batch)
}

/// The letters as one PDF download, in the organisation's branding.
async fn pdf_response(
    state: &AppState,
    admin: &TenantAdmin,
    batch: Vec<Letter>,
) -> Result<Response, AppError> {
    let tenant = &admin.tenant;
    let host = tenant.hosts.first().cloned().unwrap_or_default();
    let logo = match letter_logo(state, tenant).await {
        Some(bytes) => LetterLogo::from_upload(&state.images, bytes).await,
        None => None,
    };
    let organisation = tenant.display_name.clone();
    let heading_rgb = Color::parse(&tenant.branding.primary_color)
        .map(|c| c.rgb())
        .unwrap_or([0, 0, 0]);
    // Writing the pages is CPU work: keep it off the async workers.
    let pdf = tokio::task::spawn_blocking(move || {
        let head = LetterHead {
            organisation,
            portal_url: format!("https://{host}"),
            heading_rgb,
            logo,
        };
        build_letters(&head, &batch)
    })
    .await
    .map_err(AppError::internal)?;
    Ok(Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/pdf")
        .header(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"activatiebrieven.pdf\"",
        )
        .header(header::CACHE_CONTROL, "no-store")
        .body(pdf))
}

/// The tenant's stored logo, if it has one that can be read from storage. The letters go out
/// without it rather than not at all: the codes in them are already issued.
async fn letter_logo(state: &AppState, tenant: &Tenant) -> Option<bytes::Bytes> {
    let key = ObjectKey::existing(&tenant.slug, tenant.branding.logo_key.as_deref()?)?;
    match state.storage.get(&key).await {
        Ok(object) => Some(object.bytes),
        Err(error) => {
            tracing::warn!(%error, key = key.as_str(), "logo for the letters not available");
            None
        }
    }
}

/// The `name=<uuid>` values of a urlencoded form body.
async fn ids_in(body: Body, name: &str) -> Result<Vec<Uuid>, AppError> {
    let bytes = body
        .into_bytes_limit(256 * 1024)
        .await
        .map_err(|_| AppError::PayloadTooLarge)?;
    let mut ids: Vec<Uuid> = form_urlencoded::parse(&bytes)
        .filter(|(k, _)| k == name)
        .filter_map(|(_, v)| Uuid::parse_str(&v).ok())
        .collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// `GET /beheer/briefaanvragen`: the open letter requests, oldest first.
#[handler]
pub async fn show_letter_requests(
    admin: TenantAdmin,
    state: Data<&AppState>,
    pages: PageRenderer,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let requests = in_tenant_read_only(&state.db, &admin.tenant.slug, async |tx| {
        letter_requests::open_letter_requests(tx).await
    })
    .await?;
    let rows: Vec<Value> = requests
        .iter()
        .map(|r| {
            context! {
                id => r.id.to_string(),
                client_number => &r.client_number,
                client_name => &r.client_name,
                requester => format!("{} ({})", r.requester_name, r.requester_email),
                created_at => date_text(r.created_at),
            }
        })
        .collect();
    let notice = match query.melding() {
        Some("afgehandeld") => Some("letter-requests-notice-handled"),
        _ => None,
    };
    let pages = pages.notice(notice);
    pages.ok(
        "tenant_admin/letter_requests.html",
        context! { requests => rows },
    )
}

/// `POST /beheer/briefaanvragen/brieven.pdf` with `request=<id>` once or more: marks the
/// requests handled and prints a letter, with a fresh code, to the address on file of each
/// known client. Requests with an unknown cliëntnummer are only marked handled.
#[handler]
pub async fn letter_requests_pdf(
    admin: TenantAdmin,
    state: Data<&AppState>,
    body: Body,
) -> Result<Response, AppError> {
    let ids = ids_in(body, "request").await?;
    let ids: Vec<_> = ids
        .into_iter()
        .map(letter_requests::LetterRequestId)
        .collect();
    let now = state.clock.now();
    let batch = in_tenant(&state.db, &admin.tenant.slug, async |tx| {
        let records = letter_requests::handle_letter_requests(tx, &ids, now).await?;
        letters_for(tx, &admin, &records, now).await
    })
    .await?;
    if batch.is_empty() {
        return Ok(
            Redirect::see_other("/beheer/briefaanvragen?melding=afgehandeld").into_response(),
        );
    }
    pdf_response(&state, &admin, batch).await
}
