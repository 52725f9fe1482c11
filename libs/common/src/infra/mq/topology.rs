//! Every exchange and queue, declared from here and nowhere else.
//!
//! Per consumer: a main quorum queue bound to the events exchange; one retry queue per delay
//! whose messages dead-letter back into the main queue when their TTL runs out; one parking
//! queue for messages that failed every retry; and the "later" queues that hold messages due
//! at a moment of their own (an invitation's clean-up a month on, the lapse of a grant). All
//! of them dead-letter `at-least-once`, which RabbitMQ honours only together with
//! `x-overflow=reject-publish`.
//!
//! A later queue has one TTL for all its messages, so none waits behind a later one. A message
//! due further off than the longest queue travels through it several times: the consumer sees
//! it come back early and sends it on (see `consumer`).

use std::time::Duration;

use lapin::options::{ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{Channel, ExchangeKind};

use super::MqError;

/// A consumer and the routing keys (topic patterns) of the events it wants.
#[derive(Debug, Clone)]
pub struct ConsumerSpec {
    pub name: String,
    pub bindings: Vec<String>,
}

impl ConsumerSpec {
    pub fn new(name: impl Into<String>, bindings: &[&str]) -> Self {
        Self {
            name: name.into(),
            bindings: bindings.iter().map(|b| (*b).to_owned()).collect(),
        }
    }

    /// The notifier: every e-mail, SMS and voice message.
    pub fn notifier() -> Self {
        Self::new("notifier", &["notification.#"])
    }

    /// The worker's jobs: profile photos, clean-up of objects.
    pub fn jobs() -> Self {
        Self::new("jobs", &["job.#"])
    }

    /// Every consumer of the platform. The relay declares them all before it publishes, so an
    /// event is never unroutable because its consumer has not started yet.
    pub fn all() -> Vec<Self> {
        vec![Self::notifier(), Self::jobs()]
    }
}

#[derive(Debug, Clone)]
pub struct Topology {
    namespace: String,
    retry_delays: Vec<Duration>,
}

/// The waiting times of the later queues. A message goes into the longest that does not
/// overshoot its moment; one due within a second waits a second.
pub const LATER_BUCKETS: [Duration; 4] = [
    Duration::from_secs(1),
    Duration::from_secs(30),
    Duration::from_secs(15 * 60),
    Duration::from_secs(6 * 60 * 60),
];

/// Consumers that crash on a message (and so never ack or nack it) get it this many times.
const DELIVERY_LIMIT: i64 = 20;

impl Topology {
    pub fn new(namespace: impl Into<String>, retry_delays: Vec<Duration>) -> Self {
        Self {
            namespace: namespace.into(),
            retry_delays,
        }
    }

    pub fn events_exchange(&self) -> String {
        format!("{}.events", self.namespace)
    }

    pub fn queue(&self, consumer: &str) -> String {
        format!("{}.{consumer}", self.namespace)
    }

    /// The delay is part of the name, so changing the schedule declares new queues instead of
    /// clashing with the arguments of existing ones.
    pub fn retry_queue(&self, consumer: &str, delay: Duration) -> String {
        format!(
            "{}.{consumer}.retry.{}ms",
            self.namespace,
            delay.as_millis()
        )
    }

    pub fn later_queue(&self, consumer: &str, wait: Duration) -> String {
        format!("{}.{consumer}.later.{}ms", self.namespace, wait.as_millis())
    }

    /// The later queue for a message still `remaining` away from its moment.
    pub fn later_queue_for(&self, consumer: &str, remaining: Duration) -> String {
        let wait = LATER_BUCKETS
            .iter()
            .rev()
            .find(|wait| **wait <= remaining)
            .unwrap_or(&LATER_BUCKETS[0]);
        self.later_queue(consumer, *wait)
    }

    pub fn parking_queue(&self, consumer: &str) -> String {
        format!("{}.{consumer}.parked", self.namespace)
    }

    pub fn retry_delays(&self) -> &[Duration] {
        &self.retry_delays
    }

    /// The retry queue for a message that has failed `attempt` times (0-based), or `None` when
    /// it has used every retry and must be parked.
    pub fn retry_queue_for_attempt(&self, consumer: &str, attempt: u32) -> Option<String> {
        self.retry_delays
            .get(attempt as usize)
            .map(|delay| self.retry_queue(consumer, *delay))
    }

    /// Every queue of a consumer with its arguments (for declaring, and for checking them).
    pub fn queues_of(&self, consumer: &str) -> Vec<(String, FieldTable)> {
        let parking = self.parking_queue(consumer);
        let main = self.queue(consumer);
        let mut queues = vec![
            (parking.clone(), quorum_args(None, None)),
            (main.clone(), {
                let mut args = quorum_args(Some(&parking), None);
                args.insert(
                    "x-delivery-limit".into(),
                    AMQPValue::LongLongInt(DELIVERY_LIMIT),
                );
                args
            }),
        ];
        for delay in &self.retry_delays {
            queues.push((
                self.retry_queue(consumer, *delay),
                quorum_args(Some(&main), Some(*delay)),
            ));
        }
        for wait in LATER_BUCKETS {
            queues.push((
                self.later_queue(consumer, wait),
                quorum_args(Some(&main), Some(wait)),
            ));
        }
        queues
    }

    pub async fn declare_exchange(&self, channel: &Channel) -> Result<(), MqError> {
        channel
            .exchange_declare(
                self.events_exchange().into(),
                ExchangeKind::Topic,
                ExchangeDeclareOptions {
                    durable: true,
                    ..Default::default()
                },
                FieldTable::default(),
            )
            .await?;
        Ok(())
    }

    pub async fn declare_consumer(
        &self,
        channel: &Channel,
        spec: &ConsumerSpec,
    ) -> Result<(), MqError> {
        self.declare_exchange(channel).await?;
        for (name, args) in self.queues_of(&spec.name) {
            channel
                .queue_declare(
                    name.into(),
                    QueueDeclareOptions {
                        durable: true,
                        ..Default::default()
                    },
                    args,
                )
                .await?;
        }
        for binding in &spec.bindings {
            channel
                .queue_bind(
                    self.queue(&spec.name).into(),
                    self.events_exchange().into(),
                    binding.clone().into(),
                    QueueBindOptions::default(),
                    FieldTable::default(),
                )
                .await?;
        }
        Ok(())
    }
}

fn quorum_args(dead_letter_to: Option<&str>, ttl: Option<Duration>) -> FieldTable {
    let mut args = FieldTable::default();
    args.insert(
        "x-queue-type".into(),
        AMQPValue::LongString("quorum".into()),
    );
    args.insert(
        "x-overflow".into(),
        AMQPValue::LongString("reject-publish".into()),
    );
    args.insert(
        "x-dead-letter-strategy".into(),
        AMQPValue::LongString("at-least-once".into()),
    );
    if let Some(target) = dead_letter_to {
        // The default exchange routes by queue name.
        args.insert(
            "x-dead-letter-exchange".into(),
            AMQPValue::LongString("".into()),
        );
        args.insert(
            "x-dead-letter-routing-key".into(),
            AMQPValue::LongString(target.to_owned().into()),
        );
    }
    if let Some(ttl) = ttl {
        args.insert(
            "x-message-ttl".into(),
            AMQPValue::LongLongInt(i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX)),
        );
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_namespace_consumer_and_delay() {
        let topology = Topology::new("zp", vec![Duration::from_secs(5), Duration::from_secs(30)]);
        assert_eq!(topology.queue("notifier"), "zp.notifier");
        assert_eq!(
            topology.retry_queue_for_attempt("notifier", 1).unwrap(),
            "zp.notifier.retry.30000ms"
        );
        assert_eq!(topology.retry_queue_for_attempt("notifier", 2), None);
        assert_eq!(
            topology.queues_of("notifier").len(),
            4 + LATER_BUCKETS.len()
        );
    }

    #[test]
    fn a_message_waits_in_the_longest_later_queue_that_does_not_overshoot() {
        let topology = Topology::new("zp", vec![]);
        let later = |secs: f64| topology.later_queue_for("jobs", Duration::from_secs_f64(secs));
        assert_eq!(later(0.2), "zp.jobs.later.1000ms");
        assert_eq!(later(29.9), "zp.jobs.later.1000ms");
        assert_eq!(later(30.0), "zp.jobs.later.30000ms");
        assert_eq!(later(3600.0), "zp.jobs.later.900000ms");
        assert_eq!(later(30.0 * 86_400.0), "zp.jobs.later.21600000ms");
    }
}
