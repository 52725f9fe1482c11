//! Broker faults while 10,000 committed events flow — every connection closed, the broker
//! application stopped and started, a memory alarm raised and cleared — lose none of them and
//! duplicate no e-mail. And: the queues of the notifier and of the worker's jobs, as the broker
//! itself reports them, are quorum queues that dead-letter at-least-once and reject publishes
//! when full. And: messages due later (an invitation's clean-up, a grant's lapse) wait in
//! RabbitMQ through a broker restart and come at their moment.
//!
//! This module disrupts the RabbitMQ that every test shares, so `bin/test` runs it alone,
//! after every other test (`-E 'test(/^platform::broker_faults::/)'`). Its own two tests take
//! turns through [`BROKER`].

use std::collections::{HashMap, HashSet};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::accounts::AccountId;
use common::care::network::invitations::{
    self, InvitationId, InviteError, InviteForm, NewInvitation, KEPT_FOR,
};
use common::care::network::members;
use common::care::page::CarePageId;
use common::care::rights::{Preset, Rights};
use common::infra::clock::{dutch, Clock};
use common::infra::i18n::Language;
use common::infra::mq::{ConsumerSpec, Topology, LATER_BUCKETS};
use common::infra::outbox::{self, Event, EventPayload, Message, Recipient};
use common::infra::tenancy::{in_tenant, Tenant, TenantSlug};
use futures::FutureExt;
use sqlx::PgPool;
use zorgportaal_tests::accounts::{self, eventually_mails, mails_with_subject};
use zorgportaal_tests::broker::{queues_in_namespace, rabbitmqctl, BrokerQueue};
use zorgportaal_tests::care_pages::{beheerder_with_page, member_with};
use zorgportaal_tests::tally::MailTally;
use zorgportaal_tests::{eventually, CaughtMail, Services, TestPlatform};

const EVENTS: usize = 10_000;
/// Events are committed this many at a time, one batch per [`COMMIT_EVERY`]: 30 s of writing,
/// so the relay is still publishing (not only the notifier consuming) during every fault.
const COMMIT_BATCH: usize = 250;
const COMMIT_EVERY: Duration = Duration::from_millis(750);
/// How long each fault lasts, and how long the platform gets between two faults.
const FAULT_PAUSE: Duration = Duration::from_secs(3);
const DRAIN_TIMEOUT: Duration = Duration::from_secs(600);
/// Progress is checked this often, no more: each look runs rabbitmqctl, and a look at maildev
/// fetches every e-mail it holds (10,000 of them, by the end).
const POLL_EVERY: Duration = Duration::from_secs(3);

