//! The files of a message (MSG-2), for the members' and the staff's forms alike: checking
//! what a form brought, storing it under the tenant, recording it with its message, and
//! handing a file out as a download.

use common::care::messages::attachments::{self, AttachmentProblem, CheckedFile, MAX_FILES};
use common::care::messages::{self as messages, MessageId};
use common::infra::storage::{ObjectKey, ObjectKind};
use common::infra::tenancy::{TenantSlug, TenantTx};
use poem::http::header;
use poem::Response;

use crate::http::error::AppError;
use crate::http::forms::FieldErrors;
use crate::http::state::AppState;
use crate::http::uploads::FormWithFiles;

/// The problem of a message form too large to read: its files.
pub fn too_large() -> FieldErrors {
    let mut errors = FieldErrors::default();
    errors.add("bijlage", AttachmentProblem::TooLarge.code());
    errors
}

/// The text (`bericht`) and the files (`bijlage`) of a message form, checked; `None` when
/// either has a problem, which is added to `errors`.
pub fn checked_message<'f>(
    form: &'f FormWithFiles,
    errors: &mut FieldErrors,
) -> Option<(String, Vec<FormFileChecked<'f>>)> {
    let text = messages::parse_body(form.field("bericht").unwrap_or_default())
        .map_err(|e| errors.add("bericht", e.code()))
        .ok();
    let files = check_files(form)
        .map_err(|e| errors.add("bijlage", e.code()))
        .ok();
    text.zip(files)
}

/// The largest message form: every file at its largest, and the text.
pub const FORM_MAX_BYTES: usize = MAX_FILES * attachments::MAX_BYTES + 64 * 1024;

/// A file of a form that passed the checks, with its bytes.
pub type FormFileChecked<'f> = (CheckedFile, &'f [u8]);

/// A file in storage: its key, what it is, and its size.
pub type StoredFile = (String, CheckedFile, usize);

/// The files of a form, checked; the first problem refuses them all.
pub fn check_files(form: &FormWithFiles) -> Result<Vec<FormFileChecked<'_>>, AttachmentProblem> {
    if form.files.len() > MAX_FILES {
        return Err(AttachmentProblem::TooMany);
    }
    form.files
        .iter()
        .map(|file| {
            Ok((
                attachments::check(&file.name, &file.bytes)?,
                &file.bytes[..],
            ))
        })
        .collect()
}

/// Stores checked files under the tenant before the transaction that refers to them (the
/// upload is not held inside a transaction). A file whose transaction then fails stays under
/// the tenant unreferenced, until the tenant is removed.
pub async fn store_files(
    state: &AppState,
    tenant: &TenantSlug,
    files: &[FormFileChecked<'_>],
) -> Result<Vec<StoredFile>, AppError> {
    let mut stored = Vec::with_capacity(files.len());
    for (file, bytes) in files {
        let key = ObjectKey::new(tenant, ObjectKind::Attachment);
        let body = bytes::Bytes::copy_from_slice(bytes);
        state.storage.put(&key, body, file.content_type).await?;
        stored.push((key.as_str().to_owned(), file.clone(), bytes.len()));
    }
    Ok(stored)
}

/// Records the stored files as attachments of `message`, in its transaction.
pub async fn attach_all(
    tx: &mut TenantTx,
    message: MessageId,
    stored: &[StoredFile],
) -> Result<(), sqlx::Error> {
    for (key, file, size) in stored {
        attachments::attach(tx, message, key, file, *size).await?;
    }
    Ok(())
}

/// A file as a download: its stored type, `attachment` with the safe name (plain and
/// RFC 5987-encoded), and `nosniff`, so no browser renders it as a page.
pub fn attachment_response(file_name: &str, content_type: &str, bytes: bytes::Bytes) -> Response {
    let ascii: String = file_name
        .chars()
        .map(|c| match c {
            '"' | '\\' => '_',
            c if c.is_ascii_graphic() || c == ' ' => c,
            _ => '_',
        })
        .collect();
    let encoded = percent_encode(file_name);
    Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
        )
        .header("x-content-type-options", "nosniff")
        .header(header::CACHE_CONTROL, "no-store")
        .body(bytes)
}

/// RFC 5987 `attr-char` encoding of a file name.
fn percent_encode(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use poem::http::header;

    #[test]
    fn download_names_are_quoted_safely() {
        let response = attachment_response(
            "verslag \"mei\" é.pdf",
            "application/pdf",
            bytes::Bytes::new(),
        );
        let disposition = response.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap();
        assert_eq!(
            disposition,
            "attachment; filename=\"verslag _mei_ _.pdf\"; filename*=UTF-8''verslag%20%22mei%22%20%C3%A9.pdf"
        );
    }
}
