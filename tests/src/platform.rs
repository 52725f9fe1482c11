//! A test's own platform, from start to finish: its database (created, migrated and dropped),
//! its configuration (the process environment with the test's overrides), and the platform's
//! services (web, worker, notifier) running in-process until [`TestPlatform::finish`].
//!
//! `finish()` is how every test ends: it stops the services, fails the test on work left in
//! the outbox or parked, and removes the test's database and queues (`finish_without_broker()`
//! is its variant for a platform deliberately pointed at no broker). A platform dropped without
//! either fails the test (unless the test is failing already), so no test can skip those checks
//! by forgetting the last line.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Once};

use common::infra::clock::OffsetClock;
use common::infra::config::{Config, Env};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgPool};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::{MailCatcher, SmsReceiver};

static TELEMETRY: Once = Once::new();

/// How long `finish()` lets a running relay take what is in the outbox before it looks.
const RELAY_DRAIN: std::time::Duration = std::time::Duration::from_secs(10);

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
    pub(crate) extra_consumers: Vec<String>,
    /// Whether the platform's worker (and so its outbox relay) runs.
    relay_runs: bool,
    stop: CancellationToken,
    tasks: JoinSet<()>,
    /// Set by [`TestPlatform::finish`]; the guard in `Drop` checks it.
    finished: bool,
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

/// Drops the test database `name`, whatever still holds a connection to it.
async fn drop_database(name: &str) {
    let mut admin = admin_connection().await;
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .execute(&mut admin)
        .await;
    admin.close().await.ok();
}

fn url_without_database(url: &str) -> String {
    // postgres://user@host:port/db?params → postgres://user@host:port
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    format!("{scheme}://{authority}")
}

impl TestPlatform {
    pub async fn start() -> Self {
        Self::start_with(Services::ALL, &[]).await
    }

