//! The integration-test harness: the real services (PostgreSQL, RabbitMQ, Garage, maildev)
//! with the platform's own services started in-process on free ports.
//!
//! Every test gets its own database, its own AMQP namespace (queue and exchange names), its own
//! tenants and its own mail recipients, so tests run in parallel and leave nothing behind.
//! [`TestPlatform::finish`] fails a test that left work in the outbox or a parked message.

pub mod accounts;
pub mod browser;
pub mod letters;
pub mod mail;
pub mod sms;
pub mod tally;
pub mod visitor;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Once};

use common::clock::OffsetClock;
use std::time::{Duration, Instant};

use common::config::{Config, Env};
use common::mq::{list_parked, Broker, ConsumerSpec, Topology};
use common::tenancy::{self, Color, HostName, NewTenant, Tenant, TenantSlug};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgPool};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

pub use mail::{CaughtMail, MailCatcher};
pub use sms::SmsReceiver;
pub use visitor::{Page, Visitor};

static TELEMETRY: Once = Once::new();

/// Which of the platform's services a test wants running.
#[derive(Debug, Clone, Copy)]
pub struct Services {
    pub web: bool,
    pub worker: bool,
    pub notifier: bool,
}

impl Services {
    pub const ALL: Self = Self {
        web: true,
        worker: true,
        notifier: true,
    };
    /// Only the web service: for tests of pages.
    pub const WEB: Self = Self {
        web: true,
        worker: false,
        notifier: false,
    };
    pub const NONE: Self = Self {
        web: false,
        worker: false,
        notifier: false,
    };
}

pub struct TestPlatform {
    pub config: Config,
    /// The web service's clock: `clock.advance(…)` steps over expiry times.
    pub clock: Arc<OffsetClock>,
    pub db: PgPool,
    pub db_name: String,
    pub namespace: String,
    pub web_addr: Option<SocketAddr>,
    pub sms: SmsReceiver,
    pub mail: MailCatcher,
    pub http: reqwest::Client,
    /// Extra consumers a test declared in this namespace (removed at the end).
    extra_consumers: Vec<String>,
    stop: CancellationToken,
    tasks: JoinSet<()>,
}

/// The process environment (so CI settings apply) with the given overrides.
pub fn env_with(overrides: &[(&str, String)]) -> HashMap<String, String> {
    let mut vars: HashMap<String, String> = std::env::vars().collect();
    for (key, value) in overrides {
        vars.insert((*key).to_owned(), value.clone());
    }
    vars
}

fn base_database_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/zorgportaal".to_owned())
}

async fn admin_connection() -> sqlx::PgConnection {
    let options: PgConnectOptions = base_database_url()
        .parse()
        .expect("DATABASE_URL must be a PostgreSQL URL");
    options
        .database("postgres")
        .connect()
        .await
        .expect("PostgreSQL must be running (bash infra/backing-services.sh up)")
}

/// Drops test databases that earlier, interrupted runs left behind (older than two hours).
async fn sweep_stale_databases(admin: &mut sqlx::PgConnection) {
    let now = std::time::SystemTime::UNIX_EPOCH
        .elapsed()
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'zp_test_%'")
            .fetch_all(&mut *admin)
            .await
            .unwrap_or_default();
    for name in names {
        let created = name
            .split('_')
            .nth(2)
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(now);
        if now.saturating_sub(created) > 7200 {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .execute(&mut *admin)
                .await;
        }
    }
}

impl TestPlatform {
    pub async fn start() -> Self {
        Self::start_with(Services::ALL, &[]).await
    }

