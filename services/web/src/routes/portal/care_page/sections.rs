//! The sections of a care page (CP-6) that are not built yet: each says so in its place.

use minijinja::context;
use poem::http::StatusCode;
use poem::web::Data;
use poem::{handler, Response};

use crate::access::care_page::CarePageAccess;
use crate::http::error::AppError;
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

use super::{render, SECTIONS};

async fn unavailable(
    state: &AppState,
    pages: PageRenderer,
    access: &CarePageAccess,
    section: &'static str,
) -> Result<Response, AppError> {
    let title = SECTIONS
        .iter()
        .find(|(s, ..)| *s == section)
        .map_or("care-unavailable", |(_, key, ..)| *key);
    let template = "portal/care_page/unavailable.html";
    let page = context! { section_title => title };
    render(
        state,
        pages,
        access,
        section,
        template,
        StatusCode::OK,
        page,
    )
    .await
}

macro_rules! not_built_yet {
    ($($name:ident => $section:literal),* $(,)?) => {
        $(
            #[handler]
            pub async fn $name(
                state: Data<&AppState>,
                pages: PageRenderer,
                access: CarePageAccess,
            ) -> Result<Response, AppError> {
                unavailable(&state, pages, &access, $section).await
            }
        )*
    };
}

not_built_yet! {
    calendar => "kalender",
    dossier => "dossier",
    notes => "notities",
}
