//! Steps that Berichten tests share: starting a thread through the composer, with or without
//! files, and reading ids out of the pages.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::visitor::{Page, UploadFile, Visitor};

/// The smallest PDF a content check takes for one.
pub const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n";

/// [`PDF`] as the paperclip sends it, named `name`.
pub fn pdf(name: &str) -> UploadFile<'_> {
    UploadFile {
        field: "bijlage",
        file_name: name,
        content_type: "application/pdf",
        bytes: PDF,
    }
}

/// Starts a thread on `page` for `audience` (`network`, `trust_group`, `organisation`) with
/// `text` and `files`, through the composer as `visitor`: the thread's path.
pub async fn start_thread(
    visitor: &mut Visitor,
    page: Uuid,
    audience: &str,
    text: &str,
    files: &[UploadFile<'_>],
) -> String {
    let compose = visitor
        .get(&format!("/zorgpagina/{page}/berichten/nieuw"))
        .await;
    assert_eq!(compose.status, StatusCode::OK, "{}", compose.body);
    let sent = visitor
        .post_multipart(
            &format!("/zorgpagina/{page}/berichten"),
            &[("deel_met", audience), ("bericht", text)],
            files,
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    sent.location()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

/// The first id a page shows right after `marker` (`id="bericht-`, `/bijlagen/`).
pub fn id_after(page: &Page, marker: &str) -> String {
    page.body
        .split(marker)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no {marker} on the page: {}", page.body))
        .to_owned()
}
