//! Build the notifier (connect, declare its queues), then run its consumers until stopped.

use std::sync::Arc;

use anyhow::Context;
use common::infra::config::Config;
use common::infra::mq::{Broker, ConsumerRunner, ConsumerSpec, Topology};
use common::infra::tenancy::TenantDirectory;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::claims;
use crate::email::Mailer;
use crate::handler::NotificationHandler;
use crate::provider::SmsProvider;
use crate::templates::MessageTemplates;

/// How often sent events' old claims are removed.
const PRUNE_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

pub struct Notifier {
    runner: ConsumerRunner,
    tenants: TenantDirectory,
    db: PgPool,
}

impl Notifier {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let db = common::infra::db::connect(&config.database)
            .await
            .context("connecting to PostgreSQL (DATABASE_URL)")?;
        Self::with_pool(config, db).await
    }

    pub async fn with_pool(config: Config, db: PgPool) -> anyhow::Result<Self> {
        let tenants = TenantDirectory::load(db.clone()).await?;
        let handler = NotificationHandler {
            db: db.clone(),
            owner: uuid::Uuid::new_v4(),
            claim_lease: config.notifier.claim_lease,
            tenants: tenants.clone(),
            templates: MessageTemplates::new().context("loading message templates")?,
            mailer: Mailer::new(&config.smtp).context("SMTP settings")?,
            provider: SmsProvider::new(&config.sms).context("SMS provider settings")?,
        };
        let runner = ConsumerRunner {
            broker: Broker::new(config.amqp.url.clone(), "zorgportaal-notifier"),
            topology: Topology::new(
                config.amqp.namespace.clone(),
                config.amqp.retry_delays.clone(),
            ),
            spec: ConsumerSpec::notifier(),
            handler: Arc::new(handler),
            prefetch: config.amqp.prefetch,
            concurrency: config.notifier.concurrency,
            shutdown_grace: config.notifier.shutdown_grace,
            clock: common::infra::clock::system(),
        };
        Ok(Self {
            runner,
            tenants,
            db,
        })
    }

    pub async fn run_until_stopped(self, stop: CancellationToken) {
        self.tenants
            .spawn_refresher(stop.child_token(), std::time::Duration::from_secs(60));
        let pruning = tokio::spawn(claims::prune_now_and_then(
            self.db.clone(),
            common::infra::clock::system(),
            PRUNE_EVERY,
            stop.child_token(),
        ));
        self.runner.run(stop).await;
        let _ = pruning.await;
    }
}
