//! Outbox → RabbitMQ → notifier → mail catcher / SMS provider: exactly once, only on commit.

use std::collections::BTreeMap;
use std::time::Duration;

use common::infra::clock::Clock;
use common::infra::i18n::Language;
use common::infra::mq::{ConsumerSpec, OutgoingMessage, Publisher};
use common::infra::outbox::{self, Event, Message, Recipient};
use common::infra::tenancy::{in_tenant, Tenant};
use uuid::Uuid;
use zorgportaal_tests::tally::message_id_of;
use zorgportaal_tests::tenants::RollBack;
use zorgportaal_tests::{eventually, OwnNotifier, Services, TestPlatform};

fn notification(tenant: &Tenant, to: Recipient, language: Language) -> Event {
    Event::notification(
        &tenant.slug,
        time::OffsetDateTime::UNIX_EPOCH + Duration::from_secs(1_790_000_000),
        to,
        language,
        Message::DeliveryTest {
            reference: "ref-42".into(),
        },
    )
}

#[tokio::test]
async fn a_committed_event_sends_exactly_one_branded_email_even_when_published_twice() {
    let platform = TestPlatform::start_with(WORKER_ONLY, &[]).await;
    let notifier = platform.start_notifier().await;
    let tenant = platform
        .create_tenant("Zorggroep De Linde", "#1d4f91")
        .await;
    let address = platform.unique_email("ans");
    let event = notification(
        &tenant,
        Recipient::Email {
            address: address.clone(),
            name: Some("Ans de Vries".into()),
        },
        Language::Nl,
    );
    platform
        .commit_events(&tenant, std::slice::from_ref(&event))
        .await;

    let mails = platform
        .mail
        .wait_for(&address, 1, Duration::from_secs(20))
        .await;
    let mail = &mails[0];
    assert_eq!(mail.subject, "Testbericht van Zorggroep De Linde");
    let html = mail.html.as_deref().unwrap();
    assert!(html.contains("#1d4f91"), "branded with the tenant colour");
    assert!(html.contains("Beste Ans de Vries,"));
    assert!(mail.text.as_deref().unwrap().contains("Kenmerk: ref-42"));
    assert_eq!(
        mail.message_id(),
        Some(message_id_of(&event, &platform.config.smtp.from_address).as_str()),
        "the Message-ID carries the event id and the sender's domain"
    );
    platform.wait_for_empty_outbox(Duration::from_secs(5)).await;

    // The relay crashed after publishing but before deleting the row: the same event again.
    let publisher = Publisher::open(&platform.broker(), &platform.topology(), &[])
        .await
        .unwrap();
    publisher
        .publish_batch(&[OutgoingMessage {
            message_id: event.id.to_string(),
            routing_key: event.payload.routing_key(),
            headers: BTreeMap::new(),
            body: serde_json::to_vec(&event).unwrap(),
        }])
        .await
        .unwrap();
    publisher.close().await;
    wait_until_handled(&platform, vec![notifier]).await;
    assert_eq!(
        claims_of(&platform, &event).await,
        Some((1, true)),
        "the redelivered event was taken on again"
    );
    assert_eq!(
        platform.mail.to(&address).await.len(),
        1,
        "the redelivered event sent again"
    );
    platform.mail.delete(&mails).await;
    platform.finish().await;
}

#[tokio::test]
async fn the_same_event_delivered_to_two_notifiers_at_once_sends_one_email() {
    let platform = TestPlatform::start_with(Services::NONE, &[]).await;
    let tenant = platform.create_tenant("Zorggroep Twee", "#1d4f91").await;
    // Declares the notifier's queues, so their consumers can be counted from the start.
    let publisher = Publisher::open(
        &platform.broker(),
        &platform.topology(),
        &[ConsumerSpec::notifier()],
    )
    .await
    .unwrap();
    let notifiers = vec![
        platform.start_notifier().await,
        platform.start_notifier().await,
    ];
    let main_queue = platform.topology().queue("notifier");
    eventually(
        Duration::from_secs(20),
        "two notifiers consuming",
        || async { (platform.queue_count(&main_queue).await.consumers == 2).then_some(()) },
    )
    .await;
    let address = platform.unique_email("twee");
    let event = notification(&tenant, Recipient::email(address.clone()), Language::Nl);
    // Both copies in one batch: the broker hands them to the two consumers in turn.
    let copy = || OutgoingMessage {
        message_id: event.id.to_string(),
        routing_key: event.payload.routing_key(),
        headers: BTreeMap::new(),
        body: serde_json::to_vec(&event).unwrap(),
    };
    publisher.publish_batch(&[copy(), copy()]).await.unwrap();
    publisher.close().await;

    let mails = platform
        .mail
        .wait_for(&address, 1, Duration::from_secs(20))
        .await;
    wait_until_handled(&platform, notifiers).await;
    assert_eq!(
        claims_of(&platform, &event).await,
        Some((1, true)),
        "one notifier took the event on, once"
    );
    assert_eq!(platform.mail.to(&address).await.len(), 1, "one e-mail");
    platform.mail.delete(&mails).await;
    platform.finish().await;
}

