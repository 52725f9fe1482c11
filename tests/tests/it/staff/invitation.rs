//! An employee is invited by the tenant admin, bound to the employee's address, and signs in on
//! the staff side with an ordinary account; the admin can take it away again.

use reqwest::StatusCode;
use zorgportaal_tests::accounts::{link_in, mail_with_subject, make_admin, signed_in};
use zorgportaal_tests::TestPlatform;

#[tokio::test]
async fn an_invited_employee_signs_in_with_the_invited_address_only_until_the_admin_revokes() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Team", "#1d4f91").await;
    let (mut admin, admin_email) = signed_in(&platform, &tenant, "beheer").await;
    make_admin(&platform, &tenant, &admin_email).await;
    let (mut fatima, fatima_email) = signed_in(&platform, &tenant, "fatima").await;
    let (mut someone, _) = signed_in(&platform, &tenant, "iemand").await;

    // Without an invitation the staff side is closed.
    assert_eq!(
        fatima.get("/medewerker").await.status,
        StatusCode::FORBIDDEN
    );

    admin.get("/beheer/medewerkers").await;
    let added = admin
        .post(
            "/beheer/medewerkers",
            &[
                ("name", "Fatima el Amrani"),
                ("role", "Persoonlijk begeleider"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let employee_page = added
        .location()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let shown = admin.get(&employee_page).await;
    assert!(shown.shows("Deze medewerker logt niet in."));
    let bad = admin
        .post(
            &format!("{employee_page}/inloggen"),
            &[("email", "geen-adres")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.shows("Vul een geldig e-mailadres in"));
    let invited = admin
        .post(
            &format!("{employee_page}/inloggen"),
            &[("email", &fatima_email)],
        )
        .await;
    assert_eq!(invited.status, StatusCode::SEE_OTHER, "{}", invited.body);
    let shown = admin.get(invited.location().unwrap()).await;
    assert!(shown.shows("De uitnodiging is verstuurd."));
    assert!(shown.shows(&format!("Uitgenodigd op {fatima_email}")));

    let mail = mail_with_subject(
        &platform,
        &fatima_email,
        "Je kunt nu inloggen als medewerker van Zorggroep Team",
    )
    .await;
    let link = link_in(&mail, "/medewerker-worden");
    // Another account cannot use it: the invitation is bound to Fatima's address.
    let refused = someone.get(&link).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.shows("Deze uitnodiging is voor een ander e-mailadres."));
    assert_eq!(
        someone.get("/medewerker").await.status,
        StatusCode::FORBIDDEN
    );

    let open = fatima.get(&link).await;
    assert_eq!(open.status, StatusCode::OK, "{}", open.body);
    assert!(open.shows("Fatima el Amrani"));
    let token = open.hidden("token").unwrap();
    let accepted = fatima
        .post("/medewerker-worden", &[("token", &token)])
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    assert_eq!(accepted.location(), Some("/medewerker"));
    let inbox = fatima.get("/medewerker").await;
    assert_eq!(inbox.status, StatusCode::OK, "{}", inbox.body);
    assert!(inbox.shows("Berichten van cliënten"));
    assert!(fatima.get("/overzicht").await.shows("href=\"/medewerker\""));
    // Used once; a second use is refused.
    let again = fatima
        .post("/medewerker-worden", &[("token", &token)])
        .await;
    assert_eq!(again.status, StatusCode::GONE);
    assert!(admin
        .get(&employee_page)
        .await
        .shows(&format!("Deze medewerker logt in met {fatima_email}")));

    admin.get(&employee_page).await;
    let revoked = admin
        .post(&format!("{employee_page}/inloggen/intrekken"), &[])
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert_eq!(
        fatima.get("/medewerker").await.status,
        StatusCode::FORBIDDEN
    );
    platform.finish().await;
}
