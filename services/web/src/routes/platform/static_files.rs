//! Static files under content-hashed names, cached for a year.

use poem::http::header;
use poem::web::{Data, Path};
use poem::{handler, IntoResponse, Response};

use crate::http::error::AppError;
use crate::http::state::AppState;

/// A content-hashed static file: its name changes when its content does, so it never expires.
#[handler]
pub fn serve(Path(file): Path<String>, state: Data<&AppState>) -> Result<Response, AppError> {
    let asset = state.assets.by_file_name(&file).ok_or(AppError::NotFound)?;
    Ok(asset
        .bytes
        .with_content_type(asset.content_type)
        .with_header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
        .into_response())
}
