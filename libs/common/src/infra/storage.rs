//! Object storage (attachments, photos, logos) on any S3-compatible service.
//! Keys are `<tenant>/<kind>/<uuid>`, so a tenant's objects can be found, and removed, by prefix.

use aws_credential_types::Credentials;
use aws_sdk_s3::config::{BehaviorVersion, Region};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::Client;
use bytes::Bytes;
use secrecy::ExposeSecret;
use uuid::Uuid;

use crate::infra::config::S3Config;
use crate::infra::tenancy::TenantSlug;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("object {0} does not exist")]
    NotFound(String),
    #[error("object storage: {0}")]
    Service(String),
}

fn service_error<E: std::error::Error>(error: E) -> StorageError {
    // The SDK's Display is terse; the source chain says what went wrong.
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    StorageError::Service(message)
}

/// What an object is, as the middle part of its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    Logo,
    ProfilePhoto,
    Attachment,
    Document,
}

impl ObjectKind {
    fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Logo => "logo",
            ObjectKind::ProfilePhoto => "profile-photo",
            ObjectKind::Attachment => "attachment",
            ObjectKind::Document => "document",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectKey(String);

impl ObjectKey {
    pub fn new(tenant: &TenantSlug, kind: ObjectKind) -> Self {
        Self(format!("{tenant}/{}/{}", kind.as_str(), Uuid::new_v4()))
    }

    /// A key read back from the database; it must belong to `tenant`.
    pub fn existing(tenant: &TenantSlug, raw: &str) -> Option<Self> {
        raw.strip_prefix(tenant.as_str())
            .filter(|rest| rest.starts_with('/'))
            .map(|_| Self(raw.to_owned()))
    }

    /// A key read back from a platform table (an account's photo): `<tenant>/<kind>/<name>`
    /// with a valid tenant slug. Platform rows are not pinned to one tenant, so the tenant is
    /// read from the key itself.
    pub fn stored(raw: &str) -> Option<Self> {
        let mut parts = raw.splitn(3, '/');
        let tenant = TenantSlug::parse(parts.next()?).ok()?;
        let kind = parts.next()?;
        let name = parts.next()?;
        let valid_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
        (!kind.is_empty() && valid_name).then(|| Self(format!("{tenant}/{kind}/{name}")))
    }

    /// A second object that belongs to this one (a resized copy): `<key>.<variant>`.
    pub fn variant(&self, variant: &str) -> Self {
        Self(format!("{}.{variant}", self.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone)]
pub struct StoredObject {
    pub content_type: Option<String>,
    pub bytes: Bytes,
}

#[derive(Debug, Clone)]
pub struct ObjectStore {
    client: Client,
    bucket: String,
}

impl ObjectStore {
    pub fn new(config: &S3Config) -> Self {
        let credentials = Credentials::from_keys(
            config.access_key_id.clone(),
            config.secret_access_key.expose_secret().to_owned(),
            None,
        );
        let s3 = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(config.region.clone()))
            .endpoint_url(config.endpoint.clone())
            .force_path_style(config.force_path_style)
            .credentials_provider(credentials)
            .build();
        Self {
            client: Client::from_conf(s3),
            bucket: config.bucket.clone(),
        }
    }

    pub async fn put(
        &self,
        key: &ObjectKey,
        bytes: Bytes,
        content_type: &str,
    ) -> Result<(), StorageError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .content_type(content_type)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map_err(service_error)?;
        Ok(())
    }

    pub async fn get(&self, key: &ObjectKey) -> Result<StoredObject, StorageError> {
        let object = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await
            .map_err(|e| {
                if e.as_service_error().is_some_and(|s| s.is_no_such_key()) {
                    StorageError::NotFound(key.as_str().to_owned())
                } else {
                    service_error(e)
                }
            })?;
        let content_type = object.content_type.clone();
        let bytes = object
            .body
            .collect()
            .await
            .map_err(service_error)?
            .into_bytes();
        Ok(StoredObject {
            content_type,
            bytes,
        })
    }

    pub async fn delete(&self, key: &ObjectKey) -> Result<(), StorageError> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await
            .map_err(service_error)?;
        Ok(())
    }

    /// Every key under `<tenant>/`.
    pub async fn list_tenant(&self, tenant: &TenantSlug) -> Result<Vec<String>, StorageError> {
        let mut keys = Vec::new();
        let mut pages = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(format!("{tenant}/"))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(service_error)?;
            keys.extend(
                page.contents()
                    .iter()
                    .filter_map(|o| o.key().map(str::to_owned)),
            );
        }
        Ok(keys)
    }

    /// Whether the bucket answers (for readiness checks).
    pub async fn check(&self) -> Result<(), StorageError> {
        self.client
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .map_err(service_error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_start_with_the_tenant() {
        let tenant = TenantSlug::parse("de-linde").unwrap();
        let key = ObjectKey::new(&tenant, ObjectKind::Logo);
        assert!(key.as_str().starts_with("de-linde/logo/"), "{key:?}");
        assert!(ObjectKey::existing(&tenant, key.as_str()).is_some());
        let other = TenantSlug::parse("de-linden").unwrap();
        assert!(ObjectKey::existing(&other, key.as_str()).is_none());
        assert!(ObjectKey::existing(&TenantSlug::parse("de").unwrap(), key.as_str()).is_none());
    }

    #[test]
    fn stored_keys_are_checked_and_variants_stay_with_their_object() {
        let tenant = TenantSlug::parse("de-linde").unwrap();
        let key = ObjectKey::new(&tenant, ObjectKind::ProfilePhoto);
        assert_eq!(ObjectKey::stored(key.as_str()), Some(key.clone()));
        let small = key.variant("256.jpg");
        assert!(small.as_str().starts_with(key.as_str()));
        assert_eq!(ObjectKey::stored(small.as_str()), Some(small));
        for bad in [
            "",
            "de-linde",
            "de-linde/profile-photo/",
            "../x/y",
            "De Linde/a/b",
            "a/b/c/d",
        ] {
            assert!(ObjectKey::stored(bad).is_none(), "{bad}");
        }
    }
}
