//! MSG-2: files attached to a message (the paperclip). The type comes from the content, never
//! from the name or the browser's word: PDF, photos and office documents are allowed, anything
//! else (a program renamed to `.pdf`, say) is refused. The stored name is made safe and ends in
//! the extension of the type found. The file lives in object storage under the tenant; every
//! download is checked against the reader's audience by the route that serves it.

use serde::Serialize;
use uuid::Uuid;

use super::{Audience, MessageId, ThreadId};
use crate::care::page::CarePageId;
use crate::infra::tenancy::TenantTx;

/// The largest file, in bytes.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// The most files on one message.
pub const MAX_FILES: usize = 5;
/// The longest stored file name, in characters (extension included).
const MAX_NAME: usize = 100;

/// The types a message may carry: (MIME type as `infer` names it, the extension it is stored
/// with).
const ALLOWED: &[(&str, &str)] = &[
    ("application/pdf", "pdf"),
    ("image/jpeg", "jpg"),
    ("image/png", "png"),
    ("image/gif", "gif"),
    ("image/webp", "webp"),
    ("image/heif", "heic"),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
    ("application/vnd.oasis.opendocument.text", "odt"),
    ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
    ("application/vnd.oasis.opendocument.presentation", "odp"),
];

/// Why a file cannot be attached; each has its catalogue key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentProblem {
    #[error("the file is too large")]
    TooLarge,
    #[error("the file is empty")]
    Empty,
    #[error("the file's type is not allowed")]
    TypeNotAllowed,
    #[error("too many files")]
    TooMany,
}

impl AttachmentProblem {
    pub fn code(self) -> &'static str {
        match self {
            AttachmentProblem::TooLarge => "messages-file-too-large",
            AttachmentProblem::Empty => "messages-file-empty",
            AttachmentProblem::TypeNotAllowed => "messages-file-type",
            AttachmentProblem::TooMany => "messages-file-too-many",
        }
    }
}

/// A file that passed the checks, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFile {
    pub file_name: String,
    pub content_type: &'static str,
}

/// Checks an uploaded file by its content and gives it a safe name.
pub fn check(uploaded_name: &str, bytes: &[u8]) -> Result<CheckedFile, AttachmentProblem> {
    if bytes.is_empty() {
        return Err(AttachmentProblem::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(AttachmentProblem::TooLarge);
    }
    let found = infer::get(bytes).map(|kind| kind.mime_type());
    let (content_type, extension) = ALLOWED
        .iter()
        .find(|(mime, _)| Some(*mime) == found)
        .copied()
        .ok_or(AttachmentProblem::TypeNotAllowed)?;
    Ok(CheckedFile {
        file_name: safe_name(uploaded_name, extension),
        content_type,
    })
}

/// The name to store and offer for download: the last path segment of what the browser sent,
/// without control characters, quotes or path separators, without its own extension, and
/// ending in `extension`.
pub fn safe_name(uploaded: &str, extension: &str) -> String {
    let last = uploaded.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = match last.rsplit_once('.') {
        Some((stem, _)) => stem,
        None => last,
    };
    let cleaned: String = stem
        .chars()
        .map(|c| {
            if c.is_control()
                || matches!(
                    c,
                    '"' | '\'' | '/' | '\\' | ':' | '*' | '?' | '<' | '>' | '|' | ';'
                )
            {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    let room = MAX_NAME - extension.len() - 1;
    let stem: String = cleaned.chars().take(room).collect();
    let stem = if stem.is_empty() {
        "bijlage".to_owned()
    } else {
        stem
    };
    format!("{stem}.{extension}")
}

/// Records a stored file as an attachment of `message`.
pub async fn attach(
    tx: &mut TenantTx,
    message: MessageId,
    object_key: &str,
    file: &CheckedFile,
    size: usize,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "INSERT INTO message_attachments (id, message_id, object_key, file_name, content_type,
                                          size_bytes)
         VALUES ($1, $2, $3, $4, $5, $6)",
        id,
        message as MessageId,
        object_key,
        file.file_name,
        file.content_type,
        size as i64,
    )
    .execute(tx.conn())
    .await?;
    Ok(id)
}

/// An attachment as a download needs it: where it is, what it is, and the thread whose
/// audience decides who may have it.
#[derive(Debug, Clone, Serialize)]
pub struct StoredAttachment {
    pub thread: ThreadId,
    pub audience: Audience,
    pub object_key: String,
    pub file_name: String,
    pub content_type: String,
}

/// The attachment `id` on `page`, unless its message was removed.
pub async fn find(
    tx: &mut TenantTx,
    page: CarePageId,
    id: Uuid,
) -> Result<Option<StoredAttachment>, sqlx::Error> {
    Ok(find_anywhere(tx, id)
        .await?
        .filter(|(on, _)| *on == page)
        .map(|(_, file)| file))
}

/// The attachment `id` on whatever page of this tenant it is, with that page, unless its
/// message was removed.
pub async fn find_anywhere(
    tx: &mut TenantTx,
    id: Uuid,
) -> Result<Option<(CarePageId, StoredAttachment)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT t.care_page_id AS "page: CarePageId", t.id AS "thread: ThreadId",
                  t.audience, a.object_key, a.file_name, a.content_type
             FROM message_attachments a
             JOIN messages m ON m.id = a.message_id AND m.deleted_at IS NULL
             JOIN message_threads t ON t.id = m.thread_id
            WHERE a.id = $1"#,
        id,
    )
    .fetch_optional(tx.conn())
    .await?;
    row.map(|row| {
        let audience = Audience::from_key(&row.audience)
            .ok_or_else(|| sqlx::Error::Decode(format!("audience {:?}", row.audience).into()))?;
        let file = StoredAttachment {
            thread: row.thread,
            audience,
            object_key: row.object_key,
            file_name: row.file_name,
            content_type: row.content_type,
        };
        Ok((row.page, file))
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n";
    const ELF: &[u8] = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00";
    const PE: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00";

    #[test]
    fn the_type_comes_from_the_content() {
        let pdf = check("verslag.pdf", PDF).unwrap();
        assert_eq!(pdf.content_type, "application/pdf");
        assert_eq!(pdf.file_name, "verslag.pdf");
        // Named as a photo, but a PDF: stored as the PDF it is.
        assert_eq!(check("foto.jpg", PDF).unwrap().file_name, "foto.pdf");
        for program in [ELF, PE] {
            assert_eq!(
                check("rapport.pdf", program),
                Err(AttachmentProblem::TypeNotAllowed)
            );
        }
        assert_eq!(check("leeg.pdf", b""), Err(AttachmentProblem::Empty));
        let big = [PDF, &vec![b' '; MAX_BYTES]].concat();
        assert_eq!(check("groot.pdf", &big), Err(AttachmentProblem::TooLarge));
    }

    #[test]
    fn names_lose_their_paths_and_dangerous_characters() {
        assert_eq!(safe_name("../../etc/passwd", "pdf"), "passwd.pdf");
        assert_eq!(safe_name("C:\\Users\\x\\brief.docx", "docx"), "brief.docx");
        assert_eq!(safe_name("a\"b;c\r\n.pdf", "pdf"), "a_b_c__.pdf");
        assert_eq!(safe_name("..", "pdf"), "bijlage.pdf");
        assert_eq!(safe_name("", "png"), "bijlage.png");
        let long = safe_name(&"é".repeat(300), "pdf");
        assert_eq!(long.chars().count(), MAX_NAME);
        assert!(long.ends_with(".pdf"));
    }
}
