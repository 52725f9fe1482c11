//! The person's own profile (ACC-7): name, language, photo, and deleting the account.
//!
//! A photo is checked by its content (JPEG, PNG or WebP; not by its name), stored as uploaded,
//! and resized by the worker to a square [`PHOTO_SIZE`] JPEG; only the resized copy is kept and
//! shown. Objects live under the account's home tenant (`<home>/profile-photo/<uuid>`): accounts
//! are platform-wide, but every object key starts with a tenant, and the home tenant is the one
//! that does not change while the person uses other portals too.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;

use super::{AccountId, PersonName};
use crate::infra::i18n::Language;
use crate::infra::images::{self, DecodeGate, DecodeLimits, DecodeProblem, DecodeTurn, Fit};
use crate::infra::tenancy::TenantSlug;

/// Uploads larger than this are refused (phone photos are 2–8 MB).
pub const PHOTO_MAX_BYTES: usize = 10 * 1024 * 1024;
/// Width and height of the resized photo, in pixels (cropped to a square from the middle).
pub const PHOTO_SIZE: u32 = 256;
/// Larger sides are refused from the header, before decoding.
pub const PHOTO_MAX_SIDE: u32 = 10_000;
/// At most this many pixels: the 12-megapixel photo a phone takes by default fits, and so does
/// a full-resolution 24 to 40-megapixel one.
pub const PHOTO_MAX_PIXELS: u64 = 40_000_000;
/// The decoded photo may take this many bytes: 40 megapixels at 8 bits per channel with
/// transparency. A 16-bit photo takes twice as many bytes per pixel, so fewer pixels fit.
pub const PHOTO_MAX_DECODED_BYTES: u64 = 4 * PHOTO_MAX_PIXELS;
/// The suffix of the resized copy's key: `<upload key>.256.jpg`.
pub const RESIZED_VARIANT: &str = "256.jpg";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoFormat {
    Jpeg,
    Png,
    Webp,
}

impl PhotoFormat {
    pub fn mime(self) -> &'static str {
        match self {
            PhotoFormat::Jpeg => "image/jpeg",
            PhotoFormat::Png => "image/png",
            PhotoFormat::Webp => "image/webp",
        }
    }

    pub fn image_format(self) -> image::ImageFormat {
        match self {
            PhotoFormat::Jpeg => image::ImageFormat::Jpeg,
            PhotoFormat::Png => image::ImageFormat::Png,
            PhotoFormat::Webp => image::ImageFormat::WebP,
        }
    }
}

/// Why a photo cannot be used. Its `code` names the catalogue text shown to the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhotoProblem {
    #[error("no file chosen")]
    Missing,
    #[error("file too large")]
    TooLarge,
    #[error("not a JPEG, PNG or WebP image")]
    WrongType,
    #[error("too many pixels")]
    TooManyPixels,
    #[error("the image cannot be read")]
    Unreadable,
}

impl PhotoProblem {
    pub fn code(self) -> &'static str {
        match self {
            PhotoProblem::Missing => "photo-missing",
            PhotoProblem::TooLarge => "photo-too-large",
            PhotoProblem::WrongType => "photo-wrong-type",
            PhotoProblem::TooManyPixels => "photo-too-many-pixels",
            PhotoProblem::Unreadable => "photo-unreadable",
        }
    }
}

/// The format of `bytes` by their content (magic numbers), if it is one we take.
pub fn sniff(bytes: &[u8]) -> Option<PhotoFormat> {
    match infer::get(bytes)?.mime_type() {
        "image/jpeg" => Some(PhotoFormat::Jpeg),
        "image/png" => Some(PhotoFormat::Png),
        "image/webp" => Some(PhotoFormat::Webp),
        _ => None,
    }
}

pub const PHOTO_LIMITS: DecodeLimits = DecodeLimits {
    max_side: PHOTO_MAX_SIDE,
    max_pixels: PHOTO_MAX_PIXELS,
    max_decoded_bytes: PHOTO_MAX_DECODED_BYTES,
};

impl From<DecodeProblem> for PhotoProblem {
    fn from(problem: DecodeProblem) -> Self {
        match problem {
            DecodeProblem::TooLarge => PhotoProblem::TooManyPixels,
            DecodeProblem::Unreadable => PhotoProblem::Unreadable,
        }
    }
}

/// Checks an upload without decoding its pixels: size, type by content, and the dimensions and
/// decoded size its header claims.
pub fn check_upload(bytes: &[u8]) -> Result<PhotoFormat, PhotoProblem> {
    if bytes.is_empty() {
        return Err(PhotoProblem::Missing);
    }
    if bytes.len() > PHOTO_MAX_BYTES {
        return Err(PhotoProblem::TooLarge);
    }
    let format = sniff(bytes).ok_or(PhotoProblem::WrongType)?;
    images::check_header(bytes, format.image_format(), PHOTO_LIMITS)?;
    Ok(format)
}

