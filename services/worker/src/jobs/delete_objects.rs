//! Removing objects nothing refers to any more (the photo of a deleted account).

use common::infra::mq::HandlerError;
use common::infra::storage::ObjectKey;

use super::JobHandler;

impl JobHandler {
    pub(super) async fn delete_objects(&self, keys: &[String]) -> Result<(), HandlerError> {
        for raw in keys {
            match ObjectKey::stored(raw) {
                Some(key) => self.delete(&key).await?,
                None => tracing::warn!(key = %raw, "not an object key; skipped"),
            }
        }
        Ok(())
    }
}
