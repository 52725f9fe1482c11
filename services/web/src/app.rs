//! Build the web service (connect, load tenants, bind the listener), then run it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use common::accounts::password::PasswordHasher;
use common::audit::access_log::GroupWriter;
use common::infra::clock::SharedClock;
use common::infra::config::Config;
use common::infra::crypto::ServerKey;
use common::infra::images::DecodeGate;
use common::infra::mq::Broker;
use common::infra::storage::ObjectStore;
use common::infra::tenancy::TenantDirectory;
use poem::listener::{Acceptor, Listener, TcpAcceptor, TcpListener};
use poem::{Route, Server};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::http::assets::Assets;
use crate::http::state::{AppState, SharedState};
use crate::http::templates::Views;
use crate::routes;

/// How often tenants are reloaded even without a change notification.
const TENANT_SAFETY_RELOAD: Duration = Duration::from_secs(60);

pub struct Application {
    acceptor: TcpAcceptor,
    addr: SocketAddr,
    state: AppState,
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let db = common::infra::db::connect(&config.database)
            .await
            .context("connecting to PostgreSQL (DATABASE_URL)")?;
        Self::build_with_pool(config, db).await
    }

    /// Binds `config.web.bind` (port 0 picks a free port; see [`Application::local_addr`]).
    pub async fn build_with_pool(config: Config, db: PgPool) -> anyhow::Result<Self> {
        Self::build_with_clock(config, db, common::infra::clock::system()).await
    }

    /// As [`Application::build_with_pool`], reading the time from `clock` (tests move it).
    pub async fn build_with_clock(
        config: Config,
        db: PgPool,
        clock: SharedClock,
    ) -> anyhow::Result<Self> {
        let hashers = config.web.password_hashers;
        let hasher = tokio::task::spawn_blocking(move || PasswordHasher::new(hashers))
            .await
            .context("starting the password hasher")??;
        let tenants = TenantDirectory::load(db.clone())
            .await
            .context("loading tenants (has `zorgctl migrate` run?)")?;
        let assets = Arc::new(Assets::embedded());
        let views = Arc::new(Views::new(assets.clone()).context("loading templates")?);
        let key = ServerKey::new(config.web.secret_key_bytes());
        let acceptor = TcpListener::bind(config.web.bind)
            .into_acceptor()
            .await
            .with_context(|| format!("binding {} (WEB_BIND)", config.web.bind))?;
        let addr = acceptor
            .local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().copied())
            .context("the listener has no socket address")?;
        let public_port = match (config.web.public_port, config.web.https) {
            (Some(port), _) => Some(port),
            (None, true) => None,
            (None, false) => Some(addr.port()),
        };
        let state = AppState::new(SharedState {
            public_port_suffix: public_port
                .filter(|&port| port != if config.web.https { 443 } else { 80 })
                .map_or_else(String::new, |port| format!(":{port}"))
                .into(),
            storage: ObjectStore::new(&config.s3),
            broker: Broker::new(config.amqp.url.clone(), "zorgportaal-web"),
            images: DecodeGate::new(config.images.decode_concurrency),
            config: Arc::new(config),
            access_log: GroupWriter::spawn(db.clone()),
            db,
            tenants,
            views,
            assets,
            clock,
            hasher,
            key,
        });
        Ok(Self {
            acceptor,
            addr,
            state,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until `stop` is cancelled; requests in flight then get the grace period to finish.
    pub async fn run_until_stopped(self, stop: CancellationToken) -> std::io::Result<()> {
        self.run_routes_until_stopped(routes::portal(), stop).await
    }

    /// Serves `routes` (the portal's, or more) behind the portal's middleware.
    pub async fn run_routes_until_stopped(
        self,
        routes: Route,
        stop: CancellationToken,
    ) -> std::io::Result<()> {
        self.state
            .tenants
            .spawn_refresher(stop.child_token(), TENANT_SAFETY_RELOAD);
        let grace = self.state.config.web.shutdown_grace;
        Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(
                routes::serve(routes, self.state),
                stop.cancelled_owned(),
                Some(grace),
            )
            .await
    }
}
