//! The access log of clients' data (DOS-7, after NEN 7513): who read or changed which part of
//! whose data, when, from where, on what basis, and with what outcome. Never the content.
//!
//! Rows are written through the [`GroupWriter`] for the door in front of the route (never by
//! a handler), and never changed: the tenant's triggers refuse UPDATE, DELETE and TRUNCATE.
//! They are sealed into a hash chain afterwards by [`seal`] (the worker, every few seconds), so
//! writing a row costs one INSERT and never waits for the chain; [`verify`] walks the chain and names
//! what no longer matches. The care page and client record are plain ids here: this context
//! sits below `care`, which records its changes through `audit::trail`.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use time::{Duration, OffsetDateTime};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::accounts::AccountId;
use crate::infra::tenancy::{
    in_tenant, list_tenants, TenancyError, TenantSession, TenantSlug, TenantTx,
};

/// What was done with a client's data: NEN 7513's C, R, U, D and E.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Action {
    Create,
    Read,
    Update,
    Delete,
    /// Export, transfer or print: the data leaves the platform.
    Execute,
}

impl Action {
    pub fn code(self) -> &'static str {
        match self {
            Action::Create => "C",
            Action::Read => "R",
            Action::Update => "U",
            Action::Delete => "D",
            Action::Execute => "E",
        }
    }

    pub fn from_code(code: &str) -> Option<Action> {
        [
            Action::Create,
            Action::Read,
            Action::Update,
            Action::Delete,
            Action::Execute,
        ]
        .into_iter()
        .find(|action| action.code() == code)
    }
}

/// Which part of a care page a route reads or changes. The key is stored in the row; the
/// "Wie keek mee?" page names it in the reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Part {
    /// The page's home: its summary and its people.
    Summary,
    Calendar,
    Messages,
    Dossier,
    Notes,
    /// Connecties: the people of the page and their e-mail addresses.
    Network,
    Profile,
    Notifications,
    Beheerders,
    /// The page as a whole (deleting it).
    Page,
    /// "Wie keek mee?" itself: viewing the log is logged too.
    AccessLog,
}

impl Part {
    pub const ALL: [Part; 11] = [
        Part::Summary,
        Part::Calendar,
        Part::Messages,
        Part::Dossier,
        Part::Notes,
        Part::Network,
        Part::Profile,
        Part::Notifications,
        Part::Beheerders,
        Part::Page,
        Part::AccessLog,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Part::Summary => "overzicht",
            Part::Calendar => "agenda",
            Part::Messages => "berichten",
            Part::Dossier => "dossier",
            Part::Notes => "notities",
            Part::Network => "connecties",
            Part::Profile => "profiel",
            Part::Notifications => "meldingen",
            Part::Beheerders => "beheerders",
            Part::Page => "zorgpagina",
            Part::AccessLog => "toegangslog",
        }
    }

    pub fn from_key(key: &str) -> Option<Part> {
        Part::ALL.into_iter().find(|part| part.key() == key)
    }
}

/// Who did it: for now a member of the personal network, by account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub account: AccountId,
    /// The name they had at that moment.
    pub name: String,
    /// Their role on the page at that moment: beheerder, vertrouwensgroep, mantelzorger.
    pub role: String,
}

/// One row to write.
#[derive(Debug, Clone)]
pub struct Entry {
    pub occurred_at: OffsetDateTime,
    /// The route: method and path pattern, `GET /zorgpagina/:id/connecties`.
    pub event: String,
    pub action: Action,
    /// The HTTP status the request ended with.
    pub outcome: u16,
    pub actor: Actor,
    pub from_address: String,
    pub care_page: Uuid,
    pub client_record: Option<Uuid>,
    pub part: Part,
    /// The right or role that let the request through (`agenda`, `lid`, `beheerder`).
    pub basis: String,
    pub basis_granted_by: Option<AccountId>,
    pub emergency: bool,
}