/// Both tests need the broker to themselves: one breaks it, the other reads its queue list.
static BROKER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broker_faults_while_10000_committed_events_flow_lose_none_and_duplicate_no_email() {
    let _turn = BROKER.lock().await;
    let _restore = RestoreBrokerOnDrop;
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Storing", "#1d4f91").await;
    let events: Vec<Event> = (0..EVENTS)
        .map(|_| email_event(&tenant, platform.unique_email("fault")))
        .collect();
    let addresses: HashSet<String> = events.iter().map(recipient_address).collect();

    let started = Instant::now();
    let committed = Arc::new(AtomicUsize::new(0));
    let writer = tokio::spawn(commit_paced(
        platform.db.clone(),
        tenant.slug.clone(),
        events.clone(),
        committed.clone(),
    ));
    let log = FaultLog {
        db: platform.db.clone(),
        started,
        committed,
    };
    // Caught, so that the shared mail catcher is cleaned up even when a step fails.
    let flow = AssertUnwindSafe(async {
        // Let the flow get going before the first fault.
        eventually(Duration::from_secs(60), "the first e-mails", || async {
            (sent_count(&platform.db).await >= COMMIT_BATCH).then_some(())
        })
        .await;
        let at_fault = inject_faults(&log).await;
        writer.await.expect("the event writer");
        let drained = wait_for_drain(&platform, started).await;
        (at_fault, drained)
    })
    .catch_unwind()
    .await;
    let elapsed = started.elapsed();

    let mail_wait = match &flow {
        Ok((_, true)) => Duration::from_secs(60),
        _ => Duration::ZERO,
    };
    let mails = collect_mail(&platform, &addresses, mail_wait).await;
    let tally = MailTally::of(&events, &mails);
    println!(
        "{EVENTS} events: drained in {:.1} s, {:.0} e-mails/s end to end (faults included); \
         maildev holds {} of them",
        elapsed.as_secs_f64(),
        EVENTS as f64 / elapsed.as_secs_f64(),
        mails.len()
    );
    let deleting = Instant::now();
    platform.mail.delete(&mails).await;
    println!(
        "deleted {} e-mails in {:.1} s",
        mails.len(),
        deleting.elapsed().as_secs_f64()
    );

    let (at_fault, drained) = flow.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    assert!(
        drained,
        "the platform did not drain within {DRAIN_TIMEOUT:?}"
    );
    tally.assert_exactly_one_per_event();
    // A fault that hits an idle platform proves nothing: at each one the relay still had events
    // to publish, and the notifier e-mails to send.
    for moment in &at_fault {
        let fault = moment.what;
        assert!(
            moment.unrelayed > 0,
            "{fault}: every event was already published; the fault missed the relay"
        );
        assert!(
            moment.sent < EVENTS,
            "{fault}: every e-mail was already sent; the fault hit an idle platform"
        );
    }
    platform.finish().await;
}

#[tokio::test]
async fn every_queue_of_the_notifier_and_the_jobs_is_a_quorum_queue_that_dead_letters_at_least_once_and_rejects_publishes_when_full(
) {
    let _turn = BROKER.lock().await;
    let platform = TestPlatform::start_with(
        Services {
            notifier: true,
            worker: true,
            ..Services::NONE
        },
        &[],
    )
    .await;
    let topology = platform.topology();
    let consumers: Vec<String> = ConsumerSpec::all().into_iter().map(|c| c.name).collect();
    assert_eq!(consumers, ["notifier", "jobs"], "the platform's consumers");
    let expected: HashSet<String> = consumers
        .iter()
        .flat_map(|consumer| topology.queues_of(consumer))
        .map(|(name, _)| name)
        .collect();

    // The notifier and the worker declare their queues when they connect; read them back from
    // the broker.
    let queues: HashMap<String, BrokerQueue> =
        eventually(Duration::from_secs(30), "the platform's queues", || async {
            let queues = queues_in_namespace(&platform.namespace).await;
            expected
                .iter()
                .all(|name| queues.contains_key(name))
                .then_some(queues)
        })
        .await;
    let mut names: Vec<&str> = queues.keys().map(String::as_str).collect();
    names.sort_unstable();
    let mut wanted: Vec<&str> = expected.iter().map(String::as_str).collect();
    wanted.sort_unstable();
    assert_eq!(
        names, wanted,
        "the namespace holds exactly the notifier's and the jobs' queues"
    );
    for consumer in &consumers {
        assert_consumer_queues(&topology, &queues, consumer);
    }
    platform.finish().await;
}

