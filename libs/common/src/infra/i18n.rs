//! Every user-facing text comes from the Fluent catalogues in `libs/common/locales/<lang>/`.
//! Dutch first, English second; the language is the user's choice, else `Accept-Language`,
//! else Dutch.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{static_loader, Loader};
use serde::{Deserialize, Serialize};
use unic_langid::{langid, LanguageIdentifier};

static_loader! {
    static CATALOGUES = {
        locales: "./locales",
        fallback_language: "nl",
        // Bidi isolation marks around arguments would end up inside e-mail subjects and URLs.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// Stored as its code (`nl`, `en`); an unknown stored code fails to decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "text", rename_all = "lowercase")]
pub enum Language {
    #[default]
    Nl,
    En,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::Nl, Language::En];

    pub fn code(self) -> &'static str {
        match self {
            Language::Nl => "nl",
            Language::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        let primary = code.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        match primary.as_str() {
            "nl" => Some(Language::Nl),
            "en" => Some(Language::En),
            _ => None,
        }
    }

    fn langid(self) -> LanguageIdentifier {
        match self {
            Language::Nl => langid!("nl"),
            Language::En => langid!("en"),
        }
    }

    /// Picks from an `Accept-Language` header by quality; Dutch when nothing we speak is asked.
    pub fn negotiate(accept_language: Option<&str>) -> Self {
        let Some(header) = accept_language else {
            return Language::Nl;
        };
        let mut best: Option<(f32, Language)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or_default();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(language) = Language::parse(tag) {
                if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                    best = Some((quality, language));
                }
            }
        }
        best.map_or(Language::Nl, |(_, language)| language)
    }
}

impl TryFrom<String> for Language {
    type Error = String;

    /// For columns that hold a language code.
    fn try_from(code: String) -> Result<Self, Self::Error> {
        Self::parse(&code).ok_or(code)
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The text for `key`; a missing key shows itself so it is noticed, and is caught by the
/// catalogue test before it ships.
pub fn text(language: Language, key: &str) -> String {
    CATALOGUES
        .try_lookup(&language.langid(), key)
        .unwrap_or_else(|| key.to_owned())
}

/// The text for `key`, or `None` when the catalogue has no such text (a country without a
/// name in it, say).
pub fn try_text(language: Language, key: &str) -> Option<String> {
    CATALOGUES.try_lookup(&language.langid(), key)
}

/// A value put into a message: text as it is, or a count, which also picks the message's
/// plural form (`[one]` / `*[other]`).
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Count(i64),
}

impl From<String> for Arg {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<&str> for Arg {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<u64> for Arg {
    fn from(count: u64) -> Self {
        Self::Count(i64::try_from(count).unwrap_or(i64::MAX))
    }
}

impl From<i64> for Arg {
    fn from(count: i64) -> Self {
        Self::Count(count)
    }
}

pub fn text_with(language: Language, key: &str, args: &[(&str, Arg)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue<'static>> = args
        .iter()
        .map(|(k, v)| {
            let value = match v {
                Arg::Text(text) => FluentValue::from(text.clone()),
                Arg::Count(count) => FluentValue::from(*count),
            };
            (Cow::Owned((*k).to_owned()), value)
        })
        .collect();
    CATALOGUES
        .try_lookup_with_args(&language.langid(), key, &args)
        .unwrap_or_else(|| key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(catalogue: &str) -> BTreeSet<String> {
        catalogue
            .lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_owned()))
            .collect()
    }

    fn catalogue(language: &str) -> String {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(language);
        let mut all = String::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            all.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
            all.push('\n');
        }
        all
    }

    #[test]
    fn dutch_and_english_catalogues_have_the_same_keys() {
        let nl = keys(&catalogue("nl"));
        let en = keys(&catalogue("en"));
        assert!(nl.len() > 10, "catalogue looks empty: {nl:?}");
        let only_nl: Vec<_> = nl.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&nl).collect();
        assert!(
            only_nl.is_empty() && only_en.is_empty(),
            "only in nl: {only_nl:?}; only in en: {only_en:?}"
        );
    }

    #[test]
    fn texts_resolve_in_both_languages() {
        assert_eq!(text(Language::Nl, "nav-skip-to-content"), "Naar de inhoud");
        assert_eq!(text(Language::En, "nav-skip-to-content"), "Skip to content");
        assert_eq!(
            text_with(Language::En, "email-greeting", &[("name", "Ans".into())]),
            "Dear Ans,"
        );
    }

    #[test]
    fn accept_language_is_negotiated_by_quality() {
        assert_eq!(Language::negotiate(None), Language::Nl);
        assert_eq!(Language::negotiate(Some("en-GB,en;q=0.9")), Language::En);
        assert_eq!(
            Language::negotiate(Some("de-DE, en;q=0.5, nl;q=0.8")),
            Language::Nl
        );
        assert_eq!(Language::negotiate(Some("fr, de")), Language::Nl);
        assert_eq!(Language::negotiate(Some("en;q=0")), Language::Nl);
    }
}