/// Services for tests that run their own notifiers: the relay, nothing else.
const WORKER_ONLY: Services = Services {
    web: false,
    worker: true,
    notifier: false,
};

/// Waits until every message in the notifier's queue was delivered, then stops the notifiers
/// and checks that none was given back: each copy was handled and acknowledged, so whatever
/// it would send has been sent.
async fn wait_until_handled(platform: &TestPlatform, notifiers: Vec<OwnNotifier>) {
    let main_queue = platform.topology().queue("notifier");
    eventually(Duration::from_secs(20), "every copy delivered", || async {
        (platform.queue_count(&main_queue).await.ready == 0).then_some(())
    })
    .await;
    for notifier in notifiers {
        notifier.stop().await;
    }
    let left = platform
        .wait_for_no_consumer(&main_queue, Duration::from_secs(10))
        .await;
    assert_eq!(left, 0, "a copy was given back unhandled");
}

/// How many times a notifier took `event` on, and whether it is marked sent.
async fn claims_of(platform: &TestPlatform, event: &Event) -> Option<(i32, bool)> {
    sqlx::query_as(
        "SELECT claims, sent_at IS NOT NULL FROM platform.notification_claims WHERE event_id = $1",
    )
    .bind(event.id)
    .fetch_optional(&platform.db)
    .await
    .expect("read the claim")
}

/// Waits until the notifier marked every one of `events` sent; it marks an event only after
/// the provider or the mail server accepted it, and no notifier takes a sent event on again.
async fn wait_until_sent(platform: &TestPlatform, events: &[&Event]) {
    for event in events {
        eventually(Duration::from_secs(20), "the event marked sent", || async {
            matches!(claims_of(platform, event).await, Some((_, true))).then_some(())
        })
        .await;
    }
}

/// Rows of the outbox that hold `event`.
async fn outbox_rows(conn: &mut sqlx::PgConnection, event: &Event) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM platform.outbox WHERE event_id = $1")
        .bind(event.id)
        .fetch_one(conn)
        .await
}

fn sms_to(phone: &str) -> Recipient {
    Recipient::Sms {
        phone: phone.into(),
    }
}

#[tokio::test]
async fn an_event_in_a_rolled_back_transaction_sends_nothing() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Terug", "#335577").await;
    let rolled_back = platform.unique_email("rolled-back");
    let committed = platform.unique_email("committed");

    // Deliberately not committed: the work writes its event, then fails, and `in_tenant`
    // rolls the transaction back with the event in it.
    let event = notification(&tenant, Recipient::email(rolled_back.clone()), Language::Nl);
    let rolled = in_tenant(&platform.db, &tenant.slug, async |tx| {
        outbox::write(tx.conn(), &event).await?;
        assert_eq!(
            outbox_rows(tx.conn(), &event).await?,
            1,
            "the event is in the transaction's outbox"
        );
        Err::<(), _>(RollBack::Deliberate)
    })
    .await;
    assert!(matches!(rolled, Err(RollBack::Deliberate)), "{rolled:?}");
    assert_eq!(
        outbox_rows(&mut platform.db.acquire().await.unwrap(), &event)
            .await
            .unwrap(),
        0,
        "the rollback took the event with it"
    );
    // A later committed event proves the pipeline ran past the rolled-back one.
    let later = notification(&tenant, Recipient::email(committed.clone()), Language::En);
    platform.commit_events(&tenant, &[later]).await;
    let mails = platform
        .mail
        .wait_for(&committed, 1, Duration::from_secs(20))
        .await;
    assert_eq!(mails[0].subject, "Test message from Zorggroep Terug");
    assert!(platform.mail.to(&rolled_back).await.is_empty());
    assert_eq!(platform.outbox_len().await, 0);
    platform.mail.delete(&mails).await;
    platform.finish().await;
}

