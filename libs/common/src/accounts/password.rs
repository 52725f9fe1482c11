//! Password rules (ACC-1) and hashing with argon2id.
//!
//! Hashing costs tens of milliseconds of CPU by design, so it runs on the blocking pool and at
//! most `concurrency` hashes run at once: a burst of sign-ins waits its turn instead of taking
//! every core from the requests around it.

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use tokio::sync::Semaphore;

pub const MIN_LENGTH: usize = 12;
/// Long passphrases are welcome; the bound only keeps a hash request from becoming a DoS.
pub const MAX_LENGTH: usize = 256;
/// zxcvbn's scale runs from 0 (guessed at once) to 4 (at least 10^10 guesses). Only 4 is
/// accepted: a Dutch word with a year and a sign ("Welkom01!2024") scores 3.
const MIN_STRENGTH: u8 = 4;

/// zxcvbn's dictionaries are English: these Dutch words turn up in leaked Dutch passwords
/// again and again, so they count as guessable words too.
const DUTCH_PASSWORD_WORDS: &[&str] = &[
    "welkom",
    "wachtwoord",
    "geheim",
    "hallo",
    "hoi",
    "doei",
    "liefde",
    "schat",
    "schatje",
    "lente",
    "zomer",
    "herfst",
    "winter",
    "maandag",
    "vrijdag",
    "januari",
    "december",
    "voetbal",
    "ajax",
    "feyenoord",
    "psv",
    "oranje",
    "nederland",
    "holland",
    "amsterdam",
    "rotterdam",
    "utrecht",
    "denhaag",
    "eindhoven",
    "groningen",
    "zorg",
    "thuiszorg",
    "verpleging",
    "mama",
    "papa",
    "oma",
    "opa",
    "kindje",
    "poes",
    "hond",
    "paard",
    "konijn",
    "wortel",
    "appel",
    "snoepje",
    "prinses",
    "koning",
    "koningin",
    "geluk",
    "gezondheid",
    "familie",
    "vakantie",
    "kerst",
    "pasen",
    "verjaardag",
    "jarig",
];

/// One unmet password rule. Its `code` names the catalogue text that explains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    NoDigit,
    NoLowercase,
    NoUppercase,
    NoSpecial,
    /// Well-known or easy to guess (zxcvbn), even though every rule is met.
    Guessable,
    /// The confirmation differs.
    Mismatch,
}

impl PasswordProblem {
    pub fn code(self) -> &'static str {
        match self {
            PasswordProblem::TooShort => "password-rule-length",
            PasswordProblem::TooLong => "password-too-long",
            PasswordProblem::NoDigit => "password-rule-digit",
            PasswordProblem::NoLowercase => "password-rule-lowercase",
            PasswordProblem::NoUppercase => "password-rule-uppercase",
            PasswordProblem::NoSpecial => "password-rule-special",
            PasswordProblem::Guessable => "password-guessable",
            PasswordProblem::Mismatch => "password-mismatch",
        }
    }
}

/// The rules of the manual, in the order they are shown next to the field.
pub const RULES: &[PasswordProblem] = &[
    PasswordProblem::TooShort,
    PasswordProblem::NoDigit,
    PasswordProblem::NoLowercase,
    PasswordProblem::NoUppercase,
    PasswordProblem::NoSpecial,
];

/// Every problem with `password`; empty means it may be used. `personal` holds what the
/// person typed elsewhere (name, e-mail): a password built from those is guessable.
pub fn check(password: &str, confirmation: &str, personal: &[&str]) -> Vec<PasswordProblem> {
    let length = password.chars().count();
    let mut problems = Vec::new();
    if length < MIN_LENGTH {
        problems.push(PasswordProblem::TooShort);
    }
    if length > MAX_LENGTH {
        problems.push(PasswordProblem::TooLong);
    }
    if !password.chars().any(|c| c.is_numeric()) {
        problems.push(PasswordProblem::NoDigit);
    }
    if !password.chars().any(char::is_lowercase) {
        problems.push(PasswordProblem::NoLowercase);
    }
    if !password.chars().any(char::is_uppercase) {
        problems.push(PasswordProblem::NoUppercase);
    }
    if !password
        .chars()
        .any(|c| !c.is_alphanumeric() && !c.is_whitespace())
    {
        problems.push(PasswordProblem::NoSpecial);
    }
    // The strength check reads only what the rules let through; its cost grows with length.
    if problems.is_empty() {
        // zxcvbn matches whole words: "Jan Jansen" and "jan.jansen@example.nl" count word by word.
        let personal_words: Vec<String> = personal
            .iter()
            .flat_map(|text| text.split(|c: char| !c.is_alphanumeric()))
            .filter(|word| word.chars().count() >= 3)
            .map(str::to_lowercase)
            .collect();
        let known: Vec<&str> = personal_words
            .iter()
            .map(String::as_str)
            .chain(DUTCH_PASSWORD_WORDS.iter().copied())
            .collect();
        // Guessers join words with any separator; zxcvbn only sees words without them.
        let joined: String = password
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | '.' | ' '))
            .collect();
        let score = [password, joined.as_str()]
            .into_iter()
            .filter(|candidate| !candidate.is_empty())
            .map(|candidate| u8::from(zxcvbn::zxcvbn(candidate, &known).score()))
            .min()
            .unwrap_or(0);
        if score < MIN_STRENGTH {
            problems.push(PasswordProblem::Guessable);
        }
    }
    if password != confirmation {
        problems.push(PasswordProblem::Mismatch);
    }
    problems
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("the hashing task stopped: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("the hasher is closed")]
    Closed,
}

