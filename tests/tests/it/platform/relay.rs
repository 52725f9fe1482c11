//! The outbox relay: several relays share one outbox without publishing an event twice, the
//! trace context of the request that caused an event travels on as AMQP headers, and an event
//! the broker cannot route stays in the outbox.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use common::infra::i18n::Language;
use common::infra::mq::{
    ConsumerRunner, ConsumerSpec, Handler, HandlerError, Incoming, MqError, Publisher,
};
use common::infra::outbox::{self, Event, Job, Message, Recipient};
use common::infra::tenancy::{in_tenant, Tenant};
use tokio_util::sync::CancellationToken;
use worker::relay::{OutboxRelay, RelayError};
use zorgportaal_tests::{eventually, Services, TestPlatform};

/// How often one message id reached the sink, and its headers the first time.
#[derive(Debug, Clone)]
struct Arrival {
    count: usize,
    headers: BTreeMap<String, String>,
}

/// Records what reaches the sink queue, by message id.
#[derive(Default)]
struct Sink {
    seen: Mutex<HashMap<String, Arrival>>,
}

#[async_trait]
impl Handler for Sink {
    async fn handle(&self, message: &Incoming) -> Result<(), HandlerError> {
        let mut seen = self.seen.lock().unwrap();
        let entry = seen
            .entry(message.message_id.clone())
            .or_insert_with(|| Arrival {
                count: 0,
                headers: message.headers.clone(),
            });
        entry.count += 1;
        Ok(())
    }
}

fn sink_spec() -> ConsumerSpec {
    ConsumerSpec::new("sink", &["notification.#"])
}

fn relay(platform: &TestPlatform) -> OutboxRelay {
    OutboxRelay {
        db: platform.db.clone(),
        broker: platform.broker(),
        topology: platform.topology(),
        consumers: vec![sink_spec()],
        batch_size: 50,
        poll_interval: Duration::from_millis(200),
        shutdown_grace: Duration::from_secs(2),
        clock: common::infra::clock::system(),
    }
}

fn event(tenant: &Tenant, i: usize) -> Event {
    Event::notification(
        &tenant.slug,
        time::OffsetDateTime::UNIX_EPOCH,
        Recipient::email(format!("r{i}@relay.test.localhost")),
        Language::Nl,
        Message::DeliveryTest {
            reference: i.to_string(),
        },
    )
}

