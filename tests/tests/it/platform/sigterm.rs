//! SIGTERM to each service while it works: in-flight work finishes or is redelivered; nothing
//! is lost.
//!
//! The services run as real child processes — the binaries cargo builds next to this test —
//! so the signal, the exit status and the grace period are the real ones. The harness gives
//! each test its database, namespace and configuration, and the children get that
//! configuration as environment variables.

use std::collections::{HashMap, HashSet};
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::infra::i18n::Language;
use common::infra::outbox::{Event, EventPayload, Message, Recipient};
use common::infra::tenancy::Tenant;
use poem::listener::{Acceptor, Listener};
use tokio::sync::watch;
use uuid::Uuid;
use zorgportaal_tests::processes::{service_env, ServiceProcess, EXIT_SLACK};
use zorgportaal_tests::tally::MailTally;
use zorgportaal_tests::{eventually, CaughtMail, Services, TestPlatform};

const NOTIFIER_GRACE: Duration = Duration::from_secs(5);
const WORKER_GRACE: Duration = Duration::from_secs(5);
const WEB_GRACE: Duration = Duration::from_secs(10);
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(120);

#[tokio::test]
async fn sigterm_to_the_notifier_while_it_sends_loses_no_email_and_sends_none_twice() {
    const EVENTS: usize = 500;
    let platform = TestPlatform::start_with(
        Services::NONE,
        &[
            (
                "NOTIFIER_SHUTDOWN_GRACE_MS",
                NOTIFIER_GRACE.as_millis().to_string(),
            ),
            // Within the grace period, so a send in hand at SIGTERM ends before it does.
            ("SMTP_TIMEOUT_MS", "3000".to_owned()),
            ("SMS_TIMEOUT_MS", "3000".to_owned()),
            ("NOTIFIER_CLAIM_LEASE_MS", "4000".to_owned()),
        ],
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
        (platform.notifications_sent().await >= 50).then_some(())
    })
    .await;
    notifier.terminate();
    let shutdown = notifier.wait_for_exit(NOTIFIER_GRACE + EXIT_SLACK).await;
    assert!(
        shutdown.status.success(),
        "the notifier exited with {}",
        shutdown.status
    );
    let sent_by_first = platform.notifications_sent().await;
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
async fn kill_9_of_the_notifier_while_5000_emails_flow_loses_none_and_repeats_only_sends_in_flight()
{
    const EVENTS: usize = 5_000;
    const KILLS: usize = 5;
    let platform = TestPlatform::start_with(
        Services::NONE,
        &[
            ("SMTP_TIMEOUT_MS", "2000".to_owned()),
            ("SMS_TIMEOUT_MS", "2000".to_owned()),
            ("NOTIFIER_CLAIM_LEASE_MS", "3000".to_owned()),
            ("NOTIFIER_SHUTDOWN_GRACE_MS", "5000".to_owned()),
        ],
    )
    .await;
    let tenant = platform.create_tenant("Zorggroep Crash", "#1d4f91").await;
    let events = email_events(&platform, &tenant, EVENTS);
    platform.commit_events(&tenant, &events).await;

    let env = service_env(&platform);
    let mut worker = ServiceProcess::start("zorgportaal-worker", &env, "worker");
    let mut notifier = ServiceProcess::start("zorgportaal-notifier", &env, "crash-0");
    // Claims left unsent by each killed notifier: the sends it had in flight at the kill.
    let mut in_flight_at_kills: HashMap<Uuid, usize> = HashMap::new();
    for kill in 1..=KILLS {
        let due = EVENTS * kill / (KILLS + 1);
        eventually(
            DELIVERY_TIMEOUT,
            "progress before the next kill",
            || async { (platform.notifications_sent().await >= due).then_some(()) },
        )
        .await;
        notifier.kill().await;
        for (owner, unsent) in unsent_claims(&platform).await {
            in_flight_at_kills.entry(owner).or_insert(unsent);
        }
        notifier = ServiceProcess::start("zorgportaal-notifier", &env, &format!("crash-{kill}"));
    }
    wait_until_delivered(&platform, EVENTS).await;
    let mails = collect_mail(&platform, &events).await;
    let tally = MailTally::of(&events, &mails);
    platform.mail.delete(&mails).await;
    let in_flight: usize = in_flight_at_kills.values().sum();
    println!(
        "kill -9 ×{KILLS} while {EVENTS} e-mails flowed: {} e-mails caught, {} lost, {} \
         duplicates, {in_flight} sends in flight at the kills",
        mails.len(),
        tally.lost(),
        tally.duplicates()
    );
    tally.assert_none_lost();
    assert!(
        tally.duplicates() <= in_flight,
        "{} duplicates, more than the {in_flight} sends in flight at the kills",
        tally.duplicates()
    );

    notifier.stop(Duration::from_secs(5)).await;
    worker.stop(WORKER_GRACE).await;
    platform.finish().await;
}