/// How far off the two moments of the later-messages test are: long enough to restart the
/// broker before them, short enough for a test.
const LATER_BY: Duration = Duration::from_secs(25);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitations_clean_up_and_a_grants_lapse_wait_in_rabbitmq_through_a_restart_and_come_at_their_moment(
) {
    let _turn = BROKER.lock().await;
    let _restore = RestoreBrokerOnDrop;
    // Only the messages can do the work: the housekeeping round runs once at the start, when
    // there is nothing to do yet, and not again within the test.
    let platform = TestPlatform::start_with(
        Services::ALL,
        &[("WORKER_HOUSEKEEPING_MS", "3600000".to_owned())],
    )
    .await;
    let tenant = platform.create_tenant("Zorggroep Later", "#1d4f91").await;
    let (_beheerder, beheerder_email, page) = beheerder_with_page(&platform, &tenant).await;
    let beheerder = accounts::account_id(&platform, &beheerder_email).await;
    let (_buurvrouw, buurvrouw_email, buurvrouw) =
        member_with(&platform, &tenant, page, "buurvrouw", Rights::NONE).await;
    let page = CarePageId(page);

    // An invitation sent a month ago less LATER_BY, and a grant that ends LATER_BY from now.
    let now = platform.clock.now();
    let due = now + LATER_BY;
    let invitee = platform.unique_email("kees");
    let invitation = in_tenant(&platform.db, &tenant.slug, async |tx| {
        let form = InviteForm {
            name: "Kees Buur",
            email: &invitee,
            language: "nl",
            access: "basis",
            ..Default::default()
        };
        let new = NewInvitation::parse(&form, dutch::civil(now).date()).expect("a valid form");
        let (invitation, _) =
            invitations::invite(tx, page, beheerder, &new, due - KEPT_FOR).await?;
        Ok::<_, InviteError>(invitation.id)
    })
    .await
    .unwrap();
    let basic = (Rights::preset(Preset::Basic), Some(due));
    in_tenant(&platform.db, &tenant.slug, async |tx| {
        members::set_rights(tx, page, beheerder, buurvrouw, basic, now).await
    })
    .await
    .unwrap();

    // The reminder was due at once (the end is less than three days away); the two other
    // messages wait in the jobs' later queues.
    eventually_mails(&platform, &buurvrouw_email, REMINDER_SUBJECT, 1).await;
    let topology = platform.topology();
    let waiting: u32 = eventually(Duration::from_secs(10), "two messages waiting", || async {
        let mut waiting = 0;
        for wait in LATER_BUCKETS {
            waiting += platform
                .queue_count(&topology.later_queue("jobs", wait))
                .await
                .ready;
        }
        (waiting == 2).then_some(waiting)
    })
    .await;
    assert_eq!(waiting, 2);
    let state = |platform: &TestPlatform| {
        let (db, slug) = (platform.db.clone(), tenant.slug.clone());
        async move { later_state(&db, &slug, invitation, buurvrouw).await }
    };
    assert!(
        platform.clock.now() < due,
        "the setup took longer than {LATER_BY:?}: nothing left to wait for"
    );
    assert_eq!(
        state(&platform).await,
        (true, None),
        "nothing happened early"
    );

    rabbitmqctl(&["stop_app"]).await;
    rabbitmqctl(&["start_app"]).await;
    rabbitmqctl(&["await_startup"]).await;

    // Checked until both have happened: never before their moment.
    let lapsed_at = eventually(Duration::from_secs(90), "clean-up and lapse", || async {
        let checked_at = platform.clock.now();
        let (invitation_there, lapsed_at) = state(&platform).await;
        if !invitation_there || lapsed_at.is_some() {
            assert!(
                checked_at >= due,
                "handled {:?} before its moment",
                due - checked_at
            );
        }
        (!invitation_there).then_some(lapsed_at).flatten()
    })
    .await;
    assert!(lapsed_at >= due, "lapsed at {lapsed_at}, due {due}");
    let lapses: i64 = in_tenant(&platform.db, &tenant.slug, async |tx| {
        sqlx::query_scalar(
            "SELECT count(*) FROM network_changes WHERE change = 'rights_lapsed' AND subject_id = $1",
        )
        .bind(buurvrouw.0)
        .fetch_one(tx.conn())
        .await
    })
    .await
    .unwrap();
    assert_eq!(lapses, 1, "the lapse is logged once");
    let reminders = mails_with_subject(&platform, &buurvrouw_email, REMINDER_SUBJECT).await;
    assert_eq!(reminders.len(), 1, "the reminder came once");
    platform.finish().await;
}

const REMINDER_SUBJECT: &str = "Je rechten op de zorgpagina van Anna de Vries lopen af op";

