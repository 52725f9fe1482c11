//! A person using the portal without a browser: keeps its cookies per portal, sends the CSRF
//! token of the last page it saw with every form, and follows no redirects by itself (tests
//! look at them).

use std::collections::BTreeMap;

use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use reqwest::StatusCode;

use crate::TestPlatform;

#[derive(Debug, Clone)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    /// Asserts that the page answers `status` and shows `text`.
    pub fn assert_refused(&self, status: StatusCode, text: &str) {
        assert_eq!(self.status, status, "{}", self.body);
        assert!(self.shows(text), "{}", self.body);
    }

    /// Where a redirect points.
    pub fn location(&self) -> Option<&str> {
        self.headers.get(LOCATION).and_then(|v| v.to_str().ok())
    }

    /// Every `Set-Cookie` header, as sent.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect()
    }

    /// The value of hidden input `name` in the page.
    pub fn hidden(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&marker)? + marker.len();
        let end = self.body[start..].find('"')? + start;
        Some(unescape(&self.body[start..end]))
    }

    /// What the form field named `name` holds as the page arrives: an `<input>`'s `value`
    /// attribute (empty when it has none) or a `<textarea>`'s content, unescaped. `None` when
    /// the page has no such field.
    pub fn field_value(&self, name: &str) -> Option<String> {
        for tag in ["input", "textarea"] {
            let opening = format!("<{tag}");
            let mut rest = self.body.as_str();
            while let Some(start) = rest.find(&opening) {
                let after = &rest[start + opening.len()..];
                let end = after.find('>')?;
                let attributes = attributes_of(&after[..end]);
                let named = attributes
                    .iter()
                    .any(|(key, value)| key == "name" && value.as_deref() == Some(name));
                let is_tag = after.starts_with(|c: char| c.is_ascii_whitespace() || c == '>');
                if is_tag && named {
                    let value = if tag == "textarea" {
                        let content = &after[end + 1..];
                        content[..content.find("</textarea>")?].to_owned()
                    } else {
                        attributes
                            .into_iter()
                            .find(|(key, _)| key == "value")
                            .and_then(|(_, value)| value)
                            .unwrap_or_default()
                    };
                    return Some(unescape(&value));
                }
                rest = &after[end..];
            }
        }
        None
    }

    /// Whether the page shows `text` (compared after undoing HTML escapes).
    pub fn shows(&self, text: &str) -> bool {
        unescape(&self.body).contains(text)
    }
}

/// One file of a multipart form.
pub struct UploadFile<'a> {
    pub field: &'a str,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
}

/// `value` escaped for a query string.
fn form_urlencoded_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The attributes of a tag (the text between its name and its `>`), in order, as written: a
/// value in double or single quotes or unquoted, `None` for a bare attribute like `required`.
fn attributes_of(tag: &str) -> Vec<(String, Option<String>)> {
    let mut attributes = Vec::new();
    let mut rest = tag.trim_start();
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let mut value = None;
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (text, remaining) = match after.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    let inner = &after[1..];
                    let close = inner.find(quote).unwrap_or(inner.len());
                    (&inner[..close], inner.get(close + 1..).unwrap_or_default())
                }
                _ => {
                    let close = after
                        .find(|c: char| c.is_ascii_whitespace())
                        .unwrap_or(after.len());
                    (&after[..close], &after[close..])
                }
            };
            value = Some(text.to_owned());
            rest = remaining.trim_start();
        } else if name.is_empty() {
            // A stray `/` (a self-closing tag): skip it.
            rest = rest.get(1..).unwrap_or_default().trim_start();
            continue;
        }
        attributes.push((name, value));
    }
    attributes
}

