//! MSG-5, NOT-3: telling the audience that a message waits. A new message writes one job; the
//! worker turns it into one e-mail per member of the audience who wants it (Meldingen), never
//! to its author and never with its content: only that messages wait, how many, and the link.
//!
//! A member gets at most one such e-mail per care page per quarter of an hour. After an e-mail,
//! new messages send nothing until the member has been back to read (the e-mail still stands:
//! messages wait); once they have, the next message is mailed at the end of the quarter
//! hour, listing how many wait by then. A burst of messages thus gives one e-mail.
//!
//! The job claims its message in the same transaction that writes the e-mails, so a job that
//! comes twice sends nothing the second time.

use std::time::Duration;

use time::OffsetDateTime;
use uuid::Uuid;

use super::{Audience, MessageId};
use crate::accounts::AccountId;
use crate::care::notification_prefs::{self, NotificationEvent};
use crate::care::page::{CarePageId, Membership, Role};
use crate::care::rights::Rights;
use crate::infra::i18n::Language;
use crate::infra::outbox::{self, Event, Job, Message, Recipient};
use crate::infra::tenancy::TenantTx;

/// At most one e-mail per member per care page in this time.
pub const MAIL_WINDOW: Duration = Duration::from_secs(15 * 60);
/// The count in an e-mail stops here ("100 of meer").
const COUNT_CAP: i64 = 100;

/// Writes the job that announces `message`, in the transaction that stores it.
pub async fn schedule(
    tx: &mut TenantTx,
    message: MessageId,
    portal_url: &str,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    let job = Job::AnnounceMessage {
        message: message.0,
        portal_url: portal_url.to_owned(),
    };
    let event = Event::job(Some(tx.tenant().clone()), now, job);
    outbox::write(tx.conn(), &event).await
}

/// A member who may hear of a message.
struct Listener {
    account: AccountId,
    name: String,
    email: String,
    language: Language,
    rights: Rights,
}

/// The members of `page` with their rights as they stand at `now`.
async fn listeners(
    tx: &mut TenantTx,
    page: CarePageId,
    now: OffsetDateTime,
) -> Result<Vec<Listener>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT m.account_id AS "account_id: AccountId", a.name, a.email, a.language,
                  m.role AS "role: Role", m.rights, m.rights_until
             FROM care_page_members m
             JOIN platform.accounts a ON a.id = m.account_id
            WHERE m.care_page_id = $1"#,
        page as CarePageId,
    )
    .fetch_all(tx.conn())
    .await?;
    rows.into_iter()
        .map(|row| {
            let rights =
                Rights::from_keys(&row.rights).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            let membership = Membership {
                role: row.role,
                rights,
                granted_by: None,
                until: row.rights_until,
            };
            Ok(Listener {
                account: row.account_id,
                name: row.name,
                email: row.email,
                language: Language::parse(&row.language).unwrap_or_default(),
                rights: membership.as_of(now).effective_rights(),
            })
        })
        .collect()
}

/// What an announcement did, for the log and the tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Announced {
    /// E-mails written now.
    pub mailed: usize,
    /// Members whose e-mail waits for the end of their quarter hour.
    pub deferred: usize,
    /// The message was announced before (the job came twice), or is gone.
    pub already: bool,
}

