//! The outbox relay and the whole notification path, measured against the real broker and
//! mail catcher.

use std::time::{Duration, Instant};

use anyhow::bail;
use common::infra::clock::{self, SharedClock};
use common::infra::i18n::Language;
use common::infra::mq::{Broker, ConsumerSpec, Publisher, Topology};
use common::infra::outbox::{self, Event, Message, Recipient};
use common::infra::tenancy::{in_tenant, TenantDirectory, TenantSlug};
use futures::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicPublishOptions, ConfirmSelectOptions,
    ExchangeDeleteOptions, QueueDeleteOptions,
};
use lapin::types::FieldTable;
use lapin::BasicProperties;
use notifier::email::{Mailer, Outgoing};
use notifier::templates::MessageTemplates;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;
use worker::relay::OutboxRelay;

use crate::setup::{check, BenchDatabase};

const SINK: &str = "sink";
/// The relay's batch size in production (`WORKER_RELAY_BATCH_SIZE`'s default).
const RELAY_BATCH: usize = 500;

pub(crate) fn namespace() -> String {
    format!("bench{}", &Uuid::new_v4().simple().to_string()[..8])
}

fn event(clock: &SharedClock, address: String) -> anyhow::Result<Event> {
    Ok(Event::notification(
        &TenantSlug::parse("demo")?,
        clock.now(),
        Recipient::email(address),
        Language::Nl,
        Message::DeliveryTest {
            reference: "bench".into(),
        },
    ))
}

fn relay(bench: &BenchDatabase, topology: &Topology) -> OutboxRelay {
    OutboxRelay {
        db: bench.db.clone(),
        broker: Broker::new(bench.config.amqp.url.clone(), "zorgportaal-bench"),
        topology: topology.clone(),
        consumers: vec![ConsumerSpec::new(SINK, &["#"])],
        batch_size: RELAY_BATCH as i64,
        poll_interval: Duration::from_secs(1),
        shutdown_grace: Duration::from_secs(5),
        clock: clock::system(),
    }
}

