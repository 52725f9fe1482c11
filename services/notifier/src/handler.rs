//! Turns one notification event into one sent message, at most once per event id.

use async_trait::async_trait;
use common::infra::mq::{Handler, HandlerError, Incoming};
use common::infra::outbox::{Event, EventPayload, Message, Notification, Recipient};
use common::infra::telemetry::metrics::{self, KeyValue};
use common::infra::tenancy::{Tenant, TenantDirectory};
use sqlx::PgPool;

use crate::email::{EmailError, Mailer, Outgoing};
use crate::provider::{ProviderError, SmsProvider};
use crate::templates::MessageTemplates;

/// Consumer name under which sent events are recorded.
pub const CONSUMER: &str = "notifier";

pub struct NotificationHandler {
    pub db: PgPool,
    pub tenants: TenantDirectory,
    pub templates: MessageTemplates,
    pub mailer: Mailer,
    pub provider: SmsProvider,
}

impl From<EmailError> for HandlerError {
    fn from(error: EmailError) -> Self {
        match error {
            EmailError::Address(_) => HandlerError::Permanent(error.to_string()),
            other => HandlerError::Transient(other.to_string()),
        }
    }
}

impl From<ProviderError> for HandlerError {
    fn from(error: ProviderError) -> Self {
        match error {
            ProviderError::Refused(_) => HandlerError::Permanent(error.to_string()),
            ProviderError::Unavailable(_) => HandlerError::Transient(error.to_string()),
        }
    }
}

fn transient(error: impl std::fmt::Display) -> HandlerError {
    HandlerError::Transient(error.to_string())
}

impl NotificationHandler {
    async fn tenant(&self, event: &Event) -> Result<std::sync::Arc<Tenant>, HandlerError> {
        let slug = event
            .tenant
            .as_ref()
            .ok_or_else(|| HandlerError::Permanent("notification without a tenant".into()))?;
        if let Some(tenant) = self.tenants.by_slug(slug) {
            return Ok(tenant);
        }
        // Created a moment ago and not yet announced to this process?
        self.tenants.reload().await.map_err(transient)?;
        self.tenants
            .by_slug(slug)
            .ok_or_else(|| HandlerError::Permanent(format!("tenant {slug} does not exist")))
    }

    async fn deliver(
        &self,
        event: &Event,
        tenant: &Tenant,
        notification: &Notification,
    ) -> Result<(), HandlerError> {
        let template = notification.message.template_name();
        let reference = event.id.to_string();
        let language = notification.language;
        let render_error =
            |e: minijinja::Error| HandlerError::Permanent(format!("template {template}: {e}"));
        let short_text = || {
            self.templates
                .short_text(
                    notification.to.channel(),
                    template,
                    tenant,
                    language,
                    &notification.message,
                )
                .map_err(render_error)
        };
        match &notification.to {
            Recipient::Email { address, name } => {
                let content = self
                    .templates
                    .email(
                        template,
                        tenant,
                        language,
                        name.as_deref(),
                        &notification.message,
                    )
                    .map_err(render_error)?;
                self.mailer
                    .send(Outgoing {
                        from_name: &tenant.display_name,
                        to_address: address,
                        to_name: name.as_deref(),
                        message_id: &reference,
                        reply_to: match &notification.message {
                            Message::HelpQuestion { from_email, .. } => Some(from_email.as_str()),
                            _ => None,
                        },
                        content: &content,
                    })
                    .await?;
            }
            Recipient::Sms { phone } => {
                let text = short_text()?;
                self.provider.send_sms(phone, &text, &reference).await?;
            }
            Recipient::Voice { phone } => {
                let text = short_text()?;
                self.provider
                    .send_voice(phone, &text, language, &reference)
                    .await?;
            }
        }
        Ok(())
    }
}

#[async_trait]
impl Handler for NotificationHandler {
    async fn handle(&self, message: &Incoming) -> Result<(), HandlerError> {
        let event: Event = serde_json::from_slice(&message.body)
            .map_err(|e| HandlerError::Permanent(format!("unreadable event: {e}")))?;
        let EventPayload::Notification(notification) = &event.payload else {
            return Err(HandlerError::Permanent(format!(
                "not a notification: {}",
                event.payload.routing_key()
            )));
        };
        let tenant = self.tenant(&event).await?;

        // The claim and the send share one transaction: if sending fails the claim is rolled
        // back and a retry sends; a redelivery after commit finds the claim and sends nothing.
        // A second notifier holding the same message waits on the claim's row lock.
        let mut tx = self.db.begin().await.map_err(transient)?;
        let claimed = sqlx::query!(
            "INSERT INTO platform.processed_messages (consumer, message_id) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
            CONSUMER,
            event.id,
        )
        .execute(&mut *tx)
        .await
        .map_err(transient)?;
        if claimed.rows_affected() == 0 {
            tracing::info!(event_id = %event.id, "already sent; skipping redelivery");
            return Ok(());
        }
        let channel = notification.to.channel();
        let delivered = self.deliver(&event, &tenant, notification).await;
        metrics::instruments().notifications.add(
            1,
            &[
                KeyValue::new("channel", channel),
                KeyValue::new("outcome", if delivered.is_ok() { "sent" } else { "failed" }),
            ],
        );
        delivered?;
        tx.commit().await.map_err(|e| {
            tracing::error!(event_id = %event.id, error = %e, "sent, but recording it failed; a retry may send again");
            transient(e)
        })?;
        tracing::info!(event_id = %event.id, tenant = %tenant.slug, "notification sent");
        Ok(())
    }
}
