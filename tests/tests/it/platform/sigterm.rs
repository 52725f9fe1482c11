//! SIGTERM to each service while it works: in-flight work finishes or is redelivered; nothing
//! is lost.
//!
//! The services run as real child processes — the binaries cargo builds next to this test —
//! so the signal, the exit status and the grace period are the real ones. The harness gives
//! each test its database, namespace and configuration, and the children get that
//! configuration as environment variables.

use std::collections::HashSet;
use std::fs::File;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::infra::config::Config;
use common::infra::i18n::Language;
use common::infra::outbox::{Event, EventPayload, Message, Recipient};
use common::infra::tenancy::Tenant;
use poem::listener::{Acceptor, Listener};
use secrecy::ExposeSecret;
use serde::Deserialize;
use tokio::sync::watch;
use zorgportaal_tests::tally::MailTally;
use zorgportaal_tests::{eventually, CaughtMail, Services, TestPlatform};

const NOTIFIER_GRACE: Duration = Duration::from_secs(5);
const WORKER_GRACE: Duration = Duration::from_secs(5);
const WEB_GRACE: Duration = Duration::from_secs(10);
/// Time a process may take, after its grace period, to tear down and exit.
const EXIT_SLACK: Duration = Duration::from_secs(1);
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(120);

#[tokio::test]
async fn sigterm_to_the_notifier_while_it_sends_loses_no_email_and_sends_none_twice() {
    const EVENTS: usize = 500;
    let platform = TestPlatform::start_with(
        Services::NONE,
        &[(
            "NOTIFIER_SHUTDOWN_GRACE_MS",
            NOTIFIER_GRACE.as_millis().to_string(),
        )],
    )
    .await;
    let tenant = platform.create_tenant("Zorggroep Stop", "#1d4f91").await;
    let events = email_events(&platform, &tenant, EVENTS);
    platform.commit_events(&tenant, &events).await;

    let env = service_env(&platform);
    let mut worker = ServiceProcess::start("zorgportaal-worker", &env, "worker");
    let mut notifier = ServiceProcess::start("zorgportaal-notifier", &env, "notifier-1");
    // Signal once the notifier is well into the work: it has e-mails in hand at that moment.
    eventually(DELIVERY_TIMEOUT, "the first e-mails", || async {
        (sent_count(&platform).await >= 50).then_some(())
    })
    .await;
    notifier.terminate();
    let shutdown = notifier.wait_for_exit(NOTIFIER_GRACE + EXIT_SLACK).await;
    assert!(
        shutdown.status.success(),
        "the notifier exited with {}",
        shutdown.status
    );
    let sent_by_first = sent_count(&platform).await;
    println!(
        "notifier stopped {:.2} s after SIGTERM, having sent {sent_by_first}/{EVENTS}",
        shutdown.after.as_secs_f64()
    );
    assert!(
        sent_by_first < EVENTS,
        "the notifier had sent everything before it stopped; the SIGTERM interrupted nothing"
    );

    let mut second = ServiceProcess::start("zorgportaal-notifier", &env, "notifier-2");
    wait_until_delivered(&platform, EVENTS).await;
    let mails = collect_mail(&platform, &events).await;
    let tally = MailTally::of(&events, &mails);
    platform.mail.delete(&mails).await;
    tally.assert_exactly_one_per_event();

    second.stop(NOTIFIER_GRACE).await;
    worker.stop(WORKER_GRACE).await;
    platform.finish().await;
}