/// Whether `invitation` is still there, and when `member`'s grant lapsed.
async fn later_state(
    db: &PgPool,
    tenant: &TenantSlug,
    invitation: InvitationId,
    member: AccountId,
) -> (bool, Option<time::OffsetDateTime>) {
    in_tenant(db, tenant, async |tx| {
        let there: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM network_invitations WHERE id = $1)")
                .bind(invitation.0)
                .fetch_one(tx.conn())
                .await?;
        let lapsed_at = sqlx::query_scalar(
            "SELECT rights_lapsed_at FROM care_page_members WHERE account_id = $1",
        )
        .bind(member.0)
        .fetch_one(tx.conn())
        .await?;
        Ok::<_, sqlx::Error>((there, lapsed_at))
    })
    .await
    .unwrap()
}

/// `consumer`'s queues as the broker reports them: all quorum queues that dead-letter
/// at-least-once and reject publishes when full; each retry and later queue waits its delay
/// and then hands back to the main queue; the main queue parks what keeps crashing its consumer.
fn assert_consumer_queues(
    topology: &Topology,
    queues: &HashMap<String, BrokerQueue>,
    consumer: &str,
) {
    let main = topology.queue(consumer);
    let parked = topology.parking_queue(consumer);
    let retries: Vec<(String, Duration)> = topology
        .retry_delays()
        .iter()
        .map(|delay| (topology.retry_queue(consumer, *delay), *delay))
        .collect();
    assert_eq!(
        retries.len(),
        3,
        "the harness configures three retry delays"
    );
    let later: Vec<(String, Duration)> = LATER_BUCKETS
        .iter()
        .map(|wait| (topology.later_queue(consumer, *wait), *wait))
        .collect();
    for (name, _) in topology.queues_of(consumer) {
        let queue = &queues[&name];
        assert_eq!(queue.kind, "quorum", "{name}: queue type");
        assert_eq!(queue.string_arg("x-queue-type"), Some("quorum"), "{name}");
        assert_eq!(
            queue.string_arg("x-dead-letter-strategy"),
            Some("at-least-once"),
            "{name}"
        );
        // RabbitMQ dead-letters at-least-once only when the queue rejects publishes when full.
        assert_eq!(
            queue.string_arg("x-overflow"),
            Some("reject-publish"),
            "{name}"
        );
    }
    // The wiring: a failed message waits in a retry queue, and a message due later in a later
    // queue, then goes back to the main queue; one that keeps crashing its consumer goes from
    // the main queue to the parking queue.
    for (name, delay) in retries.iter().chain(&later) {
        let queue = &queues[name];
        assert_eq!(
            queue.string_arg("x-dead-letter-exchange"),
            Some(""),
            "{name}"
        );
        assert_eq!(
            queue.string_arg("x-dead-letter-routing-key"),
            Some(main.as_str()),
            "{name}"
        );
        let ttl = queue.number_arg("x-message-ttl");
        assert_eq!(ttl, i64::try_from(delay.as_millis()).ok(), "{name}: TTL");
    }
    let main_queue = &queues[&main];
    assert_eq!(
        main_queue.string_arg("x-dead-letter-exchange"),
        Some(""),
        "{main}"
    );
    assert_eq!(
        main_queue.string_arg("x-dead-letter-routing-key"),
        Some(parked.as_str()),
        "{main}"
    );
    assert!(
        main_queue.number_arg("x-delivery-limit").is_some(),
        "{main} has a delivery limit"
    );
    assert_eq!(
        queues[&parked].string_arg("x-dead-letter-routing-key"),
        None,
        "{parked}"
    );
}

