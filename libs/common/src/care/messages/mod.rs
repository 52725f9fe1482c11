//! Berichten (MSG-1 … MSG-7): threads on a care page. "Bericht versturen" starts a thread and
//! chooses its audience ("Deel dit bericht met"); "Beantwoorden" keeps it. Who reads and
//! writes which audience is decided here, from the member's rights (the SPEC's decision):
//! personal-network threads by the network-messages right, trust-group and organisation
//! threads by the trust-group right; writing into an organisation thread needs the
//! organisation right. The organisation's staff read and write organisation threads only.

pub mod attachments;
pub mod fan_out;
pub mod threads;

use serde::Serialize;

use crate::care::rights::{Right, Rights};

crate::typed_id! {
    /// A thread of messages on one care page.
    pub struct ThreadId;
}

crate::typed_id! {
    /// One message of a thread.
    pub struct MessageId;
}

/// Who a thread is shared with. Stored by [`Audience::key`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// "Alle mantelzorgers": the whole personal network; never the organisation (green,
    /// open lock).
    Network,
    /// "Alleen de vertrouwensgroep": members with the trust-group right ("privé berichten";
    /// closed lock).
    TrustGroup,
    /// "<organisatie> en de vertrouwensgroep": the trust group and the organisation's staff
    /// (yellow/orange lock).
    Organisation,
}

impl Audience {
    /// In the order the composer offers them.
    pub const ALL: [Audience; 3] = [
        Audience::Network,
        Audience::TrustGroup,
        Audience::Organisation,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Audience::Network => "network",
            Audience::TrustGroup => "trust_group",
            Audience::Organisation => "organisation",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|audience| audience.key() == key)
    }

    /// The right a member needs to read the audience's threads.
    pub fn read_right(self) -> Right {
        match self {
            Audience::Network => Right::MessagesNetwork,
            Audience::TrustGroup | Audience::Organisation => Right::MessagesTrustGroup,
        }
    }

    /// The right a member needs to write into the audience's threads.
    pub fn write_right(self) -> Right {
        match self {
            Audience::Network => Right::MessagesNetwork,
            Audience::TrustGroup => Right::MessagesTrustGroup,
            Audience::Organisation => Right::MessagesOrganisation,
        }
    }

    /// The audiences whose threads a member with `rights` reads.
    pub fn readable_with(rights: Rights) -> Vec<Audience> {
        Self::ALL
            .into_iter()
            .filter(|audience| rights.contains(audience.read_right()))
            .collect()
    }

    /// Whether the organisation's staff read the audience's threads.
    pub fn reaches_organisation(self) -> bool {
        self == Audience::Organisation
    }
}

/// What decides whether the organisation can be chosen in the composer (MSG-4), besides the
/// member's organisation right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrganisationDoor {
    /// The page is linked to the organisation's client record.
    pub linked: bool,
    /// Tenant setting: messaging with the organisation opens only after staff wrote first.
    pub after_staff_first: bool,
    /// An employee has written on this page.
    pub staff_wrote: bool,
}

impl OrganisationDoor {
    pub fn open(self) -> bool {
        self.linked && (!self.after_staff_first || self.staff_wrote)
    }
}

/// The audiences "Deel dit bericht met" offers a member with `rights` (MSG-4).
pub fn composer_choices(rights: Rights, organisation: OrganisationDoor) -> Vec<Audience> {
    Audience::ALL
        .into_iter()
        .filter(|audience| rights.contains(audience.write_right()))
        .filter(|audience| !audience.reaches_organisation() || organisation.open())
        .collect()
}

/// The longest message text, in characters.
pub const MAX_BODY: usize = 10_000;

/// Why a message cannot be sent or removed; each has its catalogue key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    #[error("the message is empty")]
    Empty,
    #[error("the message is too long")]
    TooLong,
    #[error("no audience was chosen")]
    NoAudience,
    #[error("this audience cannot be chosen")]
    AudienceNotAllowed,
    #[error("only the author can remove a message")]
    NotAuthor,
    #[error("the message was removed already")]
    Removed,
}

