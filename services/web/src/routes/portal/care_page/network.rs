//! Connecties (NET-4): who takes part in the page, in which role, and the organisation it is
//! linked to. Members see the list; beheerders also see how to link the page and, per person,
//! the way to the beheerrechten.

use common::care::network::invitations::{self, InvitationState};
use common::care::page::{self as care_page, Role};
use common::care::rights::NetworkRole;
use common::infra::clock::dutch;
use common::infra::tenancy::in_tenant_read_only;
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Query};
use poem::{handler, Response};
use serde::Serialize;

use crate::access::care_page::CarePageAccess;
use crate::http::error::AppError;
use crate::http::format::date_text;
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;

use super::{render, NoticeQuery};

/// One person on Connecties.
#[derive(Serialize)]
pub(super) struct Person {
    id: String,
    name: String,
    initials: String,
    email: String,
    role: NetworkRole,
    is_me: bool,
    /// The last day of a grant that ends, as people write it.
    until: Option<String>,
}

/// The people of the page as Connecties and the page's home list them.
pub(super) async fn people(
    state: &AppState,
    access: &CarePageAccess,
) -> Result<Vec<Person>, AppError> {
    let members = in_tenant_read_only(&state.db, &access.portal.tenant.slug, async |tx| {
        care_page::network(tx, access.page.id).await
    })
    .await?;
    let now = state.clock.now();
    Ok(members
        .into_iter()
        .map(|m| Person {
            id: m.account_id.0.to_string(),
            initials: care_page::initials(&m.name),
            role: {
                let membership = m.membership.as_of(now);
                NetworkRole::of(membership.role == Role::Beheerder, membership.rights)
            },
            until: m
                .membership
                .until
                .filter(|until| *until > now)
                .map(|until| {
                    date_text(dutch::civil(until - time::Duration::seconds(1)).assume_utc())
                }),
            is_me: m.account_id == access.me.account.id,
            name: m.name,
            email: m.email,
        })
        .collect())
}

/// An invitation not accepted (yet), as Connecties lists it (N08, N09, N14).
#[derive(Serialize)]
struct PendingInvitation {
    id: String,
    name: String,
    email: String,
    state: InvitationState,
    /// The last day the link works, or the day it stopped working.
    date: String,
}

#[handler]
pub async fn connections(
    state: Data<&AppState>,
    pages: PageRenderer,
    access: CarePageAccess,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let notice = match query.melding.as_deref() {
        Some("uitgenodigd") => Some("network-invited"),
        Some("opnieuw-verstuurd") => Some("network-resent"),
        Some("ingetrokken") => Some("network-withdrawn"),
        Some("rechten-opgeslagen") => Some("network-rights-saved"),
        Some("verwijderd") => Some("network-removed"),
        _ => None,
    };
    let pending = in_tenant_read_only(&state.db, &access.portal.tenant.slug, async |tx| {
        invitations::of_page(tx, access.page.id, now).await
    })
    .await?;
    let pending: Vec<PendingInvitation> = pending
        .into_iter()
        .map(|invitation| PendingInvitation {
            id: invitation.id.to_string(),
            date: date_text(
                dutch::civil(invitation.expires_at - time::Duration::seconds(1)).assume_utc(),
            ),
            name: invitation.name,
            email: invitation.email,
            state: invitation.state,
        })
        .collect();
    let page = context! { people => people(&state, &access).await?, pending };
    let template = "portal/care_page/network.html";
    render(
        &state,
        pages.notice(notice),
        &access,
        "connecties",
        template,
        StatusCode::OK,
        page,
    )
    .await
}
