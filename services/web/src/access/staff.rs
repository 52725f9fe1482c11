//! The door of every page under `/medewerker` (API-3, MSG-7): a signed-in account that signs in
//! as an employee of this portal's organisation. What the route touches is declared in the
//! staff table ([`StaffDoor`]): the employee's own pages, or one organisation thread, linked
//! care page or attachment named in the path. The door finds that object in this tenant
//! (an organisation thread of a linked page, never another audience; 404 otherwise) and
//! leaves the access-log row of the client's care page (DOS-7), as the care-page door does.

use common::audit::access_log::{Action, Actor, Entry, Part};
use common::care::messages::{attachments, threads, Audience, ThreadId};
use common::care::page::CarePageId;
use common::infra::tenancy::{in_tenant_read_only, TenantTx};
use common::staff::{self, StaffMember};
use poem::{FromRequest, Request, RequestBody};
use uuid::Uuid;

use crate::access::access_log::PendingAccess;
use crate::access::route_table::Door;
use crate::access::session::{client_ip, SignedIn};
use crate::http::error::AppError;
use crate::http::portal::Portal;
use crate::http::state::AppState;

/// What a staff route reaches, named by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffScope {
    /// The employee's own pages (the inbox, the list of clients): no one client's data.
    Own,
    /// The organisation thread `:draad`.
    Thread,
    /// The linked care page `:zorgpagina`.
    Page,
    /// The attachment `:bijlage` of an organisation thread.
    Attachment,
}

/// The door of one method of a staff route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffDoor {
    pub scope: StaffScope,
    pub action: Action,
}

impl StaffDoor {
    pub const OWN: StaffDoor = StaffDoor {
        scope: StaffScope::Own,
        action: Action::Read,
    };

    pub const fn reads(scope: StaffScope) -> StaffDoor {
        StaffDoor {
            scope,
            action: Action::Read,
        }
    }

    pub const fn creates(scope: StaffScope) -> StaffDoor {
        StaffDoor {
            scope,
            action: Action::Create,
        }
    }
}

/// The care page a staff route reaches, as the door found it.
#[derive(Debug, Clone)]
pub struct ReachedPage {
    pub id: CarePageId,
    pub client: String,
    pub client_record: Option<Uuid>,
    /// The thread, for [`StaffScope::Thread`] and [`StaffScope::Attachment`].
    pub thread: Option<ThreadId>,
}

/// A signed-in employee of this portal's organisation, and what the route reaches.
#[derive(Clone)]
pub struct StaffAccess {
    pub portal: Portal,
    pub me: SignedIn,
    pub staff: StaffMember,
    pub reached: Option<ReachedPage>,
}

fn path_id(req: &Request, name: &str) -> Result<Uuid, AppError> {
    req.raw_path_param(name)
        .and_then(|raw| Uuid::parse_str(raw).ok())
        .ok_or(AppError::NotFound)
}

/// The linked care page an organisation thread, page or attachment belongs to, if the employee
/// may reach it; `None`: not found in this tenant (or not the organisation's to read).
async fn reach(
    tx: &mut TenantTx,
    scope: StaffScope,
    id: Uuid,
) -> Result<Option<ReachedPage>, sqlx::Error> {
    let (page, thread) = match scope {
        StaffScope::Own => return Ok(None),
        StaffScope::Page => (CarePageId(id), None),
        StaffScope::Thread => match threads::find_anywhere(tx, ThreadId(id)).await? {
            Some(thread) if thread.audience == Audience::Organisation => {
                (thread.care_page, Some(thread.id))
            }
            _ => return Ok(None),
        },
        StaffScope::Attachment => match attachments::find_anywhere(tx, id).await? {
            Some((page, file)) if file.audience == Audience::Organisation => {
                (page, Some(file.thread))
            }
            _ => return Ok(None),
        },
    };
    Ok(staff::inbox::linked_page(tx, page)
        .await?
        .map(|(client, client_record)| ReachedPage {
            id: page,
            client,
            client_record,
            thread,
        }))
}

impl Door for StaffDoor {
    async fn open(self, req: &mut Request) -> poem::Result<()> {
        let me = SignedIn::from_request_without_body(req).await?;
        // Known before the verdict, so a refusal is logged with the account.
        req.set_data(me.clone());
        let portal = Portal::from_request_without_body(req).await?;
        let target = match self.scope {
            StaffScope::Own => None,
            StaffScope::Thread => Some(path_id(req, "draad")?),
            StaffScope::Page => Some(path_id(req, "zorgpagina")?),
            StaffScope::Attachment => Some(path_id(req, "bijlage")?),
        };
        let state = AppState::of(req)?.clone();
        let account = me.account.id;
        let scope = self.scope;
        let found = in_tenant_read_only(&state.db, &portal.tenant.slug, async |tx| {
            let Some(staff) = staff::staff_member(tx, account).await? else {
                return Ok(None);
            };
            let reached = match target {
                Some(id) => Some(reach(tx, scope, id).await?),
                None => None,
            };
            Ok::<_, sqlx::Error>(Some((staff, reached)))
        })
        .await
        .map_err(AppError::internal)?;
        // Signed in, but not an employee of this organisation: no staff side here.
        let (staff, reached) = found.ok_or(AppError::Forbidden)?;
        let reached = match reached {
            // Named in the path but not found here: nothing of a client was reached.
            Some(None) => return Err(AppError::NotFound.into()),
            Some(Some(page)) => Some(page),
            None => None,
        };
        if let Some(page) = &reached {
            let entry = Entry {
                occurred_at: state.clock.now(),
                event: String::new(),
                action: self.action,
                outcome: 0,
                actor: Actor {
                    account: me.account.id,
                    name: staff.name.clone(),
                    role: "medewerker".to_owned(),
                },
                from_address: client_ip(req, &state),
                care_page: page.id.0,
                client_record: page.client_record,
                part: Part::Messages,
                basis: "medewerker".to_owned(),
                basis_granted_by: None,
                emergency: false,
            };
            let tenant = portal.tenant.slug.clone();
            PendingAccess::leave_in(req, state, tenant, entry);
        }
        req.set_data(me.viewer());
        req.set_data(StaffAccess {
            portal,
            me,
            staff,
            reached,
        });
        Ok(())
    }
}

impl<'a> FromRequest<'a> for StaffAccess {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        req.data::<StaffAccess>().cloned().ok_or_else(|| {
            AppError::internal(anyhow::anyhow!("route mounted without the staff door")).into()
        })
    }
}