/// Appends rows to the tenant's access log and queues them for sealing, in one statement, on a
/// [`TenantSession`]'s connection pinned to the tenant, where it commits by itself.
async fn insert(conn: &mut PgConnection, c: Columns) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "WITH written AS (
           INSERT INTO access_log (occurred_at, event, action, outcome, actor_kind, actor_id,
                                   actor_name, actor_role, from_address, care_page_id,
                                   client_record_id, part, basis, basis_granted_by, emergency)
           SELECT occurred_at, event, action, outcome, 'account', actor_id, actor_name,
                  actor_role, from_address, care_page_id, client_record_id, part, basis,
                  basis_granted_by, emergency
             FROM UNNEST($1::timestamptz[], $2::text[], $3::text[], $4::int2[], $5::uuid[],
                         $6::text[], $7::text[], $8::text[], $9::uuid[], $10::uuid[],
                         $11::text[], $12::text[], $13::uuid[], $14::bool[])
               AS r (occurred_at, event, action, outcome, actor_id, actor_name, actor_role,
                     from_address, care_page_id, client_record_id, part, basis,
                     basis_granted_by, emergency)
           RETURNING id)
         INSERT INTO access_log_unsealed (entry_id) SELECT id FROM written",
        &c.occurred_at,
        &c.event,
        &c.action,
        &c.outcome,
        &c.actor_id,
        &c.actor_name,
        &c.actor_role,
        &c.from_address,
        &c.care_page,
        &c.client_record as &[Option<Uuid>],
        &c.part,
        &c.basis,
        &c.granted_by as &[Option<Uuid>],
        &c.emergency,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The rows of one INSERT as its columns, owned, so the statement's future borrows nothing
/// but the connection (and the compiler sees that it is `Send`).
struct Columns {
    occurred_at: Vec<OffsetDateTime>,
    event: Vec<String>,
    action: Vec<String>,
    outcome: Vec<i16>,
    actor_id: Vec<Uuid>,
    actor_name: Vec<String>,
    actor_role: Vec<String>,
    from_address: Vec<String>,
    care_page: Vec<Uuid>,
    client_record: Vec<Option<Uuid>>,
    part: Vec<String>,
    basis: Vec<String>,
    granted_by: Vec<Option<Uuid>>,
    emergency: Vec<bool>,
}

impl Columns {
    fn of(entries: &[&Entry]) -> Self {
        fn column<T>(entries: &[&Entry], get: impl Fn(&Entry) -> T) -> Vec<T> {
            entries.iter().map(|e| get(e)).collect()
        }
        Self {
            occurred_at: column(entries, |e| e.occurred_at),
            event: column(entries, |e| e.event.clone()),
            action: column(entries, |e| e.action.code().to_owned()),
            outcome: column(entries, |e| i16::try_from(e.outcome).unwrap_or(i16::MAX)),
            actor_id: column(entries, |e| e.actor.account.0),
            actor_name: column(entries, |e| e.actor.name.clone()),
            actor_role: column(entries, |e| e.actor.role.clone()),
            from_address: column(entries, |e| e.from_address.clone()),
            care_page: column(entries, |e| e.care_page),
            client_record: column(entries, |e| e.client_record),
            part: column(entries, |e| e.part.key().to_owned()),
            basis: column(entries, |e| e.basis.clone()),
            granted_by: column(entries, |e| e.basis_granted_by.map(|a| a.0)),
            emergency: column(entries, |e| e.emergency),
        }
    }
}

/// The most rows one group commit takes.
const GROUP_MOST: usize = 256;

/// A row on its way, and who waits for its commit.
struct Queued {
    tenant: TenantSlug,
    entry: Entry,
    done: oneshot::Sender<Result<(), String>>,
}

