//! Runs a [`Handler`] over a consumer's queue.
//!
//! A message is acked only after its work is done. A failed message is re-published to the
//! retry queue for its attempt (which dead-letters it back after the delay) and then acked;
//! after the last retry it is parked. When the broker goes away the runner reconnects with
//! back-off. On shutdown it stops taking messages, lets the ones in hand finish within the
//! grace period, and leaves the rest unacked so the broker redelivers them.
//!
//! A message that carries a moment of its own (`x-deliver-at`) and arrives before it is not
//! handled: it goes into the later queue that fits the time left, and comes back when that
//! queue's TTL runs out — as often as needed. The broker keeps it meanwhile, through restarts.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures::StreamExt;
use lapin::message::Delivery;
use lapin::options::{
    BasicAckOptions, BasicCancelOptions, BasicConsumeOptions, BasicNackOptions, BasicQosOptions,
};
use lapin::types::FieldTable;
use lapin::Channel;
use time::OffsetDateTime;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use super::publisher::{send_to_queue, OutgoingMessage, Publisher};
use super::topology::{ConsumerSpec, Topology};
use super::{headers, headers_of, Broker, MqError};
use crate::infra::clock::SharedClock;
use crate::infra::telemetry;

/// One delivered message, as a handler sees it.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub message_id: String,
    pub routing_key: String,
    /// How many times this message failed before (0 on first delivery).
    pub attempt: u32,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

impl Incoming {
    /// The moment before which the message must not be handled, if it has one.
    pub fn deliver_at(&self) -> Option<OffsetDateTime> {
        let millis: i128 = self.headers.get(headers::DELIVER_AT)?.parse().ok()?;
        OffsetDateTime::from_unix_timestamp_nanos(millis * 1_000_000).ok()
    }
}

