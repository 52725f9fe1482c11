//! Image jobs on the real worker binary, run as a child process: a decompression bomb uploaded
//! as a profile photo is refused from its header and never shown. The worker's memory under
//! image work (thirty large photos at once, bombs) is a figure of `bin/bench images`, beside
//! one photo alone in the same run.

use std::time::Duration;

use bytes::Bytes;
use common::accounts::profile;
use common::accounts::{self, NewAccount, PersonName};
use common::accounts::{AccountId, EmailAddress};
use common::infra::clock::Clock;
use common::infra::i18n::Language;
use common::infra::outbox::Event;
use common::infra::storage::{ObjectKey, ObjectKind, ObjectStore};
use common::infra::tenancy::Tenant;
use zorgportaal_tests::pictures;
use zorgportaal_tests::processes::{service_env, ServiceProcess};
use zorgportaal_tests::{eventually, Services, TestPlatform};

const WORKER_GRACE: Duration = Duration::from_secs(5);
const DONE_TIMEOUT: Duration = Duration::from_secs(600);

/// `count` accounts, each with `picture` waiting as its uploaded photo, and the resize job of
/// each (not yet committed).
async fn waiting_uploads(
    platform: &TestPlatform,
    tenant: &Tenant,
    label: &str,
    picture: &[u8],
    mime: &str,
    count: usize,
) -> (Vec<AccountId>, Vec<Event>) {
    let store = ObjectStore::new(&platform.config.s3);
    let now = platform.clock.now();
    let picture = Bytes::copy_from_slice(picture);
    let mut ids = Vec::new();
    let mut events = Vec::new();
    for i in 0..count {
        let new = NewAccount {
            email: EmailAddress::parse(&format!("{label}-{i}@example.test")).unwrap(),
            name: PersonName::parse(&format!("Fotograaf {i}")).unwrap(),
            password_hash: String::new(),
            language: Language::Nl,
            home_tenant: tenant.slug.as_str().to_owned(),
        };
        let account = accounts::create_account(&platform.db, &new, now)
            .await
            .unwrap()
            .unwrap();
        let key = ObjectKey::new(&tenant.slug, ObjectKind::ProfilePhoto);
        store.put(&key, picture.clone(), mime).await.unwrap();
        profile::set_photo_upload(&platform.db, account.id, key.as_str(), now)
            .await
            .unwrap();
        events.push(pictures::resize_job(tenant, now, account.id, key.as_str()));
        ids.push(account.id);
    }
    (ids, events)
}

async fn photo_keys(platform: &TestPlatform, ids: &[AccountId]) -> Vec<profile::PhotoKeys> {
    let mut keys = Vec::new();
    for id in ids {
        keys.push(
            profile::photo_keys(&platform.db, *id)
                .await
                .unwrap()
                .unwrap(),
        );
    }
    keys
}

/// Runs the jobs in a worker child process until every upload is handled; returns the photos
/// shown, per account.
async fn handled_by_a_worker(
    platform: &TestPlatform,
    tenant: &Tenant,
    ids: &[AccountId],
    events: &[Event],
) -> Vec<bool> {
    let mut worker = ServiceProcess::start("zorgportaal-worker", &service_env(platform), "worker");
    platform.commit_events(tenant, events).await;
    eventually(DONE_TIMEOUT, "every upload handled", || async {
        let keys = photo_keys(platform, ids).await;
        keys.iter().all(|k| k.upload.is_none()).then_some(())
    })
    .await;
    worker.stop(WORKER_GRACE).await;
    let keys = photo_keys(platform, ids).await;
    keys.iter().map(|k| k.shown.is_some()).collect()
}

#[tokio::test]
async fn the_worker_refuses_decompression_bombs_and_shows_the_photo_beside_them() {
    let platform = TestPlatform::start_with(Services::NONE, &[]).await;
    let tenant = platform.create_tenant("Zorggroep Bom", "#1d4f91").await;
    let bomb = pictures::bomb_png(6_000, 6_000);
    let (mut ids, mut events) =
        waiting_uploads(&platform, &tenant, "bom", &bomb, "image/png", 5).await;
    let photo = pictures::small_png(640, 480);
    let (photo_ids, photo_events) =
        waiting_uploads(&platform, &tenant, "foto", &photo, "image/png", 1).await;
    ids.extend(photo_ids);
    events.extend(photo_events);

    let shown = handled_by_a_worker(&platform, &tenant, &ids, &events).await;
    assert_eq!(
        shown,
        [false, false, false, false, false, true],
        "the five bombs are refused, the ordinary photo is shown"
    );
    platform.finish().await;
}
