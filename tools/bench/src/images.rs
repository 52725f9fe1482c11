//! The worker's memory under image work, measured on the real worker binary as a child process:
//! its peak resident memory (`VmHWM`) once the uploads are handled. Thirty large photos at once
//! are set beside one photo alone, measured in the same run; decompression bombs beside both.

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use bytes::Bytes;
use common::accounts::{self, profile, AccountId, EmailAddress, NewAccount, PersonName};
use common::infra::clock;
use common::infra::i18n::Language;
use common::infra::mq::{Broker, ConsumerSpec, Topology};
use common::infra::outbox::{self, Event, Job};
use common::infra::storage::{ObjectKey, ObjectKind, ObjectStore};
use common::infra::tenancy::{in_tenant, TenantSlug};
use secrecy::ExposeSecret;
use uuid::Uuid;

use crate::queue::remove_queues;
use crate::setup::{check, BenchDatabase};

/// The bound the platform promises for thirty large photos arriving at once.
const THIRTY_PHOTOS_BOUND_MIB: u64 = 400;
const PHOTO_WIDTH: u32 = 6_000;
const PHOTO_HEIGHT: u32 = 4_000;
const DONE_TIMEOUT: Duration = Duration::from_secs(600);

/// A JPEG that decodes like a camera photo: colour gradients with grain, so that it does not
/// compress to nothing.
fn camera_like_jpeg(width: u32, height: u32) -> anyhow::Result<Vec<u8>> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        // splitmix-style step: deterministic grain, cheap to make.
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let grain = ((state ^ (state >> 29)) & 0x1f) as u8;
        image::Rgb([
            ((x * 200 / width) as u8).saturating_add(grain),
            ((y * 200 / height) as u8).saturating_add(grain),
            (((x + y) * 100 / (width + height)) as u8).saturating_add(grain),
        ])
    });
    let mut out = Vec::new();
    image.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
        &mut out, 85,
    ))?;
    Ok(out)
}

/// A PNG of 16-bit RGBA pixels of one colour: a few hundred KB that would decode to
/// `width × height × 8` bytes.
fn decompression_bomb(width: u32, height: u32) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Sixteen);
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header()?;
    let mut stream = writer.stream_writer()?;
    let row = vec![0x5a; width as usize * 8];
    for _ in 0..height {
        stream.write_all(&row)?;
    }
    stream.finish()?;
    writer.finish()?;
    Ok(out)
}

/// `count` accounts of the demo tenant, each with `picture` uploaded and its resize job
/// committed to the outbox.
async fn uploads(
    bench: &BenchDatabase,
    label: &str,
    picture: &Bytes,
    mime: &str,
    count: usize,
) -> anyhow::Result<Vec<AccountId>> {
    let demo = TenantSlug::parse("demo")?;
    let store = ObjectStore::new(&bench.config.s3);
    let now = clock::system().now();
    let mut ids = Vec::with_capacity(count);
    let mut jobs = Vec::with_capacity(count);
    for i in 0..count {
        let new = NewAccount {
            email: EmailAddress::parse(&format!(
                "{label}-{i}-{}@bench.localhost",
                Uuid::new_v4().simple()
            ))?,
            name: PersonName::parse(&format!("Fotograaf {i}"))?,
            password_hash: String::new(),
            language: Language::Nl,
            home_tenant: demo.as_str().to_owned(),
        };
        let account = accounts::create_account(&bench.db, &new, now)
            .await?
            .context("a fresh address")?;
        let key = ObjectKey::new(&demo, ObjectKind::ProfilePhoto);
        store.put(&key, picture.clone(), mime).await?;
        profile::set_photo_upload(&bench.db, account.id, key.as_str(), now).await?;
        jobs.push(Event::job(
            Some(demo.clone()),
            now,
            Job::ResizeProfilePhoto {
                account: account.id.0,
                upload_key: key.as_str().to_owned(),
            },
        ));
        ids.push(account.id);
    }
    in_tenant(&bench.db, &demo, async |tx| {
        for job in &jobs {
            outbox::write(tx.conn(), job).await?;
        }
        Ok::<_, sqlx::Error>(())
    })
    .await?;
    Ok(ids)
}

fn peak_resident_mib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .context("VmHWM in /proc/<pid>/status")?;
    Ok(kib / 1024)
}

