//! The door of every route under `/zorgpagina/:id`: the page must belong to this portal's
//! tenant and the signed-in account must be a member (404 otherwise, so a page's existence is
//! not revealed); what the route needs beyond membership is declared in the care page's route
//! table ([`Need`]) and refused with 403. Every route there shows or changes the client's data,
//! so each also declares what it does with which part ([`CareDoor`]), and the door leaves the
//! access-log row of every member's request, allowed or refused (DOS-7).

use common::audit::access_log::{Action, Actor, Entry, Part};
use common::care::page::{self as care_page, CarePage, CarePageId, Membership, Role};
use common::care::rights::{NetworkRole, Right};
use common::infra::tenancy::in_tenant_read_only;
use poem::{FromRequest, Request, RequestBody};
use uuid::Uuid;

use crate::access::access_log::PendingAccess;
use crate::access::route_table::Door;
use crate::access::session::{client_ip, SignedIn};
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
    /// A beheerder, or the client on their own page ("voor mijzelf") even without
    /// beheerrechten: what the page's client may always know (who looked at their data).
    BeheerderOrClient,
}

impl Need {
    /// Whether `membership` passes; `client`: the member is the client of this page (their
    /// own page, "voor mijzelf").
    pub fn allows(self, membership: Membership, client: bool) -> bool {
        let rights = membership.effective_rights();
        let beheerder = membership.role == Role::Beheerder;
        match self {
            Need::Member => true,
            Need::Right(right) => rights.contains(right),
            Need::AnyRight(any) => any.iter().any(|right| rights.contains(*right)),
            Need::Beheerder => beheerder,
            Need::BeheerderOrClient => beheerder || client,
        }
    }

    /// On what basis `membership` passes (or, refused, what it lacked), as the access log
    /// records it: the right that let it through, `beheerder`, `client` or `lid`.
    fn basis(self, membership: Membership, client: bool) -> &'static str {
        let rights = membership.rights;
        match self {
            _ if membership.role == Role::Beheerder => "beheerder",
            Need::BeheerderOrClient if client => "client",
            Need::Member => "lid",
            Need::Right(right) => right.key(),
            Need::AnyRight(any) => any
                .iter()
                .find(|right| rights.contains(**right))
                .or(any.first())
                .map_or("lid", |right| right.key()),
            Need::Beheerder | Need::BeheerderOrClient => "beheerder",
        }
    }

    pub const fn reads(self, part: Part) -> CareDoor {
        CareDoor::new(self, Action::Read, part)
    }

    pub const fn creates(self, part: Part) -> CareDoor {
        CareDoor::new(self, Action::Create, part)
    }

    pub const fn updates(self, part: Part) -> CareDoor {
        CareDoor::new(self, Action::Update, part)
    }

    pub const fn deletes(self, part: Part) -> CareDoor {
        CareDoor::new(self, Action::Delete, part)
    }
}

/// The door of one method of a care-page route: what the member needs, and what the route
/// does with which part of the client's data, for the access log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CareDoor {
    pub need: Need,
    pub action: Action,
    pub part: Part,
}

impl CareDoor {
    const fn new(need: Need, action: Action, part: Part) -> Self {
        Self { need, action, part }
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

impl Door for CareDoor {
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
        let state = AppState::of(req)?.clone();
        let found = in_tenant_read_only(&state.db, &portal.tenant.slug, async |tx| {
            care_page::access(tx, id, me.account.id).await
        })
        .await
        .map_err(AppError::internal)?;
        // Another tenant's page, a deleted page and a page of which the account is no member
        // all look the same: not found. Nothing of the client was reached: no access-log row.
        let (page, membership) = found.ok_or(AppError::NotFound)?;
        // A grant whose end has come counts as none from that moment on.
        let membership = membership.as_of(state.clock.now());
        let client = page.is_client(me.account.id);
        let entry = Entry {
            occurred_at: state.clock.now(),
            event: String::new(),
            action: self.action,
            outcome: 0,
            actor: Actor {
                account: me.account.id,
                name: me.account.name.clone(),
                role: NetworkRole::of(membership.role == Role::Beheerder, membership.rights)
                    .key()
                    .to_owned(),
            },
            from_address: client_ip(req, &state),
            care_page: page.id.0,
            client_record: page.client_record_id.map(|record| record.0),
            part: self.part,
            basis: self.need.basis(membership, client).to_owned(),
            basis_granted_by: membership.granted_by,
            emergency: false,
        };
        let tenant = portal.tenant.slug.clone();
        PendingAccess::leave_in(req, state, tenant, entry);
        if !self.need.allows(membership, client) {
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