#[tokio::test]
async fn sigterm_to_the_worker_mid_relay_loses_no_event_and_sends_none_twice() {
    const EVENTS: usize = 2_000;
    // Small batches, so the relay is many rounds from done when the signal comes.
    const BATCH: usize = 50;
    let platform = TestPlatform::start_with(
        Services::NONE,
        &[
            (
                "WORKER_SHUTDOWN_GRACE_MS",
                WORKER_GRACE.as_millis().to_string(),
            ),
            ("WORKER_RELAY_BATCH_SIZE", BATCH.to_string()),
        ],
    )
    .await;
    let tenant = platform.create_tenant("Zorggroep Relais", "#7a1f5c").await;
    let events = email_events(&platform, &tenant, EVENTS);
    platform.commit_events(&tenant, &events).await;

    let env = service_env(&platform);
    let mut worker = ServiceProcess::start("zorgportaal-worker", &env, "worker-1");
    eventually(Duration::from_secs(30), "the relay to start", || async {
        (platform.outbox_len().await < EVENTS as i64).then_some(())
    })
    .await;
    worker.terminate();
    let shutdown = worker.wait_for_exit(WORKER_GRACE + EXIT_SLACK).await;
    assert!(
        shutdown.status.success(),
        "the worker exited with {}",
        shutdown.status
    );
    let left = usize::try_from(platform.outbox_len().await).expect("a count");
    println!(
        "worker stopped {:.2} s after SIGTERM, having relayed {}/{EVENTS}",
        shutdown.after.as_secs_f64(),
        EVENTS - left
    );
    assert!(
        left > 0,
        "the worker had relayed everything before it stopped; the SIGTERM interrupted nothing"
    );
    // The round in hand at the signal was finished, not cut off half-way.
    assert_eq!(
        (EVENTS - left) % BATCH,
        0,
        "a relay round was cut off: {left} events left"
    );

    let mut second = ServiceProcess::start("zorgportaal-worker", &env, "worker-2");
    let mut notifier = ServiceProcess::start("zorgportaal-notifier", &env, "notifier");
    wait_until_delivered(&platform, EVENTS).await;
    assert_eq!(platform.outbox_len().await, 0);
    let mails = collect_mail(&platform, &events).await;
    let tally = MailTally::of(&events, &mails);
    platform.mail.delete(&mails).await;
    tally.assert_exactly_one_per_event();

    notifier.stop(NOTIFIER_GRACE).await;
    second.stop(WORKER_GRACE).await;
    platform.finish().await;
}

#[tokio::test]
async fn sigterm_to_the_web_service_finishes_the_requests_in_flight_and_refuses_new_ones() {
    const REQUESTS: usize = 50;
    // `/readyz` checks S3; this stand-in holds those checks until the test lets them go, so
    // the requests are provably in the handler (accepted, not just sent) when the signal comes.
    let s3 = GatedS3::start().await;
    let platform = TestPlatform::start_with(
        Services::NONE,
        &[
            ("WEB_SHUTDOWN_GRACE_MS", WEB_GRACE.as_millis().to_string()),
            ("S3_ENDPOINT", s3.url()),
        ],
    )
    .await;
    let tenant = platform.create_tenant("Zorggroep Poort", "#225588").await;
    let addr = free_local_addr();
    let mut env = service_env(&platform);
    env.retain(|(key, _)| key != "WEB_BIND");
    env.push(("WEB_BIND".to_owned(), addr.to_string()));
    let mut web = ServiceProcess::start("zorgportaal-web", &env, "web");
    let host = tenant.hosts[0].clone();
    eventually(
        Duration::from_secs(30),
        "the web service to serve the tenant",
        || async {
            let page = portal_get(&platform, addr, &host, "/").await.ok()?;
            (page.status() == 200).then_some(())
        },
    )
    .await;

    let requests: Vec<_> = (0..REQUESTS)
        .map(|_| {
            let request = portal_get(&platform, addr, &host, "/readyz");
            tokio::spawn(async move {
                let response = request.await?;
                let status = response.status();
                response.text().await.map(|body| (status, body))
            })
        })
        .collect();
    eventually(
        Duration::from_secs(10),
        "every request in the handler",
        || async { (s3.waiting() >= REQUESTS).then_some(()) },
    )
    .await;

    web.terminate();
    // The listener closes at once: a new request is refused while the old ones still run.
    eventually(
        Duration::from_secs(5),
        "new connections refused",
        || async {
            tokio::net::TcpStream::connect(addr)
                .await
                .is_err()
                .then_some(())
        },
    )
    .await;
    let refused = portal_get(&platform, addr, &host, "/readyz").await;
    assert!(
        refused.as_ref().is_err_and(reqwest::Error::is_connect),
        "a request during shutdown was not refused: {refused:?}"
    );
    assert!(
        web.is_running(),
        "the web service exited with {REQUESTS} requests in flight"
    );

    s3.open();
    for request in requests {
        let (status, body) = request
            .await
            .expect("request task")
            .expect("a request in flight at SIGTERM completes");
        assert_eq!(status, 200, "{body}");
    }
    let shutdown = web.wait_for_exit(WEB_GRACE + EXIT_SLACK).await;
    assert!(
        shutdown.status.success(),
        "the web service exited with {}",
        shutdown.status
    );
    let after = portal_get(&platform, addr, &host, "/").await;
    assert!(
        after.as_ref().is_err_and(reqwest::Error::is_connect),
        "a request after shutdown was not refused: {after:?}"
    );
    platform.finish().await;
}

