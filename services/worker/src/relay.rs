//! Moves committed outbox rows to RabbitMQ.
//!
//! Each round claims a batch with `FOR UPDATE SKIP LOCKED` (so several workers share the
//! outbox without publishing a row twice in normal operation), publishes the whole batch with
//! publisher confirms, and deletes the rows only after every confirm arrived — in the same
//! transaction that holds the claim. A crash between publish and delete publishes those rows
//! again; consumers are idempotent by event id. The relay sleeps until `NOTIFY outbox`
//! (sent at commit by `outbox::write`), with a poll as a safety net.

use std::collections::BTreeMap;
use std::time::Duration;

use common::infra::clock::SharedClock;
use common::infra::mq::{
    headers, Broker, ConsumerSpec, MqError, OutgoingMessage, Publisher, Topology,
};
use common::infra::telemetry::metrics;
use sqlx::postgres::PgListener;
use sqlx::types::Json;
use sqlx::PgPool;
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Broker(#[from] MqError),
}

#[derive(Clone)]
pub struct OutboxRelay {
    pub db: PgPool,
    pub broker: Broker,
    pub topology: Topology,
    /// Declared before publishing, so no event is unroutable because its consumer is not up yet.
    pub consumers: Vec<ConsumerSpec>,
    pub batch_size: i64,
    pub poll_interval: Duration,
    /// After a stop, how long a batch in hand may still wait for the broker's confirms.
    pub shutdown_grace: Duration,
    pub clock: SharedClock,
}

const FIRST_BACKOFF: Duration = Duration::from_millis(200);

/// Resolves `grace` after `stop` is cancelled.
async fn grace_over(stop: &CancellationToken, grace: Duration) {
    stop.cancelled().await;
    tokio::time::sleep(grace).await;
}

/// What one round did, for logs and the benchmark.
#[derive(Debug, Clone, Default)]
pub struct RelayedBatch {
    pub count: usize,
    /// Time from commit (`created_at`) to confirmed publish, per event.
    pub lags: Vec<Duration>,
}

struct OutboxRow {
    seq: i64,
    event_id: Uuid,
    routing_key: String,
    /// The event's JSON, published as it is stored.
    payload: String,
    /// The W3C trace context of the request that caused the event.
    headers: Json<BTreeMap<String, String>>,
    tenant_slug: Option<String>,
    created_at: OffsetDateTime,
}

impl OutboxRelay {
    pub async fn run(self, stop: CancellationToken) {
        let mut backoff = FIRST_BACKOFF;
        while !stop.is_cancelled() {
            let mut connected = false;
            match self.session(&stop, &mut connected).await {
                Ok(()) => return,
                Err(error) => {
                    // A session that got going resets the back-off: the next outage is new.
                    if connected {
                        backoff = FIRST_BACKOFF;
                    }
                    tracing::warn!(%error, ?backoff, "outbox relay interrupted; reconnecting");
                }
            }
            tokio::select! {
                () = stop.cancelled() => return,
                () = tokio::time::sleep(backoff) => {}
            }
            backoff = (backoff * 2).min(Duration::from_secs(10));
        }
    }

    async fn session(
        &self,
        stop: &CancellationToken,
        connected: &mut bool,
    ) -> Result<(), RelayError> {
        let publisher = Publisher::open(&self.broker, &self.topology, &self.consumers).await?;
        let mut listener = PgListener::connect_with(&self.db).await?;
        listener.listen("outbox").await?;
        *connected = true;
        tracing::info!("outbox relay running");
        let result = async {
            loop {
                if stop.is_cancelled() {
                    return Ok(());
                }
                // A broker that holds back confirms (a memory alarm) must not hold up shutdown:
                // dropping the batch rolls its claim back, and the rows go out again later.
                let batch = tokio::select! {
                    batch = self.relay_batch(&publisher) => batch?,
                    () = grace_over(stop, self.shutdown_grace) => {
                        tracing::warn!("shutdown grace ran out while waiting for the broker; the batch stays in the outbox");
                        return Ok(());
                    }
                };
                if batch.count as i64 >= self.batch_size {
                    continue;
                }
                tokio::select! {
                    () = stop.cancelled() => return Ok(()),
                    notification = listener.recv() => { notification?; }
                    () = tokio::time::sleep(self.poll_interval) => {}
                }
            }
        }
        .await;
        let _ = tokio::time::timeout(Duration::from_secs(2), publisher.close()).await;
        result
    }

    /// One round: claim, publish with confirms, delete. Returns what was relayed.
    pub async fn relay_batch(&self, publisher: &Publisher) -> Result<RelayedBatch, RelayError> {
        let mut tx = self.db.begin().await?;
        let rows: Vec<OutboxRow> = sqlx::query_as!(
            OutboxRow,
            r#"SELECT seq, event_id, routing_key, payload::text AS "payload!",
                      headers AS "headers: Json<BTreeMap<String, String>>", tenant_slug, created_at
                 FROM platform.outbox
                ORDER BY seq
                LIMIT $1
                  FOR UPDATE SKIP LOCKED"#,
            self.batch_size,
        )
        .fetch_all(&mut *tx)
        .await?;
        if rows.is_empty() {
            tx.commit().await?;
            return Ok(RelayedBatch::default());
        }
        let messages: Vec<OutgoingMessage> = rows.iter().map(outgoing).collect();
        publisher.publish_batch(&messages).await?;
        let seqs: Vec<i64> = rows.iter().map(|r| r.seq).collect();
        sqlx::query!("DELETE FROM platform.outbox WHERE seq = ANY($1)", &seqs)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        let now = self.clock.now();
        let lags: Vec<Duration> = rows
            .iter()
            .map(|r| Duration::try_from(now - r.created_at).unwrap_or_default())
            .collect();
        let instruments = metrics::instruments();
        instruments.outbox_relayed.add(rows.len() as u64, &[]);
        for lag in &lags {
            instruments
                .outbox_lag
                .record(lag.as_secs_f64() * 1000.0, &[]);
        }
        tracing::debug!(count = rows.len(), "relayed outbox batch");
        Ok(RelayedBatch {
            count: rows.len(),
            lags,
        })
    }
}

fn outgoing(row: &OutboxRow) -> OutgoingMessage {
    let mut message_headers = row.headers.0.clone();
    if let Some(tenant) = &row.tenant_slug {
        message_headers.insert(headers::TENANT.to_owned(), tenant.clone());
    }
    OutgoingMessage {
        message_id: row.event_id.to_string(),
        routing_key: row.routing_key.clone(),
        headers: message_headers,
        body: row.payload.clone().into_bytes(),
    }
}