/// The three faults, one after another, each lasting [`FAULT_PAUSE`] with a pause of the same
/// length after it. Returns where the flow stood when each began.
async fn inject_faults(log: &FaultLog) -> Vec<FaultMoment> {
    let mut at_fault = Vec::new();
    at_fault.push(log.fault("closing every broker connection").await);
    rabbitmqctl(&["close_all_connections", "test"]).await;
    tokio::time::sleep(FAULT_PAUSE).await;

    at_fault.push(log.fault("stopping the broker application").await);
    rabbitmqctl(&["stop_app"]).await;
    tokio::time::sleep(FAULT_PAUSE).await;
    log.fault("starting the broker application").await;
    rabbitmqctl(&["start_app"]).await;
    tokio::time::sleep(FAULT_PAUSE).await;

    at_fault.push(log.fault("raising a memory alarm").await);
    rabbitmqctl(&["set_vm_memory_high_watermark", "0.000001"]).await;
    wait_for_memory_alarm(true).await;
    tokio::time::sleep(FAULT_PAUSE).await;
    log.fault("clearing the memory alarm").await;
    rabbitmqctl(&["set_vm_memory_high_watermark", "0.4"]).await;
    wait_for_memory_alarm(false).await;
    tokio::time::sleep(FAULT_PAUSE).await;
    at_fault
}

// ---------------------------------------------------------------- events and e-mail

fn email_event(tenant: &Tenant, address: String) -> Event {
    Event::notification(
        &tenant.slug,
        time::OffsetDateTime::UNIX_EPOCH + Duration::from_secs(1_790_000_000),
        Recipient::email(address),
        Language::Nl,
        Message::DeliveryTest {
            reference: "storing".into(),
        },
    )
}

fn recipient_address(event: &Event) -> String {
    let EventPayload::Notification(notification) = &event.payload else {
        panic!("not a notification: {event:?}");
    };
    match &notification.to {
        Recipient::Email { address, .. } => address.clone(),
        other => panic!("not an e-mail event: {other:?}"),
    }
}

/// Commits `events` in tenant transactions, [`COMMIT_BATCH`] per transaction, one transaction
/// per [`COMMIT_EVERY`].
async fn commit_paced(
    db: PgPool,
    tenant: TenantSlug,
    events: Vec<Event>,
    committed: Arc<AtomicUsize>,
) {
    let mut pace = tokio::time::interval(COMMIT_EVERY);
    for batch in events.chunks(COMMIT_BATCH) {
        pace.tick().await;
        in_tenant(&db, &tenant, async |tx| {
            for event in batch {
                outbox::write(tx.conn(), event).await?;
            }
            Ok::<_, sqlx::Error>(())
        })
        .await
        .expect("commit events");
        committed.fetch_add(batch.len(), Ordering::SeqCst);
    }
}

/// Events the notifier recorded as sent (it marks each once the message is out).
async fn sent_count(db: &PgPool) -> usize {
    let count: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM platform.notification_claims WHERE sent_at IS NOT NULL",
    )
    .fetch_one(db)
    .await
    .expect("count sent events");
    usize::try_from(count).expect("a count is not negative")
}

