//! Reads caught e-mail from maildev's API. The catcher is shared by all tests, so each test
//! looks only at the addresses it made up.

use std::time::{Duration, Instant};

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Address {
    pub address: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaughtMail {
    pub id: String,
    pub subject: String,
    pub to: Vec<Address>,
    #[serde(default)]
    pub html: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub headers: serde_json::Value,
    /// When the catcher received it (ISO 8601 in UTC, so it sorts as text).
    #[serde(default)]
    pub time: Option<String>,
}

impl CaughtMail {
    pub fn message_id(&self) -> Option<&str> {
        self.headers.get("message-id").and_then(|v| v.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct MailCatcher {
    api: String,
    http: reqwest::Client,
}

impl MailCatcher {
    pub fn from_env() -> Self {
        Self {
            api: std::env::var("MAILCATCHER_API")
                .unwrap_or_else(|_| "http://127.0.0.1:1080".into()),
            http: reqwest::Client::new(),
        }
    }

    pub async fn all(&self) -> Vec<CaughtMail> {
        self.http
            .get(format!("{}/api/email", self.api))
            .send()
            .await
            .expect("the mail catcher must run (bash infra/backing-services.sh up)")
            .json()
            .await
            .expect("mail catcher JSON")
    }

    /// Every caught e-mail to one of the given addresses, oldest first.
    pub async fn to_any(&self, addresses: &[&str]) -> Vec<CaughtMail> {
        let mut mails: Vec<CaughtMail> = self
            .all()
            .await
            .into_iter()
            .filter(|m| {
                m.to.iter()
                    .any(|to| addresses.contains(&to.address.as_str()))
            })
            .collect();
        // The catcher parses mails concurrently, so its list is not always in sending order,
        // and its `time` has whole seconds only. The notifier's Message-ID is the event id, a
        // UUIDv7 whose text sorts by the millisecond the event was written.
        mails.sort_by(|a, b| (a.message_id(), &a.time).cmp(&(b.message_id(), &b.time)));
        mails
    }

    pub async fn to(&self, address: &str) -> Vec<CaughtMail> {
        self.to_any(&[address]).await
    }

    /// Waits until at least `count` e-mails to `address` arrived.
    pub async fn wait_for(
        &self,
        address: &str,
        count: usize,
        timeout: Duration,
    ) -> Vec<CaughtMail> {
        let deadline = Instant::now() + timeout;
        loop {
            let mails = self.to(address).await;
            if mails.len() >= count {
                return mails;
            }
            assert!(
                Instant::now() < deadline,
                "expected {count} e-mail(s) to {address} within {timeout:?}, got {}",
                mails.len()
            );
            // Every poll fetches every mail the shared catcher holds: not too often.
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    pub async fn delete(&self, mails: &[CaughtMail]) {
        for mail in mails {
            let _ = self
                .http
                .delete(format!("{}/api/email/{}", self.api, mail.id))
                .send()
                .await;
        }
    }
}
