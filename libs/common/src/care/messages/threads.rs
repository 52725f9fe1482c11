//! The threads of a care page and their messages: starting, replying, listing newest activity
//! first (keyset pages, so the thousandth page costs what the first does), reading, and
//! removing one's own message.

use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Audience, MessageError, MessageId, ThreadId};
use crate::accounts::AccountId;
use crate::care::page::CarePageId;
use crate::infra::tenancy::TenantTx;
use crate::organisation::employees::EmployeeId;

/// Who writes a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Author {
    /// A member of the page.
    Member { account: AccountId, name: String },
    /// An employee of the organisation, answering from the staff side (MSG-7).
    Staff {
        account: AccountId,
        employee: EmployeeId,
        name: String,
    },
}

impl Author {
    fn account(&self) -> AccountId {
        match self {
            Author::Member { account, .. } | Author::Staff { account, .. } => *account,
        }
    }

    fn name(&self) -> &str {
        match self {
            Author::Member { name, .. } | Author::Staff { name, .. } => name,
        }
    }

    fn employee(&self) -> Option<EmployeeId> {
        match self {
            Author::Member { .. } => None,
            Author::Staff { employee, .. } => Some(*employee),
        }
    }
}

/// A thread as its page knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    pub id: ThreadId,
    pub care_page: CarePageId,
    pub audience: Audience,
    /// When the care team last opened the thread (organisation threads).
    pub organisation_read_at: Option<OffsetDateTime>,
    /// Since when a member's message waits for the team's answer (organisation threads).
    pub awaiting_organisation_since: Option<OffsetDateTime>,
}

fn audience_of(key: &str) -> Result<Audience, sqlx::Error> {
    Audience::from_key(key)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown audience {key:?}").into()))
}

/// Whether an employee has written on `page` (MSG-4: with the tenant setting, the
/// organisation can be chosen from then on).
pub async fn staff_wrote(tx: &mut TenantTx, page: CarePageId) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM messages
                           WHERE care_page_id = $1 AND from_organisation) AS "exists!""#,
        page as CarePageId,
    )
    .fetch_one(tx.conn())
    .await
}

/// Starts a thread on `page` for `audience` with its first message.
pub async fn start(
    tx: &mut TenantTx,
    page: CarePageId,
    audience: Audience,
    author: &Author,
    body: &str,
    now: OffsetDateTime,
) -> Result<(ThreadId, MessageId), sqlx::Error> {
    let thread = ThreadId(Uuid::now_v7());
    let message = MessageId(Uuid::now_v7());
    sqlx::query!(
        "INSERT INTO message_threads (id, care_page_id, audience, created_at, last_message_at,
                                      last_message_id)
         VALUES ($1, $2, $3, $4, $4, $5)",
        thread as ThreadId,
        page as CarePageId,
        audience.key(),
        now,
        message as MessageId,
    )
    .execute(tx.conn())
    .await?;
    add_message(tx, thread, page, message, author, body, now).await?;
    Ok((thread, message))
}

/// "Beantwoorden": a message in `thread`, which keeps its audience.
pub async fn reply(
    tx: &mut TenantTx,
    thread: &Thread,
    author: &Author,
    body: &str,
    now: OffsetDateTime,
) -> Result<MessageId, sqlx::Error> {
    let message = MessageId(Uuid::now_v7());
    add_message(tx, thread.id, thread.care_page, message, author, body, now).await?;
    Ok(message)
}

async fn add_message(
    tx: &mut TenantTx,
    thread: ThreadId,
    page: CarePageId,
    message: MessageId,
    author: &Author,
    body: &str,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    let (account, employee) = match author {
        Author::Member { account, .. } => (Some(*account), None),
        Author::Staff { employee, .. } => (None, Some(*employee)),
    };
    sqlx::query!(
        "INSERT INTO messages (id, thread_id, care_page_id, author_account, author_employee,
                               from_organisation, author_name, body, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        message as MessageId,
        thread as ThreadId,
        page as CarePageId,
        account.map(|a| a.0),
        employee.map(|e| e.0),
        author.employee().is_some(),
        author.name(),
        body,
        now,
    )
    .execute(tx.conn())
    .await?;
    // A member's message in an organisation thread starts the team's answer clock (BEY-3);
    // the team's answer stops it.
    let from_staff = author.employee().is_some();
    sqlx::query!(
        "UPDATE message_threads
            SET last_message_at = $2, last_message_id = $3, message_count = message_count + 1,
                awaiting_organisation_since = CASE
                    WHEN audience <> 'organisation' THEN NULL
                    WHEN $4 THEN NULL
                    ELSE coalesce(awaiting_organisation_since, $2) END
          WHERE id = $1",
        thread as ThreadId,
        now,
        message as MessageId,
        from_staff,
    )
    .execute(tx.conn())
    .await?;
    // The author has read what they wrote.
    mark_read(tx, thread, author.account(), now).await
}

