//! Typed configuration, read once from environment variables at start-up.
//!
//! Every setting has a default that works on a development machine (see `infra/dev.env`).
//! A value that does not parse, or a variable that looks like ours but is unknown
//! (a typo such as `S3_BUKET`), stops the process with a message naming the variable.

use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {variable} has an invalid value {value:?}: {reason}")]
    Invalid {
        variable: &'static str,
        value: String,
        reason: String,
    },
    #[error("configuration: unknown setting {0} (known settings: {1})")]
    Unknown(String, String),
}

/// The prefixes that belong to Zorgportaal; an unknown variable with one of them is a typo.
const OWN_PREFIXES: &[&str] = &[
    "DATABASE_",
    "AMQP_",
    "S3_",
    "SMTP_",
    "SMS_",
    "WEB_",
    "PLATFORM_",
    "WORKER_",
    "NOTIFIER_",
    "IMAGE_",
    "PHONE_",
];

#[derive(Debug, Clone)]
pub struct Config {
    pub database: DatabaseConfig,
    pub amqp: AmqpConfig,
    pub s3: S3Config,
    pub smtp: SmtpConfig,
    pub sms: SmsConfig,
    pub web: WebConfig,
    pub worker: WorkerConfig,
    pub notifier: NotifierConfig,
    pub images: ImageConfig,
    pub phone: PhoneConfig,
}

#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    pub url: SecretString,
    pub max_connections: u32,
}

#[derive(Debug, Clone)]
pub struct AmqpConfig {
    pub url: SecretString,
    /// Prefix of every exchange and queue name; lets several platforms (or tests) share a broker.
    pub namespace: String,
    /// Delay before each retry; the length is the number of retries before a message is parked.
    pub retry_delays: Vec<Duration>,
    pub prefetch: u16,
}

#[derive(Debug, Clone)]
pub struct S3Config {
    pub endpoint: String,
    pub region: String,
    pub bucket: String,
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    pub force_path_style: bool,
}

#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    /// STARTTLS is required unless explicitly switched off (the local mail catcher speaks plain SMTP).
    pub starttls: bool,
    pub from_address: String,
    pub pool_size: u32,
    /// How long one SMTP command may take before the send counts as failed.
    pub timeout: Duration,
}

#[derive(Debug, Clone)]
pub struct SmsConfig {
    /// Base URL of the SMS/voice provider API (MessageBird REST shape).
    pub provider_url: String,
    pub access_key: SecretString,
    pub originator: String,
    /// How long the provider may take to answer one request.
    pub timeout: Duration,
}

#[derive(Debug, Clone)]
pub struct WebConfig {
    pub bind: SocketAddr,
    /// Portals live at `<slug>.<platform_domain>` unless a tenant has a custom domain.
    pub platform_domain: String,
    /// Whether the portal is served over https (HSTS, `Secure` cookies).
    pub https: bool,
    pub shutdown_grace: Duration,
    /// Signs CSRF tokens and one-time codes (hex, at least 32 bytes). Required with https; a
    /// fixed development key is used otherwise.
    pub secret_key: SecretString,
    /// At most this many password hashes run at once (argon2id takes a core for ~30 ms).
    pub password_hashers: usize,
    /// Take the client address from the last `X-Forwarded-For` entry (behind a proxy).
    pub trust_forwarded_for: bool,
    /// The port browsers reach the portals on, for links in e-mails and to other portals;
    /// `None`: the scheme's own port with https, the bound port without.
    pub public_port: Option<u16>,
}

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    pub relay_batch_size: i64,
    /// Safety net when a NOTIFY is missed: the relay looks at the outbox at least this often.
    pub relay_poll_interval: Duration,
    pub shutdown_grace: Duration,
    /// How often ended sessions, finished rate-limit windows and old links and codes are
    /// removed.
    pub housekeeping_interval: Duration,
    /// How often new access-log rows are sealed into each tenant's hash chain.
    pub access_log_seal_interval: Duration,
}

#[derive(Debug, Clone)]
pub struct NotifierConfig {
    pub concurrency: usize,
    /// Longer than the longest send, so that sends in hand at SIGTERM finish.
    pub shutdown_grace: Duration,
    /// How long a claim on an event keeps other notifiers from sending it; longer than the
    /// longest send, so only a crashed notifier's claim runs out and is taken over.
    pub claim_lease: Duration,
}

