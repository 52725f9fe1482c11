//! Matching caught e-mail to the events that should have sent it: exactly one per event.

use std::collections::{HashMap, HashSet};

use common::infra::outbox::Event;
use uuid::Uuid;

use crate::CaughtMail;

/// The Message-ID the notifier gives the e-mail for `event`.
pub fn message_id_of(event: &Event) -> String {
    format!("<{}@zorgportaal>", event.id)
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
                .entry(mail.message_id().unwrap_or("(no Message-ID)"))
                .or_default() += 1;
        }
        let expected: HashSet<String> = events.iter().map(message_id_of).collect();
        Self {
            missing: events
                .iter()
                .filter(|event| !per_message_id.contains_key(message_id_of(event).as_str()))
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

    pub fn assert_exactly_one_per_event(&self) {
        assert!(
            self.missing.is_empty(),
            "{} of {} events sent no e-mail (lost), e.g. {:?}",
            self.missing.len(),
            self.events,
            &self.missing[..self.missing.len().min(10)]
        );
        assert!(
            self.duplicated.is_empty(),
            "{} events sent more than one e-mail, e.g. {:?}",
            self.duplicated.len(),
            &self.duplicated[..self.duplicated.len().min(10)]
        );
        assert!(
            self.unexpected.is_empty(),
            "e-mails to this test's addresses that belong to no event: {:?}",
            &self.unexpected[..self.unexpected.len().min(10)]
        );
        assert_eq!(self.total, self.events, "exactly one e-mail per event");
    }
}
