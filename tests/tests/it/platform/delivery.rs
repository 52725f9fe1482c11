//! Outbox → RabbitMQ → notifier → mail catcher / SMS provider: exactly once, only on commit.

use std::collections::BTreeMap;
use std::time::Duration;

use common::infra::i18n::Language;
use common::infra::mq::{OutgoingMessage, Publisher};
use common::infra::outbox::{self, Event, Message, Recipient};
use common::infra::tenancy::{in_tenant, Tenant};
use zorgportaal_tests::tenants::RollBack;
use zorgportaal_tests::{eventually, TestPlatform};

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
    let platform = TestPlatform::start().await;
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
        Some(format!("<{}@zorgportaal>", event.id).as_str())
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
    // Give the duplicate time to be consumed, then check it sent nothing.
    eventually(Duration::from_secs(10), "duplicate consumed", || async {
        (queue_depth(&platform).await == 0).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        platform.mail.to(&address).await.len(),
        1,
        "the redelivered event sent again"
    );
    platform.mail.delete(&mails).await;
    platform.finish().await;
}

async fn queue_depth(platform: &TestPlatform) -> u32 {
    let connection = platform.broker().connect().await.unwrap();
    let channel = connection.create_channel().await.unwrap();
    let queue = channel
        .queue_declare(
            platform.topology().queue("notifier").into(),
            lapin::options::QueueDeclareOptions {
                passive: true,
                ..Default::default()
            },
            lapin::types::FieldTable::default(),
        )
        .await
        .unwrap();
    let _ = connection.close(200, "".into()).await;
    queue.message_count()
}

/// Rows of the outbox that hold `event`.
async fn outbox_rows(conn: &mut sqlx::PgConnection, event: &Event) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM platform.outbox WHERE event_id = $1")
        .bind(event.id)
        .fetch_one(conn)
        .await
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
    let sms = notification(
        &tenant,
        Recipient::Sms {
            phone: "+31612345678".into(),
        },
        Language::Nl,
    );
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

    let requests = eventually(Duration::from_secs(20), "two provider requests", || async {
        let requests = platform.sms.requests();
        (requests.len() >= 2).then_some(requests)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(platform.sms.requests().len(), 2, "each message sent once");
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