#[derive(Debug, Clone)]
pub struct ImageConfig {
    /// Pictures decoded at once per process (web and worker each): a decode takes a core and
    /// up to about 200 MB, so a burst of uploads waits in line instead.
    pub decode_concurrency: usize,
}

/// Which numbers get sign-in codes, and how many SMS and voice messages may go out.
#[derive(Debug, Clone)]
pub struct PhoneConfig {
    /// ISO 3166 codes ("NL"), upper case: numbers of other countries are refused.
    pub allowed_countries: Vec<String>,
    /// SMS and voice messages per clock hour for the whole platform.
    pub budget_per_hour: u32,
    /// SMS and voice messages per clock hour for one organisation.
    pub tenant_budget_per_hour: u32,
}

impl PhoneConfig {
    fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let raw = env.string("PHONE_ALLOWED_COUNTRIES", "NL,BE,DE");
        let allowed_countries: Vec<String> = raw
            .split(',')
            .map(|code| code.trim().to_ascii_uppercase())
            .filter(|code| !code.is_empty())
            .collect();
        let known = |code: &String| code.parse::<phonenumber::country::Id>().is_ok();
        require(
            "PHONE_ALLOWED_COUNTRIES",
            &raw,
            !allowed_countries.is_empty() && allowed_countries.iter().all(known),
            "comma-separated country codes such as NL,BE,DE",
        )?;
        let config = Self {
            allowed_countries,
            budget_per_hour: env.parse("SMS_BUDGET_PER_HOUR", 2000)?,
            tenant_budget_per_hour: env.parse("SMS_TENANT_BUDGET_PER_HOUR", 200)?,
        };
        require(
            "SMS_TENANT_BUDGET_PER_HOUR",
            &config.tenant_budget_per_hour.to_string(),
            config.tenant_budget_per_hour <= config.budget_per_hour,
            "at most SMS_BUDGET_PER_HOUR",
        )?;
        Ok(config)
    }
}

/// A source of variables: the process environment, or a map in tests.
pub struct Env {
    vars: HashMap<String, String>,
    read: std::cell::RefCell<BTreeSet<&'static str>>,
}

impl Env {
    pub fn from_process() -> Self {
        Self::from_map(std::env::vars().collect())
    }

    pub fn from_map(vars: HashMap<String, String>) -> Self {
        Self {
            vars,
            read: Default::default(),
        }
    }