/// Writes rows in group commits: whatever rows arrive while a group commits go together into
/// the next, and every caller waits for the commit that holds its row. One statement and one
/// disk flush then serve many requests instead of each request paying its own. One per
/// process, on a connection of its own. (Several committers at once were tried: smaller
/// groups cost the database more than the shorter wait saved.)
#[derive(Clone)]
pub struct GroupWriter {
    queue: mpsc::Sender<Queued>,
}

impl GroupWriter {
    /// Starts the writer's task; it ends when the last handle is dropped.
    pub fn spawn(db: PgPool) -> Self {
        let (queue, mut rows) = mpsc::channel::<Queued>(4 * GROUP_MOST);
        tokio::spawn(async move {
            let mut session = None;
            while let Some(first) = rows.recv().await {
                let mut group = vec![first];
                while group.len() < GROUP_MOST {
                    match rows.try_recv() {
                        Ok(next) => group.push(next),
                        Err(_) => break,
                    }
                }
                commit_group(&db, &mut session, group).await;
            }
        });
        Self { queue }
    }

    /// Writes `entry` to `tenant`'s log; returns once the row is committed.
    pub async fn write(&self, tenant: TenantSlug, entry: Entry) -> Result<(), String> {
        let (done, committed) = oneshot::channel();
        let queued = Queued {
            tenant,
            entry,
            done,
        };
        self.queue
            .send(queued)
            .await
            .map_err(|_| "the access-log writer has stopped".to_owned())?;
        committed
            .await
            .map_err(|_| "the access-log writer dropped the row".to_owned())?
    }
}

/// One statement per tenant in the group, on the committer's own [`TenantSession`] (opened
/// when first needed, and again after a failure); each statement commits by itself, so a
/// group costs one round trip per tenant. Every waiter hears how its own tenant's went.
async fn commit_group(db: &PgPool, session: &mut Option<TenantSession>, group: Vec<Queued>) {
    let mut by_tenant: BTreeMap<String, (TenantSlug, Vec<Queued>)> = BTreeMap::new();
    for queued in group {
        by_tenant
            .entry(queued.tenant.as_str().to_owned())
            .or_insert_with(|| (queued.tenant.clone(), Vec::new()))
            .1
            .push(queued);
    }
    for (_, (tenant, rows)) in by_tenant {
        let entries: Vec<&Entry> = rows.iter().map(|row| &row.entry).collect();
        let columns = Columns::of(&entries);
        let written = insert_in_session(db.clone(), session, tenant, columns).await;
        if written.is_err() {
            // The connection may be broken; the next group opens a new one.
            *session = None;
        }
        let written = written.map_err(|error| error.to_string());
        for row in rows {
            // A waiter that went away (the browser closed) needs no answer.
            let _ = row.done.send(written.clone());
        }
    }
}

async fn insert_in_session(
    db: PgPool,
    session: &mut Option<TenantSession>,
    tenant: TenantSlug,
    columns: Columns,
) -> Result<(), sqlx::Error> {
    if session.is_none() {
        *session = Some(TenantSession::connect(&db).await?);
    }
    let Some(session) = session.as_mut() else {
        return Err(sqlx::Error::PoolClosed);
    };
    let conn = session.pin(tenant).await?;
    insert(conn, columns).await
}

/// A row as stored, every field the chain covers.
#[derive(Debug, Clone)]
struct StoredEntry {
    id: i64,
    occurred_at: OffsetDateTime,
    event: String,
    action: String,
    outcome: i16,
    actor_kind: String,
    actor_id: Uuid,
    actor_name: String,
    actor_role: String,
    on_behalf_of: Option<String>,
    from_address: String,
    care_page_id: Uuid,
    client_record_id: Option<Uuid>,
    part: String,
    basis: String,
    basis_granted_by: Option<Uuid>,
    emergency: bool,
}

