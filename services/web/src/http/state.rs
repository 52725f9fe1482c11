//! What every handler may need, built once at start-up and shared by all requests.

use std::sync::Arc;

use common::accounts::password::PasswordHasher;
use common::audit::access_log::GroupWriter;
use common::infra::clock::SharedClock;
use common::infra::config::Config;
use common::infra::crypto::ServerKey;
use common::infra::images::DecodeGate;
use common::infra::mq::Broker;
use common::infra::storage::ObjectStore;
use common::infra::tenancy::TenantDirectory;
use poem::Request;
use sqlx::PgPool;

use crate::http::assets::Assets;
use crate::http::error::AppError;
use crate::http::templates::Views;

/// Everything a handler may need, shared by all requests.
///
/// One reference count for the whole: every request takes a copy, and counting each part's own
/// reference would have both worker threads contend for a dozen counters per request.
#[derive(Clone)]
pub struct AppState(Arc<SharedState>);

/// The parts of [`AppState`]; handlers reach them through it.
pub struct SharedState {
    pub config: Arc<Config>,
    pub db: PgPool,
    pub tenants: TenantDirectory,
    pub storage: ObjectStore,
    pub broker: Broker,
    pub views: Arc<Views>,
    pub assets: Arc<Assets>,
    pub clock: SharedClock,
    pub hasher: PasswordHasher,
    /// Every photo and logo decode of this process waits its turn here.
    pub images: DecodeGate,
    /// Signs CSRF tokens and one-time codes.
    pub key: ServerKey,
    /// Writes the access log's rows in group commits.
    pub access_log: GroupWriter,
    /// `:port` of the address browsers use, or empty for the scheme's own port.
    pub public_port_suffix: Arc<str>,
}

impl std::ops::Deref for AppState {
    type Target = SharedState;

    fn deref(&self) -> &SharedState {
        &self.0
    }
}

impl AppState {
    pub fn new(parts: SharedState) -> Self {
        Self(Arc::new(parts))
    }

    /// The state from inside an extractor or middleware; handlers take `Data<&AppState>`.
    pub fn of(req: &Request) -> Result<&AppState, AppError> {
        req.data::<AppState>()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("application state missing")))
    }
}

impl SharedState {
    /// `scheme://host[:port]` of a portal, for links that leave the request: e-mails, and
    /// links to another tenant's portal. `host` is a configured host of a tenant, never the
    /// request's `Host` header as sent.
    pub fn portal_origin(&self, host: &str) -> String {
        let scheme = if self.config.web.https {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{host}{}", self.public_port_suffix)
    }
}
