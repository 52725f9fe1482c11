//! The organisation's branding (TEN-3): name, colours with enough contrast, logo, contact
//! details and welcome text. It lives in the platform schema, with the tenant row.

use sqlx::{PgConnection, PgExecutor};

use crate::accounts::profile;
use crate::accounts::EmailAddress;
use crate::infra::images::{self, DecodeLimits, DecodeProblem};
use crate::infra::tenancy::{Color, TenantId};

pub const DISPLAY_NAME_MAX: usize = 120;
pub const WELCOME_TEXT_MAX: usize = 2000;
pub const SUPPORT_URL_MAX: usize = 300;
/// WCAG 2.2 AA for normal text.
pub const MIN_CONTRAST: f64 = 4.5;
/// The largest logo we take.
pub const LOGO_MAX_BYTES: usize = 2 * 1024 * 1024;
/// A logo is printed at most 720 pixels wide; a much larger one is refused from its header.
pub const LOGO_LIMITS: DecodeLimits = DecodeLimits {
    max_side: 8_000,
    max_pixels: 16_000_000,
    max_decoded_bytes: 4 * 16_000_000,
};

/// The branding form as it arrived, before checking.
#[derive(Debug, Clone, Default)]
pub struct BrandingForm<'a> {
    pub display_name: &'a str,
    pub primary_color: &'a str,
    pub accent_color: &'a str,
    pub support_phone: &'a str,
    pub support_email: &'a str,
    pub support_url: &'a str,
    pub welcome_text: &'a str,
}

/// Checked branding, ready to store.
#[derive(Debug, Clone)]
pub struct BrandingUpdate {
    pub display_name: String,
    pub primary_color: Color,
    pub accent_color: Color,
    pub support_phone: Option<String>,
    pub support_email: Option<EmailAddress>,
    pub support_url: Option<String>,
    pub welcome_text: Option<String>,
}

/// Trimmed text of at most `max` characters without control characters (line breaks allowed
/// where `multiline`); `None` when it breaks a rule.
fn clean_text(raw: &str, max: usize, multiline: bool) -> Option<String> {
    let text = raw.trim().replace("\r\n", "\n");
    let allowed = |c: char| !c.is_control() || (multiline && (c == '\n' || c == '\t'));
    (text.chars().count() <= max && text.chars().all(allowed)).then_some(text)
}

fn optional(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

/// A phone number as people write it: digits with spaces, dashes, brackets and a leading +.
fn phone_ok(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    (6..=15).contains(&digits)
        && phone.len() <= 30
        && phone.chars().enumerate().all(|(i, c)| {
            c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')') || (c == '+' && i == 0)
        })
}

/// An absolute web address: https (or http), a host, nothing that breaks out of an attribute.
fn url_ok(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host = rest.and_then(|r| r.split(['/', '?', '#']).next());
    host.is_some_and(|h| h.contains('.') && !h.starts_with('.'))
        && url.len() <= SUPPORT_URL_MAX
        && url
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\'' | '<' | '>' | '\\' | '`'))
}

/// The colour a link in this colour appears on: the page background.
fn page_background() -> Color {
    Color::white()
}

/// Checks a colour used as a background with white or black text on it. The primary colour is
/// also the colour of links and outlined buttons on the white page, so it must read on white.
fn check_color(
    raw: &str,
    readable_on_white: bool,
    field: &'static str,
    problems: &mut Vec<(&'static str, &'static str)>,
) -> Option<Color> {
    let Ok(color) = Color::parse(raw) else {
        problems.push((field, "admin-color-invalid"));
        return None;
    };
    if color.contrast(&color.readable_text()) < MIN_CONTRAST {
        problems.push((field, "admin-color-contrast-text"));
        return None;
    }
    if readable_on_white && color.contrast(&page_background()) < MIN_CONTRAST {
        problems.push((field, "admin-color-contrast-white"));
        return None;
    }
    Some(color)
}

