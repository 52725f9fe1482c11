//! Publishing with publisher confirms. A message counts as sent only when the broker has
//! confirmed it; a message returned as unroutable (published `mandatory`) is a failure,
//! because RabbitMQ confirms those too.

use std::collections::BTreeMap;

use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
use lapin::Confirmation;
use lapin::{Channel, Connection};

use super::topology::{ConsumerSpec, Topology};
use super::{message_properties, Broker, MqError};

#[derive(Debug, Clone)]
pub struct OutgoingMessage {
    pub message_id: String,
    pub routing_key: String,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

pub struct Publisher {
    connection: Connection,
    channel: Channel,
    exchange: String,
}

impl Publisher {
    /// Connects, switches the channel to confirm mode and declares the given consumers' queues.
    pub async fn open(
        broker: &Broker,
        topology: &Topology,
        consumers: &[ConsumerSpec],
    ) -> Result<Self, MqError> {
        let connection = broker.connect().await?;
        let channel = connection.create_channel().await?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        topology.declare_exchange(&channel).await?;
        for spec in consumers {
            topology.declare_consumer(&channel, spec).await?;
        }
        Ok(Self {
            connection,
            channel,
            exchange: topology.events_exchange(),
        })
    }

    /// A publisher on an existing connection, for sending to queues directly (retry, parking).
    pub(crate) async fn on_connection(connection: &Connection) -> Result<Channel, MqError> {
        let channel = connection.create_channel().await?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        Ok(channel)
    }

    /// Publishes every message to the events exchange, then waits for all confirms; the whole
    /// batch is in flight at once.
    pub async fn publish_batch(&self, messages: &[OutgoingMessage]) -> Result<(), MqError> {
        let mut pending = Vec::with_capacity(messages.len());
        for message in messages {
            let confirm = publish_confirmed(
                &self.channel,
                &self.exchange,
                &message.routing_key,
                message,
                0,
            )
            .await?;
            pending.push((message, confirm));
        }
        for (message, confirm) in pending {
            check_confirmation(message, confirm.await?)?;
        }
        Ok(())
    }

    pub async fn close(self) {
        let _ = self.channel.close(200, "bye".into()).await;
        let _ = self.connection.close(200, "bye".into()).await;
    }
}

pub(crate) async fn publish_confirmed(
    channel: &Channel,
    exchange: &str,
    routing_key: &str,
    message: &OutgoingMessage,
    attempt: u32,
) -> Result<lapin::PublisherConfirm, MqError> {
    Ok(channel
        .basic_publish(
            exchange.to_owned().into(),
            routing_key.to_owned().into(),
            BasicPublishOptions {
                mandatory: true,
                ..Default::default()
            },
            &message.body,
            message_properties(&message.message_id, &message.headers, attempt),
        )
        .await?)
}

pub(crate) fn check_confirmation(
    message: &OutgoingMessage,
    confirmation: Confirmation,
) -> Result<(), MqError> {
    match confirmation {
        Confirmation::Ack(None) => Ok(()),
        Confirmation::Ack(Some(_returned)) => Err(MqError::Unroutable(
            message.message_id.clone(),
            message.routing_key.clone(),
        )),
        Confirmation::Nack(_) | Confirmation::NotRequested => {
            Err(MqError::Nacked(message.message_id.clone()))
        }
    }
}

/// Publishes one message straight into a queue (through the default exchange) and waits for
/// its confirm.
pub(crate) async fn send_to_queue(
    channel: &Channel,
    queue: &str,
    message: &OutgoingMessage,
    attempt: u32,
) -> Result<(), MqError> {
    let confirm = publish_confirmed(channel, "", queue, message, attempt).await?;
    check_confirmation(message, confirm.await?)
}