/// The resized copy: turned upright (EXIF orientation), cropped to a square from the middle,
/// [`PHOTO_SIZE`] pixels wide, transparency on white, as JPEG. The header is checked against
/// [`PHOTO_LIMITS`] first, so a decompression bomb is refused before its pixels are allocated;
/// the decode waits its turn at `gate`.
pub async fn resize(
    gate: &DecodeGate,
    bytes: impl AsRef<[u8]> + Send + 'static,
) -> Result<Vec<u8>, PhotoProblem> {
    resize_in_turn(gate.turn().await, bytes).await
}

/// [`resize`] on a place at the gate taken already (before the photo was fetched).
pub async fn resize_in_turn(
    turn: DecodeTurn,
    bytes: impl AsRef<[u8]> + Send + 'static,
) -> Result<Vec<u8>, PhotoProblem> {
    turn.run(move || resize_now(bytes.as_ref()))
        .await
        .map_err(|error| {
            tracing::error!(%error, "resizing a photo failed");
            PhotoProblem::Unreadable
        })?
}

fn resize_now(bytes: &[u8]) -> Result<Vec<u8>, PhotoProblem> {
    let format = check_upload(bytes)?;
    let square = images::decode_to_fit(
        bytes,
        format.image_format(),
        PHOTO_LIMITS,
        Fit::Square(PHOTO_SIZE),
    )?;
    images::jpeg_on_white(&square, 85).map_err(|_| PhotoProblem::Unreadable)
}

/// The tenant whose key space holds the account's photo: its home tenant, else the portal
/// it is using (accounts made before home tenants were recorded).
pub fn photo_tenant(home_tenant: Option<&str>, portal: &TenantSlug) -> TenantSlug {
    home_tenant
        .and_then(|slug| TenantSlug::parse(slug).ok())
        .unwrap_or_else(|| portal.clone())
}