pub(crate) async fn remove_queues(broker: &Broker, topology: &Topology, consumers: &[&str]) {
    if let Ok(connection) = broker.connect().await {
        if let Ok(channel) = connection.create_channel().await {
            for consumer in consumers {
                for (queue, _) in topology.queues_of(consumer) {
                    let _ = channel
                        .queue_delete(queue.into(), QueueDeleteOptions::default())
                        .await;
                }
            }
            let _ = channel
                .exchange_delete(
                    topology.events_exchange().into(),
                    ExchangeDeleteOptions::default(),
                )
                .await;
        }
        let _ = connection.close(200, "bench done".into()).await;
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// The broker's own ceiling for the relay's work: a bare lapin publisher with confirms, in
/// batches of the relay's size, into the same exchange and kind of quorum queue, with no
/// database. Events per second.
async fn bare_publisher(bench: &BenchDatabase, messages: usize) -> anyhow::Result<f64> {
    let topology = Topology::new(namespace(), bench.config.amqp.retry_delays.clone());
    let broker = Broker::new(bench.config.amqp.url.clone(), "zorgportaal-bench");
    Publisher::open(&broker, &topology, &[ConsumerSpec::new(SINK, &["#"])])
        .await?
        .close()
        .await;
    let connection = broker.connect().await?;
    let channel = connection.create_channel().await?;
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    let body = serde_json::to_vec(&event(&clock::system(), "bench@bench.localhost".into())?)?;
    let exchange = topology.events_exchange();
    let started = Instant::now();
    for batch in (0..messages).collect::<Vec<_>>().chunks(RELAY_BATCH) {
        let mut confirms = Vec::with_capacity(batch.len());
        for _ in batch {
            let properties = BasicProperties::default()
                .with_delivery_mode(2)
                .with_message_id(Uuid::new_v4().to_string().into());
            confirms.push(
                channel
                    .basic_publish(
                        exchange.clone().into(),
                        "notification.email".into(),
                        BasicPublishOptions {
                            mandatory: true,
                            ..Default::default()
                        },
                        &body,
                        properties,
                    )
                    .await?,
            );
        }
        for confirm in confirms {
            if !confirm.await?.is_ack() {
                bail!("the broker refused a bare publish");
            }
        }
    }
    let elapsed = started.elapsed();
    let _ = connection.close(200, "bench done".into()).await;
    remove_queues(&broker, &topology, &[SINK]).await;
    Ok(messages as f64 / elapsed.as_secs_f64())
}

/// Committed rows → confirmed publishes, as fast as the relay goes, next to the bare publisher.
pub async fn relay_throughput(bench: &BenchDatabase) -> anyhow::Result<()> {
    const EVENTS: i64 = 20_000;
    let ceiling = bare_publisher(bench, EVENTS as usize).await?;
    let topology = Topology::new(namespace(), bench.config.amqp.retry_delays.clone());
    let relay = relay(bench, &topology);
    let clock = clock::system();
    let template = serde_json::to_value(event(&clock, "bench@bench.localhost".into())?)?;
    sqlx::query(
        "INSERT INTO platform.outbox (event_id, tenant_slug, routing_key, payload)
         SELECT id, 'demo', 'notification.email', jsonb_set($1, '{id}', to_jsonb(id::text))
           FROM (SELECT gen_random_uuid() AS id FROM generate_series(1, $2)) AS events",
    )
    .bind(&template)
    .bind(EVENTS)
    .execute(&bench.db)
    .await?;
    let publisher = Publisher::open(&relay.broker, &topology, &relay.consumers).await?;
    let started = Instant::now();
    let mut relayed = 0;
    loop {
        let batch = relay.relay_batch(&publisher).await?;
        if batch.count == 0 {
            break;
        }
        relayed += batch.count;
    }
    let elapsed = started.elapsed();
    publisher.close().await;
    remove_queues(&relay.broker, &topology, &[SINK]).await;
    let rate = relayed as f64 / elapsed.as_secs_f64();
    println!("outbox relay");
    println!(
        "  {:<44} {ceiling:>9.0} events/s  baseline",
        format!("bare lapin publisher, confirms, batches of {RELAY_BATCH}")
    );
    println!(
        "  {:<44} {rate:>9.0} events/s  {:>5.0}% of baseline (target >= 5000 events/s: {})",
        format!(
            "relay: {relayed} committed events in {:.2} s",
            elapsed.as_secs_f64()
        ),
        rate / ceiling * 100.0,
        check(rate >= 5_000.0)
    );
    Ok(())
}

/// Lag from commit to a consumer receiving the event, with events committed at a steady 500/s.
pub async fn relay_lag(bench: &BenchDatabase) -> anyhow::Result<()> {
    const RATE: u64 = 500;
    const SECONDS: u64 = 10;
    let topology = Topology::new(namespace(), bench.config.amqp.retry_delays.clone());
    let relay = relay(bench, &topology);
    let broker = relay.broker.clone();
    // Declare the sink before anything is published.
    Publisher::open(&broker, &topology, &relay.consumers)
        .await?
        .close()
        .await;
    let stop = CancellationToken::new();
    let relay_task = tokio::spawn(relay.run(stop.clone()));

    let connection = broker.connect().await?;
    let channel = connection.create_channel().await?;
    let mut deliveries = channel
        .basic_consume(
            topology.queue(SINK).into(),
            "bench-lag".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    let clock = clock::system();
    let expected = (RATE * SECONDS) as usize;
    let receiver_clock = clock.clone();
    let receiver = tokio::spawn(async move {
        let mut lags = Vec::with_capacity(expected);
        while lags.len() < expected {
            let Ok(Some(Ok(delivery))) =
                tokio::time::timeout(Duration::from_secs(30), deliveries.next()).await
            else {
                break;
            };
            if let Ok(event) = serde_json::from_slice::<Event>(&delivery.data) {
                let lag = receiver_clock.now() - event.occurred_at;
                lags.push(Duration::try_from(lag).unwrap_or_default());
            }
            let _ = delivery.ack(BasicAckOptions::default()).await;
        }
        lags
    });

    let tenant = TenantSlug::parse("demo")?;
    let mut ticker = tokio::time::interval(Duration::from_micros(1_000_000 / RATE));
    for _ in 0..expected {
        ticker.tick().await;
        let event = event(&clock, "lag@bench.localhost".into())?;
        in_tenant(&bench.db, &tenant, async |tx| {
            outbox::write(tx.conn(), &event).await
        })
        .await?;
    }
    let mut lags = receiver.await?;
    stop.cancel();
    relay_task.await?;
    let _ = connection.close(200, "bench done".into()).await;
    remove_queues(&broker, &topology, &[SINK]).await;
    if lags.len() < expected {
        bail!("only {} of {expected} events arrived", lags.len());
    }
    lags.sort();
    let p99 = percentile(&lags, 0.99);
    println!(
        "  lag at a steady {RATE} events/s for {SECONDS} s (commit -> consumer): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (target p99 < 1 s: {})\n",
        percentile(&lags, 0.5).as_secs_f64() * 1000.0,
        p99.as_secs_f64() * 1000.0,
        percentile(&lags, 1.0).as_secs_f64() * 1000.0,
        check(p99 < Duration::from_secs(1))
    );
    Ok(())
}

#[derive(serde::Deserialize)]
struct CaughtMail {
    id: String,
    to: Vec<CaughtAddress>,
}

#[derive(serde::Deserialize)]
struct CaughtAddress {
    address: String,
}

/// The worker and the notifier, running in this process on queues of their own namespace.
pub(crate) struct Pipeline {
    broker: Broker,
    topology: Topology,
    stop: CancellationToken,
    worker: tokio::task::JoinHandle<()>,
    notifier: tokio::task::JoinHandle<()>,
}

impl Pipeline {
    pub(crate) async fn start(bench: &BenchDatabase, ns: &str) -> anyhow::Result<Pipeline> {
        let mut config = bench.config.clone();
        config.amqp.namespace = ns.to_owned();
        let topology = Topology::new(ns.to_owned(), config.amqp.retry_delays.clone());
        let stop = CancellationToken::new();
        let worker = worker::Worker::with_pool(config.clone(), bench.db.clone());
        let notifier = notifier::Notifier::with_pool(config.clone(), bench.db.clone()).await?;
        Ok(Pipeline {
            broker: Broker::new(config.amqp.url.clone(), "zorgportaal-bench"),
            topology,
            worker: tokio::spawn(worker.run_until_stopped(stop.clone())),
            notifier: tokio::spawn(notifier.run_until_stopped(stop.clone())),
            stop,
        })
    }

    /// Stops both and removes their queues.
    pub(crate) async fn stop(self) -> anyhow::Result<()> {
        self.stop.cancel();
        self.worker.await?;
        self.notifier.await?;
        remove_queues(&self.broker, &self.topology, &["jobs", "notifier"]).await;
        Ok(())
    }
}

/// Outbox → RabbitMQ → notifier → SMTP → mail catcher, for `count` events.
pub async fn emails_end_to_end(bench: &BenchDatabase, count: usize) -> anyhow::Result<()> {
    let ceiling = bare_smtp(bench, count, SLOW_POLL).await?;
    let ns = namespace();
    let pipeline = Pipeline::start(bench, &ns).await?;

    let domain = format!("{ns}.bench.localhost");
    let clock = clock::system();
    let tenant = TenantSlug::parse("demo")?;
    let started = Instant::now();
    for chunk in (0..count).collect::<Vec<_>>().chunks(500) {
        let events = chunk
            .iter()
            .map(|i| event(&clock, format!("r{i}@{domain}")))
            .collect::<anyhow::Result<Vec<_>>>()?;
        in_tenant(&bench.db, &tenant, async |tx| {
            for event in &events {
                outbox::write(tx.conn(), event).await?;
            }
            Ok::<_, sqlx::Error>(())
        })
        .await?;
    }
    let committed = started.elapsed();

    let (total, last_seen) = wait_for_caught(&domain, count, started, SLOW_POLL).await?;
    pipeline.stop().await?;
    if total < count {
        bail!("only {total} of {count} e-mails were caught within 10 minutes");
    }
    let rate = count as f64 / last_seen.as_secs_f64();
    println!("outbox -> RabbitMQ -> notifier -> SMTP -> mail catcher");
    println!(
        "  {:<44} {ceiling:>9.0} e-mails/s  baseline",
        format!(
            "bare SMTP sender, {} connections",
            bench.config.smtp.pool_size
        )
    );
    println!(
        "  {:<44} {rate:>9.0} e-mails/s  {:>5.0}% of baseline (target >= 300 e-mails/s: {})",
        format!(
            "{count} events, committed in {:.1} s, caught in {:.1} s",
            committed.as_secs_f64(),
            last_seen.as_secs_f64()
        ),
        rate / ceiling * 100.0,
        check(rate >= 300.0)
    );
    println!(
        "  (the catcher is polled every {:.1} s for both, so each time is an upper bound)",
        SLOW_POLL.as_secs_f64()
    );
    Ok(())
}

/// The mail catcher's own ceiling: the notifier's SMTP sender alone (same pool, same number
/// of sends at once, the same rendered e-mail), with no broker, database or templates in the
/// loop, timed the same way: until the last one is caught. E-mails per second.
pub(crate) async fn bare_smtp(
    bench: &BenchDatabase,
    count: usize,
    poll: Duration,
) -> anyhow::Result<f64> {
    let tenants = TenantDirectory::load(bench.db.clone()).await?;
    let tenant = tenants
        .by_slug(&TenantSlug::parse("demo")?)
        .ok_or_else(|| anyhow::anyhow!("no demo tenant"))?;
    let message = Message::DeliveryTest {
        reference: "bench".into(),
    };
    let content = MessageTemplates::new()?.email(
        message.template_name(),
        &tenant,
        Language::Nl,
        None,
        &message,
    )?;
    let mailer = Mailer::new(&bench.config.smtp)?;
    let domain = format!("{}.bench.localhost", namespace());
    let started = Instant::now();
    let sent = futures::stream::iter(0..count)
        .map(|i| {
            let (mailer, content, domain, from_name) =
                (&mailer, &content, &domain, tenant.display_name.as_str());
            async move {
                let address = format!("r{i}@{domain}");
                let message_id = Uuid::new_v4().to_string();
                mailer
                    .send(Outgoing {
                        from_name,
                        to_address: &address,
                        to_name: None,
                        message_id: &message_id,
                        reply_to: None,
                        content,
                    })
                    .await
            }
        })
        .buffer_unordered(bench.config.notifier.concurrency)
        .filter(|sent| futures::future::ready(sent.is_ok()))
        .count()
        .await;
    if sent < count {
        bail!("the bare SMTP sender sent only {sent} of {count}");
    }
    let (caught, last_seen) = wait_for_caught(&domain, count, started, poll).await?;
    if caught < count {
        bail!("only {caught} of {count} bare e-mails were caught within 10 minutes");
    }
    Ok(count as f64 / last_seen.as_secs_f64())
}

/// How often the catcher is asked while thousands of e-mails arrive: it has one thread, and
/// answering a long list often would slow the catching being measured.
const SLOW_POLL: Duration = Duration::from_millis(500);

/// Polls the mail catcher every `poll` until `count` e-mails to `domain` are there (or ten
/// minutes passed), removes them, and returns how many there were and when the last was seen
/// after `started`.
pub(crate) async fn wait_for_caught(
    domain: &str,
    count: usize,
    started: Instant,
    poll: Duration,
) -> anyhow::Result<(usize, Duration)> {
    let catcher =
        std::env::var("MAILCATCHER_API").unwrap_or_else(|_| "http://127.0.0.1:1080".into());
    let http = reqwest::Client::new();
    let suffix = format!("@{domain}");
    let deadline = Instant::now() + Duration::from_secs(600);
    let (caught, last_seen) = loop {
        let mails: Vec<CaughtMail> = http
            .get(format!("{catcher}/api/email"))
            .send()
            .await?
            .json()
            .await?;
        let ours: Vec<CaughtMail> = mails
            .into_iter()
            .filter(|m| m.to.iter().any(|a| a.address.ends_with(&suffix)))
            .collect();
        if ours.len() >= count || Instant::now() > deadline {
            break (ours, started.elapsed());
        }
        tokio::time::sleep(poll).await;
    };
    let total = caught.len();
    futures::stream::iter(caught)
        .for_each_concurrent(16, |mail| {
            let http = http.clone();
            let url = format!("{catcher}/api/email/{}", mail.id);
            async move {
                let _ = http.delete(url).send().await;
            }
        })
        .await;
    Ok((total, last_seen))
}