impl Incoming {
    pub(crate) fn from_delivery(delivery: &Delivery) -> Self {
        let (headers, attempt) = headers_of(&delivery.properties);
        Self {
            message_id: delivery
                .properties
                .message_id()
                .as_ref()
                .map(|id| id.as_str().to_owned())
                .unwrap_or_default(),
            // After a retry the message comes back by queue name; its own key travels in a header.
            routing_key: headers
                .get(headers::ORIGINAL_ROUTING_KEY)
                .cloned()
                .unwrap_or_else(|| delivery.routing_key.as_str().to_owned()),
            attempt,
            headers,
            body: delivery.data.clone(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    /// Might work later (a provider is down, a database hiccup): retried with back-off.
    #[error("{0}")]
    Transient(String),
    /// Will never work (a message we cannot read): parked at once for an operator.
    #[error("{0}")]
    Permanent(String),
}

#[async_trait]
pub trait Handler: Send + Sync + 'static {
    async fn handle(&self, message: &Incoming) -> Result<(), HandlerError>;
}

pub struct ConsumerRunner {
    pub broker: Broker,
    pub topology: Topology,
    pub spec: ConsumerSpec,
    pub handler: Arc<dyn Handler>,
    pub prefetch: u16,
    pub concurrency: usize,
    pub shutdown_grace: Duration,
    /// Decides whether a message with a moment of its own is due.
    pub clock: SharedClock,
}

enum SessionEnd {
    Stopped,
    Lost(MqError),
}

impl ConsumerRunner {
    /// Consumes until `stop` is cancelled, reconnecting whenever the broker connection is lost.
    pub async fn run(self, stop: CancellationToken) {
        const FIRST_BACKOFF: Duration = Duration::from_millis(200);
        let mut backoff = FIRST_BACKOFF;
        loop {
            match self.session(&stop).await {
                Ok(SessionEnd::Stopped) => return,
                Ok(SessionEnd::Lost(error)) => {
                    // The session was consuming: this outage starts the back-off afresh.
                    backoff = FIRST_BACKOFF;
                    tracing::warn!(consumer = %self.spec.name, %error, ?backoff, "broker connection lost; reconnecting");
                }
                Err(error) => {
                    tracing::warn!(consumer = %self.spec.name, %error, ?backoff, "broker connection lost; reconnecting");
                }
            }
            tokio::select! {
                () = stop.cancelled() => return,
                () = tokio::time::sleep(backoff) => {}
            }
            backoff = (backoff * 2).min(Duration::from_secs(10));
        }
    }

    async fn session(&self, stop: &CancellationToken) -> Result<SessionEnd, MqError> {
        let connection = self.broker.connect().await?;
        let channel = connection.create_channel().await?;
        self.topology.declare_consumer(&channel, &self.spec).await?;
        channel
            .basic_qos(self.prefetch, BasicQosOptions::default())
            .await?;
        let resend = Arc::new(Publisher::on_connection(&connection).await?);
        let tag = format!("{}-{}", self.spec.name, uuid::Uuid::new_v4());
        let mut deliveries = channel
            .basic_consume(
                self.topology.queue(&self.spec.name).into(),
                tag.clone().into(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await?;
        tracing::info!(consumer = %self.spec.name, "consuming");

        let permits = Arc::new(Semaphore::new(self.concurrency));
        let mut in_flight = JoinSet::new();
        let end = loop {
            // Reap finished work so the set does not grow.
            while in_flight.try_join_next().is_some() {}
            let permit = tokio::select! {
                () = stop.cancelled() => break SessionEnd::Stopped,
                permit = permits.clone().acquire_owned() => match permit {
                    Ok(permit) => permit,
                    Err(_) => break SessionEnd::Stopped,
                },
            };
            let delivery = tokio::select! {
                () = stop.cancelled() => break SessionEnd::Stopped,
                next = deliveries.next() => next,
            };
            match delivery {
                None => break SessionEnd::Lost(MqError::Disconnected),
                Some(Err(error)) => break SessionEnd::Lost(error.into()),
                Some(Ok(delivery)) => {
                    let work = Work {
                        topology: self.topology.clone(),
                        consumer: self.spec.name.clone(),
                        handler: self.handler.clone(),
                        resend: resend.clone(),
                        clock: self.clock.clone(),
                    };
                    in_flight.spawn(async move {
                        work.process(delivery).await;
                        drop(permit);
                    });
                }
            }
        };

        if matches!(end, SessionEnd::Stopped) {
            // Stop intake first; what is prefetched but not started is redelivered.
            let _ = channel
                .basic_cancel(tag.into(), BasicCancelOptions::default())
                .await;
        }
        let drained = tokio::time::timeout(self.shutdown_grace, async {
            while in_flight.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!(consumer = %self.spec.name, "work still running at the end of the grace period; it will be redelivered");
            in_flight.abort_all();
        }
        let _ = channel.close(200, "bye".into()).await;
        let _ = connection.close(200, "bye".into()).await;
        Ok(end)
    }
}

struct Work {
    topology: Topology,
    consumer: String,
    handler: Arc<dyn Handler>,
    resend: Arc<Channel>,
    clock: SharedClock,
}

impl Work {
    async fn process(self, delivery: Delivery) {
        let message = Incoming::from_delivery(&delivery);
        let attempt = message.attempt;
        let span = tracing::info_span!(
            "consume",
            consumer = %self.consumer,
            message_id = %message.message_id,
            routing_key = %message.routing_key,
            attempt
        );
        telemetry::set_parent(&span, &message.headers);
        let early_by = message
            .deliver_at()
            .map(|due| due - self.clock.now())
            .and_then(|left| Duration::try_from(left).ok())
            .filter(|left| !left.is_zero());
        let outcome = match early_by {
            Some(_) => Ok(()),
            None => self.handler.handle(&message).instrument(span.clone()).await,
        };
        let settled = async {
            if let Some(left) = early_by {
                self.put_off(&message, left).await?;
            }
            if let Err(error) = outcome {
                self.reschedule(&message, &error).await?;
            }
            delivery.ack(BasicAckOptions::default()).await?;
            Ok::<_, MqError>(())
        }
        .instrument(span.clone())
        .await;
        if let Err(error) = settled {
            // Could not hand it on: give it back so it is redelivered rather than lost.
            let _ = delivery
                .nack(BasicNackOptions {
                    requeue: true,
                    ..Default::default()
                })
                .await;
            span.in_scope(|| tracing::warn!(%error, "message could not be settled; requeued"));
        }
    }

    /// `message` again, to be sent straight to one of this consumer's queues: it keeps its own
    /// routing key in a header, since the queue's dead-lettering replaces the real one.
    fn resent(&self, message: &Incoming) -> OutgoingMessage {
        let mut headers = message.headers.clone();
        headers.insert(headers::CONSUMER.to_owned(), self.consumer.clone());
        headers.insert(
            headers::ORIGINAL_ROUTING_KEY.to_owned(),
            message.routing_key.clone(),
        );
        OutgoingMessage {
            message_id: message.message_id.clone(),
            routing_key: message.routing_key.clone(),
            headers,
            body: message.body.clone(),
        }
    }

    /// Sends a message that came before its moment to wait in a later queue.
    async fn put_off(&self, message: &Incoming, left: Duration) -> Result<(), MqError> {
        let queue = self.topology.later_queue_for(&self.consumer, left);
        tracing::debug!(?left, %queue, "not due yet; waiting in a later queue");
        send_to_queue(&self.resend, &queue, &self.resent(message), message.attempt).await
    }

    async fn reschedule(&self, message: &Incoming, error: &HandlerError) -> Result<(), MqError> {
        let mut outgoing = self.resent(message);
        outgoing
            .headers
            .insert(headers::LAST_ERROR.to_owned(), error.to_string());
        let retry = match error {
            HandlerError::Transient(_) => self
                .topology
                .retry_queue_for_attempt(&self.consumer, message.attempt),
            HandlerError::Permanent(_) => None,
        };
        match retry {
            Some(queue) => {
                tracing::warn!(%error, attempt = message.attempt, %queue, "handler failed; retrying later");
                send_to_queue(&self.resend, &queue, &outgoing, message.attempt + 1).await
            }
            None => {
                tracing::error!(%error, attempt = message.attempt, "handler failed for good; parking the message");
                let parking = self.topology.parking_queue(&self.consumer);
                send_to_queue(&self.resend, &parking, &outgoing, message.attempt + 1).await
            }
        }
    }
}