/// What one worker process did with a batch of uploads.
struct Handled {
    peak_mib: u64,
    shown: usize,
    seconds: f64,
}

/// Starts a worker of its own (its own queues), lets it handle the uploads and reads its peak.
async fn handled_by_a_fresh_worker(
    bench: &BenchDatabase,
    ids: &[AccountId],
) -> anyhow::Result<Handled> {
    let namespace = format!("benchimg{}", &Uuid::new_v4().simple().to_string()[..8]);
    let binary = std::env::current_exe()?.with_file_name("zorgportaal-worker");
    let mut worker = tokio::process::Command::new(&binary)
        .env("DATABASE_URL", bench.config.database.url.expose_secret())
        .env("DATABASE_MAX_CONNECTIONS", "5")
        .env("AMQP_NAMESPACE", &namespace)
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {} (built by bin/bench)", binary.display()))?;
    let pid = worker.id().context("the worker's pid")?;
    let started = Instant::now();
    let result = async {
        loop {
            let mut waiting = 0;
            let mut shown = 0;
            for id in ids {
                let keys = profile::photo_keys(&bench.db, *id)
                    .await?
                    .context("the account")?;
                waiting += usize::from(keys.upload.is_some());
                shown += usize::from(keys.shown.is_some());
            }
            if waiting == 0 {
                return anyhow::Ok(Handled {
                    peak_mib: peak_resident_mib(pid)?,
                    shown,
                    seconds: started.elapsed().as_secs_f64(),
                });
            }
            if started.elapsed() > DONE_TIMEOUT {
                bail!("{waiting} uploads still waiting after {DONE_TIMEOUT:?}");
            }
            if let Some(status) = worker.try_wait()? {
                bail!("the worker stopped early: {status}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    .await;
    let _ = worker.kill().await;
    let topology = Topology::new(namespace, bench.config.amqp.retry_delays.clone());
    let broker = Broker::new(bench.config.amqp.url.clone(), "zorgportaal-bench");
    let consumers: Vec<String> = ConsumerSpec::all().into_iter().map(|c| c.name).collect();
    let consumers: Vec<&str> = consumers.iter().map(String::as_str).collect();
    remove_queues(&broker, &topology, &consumers).await;
    result
}

fn print(name: &str, handled: &Handled, count: usize, versus: &str) {
    println!(
        "  {name:<44} {:>5} MiB peak  ({}/{count} shown, {:.1} s)  {versus}",
        handled.peak_mib, handled.shown, handled.seconds
    );
}

pub async fn worker_memory(bench: &BenchDatabase) -> anyhow::Result<()> {
    let photo = Bytes::from(camera_like_jpeg(PHOTO_WIDTH, PHOTO_HEIGHT)?);
    let bomb = Bytes::from(decompression_bomb(6_000, 6_000)?);
    println!(
        "Image work (the worker's peak resident memory; photo {PHOTO_WIDTH} × {PHOTO_HEIGHT} JPEG of {} KB, bomb {} KB decoding to 288 MB)",
        photo.len() / 1024,
        bomb.len() / 1024
    );

    let one = uploads(bench, "one", &photo, "image/jpeg", 1).await?;
    let one = handled_by_a_fresh_worker(bench, &one).await?;
    print("one photo alone", &one, 1, "baseline");

    let thirty = uploads(bench, "thirty", &photo, "image/jpeg", 30).await?;
    let thirty = handled_by_a_fresh_worker(bench, &thirty).await?;
    print(
        "thirty photos at once",
        &thirty,
        30,
        &format!(
            "{:.1} × baseline (bound {THIRTY_PHOTOS_BOUND_MIB} MiB: {})",
            thirty.peak_mib as f64 / one.peak_mib.max(1) as f64,
            check(thirty.peak_mib <= THIRTY_PHOTOS_BOUND_MIB && thirty.shown == 30)
        ),
    );

    let bombs = uploads(bench, "bomb", &bomb, "image/png", 5).await?;
    let bombs = handled_by_a_fresh_worker(bench, &bombs).await?;
    print(
        "five decompression bombs",
        &bombs,
        5,
        &format!(
            "{:.1} × baseline (refused, below one photo: {})",
            bombs.peak_mib as f64 / one.peak_mib.max(1) as f64,
            check(bombs.shown == 0 && bombs.peak_mib < one.peak_mib)
        ),
    );
    println!();
    Ok(())
}
