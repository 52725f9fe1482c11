//! Image handling shared by profile photos, employee photos, logos and activation letters:
//! decoding bounded by what the header claims, at most a few decodes at once per process, and
//! JPEG output on a white background.
//!
//! A decode is refused from the header alone when the picture it promises is too wide, has too
//! many pixels, or would take too many bytes once decoded (16 bits per channel doubles that):
//! a few hundred KB of PNG can promise gigabytes. Animated PNG and WebP are taken as their
//! first frame, which is all a photo or logo shows. Every decode runs through one
//! [`DecodeGate`] per process, in a blocking thread, so a burst of uploads waits in line instead
//! of decoding side by side.

use std::io::Cursor;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};
use tokio::sync::Semaphore;

/// How far a decode may go; checked from the header before any pixel is decoded.
#[derive(Debug, Clone, Copy)]
pub struct DecodeLimits {
    pub max_side: u32,
    pub max_pixels: u64,
    /// Bytes of the decoded picture (width × height × bytes per pixel).
    pub max_decoded_bytes: u64,
}

const DECODER_HEADROOM: u64 = 32 * 1024 * 1024;

/// Why a picture is not decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecodeProblem {
    /// Too wide or high, too many pixels, or too many bytes once decoded.
    #[error("the picture is larger than its limits allow")]
    TooLarge,
    #[error("the picture cannot be read")]
    Unreadable,
}

impl From<image::ImageError> for DecodeProblem {
    fn from(error: image::ImageError) -> Self {
        match error {
            image::ImageError::Limits(_) => DecodeProblem::TooLarge,
            _ => DecodeProblem::Unreadable,
        }
    }
}

/// What a header promises, before decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub width: u32,
    pub height: u32,
    pub decoded_bytes: u64,
}

impl DecodeLimits {
    fn check(&self, header: Header) -> Result<(), DecodeProblem> {
        let Header {
            width,
            height,
            decoded_bytes,
        } = header;
        if width == 0 || height == 0 {
            return Err(DecodeProblem::Unreadable);
        }
        if width > self.max_side
            || height > self.max_side
            || u64::from(width) * u64::from(height) > self.max_pixels
            || decoded_bytes > self.max_decoded_bytes
        {
            return Err(DecodeProblem::TooLarge);
        }
        Ok(())
    }

    fn bounds(&self) -> Limits {
        let mut bounds = Limits::default();
        bounds.max_image_width = Some(self.max_side);
        bounds.max_image_height = Some(self.max_side);
        // The picture itself plus the decoder's own buffers (rows, the deflate window).
        bounds.max_alloc = Some(self.max_decoded_bytes + DECODER_HEADROOM);
        bounds
    }
}

fn decoder(
    bytes: &[u8],
    format: ImageFormat,
    limits: DecodeLimits,
) -> Result<impl ImageDecoder + '_, DecodeProblem> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits.bounds());
    let decoder = reader.into_decoder()?;
    let (width, height) = decoder.dimensions();
    limits.check(Header {
        width,
        height,
        decoded_bytes: decoder.total_bytes(),
    })?;
    Ok(decoder)
}

/// Reads the header of `bytes` only, and checks it against `limits`: cheap enough for a
/// request handler, and a bomb is refused here without allocating its pixels.
pub fn check_header(
    bytes: &[u8],
    format: ImageFormat,
    limits: DecodeLimits,
) -> Result<Header, DecodeProblem> {
    let decoder = decoder(bytes, format, limits)?;
    let (width, height) = decoder.dimensions();
    Ok(Header {
        width,
        height,
        decoded_bytes: decoder.total_bytes(),
    })
}

/// The size a decoded picture is brought down to.
#[derive(Debug, Clone, Copy)]
pub enum Fit {
    /// A square of this side, cropped from the middle.
    Square(u32),
    /// At most this wide and high, keeping the proportions; smaller pictures stay as they are.
    Within { width: u32, height: u32 },
}

