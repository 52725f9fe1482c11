//! The transactional outbox: side effects are recorded as events in the same transaction as
//! the data change that causes them, and relayed to RabbitMQ by the worker after commit.
//! Nothing reachable from a request publishes to the broker or sends mail directly.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::infra::crypto::Secret;
use crate::infra::i18n::Language;
use crate::infra::mq::headers::DELIVER_AT;
use crate::infra::telemetry;
use crate::infra::tenancy::TenantSlug;

/// Everything that can leave a request. Each variant names its routing key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventPayload {
    /// A message to one person over one channel, rendered and sent by the notifier.
    Notification(Notification),
    /// Background work for the worker.
    Job(Job),
}

/// Work the worker does after the request that asked for it has committed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "snake_case")]
pub enum Job {
    /// ACC-7: make the resized copy of an uploaded profile photo, show it, and remove the
    /// upload and the photo it replaces.
    ResizeProfilePhoto {
        /// The account whose photo it is (an `AccountId`; the wire carries the plain id).
        account: Uuid,
        upload_key: String,
    },
    /// Remove objects that nothing refers to any more (the photo of a deleted account).
    DeleteObjects { keys: Vec<String> },
    /// NET-3: an invitation of the event's tenant has become a month old; remove the invitations
    /// that were not accepted and are that old.
    RemoveOldInvitations,
    /// NET-2: a grant of the event's tenant reaches its reminder or its end; send the
    /// reminders and lapse the grants that are due.
    HandleEndingGrants,
    /// MSG-5: tell the audience of a new message that it waits (one e-mail each, by their
    /// Meldingen); `portal_url` is `scheme://host` of the portal the e-mails link to.
    AnnounceMessage { message: Uuid, portal_url: String },
    /// MSG-5: the e-mail planned for the end of a member's quarter hour on a care page.
    SendMessageDigest {
        care_page: Uuid,
        account: Uuid,
        portal_url: String,
    },
}

impl Job {
    pub fn name(&self) -> &'static str {
        match self {
            Job::ResizeProfilePhoto { .. } => "resize_profile_photo",
            Job::DeleteObjects { .. } => "delete_objects",
            Job::RemoveOldInvitations => "remove_old_invitations",
            Job::HandleEndingGrants => "handle_ending_grants",
            Job::AnnounceMessage { .. } => "announce_message",
            Job::SendMessageDigest { .. } => "send_message_digest",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub to: Recipient,
    pub language: Language,
    pub message: Message,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "channel", rename_all = "snake_case")]
pub enum Recipient {
    Email {
        address: String,
        name: Option<String>,
    },
    Sms {
        phone: String,
    },
    Voice {
        phone: String,
    },
}

impl Recipient {
    pub fn email(address: impl Into<String>) -> Self {
        Recipient::Email {
            address: address.into(),
            name: None,
        }
    }

    /// The channel's name, as used in routing keys, template folders and metrics.
    pub fn channel(&self) -> &'static str {
        match self {
            Recipient::Email { .. } => "email",
            Recipient::Sms { .. } => "sms",
            Recipient::Voice { .. } => "voice",
        }
    }
}

