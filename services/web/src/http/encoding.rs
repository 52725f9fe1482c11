//! Bodies compressed once and sent many times. The static files and the pages every visitor of
//! a portal shares go out gzip-compressed to browsers that accept it (all of them do): a
//! fraction of the bytes over a phone connection, and no compression work per request.

use std::io::Write;
use std::sync::OnceLock;

use bytes::Bytes;
use flate2::write::GzEncoder;
use flate2::Compression;
use poem::http::{header, Extensions, HeaderMap, HeaderValue, StatusCode, Version};
use poem::{Request, Response, ResponseParts};

/// How many headers a response of a kept body ends up with, security headers included.
const RESPONSE_HEADERS: usize = 16;

/// A body as it is, and its gzip form, made on first use and kept.
#[derive(Debug)]
pub struct Compressible {
    identity: Bytes,
    /// `None` inside: compressing did not make it smaller.
    gzip: OnceLock<Option<Bytes>>,
}

impl Compressible {
    pub fn new(identity: impl Into<Bytes>) -> Self {
        Self {
            identity: identity.into(),
            gzip: OnceLock::new(),
        }
    }

    fn gzip(&self) -> Option<&Bytes> {
        self.gzip.get_or_init(|| gzip(&self.identity)).as_ref()
    }

    /// The response for `req`: compressed when the browser accepts gzip. A clone of the kept
    /// bytes counts a reference; it copies nothing.
    pub fn response(&self, req: &Request, content_type: &'static str) -> Response {
        // Room for the security headers every response gets: the map is made once.
        let mut headers = HeaderMap::with_capacity(RESPONSE_HEADERS);
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        let body = match self.gzip().filter(|_| accepts_gzip(req)) {
            Some(gzip) => {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                gzip.clone()
            }
            None => self.identity.clone(),
        };
        let parts = ResponseParts {
            status: StatusCode::OK,
            version: Version::default(),
            headers,
            extensions: Extensions::default(),
        };
        Response::from_parts(parts, body.into())
    }
}

fn gzip(bytes: &[u8]) -> Option<Bytes> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 4), Compression::best());
    encoder.write_all(bytes).ok()?;
    let compressed = encoder.finish().ok()?;
    (compressed.len() < bytes.len()).then(|| Bytes::from(compressed))
}

/// Whether `Accept-Encoding` lets gzip through (RFC 9110 §12.5.3): named with a non-zero
/// weight, or not named and `*` with a non-zero weight.
pub fn accepts_gzip(req: &Request) -> bool {
    let Some(accepted) = req.header(header::ACCEPT_ENCODING) else {
        return false;
    };
    let mut any = None;
    for entry in accepted.split(',') {
        let mut parts = entry.split(';');
        let coding = parts.next().unwrap_or_default().trim();
        let weighted_in = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .all(|q| q.trim().parse::<f32>().is_ok_and(|q| q > 0.0));
        if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
            return weighted_in;
        }
        if coding == "*" {
            any = Some(weighted_in);
        }
    }
    any.unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use flate2::read::GzDecoder;
    use poem::http::header;
    use poem::Request;

    use super::{accepts_gzip, Compressible};

    fn asking(accept_encoding: Option<&str>) -> Request {
        let mut builder = Request::builder();
        if let Some(value) = accept_encoding {
            builder = builder.header(header::ACCEPT_ENCODING, value);
        }
        builder.finish()
    }

    #[test]
    fn gzip_is_accepted_as_browsers_and_rfc_9110_say() {
        for (header, accepted) in [
            (None, false),
            (Some("gzip, deflate, br, zstd"), true),
            (Some("br;q=1.0, gzip;q=0.8, *;q=0.1"), true),
            (Some("GZIP"), true),
            (Some("identity"), false),
            (Some("gzip;q=0"), false),
            (Some("gzip;q=0.000, *"), false),
            (Some("*"), true),
            (Some("br, *;q=0"), false),
            (Some("x-gzip"), true),
            (Some("gzip;q=nonsense"), false),
        ] {
            assert_eq!(accepts_gzip(&asking(header)), accepted, "{header:?}");
        }
    }

    #[tokio::test]
    async fn the_compressed_body_is_the_same_page_and_says_so() {
        let page = "<p>Welkom bij het portaal</p>\n".repeat(100);
        let body = Compressible::new(page.clone());

        let plain = body.response(&asking(None), "text/html; charset=utf-8");
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(plain.headers()[header::VARY], "accept-encoding");
        assert_eq!(plain.into_body().into_string().await.unwrap(), page);

        let compressed = body.response(&asking(Some("gzip")), "text/html; charset=utf-8");
        assert_eq!(compressed.headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(compressed.headers()[header::VARY], "accept-encoding");
        let bytes = compressed.into_body().into_vec().await.unwrap();
        assert!(bytes.len() < page.len() / 10, "{} bytes", bytes.len());
        let mut unpacked = String::new();
        GzDecoder::new(bytes.as_slice())
            .read_to_string(&mut unpacked)
            .unwrap();
        assert_eq!(unpacked, page);
    }

    #[tokio::test]
    async fn what_does_not_shrink_goes_out_as_it_is() {
        let body = Compressible::new("ok");
        let response = body.response(&asking(Some("gzip")), "text/plain");
        assert!(response.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(response.into_body().into_string().await.unwrap(), "ok");
    }
}
