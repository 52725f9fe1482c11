//! A failing consumer is retried with growing delays, parked after the last retry, and brought
//! back by replay.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use common::infra::i18n::Language;
use common::infra::mq::{
    list_parked, replay_parked, ConsumerRunner, ConsumerSpec, Handler, HandlerError, Incoming,
    OutgoingMessage, Publisher, ReplaySelection,
};
use common::infra::outbox::{Event, Message, Recipient};
use tokio_util::sync::CancellationToken;
use zorgportaal_tests::{eventually, Services, TestPlatform};

#[derive(Default)]
struct FlakyHandler {
    deliveries: Mutex<Vec<(u32, Instant, bool)>>,
    healthy: AtomicBool,
    permanent: AtomicBool,
}

#[async_trait]
impl Handler for FlakyHandler {
    async fn handle(&self, message: &Incoming) -> Result<(), HandlerError> {
        let healthy = self.healthy.load(Ordering::SeqCst);
        self.deliveries
            .lock()
            .unwrap()
            .push((message.attempt, Instant::now(), healthy));
        match (healthy, self.permanent.load(Ordering::SeqCst)) {
            (true, _) => Ok(()),
            (false, true) => Err(HandlerError::Permanent("cannot read this".into())),
            (false, false) => Err(HandlerError::Transient("downstream is down".into())),
        }
    }
}

fn message(id: &str) -> OutgoingMessage {
    OutgoingMessage {
        message_id: id.to_owned(),
        routing_key: "flaky.work".to_owned(),
        headers: Default::default(),
        body: b"{}".to_vec(),
    }
}