/// The messages the notifier knows how to render; each has a template per channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Message {
    /// Sent by an operator to check a tenant's delivery path and branding end to end.
    DeliveryTest { reference: String },
    /// ACC-2: "Welkom bij <portal>" with the single-use link to confirm the address.
    ConfirmEmail { name: String, link: Secret },
    /// ACC-1: someone signed up with an address that has an account already. The screen said
    /// nothing; the owner learns it here, with ways to sign in or reset the password.
    AccountExists {
        name: String,
        sign_in_link: String,
        reset_link: String,
    },
    /// ACC-4: the six-digit sign-in code (e-mail, SMS or a voice call).
    SignInCode { name: String, code: Secret },
    /// ACC-5: a link to choose a new password.
    PasswordReset { name: String, link: Secret },
    /// ACC-5/ACC-7: the password was changed and every other session ended.
    PasswordChanged { name: String },
    /// ACC-4: too many wrong codes in a day; the account is held until a new password is
    /// chosen, and the owner learns that someone who knew the password tried.
    CodeLockout { name: String, reset_link: String },
    /// ACC-8: confirm by e-mail that the new phone number is yours; the code follows.
    VerifyPhoneLink {
        name: String,
        link: Secret,
        phone: String,
    },
    /// ACC-8: the code that proves the phone number (SMS for mobile, voice for landline).
    PhoneCode { code: Secret },
    /// ACC-8: a new phone number now gets the sign-in codes; `phone_end` shows its last
    /// digits only ("••••••••78"), so the mail gives nothing away.
    PhoneChanged { name: String, phone_end: String },
    /// ACC-8: the phone number was removed; sign-in codes go by e-mail again.
    PhoneRemoved { name: String, phone_end: String },
    /// ACC-9: a question from the help form, to the organisation's support address.
    /// The notifier sets the asker's address as Reply-To, so a reply goes straight to them.
    HelpQuestion {
        from_name: String,
        from_email: String,
        /// What the question is about, as the asker put it (empty in messages from before
        /// the form asked for it).
        #[serde(default)]
        subject: String,
        question: String,
        reference: String,
    },
    /// ACC-7: the account was deleted.
    AccountDeleted { name: String },
    /// TEN-2: the single-use link that makes the person a tenant admin of the organisation.
    TenantAdminInvitation { link: Secret },
    /// NET-1: an invitation to a care page's personal network, in the invitee's language, with
    /// the inviter's personal message and the link that joins the page.
    NetworkInvitation {
        name: String,
        inviter: String,
        client: String,
        personal_message: Option<String>,
        link: Secret,
        /// The last day the link works, as people write it (`dd-mm-jjjj`).
        valid_until: String,
    },
    /// NET-5: to a member a beheerder removed from a care page's network.
    MemberRemoved {
        name: String,
        client: String,
        by: String,
    },
    /// NET-2: to a member whose grant ends within three days, once.
    RightsEnding {
        name: String,
        client: String,
        granted_by: String,
        /// The last day the rights hold, as people write it (`dd-mm-jjjj`).
        last_day: String,
    },
    /// NET-5: to the beheerder, that the member is removed from the page's network.
    MemberRemovedNotice {
        name: String,
        member: String,
        client: String,
    },
    /// API-3: the single-use link with which an employee starts signing in on the staff side.
    StaffInvitation { name: String, link: Secret },
    /// MSG-5: messages wait on a care page; how many, and the link. Never their content.
    MessagesWaiting {
        name: String,
        client: String,
        count: u32,
        link: String,
    },
}

impl Message {
    pub fn template_name(&self) -> &'static str {
        match self {
            Message::DeliveryTest { .. } => "delivery_test",
            Message::ConfirmEmail { .. } => "confirm_email",
            Message::AccountExists { .. } => "account_exists",
            Message::SignInCode { .. } => "sign_in_code",
            Message::PasswordReset { .. } => "password_reset",
            Message::PasswordChanged { .. } => "password_changed",
            Message::CodeLockout { .. } => "code_lockout",
            Message::VerifyPhoneLink { .. } => "verify_phone_link",
            Message::PhoneCode { .. } => "phone_code",
            Message::PhoneChanged { .. } => "phone_changed",
            Message::PhoneRemoved { .. } => "phone_removed",
            Message::HelpQuestion { .. } => "help_question",
            Message::AccountDeleted { .. } => "account_deleted",
            Message::TenantAdminInvitation { .. } => "tenant_admin_invitation",
            Message::NetworkInvitation { .. } => "network_invitation",
            Message::MemberRemoved { .. } => "member_removed",
            Message::RightsEnding { .. } => "rights_ending",
            Message::MemberRemovedNotice { .. } => "member_removed_notice",
            Message::MessagesWaiting { .. } => "messages_waiting",
            Message::StaffInvitation { .. } => "staff_invitation",
        }
    }
}

impl EventPayload {
    pub fn routing_key(&self) -> String {
        match self {
            EventPayload::Notification(n) => format!("notification.{}", n.to.channel()),
            EventPayload::Job(job) => format!("job.{}", job.name()),
        }
    }
}

/// What travels over the queue: the payload plus who, when and which trace caused it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Unique per event; consumers use it as their idempotency key.
    pub id: Uuid,
    pub tenant: Option<TenantSlug>,
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
    /// W3C trace context (`traceparent`, `tracestate`) of the request that caused the event.
    pub trace_context: BTreeMap<String, String>,
    /// Not to be handled before this moment: the message waits in RabbitMQ until then.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub deliver_at: Option<OffsetDateTime>,
    pub payload: EventPayload,
}

impl Event {
    /// A new event, carrying the trace context of the current span.
    pub fn new(
        tenant: Option<TenantSlug>,
        occurred_at: OffsetDateTime,
        payload: EventPayload,
    ) -> Self {
        Self {
            id: Uuid::now_v7(),
            tenant,
            occurred_at,
            trace_context: telemetry::current_trace_context(),
            deliver_at: None,
            payload,
        }
    }

    /// The same event, to be handled at `moment` and not before.
    pub fn at(self, moment: OffsetDateTime) -> Self {
        Self {
            deliver_at: Some(moment),
            ..self
        }
    }