/// The hash of link `seq` of the chain: SHA-256 over the previous link's hash, the link's
/// number and every field of the row, each with its length, so no two rows share their bytes.
fn link_hash(previous: &[u8], seq: i64, entry: &StoredEntry) -> [u8; 32] {
    fn field(hasher: &mut Sha256, bytes: &[u8]) {
        hasher.update((bytes.len() as u64).to_be_bytes());
        hasher.update(bytes);
    }
    fn optional(hasher: &mut Sha256, value: Option<&[u8]>) {
        match value {
            Some(bytes) => {
                hasher.update([1]);
                field(hasher, bytes);
            }
            None => hasher.update([0]),
        }
    }
    let mut hasher = Sha256::new();
    field(&mut hasher, previous);
    hasher.update(seq.to_be_bytes());
    hasher.update(entry.id.to_be_bytes());
    // Microseconds: what PostgreSQL keeps of a timestamptz.
    let micros = entry.occurred_at.unix_timestamp_nanos() / 1_000;
    hasher.update(micros.to_be_bytes());
    field(&mut hasher, entry.event.as_bytes());
    field(&mut hasher, entry.action.as_bytes());
    hasher.update(entry.outcome.to_be_bytes());
    field(&mut hasher, entry.actor_kind.as_bytes());
    hasher.update(entry.actor_id.as_bytes());
    field(&mut hasher, entry.actor_name.as_bytes());
    field(&mut hasher, entry.actor_role.as_bytes());
    optional(
        &mut hasher,
        entry.on_behalf_of.as_deref().map(str::as_bytes),
    );
    field(&mut hasher, entry.from_address.as_bytes());
    hasher.update(entry.care_page_id.as_bytes());
    optional(
        &mut hasher,
        entry.client_record_id.as_ref().map(|u| &u.as_bytes()[..]),
    );
    field(&mut hasher, entry.part.as_bytes());
    field(&mut hasher, entry.basis.as_bytes());
    optional(
        &mut hasher,
        entry.basis_granted_by.as_ref().map(|u| &u.as_bytes()[..]),
    );
    hasher.update([u8::from(entry.emergency)]);
    hasher.finalize().into()
}

/// The first link hashes onto this, so an emptied chain cannot pass for a new one.
const GENESIS: &[u8] = b"zorgportaal access log";

/// Seals up to `limit` rows that wait for it into the chain, in the order of their ids, and
/// says how many. Another sealer busy with the same tenant makes this one return 0: the
/// chain has one writer at a time, and requests never wait for it.
pub async fn seal(tx: &mut TenantTx, now: OffsetDateTime, limit: i64) -> Result<u64, sqlx::Error> {
    let ours = sqlx::query_scalar!(
        r#"SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.access_log_seals'))
             AS "ours!""#
    )
    .fetch_one(tx.conn())
    .await?;
    if !ours {
        return Ok(0);
    }
    let waiting = sqlx::query_as!(
        StoredEntry,
        r#"SELECT e.id, e.occurred_at, e.event, e.action, e.outcome, e.actor_kind, e.actor_id,
                  e.actor_name, e.actor_role, e.on_behalf_of, e.from_address, e.care_page_id,
                  e.client_record_id, e.part, e.basis, e.basis_granted_by, e.emergency
             FROM access_log_unsealed u
             JOIN access_log e ON e.id = u.entry_id
            ORDER BY e.id
            LIMIT $1"#,
        limit,
    )
    .fetch_all(tx.conn())
    .await?;
    if waiting.is_empty() {
        return Ok(0);
    }
    let head = sqlx::query!("SELECT seq, hash FROM access_log_seals ORDER BY seq DESC LIMIT 1")
        .fetch_optional(tx.conn())
        .await?;
    let (mut seq, mut previous) = match head {
        Some(head) => (head.seq, head.hash),
        None => (0, GENESIS.to_vec()),
    };
    let mut seqs = Vec::with_capacity(waiting.len());
    let mut ids = Vec::with_capacity(waiting.len());
    let mut hashes = Vec::with_capacity(waiting.len());
    for entry in &waiting {
        seq += 1;
        let hash = link_hash(&previous, seq, entry);
        previous = hash.to_vec();
        seqs.push(seq);
        ids.push(entry.id);
        hashes.push(hash.to_vec());
    }
    sqlx::query!(
        "INSERT INTO access_log_seals (seq, entry_id, hash, sealed_at)
         SELECT seq, entry_id, hash, $4
           FROM UNNEST($1::bigint[], $2::bigint[], $3::bytea[]) AS s (seq, entry_id, hash)",
        &seqs,
        &ids,
        &hashes,
        now,
    )
    .execute(tx.conn())
    .await?;
    sqlx::query!(
        "DELETE FROM access_log_unsealed WHERE entry_id = ANY($1)",
        &ids
    )
    .execute(tx.conn())
    .await?;
    Ok(ids.len() as u64)
}