/// argon2id with OWASP's recommended minimum: 19 MiB, 2 iterations, 1 lane.
#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    params: Params,
    /// Verified against when an e-mail address is unknown, so that the answer takes as long
    /// as for a known one and does not tell which addresses have accounts.
    dummy_hash: Arc<str>,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("available", &self.permits.available_permits())
            .finish()
    }
}

pub fn owasp_params() -> Params {
    // The arguments are constants within argon2's limits; `DEFAULT` is the fallback anyway.
    Params::new(19 * 1024, 2, 1, None).unwrap_or(Params::DEFAULT)
}

fn argon2(params: &Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
}

fn hash_blocking(params: &Params, password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2(params)
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError::Hash(e.to_string()))
}

fn verify_blocking(params: &Params, password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            argon2(params)
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

impl PasswordHasher {
    pub fn new(concurrency: usize) -> Result<Self, HashError> {
        Self::with_params(concurrency, owasp_params())
    }

    pub fn with_params(concurrency: usize, params: Params) -> Result<Self, HashError> {
        let dummy_hash = hash_blocking(&params, "not a password anyone has")?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            params,
            dummy_hash: Arc::from(dummy_hash),
        })
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Params) -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| HashError::Closed)?;
        let params = self.params.clone();
        Ok(tokio::task::spawn_blocking(move || work(&params)).await?)
    }

    pub async fn hash(&self, password: &SecretString) -> Result<String, HashError> {
        let password = password.expose_secret().to_owned();
        self.run(move |params| hash_blocking(params, &password))
            .await?
    }

    /// Whether `password` matches `hash`; `None` verifies against a dummy (always false).
    pub async fn verify(
        &self,
        password: &SecretString,
        hash: Option<&str>,
    ) -> Result<bool, HashError> {
        let known = hash.is_some();
        let hash = hash.unwrap_or(&self.dummy_hash).to_owned();
        let password = password.expose_secret().to_owned();
        let matches = self
            .run(move |params| verify_blocking(params, &password, &hash))
            .await?;
        Ok(known && matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(password: &str) -> Vec<PasswordProblem> {
        check(password, password, &[])
    }

    #[test]
    fn each_rule_is_reported_on_its_own() {
        assert_eq!(problems("Kort1!"), vec![PasswordProblem::TooShort]);
        assert_eq!(problems("Geencijfershier!"), vec![PasswordProblem::NoDigit]);
        assert_eq!(
            problems("GEENKLEINE-LETTERS9"),
            vec![PasswordProblem::NoLowercase]
        );
        assert_eq!(
            problems("geen-hoofdletters9"),
            vec![PasswordProblem::NoUppercase]
        );
        assert_eq!(
            problems("GeenSpeciaalTeken9x"),
            vec![PasswordProblem::NoSpecial]
        );
        assert_eq!(
            check("Zeer-Sterk-W8woord-7", "iets anders", &[]),
            vec![PasswordProblem::Mismatch]
        );
    }

    #[test]
    fn well_known_passwords_are_refused_even_when_the_rules_hold() {
        assert_eq!(problems("Password123!"), vec![PasswordProblem::Guessable]);
        assert_eq!(problems("Welkom01!2024"), vec![PasswordProblem::Guessable]);
        assert_eq!(
            check("Jan-Jansen-1970", "Jan-Jansen-1970", &["Jan Jansen"]),
            vec![PasswordProblem::Guessable]
        );
        assert!(problems("Tulp-Fietsbel-Kaas-42").is_empty());
    }

    #[test]
    fn long_pasted_passphrases_are_accepted() {
        let long = "Ik fiets elke ochtend 7 km langs de Amstel naar mijn werk, ook als het regent!";
        assert!(long.chars().count() > 64);
        assert!(problems(long).is_empty());
        assert_eq!(
            problems(&"Aa1!".repeat(65)).first(),
            Some(&PasswordProblem::TooLong)
        );
    }

    #[tokio::test]
    async fn hashes_verify_and_unknown_accounts_never_match() {
        let hasher = PasswordHasher::with_params(
            2,
            Params::new(1024, 1, 1, None).unwrap_or(Params::DEFAULT),
        )
        .unwrap();
        let secret: SecretString = "Tulp-Fietsbel-Kaas-42".into();
        let hash = hasher.hash(&secret).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(hasher.verify(&secret, Some(&hash)).await.unwrap());
        assert!(!hasher.verify(&"fout".into(), Some(&hash)).await.unwrap());
        assert!(!hasher.verify(&secret, None).await.unwrap());
    }

    #[test]
    fn production_parameters_are_owasps() {
        let params = owasp_params();
        assert_eq!(
            (params.m_cost(), params.t_cost(), params.p_cost()),
            (19_456, 2, 1)
        );
    }
}