// ---------------------------------------------------------------- child processes

/// A service binary running as a child process, its output going to a log file in the temp
/// directory whose tail is printed (and which is kept) when the test fails. Killed if the test
/// ends without stopping it.
struct ServiceProcess {
    label: String,
    child: tokio::process::Child,
    log: PathBuf,
    terminated_at: Option<Instant>,
}

struct Shutdown {
    status: ExitStatus,
    /// Time from SIGTERM to exit.
    after: Duration,
}

impl ServiceProcess {
    fn start(binary: &str, env: &[(String, String)], label: &str) -> Self {
        let path = zorgportaal_tests::binary(binary);
        let namespace = env
            .iter()
            .find(|(key, _)| key == "AMQP_NAMESPACE")
            .map_or("test", |(_, value)| value.as_str());
        let log = std::env::temp_dir().join(format!("zorgportaal-sigterm-{namespace}-{label}.log"));
        let stdout = File::create(&log).expect("create child log");
        let stderr = stdout.try_clone().expect("share child log");
        let child = tokio::process::Command::new(&path)
            .envs(env.iter().map(|(key, value)| (key, value)))
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", path.display()));
        Self {
            label: label.to_owned(),
            child,
            log,
            terminated_at: None,
        }
    }

    /// Sends SIGTERM, as an orchestrator does to stop a container.
    fn terminate(&mut self) {
        let pid = self.child.id().expect("the process is still running");
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM {pid} failed");
        self.terminated_at = Some(Instant::now());
    }

    fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    async fn wait_for_exit(&mut self, within: Duration) -> Shutdown {
        let status = tokio::time::timeout(within, self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("{} did not exit within {within:?} of SIGTERM", self.label))
            .expect("wait for the child");
        Shutdown {
            status,
            after: self
                .terminated_at
                .map(|at| at.elapsed())
                .unwrap_or_default(),
        }
    }

    /// Stops a process the test no longer needs; it must still exit cleanly.
    async fn stop(&mut self, grace: Duration) {
        self.terminate();
        let shutdown = self.wait_for_exit(grace + EXIT_SLACK).await;
        assert!(
            shutdown.status.success(),
            "{} exited with {}",
            self.label,
            shutdown.status
        );
    }

    fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

impl Drop for ServiceProcess {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "---- last lines of {} ({}) ----\n{}\n----",
                self.label,
                self.log.display(),
                self.log_tail(40)
            );
        } else {
            // Kept only when the test fails.
            let _ = std::fs::remove_file(&self.log);
        }
    }
}

