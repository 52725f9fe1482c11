use poem::handler;
use poem::web::{Data, Html};

use crate::error::AppError;
use crate::middleware::Portal;
use crate::state::AppState;

/// The portal's start page, branded for its organisation.
#[handler]
pub fn page(portal: Portal, state: Data<&AppState>) -> Result<Html<String>, AppError> {
    state
        .views
        .shared_page("start.html", &portal.ctx, &portal.tenant)
}

/// The platform's accessibility statement (TEN-6), in the portal's branding.
#[handler]
pub fn accessibility(portal: Portal, state: Data<&AppState>) -> Result<Html<String>, AppError> {
    state
        .views
        .shared_page("accessibility.html", &portal.ctx, &portal.tenant)
}
