//! The operator's view of parked messages: list them without taking them, and replay one or
//! all of them into the consumer's main queue with a fresh retry budget.

use std::collections::BTreeMap;

use lapin::options::{BasicAckOptions, BasicGetOptions, QueueDeclareOptions};
use lapin::types::FieldTable;

use super::consumer::Incoming;
use super::publisher::{send_to_queue, OutgoingMessage, Publisher};
use super::topology::{ConsumerSpec, Topology};
use super::{headers, Broker, MqError};

#[derive(Debug, Clone)]
pub struct ParkedMessage {
    pub message_id: String,
    pub routing_key: String,
    pub attempts: u32,
    pub last_error: String,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone)]
pub enum ReplaySelection {
    One(String),
    All,
}

/// Reads every parked message of `consumer` without removing any: the messages are fetched
/// unacknowledged and return to the queue when the channel closes.
pub async fn list_parked(
    broker: &Broker,
    topology: &Topology,
    consumer: &ConsumerSpec,
) -> Result<Vec<ParkedMessage>, MqError> {
    let connection = broker.connect().await?;
    let channel = connection.create_channel().await?;
    topology.declare_consumer(&channel, consumer).await?;
    let queue = topology.parking_queue(&consumer.name);
    let mut parked = Vec::new();
    while let Some(message) = channel
        .basic_get(queue.clone().into(), BasicGetOptions { no_ack: false })
        .await?
    {
        parked.push(parked_message(&message.delivery));
    }
    let _ = channel.close(200, "listed".into()).await;
    let _ = connection.close(200, "listed".into()).await;
    Ok(parked)
}

/// Moves the selected parked messages back to the consumer's main queue; returns how many.
pub async fn replay_parked(
    broker: &Broker,
    topology: &Topology,
    consumer: &ConsumerSpec,
    selection: &ReplaySelection,
) -> Result<usize, MqError> {
    let connection = broker.connect().await?;
    let channel = connection.create_channel().await?;
    topology.declare_consumer(&channel, consumer).await?;
    let resend = Publisher::on_connection(&connection).await?;
    let queue = topology.parking_queue(&consumer.name);
    let main = topology.queue(&consumer.name);
    // Only what is parked now: a replayed message that fails again is parked again, and must
    // not be picked up by this same replay.
    let parked_now = channel
        .queue_declare(
            queue.clone().into(),
            QueueDeclareOptions {
                passive: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await?
        .message_count();
    let mut replayed = 0;
    for _ in 0..parked_now {
        let Some(message) = channel
            .basic_get(queue.clone().into(), BasicGetOptions { no_ack: false })
            .await?
        else {
            break;
        };
        let parked = parked_message(&message.delivery);
        let chosen = match selection {
            ReplaySelection::All => true,
            ReplaySelection::One(id) => &parked.message_id == id,
        };
        if !chosen {
            continue;
        }
        let mut headers = parked.headers.clone();
        headers.remove(headers::LAST_ERROR);
        let outgoing = OutgoingMessage {
            message_id: parked.message_id.clone(),
            routing_key: parked.routing_key.clone(),
            headers,
            body: parked.body.clone(),
        };
        send_to_queue(&resend, &main, &outgoing, 0).await?;
        message.delivery.ack(BasicAckOptions::default()).await?;
        replayed += 1;
    }
    let _ = channel.close(200, "replayed".into()).await;
    let _ = connection.close(200, "replayed".into()).await;
    if let (ReplaySelection::One(id), 0) = (selection, replayed) {
        return Err(MqError::NotParked(id.clone()));
    }
    Ok(replayed)
}

fn parked_message(delivery: &lapin::message::Delivery) -> ParkedMessage {
    let message = Incoming::from_delivery(delivery);
    ParkedMessage {
        last_error: message
            .headers
            .get(headers::LAST_ERROR)
            .cloned()
            .unwrap_or_default(),
        message_id: message.message_id,
        routing_key: message.routing_key,
        attempts: message.attempt,
        headers: message.headers,
        body: message.body,
    }
}