/// Announces `message` to its audience: the worker's job. `portal_url` is where the e-mail's
/// link leads.
pub async fn announce(
    tx: &mut TenantTx,
    message: Uuid,
    portal_url: &str,
    now: OffsetDateTime,
) -> Result<Announced, sqlx::Error> {
    let claimed = sqlx::query!(
        "INSERT INTO message_fan_outs (message_id, done_at) VALUES ($1, $2)
         ON CONFLICT (message_id) DO NOTHING",
        message,
        now,
    )
    .execute(tx.conn())
    .await?
    .rows_affected();
    let found = sqlx::query!(
        r#"SELECT m.care_page_id AS "page: CarePageId",
                  m.author_account AS "author: AccountId", t.audience, p.client_name
             FROM messages m
             JOIN message_threads t ON t.id = m.thread_id
             JOIN care_pages p ON p.id = m.care_page_id AND p.deleted_at IS NULL
            WHERE m.id = $1 AND m.deleted_at IS NULL"#,
        message,
    )
    .fetch_optional(tx.conn())
    .await?;
    let (Some(found), 1) = (found, claimed) else {
        return Ok(Announced {
            already: true,
            ..Announced::default()
        });
    };
    let audience = Audience::from_key(&found.audience)
        .ok_or_else(|| sqlx::Error::Decode(format!("audience {:?}", found.audience).into()))?;
    let declined =
        notification_prefs::declined(tx, found.page, NotificationEvent::NewMessage).await?;
    let mut announced = Announced::default();
    for listener in listeners(tx, found.page, now).await? {
        let hears = listener.rights.contains(audience.read_right())
            && Some(listener.account) != found.author
            && !declined.contains(&listener.account);
        if !hears {
            continue;
        }
        let mail = Mail {
            page: found.page,
            client: &found.client_name,
            portal_url,
            now,
        };
        match decide(tx, found.page, listener.account, now).await? {
            Decision::MailNow => {
                if mail.send(tx, &listener).await? {
                    announced.mailed += 1;
                }
            }
            Decision::Later(moment) => {
                let job = Job::SendMessageDigest {
                    care_page: found.page.0,
                    account: listener.account.0,
                    portal_url: portal_url.to_owned(),
                };
                let event = Event::job(Some(tx.tenant().clone()), now, job).at(moment);
                outbox::write(tx.conn(), &event).await?;
                announced.deferred += 1;
            }
            Decision::Nothing => {}
        }
    }
    Ok(announced)
}

enum Decision {
    MailNow,
    /// An e-mail at this moment (the end of the member's quarter hour).
    Later(OffsetDateTime),
    /// The last e-mail still stands, or one is planned already.
    Nothing,
}

/// Whether `account` hears of a new message on `page` now, later or not at all (see the
/// module's rules). The member's window row is locked until the transaction ends, so two
/// messages announced at once decide one after the other.
async fn decide(
    tx: &mut TenantTx,
    page: CarePageId,
    account: AccountId,
    now: OffsetDateTime,
) -> Result<Decision, sqlx::Error> {
    sqlx::query!(
        "INSERT INTO message_mail_windows (care_page_id, account_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING",
        page as CarePageId,
        account as AccountId,
    )
    .execute(tx.conn())
    .await?;
    let window = sqlx::query!(
        r#"SELECT w.last_mailed_at, w.digest_due_at,
                  (SELECT max(r.read_at) FROM message_thread_reads r
                     JOIN message_threads t ON t.id = r.thread_id
                    WHERE t.care_page_id = $1 AND r.account_id = $2) AS last_read_at
             FROM message_mail_windows w
            WHERE w.care_page_id = $1 AND w.account_id = $2
              FOR UPDATE OF w"#,
        page as CarePageId,
        account as AccountId,
    )
    .fetch_one(tx.conn())
    .await?;
    let Some(last_mailed) = window.last_mailed_at else {
        return Ok(Decision::MailNow);
    };
    let been_back = window.last_read_at.is_some_and(|read| read > last_mailed);
    if !been_back {
        return Ok(Decision::Nothing);
    }
    let window_end = last_mailed + MAIL_WINDOW;
    if now >= window_end {
        return Ok(Decision::MailNow);
    }
    if window.digest_due_at.is_some() {
        return Ok(Decision::Nothing);
    }
    sqlx::query!(
        "UPDATE message_mail_windows SET digest_due_at = $3
          WHERE care_page_id = $1 AND account_id = $2",
        page as CarePageId,
        account as AccountId,
        window_end,
    )
    .execute(tx.conn())
    .await?;
    Ok(Decision::Later(window_end))
}