    /// Starts a platform with its own database and namespace; `overrides` are extra settings.
    pub async fn start_with(services: Services, overrides: &[(&str, String)]) -> Self {
        TELEMETRY.call_once(|| {
            std::mem::forget(common::telemetry::init("zorgportaal-tests"));
        });
        let id = Uuid::new_v4().simple().to_string();
        let now = std::time::SystemTime::UNIX_EPOCH
            .elapsed()
            .map(|d| d.as_secs())
            .unwrap_or_default();
        let db_name = format!("zp_test_{now}_{}", &id[..12]);
        let namespace = format!("t{}", &id[..12]);

        let mut admin = admin_connection().await;
        sweep_stale_databases(&mut admin).await;
        sqlx::query(&format!("CREATE DATABASE \"{db_name}\""))
            .execute(&mut admin)
            .await
            .expect("create test database");
        admin.close().await.ok();

        let database_url = {
            let mut url = url_without_database(&base_database_url());
            url.push('/');
            url.push_str(&db_name);
            url
        };
        let sms = SmsReceiver::start().await;
        let mut settings = vec![
            ("DATABASE_URL", database_url),
            ("DATABASE_MAX_CONNECTIONS", "10".to_owned()),
            ("AMQP_NAMESPACE", namespace.clone()),
            ("AMQP_RETRY_DELAYS_MS", "200,400,800".to_owned()),
            ("SMS_PROVIDER_URL", sms.url()),
            ("WEB_BIND", "127.0.0.1:0".to_owned()),
            ("WORKER_RELAY_POLL_MS", "500".to_owned()),
            ("WEB_SHUTDOWN_GRACE_MS", "2000".to_owned()),
        ];
        settings.extend(overrides.iter().cloned());
        let config =
            Config::from_env(&Env::from_map(env_with(&settings))).expect("test configuration");
        let db = common::db::connect(&config.database)
            .await
            .expect("connect test database");
        common::db::migrate_platform(&db)
            .await
            .expect("migrate platform schema");

        let stop = CancellationToken::new();
        let mut tasks = JoinSet::new();
        let mut web_addr = None;
        let clock = Arc::new(OffsetClock::default());
        if services.web {
            let app = web::Application::build_with_clock(config.clone(), db.clone(), clock.clone())
                .await
                .expect("build web");
            web_addr = Some(app.local_addr());
            let stop = stop.clone();
            tasks.spawn(async move {
                app.run_until_stopped(stop).await.expect("web runs");
            });
        }
        if services.worker {
            let worker = worker::Worker::with_pool(config.clone(), db.clone());
            tasks.spawn(worker.run_until_stopped(stop.clone()));
        }
        if services.notifier {
            let notifier = notifier::Notifier::with_pool(config.clone(), db.clone())
                .await
                .expect("build notifier");
            tasks.spawn(notifier.run_until_stopped(stop.clone()));
        }
        Self {
            config,
            clock,
            db,
            db_name,
            namespace,
            web_addr,
            sms,
            mail: MailCatcher::from_env(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("http client"),
            extra_consumers: Vec::new(),
            stop,
            tasks,
        }
    }

    pub fn broker(&self) -> Broker {
        Broker::new(self.config.amqp.url.clone(), "zorgportaal-tests")
    }

    pub fn topology(&self) -> Topology {
        Topology::new(
            self.namespace.clone(),
            self.config.amqp.retry_delays.clone(),
        )
    }

    /// Remembers a test's own consumer so its queues are removed at the end.
    pub fn track_consumer(&mut self, name: &str) {
        self.extra_consumers.push(name.to_owned());
    }

    /// A unique e-mail address for this test (the mail catcher is shared by all tests).
    pub fn unique_email(&self, who: &str) -> String {
        format!(
            "{who}.{}@test.zorgportaal.localhost",
            &Uuid::new_v4().simple().to_string()[..10]
        )
    }

    /// A tenant with a unique slug and host, and the given name and primary colour.
    pub async fn create_tenant(&self, name: &str, primary_color: &str) -> Tenant {
        self.create_tenant_with_support_email(name, primary_color, None)
            .await
    }

    /// A tenant as [`Self::create_tenant`] makes it, with `support_email` in its branding.
    pub async fn create_tenant_with_support_email(
        &self,
        name: &str,
        primary_color: &str,
        support_email: Option<&str>,
    ) -> Tenant {
        let slug = format!("t{}", &Uuid::new_v4().simple().to_string()[..10]);
        let new = NewTenant {
            slug: TenantSlug::parse(&slug).expect("slug"),
            display_name: name.to_owned(),
            hosts: vec![HostName::parse(&format!("{slug}.test.localhost")).expect("host")],
            primary_color: Some(Color::parse(primary_color).expect("colour")),
            accent_color: None,
            welcome_text: None,
            support_phone: Some("0800-0123".to_owned()),
            support_email: support_email.map(str::to_owned),
        };
        let tenant = tenancy::create_tenant(&self.db, &new)
            .await
            .expect("create tenant");
        self.wait_until_web_knows(&tenant).await;
        tenant
    }

    /// The web service learns of new tenants by NOTIFY; wait until it has.
    async fn wait_until_web_knows(&self, tenant: &Tenant) {
        if self.web_addr.is_none() {
            return;
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(response) = self.get(&tenant.hosts[0], "/theme.css").await {
                if response.status().is_success() {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("web never learned of tenant {}", tenant.slug);
    }

    /// GET `path` on the web service with the given `Host`.
    pub async fn get(&self, host: &str, path: &str) -> reqwest::Result<reqwest::Response> {
        let addr = self.web_addr.expect("web is not running in this test");
        self.http
            .get(format!("http://{addr}{path}"))
            .header("Host", host)
            .send()
            .await
    }

    /// Writes `events` to the outbox in committed tenant transactions of up to 500.
    pub async fn commit_events(&self, tenant: &Tenant, events: &[common::outbox::Event]) {
        for batch in events.chunks(500) {
            let mut tx = tenancy::begin_tenant(&self.db, &tenant.slug)
                .await
                .expect("begin tenant transaction");
            for event in batch {
                common::outbox::write(tx.conn(), event)
                    .await
                    .expect("write outbox event");
            }
            tx.commit().await.expect("commit events");
        }
    }

    pub async fn outbox_len(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM platform.outbox")
            .fetch_one(&self.db)
            .await
            .expect("count outbox")
    }

    /// Waits until the outbox is empty (the relay published everything).
    pub async fn wait_for_empty_outbox(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while self.outbox_len().await > 0 {
            assert!(
                Instant::now() < deadline,
                "outbox not drained within {timeout:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops the services, checks that no work was left behind, and removes the test's
    /// database and queues. Panics (fails the test) on leftover work.
    pub async fn finish(mut self) {
        self.stop.cancel();
        while self.tasks.join_next().await.is_some() {}
        let leftover = self.outbox_len().await;
        let broker = self.broker();
        let topology = self.topology();
        let mut parked = 0;
        let mut consumers: Vec<String> = ConsumerSpec::all().into_iter().map(|s| s.name).collect();
        consumers.extend(self.extra_consumers.iter().cloned());
        for name in &consumers {
            let spec = ConsumerSpec::new(name.clone(), &[]);
            parked += list_parked(&broker, &topology, &spec)
                .await
                .map(|p| p.len())
                .unwrap_or(0);
        }
        self.cleanup(&consumers).await;
        assert_eq!(
            leftover, 0,
            "the test left {leftover} event(s) in the outbox"
        );
        assert_eq!(parked, 0, "the test left {parked} parked message(s)");
    }

    async fn cleanup(&self, consumers: &[String]) {
        if let Ok(connection) = self.broker().connect().await {
            if let Ok(channel) = connection.create_channel().await {
                let topology = self.topology();
                for consumer in consumers {
                    for (queue, _) in topology.queues_of(consumer) {
                        let _ = channel
                            .queue_delete(
                                queue.into(),
                                lapin::options::QueueDeleteOptions::default(),
                            )
                            .await;
                    }
                }
                let _ = channel
                    .exchange_delete(
                        topology.events_exchange().into(),
                        lapin::options::ExchangeDeleteOptions::default(),
                    )
                    .await;
            }
            let _ = connection.close(200, "test done".into()).await;
        }
        self.db.close().await;
        let mut admin = admin_connection().await;
        let _ = sqlx::query(&format!(
            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
            self.db_name
        ))
        .execute(&mut admin)
        .await;
    }
}

fn url_without_database(url: &str) -> String {
    // postgres://user@host:port/db?params → postgres://user@host:port
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    format!("{scheme}://{authority}")
}

/// Polls `check` until it returns `Some`, or panics after `timeout` with `what`.
pub async fn eventually<T, F, Fut>(timeout: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The first `href` in `html` that starts with `prefix`, unescaped.
pub fn linked_href(html: &str, prefix: &str) -> Option<String> {
    html.split("href=\"")
        .skip(1)
        .map(|s| {
            s.split('"')
                .next()
                .unwrap_or_default()
                .replace("&#x2f;", "/")
        })
        .find(|href| href.starts_with(prefix))
}

impl TestPlatform {
    /// Waits until the parking queue of `spec` holds exactly `count` messages; returns them.
    pub async fn wait_for_parked(
        &self,
        spec: &ConsumerSpec,
        count: usize,
    ) -> Vec<common::mq::ParkedMessage> {
        eventually(Duration::from_secs(20), "parked messages", || async {
            let parked = list_parked(&self.broker(), &self.topology(), spec)
                .await
                .ok()?;
            (parked.len() == count).then_some(parked)
        })
        .await
    }
}

/// A workspace binary (built by `cargo build --workspace --bins`) next to the test executable.
pub fn binary(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target directory");
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is missing: run `cargo build --workspace --bins` first",
        path.display()
    );
    path
}

impl TestPlatform {
    /// The environment that makes a child process (a service or zorgctl) use this test's
    /// database, namespace and provider.
    pub fn child_env(&self) -> Vec<(String, String)> {
        use secrecy::ExposeSecret;
        let config = &self.config;
        let delays = config
            .amqp
            .retry_delays
            .iter()
            .map(|d| d.as_millis().to_string())
            .collect::<Vec<_>>()
            .join(",");
        vec![
            (
                "DATABASE_URL".into(),
                config.database.url.expose_secret().to_owned(),
            ),
            (
                "AMQP_URL".into(),
                config.amqp.url.expose_secret().to_owned(),
            ),
            ("AMQP_NAMESPACE".into(), self.namespace.clone()),
            ("AMQP_RETRY_DELAYS_MS".into(), delays),
            ("SMS_PROVIDER_URL".into(), self.sms.url()),
            ("RUST_LOG".into(), "warn".into()),
        ]
    }

    /// Runs zorgctl with this platform's environment; returns its stdout, panics on failure.
    pub fn zorgctl(&self, args: &[&str]) -> String {
        let output = std::process::Command::new(binary("zorgctl"))
            .args(args)
            .envs(self.child_env())
            .output()
            .expect("run zorgctl");
        assert!(
            output.status.success(),
            "zorgctl {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }
}