    fn raw(&self, name: &'static str) -> Option<&str> {
        self.read.borrow_mut().insert(name);
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    fn string(&self, name: &'static str, default: &str) -> String {
        self.raw(name).unwrap_or(default).to_owned()
    }

    fn optional(&self, name: &'static str) -> Option<String> {
        self.raw(name).map(str::to_owned)
    }

    fn parse<T: FromStr>(&self, name: &'static str, default: T) -> Result<T, ConfigError>
    where
        T::Err: std::fmt::Display,
    {
        match self.raw(name) {
            None => Ok(default),
            Some(value) => value.parse().map_err(|e: T::Err| ConfigError::Invalid {
                variable: name,
                value: value.to_owned(),
                reason: e.to_string(),
            }),
        }
    }

    fn flag(&self, name: &'static str, default: bool) -> Result<bool, ConfigError> {
        match self.raw(name).map(str::to_ascii_lowercase).as_deref() {
            None => Ok(default),
            Some("1" | "true" | "yes" | "on") => Ok(true),
            Some("0" | "false" | "no" | "off") => Ok(false),
            Some(other) => Err(ConfigError::Invalid {
                variable: name,
                value: other.to_owned(),
                reason: "expected true or false".into(),
            }),
        }
    }

    fn millis(&self, name: &'static str, default_ms: u64) -> Result<Duration, ConfigError> {
        self.parse(name, default_ms).map(Duration::from_millis)
    }

    fn millis_list(&self, name: &'static str, default: &str) -> Result<Vec<Duration>, ConfigError> {
        let raw = self.string(name, default);
        raw.split(',')
            .map(|part| {
                part.trim()
                    .parse::<u64>()
                    .map(Duration::from_millis)
                    .map_err(|e| ConfigError::Invalid {
                        variable: name,
                        value: raw.clone(),
                        reason: format!("expected comma-separated milliseconds: {e}"),
                    })
            })
            .collect()
    }

    fn reject_unknown(&self) -> Result<(), ConfigError> {
        let read = self.read.borrow();
        let mut unknown: Vec<&String> = self
            .vars
            .keys()
            .filter(|k| OWN_PREFIXES.iter().any(|p| k.starts_with(p)))
            .filter(|k| !read.contains(k.as_str()))
            .collect();
        unknown.sort();
        match unknown.first() {
            None => Ok(()),
            Some(first) => Err(ConfigError::Unknown(
                (*first).clone(),
                read.iter().copied().collect::<Vec<_>>().join(", "),
            )),
        }
    }
}

fn require(variable: &'static str, value: &str, ok: bool, reason: &str) -> Result<(), ConfigError> {
    if ok {
        Ok(())
    } else {
        Err(ConfigError::Invalid {
            variable,
            value: value.to_owned(),
            reason: reason.to_owned(),
        })
    }
}

impl Config {
    pub fn from_process_env() -> Result<Self, ConfigError> {
        Self::from_env(&Env::from_process())
    }

    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let config = Self {
            database: DatabaseConfig {
                url: env
                    .string(
                        "DATABASE_URL",
                        "postgres://postgres@127.0.0.1:5432/zorgportaal",
                    )
                    .into(),
                max_connections: env.parse("DATABASE_MAX_CONNECTIONS", 20)?,
            },
            amqp: AmqpConfig {
                url: env
                    .string("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2f")
                    .into(),
                namespace: env.string("AMQP_NAMESPACE", "zp"),
                retry_delays: env
                    .millis_list("AMQP_RETRY_DELAYS_MS", "5000,30000,120000,600000")?,
                prefetch: env.parse("AMQP_PREFETCH", 32)?,
            },
            s3: S3Config {
                endpoint: env.string("S3_ENDPOINT", "http://127.0.0.1:3900"),
                region: env.string("S3_REGION", "garage"),
                bucket: env.string("S3_BUCKET", "zorgportaal"),
                access_key_id: env.string("S3_ACCESS_KEY_ID", "GK5a6f72670000000000d3e7c0"),
                secret_access_key: env
                    .string(
                        "S3_SECRET_ACCESS_KEY",
                        "7a6f7267706f727461616c2d6465762d7365637265742d6b65792d3030303031",
                    )
                    .into(),
                force_path_style: env.flag("S3_FORCE_PATH_STYLE", true)?,
            },
            smtp: SmtpConfig {
                host: env.string("SMTP_HOST", "127.0.0.1"),
                port: env.parse("SMTP_PORT", 1025)?,
                username: env.optional("SMTP_USERNAME"),
                password: env.optional("SMTP_PASSWORD").map(Into::into),
                starttls: env.flag("SMTP_STARTTLS", false)?,
                from_address: env.string("SMTP_FROM", "noreply@zorgportaal.localhost"),
                pool_size: env.parse("SMTP_POOL_SIZE", 32)?,
                timeout: env.millis("SMTP_TIMEOUT_MS", 15_000)?,
            },
            sms: SmsConfig {
                provider_url: env.string("SMS_PROVIDER_URL", "http://127.0.0.1:8089"),
                access_key: env
                    .string("SMS_PROVIDER_ACCESS_KEY", "dev-access-key")
                    .into(),
                originator: env.string("SMS_ORIGINATOR", "Zorgportaal"),
                timeout: env.millis("SMS_TIMEOUT_MS", 10_000)?,
            },
            web: WebConfig {
                bind: env.parse("WEB_BIND", SocketAddr::from(([127, 0, 0, 1], 8080)))?,
                platform_domain: env.string("PLATFORM_DOMAIN", "zorgportaal.localhost"),
                https: env.flag("WEB_HTTPS", false)?,
                shutdown_grace: env.millis("WEB_SHUTDOWN_GRACE_MS", 10_000)?,
                secret_key: env.optional("WEB_SECRET_KEY").unwrap_or_default().into(),
                password_hashers: env.parse(
                    "WEB_PASSWORD_HASHERS",
                    std::thread::available_parallelism().map_or(2, |n| n.get()),
                )?,
                trust_forwarded_for: env.flag("WEB_TRUST_FORWARDED_FOR", false)?,
                public_port: env
                    .optional("WEB_PUBLIC_PORT")
                    .map(|raw| {
                        raw.parse().map_err(|e| ConfigError::Invalid {
                            variable: "WEB_PUBLIC_PORT",
                            value: raw.clone(),
                            reason: format!("expected a port number: {e}"),
                        })
                    })
                    .transpose()?,
            },
            worker: WorkerConfig {
                relay_batch_size: env.parse("WORKER_RELAY_BATCH_SIZE", 500)?,
                relay_poll_interval: env.millis("WORKER_RELAY_POLL_MS", 1_000)?,
                shutdown_grace: env.millis("WORKER_SHUTDOWN_GRACE_MS", 10_000)?,
                housekeeping_interval: env.millis("WORKER_HOUSEKEEPING_MS", 600_000)?,
                access_log_seal_interval: env.millis("WORKER_ACCESS_LOG_SEAL_MS", 2_000)?,
            },
            notifier: NotifierConfig {
                concurrency: env.parse("NOTIFIER_CONCURRENCY", 32)?,
                shutdown_grace: env.millis("NOTIFIER_SHUTDOWN_GRACE_MS", 20_000)?,
                claim_lease: env.millis("NOTIFIER_CLAIM_LEASE_MS", 30_000)?,
            },
            images: ImageConfig {
                decode_concurrency: env.parse("IMAGE_DECODE_CONCURRENCY", 2)?,
            },
            phone: PhoneConfig::from_env(env)?,
        };
        env.reject_unknown()?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let ns = &self.amqp.namespace;
        require(
            "AMQP_NAMESPACE",
            ns,
            !ns.is_empty()
                && ns
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "letters, digits, - and _ only",
        )?;
        require(
            "AMQP_RETRY_DELAYS_MS",
            &format!("{:?}", self.amqp.retry_delays),
            !self.amqp.retry_delays.is_empty(),
            "at least one retry delay",
        )?;
        require(
            "AMQP_PREFETCH",
            &self.amqp.prefetch.to_string(),
            self.amqp.prefetch > 0,
            "at least 1",
        )?;
        require(
            "S3_ENDPOINT",
            &self.s3.endpoint,
            self.s3.endpoint.starts_with("http://") || self.s3.endpoint.starts_with("https://"),
            "an http:// or https:// URL",
        )?;
        require(
            "SMS_PROVIDER_URL",
            &self.sms.provider_url,
            self.sms.provider_url.starts_with("http://")
                || self.sms.provider_url.starts_with("https://"),
            "an http:// or https:// URL",
        )?;
        require(
            "SMTP_FROM",
            &self.smtp.from_address,
            self.smtp.from_address.contains('@'),
            "an e-mail address",
        )?;
        require(
            "PLATFORM_DOMAIN",
            &self.web.platform_domain,
            !self.web.platform_domain.is_empty() && !self.web.platform_domain.contains('/'),
            "a domain name such as zorgportaal.localhost",
        )?;
        let key = self.web.secret_key.expose_secret();
        require(
            "WEB_SECRET_KEY",
            "(hidden)",
            if key.is_empty() {
                !self.web.https
            } else {
                // An odd count is no whole number of bytes: a typo, not a key.
                key.len() >= 64 && key.len() % 2 == 0 && key.chars().all(|c| c.is_ascii_hexdigit())
            },
            "an even number of hex digits, at least 64 (32 bytes); required when WEB_HTTPS=true",
        )?;
        if self.web.https {
            self.refuse_development_secrets()?;
        }
        require(
            "WEB_PASSWORD_HASHERS",
            &self.web.password_hashers.to_string(),
            (1..=64).contains(&self.web.password_hashers),
            "between 1 and 64",
        )?;
        require(
            "WORKER_RELAY_BATCH_SIZE",
            &self.worker.relay_batch_size.to_string(),
            (1..=10_000).contains(&self.worker.relay_batch_size),
            "between 1 and 10000",
        )?;
        require(
            "NOTIFIER_CONCURRENCY",
            &self.notifier.concurrency.to_string(),
            (1..=256).contains(&self.notifier.concurrency),
            "between 1 and 256",
        )?;
        let longest_send = self.smtp.timeout.max(self.sms.timeout);
        require(
            "NOTIFIER_SHUTDOWN_GRACE_MS",
            &self.notifier.shutdown_grace.as_millis().to_string(),
            self.notifier.shutdown_grace > longest_send,
            "longer than SMTP_TIMEOUT_MS and SMS_TIMEOUT_MS: a send in hand at SIGTERM must \
             finish rather than be cut off and sent again",
        )?;
        require(
            "NOTIFIER_CLAIM_LEASE_MS",
            &self.notifier.claim_lease.as_millis().to_string(),
            self.notifier.claim_lease > longest_send,
            "longer than SMTP_TIMEOUT_MS and SMS_TIMEOUT_MS: a claim must outlast its send, or a \
             second notifier takes over an event that is still being sent",
        )?;
        require(
            "IMAGE_DECODE_CONCURRENCY",
            &self.images.decode_concurrency.to_string(),
            (1..=64).contains(&self.images.decode_concurrency),
            "between 1 and 64",
        )?;
        Ok(())
    }
}

/// Signs nothing of value: only for plain-http development, where no key is configured.
const DEVELOPMENT_SECRET_KEY: [u8; 32] = *b"zorgportaal-development-only-key";
/// The public development key pair of the object store in `infra/dev.env`.
const DEVELOPMENT_S3_ACCESS_KEY_ID: &str = "GK5a6f72670000000000d3e7c0";
const DEVELOPMENT_S3_SECRET_ACCESS_KEY: &str =
    "7a6f7267706f727461616c2d6465762d7365637265742d6b65792d3030303031";

impl Config {
    /// Served over https means served to real people: the public development secrets and mail
    /// in plain text to another machine are refused, each naming its variable.
    fn refuse_development_secrets(&self) -> Result<(), ConfigError> {
        let key = self.web.secret_key.expose_secret();
        require(
            "WEB_SECRET_KEY",
            "(hidden)",
            !key.eq_ignore_ascii_case(&hex::encode(DEVELOPMENT_SECRET_KEY)),
            "not the public development key when WEB_HTTPS=true",
        )?;
        let development_pair = self.s3.access_key_id == DEVELOPMENT_S3_ACCESS_KEY_ID
            || self.s3.secret_access_key.expose_secret() == DEVELOPMENT_S3_SECRET_ACCESS_KEY;
        require(
            "S3_ACCESS_KEY_ID",
            &self.s3.access_key_id,
            !development_pair,
            "not the public development key pair when WEB_HTTPS=true",
        )?;
        let local = ["127.0.0.1", "::1", "localhost"].contains(&self.smtp.host.as_str());
        require(
            "SMTP_STARTTLS",
            "false",
            self.smtp.starttls || local,
            "true when SMTP_HOST is another machine and WEB_HTTPS=true: mail must not cross the \
             network in plain text",
        )
    }
}

impl WebConfig {
    /// The address of a portal for links that leave the web service (operator mails): https on
    /// the default port in production; in development, plain http on the port web listens on.
    pub fn portal_url(&self, host: &str) -> String {
        match (self.https, self.bind.port()) {
            (true, _) => format!("https://{host}"),
            // Port 0 means "any free port": the real one is not known here.
            (false, 80 | 0) => format!("http://{host}"),
            (false, port) => format!("http://{host}:{port}"),
        }
    }

