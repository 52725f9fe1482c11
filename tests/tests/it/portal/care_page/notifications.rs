//! Meldingen (NOT-1): every member chooses, per care page, which events send them an e-mail;
//! until they choose, every event does. One member's choice is theirs alone.

use common::care::notification_prefs::{self, NotificationEvent};
use common::care::page::CarePageId;
use common::care::rights::Rights;
use common::infra::tenancy::in_tenant;
use reqwest::StatusCode;
use zorgportaal_tests::care_pages::{beheerder_with_page, member_with};
use zorgportaal_tests::{Page, TestPlatform};

/// The boxes the Meldingen page shows ticked, by event key.
fn ticked(page: &Page) -> Vec<&'static str> {
    NotificationEvent::ALL
        .into_iter()
        .map(NotificationEvent::key)
        .filter(|key| {
            page.shows(&format!(
                "id=\"melding-{key}\" name=\"melding\" type=\"checkbox\" value=\"{key}\" checked"
            ))
        })
        .collect()
}

#[tokio::test]
async fn a_member_chooses_which_events_send_an_email_and_the_choice_is_theirs_alone() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Melding", "#1d4f91").await;
    let (mut beheerder, _, page) = beheerder_with_page(&platform, &tenant).await;
    // Any member may choose, also one without rights.
    let (mut buurvrouw, buurvrouw_email, buurvrouw_id) =
        member_with(&platform, &tenant, page, "buurvrouw", Rights::NONE).await;
    let path = format!("/zorgpagina/{page}/meldingen");

    let form = buurvrouw.get(&path).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.shows("Hier kan je aangeven wanneer je een melding wilt ontvangen."));
    assert!(
        form.shows(&buurvrouw_email),
        "the e-mails go to her address"
    );
    let every: Vec<&str> = NotificationEvent::ALL
        .into_iter()
        .map(NotificationEvent::key)
        .collect();
    assert_eq!(ticked(&form), every, "until she chooses, everything");

    let saved = buurvrouw
        .post(
            &path,
            &[("melding", "new_message"), ("melding", "network_changes")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let again = buurvrouw.get(saved.location().unwrap()).await;
    assert!(again.shows("Je meldingen zijn opgeslagen."));
    assert_eq!(ticked(&again), ["new_message", "network_changes"]);
    let stored = in_tenant(&platform.db, &tenant.slug, async |tx| {
        notification_prefs::of(tx, CarePageId(page), buurvrouw_id).await
    })
    .await
    .unwrap();
    assert_eq!(
        stored.into_iter().collect::<Vec<_>>(),
        [
            NotificationEvent::NewMessage,
            NotificationEvent::NetworkChanges
        ]
    );

    // Nothing ticked: no e-mails at all.
    let none = buurvrouw.post(&path, &[]).await;
    assert_eq!(none.status, StatusCode::SEE_OTHER);
    assert!(ticked(&buurvrouw.get(&path).await).is_empty());

    // A box that is no event is refused, and nothing changes.
    let odd = buurvrouw
        .post(&path, &[("melding", "new_report"), ("melding", "sms")])
        .await;
    assert_eq!(odd.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(odd.shows("Deze melding kennen we niet."));
    assert_eq!(ticked(&odd), ["new_report"], "the boxes as she ticked them");
    assert!(ticked(&buurvrouw.get(&path).await).is_empty());

    // The beheerder's own choice is untouched.
    assert_eq!(ticked(&beheerder.get(&path).await), every);
    platform.finish().await;
}