    /// Starts a platform with its own database and namespace; `overrides` are extra settings.
    pub async fn start_with(services: Services, overrides: &[(&str, String)]) -> Self {
        TELEMETRY.call_once(|| {
            std::mem::forget(common::infra::telemetry::init("zorgportaal-tests"));
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
        let db = common::infra::db::connect(&config.database)
            .await
            .expect("connect test database");
        common::infra::db::migrate_platform(&db)
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
            let worker =
                worker::Worker::with_pool_and_clock(config.clone(), db.clone(), clock.clone());
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
            relay_runs: services.worker,
            stop,
            tasks,
            finished: false,
        }
    }

    /// Starts a notifier that the test stops itself (besides the platform's own, or instead
    /// of it with `Services { notifier: false, .. }`).
    pub async fn start_notifier(&self) -> OwnNotifier {
        let notifier = notifier::Notifier::with_pool(self.config.clone(), self.db.clone())
            .await
            .expect("build notifier");
        let stop = self.stop.child_token();
        OwnNotifier {
            task: tokio::spawn(notifier.run_until_stopped(stop.clone())),
            stop,
        }
    }

    /// A unique e-mail address for this test (the mail catcher is shared by all tests).
    pub fn unique_email(&self, who: &str) -> String {
        format!(
            "{who}.{}@test.zorgportaal.localhost",
            &Uuid::new_v4().simple().to_string()[..10]
        )
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

    /// Lets a running relay take what a last request queued (up to ten seconds), stops the
    /// services, checks that no work was left behind, and removes the test's
    /// database and queues. Panics (fails the test) on leftover work, on a service that
    /// panicked, and when the outbox or the broker cannot be asked: a check that could not
    /// look is not a check that passed.
    pub async fn finish(self) {
        self.finish_with(BrokerAtFinish::Reachable).await;
    }

    /// [`Self::finish`] for a platform that a test pointed at a broker that is not there, on
    /// purpose (to see how the platform does without one). There is no broker to ask for
    /// parked messages, so this checks instead that the broker really is out of reach —
    /// then nothing can have been parked — and does every other check of `finish()`.
    pub async fn finish_without_broker(self) {
        self.finish_with(BrokerAtFinish::Unreachable).await;
    }

    async fn finish_with(mut self, broker: BrokerAtFinish) {
        self.finished = true;
        if self.relay_runs {
            // A request answered a moment ago may have queued a mail the relay has not taken
            // yet: give it the time a relay needs, so the check below sees work that stays.
            let deadline = std::time::Instant::now() + RELAY_DRAIN;
            while matches!(self.try_outbox_len().await, Ok(n) if n > 0)
                && std::time::Instant::now() < deadline
            {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
        self.stop.cancel();
        let mut crashed = Vec::new();
        while let Some(joined) = self.tasks.join_next().await {
            if let Err(error) = joined {
                crashed.push(error.to_string());
            }
        }
        let leftover = self.try_outbox_len().await;
        let parked = match broker {
            BrokerAtFinish::Reachable => {
                let consumers = self.consumers();
                let parked = self.count_parked(&consumers).await;
                // Removed before the checks below, so a failing test leaves nothing behind.
                self.delete_queues(&consumers).await;
                parked
            }
            BrokerAtFinish::Unreachable => match self.broker().connect().await {
                Err(_) => Ok(0),
                Ok(connection) => {
                    let _ = connection.close(200, "test done".into()).await;
                    Err("the broker is reachable: end the test with finish()".to_owned())
                }
            },
        };
        self.db.close().await;
        drop_database(&self.db_name).await;

        assert!(
            crashed.is_empty(),
            "a service of the test platform panicked: {crashed:?}"
        );
        let leftover = leftover
            .unwrap_or_else(|error| panic!("finish(): could not count the outbox: {error}"));
        assert_eq!(
            leftover, 0,
            "the test left {leftover} event(s) in the outbox"
        );
        let parked = parked.unwrap_or_else(|error| {
            panic!("finish(): could not count the parked messages: {error}")
        });
        assert_eq!(parked, 0, "the test left {parked} parked message(s)");
    }
}

/// What [`TestPlatform::finish`] expects of the broker.
#[derive(Debug, Clone, Copy)]
enum BrokerAtFinish {
    /// The platform's broker answers: its parking queues must be empty.
    Reachable,
    /// The test pointed the platform at no broker on purpose: it must not answer.
    Unreachable,
}

/// The guard: a platform must end with [`TestPlatform::finish`]. Dropped without it, it stops
/// its services and fails the test — unless the test is failing already (a second panic while
/// unwinding would abort the whole test binary and hide the first).
/// A notifier started by [`TestPlatform::start_notifier`].
pub struct OwnNotifier {
    stop: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

impl OwnNotifier {
    /// Stops intake and waits until the work in hand is finished (or, after the grace period,
    /// given back to the broker).
    pub async fn stop(self) {
        self.stop.cancel();
        self.task.await.expect("the notifier ran without panicking");
    }
}

impl Drop for TestPlatform {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        self.stop.cancel();
        if !std::thread::panicking() {
            panic!(
                "TestPlatform dropped without finish(): end the test with \
                 `platform.finish().await`, which checks that no work was left in the outbox \
                 or parked and removes the test's database {} and namespace {}",
                self.db_name, self.namespace
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use std::panic::AssertUnwindSafe;

    use futures::FutureExt;

    use super::*;

    fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default()
    }

    async fn database_exists(name: &str) -> bool {
        let mut admin = admin_connection().await;
        let found: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
            .bind(name)
            .fetch_optional(&mut admin)
            .await
            .expect("look up a database");
        admin.close().await.ok();
        found.is_some()
    }

    #[tokio::test]
    async fn a_platform_dropped_without_finish_fails_the_test() {
        let platform = TestPlatform::start_with(Services::NONE, &[]).await;
        let db_name = platform.db_name.clone();
        let dropped = std::panic::catch_unwind(AssertUnwindSafe(move || drop(platform)));
        let message = panic_message(&*dropped.expect_err("an unfinished platform panics"));
        assert!(
            message.contains("dropped without finish()") && message.contains(&db_name),
            "{message}"
        );
        // What finish() would have removed.
        drop_database(&db_name).await;
        assert!(!database_exists(&db_name).await);
    }

    #[tokio::test]
    async fn a_finished_platform_leaves_no_database_behind() {
        let platform = TestPlatform::start_with(Services::NONE, &[]).await;
        let db_name = platform.db_name.clone();
        assert!(database_exists(&db_name).await);
        platform.finish().await;
        assert!(!database_exists(&db_name).await);
    }

    #[tokio::test]
    async fn finish_fails_when_it_cannot_ask_the_broker_for_parked_messages() {
        let mut platform = TestPlatform::start_with(Services::NONE, &[]).await;
        let db_name = platform.db_name.clone();
        // Nothing listens on port 1: every broker call fails.
        platform.config.amqp.url = "amqp://guest:guest@127.0.0.1:1/%2f".to_owned().into();
        let finished = AssertUnwindSafe(platform.finish()).catch_unwind().await;
        let message = panic_message(&*finished.expect_err("finish() fails"));
        assert!(
            message.contains("could not count the parked messages"),
            "{message}"
        );
        assert!(
            !database_exists(&db_name).await,
            "removed even when the check fails"
        );
    }

    #[tokio::test]
    async fn finish_without_broker_fails_when_the_broker_answers_after_all() {
        let platform = TestPlatform::start_with(Services::NONE, &[]).await;
        let db_name = platform.db_name.clone();
        let finished = AssertUnwindSafe(platform.finish_without_broker())
            .catch_unwind()
            .await;
        let message = panic_message(&*finished.expect_err("finish_without_broker() fails"));
        assert!(message.contains("the broker is reachable"), "{message}");
        assert!(!database_exists(&db_name).await);
    }
}
