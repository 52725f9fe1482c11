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

/// A file of a form that may carry several (a message's attachments).
#[derive(Debug)]
pub struct FormFile {
    /// The name the browser gave; only ever used, made safe, as the stored name.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A form with files: its text fields and the files chosen in one of its fields.
#[derive(Debug, Default)]
pub struct FormWithFiles {
    pub fields: Vec<(String, String)>,
    pub files: Vec<FormFile>,
}

impl FormWithFiles {
    /// The first value of text field `name`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }
}

#[derive(Debug)]
pub enum FormUpload {
    Form(FormWithFiles),
    /// The whole body is over the limit: nothing of it was kept.
    TooLarge,
}

/// Reads a `multipart/form-data` body of at most `max_bytes` into its text fields and the
/// non-empty files of `file_field` (a browser sends an empty part when no file was chosen).
/// An urlencoded body is read as text fields only, so the form also works when a client
/// sends no files the simple way.
pub async fn read_form_with_files(
    req: &Request,
    body: Body,
    file_field: &str,
    max_bytes: usize,
) -> Result<FormUpload, AppError> {
    let declared = req
        .header(header::CONTENT_LENGTH)
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > DRAIN_LIMIT) {
        return Ok(FormUpload::TooLarge);
    }
    let Some(raw) = read_limited(body, max_bytes + MULTIPART_OVERHEAD).await? else {
        return Ok(FormUpload::TooLarge);
    };
    let multipart = req
        .header(header::CONTENT_TYPE)
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        return Ok(FormUpload::Form(FormWithFiles {
            fields: form_urlencoded::parse(&raw).into_owned().collect(),
            files: Vec::new(),
        }));
    }
    // A body that breaks off midway keeps what was read before: the form then shows what is
    // missing, as for any incomplete form.
    let mut form = FormWithFiles::default();
    let mut body = RequestBody::new(Body::from(raw));
    let Ok(mut parts) = Multipart::from_request(req, &mut body).await else {
        return Ok(FormUpload::Form(form));
    };
    while let Ok(Some(field)) = parts.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        if name == file_field {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let Ok(bytes) = field.bytes().await else {
                break;
            };
            if !(file_name.is_empty() && bytes.is_empty()) {
                form.files.push(FormFile {
                    name: file_name,
                    bytes,
                });
            }
        } else {
            let Ok(value) = field.text().await else { break };
            form.fields.push((name, value));
        }
    }
    Ok(FormUpload::Form(form))
}