/// MSG-5, NOT-3: a message to a network of 50 is announced in one transaction (49 e-mails,
/// the author left out); a notifier killed with SIGKILL while it sends them, and started
/// again, loses none, and repeats at most the sends it had in flight.
#[tokio::test]
async fn kill_9_of_the_notifier_while_a_message_fans_out_to_49_members_loses_none() {
    use common::accounts::{self, EmailAddress, NewAccount, PersonName};
    use common::care::messages::threads::{self, Author};
    use common::care::messages::{fan_out, Audience};
    use common::care::page::{self, NewCarePage, NewCarePageForm, Role};
    use common::care::rights::{Preset, Rights};
    use common::infra::clock::Clock;
    use common::infra::tenancy::in_tenant;

    let platform = TestPlatform::start_with(
        Services::NONE,
        &[
            // One send at a time, so the kill comes while most still wait.
            ("NOTIFIER_CONCURRENCY", "1".to_owned()),
            ("SMTP_TIMEOUT_MS", "2000".to_owned()),
            ("SMS_TIMEOUT_MS", "2000".to_owned()),
            ("NOTIFIER_CLAIM_LEASE_MS", "3000".to_owned()),
        ],
    )
    .await;
    let tenant = platform.create_tenant("Zorggroep Vijftig", "#1d4f91").await;
    let now = platform.clock.now();
    let mut addresses = Vec::new();
    let mut members = Vec::new();
    for i in 0..50 {
        let address = platform.unique_email(&format!("lid{i}"));
        let new = NewAccount {
            email: EmailAddress::parse(&address).unwrap(),
            name: PersonName::parse(&format!("Lid {i}")).unwrap(),
            password_hash: String::new(),
            language: Language::Nl,
            home_tenant: tenant.slug.as_str().to_owned(),
        };
        let account = accounts::create_account(&platform.db, &new, now)
            .await
            .unwrap()
            .unwrap();
        members.push(account.id);
        addresses.push(address);
    }
    let author = members[0];
    let new_page = NewCarePage::parse(
        &NewCarePageForm {
            for_whom: "iemand-anders",
            client_name: "Anna de Vries",
            birth_date: "03-02-1940",
            consent: true,
        },
        "Lid 0",
        now.date(),
    )
    .unwrap();
    let event_count = platform.events_written().await;
    in_tenant(&platform.db, &tenant.slug, async |tx| {
        let care_page = page::create(tx, author, &new_page, now).await.unwrap();
        let basic = Rights::preset(Preset::Basic);
        for member in &members[1..] {
            page::add_member(tx, care_page.id, *member, Role::Lid, basic, now)
                .await
                .unwrap();
        }
        let writer = Author::Member {
            account: author,
            name: "Lid 0".to_owned(),
        };
        let audience = Audience::Network;
        let (_, message) =
            threads::start(tx, care_page.id, audience, &writer, "Hallo allemaal", now).await?;
        fan_out::schedule(tx, message, "http://portaal", now).await
    })
    .await
    .unwrap();
    assert_eq!(platform.events_written().await, event_count + 1, "one job");

    let env = service_env(&platform);
    let mut worker = ServiceProcess::start("zorgportaal-worker", &env, "worker");
    let mut notifier = ServiceProcess::start("zorgportaal-notifier", &env, "fan-out-0");
    eventually(DELIVERY_TIMEOUT, "the first e-mails out", || async {
        (platform.notifications_sent().await >= 5).then_some(())
    })
    .await;
    notifier.kill().await;
    let sent_at_kill = platform.notifications_sent().await;
    let in_flight: usize = unsent_claims(&platform).await.iter().map(|(_, n)| n).sum();
    notifier = ServiceProcess::start("zorgportaal-notifier", &env, "fan-out-1");
    wait_until_delivered(&platform, 49).await;
    assert_eq!(
        platform.events_written().await,
        event_count + 1 + 49,
        "the job wrote one e-mail per member but the author"
    );
    let others: HashSet<&str> = addresses[1..].iter().map(String::as_str).collect();
    let everyone: Vec<&str> = addresses.iter().map(String::as_str).collect();
    let mails = eventually(Duration::from_secs(30), "49 e-mails caught", || async {
        let all: Vec<CaughtMail> = platform.mail.to_any(&everyone).await;
        let reached: HashSet<String> = all
            .iter()
            .flat_map(|m| m.to.iter().map(|t| t.address.clone()))
            .filter(|a| others.contains(a.as_str()))
            .collect();
        (reached.len() == 49).then_some(all)
    })
    .await;
    let to_author = mails
        .iter()
        .filter(|m| m.to.iter().any(|t| t.address == addresses[0]))
        .count();
    assert_eq!(to_author, 0, "never the author");
    let duplicates = mails.len() - 49;
    println!(
        "fan-out to 49 with kill -9 after {sent_at_kill} sends: {} e-mails, {duplicates} \
         repeated, {in_flight} in flight at the kill",
        mails.len()
    );
    assert!(
        duplicates <= in_flight,
        "{duplicates} repeated, {in_flight} in flight"
    );
    notifier.stop(Duration::from_secs(5)).await;
    worker.stop(WORKER_GRACE).await;
    platform.finish().await;
}

/// Claims taken but not marked sent, per owner (one notifier process each).
async fn unsent_claims(platform: &TestPlatform) -> Vec<(Uuid, usize)> {
    let rows: Vec<(Uuid, i64)> = sqlx::query_as(
        "SELECT owner, count(*) FROM platform.notification_claims
         WHERE sent_at IS NULL GROUP BY owner",
    )
    .fetch_all(&platform.db)
    .await
    .expect("count unsent claims");
    rows.into_iter()
        .map(|(owner, count)| (owner, usize::try_from(count).expect("a count")))
        .collect()
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

/// Waits until every event is recorded as sent and nothing waits in the notifier's main or
/// retry queues, so no redelivery can still send an e-mail.
async fn wait_until_delivered(platform: &TestPlatform, events: usize) {
    eventually(DELIVERY_TIMEOUT, "every event sent", || async {
        (platform.notifications_sent().await == events).then_some(())
    })
    .await;
    eventually(
        Duration::from_secs(30),
        "the notifier's queues empty",
        || async { (platform.queue_backlog().await == 0).then_some(()) },
    )
    .await;
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
