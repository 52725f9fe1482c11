//! The staff inbox (MSG-7, API-3, BEY-3): the organisation threads of the tenant's linked care
//! pages. Threads past the promised response time come first, marked overdue; then the
//! employee's own clients ("mijn cliënten"); then the rest; each group newest activity first.
//! Also the linked care pages an employee can start a thread with.

use serde::Serialize;
use time::OffsetDateTime;

use crate::accounts::AccountId;
use crate::care::messages::threads::Cursor;
use crate::care::messages::ThreadId;
use crate::care::page::CarePageId;
use crate::infra::tenancy::TenantTx;
use crate::organisation::employees::EmployeeId;

/// One line of the inbox.
#[derive(Debug, Clone, Serialize)]
pub struct InboxThread {
    pub id: ThreadId,
    pub care_page: CarePageId,
    pub client: String,
    pub last_message_at: OffsetDateTime,
    pub last_author: String,
    pub last_from_organisation: bool,
    pub message_count: i32,
    pub mine: bool,
    pub unread: bool,
    pub overdue: bool,
}

/// How many lines the inbox shows at once.
pub const INBOX_PAGE: i64 = 50;

/// Where a page of the inbox starts: after this line, in the inbox's order (overdue first,
/// then own clients, then newest activity).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InboxCursor {
    pub overdue: bool,
    pub mine: bool,
    pub after: Cursor,
}

impl InboxCursor {
    pub fn of(line: &InboxThread) -> InboxCursor {
        InboxCursor {
            overdue: line.overdue,
            mine: line.mine,
            after: Cursor {
                last_message_at: line.last_message_at,
                thread: line.id,
            },
        }
    }

    /// As it travels in a link: `<overdue><mine>_<thread cursor>`, the flags as 0 or 1.
    pub fn encode(&self) -> String {
        let flag = |on: bool| if on { '1' } else { '0' };
        format!(
            "{}{}_{}",
            flag(self.overdue),
            flag(self.mine),
            self.after.encode()
        )
    }

    pub fn parse(raw: &str) -> Option<InboxCursor> {
        let (flags, rest) = raw.split_once('_')?;
        let flag = |c: u8| match c {
            b'0' => Some(false),
            b'1' => Some(true),
            _ => None,
        };
        let [overdue, mine] = flags.as_bytes() else {
            return None;
        };
        Some(InboxCursor {
            overdue: flag(*overdue)?,
            mine: flag(*mine)?,
            after: Cursor::parse(rest)?,
        })
    }
}

/// The inbox of `employee` (signed in as `account`): overdue first, then own clients, then the
/// rest, `limit` lines after `after`; `overdue_before`: a member's message waiting since
/// before this moment is overdue.
pub async fn inbox(
    tx: &mut TenantTx,
    employee: EmployeeId,
    account: AccountId,
    overdue_before: OffsetDateTime,
    after: Option<InboxCursor>,
    limit: i64,
) -> Result<Vec<InboxThread>, sqlx::Error> {
    let (after_overdue, after_mine, after_at, after_id) = match after {
        Some(c) => (
            Some(c.overdue),
            Some(c.mine),
            Some(c.after.last_message_at),
            Some(c.after.thread.0),
        ),
        None => (None, None, None, None),
    };
    // The order's first two keys are computed per employee, so the page goes by a row
    // comparison over all four (`false` sorts before `true`, all descending).
    sqlx::query_as!(
        InboxThread,
        r#"SELECT id AS "id!: ThreadId", care_page AS "care_page!: CarePageId",
                  client AS "client!", last_message_at AS "last_message_at!",
                  last_author AS "last_author!",
                  last_from_organisation AS "last_from_organisation!",
                  message_count AS "message_count!", mine AS "mine!", unread AS "unread!",
                  overdue AS "overdue!"
             FROM (SELECT t.id, t.care_page_id AS care_page, p.client_name AS client,
                          t.last_message_at, l.author_name AS last_author,
                          l.from_organisation AS last_from_organisation, t.message_count,
                          (a.employee_id IS NOT NULL) AS mine,
                          (r.read_at IS NULL OR r.read_at < t.last_message_at) AS unread,
                          (t.awaiting_organisation_since IS NOT NULL
                           AND t.awaiting_organisation_since < $3) AS overdue
                     FROM message_threads t
                     JOIN care_pages p ON p.id = t.care_page_id
                                      AND p.deleted_at IS NULL
                                      AND p.client_record_id IS NOT NULL
                     JOIN messages l ON l.id = t.last_message_id
                     LEFT JOIN client_assignments a ON a.client_record_id = p.client_record_id
                                                   AND a.employee_id = $1
                     LEFT JOIN message_thread_reads r ON r.thread_id = t.id
                                                     AND r.account_id = $2
                    WHERE t.audience = 'organisation') line
            WHERE $4::bool IS NULL
               OR (overdue, mine, last_message_at, id) < ($4, $5::bool, $6::timestamptz, $7::uuid)
            ORDER BY overdue DESC, mine DESC, last_message_at DESC, id DESC
            LIMIT $8"#,
        employee as EmployeeId,
        account as AccountId,
        overdue_before,
        after_overdue,
        after_mine,
        after_at,
        after_id,
        limit,
    )
    .fetch_all(tx.conn())
    .await
}

/// A linked care page an employee can write to.
#[derive(Debug, Clone, Serialize)]
pub struct LinkedPage {
    pub care_page: CarePageId,
    pub client: String,
    pub client_number: String,
    pub mine: bool,
}

/// The tenant's linked care pages, the employee's own clients first, then by name.
pub async fn linked_pages(
    tx: &mut TenantTx,
    employee: EmployeeId,
) -> Result<Vec<LinkedPage>, sqlx::Error> {
    sqlx::query_as!(
        LinkedPage,
        r#"SELECT p.id AS "care_page: CarePageId", p.client_name AS client, c.client_number,
                  EXISTS (SELECT 1 FROM client_assignments a
                           WHERE a.client_record_id = c.id AND a.employee_id = $1) AS "mine!"
             FROM care_pages p JOIN client_records c ON c.id = p.client_record_id
            WHERE p.deleted_at IS NULL
            ORDER BY 4 DESC, p.client_name, p.id"#,
        employee as EmployeeId,
    )
    .fetch_all(tx.conn())
    .await
}

/// The linked care page `page` of this tenant, for an employee to write to: its client's name.
pub async fn linked_page(
    tx: &mut TenantTx,
    page: CarePageId,
) -> Result<Option<(String, Option<uuid::Uuid>)>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT client_name, client_record_id FROM care_pages
          WHERE id = $1 AND deleted_at IS NULL AND client_record_id IS NOT NULL",
        page as CarePageId,
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(row.map(|row| (row.client_name, row.client_record_id)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn an_inbox_cursor_survives_its_link_and_refuses_anything_else() {
        let cursor = InboxCursor {
            overdue: true,
            mine: false,
            after: Cursor {
                last_message_at: OffsetDateTime::from_unix_timestamp_nanos(
                    1_764_000_000_123_456_789,
                )
                .unwrap(),
                thread: ThreadId(Uuid::now_v7()),
            },
        };
        assert_eq!(InboxCursor::parse(&cursor.encode()), Some(cursor));
        for wrong in ["", "10", "2_1_x", "1_1764000000_not-a-uuid", "101_1_x"] {
            assert_eq!(InboxCursor::parse(wrong), None, "{wrong}");
        }
    }
}
