//! Tenants: one zorgorganisatie each, with its own schema and portal hosts.
//!
//! Tenant-scoped work goes through exactly one door, [`in_tenant`], which pins the tenant's
//! schema with a transaction-local `search_path`. Tenant tables are never on the default
//! `search_path`, so a query that bypasses the door fails instead of reading the wrong tenant.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;
use sqlx::{PgExecutor, PgPool};
use tokio_util::sync::CancellationToken;

mod session;
mod tx;

pub use session::TenantSession;
pub(crate) use tx::begin_to_the_end;
pub use tx::{in_every_tenant, in_tenant, in_tenant_read_only, TenantTx};

#[derive(Debug, thiserror::Error)]
pub enum TenancyError {
    #[error("invalid tenant slug {0:?}: 2 to 40 lower-case letters, digits and hyphens, starting with a letter")]
    InvalidSlug(String),
    #[error("invalid host name {0:?}")]
    InvalidHost(String),
    #[error("invalid colour {0:?}: expected #rrggbb")]
    InvalidColor(String),
    #[error("tenant {0} does not exist")]
    NotFound(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

crate::typed_id! {
    /// A tenant's id (`platform.tenants.id`).
    pub struct TenantId;
}

/// The short name of a tenant, used in its schema name, host names and object keys.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TenantSlug(String);

impl TenantSlug {
    pub fn parse(raw: &str) -> Result<Self, TenancyError> {
        let ok = (2..=40).contains(&raw.len())
            && raw.starts_with(|c: char| c.is_ascii_lowercase())
            && !raw.ends_with('-')
            && raw
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(TenancyError::InvalidSlug(raw.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `tenant_<slug>` with hyphens as underscores: always a plain SQL identifier.
    pub fn schema_name(&self) -> String {
        format!("tenant_{}", self.0.replace('-', "_"))
    }
}

impl TryFrom<String> for TenantSlug {
    type Error = TenancyError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<TenantSlug> for String {
    fn from(value: TenantSlug) -> Self {
        value.0
    }
}

impl fmt::Display for TenantSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A host name as it arrives in a `Host` header, normalised: lower case, no port.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HostName(String);

impl HostName {
    pub fn parse(raw: &str) -> Result<Self, TenancyError> {
        let without_port = match raw.rsplit_once(':') {
            Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
            _ => raw,
        };
        let host = without_port.trim_end_matches('.').to_ascii_lowercase();
        let ok = !host.is_empty()
            && host.len() <= 253
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        if ok {
            Ok(Self(host))
        } else {
            Err(TenancyError::InvalidHost(raw.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A colour as `#rrggbb`, lower case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Color(String);

impl Color {
    pub fn white() -> Self {
        Self("#ffffff".into())
    }

    pub fn black() -> Self {
        Self("#000000".into())
    }

    pub fn parse(raw: &str) -> Result<Self, TenancyError> {
        let lower = raw.trim().to_ascii_lowercase();
        let ok = lower.len() == 7
            && lower.starts_with('#')
            && lower[1..].chars().all(|c| c.is_ascii_hexdigit());
        if ok {
            Ok(Self(lower))
        } else {
            Err(TenancyError::InvalidColor(raw.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Red, green and blue.
    pub fn rgb(&self) -> [u8; 3] {
        [0, 1, 2].map(|i| u8::from_str_radix(&self.0[1 + 2 * i..3 + 2 * i], 16).unwrap_or(0))
    }
}

/// Stored as `active` or `suspended`; an unknown stored status fails to decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum TenantStatus {
    Active,
    Suspended,
}

#[derive(Debug, Clone, Serialize)]
pub struct Branding {
    pub primary_color: String,
    pub accent_color: String,
    pub logo_key: Option<String>,
    pub welcome_text: Option<String>,
    pub support_phone: Option<String>,
    pub support_email: Option<String>,
    pub support_url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tenant {
    pub id: TenantId,
    pub slug: TenantSlug,
    pub display_name: String,
    pub status: TenantStatus,
    pub branding: Branding,
    pub hosts: Vec<String>,
    /// Changes whenever the tenant changes; used to version cached assets such as its theme.
    pub version: i64,
}

struct TenantRow {
    id: TenantId,
    slug: String,
    display_name: String,
    status: TenantStatus,
    primary_color: String,
    accent_color: String,
    logo_key: Option<String>,
    welcome_text: Option<String>,
    support_phone: Option<String>,
    support_email: Option<String>,
    support_url: Option<String>,
    version: i64,
    hosts: Vec<String>,
}

impl TenantRow {
    fn into_tenant(self) -> Result<Tenant, TenancyError> {
        Ok(Tenant {
            id: self.id,
            slug: TenantSlug::parse(&self.slug)?,
            display_name: self.display_name,
            status: self.status,
            branding: Branding {
                primary_color: self.primary_color,
                accent_color: self.accent_color,
                logo_key: self.logo_key,
                welcome_text: self.welcome_text,
                support_phone: self.support_phone,
                support_email: self.support_email,
                support_url: self.support_url,
            },
            hosts: self.hosts,
            version: self.version,
        })
    }
}

// The two queries below differ only in their WHERE clause; the macros need each whole.

pub async fn list_tenants(db: impl PgExecutor<'_>) -> Result<Vec<Tenant>, TenancyError> {
    sqlx::query_as!(
        TenantRow,
        r#"SELECT t.id AS "id: TenantId", t.slug, t.display_name, t.status AS "status: TenantStatus",
                  t.primary_color, t.accent_color, t.logo_key,
                  t.welcome_text, t.support_phone, t.support_email, t.support_url,
                  (extract(epoch FROM t.updated_at) * 1000)::bigint AS "version!",
                  coalesce(array_agg(h.host ORDER BY h.host) FILTER (WHERE h.host IS NOT NULL), '{}') AS "hosts!"
             FROM platform.tenants t
             LEFT JOIN platform.tenant_hosts h ON h.tenant_id = t.id
            GROUP BY t.id ORDER BY t.slug"#
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(TenantRow::into_tenant)
    .collect()
}

pub async fn find_tenant(
    db: impl PgExecutor<'_>,
    slug: &TenantSlug,
) -> Result<Tenant, TenancyError> {
    sqlx::query_as!(
        TenantRow,
        r#"SELECT t.id AS "id: TenantId", t.slug, t.display_name, t.status AS "status: TenantStatus",
                  t.primary_color, t.accent_color, t.logo_key,
                  t.welcome_text, t.support_phone, t.support_email, t.support_url,
                  (extract(epoch FROM t.updated_at) * 1000)::bigint AS "version!",
                  coalesce(array_agg(h.host ORDER BY h.host) FILTER (WHERE h.host IS NOT NULL), '{}') AS "hosts!"
             FROM platform.tenants t
             LEFT JOIN platform.tenant_hosts h ON h.tenant_id = t.id
            WHERE t.slug = $1
            GROUP BY t.id"#,
        slug.as_str(),
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| TenancyError::NotFound(slug.to_string()))?
    .into_tenant()
}

/// All tenants, in memory, looked up by host without a database round trip.
///
/// Reloaded when any process changes a tenant (a trigger sends `NOTIFY tenant_changed`),
/// and at a fixed interval as a safety net for a missed notification.
#[derive(Clone)]
pub struct TenantDirectory {
    snapshot: Arc<RwLock<Arc<Snapshot>>>,
    db: PgPool,
}

#[derive(Default)]
struct Snapshot {
    by_host: HashMap<String, Arc<Tenant>>,
    by_slug: HashMap<String, Arc<Tenant>>,
}

impl TenantDirectory {
    pub async fn load(db: PgPool) -> Result<Self, TenancyError> {
        let directory = Self {
            snapshot: Default::default(),
            db,
        };
        directory.reload().await?;
        Ok(directory)
    }

    pub async fn reload(&self) -> Result<(), TenancyError> {
        let tenants = list_tenants(&self.db).await?;
        let mut next = Snapshot::default();
        for tenant in tenants {
            let tenant = Arc::new(tenant);
            for host in &tenant.hosts {
                next.by_host.insert(host.clone(), tenant.clone());
            }
            next.by_slug
                .insert(tenant.slug.as_str().to_owned(), tenant.clone());
        }
        *self.snapshot.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(next);
        Ok(())
    }

    fn current(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn by_host(&self, host: &HostName) -> Option<Arc<Tenant>> {
        self.current().by_host.get(host.as_str()).cloned()
    }

    pub fn by_slug(&self, slug: &TenantSlug) -> Option<Arc<Tenant>> {
        self.current().by_slug.get(slug.as_str()).cloned()
    }

    /// Keeps the directory fresh until `stop` is cancelled.
    pub fn spawn_refresher(&self, stop: CancellationToken, safety_interval: Duration) {
        let directory = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(error) = directory.listen_until_error(&stop, safety_interval).await {
                    tracing::warn!(%error, "tenant change listener failed; reconnecting");
                    tokio::select! {
                        () = stop.cancelled() => return,
                        () = tokio::time::sleep(Duration::from_secs(1)) => {}
                    }
                } else {
                    return;
                }
            }
        });
    }

    async fn listen_until_error(
        &self,
        stop: &CancellationToken,
        safety_interval: Duration,
    ) -> Result<(), TenancyError> {
        let mut listener = PgListener::connect_with(&self.db).await?;
        listener.listen("tenant_changed").await?;
        // Changes made while we were not listening.
        self.reload().await?;
        loop {
            tokio::select! {
                () = stop.cancelled() => return Ok(()),
                notification = listener.recv() => {
                    notification?;
                    self.reload().await?;
                }
                () = tokio::time::sleep(safety_interval) => self.reload().await?,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe_identifiers() {
        assert_eq!(
            TenantSlug::parse("de-linde").unwrap().schema_name(),
            "tenant_de_linde"
        );
        for bad in [
            "",
            "a",
            "1abc",
            "Abc",
            "a_b",
            "abc-",
            "a b",
            "a;drop",
            &"a".repeat(41),
        ] {
            assert!(TenantSlug::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn hosts_lose_port_and_case() {
        assert_eq!(
            HostName::parse("Demo.Zorgportaal.localhost:8080")
                .unwrap()
                .as_str(),
            "demo.zorgportaal.localhost"
        );
        assert!(HostName::parse("evil.com/x").is_err());
        assert!(HostName::parse("").is_err());
    }

    #[test]
    fn colours_are_hex_triplets() {
        assert_eq!(Color::parse("#1D4F91").unwrap().as_str(), "#1d4f91");
        for bad in ["1d4f91", "#1d4f9", "#1d4f9g", "red", "#1d4f91;"] {
            assert!(Color::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
