//! The operator's commands through the real `zorgctl` binary: tenants (TEN-2) created with the
//! first tenant-admin invitation, suspended (and resumed), deleted and listed; a test message
//! through the whole delivery path.

use std::time::Duration;

use common::infra::storage::{ObjectKey, ObjectKind, ObjectStore};
use common::infra::tenancy::{self, Tenant, TenantSlug};
use reqwest::StatusCode;
use zorgportaal_tests::accounts::{eventually_mails, link_in, signed_in, signed_in_as};
use zorgportaal_tests::{eventually, Services, TestPlatform, Visitor};

async fn status_of(platform: &TestPlatform, host: &str) -> (StatusCode, String) {
    let response = platform.get(host, "/").await.unwrap();
    let status = response.status();
    (status, response.text().await.unwrap_or_default())
}

#[tokio::test]
async fn a_suspended_tenant_shows_the_maintenance_page_and_others_carry_on() {
    let platform = TestPlatform::start().await;
    let a = platform.create_tenant("Zorggroep Pauze", "#1d4f91").await;
    let b = platform.create_tenant("Zorggroep Door", "#1d4f91").await;
    platform.zorgctl(&["tenant", "suspend", a.slug.as_str()]);
    let body = eventually(Duration::from_secs(10), "the maintenance page", || async {
        let (status, body) = status_of(&platform, &a.hosts[0]).await;
        (status == StatusCode::SERVICE_UNAVAILABLE).then_some(body)
    })
    .await;
    assert!(body.contains("Tijdelijk niet beschikbaar"), "{body}");
    assert!(body.contains("Zorggroep Pauze"));
    let (status, body) = status_of(&platform, &b.hosts[0]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Zorggroep Door"));
    // Sign-in on the suspended portal is closed too, not only its start page.
    let page = platform.get(&a.hosts[0], "/inloggen").await.unwrap();
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);

    platform.zorgctl(&["tenant", "resume", a.slug.as_str()]);
    eventually(Duration::from_secs(10), "the portal back", || async {
        (status_of(&platform, &a.hosts[0]).await.0 == StatusCode::OK).then_some(())
    })
    .await;
    platform.finish().await;
}