#[tokio::test]
async fn sms_and_voice_go_to_the_provider_in_its_request_shape_and_are_retried() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Bel", "#1d4f91").await;
    // The provider is down for the first two requests: the notifier retries.
    platform.sms.fail_next(2);
    let sms = notification(&tenant, sms_to("+31612345678"), Language::Nl);
    let voice = notification(
        &tenant,
        Recipient::Voice {
            phone: "+31201234567".into(),
        },
        Language::En,
    );
    platform
        .commit_events(&tenant, &[sms.clone(), voice.clone()])
        .await;

    wait_until_sent(&platform, &[&sms, &voice]).await;
    let requests = platform.sms.requests();
    assert_eq!(requests.len(), 2, "each message sent once");
    let by_kind = |kind: &str| requests.iter().find(|r| r.kind == kind).unwrap().clone();

    let text = by_kind("messages");
    assert_eq!(
        text.authorization.as_deref(),
        Some("AccessKey dev-access-key")
    );
    assert_eq!(text.body["recipients"], serde_json::json!(["+31612345678"]));
    assert_eq!(text.body["reference"], sms.id.to_string());
    assert_eq!(
        text.body["body"],
        "Testbericht van Zorggroep Bel. Kenmerk: ref-42"
    );

    let call = by_kind("voicemessages");
    assert_eq!(call.body["recipients"], serde_json::json!(["+31201234567"]));
    assert_eq!(call.body["language"], "en-gb");
    assert_eq!(call.body["reference"], voice.id.to_string());
    assert!(call.body["body"]
        .as_str()
        .unwrap()
        .contains("Zorggroep Bel"));
    platform.finish().await;
}

#[tokio::test]
async fn an_sms_the_provider_may_have_sent_without_answering_is_parked_not_repeated() {
    let platform = TestPlatform::start_with(
        Services::ALL,
        &[
            ("SMS_TIMEOUT_MS", "3000".to_owned()),
            ("SMTP_TIMEOUT_MS", "3000".to_owned()),
            ("NOTIFIER_CLAIM_LEASE_MS", "3500".to_owned()),
        ],
    )
    .await;
    let tenant = platform.create_tenant("Zorggroep Stil", "#1d4f91").await;
    // The provider takes the first request in and never answers it.
    platform.sms.stall_next(1);
    let sms = notification(&tenant, sms_to("+31612345678"), Language::Nl);
    platform
        .commit_events(&tenant, std::slice::from_ref(&sms))
        .await;
    eventually(
        Duration::from_secs(20),
        "the provider takes it in",
        || async { (platform.sms.requests().len() == 1).then_some(()) },
    )
    .await;
    // The send is under way (the provider holds it for longer than this look takes): the
    // notifier keeps no transaction open meanwhile.
    let open_transactions: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity
         WHERE datname = current_database() AND state LIKE 'idle in transaction%'",
    )
    .fetch_one(&platform.db)
    .await
    .unwrap();
    assert_eq!(
        open_transactions, 0,
        "a transaction is held during the send"
    );

    let parked = platform.wait_for_parked(&ConsumerSpec::notifier(), 1).await;
    assert_eq!(parked[0].message_id, sms.id.to_string());
    assert!(
        parked[0].last_error.contains("may have been sent"),
        "the reason says why it was not repeated: {}",
        parked[0].last_error
    );
    // Parked is the only copy left, so nothing can send it again by itself.
    assert_eq!(platform.sms.requests().len(), 1, "sent once, not repeated");
    let listing = platform.zorgctl(&["queue", "parked"]);
    assert!(
        listing.contains(&sms.id.to_string()) && listing.contains("may have been sent"),
        "zorgctl shows the parked SMS with its reason:\n{listing}"
    );

    // The operator checked with the provider and sends it after all.
    platform.zorgctl(&["queue", "replay", &sms.id.to_string()]);
    wait_until_sent(&platform, &[&sms]).await;
    let requests = platform.sms.requests();
    assert_eq!(requests.len(), 2, "sent again once, on the operator's word");
    assert_eq!(requests[1].body["reference"], sms.id.to_string());
    platform.finish().await;
}

#[tokio::test]
async fn claims_of_events_sent_long_ago_are_removed_and_the_rest_kept() {
    let platform = TestPlatform::start_with(Services::NONE, &[]).await;
    let (old_sent, recent_sent, old_unsent) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    for (event, age_days, sent) in [
        (old_sent, 31, true),
        (recent_sent, 29, true),
        (old_unsent, 31, false),
    ] {
        sqlx::query(
            "INSERT INTO platform.notification_claims (event_id, owner, claimed_at, lease_until, sent_at)
             VALUES ($1, $1, now() - make_interval(days => $2), now() - make_interval(days => $2),
                     CASE WHEN $3 THEN now() - make_interval(days => $2) END)",
        )
        .bind(event)
        .bind(age_days)
        .bind(sent)
        .execute(&platform.db)
        .await
        .unwrap();
    }
    let pruned = notifier::claims::prune(
        &platform.db,
        platform.clock.now() - notifier::claims::KEEP_SENT,
    )
    .await
    .unwrap();
    assert_eq!(
        pruned, 1,
        "only the claim of an event sent 31 days ago goes"
    );
    let left: Vec<Uuid> =
        sqlx::query_scalar("SELECT event_id FROM platform.notification_claims ORDER BY event_id")
            .fetch_all(&platform.db)
            .await
            .unwrap();
    let mut kept = vec![recent_sent, old_unsent];
    kept.sort();
    assert_eq!(
        left, kept,
        "a recent sent claim and an unsent (parked) one stay"
    );
    platform.finish().await;
}
