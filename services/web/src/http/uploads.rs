//! Reading one uploaded file from a `multipart/form-data` request (profile photo, logo,
//! employee photo): the size limit, draining an oversized body so the browser sees the "too
//! large" page instead of a broken connection, and finding the file's field. The file's name
//! and declared type are ignored: callers check the content.

use futures::StreamExt;
use poem::http::header;
use poem::web::Multipart;
use poem::{Body, FromRequest, Request, RequestBody};

use common::accounts::AccountId;
use common::infra::throttle::Limit;

use crate::http::error::AppError;
use crate::http::state::AppState;

/// Room for the multipart framing around the file and the other fields.
const MULTIPART_OVERHEAD: usize = 64 * 1024;
/// An upload over the limit is read to its end (and thrown away) up to this size.
const DRAIN_LIMIT: usize = 64 * 1024 * 1024;

/// Counts one upload of `account` against `limit`, before the upload is read: of many sent at
/// once, exactly the budget is let through. `false`: over the budget, answer 429.
pub async fn within_budget(
    state: &AppState,
    limit: &Limit,
    account: AccountId,
) -> Result<bool, AppError> {
    let subject = account.0.to_string();
    let decision = limit
        .reserve(&state.db, &subject, state.clock.now())
        .await?;
    Ok(decision.is_allowed())
}

#[derive(Debug)]
pub enum Uploaded {
    File(Vec<u8>),
    /// No file in `field` (or a body that is not multipart).
    Missing,
    TooLarge,
}

/// The file in `field` of `req`'s multipart body, if it has at most `max_bytes`.
pub async fn read_file(
    req: &Request,
    body: Body,
    field: &str,
    max_bytes: usize,
) -> Result<Uploaded, AppError> {
    let declared = req
        .header(header::CONTENT_LENGTH)
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > DRAIN_LIMIT) {
        return Ok(Uploaded::TooLarge);
    }
    let Some(raw) = read_limited(body, max_bytes + MULTIPART_OVERHEAD).await? else {
        return Ok(Uploaded::TooLarge);
    };
    Ok(match file_field(req, raw, field).await {
        Some(bytes) if bytes.len() > max_bytes => Uploaded::TooLarge,
        Some(bytes) => Uploaded::File(bytes),
        None => Uploaded::Missing,
    })
}

/// Reads the body up to `limit` bytes. Over the limit, the rest is read and dropped (up to
/// [`DRAIN_LIMIT`]) and `None` is returned.
async fn read_limited(body: Body, limit: usize) -> Result<Option<Vec<u8>>, AppError> {
    let mut stream = body.into_bytes_stream();
    let mut bytes = Vec::new();
    let mut total = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| AppError::PayloadTooLarge)?;
        total += chunk.len();
        if total > DRAIN_LIMIT {
            return Ok(None);
        }
        if total <= limit {
            bytes.extend_from_slice(&chunk);
        }
    }
    Ok((total <= limit).then_some(bytes))
}

async fn file_field(req: &Request, raw: Vec<u8>, name: &str) -> Option<Vec<u8>> {
    let mut body = RequestBody::new(Body::from(raw));
    let mut multipart = Multipart::from_request(req, &mut body).await.ok()?;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some(name) {
            return field.bytes().await.ok();
        }
    }
    None
}