/// Decodes `bytes` (the first frame, for an animation), brings it down to `fit`, and turns it
/// upright as its EXIF orientation says. The turn comes after the resize, so only the small
/// picture is copied. Blocking and CPU-heavy: call it through [`DecodeGate::run`].
pub fn decode_to_fit(
    bytes: &[u8],
    format: ImageFormat,
    limits: DecodeLimits,
    fit: Fit,
) -> Result<DynamicImage, DecodeProblem> {
    let mut decoder = decoder(bytes, format, limits)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image = DynamicImage::from_decoder(decoder)?;
    let quarter_turn = matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    );
    let mut small = match fit {
        // A square crop from the middle is the same before and after a turn or a flip.
        Fit::Square(side) => image.resize_to_fill(side, side, FilterType::Lanczos3),
        Fit::Within { width, height } => {
            let (width, height) = if quarter_turn {
                (height, width)
            } else {
                (width, height)
            };
            if image.width() > width || image.height() > height {
                image.resize(width, height, FilterType::Lanczos3)
            } else {
                image
            }
        }
    };
    small.apply_orientation(orientation);
    Ok(small)
}

/// At most `concurrency` decodes at once in this process. One gate is made at start-up from the
/// configuration and handed to whatever decodes; clones share it.
#[derive(Debug, Clone)]
pub struct DecodeGate {
    permits: Arc<Semaphore>,
    inside: Arc<AtomicUsize>,
    most_inside: Arc<AtomicUsize>,
}

/// A place at the gate, held until dropped or used by [`DecodeTurn::run`].
#[derive(Debug)]
pub struct DecodeTurn {
    permit: tokio::sync::OwnedSemaphorePermit,
    gate: DecodeGate,
}

impl DecodeTurn {
    /// Runs `work` in a blocking thread on this place, and gives the place back after.
    pub async fn run<T, F>(self, work: F) -> Result<T, GateError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let Self { permit, gate } = self;
        Ok(tokio::task::spawn_blocking(move || {
            let now = gate.inside.fetch_add(1, Ordering::SeqCst) + 1;
            gate.most_inside.fetch_max(now, Ordering::SeqCst);
            let result = work();
            gate.inside.fetch_sub(1, Ordering::SeqCst);
            drop(permit);
            result
        })
        .await?)
    }
}

