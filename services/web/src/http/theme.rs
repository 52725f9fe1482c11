//! An organisation's colours as design tokens: the custom properties of `static/tokens.css`
//! that follow the branding, for `/theme.css` and for the branding page's preview. The
//! colours themselves were contrast-checked when they were saved (`organisation::branding`).

use common::infra::tenancy::Color;
use common::organisation::branding::Contrast;

/// Which of the organisation's colours a token takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Primary,
    /// Black or white, whichever reads better on the primary colour.
    OnPrimary,
    /// The primary colour moved away from its text colour: hover, focus and pressed states.
    PrimaryHover,
    Accent,
    OnAccent,
}

impl Role {
    /// The name brand-preview.js knows the role by.
    pub fn name(self) -> &'static str {
        match self {
            Role::Primary => "primary",
            Role::OnPrimary => "on-primary",
            Role::PrimaryHover => "primary-hover",
            Role::Accent => "accent",
            Role::OnAccent => "on-accent",
        }
    }
}

/// The tokens the branding sets; every other token keeps its value from `tokens.css`.
pub const TOKENS: &[(&str, Role)] = &[
    ("--zorgportaal-color-primary", Role::Primary),
    ("--zorgportaal-color-on-primary", Role::OnPrimary),
    ("--zorgportaal-color-primary-hover", Role::PrimaryHover),
    ("--zorgportaal-color-accent", Role::Accent),
    ("--zorgportaal-color-on-accent", Role::OnAccent),
    ("--utrecht-page-header-background-color", Role::Primary),
    ("--utrecht-page-header-color", Role::OnPrimary),
    ("--utrecht-page-header-border-block-end-color", Role::Accent),
    ("--utrecht-link-color", Role::Primary),
    ("--utrecht-link-visited-color", Role::Primary),
    ("--utrecht-link-hover-color", Role::PrimaryHover),
    ("--utrecht-link-focus-color", Role::PrimaryHover),
    ("--utrecht-link-active-color", Role::PrimaryHover),
    (
        "--utrecht-button-primary-action-background-color",
        Role::Primary,
    ),
    (
        "--utrecht-button-primary-action-border-color",
        Role::Primary,
    ),
    ("--utrecht-button-primary-action-color", Role::OnPrimary),
    (
        "--utrecht-button-primary-action-hover-background-color",
        Role::PrimaryHover,
    ),
    (
        "--utrecht-button-primary-action-hover-border-color",
        Role::PrimaryHover,
    ),
    (
        "--utrecht-button-primary-action-hover-color",
        Role::OnPrimary,
    ),
    (
        "--utrecht-button-primary-action-focus-background-color",
        Role::PrimaryHover,
    ),
    (
        "--utrecht-button-primary-action-focus-border-color",
        Role::PrimaryHover,
    ),
    (
        "--utrecht-button-primary-action-focus-color",
        Role::OnPrimary,
    ),
    (
        "--utrecht-button-primary-action-active-background-color",
        Role::PrimaryHover,
    ),
    (
        "--utrecht-button-primary-action-active-border-color",
        Role::PrimaryHover,
    ),
    (
        "--utrecht-button-primary-action-active-color",
        Role::OnPrimary,
    ),
    (
        "--utrecht-button-secondary-action-border-color",
        Role::Primary,
    ),
    ("--utrecht-button-secondary-action-color", Role::Primary),
    (
        "--utrecht-button-secondary-action-hover-border-color",
        Role::PrimaryHover,
    ),
    (
        "--utrecht-button-secondary-action-hover-color",
        Role::PrimaryHover,
    ),
    (
        "--utrecht-button-secondary-action-focus-color",
        Role::PrimaryHover,
    ),
    ("--utrecht-button-subtle-color", Role::Primary),
    ("--utrecht-button-subtle-hover-color", Role::PrimaryHover),
    ("--utrecht-badge-counter-background-color", Role::Accent),
    ("--utrecht-badge-counter-color", Role::OnAccent),
];

/// The primary and accent colours with the colours derived from them.
#[derive(Debug, Clone)]
pub struct Palette {
    primary: Color,
    on_primary: Color,
    primary_hover: Color,
    accent: Color,
    on_accent: Color,
}

impl Palette {
    pub fn new(primary: Color, accent: Color) -> Self {
        let on_primary = primary.readable_text();
        let primary_hover = shade(&primary, &on_primary);
        let on_accent = accent.readable_text();
        Self {
            primary,
            on_primary,
            primary_hover,
            accent,
            on_accent,
        }
    }

    pub fn color(&self, role: Role) -> &Color {
        match role {
            Role::Primary => &self.primary,
            Role::OnPrimary => &self.on_primary,
            Role::PrimaryHover => &self.primary_hover,
            Role::Accent => &self.accent,
            Role::OnAccent => &self.on_accent,
        }
    }

    /// A rule that sets every token of [`TOKENS`] on `selector`.
    pub fn css(&self, selector: &str) -> String {
        let mut css = format!("{selector} {{\n");
        for (token, role) in TOKENS {
            css.push_str(&format!("  {token}: {};\n", self.color(*role).as_str()));
        }
        css.push_str("}\n");
        css
    }
}

/// The colour a fifth of the way from `color` to black, or to white when its text is black:
/// the text keeps at least the contrast it had.
fn shade(color: &Color, text: &Color) -> Color {
    let target: u8 = if text == &Color::white() { 0 } else { 255 };
    let [r, g, b] = color
        .rgb()
        .map(|c| ((u16::from(c) * 4 + u16::from(target)) / 5) as u8);
    Color::parse(&format!("#{r:02x}{g:02x}{b:02x}")).unwrap_or_else(|_| color.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn color(hex: &str) -> Color {
        Color::parse(hex).unwrap()
    }

    #[test]
    fn the_hover_shade_keeps_the_text_readable() {
        for hex in [
            "#1d4f91", "#ffd700", "#7a2e8f", "#e07a10", "#000000", "#ffffff",
        ] {
            let palette = Palette::new(color(hex), color("#e07a10"));
            let text = palette.color(Role::OnPrimary);
            let hover = palette.color(Role::PrimaryHover);
            assert!(
                hover.contrast(text) >= color(hex).contrast(text),
                "{hex}: hover {} against {}",
                hover.as_str(),
                text.as_str()
            );
        }
    }

    #[test]
    fn every_token_takes_the_colour_of_its_role() {
        let palette = Palette::new(color("#0b5d4b"), color("#ffd700"));
        let css = palette.css(".zorgportaal-theme");
        assert!(css.contains("--utrecht-button-primary-action-background-color: #0b5d4b;"));
        assert!(css.contains("--utrecht-button-primary-action-color: #ffffff;"));
        assert!(css.contains("--utrecht-link-color: #0b5d4b;"));
        assert!(css.contains("--utrecht-badge-counter-color: #000000;"));
        assert_eq!(css.matches(": #").count(), TOKENS.len());
    }
}
