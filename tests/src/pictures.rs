//! Pictures for the upload tests, made at test time (no large files in the repository): a
//! decompression bomb and a large photo-like JPEG.

use std::io::Write;

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

/// A JPEG that decodes like a camera photo of `width × height`: smooth colours with fine
/// grain, a few MB at quality 85.
pub fn photo_jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut grain: u32 = 0x1234_5678;
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        // xorshift: cheap, deterministic noise so the JPEG does not compress to nothing.
        grain ^= grain << 13;
        grain ^= grain >> 17;
        grain ^= grain << 5;
        let noise = (grain & 0x1f) as u8;
        let r = ((x * 255 / width) as u8).saturating_add(noise);
        let g = ((y * 255 / height) as u8).saturating_add(noise);
        let b = (((x + y) * 127 / (width + height)) as u8).saturating_add(noise);
        image::Rgb([r, g, b])
    });
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    image.write_with_encoder(encoder).expect("JPEG");
    out
}