impl MessageError {
    pub fn code(self) -> &'static str {
        match self {
            MessageError::Empty => "messages-empty",
            MessageError::TooLong => "messages-too-long",
            MessageError::NoAudience => "messages-audience-required",
            MessageError::AudienceNotAllowed => "messages-audience-not-allowed",
            MessageError::NotAuthor => "messages-not-author",
            MessageError::Removed => "messages-removed-already",
        }
    }
}

/// The text of a message as written: trimmed, not empty, not too long. Line breaks stay.
pub fn parse_body(raw: &str) -> Result<String, MessageError> {
    let body = raw.trim();
    if body.is_empty() {
        return Err(MessageError::Empty);
    }
    if body.chars().count() > MAX_BODY {
        return Err(MessageError::TooLong);
    }
    Ok(body.replace("\r\n", "\n"))
}

/// The audience chosen in the composer, checked against what it offered.
pub fn parse_audience(raw: Option<&str>, offered: &[Audience]) -> Result<Audience, MessageError> {
    let audience = raw
        .filter(|raw| !raw.is_empty())
        .ok_or(MessageError::NoAudience)?;
    Audience::from_key(audience)
        .filter(|audience| offered.contains(audience))
        .ok_or(MessageError::AudienceNotAllowed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::care::rights::Preset;

    const LINKED_OPEN: OrganisationDoor = OrganisationDoor {
        linked: true,
        after_staff_first: false,
        staff_wrote: false,
    };

    #[test]
    fn the_composer_offers_what_the_rights_and_the_page_allow() {
        let basic = Rights::preset(Preset::Basic);
        assert_eq!(composer_choices(basic, LINKED_OPEN), [Audience::Network]);
        let all = Rights::preset(Preset::Everything);
        assert_eq!(composer_choices(all, LINKED_OPEN), Audience::ALL);
        let unlinked = OrganisationDoor {
            linked: false,
            ..LINKED_OPEN
        };
        assert_eq!(
            composer_choices(all, unlinked),
            [Audience::Network, Audience::TrustGroup]
        );
        let waiting = OrganisationDoor {
            after_staff_first: true,
            ..LINKED_OPEN
        };
        assert!(!composer_choices(all, waiting).contains(&Audience::Organisation));
        let opened = OrganisationDoor {
            staff_wrote: true,
            ..waiting
        };
        assert!(composer_choices(all, opened).contains(&Audience::Organisation));
        let trust = Rights::new([Right::MessagesTrustGroup]).unwrap();
        assert_eq!(composer_choices(trust, LINKED_OPEN), [Audience::TrustGroup]);
    }

    #[test]
    fn organisation_threads_are_read_by_the_trust_group() {
        let trust = Rights::new([Right::MessagesTrustGroup]).unwrap();
        assert_eq!(
            Audience::readable_with(trust),
            [Audience::TrustGroup, Audience::Organisation]
        );
        let network = Rights::new([Right::MessagesNetwork]).unwrap();
        assert_eq!(Audience::readable_with(network), [Audience::Network]);
        assert!(Audience::readable_with(Rights::NONE).is_empty());
    }

    #[test]
    fn bodies_and_audiences_are_checked() {
        assert_eq!(parse_body("  \n "), Err(MessageError::Empty));
        assert_eq!(parse_body("hoi\r\ndaar "), Ok("hoi\ndaar".to_owned()));
        assert_eq!(
            parse_body(&"x".repeat(MAX_BODY + 1)),
            Err(MessageError::TooLong)
        );
        let offered = [Audience::Network];
        assert_eq!(
            parse_audience(None, &offered),
            Err(MessageError::NoAudience)
        );
        assert_eq!(
            parse_audience(Some("organisation"), &offered),
            Err(MessageError::AudienceNotAllowed)
        );
        assert_eq!(
            parse_audience(Some("network"), &offered),
            Ok(Audience::Network)
        );
    }
}