impl BrandingUpdate {
    /// Checks every field; on failure, the catalogue key of each problem by field.
    pub fn parse(form: &BrandingForm<'_>) -> Result<Self, Vec<(&'static str, &'static str)>> {
        let mut problems = Vec::new();
        let display_name =
            clean_text(form.display_name, DISPLAY_NAME_MAX, false).filter(|n| !n.is_empty());
        if display_name.is_none() {
            problems.push(("display_name", "admin-display-name-invalid"));
        }
        let primary = check_color(form.primary_color, true, "primary_color", &mut problems);
        let accent = check_color(form.accent_color, false, "accent_color", &mut problems);

        let phone = form.support_phone.trim();
        if !phone.is_empty() && !phone_ok(phone) {
            problems.push(("support_phone", "admin-phone-invalid"));
        }
        let email = form.support_email.trim();
        let support_email = if email.is_empty() {
            None
        } else {
            match EmailAddress::parse(email) {
                Ok(address) => Some(address),
                Err(_) => {
                    problems.push(("support_email", "admin-email-invalid"));
                    None
                }
            }
        };
        let url = form.support_url.trim();
        if !url.is_empty() && !url_ok(url) {
            problems.push(("support_url", "admin-url-invalid"));
        }
        let welcome = clean_text(form.welcome_text, WELCOME_TEXT_MAX, true);
        if welcome.is_none() {
            problems.push(("welcome_text", "admin-welcome-invalid"));
        }
        match (display_name, primary, accent, welcome) {
            (Some(display_name), Some(primary_color), Some(accent_color), Some(welcome))
                if problems.is_empty() =>
            {
                Ok(Self {
                    display_name,
                    primary_color,
                    accent_color,
                    support_phone: optional(phone.to_owned()),
                    support_email,
                    support_url: optional(url.to_owned()),
                    welcome_text: optional(welcome),
                })
            }
            _ => Err(problems),
        }
    }
}

// Both statements below move the tenant's version on with
// `updated_at = greatest(now(), updated_at + interval '1 millisecond')`, so cached pages and the
// theme stylesheet are renewed (strictly later, even within one millisecond). The macros need
// each statement whole, so the expression is written out in both.

/// Stores the branding; every process reloads the tenant (the table's trigger notifies them).
pub async fn update_branding(
    db: impl PgExecutor<'_>,
    tenant: TenantId,
    update: &BrandingUpdate,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE platform.tenants
            SET display_name = $2, primary_color = $3, accent_color = $4, support_phone = $5,
                support_email = $6, support_url = $7, welcome_text = $8,
                updated_at = greatest(now(), updated_at + interval '1 millisecond')
          WHERE id = $1",
        tenant as TenantId,
        update.display_name,
        update.primary_color.as_str(),
        update.accent_color.as_str(),
        update.support_phone.as_deref(),
        update.support_email.as_ref().map(EmailAddress::as_str),
        update.support_url.as_deref(),
        update.welcome_text.as_deref(),
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Points the tenant at a new logo (or none); returns the key of the logo it replaces, whose
/// object the caller has removed.
pub async fn set_logo(
    conn: &mut PgConnection,
    tenant: TenantId,
    key: Option<&str>,
) -> Result<Option<String>, sqlx::Error> {
    let old = sqlx::query_scalar!(
        "SELECT logo_key FROM platform.tenants WHERE id = $1 FOR UPDATE",
        tenant as TenantId,
    )
    .fetch_optional(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE platform.tenants
            SET logo_key = $2, updated_at = greatest(now(), updated_at + interval '1 millisecond')
          WHERE id = $1",
        tenant as TenantId,
        key,
    )
    .execute(&mut *conn)
    .await?;
    Ok(old.flatten().filter(|old| Some(old.as_str()) != key))
}

/// Why a logo cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LogoProblem {
    #[error("no file chosen")]
    Missing,
    #[error("file too large")]
    TooLarge,
    #[error("not a PNG, JPEG or WebP image")]
    WrongType,
    #[error("too many pixels")]
    TooManyPixels,
    #[error("the image cannot be read")]
    Unreadable,
}

impl LogoProblem {
    pub fn code(self) -> &'static str {
        match self {
            LogoProblem::Missing => "admin-logo-missing",
            LogoProblem::TooLarge => "admin-logo-too-large",
            LogoProblem::WrongType => "admin-logo-wrong-type",
            LogoProblem::TooManyPixels => "admin-logo-too-many-pixels",
            LogoProblem::Unreadable => "admin-logo-unreadable",
        }
    }
}

/// Checks a logo by its content (not its name or declared type) and the size its header
/// claims, without decoding its pixels; returns its MIME type.
pub fn check_logo(bytes: &[u8]) -> Result<&'static str, LogoProblem> {
    if bytes.is_empty() {
        return Err(LogoProblem::Missing);
    }
    if bytes.len() > LOGO_MAX_BYTES {
        return Err(LogoProblem::TooLarge);
    }
    let format = profile::sniff(bytes).ok_or(LogoProblem::WrongType)?;
    images::check_header(bytes, format.image_format(), LOGO_LIMITS).map_err(
        |problem| match problem {
            DecodeProblem::TooLarge => LogoProblem::TooManyPixels,
            DecodeProblem::Unreadable => LogoProblem::Unreadable,
        },
    )?;
    Ok(format.mime())
}

/// WCAG 2 contrast arithmetic on a colour.
pub trait Contrast {
    /// Relative luminance as WCAG 2 defines it.
    fn luminance(&self) -> f64;
    /// WCAG contrast ratio between two colours (1 to 21).
    fn contrast(&self, other: &Color) -> f64;
    /// White or black, whichever reads better on this colour as a background.
    fn readable_text(&self) -> Color;
}