pub fn unescape(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The first `href` in `html` that starts with `prefix`, unescaped.
pub fn linked_href(html: &str, prefix: &str) -> Option<String> {
    html.split("href=\"")
        .skip(1)
        .map(|s| {
            s.split('"')
                .next()
                .unwrap_or_default()
                .replace("&#x2f;", "/")
        })
        .find(|href| href.starts_with(prefix))
}

pub struct Visitor {
    client: reqwest::Client,
    base: String,
    pub host: String,
    pub cookies: BTreeMap<String, String>,
    pub user_agent: String,
    /// The CSRF token of the last page that had a form.
    pub csrf: Option<String>,
    /// The address a proxy in front of the portal reports for this visitor
    /// (`X-Forwarded-For`; counted only by a platform started with `WEB_TRUST_FORWARDED_FOR`).
    pub forwarded_for: Option<String>,
}

impl Visitor {
    pub fn new(platform: &TestPlatform, host: &str) -> Self {
        let addr = platform.web_addr.expect("web is not running in this test");
        Self {
            client: platform.http.clone(),
            base: format!("http://{addr}"),
            host: host.to_owned(),
            cookies: BTreeMap::new(),
            user_agent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0".to_owned(),
            csrf: None,
            forwarded_for: None,
        }
    }

    /// The same person in another tab: the same session and form token.
    pub fn same_session(&self) -> Self {
        Self {
            client: self.client.clone(),
            base: self.base.clone(),
            host: self.host.clone(),
            cookies: self.cookies.clone(),
            user_agent: self.user_agent.clone(),
            csrf: self.csrf.clone(),
            forwarded_for: self.forwarded_for.clone(),
        }
    }

    /// The same file posted `times` times at once, each from its own tab; the pages in order.
    pub async fn post_file_at_once(
        &self,
        times: usize,
        path: &str,
        field: &str,
        bytes: &[u8],
    ) -> Vec<Page> {
        let mut tabs: Vec<Visitor> = (0..times).map(|_| self.same_session()).collect();
        let posts = tabs
            .iter_mut()
            .map(|tab| tab.post_file(path, field, "bestand", "application/octet-stream", bytes));
        futures::future::join_all(posts).await
    }

    /// The same visitor (cookies and all) talking to another web process at `addr`.
    pub fn through(mut self, addr: std::net::SocketAddr) -> Self {
        self.base = format!("http://{addr}");
        self
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> Page {
        let request = match &self.forwarded_for {
            Some(address) => request.header("X-Forwarded-For", address),
            None => request,
        };
        let response = request
            .header("Host", &self.host)
            .header("Cookie", self.cookie_header())
            .header("User-Agent", &self.user_agent)
            .header("Accept-Language", "nl")
            .send()
            .await
            .expect("request to the portal");
        let page = Page {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.text().await.unwrap_or_default(),
        };
        for cookie in page.set_cookies() {
            let pair = cookie.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() || cookie.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), value.to_owned());
                }
            }
        }
        if let Some(token) = page.hidden("csrf") {
            self.csrf = Some(token);
        }
        page
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let request = self.client.get(format!("{}{path}", self.base));
        self.send(request).await
    }

    /// GETs `path` and returns the status, headers and raw body (an image, a download).
    pub async fn get_bytes(&mut self, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header("Host", &self.host)
            .header("Cookie", self.cookie_header())
            .header("User-Agent", &self.user_agent)
            .send()
            .await
            .expect("request to the portal");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap_or_default().to_vec();
        (status, headers, bytes)
    }

    /// Posts a form with the CSRF token of the last page seen.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut all: Vec<(&str, String)> =
            fields.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
        if let Some(token) = &self.csrf {
            all.push(("csrf", token.clone()));
        }
        self.post_raw(path, &all).await
    }

    /// Posts a form with the CSRF token of the last page seen and returns the status, headers
    /// and raw body (a download).
    pub async fn post_bytes(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, HeaderMap, Vec<u8>) {
        let mut all: Vec<(&str, String)> =
            fields.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
        if let Some(token) = &self.csrf {
            all.push(("csrf", token.clone()));
        }
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .form(&all)
            .header("Host", &self.host)
            .header("Cookie", self.cookie_header())
            .header("User-Agent", &self.user_agent)
            .send()
            .await
            .expect("request to the portal");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap_or_default().to_vec();
        (status, headers, bytes)
    }

    /// Posts exactly these fields (no token added).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, String)]) -> Page {
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .form(fields);
        self.send(request).await
    }

    /// Uploads one file as `multipart/form-data` to `path`, with the CSRF token of the last page
    /// seen in the query (as the portal's upload forms do).
    pub async fn post_file(
        &mut self,
        path: &str,
        field: &str,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Page {
        let file = UploadFile {
            field,
            file_name,
            content_type,
            bytes,
        };
        self.post_multipart(path, &[], &[file]).await
    }

    /// Posts a `multipart/form-data` form with text `fields` and `files`, with the CSRF token of
    /// the last page seen in the query (as the portal's upload forms do).
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[UploadFile<'_>],
    ) -> Page {
        let token = self.csrf.clone().unwrap_or_default();
        let separator = if path.contains('?') { '&' } else { '?' };
        let url = format!(
            "{}{path}{separator}csrf={}",
            self.base,
            form_urlencoded_value(&token)
        );
        let boundary = format!("----zorgportaal{}", uuid::Uuid::new_v4().simple());
        let size: usize = files.iter().map(|f| f.bytes.len() + 512).sum();
        let mut body = Vec::with_capacity(size + 512);
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        for file in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                    file.field, file.file_name, file.content_type
                )
                .as_bytes(),
            );
            body.extend_from_slice(file.bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let request = self
            .client
            .post(url)
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body);
        self.send(request).await
    }

    /// The session cookie's value, under either of its names.
    pub fn session(&self) -> Option<&String> {
        self.cookies
            .get("zp_session")
            .or_else(|| self.cookies.get("__Host-zp_session"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &str) -> Page {
        Page {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: body.to_owned(),
        }
    }

    #[test]
    fn a_field_value_is_read_from_its_own_element_only() {
        let form = page(
            r#"<input data-name="name" value="decoy"><input id="name" name="name" type="text" required value="">
               <input name="email_repeat" value="x@y.nl"><input type=email name=email required>
               <inputmode name="subject" value="decoy"><input name='subject' value='Vraag &amp; antwoord' />
               <textarea id="question" name="question" rows="6">Hoe &lt;werkt&gt; dit?</textarea>"#,
        );
        assert_eq!(form.field_value("name").as_deref(), Some(""));
        assert_eq!(form.field_value("email").as_deref(), Some(""));
        assert_eq!(form.field_value("email_repeat").as_deref(), Some("x@y.nl"));
        assert_eq!(
            form.field_value("subject").as_deref(),
            Some("Vraag & antwoord")
        );
        assert_eq!(
            form.field_value("question").as_deref(),
            Some("Hoe <werkt> dit?")
        );
        assert_eq!(form.field_value("phone"), None);
        let filled = page(r#"<input id="name" name="name" value="gerda" required>"#);
        assert_eq!(filled.field_value("name").as_deref(), Some("gerda"));
    }
}