/// How many rows one transaction of [`seal`] takes.
const SEAL_BATCH: i64 = 5_000;

/// Seals every tenant's waiting rows ([`seal`], in batches) and says how many.
pub async fn seal_every_tenant(db: &PgPool, now: OffsetDateTime) -> Result<u64, TenancyError> {
    let mut sealed = 0;
    for tenant in list_tenants(db).await? {
        loop {
            let batch =
                in_tenant(db, &tenant.slug, async |tx| seal(tx, now, SEAL_BATCH).await).await?;
            sealed += batch;
            if batch < SEAL_BATCH as u64 {
                break;
            }
        }
    }
    Ok(sealed)
}

/// What [`verify`] found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Link `seq` no longer matches row `entry_id`: the row, or a link before it, was changed,
    /// or links were reordered.
    Changed { seq: i64, entry_id: i64 },
    /// Link `seq` names row `entry_id`, which is gone.
    Removed { seq: i64, entry_id: i64 },
    /// Links are missing before `seq`: the chain has a gap.
    Gap { seq: i64 },
    /// Row `entry_id` has waited for its seal since `occurred_at`, longer than allowed.
    UnsealedTooLong {
        entry_id: i64,
        occurred_at: OffsetDateTime,
    },
    /// Row `entry_id` is neither sealed nor waiting for it: its seal was taken away.
    NotInChain { entry_id: i64 },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Changed { seq, entry_id } => write!(
                f,
                "row {entry_id} (link {seq}) does not match the chain: changed or reordered"
            ),
            Problem::Removed { seq, entry_id } => {
                write!(f, "row {entry_id} (link {seq}) has been removed")
            }
            Problem::Gap { seq } => write!(f, "links are missing before link {seq}"),
            Problem::UnsealedTooLong {
                entry_id,
                occurred_at,
            } => write!(f, "row {entry_id} is not sealed since {occurred_at}"),
            Problem::NotInChain { entry_id } => {
                write!(
                    f,
                    "row {entry_id} is neither sealed nor waiting for its seal"
                )
            }
        }
    }
}

/// The outcome of [`verify`]: how many links hold, and what is wrong.
#[derive(Debug, Clone, Default)]
pub struct Verification {
    pub links: u64,
    pub problems: Vec<Problem>,
}

