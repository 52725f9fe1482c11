//! RabbitMQ: the topology in one place, a confirming publisher, a consumer runner that retries
//! through delay queues and parks what keeps failing, and the operator's view of parked messages.

mod consumer;
mod parking;
mod publisher;
mod topology;

use std::collections::BTreeMap;

use lapin::types::{AMQPValue, FieldTable, ShortString};
use lapin::{BasicProperties, Connection, ConnectionProperties};
use secrecy::{ExposeSecret, SecretString};

pub use consumer::{ConsumerRunner, Handler, HandlerError, Incoming};
pub use parking::{list_parked, replay_parked, ParkedMessage, ReplaySelection};
pub use publisher::{OutgoingMessage, Publisher};
pub use topology::{ConsumerSpec, Topology, LATER_BUCKETS};

#[derive(Debug, thiserror::Error)]
pub enum MqError {
    #[error("broker: {0}")]
    Broker(#[from] lapin::Error),
    #[error("the broker returned message {0} as unroutable: no queue is bound to {1}")]
    Unroutable(String, String),
    #[error("the broker refused message {0} (negative acknowledgement)")]
    Nacked(String),
    #[error("the broker connection is closed")]
    Disconnected,
    #[error("no parked message with id {0}")]
    NotParked(String),
}

/// Header names used on every message.
pub mod headers {
    pub const ATTEMPT: &str = "x-attempt";
    pub const TENANT: &str = "x-tenant";
    pub const LAST_ERROR: &str = "x-last-error";
    pub const CONSUMER: &str = "x-consumer";
    pub const ORIGINAL_ROUTING_KEY: &str = "x-original-routing-key";
    /// The moment before which a message must not be handled (Unix milliseconds, UTC).
    pub const DELIVER_AT: &str = "x-deliver-at";
    pub const TRACEPARENT: &str = "traceparent";
    pub const TRACESTATE: &str = "tracestate";
}

/// Where the broker is; every connection is named after the process that opens it.
#[derive(Debug, Clone)]
pub struct Broker {
    url: SecretString,
    connection_name: String,
}

impl Broker {
    pub fn new(url: SecretString, connection_name: impl Into<String>) -> Self {
        Self {
            url,
            connection_name: connection_name.into(),
        }
    }

    pub async fn connect(&self) -> Result<Connection, MqError> {
        let properties = ConnectionProperties::default()
            .with_connection_name(self.connection_name.clone().into());
        Ok(Connection::connect(self.url.expose_secret(), properties).await?)
    }
}

fn string_header(table: &FieldTable, name: &str) -> Option<String> {
    match table.inner().get(name)? {
        AMQPValue::LongString(s) => Some(String::from_utf8_lossy(s.as_bytes()).into_owned()),
        AMQPValue::ShortString(s) => Some(s.as_str().to_owned()),
        _ => None,
    }
}

fn number_header(table: &FieldTable, name: &str) -> Option<u32> {
    match table.inner().get(name)? {
        AMQPValue::LongUInt(n) => Some(*n),
        AMQPValue::LongInt(n) => u32::try_from(*n).ok(),
        AMQPValue::LongLongInt(n) => u32::try_from(*n).ok(),
        AMQPValue::ShortUInt(n) => Some(u32::from(*n)),
        AMQPValue::ShortShortUInt(n) => Some(u32::from(*n)),
        AMQPValue::LongString(s) => String::from_utf8_lossy(s.as_bytes()).parse().ok(),
        _ => None,
    }
}

/// Properties of a persistent JSON message with our headers.
fn message_properties(
    message_id: &str,
    headers: &BTreeMap<String, String>,
    attempt: u32,
) -> BasicProperties {
    let mut table = FieldTable::default();
    for (name, value) in headers {
        table.insert(
            ShortString::from(name.clone()),
            AMQPValue::LongString(value.clone().into()),
        );
    }
    table.insert(headers::ATTEMPT.into(), AMQPValue::LongUInt(attempt));
    BasicProperties::default()
        .with_message_id(message_id.to_owned().into())
        .with_content_type("application/json".into())
        .with_delivery_mode(2)
        .with_headers(table)
}

/// The string headers of a delivered message (trace context, tenant, errors).
fn headers_of(properties: &BasicProperties) -> (BTreeMap<String, String>, u32) {
    let Some(table) = properties.headers() else {
        return (BTreeMap::new(), 0);
    };
    let strings = table
        .inner()
        .keys()
        .filter_map(|k| string_header(table, k.as_str()).map(|v| (k.as_str().to_owned(), v)))
        .collect();
    (strings, number_header(table, headers::ATTEMPT).unwrap_or(0))
}