/// The blocking thread of a decode panicked or was cancelled.
#[derive(Debug, thiserror::Error)]
#[error("image work failed: {0}")]
pub struct GateError(#[from] tokio::task::JoinError);

impl DecodeGate {
    pub fn new(concurrency: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            inside: Arc::new(AtomicUsize::new(0)),
            most_inside: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Runs `work` in a blocking thread once a place is free. The place is held until `work`
    /// returns, also when the caller stops waiting (a request that is dropped), so the limit
    /// counts decodes that really run.
    pub async fn run<T, F>(&self, work: F) -> Result<T, GateError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.turn().await.run(work).await
    }

    /// Waits for a place and holds it: a caller that must fetch the picture first (the worker,
    /// from storage) takes its turn before the fetch, so waiting jobs hold no picture bytes.
    pub async fn turn(&self) -> DecodeTurn {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .unwrap_or_else(|_| unreachable!("the gate's semaphore is never closed"));
        DecodeTurn {
            permit,
            gate: self.clone(),
        }
    }

    /// Decodes running now.
    pub fn inside(&self) -> usize {
        self.inside.load(Ordering::SeqCst)
    }

    /// The most decodes that ran at once since the gate was made.
    pub fn most_inside(&self) -> usize {
        self.most_inside.load(Ordering::SeqCst)
    }
}

/// The picture as JPEG, with any transparency laid on white (as on paper or a white page).
pub fn jpeg_on_white(image: &DynamicImage, quality: u8) -> Result<Vec<u8>, image::ImageError> {
    let rgba = image.to_rgba8();
    let flattened = RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let on_white = |c: u8| {
            let (c, a) = (u16::from(c), u16::from(a));
            // c·a + 255·(255 − a), divided by 255, rounded; at most 255.
            u8::try_from((c * a + 255 * (255 - a) + 127) / 255).unwrap_or(u8::MAX)
        };
        image::Rgb([on_white(r), on_white(g), on_white(b)])
    });
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    flattened.write_with_encoder(encoder)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::GenericImageView;
    use std::time::Duration;

    const SMALL: DecodeLimits = DecodeLimits {
        max_side: 1_000,
        max_pixels: 1_000_000,
        max_decoded_bytes: 4_000_000,
    };

    /// A PNG of one colour, `bit_depth` bits per channel, RGBA; written as rows, so a large one
    /// costs the test little memory.
    fn png(width: u32, height: u32, bit_depth: png::BitDepth) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(bit_depth);
        let mut writer = encoder.write_header().unwrap();
        let bytes_per_pixel = if bit_depth == png::BitDepth::Sixteen {
            8
        } else {
            4
        };
        let row = vec![0x80; width as usize * bytes_per_pixel];
        let mut stream = writer.stream_writer().unwrap();
        for _ in 0..height {
            std::io::Write::write_all(&mut stream, &row).unwrap();
        }
        stream.finish().unwrap();
        writer.finish().unwrap();
        out
    }

    #[test]
    fn the_header_decides_with_16_bits_counting_double() {
        let fits = png(800, 800, png::BitDepth::Eight);
        assert_eq!(
            check_header(&fits, ImageFormat::Png, SMALL),
            Ok(Header {
                width: 800,
                height: 800,
                decoded_bytes: 800 * 800 * 4
            })
        );
        // Same pixels at 16 bits per channel: twice the bytes, over the budget.
        let deep = png(800, 800, png::BitDepth::Sixteen);
        assert_eq!(
            check_header(&deep, ImageFormat::Png, SMALL),
            Err(DecodeProblem::TooLarge)
        );
        assert_eq!(
            decode_to_fit(&deep, ImageFormat::Png, SMALL, Fit::Square(16)).err(),
            Some(DecodeProblem::TooLarge)
        );
        // A smaller 16-bit picture is decoded and brought down to 8 bits in the JPEG.
        let small_deep = png(300, 200, png::BitDepth::Sixteen);
        let square = decode_to_fit(&small_deep, ImageFormat::Png, SMALL, Fit::Square(16)).unwrap();
        assert_eq!(square.dimensions(), (16, 16));
        assert!(jpeg_on_white(&square, 85).is_ok());
        // Too many pixels, and too wide, whatever the bytes.
        let wide = png(1_001, 1, png::BitDepth::Eight);
        assert_eq!(
            check_header(&wide, ImageFormat::Png, SMALL),
            Err(DecodeProblem::TooLarge)
        );
    }

    #[test]
    fn an_animated_png_is_taken_as_its_first_frame() {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, 40, 20);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_animated(3, 0).unwrap();
        let mut writer = encoder.write_header().unwrap();
        for colour in [[200, 0, 0], [0, 200, 0], [0, 0, 200]] {
            writer.write_image_data(&colour.repeat(40 * 20)).unwrap();
        }
        writer.finish().unwrap();
        let fit = Fit::Within {
            width: 100,
            height: 100,
        };
        let first = decode_to_fit(&out, ImageFormat::Png, SMALL, fit)
            .unwrap()
            .to_rgb8();
        assert_eq!(first.dimensions(), (40, 20));
        assert!(first.pixels().all(|p| p.0 == [200, 0, 0]));
    }

    #[test]
    fn a_picture_is_brought_within_its_box_keeping_its_proportions() {
        let png = png(400, 100, png::BitDepth::Eight);
        let fit = Fit::Within {
            width: 200,
            height: 200,
        };
        let small = decode_to_fit(&png, ImageFormat::Png, SMALL, fit).unwrap();
        assert_eq!(small.dimensions(), (200, 50));
    }

    /// Ten decodes through a gate of two: each holds its place until the test lets it go, and
    /// the test lets one go only once two are inside, so a gate that let more in would be seen.
    #[tokio::test]
    async fn the_gate_lets_no_more_than_its_size_decode_at_once() {
        const SIZE: usize = 2;
        const DECODES: usize = 10;
        let gate = DecodeGate::new(SIZE);
        let (release, released) = std::sync::mpsc::channel::<()>();
        let released = Arc::new(std::sync::Mutex::new(released));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..DECODES {
            let gate = gate.clone();
            let released = released.clone();
            tasks.spawn(async move {
                gate.run(move || released.lock().unwrap().recv().unwrap())
                    .await
                    .unwrap();
            });
        }
        for left in (1..=DECODES).rev() {
            let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
            while gate.inside() < SIZE.min(left) {
                assert!(tokio::time::Instant::now() < deadline, "no decode started");
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            release.send(()).unwrap();
        }
        while tasks.join_next().await.is_some() {}
        assert_eq!(gate.most_inside(), SIZE);
        assert_eq!(gate.inside(), 0);
    }

    #[test]
    fn transparency_becomes_white() {
        let clear = DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            4,
            4,
            image::Rgba([0, 0, 0, 0]),
        ));
        let jpeg = jpeg_on_white(&clear, 90).unwrap();
        let back = image::load_from_memory_with_format(&jpeg, ImageFormat::Jpeg)
            .unwrap()
            .to_rgb8();
        assert!(back.pixels().all(|p| p.0.iter().all(|&c| c > 250)));
    }
}