pub async fn rename(
    db: impl PgExecutor<'_>,
    id: AccountId,
    name: &PersonName,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE platform.accounts SET name = $2 WHERE id = $1",
        id as AccountId,
        name.as_str(),
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The language of the account's pages and mails.
pub async fn set_language(
    db: impl PgExecutor<'_>,
    id: AccountId,
    language: Language,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE platform.accounts SET language = $2 WHERE id = $1",
        id as AccountId,
        language as Language,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The objects of an account's photo.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhotoKeys {
    /// The resized photo that is shown.
    pub shown: Option<String>,
    /// An upload the worker has not resized yet.
    pub upload: Option<String>,
    pub updated_at: Option<OffsetDateTime>,
}

impl PhotoKeys {
    pub fn all(&self) -> Vec<String> {
        self.shown.iter().chain(&self.upload).cloned().collect()
    }
}

pub async fn photo_keys(
    db: impl PgExecutor<'_>,
    id: AccountId,
) -> Result<Option<PhotoKeys>, sqlx::Error> {
    sqlx::query_as!(
        PhotoKeys,
        "SELECT photo_key AS shown, photo_upload_key AS upload, photo_updated_at AS updated_at
           FROM platform.accounts WHERE id = $1",
        id as AccountId,
    )
    .fetch_optional(db)
    .await
}

/// Records a new upload that waits for the worker. An earlier upload that is still waiting is
/// superseded: the worker removes it when its job comes.
pub async fn set_photo_upload(
    db: impl PgExecutor<'_>,
    id: AccountId,
    upload_key: &str,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE platform.accounts SET photo_upload_key = $2, photo_updated_at = $3 WHERE id = $1",
        id as AccountId,
        upload_key,
        now,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// What finishing an upload did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhotoSwap {
    /// The resized copy is shown now; the photo it replaced (if any) is to be removed.
    Shown { replaced: Option<String> },
    /// A newer upload, or the account's deletion, came first: this upload is not wanted.
    Superseded,
}

/// Shows `resized_key` if `upload_key` is still the account's latest upload.
pub async fn finish_photo_upload(
    conn: &mut PgConnection,
    id: AccountId,
    upload_key: &str,
    resized_key: &str,
    now: OffsetDateTime,
) -> Result<PhotoSwap, sqlx::Error> {
    let current = sqlx::query!(
        "SELECT photo_key, photo_upload_key FROM platform.accounts WHERE id = $1 FOR UPDATE",
        id as AccountId,
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some((shown, Some(waiting))) = current.map(|r| (r.photo_key, r.photo_upload_key)) else {
        return Ok(PhotoSwap::Superseded);
    };
    if waiting != upload_key {
        return Ok(PhotoSwap::Superseded);
    }
    sqlx::query!(
        "UPDATE platform.accounts
            SET photo_key = $2, photo_upload_key = NULL, photo_updated_at = $3
          WHERE id = $1",
        id as AccountId,
        resized_key,
        now,
    )
    .execute(&mut *conn)
    .await?;
    Ok(PhotoSwap::Shown {
        replaced: shown.filter(|old| old != resized_key),
    })
}

/// Removes the photo (the person chose "Foto verwijderen"); returns the keys to remove.
pub async fn clear_photo(
    db: impl PgExecutor<'_>,
    id: AccountId,
    now: OffsetDateTime,
) -> Result<PhotoKeys, sqlx::Error> {
    let keys = sqlx::query_as!(
        PhotoKeys,
        r#"UPDATE platform.accounts a
            SET photo_key = NULL, photo_upload_key = NULL, photo_updated_at = $2
           FROM (SELECT id, photo_key, photo_upload_key FROM platform.accounts
                  WHERE id = $1 FOR UPDATE) old
          WHERE a.id = old.id
      RETURNING old.photo_key AS "shown?", old.photo_upload_key AS "upload?", a.photo_updated_at AS "updated_at?""#,
        id as AccountId,
        now,
    )
    .fetch_optional(db)
    .await?;
    Ok(keys.unwrap_or_default())
}

/// Deletes the account and everything that hangs off it in the platform schema (sessions,
/// links, codes, phone changes, the security log: `ON DELETE CASCADE`). Returns its photo keys,
/// for the caller to queue their removal, or `None` if there was no such account.
pub async fn delete_account(
    db: impl PgExecutor<'_>,
    id: AccountId,
) -> Result<Option<PhotoKeys>, sqlx::Error> {
    sqlx::query_as!(
        PhotoKeys,
        "DELETE FROM platform.accounts WHERE id = $1
         RETURNING photo_key AS shown, photo_upload_key AS upload, photo_updated_at AS updated_at",
        id as AccountId,
    )
    .fetch_optional(db)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{DynamicImage, ImageFormat, Rgba, RgbaImage};
    use std::io::Cursor;

    fn encoded(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
        let image = RgbaImage::from_fn(width, height, |x, _| {
            if x < width / 2 {
                Rgba([200, 30, 30, 255])
            } else {
                Rgba([30, 30, 200, 0])
            }
        });
        let mut out = Cursor::new(Vec::new());
        let image = if format == ImageFormat::Jpeg {
            DynamicImage::ImageRgb8(DynamicImage::ImageRgba8(image).to_rgb8())
        } else {
            DynamicImage::ImageRgba8(image)
        };
        image.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    #[test]
    fn photos_are_recognised_by_content_not_name() {
        assert_eq!(
            check_upload(&encoded(40, 30, ImageFormat::Png)),
            Ok(PhotoFormat::Png)
        );
        assert_eq!(
            check_upload(&encoded(40, 30, ImageFormat::Jpeg)),
            Ok(PhotoFormat::Jpeg)
        );
        assert_eq!(
            check_upload(&encoded(40, 30, ImageFormat::WebP)),
            Ok(PhotoFormat::Webp)
        );
        assert_eq!(
            check_upload(b"Dit is gewoon tekst, geen foto."),
            Err(PhotoProblem::WrongType)
        );
        assert_eq!(
            check_upload(b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00;"),
            Err(PhotoProblem::WrongType)
        );
        assert_eq!(check_upload(b""), Err(PhotoProblem::Missing));
        assert_eq!(
            check_upload(&vec![0; PHOTO_MAX_BYTES + 1]),
            Err(PhotoProblem::TooLarge)
        );
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = u32::MAX;
        for byte in bytes {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn a_png_claiming_huge_dimensions_is_refused_before_decoding() {
        // A valid PNG header that claims 60000 × 60000 pixels (a decompression bomb's shape).
        let mut png = encoded(4, 4, ImageFormat::Png);
        png[16..20].copy_from_slice(&60_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&60_000u32.to_be_bytes());
        // The IHDR chunk's CRC covers its type and data (bytes 12..29).
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(check_upload(&png), Err(PhotoProblem::TooManyPixels));
        assert_eq!(resize_now(&png), Err(PhotoProblem::TooManyPixels));
    }

    #[test]
    fn resized_photos_are_square_jpegs_with_transparency_on_white() {
        let resized = resize_now(&encoded(900, 300, ImageFormat::Png)).unwrap();
        assert_eq!(sniff(&resized), Some(PhotoFormat::Jpeg));
        let image = image::load_from_memory(&resized).unwrap().to_rgb8();
        assert_eq!(image.dimensions(), (PHOTO_SIZE, PHOTO_SIZE));
        // The crop keeps the middle: red on the left, the transparent half white on the right.
        let left = image.get_pixel(10, 128).0;
        let right = image.get_pixel(245, 128).0;
        assert!(left[0] > 150 && left[2] < 90, "{left:?}");
        assert!(right.iter().all(|c| *c > 230), "{right:?}");
    }

    #[test]
    fn the_photo_lives_under_the_home_tenant() {
        let portal = TenantSlug::parse("de-linde").unwrap();
        assert_eq!(
            photo_tenant(Some("het-anker"), &portal).as_str(),
            "het-anker"
        );
        assert_eq!(photo_tenant(None, &portal).as_str(), "de-linde");
        assert_eq!(photo_tenant(Some("Bad Slug"), &portal).as_str(), "de-linde");
    }
}
