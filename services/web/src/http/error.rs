//! The errors handlers return. [`AppError`] names what went wrong; the request-context
//! middleware turns every error into its page in one place (`middleware::error_page`).

use std::sync::Arc;

use common::infra::tenancy::Tenant;
use poem::http::StatusCode;
use poem::{error::ResponseError, IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("no tenant has this host")]
    UnknownHost,
    #[error("tenant {} is suspended", .0.slug)]
    Suspended(Arc<Tenant>),
    /// The page needs a signed-in person: go to the sign-in page.
    #[error("sign-in required")]
    SignInRequired,
    #[error("missing or wrong CSRF token")]
    Csrf,
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("forbidden")]
    Forbidden,
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        Self::Internal(error.into())
    }
}

/// A failed query, tenant lookup or storage call in a handler is an internal error: `?` says so.
macro_rules! internal_from {
    ($($error:ty),* $(,)?) => {$(
        impl From<$error> for AppError {
            fn from(error: $error) -> Self {
                Self::internal(error)
            }
        }
    )*};
}

internal_from!(
    sqlx::Error,
    common::infra::tenancy::TenancyError,
    common::infra::storage::StorageError,
);

impl ResponseError for AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound | AppError::UnknownHost => StatusCode::NOT_FOUND,
            AppError::SignInRequired => StatusCode::SEE_OTHER,
            AppError::Csrf | AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Suspended(_) | AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Only reached if an error escapes the middleware (it should not): say nothing.
    fn as_response(&self) -> Response {
        self.status().into_response()
    }
}