/// One channel (0 red, 1 green, 2 blue) linearised from sRGB.
fn linear_channel(color: &Color, index: usize) -> f64 {
    let c = f64::from(color.rgb()[index]) / 255.0;
    if c <= 0.039_28 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

impl Contrast for Color {
    fn luminance(&self) -> f64 {
        0.2126 * linear_channel(self, 0)
            + 0.7152 * linear_channel(self, 1)
            + 0.0722 * linear_channel(self, 2)
    }

    fn contrast(&self, other: &Color) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        let (light, dark) = if a > b { (a, b) } else { (b, a) };
        (light + 0.05) / (dark + 0.05)
    }

    fn readable_text(&self) -> Color {
        let (white, black) = (Color::white(), Color::black());
        if self.contrast(&white) >= self.contrast(&black) {
            white
        } else {
            black
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form<'a>(primary: &'a str, accent: &'a str) -> BrandingForm<'a> {
        BrandingForm {
            display_name: " Zorggroep De Linde ",
            primary_color: primary,
            accent_color: accent,
            support_phone: "030 - 123 45 67",
            support_email: "zorg@delinde.example",
            support_url: "https://delinde.example/contact",
            welcome_text: "Welkom!\r\nFijn dat je er bent.",
        }
    }

    #[test]
    fn good_branding_is_trimmed_and_kept() {
        let update = BrandingUpdate::parse(&form("#1D4F91", "#e07a10")).unwrap();
        assert_eq!(update.display_name, "Zorggroep De Linde");
        assert_eq!(update.primary_color.as_str(), "#1d4f91");
        assert_eq!(
            update.welcome_text.as_deref(),
            Some("Welkom!\nFijn dat je er bent.")
        );
        assert_eq!(update.support_phone.as_deref(), Some("030 - 123 45 67"));
    }

    #[test]
    fn colours_need_the_format_and_enough_contrast() {
        let problems = BrandingUpdate::parse(&form("red", "#e07a1")).unwrap_err();
        assert_eq!(
            problems,
            [
                ("primary_color", "admin-color-invalid"),
                ("accent_color", "admin-color-invalid")
            ]
        );
        // Yellow is fine behind black text, but links in yellow on white are unreadable.
        let problems = BrandingUpdate::parse(&form("#ffd700", "#ffd700")).unwrap_err();
        assert_eq!(problems, [("primary_color", "admin-color-contrast-white")]);
    }

    #[test]
    fn contact_details_are_checked() {
        let mut bad = form("#1d4f91", "#e07a10");
        bad.support_phone = "bel ons";
        bad.support_email = "geen-adres";
        bad.support_url = "javascript:alert(1)";
        bad.display_name = " ";
        let fields: Vec<&str> = BrandingUpdate::parse(&bad)
            .unwrap_err()
            .iter()
            .map(|(f, _)| *f)
            .collect();
        assert_eq!(
            fields,
            [
                "display_name",
                "support_phone",
                "support_email",
                "support_url"
            ]
        );
        assert!(!url_ok("https://x.example/\"onmouseover=1"));
        assert!(url_ok("http://intranet.example"));
    }

    #[test]
    fn logos_are_checked_by_content_and_header() {
        let png = |width: u32, height: u32| {
            let mut out = std::io::Cursor::new(Vec::new());
            image::RgbaImage::new(width, height)
                .write_to(&mut out, image::ImageFormat::Png)
                .unwrap();
            out.into_inner()
        };
        assert_eq!(check_logo(&png(300, 100)), Ok("image/png"));
        // Read from the header: too wide for a logo, or only a PNG's signature.
        assert_eq!(
            check_logo(&png(LOGO_LIMITS.max_side + 1, 1)),
            Err(LogoProblem::TooManyPixels)
        );
        let signature = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0];
        assert_eq!(check_logo(&signature), Err(LogoProblem::Unreadable));
        assert_eq!(check_logo(b"<svg></svg>"), Err(LogoProblem::WrongType));
        assert_eq!(check_logo(b""), Err(LogoProblem::Missing));
        assert_eq!(
            check_logo(&vec![0; LOGO_MAX_BYTES + 1]),
            Err(LogoProblem::TooLarge)
        );
    }

    #[test]
    fn text_on_a_colour_keeps_wcag_aa_contrast() {
        let black = Color::parse("#000000").unwrap();
        let white = Color::parse("#ffffff").unwrap();
        assert!((black.contrast(&white) - 21.0).abs() < 0.01);
        for background in [
            "#1d4f91", "#ffd700", "#e07a10", "#777777", "#00ff00", "#0000ff",
        ] {
            let background = Color::parse(background).unwrap();
            let text = background.readable_text();
            assert!(
                background.contrast(&text) >= 4.5,
                "{background:?} with {text:?}: {}",
                background.contrast(&text)
            );
        }
    }
}
