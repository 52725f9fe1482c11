//! SMS and voice through the provider's HTTP API. The request shape is MessageBird's REST API
//! (`POST /messages`, `POST /voicemessages`, `Authorization: AccessKey …`); the base URL is
//! configuration, so tests point it at a local receiver. Our event id goes along as
//! `reference`, so the provider's records can be matched to ours.

use common::infra::config::SmsConfig;
use common::infra::i18n::Language;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The provider will not accept this request as it is (bad number, bad key): retrying won't help.
    #[error("provider refused the request: HTTP {0}")]
    Refused(u16),
    /// The provider is busy or down, or could not be reached: nothing was sent, try again later.
    #[error("provider unavailable: {0}")]
    Unavailable(String),
    /// The request went out but no answer came (a time-out, a connection cut mid-request): the
    /// provider may have sent the message.
    #[error(
        "no answer from the provider ({0}); the message may have been sent, so it is not \
         repeated by itself: check the provider's records for this reference, then replay or \
         leave it"
    )]
    Unanswered(String),
}

pub struct SmsProvider {
    http: reqwest::Client,
    base_url: String,
    access_key: SecretString,
    originator: String,
}

#[derive(Serialize)]
struct SmsRequest<'a> {
    originator: &'a str,
    recipients: [&'a str; 1],
    body: &'a str,
    reference: &'a str,
}

#[derive(Serialize)]
struct VoiceRequest<'a> {
    recipients: [&'a str; 1],
    body: &'a str,
    language: &'a str,
    voice: &'a str,
    reference: &'a str,
}

impl SmsProvider {
    pub fn new(config: &SmsConfig) -> Result<Self, ProviderError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(|e| ProviderError::Unavailable(e.to_string()))?;
        Ok(Self {
            http,
            base_url: config.provider_url.trim_end_matches('/').to_owned(),
            access_key: config.access_key.clone(),
            originator: config.originator.clone(),
        })
    }

    pub async fn send_sms(
        &self,
        phone: &str,
        body: &str,
        reference: &str,
    ) -> Result<(), ProviderError> {
        self.post(
            "messages",
            &SmsRequest {
                originator: &self.originator,
                recipients: [phone],
                body,
                reference,
            },
        )
        .await
    }

    /// A call that reads `body` aloud, for landlines.
    pub async fn send_voice(
        &self,
        phone: &str,
        body: &str,
        language: Language,
        reference: &str,
    ) -> Result<(), ProviderError> {
        let language = match language {
            Language::Nl => "nl-nl",
            Language::En => "en-gb",
        };
        self.post(
            "voicemessages",
            &VoiceRequest {
                recipients: [phone],
                body,
                language,
                voice: "female",
                reference,
            },
        )
        .await
    }

    async fn post(&self, path: &str, body: &impl Serialize) -> Result<(), ProviderError> {
        let response = self
            .http
            .post(format!("{}/{path}", self.base_url))
            .header(
                "Authorization",
                format!("AccessKey {}", self.access_key.expose_secret()),
            )
            .json(body)
            .send()
            .await
            .map_err(|e| {
                // Only a request that never reached the provider is certainly not sent.
                if e.is_connect() || e.is_builder() {
                    ProviderError::Unavailable(e.to_string())
                } else {
                    ProviderError::Unanswered(e.to_string())
                }
            })?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else if status.is_client_error() && status.as_u16() != 429 {
            Err(ProviderError::Refused(status.as_u16()))
        } else {
            Err(ProviderError::Unavailable(format!("HTTP {status}")))
        }
    }
}
