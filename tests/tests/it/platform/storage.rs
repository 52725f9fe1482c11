//! Object storage against Garage: put, get, delete; keys carry the tenant prefix.

use bytes::Bytes;
use common::infra::config::Config;
use common::infra::storage::{ObjectKey, ObjectKind, ObjectStore, StorageError};
use common::infra::tenancy::TenantSlug;
use uuid::Uuid;

fn unique_tenant() -> TenantSlug {
    TenantSlug::parse(&format!("s{}", &Uuid::new_v4().simple().to_string()[..10])).unwrap()
}

#[tokio::test]
async fn objects_round_trip_under_the_tenant_prefix() {
    let config = Config::from_process_env().unwrap();
    let store = ObjectStore::new(&config.s3);
    let tenant = unique_tenant();
    let other = unique_tenant();

    let key = ObjectKey::new(&tenant, ObjectKind::Attachment);
    assert!(key.as_str().starts_with(&format!("{tenant}/attachment/")));
    let content = Bytes::from_static(b"%PDF-1.7 zorgplan");
    store
        .put(&key, content.clone(), "application/pdf")
        .await
        .unwrap();
    let other_key = ObjectKey::new(&other, ObjectKind::Logo);
    store
        .put(&other_key, Bytes::from_static(b"logo"), "image/png")
        .await
        .unwrap();

    let fetched = store.get(&key).await.unwrap();
    assert_eq!(fetched.bytes, content);
    assert_eq!(fetched.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(
        store.list_tenant(&tenant).await.unwrap(),
        vec![key.as_str().to_owned()]
    );
    assert_eq!(
        store.list_tenant(&other).await.unwrap(),
        vec![other_key.as_str().to_owned()]
    );

    store.delete(&key).await.unwrap();
    assert!(matches!(
        store.get(&key).await,
        Err(StorageError::NotFound(_))
    ));
    assert!(store.list_tenant(&tenant).await.unwrap().is_empty());
    store.delete(&other_key).await.unwrap();
}

#[tokio::test]
async fn a_wrong_secret_is_refused() {
    let mut config = Config::from_process_env().unwrap();
    config.s3.secret_access_key = "0".repeat(64).into();
    let store = ObjectStore::new(&config.s3);
    let key = ObjectKey::new(&unique_tenant(), ObjectKind::Document);
    let result = store
        .put(&key, Bytes::from_static(b"x"), "text/plain")
        .await;
    assert!(
        matches!(result, Err(StorageError::Service(_))),
        "{result:?}"
    );
}
