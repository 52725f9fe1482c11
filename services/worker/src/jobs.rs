//! Job consumers run by the worker. Each is a `common::mq::Handler` with its `ConsumerSpec`
//! (add the spec to `ConsumerSpec::all` so the relay declares its queue); the worker runs every
//! one listed here with the shared retry, parking and shutdown behaviour.

use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use common::accounts::profile::{self, PhotoSwap, RESIZED_VARIANT};
use common::accounts::AccountId;
use common::clock::SharedClock;
use common::mq::{ConsumerSpec, Handler, HandlerError, Incoming};
use common::outbox::{Event, EventPayload, Job};
use common::storage::{ObjectKey, ObjectStore, StorageError};
use sqlx::PgPool;

/// The consumers this worker runs, with their handlers.
pub fn consumers(
    db: PgPool,
    storage: ObjectStore,
    clock: SharedClock,
) -> Vec<(ConsumerSpec, Arc<dyn Handler>)> {
    vec![(
        ConsumerSpec::jobs(),
        Arc::new(JobHandler { db, storage, clock }),
    )]
}

fn transient(error: impl std::fmt::Display) -> HandlerError {
    HandlerError::Transient(error.to_string())
}

/// Runs the jobs of `common::outbox::Job`. Every job is safe to run twice: a redelivered
/// message finds its work done (or superseded) and only repeats removals, which are no-ops.
pub struct JobHandler {
    pub db: PgPool,
    pub storage: ObjectStore,
    pub clock: SharedClock,
}

impl JobHandler {
    async fn delete(&self, key: &ObjectKey) -> Result<(), HandlerError> {
        match self.storage.delete(key).await {
            Ok(()) | Err(StorageError::NotFound(_)) => Ok(()),
            Err(error) => Err(transient(error)),
        }
    }

    /// Makes the resized copy of `upload_key`, shows it if the upload is still the latest,
    /// and removes the upload and the photo it replaces.
    async fn resize_profile_photo(
        &self,
        account: AccountId,
        upload_key: &str,
    ) -> Result<(), HandlerError> {
        let upload = ObjectKey::stored(upload_key)
            .ok_or_else(|| HandlerError::Permanent(format!("bad object key {upload_key:?}")))?;
        let resized_key = upload.variant(RESIZED_VARIANT);
        let still_wanted = profile::photo_keys(&self.db, account)
            .await
            .map_err(transient)?
            .is_some_and(|keys| keys.upload.as_deref() == Some(upload_key));
        if still_wanted {
            let original = match self.storage.get(&upload).await {
                Ok(object) => Some(object.bytes),
                // Removed by an earlier run of this job that showed the copy already.
                Err(StorageError::NotFound(_)) => None,
                Err(error) => return Err(transient(error)),
            };
            if let Some(original) = original {
                let resized = tokio::task::spawn_blocking(move || profile::resize(&original))
                    .await
                    .map_err(transient)?;
                match resized {
                    Ok(resized) => {
                        self.storage
                            .put(&resized_key, Bytes::from(resized), "image/jpeg")
                            .await
                            .map_err(transient)?;
                    }
                    Err(problem) => {
                        // The web checked the upload; one that still fails to decode is not
                        // shown, and nothing is kept of it.
                        tracing::warn!(%account, %problem, "profile photo could not be resized");
                        let mut tx = self.db.begin().await.map_err(transient)?;
                        sqlx::query(
                            "UPDATE platform.accounts SET photo_upload_key = NULL
                              WHERE id = $1 AND photo_upload_key = $2",
                        )
                        .bind(account)
                        .bind(upload_key)
                        .execute(&mut *tx)
                        .await
                        .map_err(transient)?;
                        tx.commit().await.map_err(transient)?;
                        return self.delete(&upload).await;
                    }
                }
            }
        }
        let mut tx = self.db.begin().await.map_err(transient)?;
        let swap = profile::finish_photo_upload(
            &mut tx,
            account,
            upload_key,
            resized_key.as_str(),
            self.clock.now(),
        )
        .await
        .map_err(transient)?;
        tx.commit().await.map_err(transient)?;
        match swap {
            PhotoSwap::Shown { replaced } => {
                if let Some(old) = replaced.as_deref().and_then(ObjectKey::stored) {
                    self.delete(&old).await?;
                }
                tracing::info!(%account, "profile photo resized and shown");
            }
            PhotoSwap::Superseded => {
                // A newer upload or the account's deletion came first; unless this run showed
                // the copy before (a redelivery), it must not stay behind.
                let shown = profile::photo_keys(&self.db, account)
                    .await
                    .map_err(transient)?
                    .and_then(|keys| keys.shown);
                if shown.as_deref() != Some(resized_key.as_str()) {
                    self.delete(&resized_key).await?;
                }
            }
        }
        self.delete(&upload).await
    }

    async fn delete_objects(&self, keys: &[String]) -> Result<(), HandlerError> {
        for raw in keys {
            match ObjectKey::stored(raw) {
                Some(key) => self.delete(&key).await?,
                None => tracing::warn!(key = %raw, "not an object key; skipped"),
            }
        }
        Ok(())
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
            } => self.resize_profile_photo(*account, upload_key).await,
            Job::DeleteObjects { keys } => self.delete_objects(keys).await,
        }
    }
}
