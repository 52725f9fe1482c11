//! The outbox relay: several relays share one outbox without publishing an event twice, and
//! the trace context of the request that caused an event travels on as AMQP headers.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use common::infra::i18n::Language;
use common::infra::mq::{ConsumerRunner, ConsumerSpec, Handler, HandlerError, Incoming};
use common::infra::outbox::{self, Event, Message, Recipient};
use common::infra::tenancy::{in_tenant, Tenant};
use tokio_util::sync::CancellationToken;
use worker::relay::OutboxRelay;
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

    let relays: Vec<_> = (0..3)
        .map(|_| tokio::spawn(relay(&platform).run(stop.clone())))
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
    // Anything published twice would arrive within moments of the rest.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let seen = sink.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), EVENTS);
    for id in &ids {
        assert_eq!(
            seen.get(id).map(|a| a.count),
            Some(1),
            "event {id} published other than once"
        );
    }

    stop.cancel();
    for relay in relays {
        relay.await.unwrap();
    }
    consuming.await.unwrap();
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
