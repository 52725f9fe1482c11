//! Image handling shared by profile photos, employee photos and activation letters: bounded
//! decoding and JPEG output on a white background.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};

/// How far a decoder may go before it gives up: a small file can claim a huge picture.
#[derive(Debug, Clone, Copy)]
pub struct DecodeLimits {
    pub max_side: u32,
    pub max_alloc: u64,
}

/// A reader for `bytes` in `format`, bounded by `limits`.
pub fn reader(
    bytes: &[u8],
    format: ImageFormat,
    limits: DecodeLimits,
) -> ImageReader<Cursor<&[u8]>> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut bounds = Limits::default();
    bounds.max_image_width = Some(limits.max_side);
    bounds.max_image_height = Some(limits.max_side);
    bounds.max_alloc = Some(limits.max_alloc);
    reader.limits(bounds);
    reader
}

/// Decodes `bytes` and turns the picture upright as its EXIF orientation says.
pub fn decode_upright(
    bytes: &[u8],
    format: ImageFormat,
    limits: DecodeLimits,
) -> Result<DynamicImage, image::ImageError> {
    let mut decoder = reader(bytes, format, limits).into_decoder()?;
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder)?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    Ok(image)
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
