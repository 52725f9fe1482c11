//! The door of every page under `/beheer`: the organisation's tenant admins.

use std::sync::Arc;

use common::infra::tenancy::Tenant;
use poem::{FromRequest, Request, RequestBody};

use crate::access::route_table::Door;
use crate::access::session::SignedIn;
use crate::http::error::AppError;
use crate::http::portal::RequestContext;

/// A signed-in person who holds the tenant-admin role for the portal of this request, as
/// [`AdminDoor`] let them in. Signed out → the sign-in page; signed in without the role for
/// this organisation (an admin of another one, say) → 403.
#[derive(Debug, Clone)]
pub struct TenantAdmin {
    pub me: SignedIn,
    pub tenant: Arc<Tenant>,
}

/// The door of the `/beheer` table: a signed-in tenant admin of this portal's organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdminDoor;

impl Door for AdminDoor {
    async fn open(self, req: &mut Request) -> poem::Result<()> {
        let me = SignedIn::from_request_without_body(req).await?;
        // Known before the verdict, so a refusal is logged with the account.
        req.set_data(me.clone());
        let mut ctx = req
            .data::<RequestContext>()
            .cloned()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("request context missing")))?;
        let tenant = ctx.tenant.clone().ok_or(AppError::UnknownHost)?;
        if !me.tenant_admin {
            return Err(AppError::Forbidden.into());
        }
        // The admin's pages speak the admin's own language, whatever the cookie says.
        ctx.language = me.account.language;
        req.set_data(ctx);
        req.set_data(me.viewer());
        req.set_data(TenantAdmin { me, tenant });
        Ok(())
    }
}

impl<'a> FromRequest<'a> for TenantAdmin {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        req.data::<TenantAdmin>().cloned().ok_or_else(|| {
            AppError::internal(anyhow::anyhow!("route mounted without AdminDoor")).into()
        })
    }
}