/// Waits until the outbox is empty, every event is recorded as sent and nothing waits in the
/// notifier's main or retry queues (so no redelivery can still send an e-mail). Returns
/// whether that happened within [`DRAIN_TIMEOUT`].
async fn wait_for_drain(platform: &TestPlatform, started: Instant) -> bool {
    let deadline = Instant::now() + DRAIN_TIMEOUT;
    loop {
        let outbox = platform.outbox_len().await;
        let sent = sent_count(&platform.db).await;
        let backlog = notifier_backlog(&platform.namespace).await;
        println!(
            "{:>6.1} s  outbox {outbox:>5}  sent {sent:>5}/{EVENTS}  in the notifier's queues {backlog:>5}",
            started.elapsed().as_secs_f64()
        );
        if outbox == 0 && sent == EVENTS && backlog == 0 {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
}

/// Every caught e-mail to one of `addresses`, once maildev holds one per event (it stores a
/// message a moment after accepting it) or when `wait` is over.
async fn collect_mail(
    platform: &TestPlatform,
    addresses: &HashSet<String>,
    wait: Duration,
) -> Vec<CaughtMail> {
    let deadline = Instant::now() + wait;
    loop {
        let fetching = Instant::now();
        let mails: Vec<CaughtMail> = platform
            .mail
            .all()
            .await
            .into_iter()
            .filter(|mail| mail.to.iter().any(|to| addresses.contains(&to.address)))
            .collect();
        let distinct: HashSet<Option<&str>> = mails.iter().map(CaughtMail::message_id).collect();
        println!(
            "maildev: {} e-mails for this test ({} distinct), fetched in {:.1} s",
            mails.len(),
            distinct.len(),
            fetching.elapsed().as_secs_f64()
        );
        if distinct.len() >= EVENTS || Instant::now() >= deadline {
            return mails;
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
}

/// Prints what a fault hits: how many events are committed, waiting in the outbox and sent
/// when it starts.
struct FaultLog {
    db: PgPool,
    started: Instant,
    committed: Arc<AtomicUsize>,
}

impl FaultLog {
    async fn fault(&self, what: &'static str) -> FaultMoment {
        // Read before the outbox: an event committed in between is then counted as not yet
        // committed or as in the outbox, never as relayed.
        let committed = self.committed.load(Ordering::SeqCst);
        let sent = sent_count(&self.db).await;
        let outbox: i64 = sqlx::query_scalar("SELECT count(*) FROM platform.outbox")
            .fetch_one(&self.db)
            .await
            .expect("count outbox");
        let outbox = usize::try_from(outbox).expect("a count is not negative");
        println!(
            "{:>6.1} s  {what}: {committed}/{EVENTS} events committed, {outbox} in the outbox, {sent} sent",
            self.started.elapsed().as_secs_f64(),
        );
        FaultMoment {
            what,
            sent,
            unrelayed: EVENTS - committed + outbox,
        }
    }
}

/// Where the flow stood when a fault began.
#[derive(Debug)]
struct FaultMoment {
    what: &'static str,
    /// E-mails sent.
    sent: usize,
    /// Events the relay had still to publish: not yet committed, or in the outbox.
    unrelayed: usize,
}

// ---------------------------------------------------------------- the broker

/// Puts the broker back as the other tests expect it (application running, memory watermark
/// 0.4), whether the test passed or panicked half-way through a fault. Synchronous, because it
/// runs in `Drop`.
struct RestoreBrokerOnDrop;

impl Drop for RestoreBrokerOnDrop {
    fn drop(&mut self) {
        for args in [
            &["set_vm_memory_high_watermark", "0.4"][..],
            &["start_app"][..],
            &["await_startup"][..],
        ] {
            match std::process::Command::new("rabbitmqctl")
                .args(args)
                .output()
            {
                Ok(output) if output.status.success() => {}
                Ok(output) => eprintln!(
                    "restoring the broker: rabbitmqctl {args:?} failed: {}",
                    String::from_utf8_lossy(&output.stderr)
                ),
                Err(error) => eprintln!("restoring the broker: rabbitmqctl {args:?}: {error}"),
            }
        }
    }
}

async fn wait_for_memory_alarm(raised: bool) {
    let what = if raised {
        "a memory alarm"
    } else {
        "no memory alarm"
    };
    eventually(Duration::from_secs(30), what, || async {
        // `{"local":["Memory alarm on node rabbit@…"],…}` while raised, `{"alarms":[],…}` when not.
        let output = tokio::process::Command::new("rabbitmq-diagnostics")
            .args(["-q", "alarms", "--formatter", "json"])
            .output()
            .await
            .expect("run rabbitmq-diagnostics");
        let report = String::from_utf8_lossy(&output.stdout).to_lowercase();
        let memory_alarm = report.contains("memory alarm");
        (output.status.success() && memory_alarm == raised).then_some(())
    })
    .await;
}

/// Messages ready or unacknowledged in the notifier's main and retry queues (parked ones are
/// not going anywhere; `TestPlatform::finish` reports them).
async fn notifier_backlog(namespace: &str) -> u64 {
    queues_in_namespace(namespace)
        .await
        .values()
        .filter(|queue| !queue.name.ends_with(".parked"))
        .map(|queue| queue.messages)
        .sum()
}