/// The thread `id` of `page`, if it exists there.
pub async fn find(
    tx: &mut TenantTx,
    page: CarePageId,
    id: ThreadId,
) -> Result<Option<Thread>, sqlx::Error> {
    Ok(find_anywhere(tx, id)
        .await?
        .filter(|thread| thread.care_page == page))
}

/// The thread `id` on whatever page of this tenant it is (the staff side finds the page from
/// the thread).
pub async fn find_anywhere(tx: &mut TenantTx, id: ThreadId) -> Result<Option<Thread>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT care_page_id AS "care_page: CarePageId", audience, organisation_read_at,
                  awaiting_organisation_since
             FROM message_threads WHERE id = $1"#,
        id as ThreadId,
    )
    .fetch_optional(tx.conn())
    .await?;
    row.map(|row| {
        Ok(Thread {
            id,
            care_page: row.care_page,
            audience: audience_of(&row.audience)?,
            organisation_read_at: row.organisation_read_at,
            awaiting_organisation_since: row.awaiting_organisation_since,
        })
    })
    .transpose()
}

/// Where a page of the list starts: after the thread with this last activity and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub last_message_at: OffsetDateTime,
    pub thread: ThreadId,
}

impl Cursor {
    /// As it travels in a link: `<unix nanoseconds>_<thread id>`.
    pub fn encode(&self) -> String {
        format!(
            "{}_{}",
            self.last_message_at.unix_timestamp_nanos(),
            self.thread
        )
    }

    pub fn parse(raw: &str) -> Option<Cursor> {
        let (nanos, id) = raw.split_once('_')?;
        let at = OffsetDateTime::from_unix_timestamp_nanos(nanos.parse().ok()?).ok()?;
        Some(Cursor {
            last_message_at: at,
            thread: ThreadId(Uuid::parse_str(id).ok()?),
        })
    }
}

/// One line of the list: the thread, how it started, and whether the reader has seen it all.
#[derive(Debug, Clone, Serialize)]
pub struct ThreadSummary {
    pub id: ThreadId,
    pub audience: Audience,
    pub last_message_at: OffsetDateTime,
    pub message_count: i32,
    pub first_author: String,
    pub first_from_organisation: bool,
    /// The start of the first message (empty when it was removed).
    pub preview: String,
    pub last_author: String,
    pub unread: bool,
    pub awaiting_organisation_since: Option<OffsetDateTime>,
}

/// How much of a first message the list shows.
const PREVIEW_CHARS: i32 = 140;

/// The threads of `page` in `audiences`, newest activity first, `limit` of them after
/// `after`; `unread` as seen by `reader`.
pub async fn list(
    tx: &mut TenantTx,
    page: CarePageId,
    audiences: &[Audience],
    reader: AccountId,
    after: Option<Cursor>,
    limit: i64,
) -> Result<Vec<ThreadSummary>, sqlx::Error> {
    let keys: Vec<&str> = audiences.iter().map(|a| a.key()).collect();
    let (after_at, after_id) = match after {
        Some(cursor) => (Some(cursor.last_message_at), Some(cursor.thread.0)),
        None => (None, None),
    };
    // The page of threads is chosen first, by the index on (care_page_id, last_message_at
    // DESC, id DESC), and only its `limit` threads get their first and last message and the
    // reader's read mark. Written as one join, a generic plan could join every thread of the
    // page before sorting (seen with a few hundred threads: 15 ms instead of 1 ms).
    let rows = sqlx::query!(
        r#"SELECT t.id AS "id!: ThreadId", t.audience AS "audience!",
                  t.last_message_at AS "last_message_at!", t.message_count AS "message_count!",
                  t.awaiting_organisation_since,
                  f.author_name AS first_author, f.from_organisation AS first_from_organisation,
                  left(f.body, $7) AS "preview!", l.author_name AS last_author,
                  (r.read_at IS NULL OR r.read_at < t.last_message_at) AS "unread!"
             FROM (SELECT id, audience, last_message_at, message_count,
                          awaiting_organisation_since, last_message_id
                     FROM message_threads
                    WHERE care_page_id = $1 AND audience = ANY($2)
                      AND ($4::timestamptz IS NULL OR (last_message_at, id) < ($4, $5::uuid))
                    ORDER BY last_message_at DESC, id DESC
                    LIMIT $6) t
             JOIN LATERAL (SELECT author_name, from_organisation, body FROM messages
                            WHERE thread_id = t.id ORDER BY created_at, id LIMIT 1) f ON true
             JOIN messages l ON l.id = t.last_message_id
             LEFT JOIN message_thread_reads r ON r.thread_id = t.id AND r.account_id = $3
            ORDER BY t.last_message_at DESC, t.id DESC"#,
        page as CarePageId,
        &keys as &[&str],
        reader as AccountId,
        after_at,
        after_id,
        limit,
        PREVIEW_CHARS,
    )
    .fetch_all(tx.conn())
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(ThreadSummary {
                id: row.id,
                audience: audience_of(&row.audience)?,
                last_message_at: row.last_message_at,
                message_count: row.message_count,
                first_author: row.first_author,
                first_from_organisation: row.first_from_organisation,
                preview: row.preview,
                last_author: row.last_author,
                unread: row.unread,
                awaiting_organisation_since: row.awaiting_organisation_since,
            })
        })
        .collect()
}