/// The test platform's whole configuration as the environment variables the services read
/// (`TestPlatform::child_env` covers what zorgctl needs; these tests also change grace
/// periods, the relay batch size and the S3 endpoint).
fn service_env(platform: &TestPlatform) -> Vec<(String, String)> {
    let Config {
        database,
        amqp,
        s3,
        smtp,
        sms,
        web,
        worker,
        notifier,
        phone,
    } = &platform.config;
    let millis = |d: &Duration| d.as_millis().to_string();
    let mut env = vec![
        ("DATABASE_URL", database.url.expose_secret().to_owned()),
        (
            "DATABASE_MAX_CONNECTIONS",
            database.max_connections.to_string(),
        ),
        ("AMQP_URL", amqp.url.expose_secret().to_owned()),
        ("AMQP_NAMESPACE", amqp.namespace.clone()),
        (
            "AMQP_RETRY_DELAYS_MS",
            amqp.retry_delays
                .iter()
                .map(millis)
                .collect::<Vec<_>>()
                .join(","),
        ),
        ("AMQP_PREFETCH", amqp.prefetch.to_string()),
        ("S3_ENDPOINT", s3.endpoint.clone()),
        ("S3_REGION", s3.region.clone()),
        ("S3_BUCKET", s3.bucket.clone()),
        ("S3_ACCESS_KEY_ID", s3.access_key_id.clone()),
        (
            "S3_SECRET_ACCESS_KEY",
            s3.secret_access_key.expose_secret().to_owned(),
        ),
        ("S3_FORCE_PATH_STYLE", s3.force_path_style.to_string()),
        ("SMTP_HOST", smtp.host.clone()),
        ("SMTP_PORT", smtp.port.to_string()),
        ("SMTP_STARTTLS", smtp.starttls.to_string()),
        ("SMTP_FROM", smtp.from_address.clone()),
        ("SMTP_POOL_SIZE", smtp.pool_size.to_string()),
        ("SMS_PROVIDER_URL", sms.provider_url.clone()),
        (
            "SMS_PROVIDER_ACCESS_KEY",
            sms.access_key.expose_secret().to_owned(),
        ),
        ("SMS_ORIGINATOR", sms.originator.clone()),
        ("WEB_BIND", web.bind.to_string()),
        ("PLATFORM_DOMAIN", web.platform_domain.clone()),
        ("WEB_HTTPS", web.https.to_string()),
        ("WEB_SHUTDOWN_GRACE_MS", millis(&web.shutdown_grace)),
        (
            "WORKER_RELAY_BATCH_SIZE",
            worker.relay_batch_size.to_string(),
        ),
        ("WORKER_RELAY_POLL_MS", millis(&worker.relay_poll_interval)),
        ("WORKER_SHUTDOWN_GRACE_MS", millis(&worker.shutdown_grace)),
        ("NOTIFIER_CONCURRENCY", notifier.concurrency.to_string()),
        (
            "NOTIFIER_SHUTDOWN_GRACE_MS",
            millis(&notifier.shutdown_grace),
        ),
        ("PHONE_ALLOWED_COUNTRIES", phone.allowed_countries.join(",")),
        ("SMS_BUDGET_PER_HOUR", phone.budget_per_hour.to_string()),
        (
            "SMS_TENANT_BUDGET_PER_HOUR",
            phone.tenant_budget_per_hour.to_string(),
        ),
    ];
    if let Some(username) = &smtp.username {
        env.push(("SMTP_USERNAME", username.clone()));
    }
    if let Some(password) = &smtp.password {
        env.push(("SMTP_PASSWORD", password.expose_secret().to_owned()));
    }
    env.into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect()
}

/// A loopback address with a port that was free a moment ago (the child binds it).
fn free_local_addr() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("its address")
}

// ---------------------------------------------------------------- the web service

fn portal_get(
    platform: &TestPlatform,
    addr: SocketAddr,
    host: &str,
    path: &str,
) -> impl std::future::Future<Output = reqwest::Result<reqwest::Response>> + Send + 'static {
    platform
        .http
        .get(format!("http://{addr}{path}"))
        .header("Host", host)
        .send()
}

/// Answers every S3 request with 200, but only once the test opens the gate; counts the
/// requests waiting at it.
struct GatedS3 {
    addr: SocketAddr,
    waiting: Arc<AtomicUsize>,
    gate: watch::Sender<bool>,
}

