//! Every route of the portal, in one table.

mod health;
mod start;
mod static_files;
mod theme;

use poem::{get, Endpoint, EndpointExt, Route};

use crate::middleware::{request_context, security_headers};
use crate::state::AppState;

pub fn portal() -> Route {
    Route::new()
        .at("/healthz", get(health::live))
        .at("/readyz", get(health::ready))
        .at("/static/:file", get(static_files::serve))
        .at("/", get(start::page))
        .at("/toegankelijkheid", get(start::accessibility))
        .at("/theme.css", get(theme::stylesheet))
        .at("/branding/logo", get(theme::logo))
}

/// `routes` behind the portal's middleware, with the shared state.
pub fn serve(routes: Route, state: AppState) -> impl Endpoint {
    routes
        .around(request_context)
        .around(security_headers)
        .data(state)
}
