//! Static files under content-hashed names, cached for a year, gzip-compressed for browsers
//! that accept it.

use poem::http::header;
use poem::web::{Data, Path};
use poem::{handler, IntoResponse, Request, Response};

use crate::http::error::AppError;
use crate::http::state::AppState;

/// A content-hashed static file: its name changes when its content does, so it never expires.
#[handler]
pub fn serve(
    Path(file): Path<String>,
    req: &Request,
    state: Data<&AppState>,
) -> Result<Response, AppError> {
    let asset = state.assets.by_file_name(&file).ok_or(AppError::NotFound)?;
    Ok(asset
        .body
        .response(req, asset.content_type)
        .with_header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
        .into_response())
}
