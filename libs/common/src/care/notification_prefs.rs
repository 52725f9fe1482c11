//! NOT-1 Meldingen: each member of a care page chooses the events that send them an e-mail
//! (e-mail only, one switch per event type). Until they choose, every event does.

use std::collections::BTreeSet;

use serde::Serialize;
use time::OffsetDateTime;

use crate::accounts::AccountId;
use crate::care::page::CarePageId;
use crate::infra::tenancy::TenantTx;

/// What happens on a care page that a member can hear of by e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationEvent {
    NewMessage,
    NewAppointment,
    /// A care plan waits for the member's approval.
    PlanToApprove,
    NewReport,
    /// Someone joined, left or was removed; rights changed.
    NetworkChanges,
}

impl NotificationEvent {
    /// In the order the Meldingen page lists them.
    pub const ALL: [NotificationEvent; 5] = [
        NotificationEvent::NewMessage,
        NotificationEvent::NewAppointment,
        NotificationEvent::PlanToApprove,
        NotificationEvent::NewReport,
        NotificationEvent::NetworkChanges,
    ];

    pub fn key(self) -> &'static str {
        match self {
            NotificationEvent::NewMessage => "new_message",
            NotificationEvent::NewAppointment => "new_appointment",
            NotificationEvent::PlanToApprove => "plan_to_approve",
            NotificationEvent::NewReport => "new_report",
            NotificationEvent::NetworkChanges => "network_changes",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|event| event.key() == key)
    }
}

/// The events a member wants an e-mail of.
pub type Wanted = BTreeSet<NotificationEvent>;

/// The checked boxes of the Meldingen form; `Err` with the catalogue key when one of them is
/// no event we know (nothing is saved then).
pub fn parse(keys: &[&str]) -> Result<Wanted, &'static str> {
    keys.iter()
        .map(|key| NotificationEvent::from_key(key).ok_or("notifications-unknown"))
        .collect()
}

/// What `account` wants to hear of `page`: every event until they chose.
pub async fn of(
    tx: &mut TenantTx,
    page: CarePageId,
    account: AccountId,
) -> Result<Wanted, sqlx::Error> {
    let stored = sqlx::query_scalar!(
        "SELECT events FROM notification_preferences WHERE care_page_id = $1 AND account_id = $2",
        page as CarePageId,
        account as AccountId,
    )
    .fetch_optional(tx.conn())
    .await?;
    Ok(match stored {
        None => NotificationEvent::ALL.into_iter().collect(),
        // The table's CHECK admits known keys only.
        Some(keys) => keys
            .iter()
            .filter_map(|key| NotificationEvent::from_key(key))
            .collect(),
    })
}

/// The members of `page` who chose not to hear of `event` (everyone else hears of it).
pub async fn declined(
    tx: &mut TenantTx,
    page: CarePageId,
    event: NotificationEvent,
) -> Result<std::collections::HashSet<AccountId>, sqlx::Error> {
    let rows = sqlx::query_scalar!(
        r#"SELECT account_id AS "account_id: AccountId" FROM notification_preferences
            WHERE care_page_id = $1 AND NOT ($2 = ANY(events))"#,
        page as CarePageId,
        event.key(),
    )
    .fetch_all(tx.conn())
    .await?;
    Ok(rows.into_iter().collect())
}

/// Saves `wanted` as `account`'s choice for `page` (an empty choice too: no e-mails).
pub async fn set(
    tx: &mut TenantTx,
    page: CarePageId,
    account: AccountId,
    wanted: &Wanted,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    let keys: Vec<String> = wanted.iter().map(|event| event.key().to_owned()).collect();
    sqlx::query!(
        "INSERT INTO notification_preferences (care_page_id, account_id, events, updated_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (care_page_id, account_id)
         DO UPDATE SET events = EXCLUDED.events, updated_at = EXCLUDED.updated_at",
        page as CarePageId,
        account as AccountId,
        &keys,
        now,
    )
    .execute(tx.conn())
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_unknown_boxes_are_refused() {
        for event in NotificationEvent::ALL {
            assert_eq!(NotificationEvent::from_key(event.key()), Some(event));
        }
        let wanted = parse(&["new_report", "new_message", "new_message"]).unwrap();
        assert_eq!(
            wanted.into_iter().collect::<Vec<_>>(),
            [NotificationEvent::NewMessage, NotificationEvent::NewReport]
        );
        assert_eq!(parse(&[]).unwrap(), Wanted::new());
        assert_eq!(parse(&["sms"]), Err("notifications-unknown"));
    }
}