#[tokio::test]
async fn a_new_tenant_invites_its_first_admin_with_a_single_use_link() {
    let platform = TestPlatform::start().await;
    let slug = format!("t{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
    let host = format!("{slug}.test.localhost");
    let invited = platform.unique_email("eerste-beheerder");
    let out = platform.zorgctl(&[
        "tenant",
        "create",
        &slug,
        "--name",
        "Zorggroep Nieuw Begin",
        "--host",
        &host,
        "--admin-email",
        &invited,
    ]);
    assert!(out.contains("invited"), "{out}");
    let tenant = tenancy::find_tenant(&platform.db, &TenantSlug::parse(&slug).unwrap())
        .await
        .unwrap();
    eventually(Duration::from_secs(10), "the new portal", || async {
        (status_of(&platform, &host).await.0 == StatusCode::OK).then_some(())
    })
    .await;

    let mail = eventually_mails(
        &platform,
        &invited,
        "Je bent uitgenodigd als beheerder van Zorggroep Nieuw Begin",
        1,
    )
    .await;
    let link = link_in(&mail, "/beheerder-worden?token=");

    // Signed out, the link leads to sign-in first.
    let page = Visitor::new(&platform, &host).get(&link).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), Some("/inloggen"));

    // The link only works for the invited address: someone else who got hold of it is refused
    // and the invitation stays usable.
    let (mut other, _) = signed_in(&platform, &tenant, "doorgestuurd").await;
    let page = other.get(&link).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        page.shows("naar een ander e-mailadres gestuurd"),
        "{}",
        page.body
    );
    let token = link.split_once("token=").unwrap().1.to_owned();
    let refused = other.post("/beheerder-worden", &[("token", &token)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(other.get("/beheer").await.status, StatusCode::FORBIDDEN);

    let mut person = signed_in_as(&platform, &tenant, "eerste", &invited).await;
    assert_eq!(person.get("/beheer").await.status, StatusCode::FORBIDDEN);
    let page = person.get(&link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.shows("Beheerder worden"));
    assert_eq!(page.hidden("token").as_deref(), Some(token.as_str()));
    let done = person.post("/beheerder-worden", &[("token", &token)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), Some("/beheer"));
    assert_eq!(person.get("/beheer").await.status, StatusCode::OK);

    // Single use: a second person gets nothing from the same link.
    let (mut second, _) = signed_in(&platform, &tenant, "tweede").await;
    let page = second.get(&link).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(page.shows("al gebruikt"));
    let again = second.post("/beheerder-worden", &[("token", &token)]).await;
    assert_eq!(again.status, StatusCode::GONE);
    assert_eq!(second.get("/beheer").await.status, StatusCode::FORBIDDEN);
    platform.finish().await;
}

#[tokio::test]
async fn deleting_a_tenant_removes_its_schema_and_files_and_nothing_of_another() {
    let platform = TestPlatform::start().await;
    let a = platform.create_tenant("Zorggroep Weg", "#1d4f91").await;
    let b = platform.create_tenant("Zorggroep Blijft", "#1d4f91").await;
    let storage = ObjectStore::new(&platform.config.s3);
    let a_key = ObjectKey::new(&a.slug, ObjectKind::Logo);
    let b_key = ObjectKey::new(&b.slug, ObjectKind::Logo);
    for key in [&a_key, &b_key] {
        storage
            .put(key, bytes::Bytes::from_static(b"logo"), "image/png")
            .await
            .unwrap();
    }

    // A person who signed up on A keeps the profile photo (stored under A) on the other portals.
    let (_, email) = signed_in(&platform, &a, "fotograaf").await;
    let photo = ObjectKey::new(&a.slug, ObjectKind::ProfilePhoto);
    let resized = photo.variant("256.jpg");
    for key in [&photo, &resized] {
        storage
            .put(key, bytes::Bytes::from_static(b"photo"), "image/jpeg")
            .await
            .unwrap();
    }
    sqlx::query("UPDATE platform.accounts SET photo_key = $2 WHERE lower(email) = lower($1)")
        .bind(&email)
        .bind(photo.as_str())
        .execute(&platform.db)
        .await
        .unwrap();

    // A wrong confirmation changes nothing.
    let refused = std::process::Command::new(zorgportaal_tests::binary("zorgctl"))
        .args([
            "tenant",
            "delete",
            a.slug.as_str(),
            "--confirm",
            b.slug.as_str(),
        ])
        .envs(platform.child_env())
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(tenancy::find_tenant(&platform.db, &a.slug).await.is_ok());

    let out = platform.zorgctl(&[
        "tenant",
        "delete",
        a.slug.as_str(),
        "--confirm",
        a.slug.as_str(),
    ]);
    assert!(out.contains("deleted"), "{out}");

    let schemas: Vec<String> = sqlx::query_scalar(
        "SELECT schema_name::text FROM information_schema.schemata WHERE schema_name = ANY($1)",
    )
    .bind(vec![a.slug.schema_name(), b.slug.schema_name()])
    .fetch_all(&platform.db)
    .await
    .unwrap();
    assert_eq!(schemas, [b.slug.schema_name()]);
    assert!(tenancy::find_tenant(&platform.db, &a.slug).await.is_err());
    let mut left = storage.list_tenant(&a.slug).await.unwrap();
    left.sort();
    let mut photos = vec![photo.as_str().to_owned(), resized.as_str().to_owned()];
    photos.sort();
    assert_eq!(left, photos, "only the account's photo stays");
    assert_eq!(
        storage.list_tenant(&b.slug).await.unwrap(),
        [b_key.as_str().to_owned()]
    );
    eventually(
        Duration::from_secs(10),
        "the deleted portal gone",
        || async {
            (status_of(&platform, &a.hosts[0]).await.0 == StatusCode::NOT_FOUND).then_some(())
        },
    )
    .await;
    assert_eq!(status_of(&platform, &b.hosts[0]).await.0, StatusCode::OK);
    for key in [&b_key, &photo, &resized] {
        storage.delete(key).await.unwrap();
    }
    platform.finish().await;
}

#[tokio::test]
async fn tenant_list_shows_every_tenant_with_its_status_name_and_hosts() {
    let platform = TestPlatform::start_with(Services::NONE, &[]).await;
    let open = platform.create_tenant("Zorggroep Open", "#1d4f91").await;
    let closed = platform.create_tenant("Zorggroep Dicht", "#1d4f91").await;
    platform.zorgctl(&["tenant", "suspend", closed.slug.as_str()]);

    let listed = platform.zorgctl(&["tenant", "list"]);
    let mut lines: Vec<&str> = listed.lines().collect();
    lines.sort_unstable();
    let mut expected = vec![
        format!("{}\tactive\tZorggroep Open\t{}", open.slug, open.hosts[0]),
        format!(
            "{}\tsuspended\tZorggroep Dicht\t{}",
            closed.slug, closed.hosts[0]
        ),
    ];
    expected.sort();
    assert_eq!(lines, expected, "{listed}");
    platform.finish().await;
}

#[tokio::test]
async fn notify_test_sends_a_branded_message_through_the_whole_delivery_path() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Proef", "#2a6f3e").await;
    let address = platform.unique_email("operator");

    // By e-mail: the printed id is the message's id in its Message-ID.
    let event_id = notify_test(&platform, &tenant, "--email", &address);
    let mails = platform
        .mail
        .wait_for(&address, 1, Duration::from_secs(20))
        .await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.subject, "Testbericht van Zorggroep Proef");
    assert!(
        mail.message_id()
            .is_some_and(|id| id.starts_with(&format!("<{event_id}@"))),
        "{:?}",
        mail.message_id()
    );
    let html = mail.html.as_deref().unwrap_or_default();
    assert!(html.contains("#2a6f3e"), "branded: {html}");
    let text = mail.text.as_deref().unwrap_or_default();
    assert!(text.contains("Kenmerk: zorgctl-"), "{text}");

    // By SMS: the provider gets the id as its reference.
    let event_id = notify_test(&platform, &tenant, "--sms", "+31612345678");
    let request = eventually(Duration::from_secs(20), "the test SMS", || async {
        platform.sms.requests().into_iter().next()
    })
    .await;
    assert_eq!(request.kind, "messages");
    assert_eq!(request.body["reference"], event_id.to_string());
    assert_eq!(request.body["recipients"][0], "+31612345678");
    let body = request.body["body"].as_str().unwrap_or_default();
    assert!(body.contains("Zorggroep Proef"), "{body}");

    // An unknown tenant queues nothing.
    let written = platform.events_written().await;
    let refused = std::process::Command::new(zorgportaal_tests::binary("zorgctl"))
        .args([
            "notify",
            "test",
            "--tenant",
            "bestaat-niet",
            "--email",
            &address,
        ])
        .envs(platform.child_env())
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert_eq!(platform.events_written().await, written);
    platform.mail.delete(&mails).await;
    platform.finish().await;
}

/// `zorgctl notify test` for `tenant` to `to` over `channel` (`--email`, `--sms`): the event
/// id it says it queued.
fn notify_test(platform: &TestPlatform, tenant: &Tenant, channel: &str, to: &str) -> uuid::Uuid {
    let output = platform.zorgctl(&[
        "notify",
        "test",
        "--tenant",
        tenant.slug.as_str(),
        channel,
        to,
    ]);
    let id = output
        .trim()
        .strip_prefix("queued test message ")
        .unwrap_or_else(|| panic!("zorgctl said: {output}"));
    uuid::Uuid::parse_str(id).unwrap_or_else(|e| panic!("{id}: {e}"))
}
