//! Tenants: one zorgorganisatie each, with its own schema and portal hosts.
//!
//! Tenant-scoped work goes through exactly one door, [`begin_tenant`], which pins the tenant's
//! schema with a transaction-local `search_path`. Tenant tables are never on the default
//! `search_path`, so a query that bypasses the door fails instead of reading the wrong tenant.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

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
    #[error("tenant {0} already exists")]
    AlreadyExists(String),
    #[error("host {0} already belongs to a tenant")]
    HostTaken(String),
    #[error("migrating the tenant schema: {0}")]
    Migrate(#[from] crate::db::MigrateError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
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

    fn channel(&self, index: usize) -> f64 {
        let c = f64::from(self.rgb()[index]) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }

    /// Relative luminance as WCAG 2 defines it.
    pub fn luminance(&self) -> f64 {
        0.2126 * self.channel(0) + 0.7152 * self.channel(1) + 0.0722 * self.channel(2)
    }

    /// WCAG contrast ratio between two colours (1 to 21).
    pub fn contrast(&self, other: &Color) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        let (light, dark) = if a > b { (a, b) } else { (b, a) };
        (light + 0.05) / (dark + 0.05)
    }

    /// White or black, whichever reads better on this colour as a background.
    pub fn readable_text(&self) -> Color {
        let white = Color("#ffffff".into());
        let black = Color("#000000".into());
        if self.contrast(&white) >= self.contrast(&black) {
            white
        } else {
            black
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
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
    pub id: Uuid,
    pub slug: TenantSlug,
    pub display_name: String,
    pub status: TenantStatus,
    pub branding: Branding,
    pub hosts: Vec<String>,
    /// Changes whenever the tenant changes; used to version cached assets such as its theme.
    pub version: i64,
}

#[derive(sqlx::FromRow)]
struct TenantRow {
    id: Uuid,
    slug: String,
    display_name: String,
    status: String,
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
            status: if self.status == "suspended" {
                TenantStatus::Suspended
            } else {
                TenantStatus::Active
            },
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

const SELECT_TENANTS: &str = "
    SELECT t.id, t.slug, t.display_name, t.status, t.primary_color, t.accent_color, t.logo_key,
           t.welcome_text, t.support_phone, t.support_email, t.support_url,
           (extract(epoch FROM t.updated_at) * 1000)::bigint AS version,
           coalesce(array_agg(h.host ORDER BY h.host) FILTER (WHERE h.host IS NOT NULL), '{}') AS hosts
      FROM platform.tenants t
      LEFT JOIN platform.tenant_hosts h ON h.tenant_id = t.id";

pub async fn list_tenants(db: &PgPool) -> Result<Vec<Tenant>, TenancyError> {
    let sql = format!("{SELECT_TENANTS} GROUP BY t.id ORDER BY t.slug");
    sqlx::query_as::<_, TenantRow>(&sql)
        .fetch_all(db)
        .await?
        .into_iter()
        .map(TenantRow::into_tenant)
        .collect()
}

pub async fn find_tenant(db: &PgPool, slug: &TenantSlug) -> Result<Tenant, TenancyError> {
    let sql = format!("{SELECT_TENANTS} WHERE t.slug = $1 GROUP BY t.id");
    sqlx::query_as::<_, TenantRow>(&sql)
        .bind(slug.as_str())
        .fetch_optional(db)
        .await?
        .ok_or_else(|| TenancyError::NotFound(slug.to_string()))?
        .into_tenant()
}

/// What an operator gives to create a tenant.
#[derive(Debug, Clone)]
pub struct NewTenant {
    pub slug: TenantSlug,
    pub display_name: String,
    pub hosts: Vec<HostName>,
    pub primary_color: Option<Color>,
    pub accent_color: Option<Color>,
    pub welcome_text: Option<String>,
    pub support_phone: Option<String>,
    pub support_email: Option<String>,
}

/// Registers the tenant and creates its schema with every tenant migration, in one transaction.
pub async fn create_tenant(db: &PgPool, new: &NewTenant) -> Result<Tenant, TenancyError> {
    let mut tx = db.begin().await?;
    let id = Uuid::now_v7();
    let inserted = sqlx::query(
        "INSERT INTO platform.tenants (id, slug, display_name, primary_color, accent_color,
                                       welcome_text, support_phone, support_email)
         VALUES ($1, $2, $3, coalesce($4, '#1d4f91'), coalesce($5, '#e07a10'), $6, $7, $8)
         ON CONFLICT (slug) DO NOTHING",
    )
    .bind(id)
    .bind(new.slug.as_str())
    .bind(&new.display_name)
    .bind(new.primary_color.as_ref().map(Color::as_str))
    .bind(new.accent_color.as_ref().map(Color::as_str))
    .bind(&new.welcome_text)
    .bind(&new.support_phone)
    .bind(&new.support_email)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(TenancyError::AlreadyExists(new.slug.to_string()));
    }
    for host in &new.hosts {
        let added = sqlx::query(
            "INSERT INTO platform.tenant_hosts (host, tenant_id) VALUES ($1, $2)
             ON CONFLICT (host) DO NOTHING",
        )
        .bind(host.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if added.rows_affected() == 0 {
            return Err(TenancyError::HostTaken(host.as_str().to_owned()));
        }
    }
    crate::db::migrate_tenant_schema(&mut tx, &new.slug).await?;
    tx.commit().await?;
    find_tenant(db, &new.slug).await
}

pub async fn set_tenant_status(
    db: &PgPool,
    slug: &TenantSlug,
    status: TenantStatus,
) -> Result<(), TenancyError> {
    let status = match status {
        TenantStatus::Active => "active",
        TenantStatus::Suspended => "suspended",
    };
    let updated =
        sqlx::query("UPDATE platform.tenants SET status = $2, updated_at = now() WHERE slug = $1")
            .bind(slug.as_str())
            .bind(status)
            .execute(db)
            .await?;
    if updated.rows_affected() == 0 {
        return Err(TenancyError::NotFound(slug.to_string()));
    }
    Ok(())
}

/// A transaction pinned to one tenant's schema. The only way to reach tenant tables.
///
/// The pin is transaction-local (`set_config(…, true)`), so when the connection goes back to
/// the pool — after commit, rollback or drop — it carries the default `search_path` again.
pub struct TenantTx {
    tenant: TenantSlug,
    tx: Transaction<'static, Postgres>,
}

pub async fn begin_tenant(db: &PgPool, tenant: &TenantSlug) -> Result<TenantTx, sqlx::Error> {
    // The pin travels with the BEGIN, in one round trip. `SET LOCAL` ends with the
    // transaction. The schema name comes from a validated slug (a-z, 0-9, _) and is quoted;
    // `public` stays off the path so nothing falls through to it.
    let begin = format!(
        "BEGIN; SET LOCAL search_path TO \"{}\"",
        tenant.schema_name()
    );
    let tx = db.begin_with(begin).await?;
    Ok(TenantTx {
        tenant: tenant.clone(),
        tx,
    })
}

impl TenantTx {
    pub fn tenant(&self) -> &TenantSlug {
        &self.tenant
    }

    pub fn conn(&mut self) -> &mut PgConnection {
        &mut self.tx
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
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

    #[test]
    fn text_on_a_colour_keeps_wcag_aa_contrast() {
        let black = Color::parse("#000000").unwrap();
        let white = Color::parse("#ffffff").unwrap();
        assert!((black.contrast(&white) - 21.0).abs() < 0.01);
        for background in [
            "#1d4f91", "#ffd700", "#e07a10", "#777777", "#00ff00", "#0000ff",
        ] {
            let background = Color::parse(background).unwrap();
            let text = background.readable_text();
            assert!(
                background.contrast(&text) >= 4.5,
                "{background:?} with {text:?}: {}",
                background.contrast(&text)
            );
        }
    }
}
