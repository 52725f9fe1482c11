//! The outbox and the broker as a test sees them: the test's AMQP namespace (its broker
//! connection and topology), events committed to the outbox, waits for the relay to empty it
//! and for messages to be parked, and — for [`TestPlatform::finish`] — counting what was
//! parked and removing the namespace's queues.

use std::time::{Duration, Instant};

use common::infra::mq::{list_parked, Broker, ConsumerSpec, ParkedMessage, Topology};
use common::infra::outbox::{self, Event};
use common::infra::tenancy::{in_tenant, Tenant};

use crate::{eventually, TestPlatform};

impl TestPlatform {
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

    /// Writes `events` to the outbox in committed tenant transactions of up to 500.
    pub async fn commit_events(&self, tenant: &Tenant, events: &[Event]) {
        for batch in events.chunks(500) {
            in_tenant(&self.db, &tenant.slug, async |tx| {
                for event in batch {
                    outbox::write(tx.conn(), event).await?;
                }
                Ok::<_, sqlx::Error>(())
            })
            .await
            .expect("commit events");
        }
    }

    /// How many notification events a notifier recorded as sent.
    pub async fn notifications_sent(&self) -> usize {
        let count: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM platform.notification_claims WHERE sent_at IS NOT NULL",
        )
        .fetch_one(&self.db)
        .await
        .expect("count sent events");
        usize::try_from(count).expect("a count is not negative")
    }

    /// Messages ready or unacknowledged in the namespace's queues, parking queues aside, as the
    /// broker reports them (messages waiting in a later queue for their moment count too).
    pub async fn queue_backlog(&self) -> u64 {
        #[derive(serde::Deserialize)]
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
        let prefix = format!("{}.", self.namespace);
        queues
            .iter()
            .filter(|queue| queue.name.starts_with(&prefix) && !queue.name.ends_with(".parked"))
            .map(|queue| queue.messages)
            .sum()
    }

    pub async fn outbox_len(&self) -> i64 {
        self.try_outbox_len().await.expect("count outbox")
    }

    pub(crate) async fn try_outbox_len(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT count(*) FROM platform.outbox")
            .fetch_one(&self.db)
            .await
    }

    /// How many events were ever written to the outbox of this test's database, relayed or
    /// not: the outbox's sequence, which a relayed (deleted) row does not give back. Compared
    /// before and after a request, it tells whether the request's transaction queued anything,
    /// however fast the relay is. (A rolled-back write counts as well; the tests that compare
    /// roll nothing back meanwhile.)
    pub async fn events_written(&self) -> i64 {
        sqlx::query_scalar(
            "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM platform.outbox_seq_seq",
        )
        .fetch_one(&self.db)
        .await
        .expect("read the outbox sequence")
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

    /// Waits until the parking queue of `spec` holds exactly `count` messages; returns them.
    pub async fn wait_for_parked(&self, spec: &ConsumerSpec, count: usize) -> Vec<ParkedMessage> {
        eventually(Duration::from_secs(20), "parked messages", || async {
            let parked = list_parked(&self.broker(), &self.topology(), spec)
                .await
                .ok()?;
            (parked.len() == count).then_some(parked)
        })
        .await
    }

    /// The platform's own consumers and those the test tracked.
    pub(crate) fn consumers(&self) -> Vec<String> {
        let mut consumers: Vec<String> = ConsumerSpec::all().into_iter().map(|s| s.name).collect();
        consumers.extend(self.extra_consumers.iter().cloned());
        consumers
    }

    /// How many messages wait in the parking queues of `consumers`. A broker that cannot be
    /// asked is an error, not zero: it would let parked work through unseen.
    pub(crate) async fn count_parked(&self, consumers: &[String]) -> Result<usize, String> {
        let broker = self.broker();
        let topology = self.topology();
        let mut parked = 0;
        for name in consumers {
            let spec = ConsumerSpec::new(name.clone(), &[]);
            parked += list_parked(&broker, &topology, &spec)
                .await
                .map_err(|error| format!("the parking queue of {name}: {error}"))?
                .len();
        }
        Ok(parked)
    }

    /// Removes the queues of `consumers` and the namespace's exchange (best effort: a broker
    /// that is gone leaves nothing to remove that [`Self::count_parked`] has not reported).
    pub(crate) async fn delete_queues(&self, consumers: &[String]) {
        let Ok(connection) = self.broker().connect().await else {
            return;
        };
        if let Ok(channel) = connection.create_channel().await {
            let topology = self.topology();
            for consumer in consumers {
                for (queue, _) in topology.queues_of(consumer) {
                    let _ = channel
                        .queue_delete(queue.into(), lapin::options::QueueDeleteOptions::default())
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
}
