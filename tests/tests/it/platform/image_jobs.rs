//! The worker's memory under image work, measured on the real binary: the worker runs as a
//! child process and its peak resident memory (`VmHWM` in `/proc/<pid>/status`) is read once
//! the photos are done. Decodes wait their turn at the process's decode gate
//! (`IMAGE_DECODE_CONCURRENCY`, 2 by default), so thirty photos arriving at once cost about
//! what two cost; a decompression bomb is refused from its header and costs nothing.

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

const PHOTOS: usize = 30;
const WORKER_GRACE: Duration = Duration::from_secs(5);
const DONE_TIMEOUT: Duration = Duration::from_secs(600);
/// The worker's peak resident memory while thirty 6000 × 4000 photos are resized: 265 MiB was
/// measured with a decode gate of 2; the bound leaves half as much again.
const PHOTOS_PEAK_BOUND_MIB: u64 = 400;
/// With bombs it stays at what the worker needs idle: 38 MiB was measured.
const BOMB_PEAK_BOUND_MIB: u64 = 60;

/// `count` accounts, each with `picture` waiting as its uploaded photo, and the resize job of
/// each (not yet committed).
async fn waiting_uploads(
    platform: &TestPlatform,
    tenant: &Tenant,
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
            email: EmailAddress::parse(&format!("foto-{i}@example.test")).unwrap(),
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

/// Runs the jobs in a worker child process; returns its peak resident memory in MiB and how
/// many of the accounts show a photo at the end.
async fn worker_peak(
    platform: &TestPlatform,
    tenant: &Tenant,
    ids: &[AccountId],
    events: &[Event],
) -> (u64, usize) {
    let mut worker = ServiceProcess::start("zorgportaal-worker", &service_env(platform), "worker");
    platform.commit_events(tenant, events).await;
    eventually(DONE_TIMEOUT, "every upload handled", || async {
        let keys = photo_keys(platform, ids).await;
        keys.iter().all(|k| k.upload.is_none()).then_some(())
    })
    .await;
    let peak = worker.peak_resident_kib() / 1024;
    let keys = photo_keys(platform, ids).await;
    let shown = keys.iter().filter(|k| k.shown.is_some()).count();
    worker.stop(WORKER_GRACE).await;
    println!("worker peak resident memory: {peak} MiB");
    (peak, shown)
}

/// A platform of its own, `count` uploads of `picture` handled by a worker child process:
/// its peak resident memory in MiB, and how many photos were shown.
async fn handled_by_a_worker(picture: &[u8], mime: &str, count: usize) -> (u64, usize) {
    let platform = TestPlatform::start_with(Services::NONE, &[]).await;
    let tenant = platform
        .create_tenant("Zorggroep Geheugen", "#1d4f91")
        .await;
    let (ids, events) = waiting_uploads(&platform, &tenant, picture, mime, count).await;
    let measured = worker_peak(&platform, &tenant, &ids, &events).await;
    platform.finish().await;
    measured
}

#[tokio::test]
async fn thirty_large_photos_at_once_keep_the_workers_memory_bounded() {
    let photo = pictures::photo_jpeg(6_000, 4_000);
    println!("photo: 6000 × 4000 JPEG of {} KB", photo.len() / 1024);
    let (peak, shown) = handled_by_a_worker(&photo, "image/jpeg", PHOTOS).await;
    assert_eq!(shown, PHOTOS, "every photo is resized and shown");
    assert!(
        peak < PHOTOS_PEAK_BOUND_MIB,
        "the worker peaked at {peak} MiB with {PHOTOS} large photos (bound {PHOTOS_PEAK_BOUND_MIB} MiB)"
    );
}

#[tokio::test]
async fn decompression_bombs_cost_the_worker_no_memory() {
    let bomb = pictures::bomb_png(6_000, 6_000);
    println!("bomb: {} KB that decode to 288 MB", bomb.len() / 1024);
    let (peak, shown) = handled_by_a_worker(&bomb, "image/png", 5).await;
    assert_eq!(shown, 0, "a bomb was resized and shown");
    assert!(
        peak < BOMB_PEAK_BOUND_MIB,
        "the worker peaked at {peak} MiB with bombs (bound {BOMB_PEAK_BOUND_MIB} MiB)"
    );
}
