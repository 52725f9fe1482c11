//! Random tokens, one-time codes and the server key that signs them.
//!
//! A token (session, e-mail link) is 256 random bits; only its SHA-256 is stored, so a copy of
//! the database opens nothing. Six-digit codes are too few to hide behind a plain hash, so
//! they are stored as an HMAC under the server key, which the database never sees.

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::{Rng, RngCore};
use secrecy::{ExposeSecret, SecretSlice};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A random token as sent to the browser or put in a link, and the hash that is stored.
#[derive(Clone)]
pub struct Token {
    pub value: String,
    pub hash: Vec<u8>,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("value", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// A value that must never reach a log (a password, a code, a link's or a session's token): it
/// deserialises and serialises like a `String` and reads like a `&str`, but prints as
/// `[redacted]` in `Debug`, so a logged request, extractor or queued message shows none of it.
#[derive(Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(transparent)]
pub struct Secret(String);

impl std::ops::Deref for Secret {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl From<Secret> for secrecy::SecretString {
    fn from(value: Secret) -> Self {
        value.0.into()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl Token {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        let value = URL_SAFE_NO_PAD.encode(bytes);
        let hash = hash_token(&value);
        Self { value, hash }
    }
}

/// What is stored for a token. Anything the browser sends is hashed the same way, so a
/// malformed token simply finds nothing.
pub fn hash_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A six-digit code, uniformly drawn (leading zeros kept).
pub fn six_digit_code() -> String {
    format!("{:06}", OsRng.gen_range(0..1_000_000u32))
}

/// The server's secret key: signs CSRF tokens and one-time codes. Cloned per request, so the
/// bytes are shared, not copied.
#[derive(Clone)]
pub struct ServerKey(Arc<SecretSlice<u8>>);

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey(..)")
    }
}

impl ServerKey {
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(Arc::new(bytes.into()))
    }

    /// HMAC-SHA256 of `data`, separated by `purpose` so a value signed for one use is never
    /// valid for another.
    pub fn sign(&self, purpose: &str, data: &[u8]) -> Vec<u8> {
        // HMAC accepts keys of any length; the error case cannot happen.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(self.0.expose_secret()) else {
            return Vec::new();
        };
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(data);
        mac.finalize().into_bytes().to_vec()
    }

    /// Whether `signature` is `sign(purpose, data)`, compared in constant time.
    pub fn verify(&self, purpose: &str, data: &[u8], signature: &[u8]) -> bool {
        let expected = self.sign(purpose, data);
        !expected.is_empty() && bool::from(expected.ct_eq(signature))
    }

    pub fn sign_base64(&self, purpose: &str, data: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(self.sign(purpose, data))
    }

    pub fn verify_base64(&self, purpose: &str, data: &[u8], signature: &str) -> bool {
        URL_SAFE_NO_PAD
            .decode(signature)
            .map(|raw| self.verify(purpose, data, &raw))
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let a = Token::generate();
        let b = Token::generate();
        assert_ne!(a.value, b.value);
        assert_eq!(a.value.len(), 43);
        assert_eq!(a.hash, hash_token(&a.value));
        assert_ne!(a.hash, a.value.as_bytes());
    }

    #[test]
    fn codes_have_six_digits() {
        for _ in 0..1000 {
            let code = six_digit_code();
            assert_eq!(code.len(), 6);
            assert!(code.chars().all(|c| c.is_ascii_digit()));
        }
    }

    #[test]
    fn signatures_are_bound_to_key_purpose_and_data() {
        let key = ServerKey::new(vec![7; 32]);
        let other = ServerKey::new(vec![8; 32]);
        let sig = key.sign_base64("csrf", b"abc");
        assert!(key.verify_base64("csrf", b"abc", &sig));
        assert!(!key.verify_base64("code", b"abc", &sig));
        assert!(!key.verify_base64("csrf", b"abd", &sig));
        assert!(!other.verify_base64("csrf", b"abc", &sig));
        assert!(!key.verify_base64("csrf", b"abc", "not base64!"));
    }
}
