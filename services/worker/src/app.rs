//! Build the worker (connect, declare the topology), then run the relay, the job consumers and
//! housekeeping and the access log's sealing until stopped.

use std::sync::Arc;

use anyhow::Context;
use common::infra::clock::SharedClock;
use common::infra::config::Config;
use common::infra::images::DecodeGate;
use common::infra::mq::{Broker, ConsumerRunner, ConsumerSpec, Topology};
use common::infra::storage::ObjectStore;
use sqlx::PgPool;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::relay::OutboxRelay;

pub struct Worker {
    config: Arc<Config>,
    relay: OutboxRelay,
    storage: ObjectStore,
    images: DecodeGate,
}

impl Worker {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let db = common::infra::db::connect(&config.database)
            .await
            .context("connecting to PostgreSQL (DATABASE_URL)")?;
        Ok(Self::with_pool(config, db))
    }

    pub fn with_pool(config: Config, db: PgPool) -> Self {
        Self::with_pool_and_clock(config, db, common::infra::clock::system())
    }

    /// A worker whose jobs and housekeeping read `clock`, which tests move forward.
    pub fn with_pool_and_clock(config: Config, db: PgPool, clock: SharedClock) -> Self {
        let relay = OutboxRelay {
            db,
            broker: Broker::new(config.amqp.url.clone(), "zorgportaal-worker"),
            topology: Topology::new(
                config.amqp.namespace.clone(),
                config.amqp.retry_delays.clone(),
            ),
            consumers: ConsumerSpec::all(),
            batch_size: config.worker.relay_batch_size,
            poll_interval: config.worker.relay_poll_interval,
            shutdown_grace: config.worker.shutdown_grace,
            clock,
        };
        Self {
            storage: ObjectStore::new(&config.s3),
            images: DecodeGate::new(config.images.decode_concurrency),
            config: Arc::new(config),
            relay,
        }
    }

    /// Runs the relay and every job consumer until `stop` is cancelled and their work is done.
    pub async fn run_until_stopped(self, stop: CancellationToken) {
        let mut tasks = JoinSet::new();
        tasks.spawn(self.relay.clone().run(stop.clone()));
        tasks.spawn(crate::housekeeping::run(
            self.relay.db.clone(),
            self.relay.clock.clone(),
            self.config.worker.housekeeping_interval,
            stop.clone(),
        ));
        tasks.spawn(crate::access_log_seal::run(
            self.relay.db.clone(),
            self.relay.clock.clone(),
            self.config.worker.access_log_seal_interval,
            stop.clone(),
        ));
        let consumers = crate::jobs::consumers(
            self.relay.db.clone(),
            self.storage.clone(),
            self.relay.clock.clone(),
            self.images.clone(),
        );
        for (spec, handler) in consumers {
            let runner = ConsumerRunner {
                broker: self.relay.broker.clone(),
                topology: self.relay.topology.clone(),
                spec,
                handler,
                prefetch: self.config.amqp.prefetch,
                concurrency: usize::from(self.config.amqp.prefetch),
                shutdown_grace: self.config.worker.shutdown_grace,
                clock: self.relay.clock.clone(),
            };
            tasks.spawn(runner.run(stop.clone()));
        }
        while tasks.join_next().await.is_some() {}
    }
}
