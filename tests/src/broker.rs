//! The broker's own view of a test's queues, two ways.
//!
//! A passive declare asks the queue itself: how many messages are ready and how many consumers
//! it has, exact at that moment. It does not count what a consumer holds unacknowledged; but
//! once a queue has no consumer, nothing is held any more, and the ready count is everything
//! left ([`TestPlatform::wait_for_no_consumer`]).
//!
//! `rabbitmqctl list_queues` (run on this machine) reports every queue's type and arguments.
//! Its message counts are the broker's periodic statistics, seconds behind: they do for progress
//! reports, never for deciding that something did not happen.

use std::collections::HashMap;
use std::time::Duration;

use lapin::options::QueueDeclareOptions;
use lapin::types::FieldTable;
use serde::Deserialize;

use crate::{eventually, TestPlatform};

/// Runs `rabbitmqctl` and returns its output; panics with its error output when it fails.
pub async fn rabbitmqctl(args: &[&str]) -> String {
    let output = tokio::process::Command::new("rabbitmqctl")
        .args(args)
        .output()
        .await
        .expect("run rabbitmqctl (is RabbitMQ installed here, and are we root?)");
    assert!(
        output.status.success(),
        "rabbitmqctl {args:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A queue as `rabbitmqctl list_queues name type arguments messages` reports it.
#[derive(Debug, Deserialize)]
pub struct BrokerQueue {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// `[name, type, value]` triples.
    pub arguments: Vec<(String, String, serde_json::Value)>,
    /// Ready and unacknowledged together, from the periodic statistics (seconds behind).
    #[serde(default)]
    pub messages: u64,
}

impl BrokerQueue {
    pub fn arg(&self, name: &str) -> Option<&serde_json::Value> {
        self.arguments
            .iter()
            .find(|(arg, _, _)| arg == name)
            .map(|(_, _, value)| value)
    }

    pub fn string_arg(&self, name: &str) -> Option<&str> {
        self.arg(name).and_then(serde_json::Value::as_str)
    }

    pub fn number_arg(&self, name: &str) -> Option<i64> {
        self.arg(name).and_then(serde_json::Value::as_i64)
    }
}

/// The queues of one test namespace, by name, read from the broker.
pub async fn queues_in_namespace(namespace: &str) -> HashMap<String, BrokerQueue> {
    let json = rabbitmqctl(&[
        "-q",
        "list_queues",
        "name",
        "type",
        "arguments",
        "messages",
        "--formatter",
        "json",
    ])
    .await;
    let queues: Vec<BrokerQueue> =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("rabbitmqctl JSON: {e}: {json}"));
    let prefix = format!("{namespace}.");
    queues
        .into_iter()
        .filter(|queue| queue.name.starts_with(&prefix))
        .map(|queue| (queue.name.clone(), queue))
        .collect()
}

/// What a queue answers to a passive declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueCount {
    /// Messages waiting to be delivered (not those a consumer holds unacknowledged).
    pub ready: u32,
    pub consumers: u32,
}

impl TestPlatform {
    /// Asks `queue` (a full name, see [`Self::topology`]) for its counts.
    pub async fn queue_count(&self, queue: &str) -> QueueCount {
        let connection = self
            .broker()
            .connect()
            .await
            .expect("connect to the broker");
        let channel = connection.create_channel().await.expect("open a channel");
        let declared = channel
            .queue_declare(
                queue.into(),
                QueueDeclareOptions {
                    passive: true,
                    ..Default::default()
                },
                FieldTable::default(),
            )
            .await
            .unwrap_or_else(|e| panic!("passive declare of {queue}: {e}"));
        let _ = connection.close(200, "counted".into()).await;
        QueueCount {
            ready: declared.message_count(),
            consumers: declared.consumer_count(),
        }
    }

    /// Waits until `queue` has no consumer: a consumer that stopped has given back whatever it
    /// held unacknowledged, so the ready count returned is every message left in the queue.
    pub async fn wait_for_no_consumer(&self, queue: &str, timeout: Duration) -> u32 {
        eventually(timeout, &format!("no consumer on {queue}"), || async {
            let count = self.queue_count(queue).await;
            (count.consumers == 0).then_some(count.ready)
        })
        .await
    }
}