impl GatedS3 {
    async fn start() -> Self {
        let acceptor = poem::listener::TcpListener::bind("127.0.0.1:0")
            .into_acceptor()
            .await
            .expect("bind the S3 stand-in");
        let addr = acceptor.local_addr()[0]
            .as_socket_addr()
            .copied()
            .expect("socket address");
        let waiting = Arc::new(AtomicUsize::new(0));
        let (gate, opened) = watch::channel(false);
        let endpoint = {
            let waiting = waiting.clone();
            poem::endpoint::make(move |_request| {
                let waiting = waiting.clone();
                let mut opened = opened.clone();
                async move {
                    waiting.fetch_add(1, Ordering::SeqCst);
                    let _ = opened.wait_for(|open| *open).await;
                    poem::http::StatusCode::OK
                }
            })
        };
        tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(endpoint));
        Self {
            addr,
            waiting,
            gate,
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    fn open(&self) {
        self.gate.send_replace(true);
    }
}

// ---------------------------------------------------------------- events and e-mail

fn email_events(platform: &TestPlatform, tenant: &Tenant, count: usize) -> Vec<Event> {
    (0..count)
        .map(|_| {
            Event::notification(
                &tenant.slug,
                time::OffsetDateTime::UNIX_EPOCH + Duration::from_secs(1_790_000_000),
                Recipient::email(platform.unique_email("sigterm")),
                Language::Nl,
                Message::DeliveryTest {
                    reference: "sigterm".into(),
                },
            )
        })
        .collect()
}

fn recipient_address(event: &Event) -> &str {
    let EventPayload::Notification(notification) = &event.payload else {
        panic!("not a notification: {event:?}");
    };
    match &notification.to {
        Recipient::Email { address, .. } => address,
        other => panic!("not an e-mail event: {other:?}"),
    }
}

/// Events the notifier recorded as sent (it records each in the transaction that sends it).
async fn sent_count(platform: &TestPlatform) -> usize {
    let count: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM platform.processed_messages WHERE consumer = 'notifier'",
    )
    .fetch_one(&platform.db)
    .await
    .expect("count sent events");
    usize::try_from(count).expect("a count is not negative")
}

/// Waits until every event is recorded as sent and nothing waits in the notifier's main or
/// retry queues, so no redelivery can still send an e-mail.
async fn wait_until_delivered(platform: &TestPlatform, events: usize) {
    eventually(DELIVERY_TIMEOUT, "every event sent", || async {
        (sent_count(platform).await == events).then_some(())
    })
    .await;
    eventually(
        Duration::from_secs(30),
        "the notifier's queues empty",
        || async { (notifier_backlog(&platform.namespace).await == 0).then_some(()) },
    )
    .await;
}

/// Messages ready or unacknowledged in the namespace's queues, parking queues aside, as the
/// broker reports them.
async fn notifier_backlog(namespace: &str) -> u64 {
    #[derive(Deserialize)]
    struct Queue {
        name: String,
        messages: u64,
    }
    let output = tokio::process::Command::new("rabbitmqctl")
        .args([
            "-q",
            "list_queues",
            "name",
            "messages",
            "--formatter",
            "json",
        ])
        .output()
        .await
        .expect("run rabbitmqctl");
    assert!(output.status.success(), "rabbitmqctl list_queues failed");
    let queues: Vec<Queue> = serde_json::from_slice(&output.stdout).expect("rabbitmqctl JSON");
    let prefix = format!("{namespace}.");
    queues
        .iter()
        .filter(|queue| queue.name.starts_with(&prefix) && !queue.name.ends_with(".parked"))
        .map(|queue| queue.messages)
        .sum()
}

/// Every caught e-mail to the events' addresses, once maildev holds one per event (it stores a
/// message a moment after accepting it) or after half a minute.
async fn collect_mail(platform: &TestPlatform, events: &[Event]) -> Vec<CaughtMail> {
    let addresses: HashSet<&str> = events.iter().map(recipient_address).collect();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mails: Vec<CaughtMail> = platform
            .mail
            .all()
            .await
            .into_iter()
            .filter(|mail| {
                mail.to
                    .iter()
                    .any(|to| addresses.contains(to.address.as_str()))
            })
            .collect();
        let distinct: HashSet<Option<&str>> = mails.iter().map(CaughtMail::message_id).collect();
        if distinct.len() >= events.len() || Instant::now() >= deadline {
            return mails;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