/// Walks the whole chain of the tenant's log and names every row that no longer matches, and
/// every row left unsealed for longer than `unsealed_for`.
pub async fn verify(
    tx: &mut TenantTx,
    now: OffsetDateTime,
    unsealed_for: Duration,
) -> Result<Verification, sqlx::Error> {
    let links = sqlx::query!(
        r#"SELECT s.seq, s.entry_id, s.hash, e.id AS "id?", e.occurred_at AS "occurred_at?",
                  e.event AS "event?", e.action AS "action?", e.outcome AS "outcome?",
                  e.actor_kind AS "actor_kind?", e.actor_id AS "actor_id?",
                  e.actor_name AS "actor_name?", e.actor_role AS "actor_role?", e.on_behalf_of,
                  e.from_address AS "from_address?", e.care_page_id AS "care_page_id?",
                  e.client_record_id, e.part AS "part?", e.basis AS "basis?",
                  e.basis_granted_by, e.emergency AS "emergency?"
             FROM access_log_seals s
             LEFT JOIN access_log e ON e.id = s.entry_id
            ORDER BY s.seq"#
    )
    .fetch_all(tx.conn())
    .await?;
    let mut found = Verification::default();
    let mut previous = GENESIS.to_vec();
    let mut expected_seq = 1;
    for link in links {
        if link.seq != expected_seq {
            found.problems.push(Problem::Gap { seq: link.seq });
        }
        expected_seq = link.seq + 1;
        let entry = match (link.id, link.occurred_at) {
            (Some(id), Some(occurred_at)) => StoredEntry {
                id,
                occurred_at,
                event: link.event.unwrap_or_default(),
                action: link.action.unwrap_or_default(),
                outcome: link.outcome.unwrap_or_default(),
                actor_kind: link.actor_kind.unwrap_or_default(),
                actor_id: link.actor_id.unwrap_or_default(),
                actor_name: link.actor_name.unwrap_or_default(),
                actor_role: link.actor_role.unwrap_or_default(),
                on_behalf_of: link.on_behalf_of,
                from_address: link.from_address.unwrap_or_default(),
                care_page_id: link.care_page_id.unwrap_or_default(),
                client_record_id: link.client_record_id,
                part: link.part.unwrap_or_default(),
                basis: link.basis.unwrap_or_default(),
                basis_granted_by: link.basis_granted_by,
                emergency: link.emergency.unwrap_or_default(),
            },
            _ => {
                found.problems.push(Problem::Removed {
                    seq: link.seq,
                    entry_id: link.entry_id,
                });
                // The stored hash carries the chain on, so one removal is reported once.
                previous = link.hash;
                continue;
            }
        };
        if link_hash(&previous, link.seq, &entry)[..] == link.hash[..] {
            found.links += 1;
        } else {
            found.problems.push(Problem::Changed {
                seq: link.seq,
                entry_id: link.entry_id,
            });
        }
        previous = link.hash;
    }
    let loose = sqlx::query!(
        r#"SELECT e.id, e.occurred_at, u.entry_id AS "waiting?"
             FROM access_log e
             LEFT JOIN access_log_unsealed u ON u.entry_id = e.id
            WHERE NOT EXISTS (SELECT 1 FROM access_log_seals s WHERE s.entry_id = e.id)
            ORDER BY e.id"#
    )
    .fetch_all(tx.conn())
    .await?;
    for row in loose {
        if row.waiting.is_none() {
            found
                .problems
                .push(Problem::NotInChain { entry_id: row.id });
        } else if now - row.occurred_at > unsealed_for {
            found.problems.push(Problem::UnsealedTooLong {
                entry_id: row.id,
                occurred_at: row.occurred_at,
            });
        }
    }
    Ok(found)
}

/// One row as "Wie keek mee?" shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Visit {
    pub occurred_at: OffsetDateTime,
    pub actor: AccountId,
    pub actor_name: String,
    pub actor_role: String,
    pub action: Action,
    pub part: Part,
    pub outcome: u16,
}

impl Visit {
    /// What came of it, as "Wie keek mee?" words it: done, refused (no right), or failed.
    pub fn result(&self) -> &'static str {
        match self.outcome {
            0..=399 => "done",
            401 | 403 | 404 => "refused",
            _ => "failed",
        }
    }
}

/// Who appears in a page's log, for the filter: each account once, by its latest name.
#[derive(Debug, Clone, Serialize)]
pub struct Visitor {
    pub account: AccountId,
    pub name: String,
}

