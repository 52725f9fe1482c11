use std::sync::Arc;

use common::accounts::password::PasswordHasher;
use common::accounts::secrets::ServerKey;
use common::clock::SharedClock;
use common::config::Config;
use common::mq::Broker;
use common::storage::ObjectStore;
use common::tenancy::TenantDirectory;
use sqlx::PgPool;

use crate::assets::Assets;
use crate::views::Views;

/// Everything a handler may need, shared by all requests.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: PgPool,
    pub tenants: TenantDirectory,
    pub storage: ObjectStore,
    pub broker: Broker,
    pub views: Arc<Views>,
    pub assets: Arc<Assets>,
    pub clock: SharedClock,
    pub hasher: PasswordHasher,
    /// Signs CSRF tokens and one-time codes.
    pub key: ServerKey,
}
