//! A connection of its own pinned to one tenant's schema at a time, on which every statement
//! commits by itself.
//!
//! For a writer that sends one statement after another — the access log's group commits — and
//! would pay, in a [`super::TenantTx`], a `BEGIN` with the pin and a `COMMIT` round trip around
//! each. The pin is a session setting here, so the connection never goes back to a pool where
//! other work could find it; it is closed when the session is dropped.

use sqlx::{Connection, Executor, PgConnection, PgPool};

use super::TenantSlug;

pub struct TenantSession {
    conn: PgConnection,
    pinned: Option<TenantSlug>,
}

impl TenantSession {
    /// Opens a connection with the pool's settings, outside the pool.
    pub async fn connect(db: &PgPool) -> Result<Self, sqlx::Error> {
        let conn = PgConnection::connect_with(&db.connect_options()).await?;
        Ok(Self { conn, pinned: None })
    }

    /// Pins the connection to `tenant`'s schema (one round trip when it was pinned to another)
    /// and returns it. PostgreSQL plans a prepared statement again when the path has changed,
    /// so the same statement reaches each tenant's own table.
    pub async fn pin(&mut self, tenant: TenantSlug) -> Result<&mut PgConnection, sqlx::Error> {
        if self.pinned.as_ref() != Some(&tenant) {
            self.pinned = None;
            // Runtime: the schema name is built at run time (from a validated slug, quoted),
            // so no macro can check this statement.
            let pin = format!("SET search_path TO \"{}\"", tenant.schema_name());
            self.conn.execute(pin.as_str()).await?;
            self.pinned = Some(tenant);
        }
        Ok(&mut self.conn)
    }
}