/// The rows of care page `page` from `from` until (not including) `until`, newest first, at
/// most `limit`; those of `actor` only when given.
pub async fn of_page(
    tx: &mut TenantTx,
    page: Uuid,
    from: OffsetDateTime,
    until: OffsetDateTime,
    actor: Option<AccountId>,
    limit: i64,
) -> Result<Vec<Visit>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT occurred_at, actor_id, actor_name, actor_role, action, part, outcome
             FROM access_log
            WHERE care_page_id = $1 AND occurred_at >= $2 AND occurred_at < $3
              AND ($4::uuid IS NULL OR actor_id = $4)
            ORDER BY occurred_at DESC, id DESC
            LIMIT $5"#,
        page,
        from,
        until,
        actor.map(|a| a.0),
        limit,
    )
    .fetch_all(tx.conn())
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(Visit {
                occurred_at: row.occurred_at,
                actor: AccountId(row.actor_id),
                actor_name: row.actor_name,
                actor_role: row.actor_role,
                action: Action::from_code(&row.action)?,
                part: Part::from_key(&row.part)?,
                outcome: u16::try_from(row.outcome).unwrap_or_default(),
            })
        })
        .collect())
}

/// Everyone in the log of care page `page`, by name.
pub async fn visitors_of_page(tx: &mut TenantTx, page: Uuid) -> Result<Vec<Visitor>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT DISTINCT ON (actor_id) actor_id, actor_name
             FROM access_log
            WHERE care_page_id = $1
            ORDER BY actor_id, occurred_at DESC"#,
        page,
    )
    .fetch_all(tx.conn())
    .await?;
    let mut visitors: Vec<Visitor> = rows
        .into_iter()
        .map(|row| Visitor {
            account: AccountId(row.actor_id),
            name: row.actor_name,
        })
        .collect();
    visitors.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(visitors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> StoredEntry {
        StoredEntry {
            id: 7,
            occurred_at: OffsetDateTime::UNIX_EPOCH,
            event: "GET /zorgpagina/:id/connecties".into(),
            action: "R".into(),
            outcome: 200,
            actor_kind: "account".into(),
            actor_id: Uuid::nil(),
            actor_name: "Anna de Vries".into(),
            actor_role: "mantelzorger".into(),
            on_behalf_of: None,
            from_address: "192.0.2.1".into(),
            care_page_id: Uuid::nil(),
            client_record_id: None,
            part: "connecties".into(),
            basis: "lid".into(),
            basis_granted_by: None,
            emergency: false,
        }
    }

    #[test]
    fn every_field_and_the_position_in_the_chain_change_the_hash() {
        let base = link_hash(GENESIS, 1, &entry());
        let mut changed = entry();
        changed.actor_name = "Anna de Vrie".into();
        assert_ne!(link_hash(GENESIS, 1, &changed), base);
        let mut changed = entry();
        changed.outcome = 403;
        assert_ne!(link_hash(GENESIS, 1, &changed), base);
        let mut changed = entry();
        changed.on_behalf_of = Some(String::new());
        assert_ne!(link_hash(GENESIS, 1, &changed), base);
        assert_ne!(link_hash(GENESIS, 2, &entry()), base);
        assert_ne!(link_hash(b"another link", 1, &entry()), base);
        assert_eq!(link_hash(GENESIS, 1, &entry()), base);
    }

    #[test]
    fn fields_cannot_trade_bytes() {
        let mut a = entry();
        a.actor_name = "Anna".into();
        a.actor_role = "de Vries".into();
        let mut b = entry();
        b.actor_name = "Anna de".into();
        b.actor_role = "Vries".into();
        assert_ne!(link_hash(GENESIS, 1, &a), link_hash(GENESIS, 1, &b));
    }

    #[test]
    fn action_and_part_keys_read_back() {
        for part in Part::ALL {
            assert_eq!(Part::from_key(part.key()), Some(part));
        }
        for code in ["C", "R", "U", "D", "E"] {
            assert_eq!(Action::from_code(code).map(Action::code), Some(code));
        }
        assert_eq!(Action::from_code("X"), None);
    }
}
