//! Turns one notification event into one sent message: claimed, sent, marked sent (see
//! [`crate::claims`]).

use async_trait::async_trait;
use common::infra::mq::{Handler, HandlerError, Incoming};
use common::infra::outbox::{Event, EventPayload, Message, Notification, Recipient};
use common::infra::telemetry::metrics::{self, KeyValue};
use common::infra::tenancy::{Tenant, TenantDirectory};
use sqlx::PgPool;
use std::time::Duration;
use uuid::Uuid;

use crate::claims::{self, Claim};
use crate::email::{EmailError, Mailer, Outgoing};
use crate::provider::{ProviderError, SmsProvider};
use crate::templates::MessageTemplates;

pub struct NotificationHandler {
    pub db: PgPool,
    /// This process, as the owner of its claims.
    pub owner: Uuid,
    pub claim_lease: Duration,
    pub tenants: TenantDirectory,
    pub templates: MessageTemplates,
    pub mailer: Mailer,
    pub provider: SmsProvider,
}

/// Why a message did not go out.
#[derive(Debug, thiserror::Error)]
enum SendFailure {
    #[error("template {0}")]
    Template(String),
    #[error(transparent)]
    Email(#[from] EmailError),
    #[error(transparent)]
    Provider(#[from] ProviderError),
}

impl From<SendFailure> for HandlerError {
    fn from(failure: SendFailure) -> Self {
        let permanent = match &failure {
            SendFailure::Template(_) | SendFailure::Email(EmailError::Address(_)) => true,
            SendFailure::Email(_) => false,
            SendFailure::Provider(error) => !matches!(error, ProviderError::Unavailable(_)),
        };
        if permanent {
            HandlerError::Permanent(failure.to_string())
        } else {
            HandlerError::Transient(failure.to_string())
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
    ) -> Result<(), SendFailure> {
        let template = notification.message.template_name();
        let reference = event.id.to_string();
        let language = notification.language;
        let render_error = |e: minijinja::Error| SendFailure::Template(format!("{template}: {e}"));
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
        if !self.take(&event).await? {
            tracing::info!(event_id = %event.id, "already sent; skipping redelivery");
            return Ok(());
        }

        // No connection and no transaction are held while the message goes out.
        let channel = notification.to.channel();
        let delivered = self.deliver(&event, &tenant, notification).await;
        metrics::instruments().notifications.add(
            1,
            &[
                KeyValue::new("channel", channel),
                KeyValue::new("outcome", if delivered.is_ok() { "sent" } else { "failed" }),
            ],
        );
        if let Err(failure) = delivered {
            return Err(self.after_failed_send(&event, failure).await);
        }
        self.record_sent(&event).await?;
        tracing::info!(event_id = %event.id, tenant = %tenant.slug, "notification sent");
        Ok(())
    }
}

impl NotificationHandler {
    /// Claims the event for this notifier; false if it was sent before. While another notifier
    /// holds it, waits for that one to finish or for its lease to run out: the wait spends no
    /// retry, and only a crashed notifier's lease runs out.
    async fn take(&self, event: &Event) -> Result<bool, HandlerError> {
        const LOOK_AGAIN: Duration = Duration::from_millis(200);
        loop {
            match claims::claim(&self.db, event.id, self.owner, self.claim_lease)
                .await
                .map_err(transient)?
            {
                Claim::Taken => return Ok(true),
                Claim::AlreadySent => return Ok(false),
                Claim::HeldFor(left) => tokio::time::sleep(left.min(LOOK_AGAIN)).await,
            }
        }
    }

    /// A failed send either certainly sent nothing (the claim is let go, so a retry may take it
    /// at once), or may have reached the person: an SMS or call without an answer is parked
    /// with the claim kept, since a second sign-in code is worse than a late one.
    async fn after_failed_send(&self, event: &Event, failure: SendFailure) -> HandlerError {
        if let SendFailure::Provider(ProviderError::Unanswered(_)) = &failure {
            return HandlerError::Permanent(failure.to_string());
        }
        if let Err(error) = claims::release(&self.db, event.id, self.owner).await {
            // The lease runs out by itself; the retry waits for it.
            tracing::warn!(event_id = %event.id, %error, "could not let go of the claim");
        }
        failure.into()
    }

    /// Marks the event sent, trying a few times: once it is out, a lost mark means a duplicate.
    async fn record_sent(&self, event: &Event) -> Result<(), HandlerError> {
        let mut pause = Duration::from_millis(100);
        let mut last_error = None;
        for _ in 0..4 {
            match claims::mark_sent(&self.db, event.id, self.owner).await {
                Ok(true) => return Ok(()),
                Ok(false) => {
                    tracing::warn!(event_id = %event.id, "sent after the claim's lease ran out; another notifier may send it too");
                    return Ok(());
                }
                Err(error) => last_error = Some(error),
            }
            tokio::time::sleep(pause).await;
            pause *= 2;
        }
        let error = last_error.map(|e| e.to_string()).unwrap_or_default();
        tracing::error!(event_id = %event.id, %error, "sent, but recording it failed; it may be sent again once the claim runs out");
        Err(HandlerError::Transient(error))
    }
}
