//! Static files, embedded in the binary and served under content-hashed names, so they can be
//! cached for a year and still change with every release that changes them; compressed once,
//! on first use.

use std::collections::HashMap;

use bytes::Bytes;
use sha2::{Digest, Sha256};

use crate::http::encoding::Compressible;

/// (logical name, content, content type) of every file under `static/`. The files under
/// `static/vendor/` are the NL Design System's, fetched by `infra/design-system/fetch.sh`.
const FILES: &[(&str, &[u8], &str)] = &[
    (
        "utrecht-components.css",
        include_bytes!("../../static/vendor/utrecht-components.css"),
        "text/css; charset=utf-8",
    ),
    (
        "utrecht-components.LICENSE.md",
        include_bytes!("../../static/vendor/utrecht-components.LICENSE.md"),
        "text/plain; charset=utf-8",
    ),
    (
        "tokens.css",
        include_bytes!("../../static/tokens.css"),
        "text/css; charset=utf-8",
    ),
    (
        "password-rules.js",
        include_bytes!("../../static/password-rules.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "brand-preview.js",
        include_bytes!("../../static/brand-preview.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "upload-progress.js",
        include_bytes!("../../static/upload-progress.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "app.css",
        include_bytes!("../../static/app.css"),
        "text/css; charset=utf-8",
    ),
    (
        "print.css",
        include_bytes!("../../static/print.css"),
        "text/css; charset=utf-8",
    ),
];

#[derive(Debug)]
pub struct Asset {
    pub body: Compressible,
    pub content_type: &'static str,
    pub url: String,
}

#[derive(Debug)]
pub struct Assets {
    by_name: HashMap<&'static str, Asset>,
    by_file_name: HashMap<String, &'static str>,
}

impl Assets {
    pub fn embedded() -> Self {
        let mut by_name = HashMap::new();
        let mut by_file_name = HashMap::new();
        for (name, bytes, content_type) in FILES {
            let digest = hex::encode(&Sha256::digest(bytes)[..6]);
            let file_name = match name.rsplit_once('.') {
                Some((stem, ext)) => format!("{stem}.{digest}.{ext}"),
                None => format!("{name}.{digest}"),
            };
            by_file_name.insert(file_name.clone(), *name);
            by_name.insert(
                *name,
                Asset {
                    body: Compressible::new(Bytes::from_static(bytes)),
                    content_type,
                    url: format!("/static/{file_name}"),
                },
            );
        }
        Self {
            by_name,
            by_file_name,
        }
    }

    /// The URL of a file by its logical name (`app.css` → `/static/app.1a2b3c4d5e6f.css`).
    pub fn url(&self, name: &str) -> Option<&str> {
        self.by_name.get(name).map(|a| a.url.as_str())
    }

    /// The file behind a hashed file name.
    pub fn by_file_name(&self, file_name: &str) -> Option<&Asset> {
        self.by_file_name
            .get(file_name)
            .and_then(|name| self.by_name.get(name))
    }
}
