//! Job consumers run by the worker, one file per job. Each is a `common::infra::mq::Handler` with its `ConsumerSpec`
//! (add the spec to `ConsumerSpec::all` so the relay declares its queue); the worker runs every
//! one listed here with the shared retry, parking and shutdown behaviour.

use std::sync::Arc;

use async_trait::async_trait;

use common::accounts::AccountId;
use common::infra::clock::SharedClock;
use common::infra::images::DecodeGate;
use common::infra::mq::{ConsumerSpec, Handler, HandlerError, Incoming};
use common::infra::outbox::{Event, EventPayload, Job};
use common::infra::storage::{ObjectKey, ObjectStore, StorageError};
use sqlx::PgPool;

mod delete_objects;
mod fan_out_message;
mod network_moments;
mod resize_profile_photo;

/// The consumers this worker runs, with their handlers.
pub fn consumers(
    db: PgPool,
    storage: ObjectStore,
    clock: SharedClock,
    images: DecodeGate,
) -> Vec<(ConsumerSpec, Arc<dyn Handler>)> {
    vec![(
        ConsumerSpec::jobs(),
        Arc::new(JobHandler {
            db,
            storage,
            clock,
            images,
        }),
    )]
}

fn transient(error: impl std::fmt::Display) -> HandlerError {
    HandlerError::Transient(error.to_string())
}

/// Runs the jobs of `common::infra::outbox::Job`. Every job is safe to run twice: a redelivered
/// message finds its work done (or superseded) and only repeats removals, which are no-ops.
pub struct JobHandler {
    pub db: PgPool,
    pub storage: ObjectStore,
    pub clock: SharedClock,
    /// Every photo decode of this process waits its turn here.
    pub images: DecodeGate,
}

impl JobHandler {
    /// Removes one object; one that is gone already counts as removed.
    async fn delete(&self, key: &ObjectKey) -> Result<(), HandlerError> {
        match self.storage.delete(key).await {
            Ok(()) | Err(StorageError::NotFound(_)) => Ok(()),
            Err(error) => Err(transient(error)),
        }
    }
}

#[async_trait]
impl Handler for JobHandler {
    async fn handle(&self, message: &Incoming) -> Result<(), HandlerError> {
        let event: Event = serde_json::from_slice(&message.body)
            .map_err(|e| HandlerError::Permanent(format!("unreadable event: {e}")))?;
        let EventPayload::Job(job) = &event.payload else {
            return Err(HandlerError::Permanent(format!(
                "not a job: {}",
                event.payload.routing_key()
            )));
        };
        match job {
            Job::ResizeProfilePhoto {
                account,
                upload_key,
            } => {
                self.resize_profile_photo(AccountId(*account), upload_key)
                    .await
            }
            Job::DeleteObjects { keys } => self.delete_objects(keys).await,
            Job::RemoveOldInvitations => self.remove_old_invitations(event.tenant.as_ref()).await,
            Job::HandleEndingGrants => self.handle_ending_grants(event.tenant.as_ref()).await,
            Job::AnnounceMessage {
                message,
                portal_url,
            } => {
                self.announce_message(event.tenant.as_ref(), *message, portal_url)
                    .await
            }
            Job::SendMessageDigest {
                care_page,
                account,
                portal_url,
            } => {
                let tenant = event.tenant.as_ref();
                self.send_message_digest(tenant, *care_page, *account, portal_url)
                    .await
            }
        }
    }
}
