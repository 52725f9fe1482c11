//! ACC-7: the resized copy of an uploaded profile photo, shown when the upload is still the
//! latest; the upload and the photo it replaces are removed.

use bytes::Bytes;
use common::accounts::profile::{self, PhotoSwap, RESIZED_VARIANT};
use common::accounts::AccountId;
use common::infra::db::in_transaction;
use common::infra::mq::HandlerError;
use common::infra::storage::{ObjectKey, StorageError};

use super::{transient, JobHandler};

impl JobHandler {
    /// Makes the resized copy of `upload_key`, shows it if the upload is still the latest,
    /// and removes the upload and the photo it replaces.
    pub(super) async fn resize_profile_photo(
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
            // The turn comes before the fetch: jobs waiting for a decode hold no photo bytes.
            let turn = self.images.turn().await;
            let original = match self.storage.get(&upload).await {
                Ok(object) => Some(object.bytes),
                // Removed by an earlier run of this job that showed the copy already.
                Err(StorageError::NotFound(_)) => None,
                Err(error) => return Err(transient(error)),
            };
            if let Some(original) = original {
                match profile::resize_in_turn(turn, original).await {
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
                        sqlx::query!(
                            "UPDATE platform.accounts SET photo_upload_key = NULL
                              WHERE id = $1 AND photo_upload_key = $2",
                            account as AccountId,
                            upload_key,
                        )
                        .execute(&self.db)
                        .await
                        .map_err(transient)?;
                        return self.delete(&upload).await;
                    }
                }
            }
        }
        let now = self.clock.now();
        let swap = in_transaction(&self.db, async |conn| {
            profile::finish_photo_upload(conn, account, upload_key, resized_key.as_str(), now).await
        })
        .await
        .map_err(transient)?;
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
}
