//! E-mail over SMTP with a pool of connections, so many messages are in flight at once.

use common::infra::config::SmtpConfig;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use crate::templates::RenderedEmail;

#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    #[error("invalid address {0:?}")]
    Address(String),
    #[error("building the message: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from_address: String,
    /// The right-hand side of our Message-IDs: the sender's domain, as RFC 5322 advises.
    message_id_domain: String,
}

pub struct Outgoing<'a> {
    /// Shown as the sender's name: the tenant's display name.
    pub from_name: &'a str,
    pub to_address: &'a str,
    pub to_name: Option<&'a str>,
    /// Our event id; it becomes the Message-ID, so a receiving system can spot a duplicate.
    pub message_id: &'a str,
    /// Where a reply goes instead of the sender's address (the asker of a help question).
    pub reply_to: Option<&'a str>,
    pub content: &'a RenderedEmail,
}

impl Mailer {
    pub fn new(config: &SmtpConfig) -> Result<Self, EmailError> {
        let builder = if config.starttls {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host)?
        } else {
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
        };
        let mut builder = builder
            .port(config.port)
            .pool_config(PoolConfig::new().max_size(config.pool_size))
            .timeout(Some(config.timeout));
        if let (Some(user), Some(password)) = (&config.username, &config.password) {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                password.expose_secret().to_owned(),
            ));
        }
        Ok(Self {
            transport: builder.build(),
            from_address: config.from_address.clone(),
            message_id_domain: config
                .from_address
                .rsplit_once('@')
                .map_or("zorgportaal", |(_, domain)| domain)
                .to_owned(),
        })
    }

    pub async fn send(&self, email: Outgoing<'_>) -> Result<(), EmailError> {
        let from = Mailbox::new(
            Some(email.from_name.to_owned()),
            self.from_address
                .parse()
                .map_err(|_| EmailError::Address(self.from_address.clone()))?,
        );
        let to = Mailbox::new(
            email.to_name.map(str::to_owned),
            email
                .to_address
                .parse()
                .map_err(|_| EmailError::Address(email.to_address.to_owned()))?,
        );
        let mut builder = Message::builder().from(from).to(to);
        // A Reply-To that SMTP would not take is left out: the address is in the text too.
        if let Some(reply_to) = email.reply_to.and_then(|a| a.parse().ok()) {
            builder = builder.reply_to(Mailbox::new(None, reply_to));
        }
        let message = builder
            .subject(&email.content.subject)
            .message_id(Some(format!(
                "<{}@{}>",
                email.message_id, self.message_id_domain
            )))
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(email.content.text.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(email.content.html.clone()),
                    ),
            )?;
        self.transport.send(message).await?;
        Ok(())
    }
}
