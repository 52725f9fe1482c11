//! The overview after sign-in: the "Ik zorg voor" switcher, or the question for whom to create
//! a care page.

use common::infra::tenancy::in_tenant_read_only;
use common::staff;
use minijinja::context;
use poem::web::{Data, Query};
use poem::{handler, Response};
use serde::Deserialize;

use crate::access::session::SignedIn;
use crate::http::error::AppError;
use crate::http::pages::PageRenderer;
use crate::http::portal::Portal;
use crate::http::state::AppState;
use crate::routes::portal::care_page;

#[derive(Debug, Deserialize)]
pub struct OverviewQuery {
    melding: Option<String>,
}

/// After sign-in: the "Ik zorg voor" switcher, or, without a care page on this portal, the
/// question for whom to create one (CP-1).
#[handler]
pub async fn overview(
    state: Data<&AppState>,
    pages: PageRenderer,
    portal: Portal,
    me: SignedIn,
    Query(query): Query<OverviewQuery>,
) -> Result<Response, AppError> {
    let items = care_page::switcher(&state, &portal, &me, None).await?;
    // An employee of this organisation finds the way to the staff side here.
    let account = me.account.id;
    let staff = in_tenant_read_only(&state.db, &portal.tenant.slug, async |tx| {
        staff::staff_member(tx, account).await
    })
    .await?
    .is_some();
    let ask_for_whom = !care_page::has_page_here(&items);
    let notice = match query.melding.as_deref() {
        Some("zorgpagina-verwijderd") => Some("care-deleted-notice"),
        Some("verlaten") => Some("care-page-left"),
        _ => None,
    };
    pages.viewer(me.viewer()).notice(notice).ok(
        "portal/account/overview.html",
        context! {
            care_switcher => items,
            ask_for_whom,
            staff,
        },
    )
}
