//! NET-2, NET-3: the moments of a personal network that come by themselves — an invitation
//! a month old is removed, a grant with an end date gets its reminder and then lapses. The
//! message waited in RabbitMQ until its moment; what it does is the housekeeping round's work
//! for its tenant, so a message that comes twice, or after the round, finds nothing left.

use common::care::network::{invitations, members};
use common::infra::mq::HandlerError;
use common::infra::tenancy::{find_tenant, in_tenant, TenancyError, TenantSlug, TenantTx};

use super::{transient, JobHandler};

impl JobHandler {
    pub(super) async fn remove_old_invitations(
        &self,
        tenant: Option<&TenantSlug>,
    ) -> Result<(), HandlerError> {
        let now = self.clock.now();
        let removed = self
            .in_its_tenant(tenant, async |tx| invitations::remove_old(tx, now).await)
            .await?;
        tracing::info!(?removed, "old invitations removed");
        Ok(())
    }

    pub(super) async fn handle_ending_grants(
        &self,
        tenant: Option<&TenantSlug>,
    ) -> Result<(), HandlerError> {
        let now = self.clock.now();
        let handled = self
            .in_its_tenant(tenant, async |tx| members::remind_and_lapse(tx, now).await)
            .await?;
        tracing::info!(?handled, "ending grants handled (reminded, lapsed)");
        Ok(())
    }

    /// Runs `work` in the job's tenant; `None` when the tenant was removed while the message
    /// waited: then there is nothing left to do.
    pub(super) async fn in_its_tenant<T>(
        &self,
        tenant: Option<&TenantSlug>,
        work: impl AsyncFnOnce(&mut TenantTx) -> Result<T, sqlx::Error>,
    ) -> Result<Option<T>, HandlerError> {
        let tenant = tenant
            .ok_or_else(|| HandlerError::Permanent("a care-page job without a tenant".into()))?;
        match find_tenant(&self.db, tenant).await {
            Ok(_) => {}
            Err(TenancyError::NotFound(_)) => {
                tracing::info!(%tenant, "the tenant is gone; nothing to do");
                return Ok(None);
            }
            Err(error) => return Err(transient(error)),
        }
        let done = in_tenant(&self.db, tenant, work).await.map_err(transient)?;
        Ok(Some(done))
    }
}
