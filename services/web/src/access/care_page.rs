//! The door of every route under `/zorgpagina/:id`: the page must belong to this portal's
//! tenant and the signed-in account must be a member (404 otherwise, so a page's existence is
//! not revealed); what the route needs beyond membership is declared in the care page's route
//! table ([`Need`]) and refused with 403.

use common::care::page::{self as care_page, CarePage, CarePageId, Membership, Role};
use common::care::rights::Right;
use common::infra::tenancy::in_tenant_read_only;
use poem::{FromRequest, Request, RequestBody};
use uuid::Uuid;

use crate::access::route_table::Door;
use crate::access::session::SignedIn;
use crate::http::error::AppError;
use crate::http::portal::Portal;
use crate::http::state::AppState;

/// What a care-page route needs of the member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Any member of the page.
    Member,
    /// A right of the personal network (NET-2); a beheerder holds every right.
    Right(Right),
    /// One of these rights, any one (Berichten opens with either messages right).
    AnyRight(&'static [Right]),
    /// A beheerder of the page: every change to the page itself.
    Beheerder,
}

impl Need {
    pub fn allows(self, membership: Membership) -> bool {
        let rights = membership.effective_rights();
        match self {
            Need::Member => true,
            Need::Right(right) => rights.contains(right),
            Need::AnyRight(any) => any.iter().any(|right| rights.contains(*right)),
            Need::Beheerder => membership.role == Role::Beheerder,
        }
    }
}

/// A care page of this portal that the signed-in account belongs to, and its role there, as
/// the door found them.
#[derive(Clone)]
pub struct CarePageAccess {
    pub portal: Portal,
    pub me: SignedIn,
    pub page: CarePage,
    pub role: Role,
    /// The role and the rights of the personal network.
    pub membership: Membership,
}

impl Door for Need {
    async fn open(self, req: &mut Request) -> poem::Result<()> {
        let me = SignedIn::from_request_without_body(req).await?;
        // Known before the verdict, so a refusal is logged with the account.
        req.set_data(me.clone());
        let portal = Portal::from_request_without_body(req).await?;
        let id = req
            .raw_path_param("id")
            .and_then(|raw| Uuid::parse_str(raw).ok())
            .map(CarePageId)
            .ok_or(AppError::NotFound)?;
        let state = AppState::of(req)?;
        let found = in_tenant_read_only(&state.db, &portal.tenant.slug, async |tx| {
            care_page::access(tx, id, me.account.id).await
        })
        .await
        .map_err(AppError::internal)?;
        // Another tenant's page, a deleted page and a page of which the account is no member
        // all look the same: not found.
        let (page, membership) = found.ok_or(AppError::NotFound)?;
        if !self.allows(membership) {
            return Err(AppError::Forbidden.into());
        }
        req.set_data(me.viewer());
        req.set_data(CarePageAccess {
            portal,
            me,
            page,
            role: membership.role,
            membership,
        });
        Ok(())
    }
}

impl<'a> FromRequest<'a> for CarePageAccess {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        req.data::<CarePageAccess>().cloned().ok_or_else(|| {
            AppError::internal(anyhow::anyhow!("route mounted without a care-page door")).into()
        })
    }
}
