//! Pictures for the upload tests, made at test time (no large files in the repository): a
//! decompression bomb, an ordinary photo; and the check of an upload budget.

use std::io::Write;

use common::accounts::AccountId;
use common::infra::outbox::{Event, Job};
use common::infra::tenancy::Tenant;
use reqwest::StatusCode;
use time::OffsetDateTime;

use crate::{Page, Visitor};

/// The worker's job that resizes the upload at `upload_key` of `account`.
pub fn resize_job(
    tenant: &Tenant,
    now: OffsetDateTime,
    account: AccountId,
    upload_key: &str,
) -> Event {
    Event::job(
        Some(tenant.slug.clone()),
        now,
        Job::ResizeProfilePhoto {
            account: account.0,
            upload_key: upload_key.to_owned(),
        },
    )
}

/// Of pages answered to uploads sent at once against an upload budget: asserts that exactly
/// `budget` were handled (answered `handled`) and every other one refused with 429; returns a
/// refused one.
pub fn split_at_budget(pages: &[Page], handled: StatusCode, budget: usize) -> &Page {
    let statuses: Vec<u16> = pages.iter().map(|p| p.status.as_u16()).collect();
    let count = |status| pages.iter().filter(|p| p.status == status).count();
    assert_eq!(count(handled), budget, "statuses: {statuses:?}");
    assert_eq!(
        count(StatusCode::TOO_MANY_REQUESTS),
        pages.len() - budget,
        "statuses: {statuses:?}"
    );
    pages
        .iter()
        .find(|p| p.status == StatusCode::TOO_MANY_REQUESTS)
        .expect("a refused upload")
}

/// A PNG of one colour at 16 bits per channel with transparency (8 bytes a pixel): a few
/// hundred KB that decode to `width × height × 8` bytes. Written row by row, so making it costs
/// the test little memory.
pub fn bomb_png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Sixteen);
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header().expect("PNG header");
    let row = vec![0x5a; width as usize * 8];
    let mut stream = writer.stream_writer().expect("PNG stream");
    for _ in 0..height {
        stream.write_all(&row).expect("PNG row");
    }
    stream.finish().expect("PNG end");
    writer.finish().expect("PNG trailer");
    out
}

/// An ordinary PNG photo of `width × height`.
pub fn small_png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("PNG");
    out.into_inner()
}

/// The bomb the upload tests send: 6000 × 6000 (36 megapixels, under the old 50-megapixel
/// limit) decoding to 288 MB, which the old 512 MB decoder limit let through.
pub fn bomb() -> Vec<u8> {
    let bomb = bomb_png(6_000, 6_000);
    assert!(
        bomb.len() < 2 * 1024 * 1024,
        "the bomb is {} bytes",
        bomb.len()
    );
    bomb
}

/// Sends [`bomb`] as the file in `field` to `path`.
pub async fn upload_bomb(visitor: &mut Visitor, path: &str, field: &str) -> Page {
    visitor
        .post_file(path, field, "bom.png", "image/png", &bomb())
        .await
}