async fn start_sink(
    platform: &TestPlatform,
    sink: Arc<Sink>,
    stop: &CancellationToken,
) -> tokio::task::JoinHandle<()> {
    let runner = ConsumerRunner {
        broker: platform.broker(),
        topology: platform.topology(),
        spec: sink_spec(),
        handler: sink,
        prefetch: 64,
        concurrency: 8,
        shutdown_grace: Duration::from_secs(2),
        clock: platform.clock.clone(),
    };
    tokio::spawn(runner.run(stop.clone()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_relays_at_once_publish_every_event_exactly_once() {
    const EVENTS: usize = 3_000;
    let mut platform = TestPlatform::start_with(Services::NONE, &[]).await;
    platform.track_consumer("sink");
    let tenant = platform.create_tenant("Zorggroep Drie", "#1d4f91").await;
    let sink = Arc::new(Sink::default());
    let stop = CancellationToken::new();
    let consuming = start_sink(&platform, sink.clone(), &stop).await;

    let relaying = CancellationToken::new();
    let relays: Vec<_> = (0..3)
        .map(|_| tokio::spawn(relay(&platform).run(relaying.clone())))
        .collect();
    let mut ids = Vec::with_capacity(EVENTS);
    for chunk in (0..EVENTS).collect::<Vec<_>>().chunks(100) {
        let written = in_tenant(&platform.db, &tenant.slug, async |tx| {
            let mut written = Vec::with_capacity(chunk.len());
            for i in chunk {
                let event = event(&tenant, *i);
                outbox::write(tx.conn(), &event).await?;
                written.push(event.id.to_string());
            }
            Ok::<_, sqlx::Error>(written)
        })
        .await
        .unwrap();
        ids.extend(written);
    }

    eventually(
        Duration::from_secs(60),
        "every event at the sink",
        || async { (sink.seen.lock().unwrap().len() >= EVENTS).then_some(()) },
    )
    .await;
    platform.wait_for_empty_outbox(Duration::from_secs(5)).await;
    // The relays stop, so nothing more is published; then the sink stops. Whatever it had not
    // taken yet, a duplicate among it, is then back in its queue.
    relaying.cancel();
    for relay in relays {
        relay.await.unwrap();
    }
    stop.cancel();
    consuming.await.unwrap();
    let left = platform
        .wait_for_no_consumer(&platform.topology().queue("sink"), Duration::from_secs(30))
        .await;
    assert_eq!(left, 0, "published more often than there are events");
    let seen = sink.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), EVENTS);
    for id in &ids {
        assert_eq!(
            seen.get(id).map(|a| a.count),
            Some(1),
            "event {id} published other than once"
        );
    }
    platform.finish().await;
}

#[tokio::test]
async fn the_trace_context_of_the_request_travels_with_its_event() {
    let mut platform = TestPlatform::start_with(Services::NONE, &[]).await;
    platform.track_consumer("sink");
    let tenant = platform.create_tenant("Zorggroep Spoor", "#1d4f91").await;
    let sink = Arc::new(Sink::default());
    let stop = CancellationToken::new();
    let consuming = start_sink(&platform, sink.clone(), &stop).await;
    let relaying = tokio::spawn(relay(&platform).run(stop.clone()));

    // As in a request: the event is made inside the request's span.
    let span = tracing::info_span!("http_request");
    let event = span.in_scope(|| event(&tenant, 1));
    let traceparent = event
        .trace_context
        .get("traceparent")
        .cloned()
        .expect("an event made in a span carries its W3C trace context");
    assert_eq!(traceparent.split('-').count(), 4, "{traceparent}");
    in_tenant(&platform.db, &tenant.slug, async |tx| {
        outbox::write(tx.conn(), &event).await
    })
    .await
    .unwrap();

    let headers = eventually(Duration::from_secs(20), "the event at the sink", || async {
        sink.seen
            .lock()
            .unwrap()
            .get(&event.id.to_string())
            .map(|a| a.headers.clone())
    })
    .await;
    assert_eq!(headers.get("traceparent"), Some(&traceparent));
    assert_eq!(
        headers.get("x-tenant").map(String::as_str),
        Some(tenant.slug.as_str())
    );

    stop.cancel();
    relaying.await.unwrap();
    consuming.await.unwrap();
    platform.finish().await;
}

#[tokio::test]
async fn an_event_no_queue_is_bound_to_stays_in_the_outbox_until_it_can_be_delivered() {
    let mut platform = TestPlatform::start_with(Services::NONE, &[]).await;
    platform.track_consumer("sink");
    let tenant = platform.create_tenant("Zorggroep Nergens", "#1d4f91").await;
    let job = Event::job(
        Some(tenant.slug.clone()),
        time::OffsetDateTime::UNIX_EPOCH,
        Job::DeleteObjects { keys: Vec::new() },
    );
    platform
        .commit_events(&tenant, std::slice::from_ref(&job))
        .await;

    // A relay that declares only the sink: no queue is bound to the job's routing key, so the
    // broker returns the event. The relay keeps it, however often it tries.
    let narrow = relay(&platform);
    let publisher = Publisher::open(&platform.broker(), &platform.topology(), &narrow.consumers)
        .await
        .unwrap();
    for attempt in 1..=2 {
        let relayed = narrow.relay_batch(&publisher).await;
        assert!(
            matches!(
                &relayed,
                Err(RelayError::Broker(MqError::Unroutable(id, key)))
                    if *id == job.id.to_string() && *key == job.payload.routing_key()
            ),
            "attempt {attempt}: {relayed:?}"
        );
        assert_eq!(
            outbox_event_ids(&platform).await,
            vec![job.id],
            "attempt {attempt}: the returned event left the outbox"
        );
    }
    publisher.close().await;

    // Once its consumer's queue is declared, the same event goes out, into that queue.
    let full = OutboxRelay {
        consumers: ConsumerSpec::all(),
        ..relay(&platform)
    };
    let publisher = Publisher::open(&platform.broker(), &platform.topology(), &full.consumers)
        .await
        .unwrap();
    let relayed = full.relay_batch(&publisher).await.unwrap();
    publisher.close().await;
    assert_eq!(relayed.count, 1);
    assert_eq!(platform.outbox_len().await, 0);
    let jobs = platform
        .queue_count(&platform.topology().queue("jobs"))
        .await;
    assert_eq!(jobs.ready, 1, "the event waits in the jobs queue");
    platform.finish().await;
}

async fn outbox_event_ids(platform: &TestPlatform) -> Vec<uuid::Uuid> {
    sqlx::query_scalar("SELECT event_id FROM platform.outbox ORDER BY seq")
        .fetch_all(&platform.db)
        .await
        .unwrap()
}