/// How many threads of `page` in `audiences` have news for `reader` (the count in the
/// section menu).
pub async fn unread_threads(
    tx: &mut TenantTx,
    page: CarePageId,
    audiences: &[Audience],
    reader: AccountId,
) -> Result<i64, sqlx::Error> {
    let keys: Vec<&str> = audiences.iter().map(|a| a.key()).collect();
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM message_threads t
             LEFT JOIN message_thread_reads r ON r.thread_id = t.id AND r.account_id = $3
            WHERE t.care_page_id = $1 AND t.audience = ANY($2)
              AND (r.read_at IS NULL OR r.read_at < t.last_message_at)"#,
        page as CarePageId,
        &keys as &[&str],
        reader as AccountId,
    )
    .fetch_one(tx.conn())
    .await
}

/// A file attached to a message, as the thread shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ShownAttachment {
    pub id: Uuid,
    pub file_name: String,
    pub size_bytes: i64,
}

/// A message as the thread shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ShownMessage {
    pub id: MessageId,
    pub author_account: Option<AccountId>,
    pub author_employee: Option<EmployeeId>,
    /// The employee who wrote it has a photo to show with it.
    pub author_photo: bool,
    pub author_name: String,
    pub from_organisation: bool,
    pub body: String,
    pub created_at: OffsetDateTime,
    pub removed: bool,
    pub attachments: Vec<ShownAttachment>,
}

/// The most messages a thread shows at once; older ones come with "Eerdere berichten".
pub const THREAD_PAGE: i64 = 50;

/// The messages of `thread`, oldest first: the newest [`THREAD_PAGE`] before `before` (a
/// message id; all of the newest when `None`), and whether older ones exist.
pub async fn messages(
    tx: &mut TenantTx,
    thread: ThreadId,
    before: Option<MessageId>,
) -> Result<(Vec<ShownMessage>, bool), sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT m.id AS "id: MessageId", m.author_account AS "author_account: AccountId",
                  m.author_employee AS "author_employee: EmployeeId", m.author_name,
                  (e.photo_key IS NOT NULL) AS "author_photo!",
                  m.from_organisation, m.body, m.created_at, m.deleted_at
             FROM messages m
             LEFT JOIN employees e ON e.id = m.author_employee
            WHERE m.thread_id = $1
              AND ($2::uuid IS NULL OR (m.created_at, m.id) <
                   (SELECT created_at, id FROM messages WHERE id = $2 AND thread_id = $1))
            ORDER BY m.created_at DESC, m.id DESC
            LIMIT $3"#,
        thread as ThreadId,
        before.map(|m| m.0),
        THREAD_PAGE + 1,
    )
    .fetch_all(tx.conn())
    .await?;
    let older = rows.len() as i64 > THREAD_PAGE;
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id.0).collect();
    let files = sqlx::query!(
        r#"SELECT id, message_id AS "message_id: MessageId", file_name, size_bytes
             FROM message_attachments WHERE message_id = ANY($1) ORDER BY file_name, id"#,
        &ids,
    )
    .fetch_all(tx.conn())
    .await?;
    let mut shown: Vec<ShownMessage> = rows
        .into_iter()
        .take(THREAD_PAGE as usize)
        .map(|row| ShownMessage {
            attachments: files
                .iter()
                .filter(|file| file.message_id == row.id)
                .map(|file| ShownAttachment {
                    id: file.id,
                    file_name: file.file_name.clone(),
                    size_bytes: file.size_bytes,
                })
                .collect(),
            id: row.id,
            author_account: row.author_account,
            author_employee: row.author_employee,
            author_photo: row.author_photo,
            author_name: row.author_name,
            from_organisation: row.from_organisation,
            body: row.body,
            created_at: row.created_at,
            removed: row.deleted_at.is_some(),
        })
        .collect();
    shown.reverse();
    Ok((shown, older))
}

