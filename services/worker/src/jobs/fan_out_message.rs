//! MSG-5: a new message is announced to its audience, one e-mail each (by their Meldingen, at
//! most one per care page per quarter hour), and the e-mail planned for the end of a member's
//! quarter hour goes out. The rules live in `common::care::messages::fan_out`; a job that comes
//! twice finds its message claimed or its e-mail sent.

use common::accounts::AccountId;
use common::care::messages::fan_out;
use common::care::page::CarePageId;
use common::infra::mq::HandlerError;
use common::infra::tenancy::TenantSlug;
use uuid::Uuid;

use super::JobHandler;

impl JobHandler {
    pub(super) async fn announce_message(
        &self,
        tenant: Option<&TenantSlug>,
        message: Uuid,
        portal_url: &str,
    ) -> Result<(), HandlerError> {
        let now = self.clock.now();
        let announced = self
            .in_its_tenant(tenant, async |tx| {
                fan_out::announce(tx, message, portal_url, now).await
            })
            .await?;
        tracing::info!(%message, ?announced, "message announced");
        Ok(())
    }

    pub(super) async fn send_message_digest(
        &self,
        tenant: Option<&TenantSlug>,
        page: Uuid,
        account: Uuid,
        portal_url: &str,
    ) -> Result<(), HandlerError> {
        let now = self.clock.now();
        let (page, account) = (CarePageId(page), AccountId(account));
        let sent = self
            .in_its_tenant(tenant, async |tx| {
                fan_out::send_digest(tx, page, account, portal_url, now).await
            })
            .await?;
        tracing::info!(%page, ?sent, "planned message e-mail handled");
        Ok(())
    }
}
