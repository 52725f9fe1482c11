//! Matching caught e-mail to the events that should have sent it: exactly one per event.

use std::collections::{HashMap, HashSet};

use common::infra::outbox::Event;
use uuid::Uuid;

use crate::CaughtMail;

/// The Message-ID the notifier gives the e-mail for `event`, sent from `from_address`.
pub fn message_id_of(event: &Event, from_address: &str) -> String {
    let domain = from_address
        .rsplit_once('@')
        .map_or("", |(_, domain)| domain);
    format!("<{}@{domain}>", event.id)
}

/// The event id in a Message-ID the notifier made (its left-hand side).
fn event_part(message_id: &str) -> &str {
    message_id
        .trim_start_matches('<')
        .split('@')
        .next()
        .unwrap_or(message_id)
}

/// The caught e-mails matched to the events by Message-ID.
pub struct MailTally {
    missing: Vec<Uuid>,
    duplicated: Vec<(String, usize)>,
    unexpected: Vec<String>,
    total: usize,
    events: usize,
}

impl MailTally {
    pub fn of(events: &[Event], mails: &[CaughtMail]) -> Self {
        let mut per_message_id: HashMap<&str, usize> = HashMap::new();
        for mail in mails {
            *per_message_id
                .entry(mail.message_id().map_or("(no Message-ID)", event_part))
                .or_default() += 1;
        }
        let expected: HashSet<String> = events.iter().map(|event| event.id.to_string()).collect();
        Self {
            missing: events
                .iter()
                .filter(|event| !per_message_id.contains_key(event.id.to_string().as_str()))
                .map(|event| event.id)
                .collect(),
            duplicated: per_message_id
                .iter()
                .filter(|(_, count)| **count > 1)
                .map(|(id, count)| ((*id).to_owned(), *count))
                .collect(),
            unexpected: per_message_id
                .keys()
                .filter(|id| !expected.contains(**id))
                .map(|id| (*id).to_owned())
                .collect(),
            total: mails.len(),
            events: events.len(),
        }
    }

    /// Events that sent no e-mail.
    pub fn lost(&self) -> usize {
        self.missing.len()
    }

    /// E-mails beyond the first of their event (same Message-ID).
    pub fn duplicates(&self) -> usize {
        self.duplicated.iter().map(|(_, count)| count - 1).sum()
    }

    /// Asserts that no event was lost and no e-mail came from elsewhere; duplicates may be.
    pub fn assert_none_lost(&self) {
        assert!(
            self.missing.is_empty(),
            "{} of {} events sent no e-mail (lost), e.g. {:?}",
            self.missing.len(),
            self.events,
            &self.missing[..self.missing.len().min(10)]
        );
        assert!(
            self.unexpected.is_empty(),
            "e-mails to this test's addresses that belong to no event: {:?}",
            &self.unexpected[..self.unexpected.len().min(10)]
        );
        assert_eq!(
            self.total,
            self.events + self.duplicates(),
            "every e-mail is one event's, or a duplicate with that event's Message-ID"
        );
    }

    pub fn assert_exactly_one_per_event(&self) {
        assert!(
            self.duplicated.is_empty(),
            "{} events sent more than one e-mail, e.g. {:?}",
            self.duplicated.len(),
            &self.duplicated[..self.duplicated.len().min(10)]
        );
        self.assert_none_lost();
    }
}