/// One "messages wait" e-mail.
struct Mail<'a> {
    page: CarePageId,
    client: &'a str,
    portal_url: &'a str,
    now: OffsetDateTime,
}

impl Mail<'_> {
    /// Writes the e-mail to `listener` with the number of messages that wait for them, and
    /// starts their quarter hour; nothing when nothing waits (they read it all meanwhile).
    async fn send(&self, tx: &mut TenantTx, listener: &Listener) -> Result<bool, sqlx::Error> {
        let audiences: Vec<&str> = Audience::readable_with(listener.rights)
            .into_iter()
            .map(Audience::key)
            .collect();
        let waiting = sqlx::query_scalar!(
            r#"SELECT count(*) AS "count!" FROM (
                 SELECT 1 FROM message_threads t
                   LEFT JOIN message_thread_reads r
                          ON r.thread_id = t.id AND r.account_id = $2
                   JOIN messages m ON m.thread_id = t.id
                  WHERE t.care_page_id = $1 AND t.audience = ANY($3)
                    AND (r.read_at IS NULL OR t.last_message_at > r.read_at)
                    AND (r.read_at IS NULL OR m.created_at > r.read_at)
                    AND m.deleted_at IS NULL
                    AND m.author_account IS DISTINCT FROM $2
                  LIMIT $4) waiting"#,
            self.page as CarePageId,
            listener.account as AccountId,
            &audiences as &[&str],
            COUNT_CAP,
        )
        .fetch_one(tx.conn())
        .await?;
        if waiting == 0 {
            return Ok(false);
        }
        let message = Message::MessagesWaiting {
            name: listener.name.clone(),
            client: self.client.to_owned(),
            count: waiting as u32,
            link: format!("{}/zorgpagina/{}/berichten", self.portal_url, self.page),
        };
        let to = Recipient::Email {
            address: listener.email.clone(),
            name: Some(listener.name.clone()),
        };
        let tenant = tx.tenant().clone();
        let event = Event::notification(&tenant, self.now, to, listener.language, message);
        outbox::write(tx.conn(), &event).await?;
        sqlx::query!(
            "UPDATE message_mail_windows SET last_mailed_at = $3, digest_due_at = NULL
              WHERE care_page_id = $1 AND account_id = $2",
            self.page as CarePageId,
            listener.account as AccountId,
            self.now,
        )
        .execute(tx.conn())
        .await?;
        Ok(true)
    }
}

/// The e-mail planned for the end of `account`'s quarter hour on `page`: the worker's job.
/// Sends when it is still planned, the account is still in the audience of some thread and
/// wants e-mails of messages, and messages wait; `true` when it sent.
pub async fn send_digest(
    tx: &mut TenantTx,
    page: CarePageId,
    account: AccountId,
    portal_url: &str,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    let planned = sqlx::query_scalar!(
        "UPDATE message_mail_windows SET digest_due_at = NULL
          WHERE care_page_id = $1 AND account_id = $2 AND digest_due_at IS NOT NULL
          RETURNING care_page_id",
        page as CarePageId,
        account as AccountId,
    )
    .fetch_optional(tx.conn())
    .await?;
    if planned.is_none() {
        return Ok(false);
    }
    let declined = notification_prefs::declined(tx, page, NotificationEvent::NewMessage).await?;
    if declined.contains(&account) {
        return Ok(false);
    }
    let client = sqlx::query_scalar!(
        "SELECT client_name FROM care_pages WHERE id = $1 AND deleted_at IS NULL",
        page as CarePageId,
    )
    .fetch_optional(tx.conn())
    .await?;
    let Some(client) = client else {
        return Ok(false);
    };
    let listener = listeners(tx, page, now)
        .await?
        .into_iter()
        .find(|listener| listener.account == account);
    let Some(listener) = listener else {
        return Ok(false);
    };
    let mail = Mail {
        page,
        client: &client,
        portal_url,
        now,
    };
    mail.send(tx, &listener).await
}
