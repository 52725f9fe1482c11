//! The portal's start page and its accessibility statement (TEN-6), the same for every visitor
//! of a tenant in one language.

use poem::web::Data;
use poem::{handler, Request, Response};

use crate::http::error::AppError;
use crate::http::portal::Portal;
use crate::http::state::AppState;

/// The portal's start page, branded for its organisation.
#[handler]
pub fn page(req: &Request, portal: Portal, state: Data<&AppState>) -> Result<Response, AppError> {
    state
        .views
        .shared_page("portal/start.html", req, &portal.ctx, &portal.tenant)
}

/// The platform's accessibility statement (TEN-6), in the portal's branding.
#[handler]
pub fn accessibility(
    req: &Request,
    portal: Portal,
    state: Data<&AppState>,
) -> Result<Response, AppError> {
    state.views.shared_page(
        "portal/accessibility.html",
        req,
        &portal.ctx,
        &portal.tenant,
    )
}