    /// The key bytes: the configured hex, or the development key when none is set.
    pub fn secret_key_bytes(&self) -> Vec<u8> {
        hex::decode(self.secret_key.expose_secret())
            .ok()
            .filter(|bytes| !bytes.is_empty())
            .unwrap_or_else(|| DEVELOPMENT_SECRET_KEY.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Env {
        Env::from_map(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn defaults_work_for_local_development() {
        let config = Config::from_env(&env(&[("PATH", "/usr/bin")])).unwrap();
        assert_eq!(config.web.bind.port(), 8080);
        assert_eq!(config.amqp.retry_delays.len(), 4);
    }

    #[test]
    fn portal_links_carry_the_development_port_and_not_the_production_one() {
        let dev = Config::from_env(&env(&[("WEB_BIND", "127.0.0.1:8080")])).unwrap();
        assert_eq!(
            dev.web.portal_url("demo.zorgportaal.localhost"),
            "http://demo.zorgportaal.localhost:8080"
        );
        let any_port = Config::from_env(&env(&[("WEB_BIND", "127.0.0.1:0")])).unwrap();
        assert_eq!(any_port.web.portal_url("a.example"), "http://a.example");
        let key = "ab".repeat(32);
        let production =
            Config::from_env(&env(&production(&key, &[("WEB_BIND", "0.0.0.0:8080")]))).unwrap();
        assert_eq!(
            production.web.portal_url("linde.zorgportaal.nl"),
            "https://linde.zorgportaal.nl"
        );
    }

    #[test]
    fn an_invalid_value_names_the_variable() {
        let err = Config::from_env(&env(&[("SMTP_PORT", "twenty-five")])).unwrap_err();
        assert!(err.to_string().contains("SMTP_PORT"), "{err}");
    }

    #[test]
    fn the_notifier_outlasts_its_longest_send_at_shutdown_and_in_its_claims() {
        let defaults = Config::from_env(&env(&[])).unwrap();
        assert!(defaults.notifier.shutdown_grace > defaults.smtp.timeout);
        assert!(defaults.notifier.claim_lease > defaults.sms.timeout);
        for (setting, value) in [
            ("NOTIFIER_SHUTDOWN_GRACE_MS", "15000"),
            ("NOTIFIER_CLAIM_LEASE_MS", "10000"),
        ] {
            let err = Config::from_env(&env(&[(setting, value), ("SMTP_TIMEOUT_MS", "15000")]))
                .unwrap_err();
            assert!(err.to_string().contains(setting), "{err}");
        }
        let short = [("SMTP_TIMEOUT_MS", "2000"), ("SMS_TIMEOUT_MS", "2000")];
        let err = Config::from_env(&env(&[
            short[0],
            short[1],
            ("NOTIFIER_CLAIM_LEASE_MS", "2000"),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("NOTIFIER_CLAIM_LEASE_MS"), "{err}");
        Config::from_env(&env(&[
            short[0],
            short[1],
            ("NOTIFIER_CLAIM_LEASE_MS", "2001"),
        ]))
        .unwrap();
    }

    #[test]
    fn phone_countries_and_budgets_are_checked() {
        let default = Config::from_env(&env(&[])).unwrap();
        assert_eq!(default.phone.allowed_countries, ["NL", "BE", "DE"]);
        assert_eq!(default.phone.budget_per_hour, 2000);
        assert_eq!(default.phone.tenant_budget_per_hour, 200);
        let set = Config::from_env(&env(&[("PHONE_ALLOWED_COUNTRIES", " nl, lu ")])).unwrap();
        assert_eq!(set.phone.allowed_countries, ["NL", "LU"]);
        for (variable, value) in [
            ("PHONE_ALLOWED_COUNTRIES", "NL,Nederland"),
            ("PHONE_ALLOWED_COUNTRIES", ","),
            ("SMS_BUDGET_PER_HOUR", "-1"),
            ("SMS_TENANT_BUDGET_PER_HOUR", "5000"),
        ] {
            let err = Config::from_env(&env(&[(variable, value)])).unwrap_err();
            assert!(err.to_string().contains(variable), "{err}");
        }
        let typo = Config::from_env(&env(&[("PHONE_ALLOWED_COUNTRY", "NL")])).unwrap_err();
        assert!(typo.to_string().contains("PHONE_ALLOWED_COUNTRY"), "{typo}");
    }

    #[test]
    fn an_unknown_setting_with_our_prefix_is_a_typo() {
        let err = Config::from_env(&env(&[("S3_BUKET", "x")])).unwrap_err();
        assert!(err.to_string().contains("S3_BUKET"), "{err}");
    }

    #[test]
    fn https_needs_a_real_secret_key() {
        let err = Config::from_env(&env(&[("WEB_HTTPS", "true")])).unwrap_err();
        assert!(err.to_string().contains("WEB_SECRET_KEY"), "{err}");
        let key = "ab".repeat(32);
        let config = Config::from_env(&env(&production(&key, &[]))).unwrap();
        assert_eq!(config.web.secret_key_bytes(), vec![0xab; 32]);
    }

    #[test]
    fn a_secret_key_with_an_odd_number_of_hex_digits_is_refused() {
        let odd = "a".repeat(65);
        let err = Config::from_env(&env(&[("WEB_SECRET_KEY", &odd)])).unwrap_err();
        assert!(err.to_string().contains("WEB_SECRET_KEY"), "{err}");
        let even = "a".repeat(66);
        let config = Config::from_env(&env(&[("WEB_SECRET_KEY", &even)])).unwrap();
        assert_eq!(config.web.secret_key_bytes(), vec![0xaa; 33]);
    }

    /// A real secret key, the object store's own key pair and STARTTLS: what https needs.
    fn production<'a>(key: &'a str, overrides: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
        let mut pairs = vec![
            ("WEB_HTTPS", "true"),
            ("WEB_SECRET_KEY", key),
            ("S3_ACCESS_KEY_ID", "GK0123456789abcdef01234567"),
            ("S3_SECRET_ACCESS_KEY", "real-secret"),
            ("SMTP_HOST", "smtp.example.nl"),
            ("SMTP_STARTTLS", "true"),
        ];
        for (name, value) in overrides {
            pairs.retain(|(n, _)| n != name);
            pairs.push((name, value));
        }
        pairs
    }

    #[test]
    fn https_refuses_the_development_secrets_and_plain_smtp_to_another_machine() {
        let key = "ab".repeat(32);
        Config::from_env(&env(&production(&key, &[]))).unwrap();
        let development_key = hex::encode(DEVELOPMENT_SECRET_KEY);
        let refusals: [(&[(&str, &str)], &str); 4] = [
            (&[("WEB_SECRET_KEY", &development_key)], "WEB_SECRET_KEY"),
            (
                &[("S3_ACCESS_KEY_ID", DEVELOPMENT_S3_ACCESS_KEY_ID)],
                "S3_ACCESS_KEY_ID",
            ),
            (
                &[("S3_SECRET_ACCESS_KEY", DEVELOPMENT_S3_SECRET_ACCESS_KEY)],
                "S3_ACCESS_KEY_ID",
            ),
            (&[("SMTP_STARTTLS", "false")], "SMTP_STARTTLS"),
        ];
        for (overrides, variable) in refusals {
            let err = Config::from_env(&env(&production(&key, overrides))).unwrap_err();
            assert!(err.to_string().contains(variable), "{overrides:?}: {err}");
        }
        // Plain SMTP to the mail catcher on this machine stays allowed, as does development.
        let local = production(
            &key,
            &[("SMTP_STARTTLS", "false"), ("SMTP_HOST", "127.0.0.1")],
        );
        Config::from_env(&env(&local)).unwrap();
        Config::from_env(&env(&[])).unwrap();
    }

    #[test]
    fn the_development_key_pair_is_the_one_in_dev_env() {
        let dev_env = include_str!("../../../../infra/dev.env");
        assert!(dev_env.contains(&format!(
            "S3_ACCESS_KEY_ID={DEVELOPMENT_S3_ACCESS_KEY_ID}\n"
        )));
        assert!(dev_env.contains(&format!(
            "S3_SECRET_ACCESS_KEY={DEVELOPMENT_S3_SECRET_ACCESS_KEY}\n"
        )));
    }

    #[test]
    fn retry_delays_are_parsed_in_order() {
        let config = Config::from_env(&env(&[("AMQP_RETRY_DELAYS_MS", "100, 400,1600")])).unwrap();
        assert_eq!(
            config.amqp.retry_delays,
            vec![
                Duration::from_millis(100),
                Duration::from_millis(400),
                Duration::from_millis(1600)
            ]
        );
    }
}