#[tokio::test]
async fn failures_are_retried_with_growing_delays_then_parked_and_replayed() {
    let mut platform = TestPlatform::start_with(Services::NONE, &[]).await;
    platform.track_consumer("flaky");
    let spec = ConsumerSpec::new("flaky", &["flaky.#"]);
    let handler = Arc::new(FlakyHandler::default());
    let stop = CancellationToken::new();
    let runner = ConsumerRunner {
        broker: platform.broker(),
        topology: platform.topology(),
        spec: spec.clone(),
        handler: handler.clone(),
        prefetch: 4,
        concurrency: 4,
        shutdown_grace: Duration::from_secs(2),
        clock: platform.clock.clone(),
    };
    let running = tokio::spawn(runner.run(stop.clone()));

    let publisher = Publisher::open(
        &platform.broker(),
        &platform.topology(),
        std::slice::from_ref(&spec),
    )
    .await
    .unwrap();
    publisher
        .publish_batch(&[message("m-transient")])
        .await
        .unwrap();

    let parked = eventually(
        Duration::from_secs(20),
        "the message to be parked",
        || async {
            let parked = list_parked(&platform.broker(), &platform.topology(), &spec)
                .await
                .ok()?;
            (!parked.is_empty()).then_some(parked)
        },
    )
    .await;
    assert_eq!(parked.len(), 1);
    assert_eq!(parked[0].message_id, "m-transient");
    assert_eq!(parked[0].routing_key, "flaky.work");
    assert_eq!(parked[0].last_error, "downstream is down");

    let deliveries = handler.deliveries.lock().unwrap().clone();
    let attempts: Vec<u32> = deliveries.iter().map(|d| d.0).collect();
    assert_eq!(
        attempts,
        vec![0, 1, 2, 3],
        "first try plus one per retry delay (200, 400, 800 ms)"
    );
    let gaps: Vec<Duration> = deliveries.windows(2).map(|w| w[1].1 - w[0].1).collect();
    for (gap, delay) in gaps.iter().zip([200u64, 400, 800]) {
        assert!(
            *gap >= Duration::from_millis(delay * 9 / 10),
            "gap {gap:?} shorter than {delay} ms"
        );
    }
    assert!(
        gaps[0] < gaps[1] && gaps[1] < gaps[2],
        "delays must grow: {gaps:?}"
    );

    // Mended downstream: replay brings the message back with a fresh budget.
    handler.healthy.store(true, Ordering::SeqCst);
    let replayed = replay_parked(
        &platform.broker(),
        &platform.topology(),
        &spec,
        &ReplaySelection::One("m-transient".into()),
    )
    .await
    .unwrap();
    assert_eq!(replayed, 1);
    let last = eventually(Duration::from_secs(10), "the replayed message", || async {
        let deliveries = handler.deliveries.lock().unwrap().clone();
        deliveries.last().filter(|d| d.2).copied()
    })
    .await;
    assert_eq!(
        last.0, 0,
        "a replayed message starts with a fresh retry budget"
    );
    assert!(list_parked(&platform.broker(), &platform.topology(), &spec)
        .await
        .unwrap()
        .is_empty());

    // A permanent failure is parked at once, without retries.
    handler.healthy.store(false, Ordering::SeqCst);
    handler.permanent.store(true, Ordering::SeqCst);
    let before = handler.deliveries.lock().unwrap().len();
    publisher
        .publish_batch(&[message("m-permanent")])
        .await
        .unwrap();
    let parked = eventually(
        Duration::from_secs(10),
        "the permanent failure to be parked",
        || async {
            let parked = list_parked(&platform.broker(), &platform.topology(), &spec)
                .await
                .ok()?;
            (!parked.is_empty()).then_some(parked)
        },
    )
    .await;
    assert_eq!(parked[0].message_id, "m-permanent");
    assert_eq!(handler.deliveries.lock().unwrap().len(), before + 1);
    let unknown = replay_parked(
        &platform.broker(),
        &platform.topology(),
        &spec,
        &ReplaySelection::One("no-such-id".into()),
    )
    .await;
    assert!(unknown.is_err());
    // Replaying while the consumer still fails parks the message again, once per replay.
    assert_eq!(
        replay_parked(
            &platform.broker(),
            &platform.topology(),
            &spec,
            &ReplaySelection::All
        )
        .await
        .unwrap(),
        1
    );
    eventually(
        Duration::from_secs(10),
        "the message to be parked again",
        || async {
            let parked = list_parked(&platform.broker(), &platform.topology(), &spec)
                .await
                .ok()?;
            (parked.len() == 1).then_some(())
        },
    )
    .await;
    handler.healthy.store(true, Ordering::SeqCst);
    assert_eq!(
        replay_parked(
            &platform.broker(),
            &platform.topology(),
            &spec,
            &ReplaySelection::All
        )
        .await
        .unwrap(),
        1
    );
    platform.wait_for_parked(&spec, 0).await;

    publisher.close().await;
    stop.cancel();
    running.await.unwrap();
    platform.finish().await;
}

#[tokio::test]
async fn zorgctl_lists_and_replays_what_the_notifier_parked() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Geduld", "#1d4f91").await;
    // The provider refuses for longer than every retry: the SMS is parked.
    platform.sms.fail_next(1_000);
    let event = Event::notification(
        &tenant.slug,
        time::OffsetDateTime::UNIX_EPOCH,
        Recipient::Sms {
            phone: "+31687654321".into(),
        },
        Language::Nl,
        Message::DeliveryTest {
            reference: "park-me".into(),
        },
    );
    platform
        .commit_events(&tenant, std::slice::from_ref(&event))
        .await;

    let listing = eventually(Duration::from_secs(20), "the SMS to be parked", || async {
        let listing = platform.zorgctl(&["queue", "parked"]);
        listing.contains(&event.id.to_string()).then_some(listing)
    })
    .await;
    assert!(
        listing.starts_with("1 parked message(s) for notifier"),
        "{listing}"
    );
    assert!(listing.contains("provider unavailable"), "{listing}");
    assert!(platform.sms.requests().is_empty());

    platform.sms.fail_next(0);
    let replayed = platform.zorgctl(&["queue", "replay", &event.id.to_string()]);
    assert!(replayed.starts_with("replayed 1 message(s)"), "{replayed}");
    let sent = eventually(Duration::from_secs(10), "the replayed SMS", || async {
        let requests = platform.sms.requests();
        (!requests.is_empty()).then_some(requests)
    })
    .await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].body["reference"], event.id.to_string());
    platform.finish().await;
}
