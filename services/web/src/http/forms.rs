//! What the account forms share: per-field error codes, the "wait a while" text of a rate
//! limit, and queuing a notification in the caller's transaction.

use std::collections::BTreeMap;
use std::time::Duration;

use common::accounts::Account;
use common::infra::i18n::{self, Language};
use common::infra::outbox::{self, Event, Message, Recipient};
use common::infra::tenancy::Tenant;
use common::infra::throttle::Decision;
use serde::Serialize;
use time::OffsetDateTime;

use crate::http::error::AppError;

pub use common::infra::i18n::{text, text_with};

/// Catalogue keys of the problems per form field; shown next to the field.
#[derive(Debug, Default, Serialize)]
pub struct FieldErrors(BTreeMap<&'static str, Vec<&'static str>>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, code: &'static str) {
        self.0.entry(field).or_default().push(code);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// "Too many tries: try again in …", rounded up to whole seconds or minutes.
pub fn wait_text(language: Language, decision: Decision) -> String {
    let wait = decision.retry_after().max(Duration::from_secs(1));
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    if seconds <= 90 {
        i18n::text_with(
            language,
            "throttle-wait-seconds",
            &[("seconds", seconds.into())],
        )
    } else {
        let minutes = seconds.div_ceil(60);
        i18n::text_with(
            language,
            "throttle-wait-minutes",
            &[("minutes", minutes.into())],
        )
    }
}

/// Queues `message` to `to` in the transaction `conn`; it goes out only if that commits.
pub async fn notify(
    conn: &mut sqlx::PgConnection,
    tenant: &Tenant,
    now: OffsetDateTime,
    to: Recipient,
    language: Language,
    message: Message,
) -> Result<(), AppError> {
    let event = Event::notification(&tenant.slug, now, to, language, message);
    outbox::write(conn, &event)
        .await
        .map_err(AppError::internal)
}

/// Queues `message` by e-mail to the account holder, in their own language, in `conn`.
pub async fn mail_account(
    conn: &mut sqlx::PgConnection,
    tenant: &Tenant,
    now: OffsetDateTime,
    account: &Account,
    message: Message,
) -> Result<(), AppError> {
    let to = email_to(&account.email, &account.name);
    notify(conn, tenant, now, to, account.language, message).await
}

/// The e-mail recipient for an account holder.
pub fn email_to(address: &str, name: &str) -> Recipient {
    Recipient::Email {
        address: address.to_owned(),
        name: Some(name.to_owned()),
    }
}

/// `candidate` if it is a path on this portal ("/instellingen?x=1"); never another site
/// ("//evil.example", "https://…", "/\\evil.example"), so redirects to it stay at home.
pub fn local_path(candidate: &str) -> Option<&str> {
    let rest = candidate.strip_prefix('/')?;
    let starts_badly = rest.starts_with('/') || rest.starts_with('\\');
    let has_control = candidate.chars().any(|c| c.is_control());
    (!starts_badly && !has_control).then_some(candidate)
}

/// A urlencoded form body as its name–value pairs, in order: for forms that send one name
/// several times (a group of checkboxes), which the `Form` extractor cannot read.
#[derive(Debug, Default)]
pub struct FormPairs(Vec<(String, String)>);

/// The largest form body read into [`FormPairs`].
const FORM_PAIRS_LIMIT: usize = 64 * 1024;

impl FormPairs {
    /// The first value sent for `name`, or "".
    pub fn value(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    }

    /// Every value sent for `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .collect()
    }
}

impl<'a> poem::FromRequest<'a> for FormPairs {
    async fn from_request(
        _req: &'a poem::Request,
        body: &mut poem::RequestBody,
    ) -> poem::Result<Self> {
        let bytes = body
            .take()?
            .into_bytes_limit(FORM_PAIRS_LIMIT)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        Ok(FormPairs(
            form_urlencoded::parse(&bytes).into_owned().collect(),
        ))
    }
}

/// Whether an HTML checkbox was ticked (browsers send "on" unless told otherwise).
pub fn checked(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.is_empty())
}

pub use common::infra::crypto::Secret;

/// The token of an invitation link (to a care page's network, to the tenant admins, to the
/// care team): in the link's query, and again in the form that accepts it.
#[derive(Debug, Default, serde::Deserialize)]
pub struct InvitationToken {
    #[serde(default)]
    pub token: Secret,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_on_this_portal_are_local() {
        assert_eq!(local_path("/instellingen?x=1"), Some("/instellingen?x=1"));
        assert_eq!(local_path("/"), Some("/"));
        for outside in [
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example",
            "",
            "x",
        ] {
            assert_eq!(local_path(outside), None, "{outside}");
        }
        assert_eq!(local_path("/a\r\nSet-Cookie: x=1"), None);
    }

    #[test]
    fn waits_read_in_seconds_then_minutes() {
        assert_eq!(
            wait_text(Language::Nl, Decision::Wait(Duration::from_millis(1500))),
            "Te veel pogingen. Probeer het over 2 seconden opnieuw."
        );
        assert_eq!(
            wait_text(
                Language::En,
                Decision::Locked(Duration::from_secs(14 * 60 + 5))
            ),
            "Too many attempts. Try again in 15 minutes."
        );
    }

    /// Every form that carries a password, a code or a token prints none of it.
    #[test]
    fn forms_with_secrets_print_them_redacted() {
        use crate::routes::portal::account::{code_entry, password_reset, phone, profile};
        use crate::routes::portal::account::{signin, signup};
        use crate::routes::portal::care_page::activation;

        let secret = "Geheim-7391-Xq";
        let fields = serde_json::json!({
            "email": "ria@example.nl", "name": "Ria", "password": secret,
            "current_password": secret, "token": secret, "code": secret, "birth_date": "",
            "terms": "on", "voor": "", "zorgpagina": null,
        });
        fn shown<T: serde::de::DeserializeOwned + std::fmt::Debug>(
            fields: &serde_json::Value,
        ) -> String {
            let form: T = serde_json::from_value(fields.clone()).unwrap();
            format!("{form:?}")
        }
        let printed = [
            shown::<signin::SignInForm>(&fields),
            shown::<signup::SignUpForm>(&fields),
            shown::<signup::ConfirmForm>(&fields),
            shown::<password_reset::NewPasswordForm>(&fields),
            shown::<profile::PasswordForm>(&fields),
            shown::<profile::DeleteForm>(&fields),
            shown::<phone::LinkForm>(&fields),
            shown::<phone::NumberForm>(&fields),
            shown::<phone::RemoveForm>(&fields),
            shown::<code_entry::CodeForm>(&fields),
            shown::<activation::ActivationForm>(&fields),
            shown::<InvitationToken>(&fields),
        ];
        for text in printed {
            assert!(!text.contains(secret), "{text}");
            assert!(text.contains("[redacted]"), "{text}");
        }
        let secret_value = Secret::from(secret.to_owned());
        assert_eq!(&*secret_value, secret);
        assert_eq!(serde_json::to_value(&secret_value).unwrap(), secret);
    }
}