    /// What travels as AMQP headers: the trace context, and the moment the event is due.
    fn headers(&self) -> BTreeMap<String, String> {
        let mut headers = self.trace_context.clone();
        if let Some(moment) = self.deliver_at {
            let millis = moment.unix_timestamp_nanos() / 1_000_000;
            headers.insert(DELIVER_AT.to_owned(), millis.to_string());
        }
        headers
    }
}

impl Event {
    /// A message to one recipient on behalf of `tenant`.
    pub fn notification(
        tenant: &TenantSlug,
        occurred_at: OffsetDateTime,
        to: Recipient,
        language: Language,
        message: Message,
    ) -> Self {
        Self::new(
            Some(tenant.clone()),
            occurred_at,
            EventPayload::Notification(Notification {
                to,
                language,
                message,
            }),
        )
    }
}

impl Event {
    /// Work for the worker, on behalf of `tenant`.
    pub fn job(tenant: Option<TenantSlug>, occurred_at: OffsetDateTime, job: Job) -> Self {
        Self::new(tenant, occurred_at, EventPayload::Job(job))
    }
}

/// Records `event` in the caller's transaction; it is relayed only if that transaction commits.
pub async fn write(conn: &mut PgConnection, event: &Event) -> Result<(), sqlx::Error> {
    let payload = serde_json::to_value(event).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    // The trace context and the moment go to their own column too, so the relay can pass them
    // on as AMQP headers without decoding the event.
    sqlx::query!(
        "INSERT INTO platform.outbox (event_id, tenant_slug, routing_key, payload, headers, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        event.id,
        event.tenant.as_ref().map(TenantSlug::as_str),
        event.payload.routing_key(),
        payload,
        sqlx::types::Json(&event.headers()) as _,
        event.occurred_at,
    )
    .execute(&mut *conn)
    .await?;
    // Delivered at commit only, so the relay wakes exactly when there is something to send.
    sqlx::query!("SELECT pg_notify('outbox', '')")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_through_json() {
        let event = Event {
            id: Uuid::nil(),
            tenant: Some(TenantSlug::parse("de-linde").unwrap()),
            occurred_at: OffsetDateTime::UNIX_EPOCH,
            trace_context: BTreeMap::new(),
            deliver_at: None,
            payload: EventPayload::Notification(Notification {
                to: Recipient::Sms {
                    phone: "+31612345678".into(),
                },
                language: Language::En,
                message: Message::DeliveryTest {
                    reference: "r-1".into(),
                },
            }),
        };
        let json = serde_json::to_string(&event).unwrap();
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), event);
        assert_eq!(event.payload.routing_key(), "notification.sms");
    }

    #[test]
    fn jobs_round_trip_and_route_by_name() {
        let event = Event {
            id: Uuid::nil(),
            tenant: None,
            occurred_at: OffsetDateTime::UNIX_EPOCH,
            trace_context: BTreeMap::new(),
            deliver_at: None,
            payload: EventPayload::Job(Job::ResizeProfilePhoto {
                account: Uuid::nil(),
                upload_key: "de-linde/profile-photo/x".into(),
            }),
        };
        let json = serde_json::to_string(&event).unwrap();
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), event);
        assert_eq!(event.payload.routing_key(), "job.resize_profile_photo");
    }

    #[test]
    fn an_event_for_later_carries_its_moment_as_a_header_and_in_its_body() {
        let moment = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let event = Event::job(
            None,
            OffsetDateTime::UNIX_EPOCH,
            Job::DeleteObjects { keys: vec![] },
        );
        assert!(!event.headers().contains_key(DELIVER_AT));
        let later = event.at(moment);
        assert_eq!(later.headers()[DELIVER_AT], "1800000000000");
        let json = serde_json::to_string(&later).unwrap();
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), later);
    }

    #[test]
    fn codes_and_links_travel_whole_but_print_redacted() {
        let messages = [
            Message::SignInCode {
                name: "Ria".into(),
                code: "493817".into(),
            },
            Message::PhoneCode {
                code: "493817".into(),
            },
            Message::PasswordReset {
                name: "Ria".into(),
                link: "https://p/wachtwoord-herstellen?token=493817".into(),
            },
            Message::ConfirmEmail {
                name: "Ria".into(),
                link: "https://p/account/bevestigen?token=493817".into(),
            },
            Message::VerifyPhoneLink {
                name: "Ria".into(),
                link: "https://p/telefoon?token=493817".into(),
                phone: "+31612345678".into(),
            },
            Message::TenantAdminInvitation {
                link: "https://p/beheerder-worden?token=493817".into(),
            },
        ];
        for message in messages {
            let printed = format!("{message:?}");
            assert!(!printed.contains("493817"), "{printed}");
            let json = serde_json::to_string(&message).unwrap();
            assert!(json.contains("493817"), "{json}");
            assert_eq!(serde_json::from_str::<Message>(&json).unwrap(), message);
        }
    }
}