/// Who opens a thread.
#[derive(Debug, Clone, Copy)]
pub enum Reader {
    /// A member of the page.
    Member(AccountId),
    /// An employee on the staff side: the member then sees that the care team read it.
    Staff(AccountId),
}

/// What a reader sees of `thread` (as [`messages`]); with `mark`, the thread counts as read
/// by them from `now`.
pub async fn open(
    tx: &mut TenantTx,
    thread: ThreadId,
    reader: Reader,
    before: Option<MessageId>,
    mark: bool,
    now: OffsetDateTime,
) -> Result<(Vec<ShownMessage>, bool), sqlx::Error> {
    let shown = messages(tx, thread, before).await?;
    if mark {
        match reader {
            Reader::Member(account) => mark_read(tx, thread, account, now).await?,
            Reader::Staff(account) => {
                mark_read(tx, thread, account, now).await?;
                mark_read_by_organisation(tx, thread, now).await?;
            }
        }
    }
    Ok(shown)
}

/// `account` has seen `thread` up to `now`.
pub async fn mark_read(
    tx: &mut TenantTx,
    thread: ThreadId,
    account: AccountId,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO message_thread_reads (thread_id, account_id, read_at) VALUES ($1, $2, $3)
         ON CONFLICT (thread_id, account_id)
         DO UPDATE SET read_at = greatest(message_thread_reads.read_at, EXCLUDED.read_at)",
        thread as ThreadId,
        account as AccountId,
        now,
    )
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// The care team opened `thread` (BEY-3: members see "gelezen door het zorgteam").
pub async fn mark_read_by_organisation(
    tx: &mut TenantTx,
    thread: ThreadId,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE message_threads
            SET organisation_read_at = greatest(organisation_read_at, $2)
          WHERE id = $1 AND audience = 'organisation'",
        thread as ThreadId,
        now,
    )
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Removes `message` of `thread` for its author `account` (MSG-3): its text is emptied and it
/// shows as removed; its attachments' rows go, and their object keys are returned for removal
/// from storage.
pub async fn remove(
    tx: &mut TenantTx,
    thread: ThreadId,
    message: MessageId,
    account: AccountId,
    now: OffsetDateTime,
) -> Result<Result<Vec<String>, MessageError>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT author_account AS "author_account: AccountId", deleted_at
             FROM messages WHERE id = $1 AND thread_id = $2 FOR UPDATE"#,
        message as MessageId,
        thread as ThreadId,
    )
    .fetch_optional(tx.conn())
    .await?;
    let Some(row) = row else {
        return Ok(Err(MessageError::NotAuthor));
    };
    if row.author_account != Some(account) {
        return Ok(Err(MessageError::NotAuthor));
    }
    if row.deleted_at.is_some() {
        return Ok(Err(MessageError::Removed));
    }
    sqlx::query!(
        "UPDATE messages SET body = '', deleted_at = $2 WHERE id = $1",
        message as MessageId,
        now,
    )
    .execute(tx.conn())
    .await?;
    let keys = sqlx::query_scalar!(
        "DELETE FROM message_attachments WHERE message_id = $1 RETURNING object_key",
        message as MessageId,
    )
    .fetch_all(tx.conn())
    .await?;
    Ok(Ok(keys))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_nonsense_is_refused() {
        let cursor = Cursor {
            last_message_at: OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_123_456_789)
                .unwrap(),
            thread: ThreadId(Uuid::now_v7()),
        };
        assert_eq!(Cursor::parse(&cursor.encode()), Some(cursor));
        assert_eq!(Cursor::parse("12_nope"), None);
        assert_eq!(Cursor::parse("x"), None);
    }
}
