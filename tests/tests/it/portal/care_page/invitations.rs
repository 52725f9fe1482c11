//! Invitations to the personal network (NET-1, NET-3): the beheerder's form and its rules, the
//! branded e-mail in the invitee's language, joining with a new account, and links that are
//! bound to their address and die when used, resent, withdrawn or expired.

use std::time::Duration;

use common::care::network::invitations;
use common::infra::clock::{dutch, Clock};
use reqwest::StatusCode;
use zorgportaal_tests::accounts::{
    confirm_from_mail, enter_password, eventually_mails, link_in, mailed_code, sign_up, signed_in,
    PASSWORD,
};
use zorgportaal_tests::care_pages::beheerder_with_page;
use zorgportaal_tests::{TestPlatform, Visitor};

/// The invite form as a beheerder fills it in.
fn invite_fields<'a>(
    name: &'a str,
    email: &'a str,
    language: &'a str,
    access: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("email", email),
        ("language", language),
        (
            "message",
            "Hoi Jan, bij deze de uitnodiging voor de zorgpagina van Anna.",
        ),
        ("access", access),
    ]
}

/// Sends the invite form; expects to land on Connecties.
async fn invite(beheerder: &mut Visitor, page: uuid::Uuid, fields: &[(&str, &str)]) {
    beheerder
        .get(&format!("/zorgpagina/{page}/uitnodigen"))
        .await;
    let sent = beheerder
        .post(&format!("/zorgpagina/{page}/uitnodigen"), fields)
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(
        sent.location(),
        Some(format!("/zorgpagina/{page}/connecties?melding=uitgenodigd").as_str())
    );
}

#[tokio::test]
async fn an_invited_person_signs_up_from_the_email_and_joins_with_the_chosen_rights() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Uitnodiging", "#1d4f91")
        .await;
    let (mut beheerder, beheerder_email, page) = beheerder_with_page(&platform, &tenant).await;

    let form = beheerder
        .get(&format!("/zorgpagina/{page}/uitnodigen"))
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    for text in [
        "Iemand uitnodigen",
        "voor de zorgpagina van Anna de Vries",
        "Uitnodigingen zijn 3 dagen geldig.",
        "Basis functionaliteiten (kalender en berichten)",
        "Mag vragenlijsten invullen voor Anna de Vries (dossiertoegang nodig)",
        "Kan communiceren met elke aangesloten zorgorganisatie",
    ] {
        assert!(form.shows(text), "{text}");
    }

    // A choice of access is required, and the switches keep their dependencies.
    let invitee = platform.unique_email("jan");
    let path = format!("/zorgpagina/{page}/uitnodigen");
    let no_choice = beheerder
        .post(&path, &invite_fields("Jan Jansen", &invitee, "en", ""))
        .await;
    assert_eq!(
        no_choice.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        no_choice.body
    );
    assert!(no_choice.shows("Kies waar deze persoon toegang toe krijgt"));
    assert_eq!(no_choice.field_value("name").as_deref(), Some("Jan Jansen"));
    let mut broken = invite_fields("Jan Jansen", &invitee, "en", "eigen");
    broken.push(("rechten", "plannen_goedkeuren"));
    let refused = beheerder.post(&path, &broken).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.shows("Deze rechten horen bij elkaar"));
    let own = beheerder
        .post(&path, &invite_fields("Ik", &beheerder_email, "nl", "niets"))
        .await;
    assert!(own.shows("Deze persoon doet al mee op deze zorgpagina."));

    // "Basis", for a month: the grant's last day goes with the invitation.
    let last_day = dutch::civil(platform.clock.now()).date() + time::Duration::days(30);
    let field = last_day
        .format(time::macros::format_description!("[year]-[month]-[day]"))
        .unwrap();
    let mut fields = invite_fields("Jan Jansen", &invitee, "en", "basis");
    fields.push(("tot", &field));
    invite(&mut beheerder, page, &fields).await;
    let connecties = beheerder
        .get(&format!(
            "/zorgpagina/{page}/connecties?melding=uitgenodigd"
        ))
        .await;
    assert!(connecties.shows("De uitnodiging is verstuurd."));
    assert!(connecties.shows("Jan Jansen") && connecties.shows(&invitee));
    assert!(connecties.shows("Wacht op antwoord, geldig tot en met"));

    // The e-mail, in the language the beheerder chose, with the personal message.
    let mail = eventually_mails(
        &platform,
        &invitee,
        "dochter invites you to the care page of Anna de Vries",
        1,
    )
    .await;
    let text = mail.text.clone().unwrap_or_default();
    assert!(text.contains("Hoi Jan, bij deze de uitnodiging"), "{text}");
    assert!(text.contains("Zorggroep Uitnodiging"), "{text}");
    let link = link_in(&mail, "/uitnodiging?token=");

    // Signed out: the page says who invites whom, then sign up, confirm, sign in, and back.
    let mut jan = Visitor::new(&platform, &tenant.hosts[0]);
    let opened = jan.get(&link).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    // Whose page it is shows only to the invited address, once signed in.
    assert!(opened.shows(
        "dochter nodigt Jan Jansen uit om mee te doen op een zorgpagina bij Zorggroep Uitnodiging."
    ));
    assert!(!opened.shows("Anna de Vries"), "{}", opened.body);
    assert!(opened.shows("Account aanmaken"));
    sign_up(&mut jan, "Jan Jansen", &invitee, PASSWORD).await;
    confirm_from_mail(&platform, &tenant, &mut jan, &invitee).await;
    enter_password(&mut jan, &invitee, PASSWORD).await;
    let code = mailed_code(&platform, &tenant, &invitee, 1).await;
    let signed_in_now = jan.post("/inloggen/code", &[("code", &code)]).await;
    assert_eq!(signed_in_now.location(), Some(link.as_str()));
    let to_accept = jan.get(&link).await;
    assert!(
        to_accept.shows("Uitnodiging aannemen"),
        "{}",
        to_accept.body
    );
    assert!(to_accept.shows("op de zorgpagina van Anna de Vries"));
    let accepted = jan
        .post("/uitnodiging", &[("token", &token_of(&link))])
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    assert_eq!(
        accepted.location(),
        Some(format!("/zorgpagina/{page}?melding=welkom").as_str())
    );
    let home = jan.get(&format!("/zorgpagina/{page}?melding=welkom")).await;
    assert!(home.shows("Welkom! Je doet nu mee op deze zorgpagina."));

    // "Basis functionaliteiten": the calendar and messages, not the dossier.
    let calendar = jan.get(&format!("/zorgpagina/{page}/kalender")).await;
    assert_eq!(calendar.status, StatusCode::OK);
    let dossier = jan.get(&format!("/zorgpagina/{page}/dossier")).await;
    assert_eq!(dossier.status, StatusCode::FORBIDDEN);
    let people = beheerder
        .get(&format!("/zorgpagina/{page}/connecties"))
        .await;
    assert!(!people.shows("Wacht op antwoord"));
    let until = common::care::page::BirthDate::format(last_day);
    assert!(
        people.shows(&format!("Mantelzorger, rechten tot en met {until}")),
        "{}",
        people.body
    );

    // The link is used up.
    let again = jan.get(&link).await;
    assert_eq!(again.status, StatusCode::GONE);
    assert!(again.shows("Deze uitnodiging is al gebruikt."));
    platform.finish().await;
}

/// The token of an invitation link.
fn token_of(link: &str) -> String {
    link.split("token=").nth(1).unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_link_opens_only_for_its_address_and_dies_when_resent_withdrawn_or_expired() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Link", "#1d4f91").await;
    let other_tenant = platform.create_tenant("Zorggroep Anders", "#7a1f5c").await;
    let (mut beheerder, beheerder_email, page) = beheerder_with_page(&platform, &tenant).await;
    let (mut invited, invited_email) = signed_in(&platform, &tenant, "kees").await;
    let (mut someone_else, _) = signed_in(&platform, &tenant, "piet").await;

    invite(
        &mut beheerder,
        page,
        &invite_fields("Kees", &invited_email, "nl", "alles"),
    )
    .await;
    let subject = "dochter nodigt je uit voor de zorgpagina van Anna de Vries";
    let first = link_in(
        &eventually_mails(&platform, &invited_email, subject, 1).await,
        "/uitnodiging?token=",
    );

    // Someone else, signed in, cannot use it; the invitation stays usable.
    let wrong = someone_else.get(&first).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert!(wrong.shows("Deze uitnodiging is voor een ander e-mailadres"));
    assert!(!wrong.shows("Anna de Vries"), "{}", wrong.body);
    let wrong_accept = someone_else
        .post("/uitnodiging", &[("token", &token_of(&first))])
        .await;
    assert_eq!(wrong_accept.status, StatusCode::FORBIDDEN);
    let theirs = someone_else.get(&format!("/zorgpagina/{page}")).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    // Another organisation's portal knows nothing of it.
    let elsewhere = Visitor::new(&platform, &other_tenant.hosts[0])
        .get(&first)
        .await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);

    // Resent: the old link dies, the new one works.
    let id = invitation_id(
        &beheerder
            .get(&format!("/zorgpagina/{page}/connecties"))
            .await
            .body,
    );
    beheerder
        .get(&format!("/zorgpagina/{page}/connecties"))
        .await;
    let resent = beheerder
        .post(
            &format!("/zorgpagina/{page}/uitnodigingen/{id}/opnieuw"),
            &[],
        )
        .await;
    assert_eq!(resent.status, StatusCode::SEE_OTHER, "{}", resent.body);
    let second = link_in(
        &eventually_mails(&platform, &invited_email, subject, 2).await,
        "/uitnodiging?token=",
    );
    assert_ne!(first, second);
    assert_eq!(invited.get(&first).await.status, StatusCode::NOT_FOUND);

    // After 3 days the link says it expired, and whom to ask. (Sessions have ended by then
    // too: both sign in again.)
    platform
        .clock
        .advance(Duration::from_secs(3 * 24 * 3600 + 60));
    let mut invited = sign_in_again(&platform, &tenant, &invited_email).await;
    let mut beheerder = sign_in_again(&platform, &tenant, &beheerder_email).await;
    let expired = invited.get(&second).await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert!(
        expired.shows("Deze uitnodiging is verlopen. Vraag dochter om je opnieuw uit te nodigen.")
    );
    let late = invited
        .post("/uitnodiging", &[("token", &token_of(&second))])
        .await;
    assert_eq!(late.status, StatusCode::GONE, "{}", late.body);
    let connecties = beheerder
        .get(&format!("/zorgpagina/{page}/connecties"))
        .await;
    assert!(connecties.shows("Verlopen op"), "{}", connecties.body);

    // Resent once more, then withdrawn: the link opens nothing.
    beheerder
        .post(
            &format!("/zorgpagina/{page}/uitnodigingen/{id}/opnieuw"),
            &[],
        )
        .await;
    let third = link_in(
        &eventually_mails(&platform, &invited_email, subject, 3).await,
        "/uitnodiging?token=",
    );
    assert_eq!(invited.get(&third).await.status, StatusCode::OK);
    beheerder
        .get(&format!("/zorgpagina/{page}/connecties"))
        .await;
    let withdrawn = beheerder
        .post(
            &format!("/zorgpagina/{page}/uitnodigingen/{id}/intrekken"),
            &[],
        )
        .await;
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
    let dead = invited.get(&third).await;
    assert_eq!(dead.status, StatusCode::GONE);
    assert!(dead.shows("Deze uitnodiging is ingetrokken."));
    assert_eq!(
        invited.get(&format!("/zorgpagina/{page}")).await.status,
        StatusCode::NOT_FOUND
    );
    platform.finish().await;
}

/// A new session for `email`, with the code of its second sign-in.
async fn sign_in_again(
    platform: &TestPlatform,
    tenant: &common::infra::tenancy::Tenant,
    email: &str,
) -> Visitor {
    let mut visitor = Visitor::new(platform, &tenant.hosts[0]);
    enter_password(&mut visitor, email, PASSWORD).await;
    let code = mailed_code(platform, tenant, email, 2).await;
    let page = visitor.post("/inloggen/code", &[("code", &code)]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    visitor
}

/// The id of the first invitation Connecties lists (from its resend form's action).
fn invitation_id(body: &str) -> String {
    let start = body
        .find("/uitnodigingen/")
        .expect("an invitation is listed")
        + 15;
    body[start..]
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn of_two_parallel_acceptances_one_joins_and_the_other_finds_the_link_used() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Tegelijk", "#1d4f91")
        .await;
    let (mut beheerder, _, page) = beheerder_with_page(&platform, &tenant).await;
    let (mut invited, invited_email) = signed_in(&platform, &tenant, "kees").await;
    invite(
        &mut beheerder,
        page,
        &invite_fields("Kees", &invited_email, "nl", "basis"),
    )
    .await;
    let link = link_in(
        &eventually_mails(
            &platform,
            &invited_email,
            "dochter nodigt je uit voor de zorgpagina van Anna de Vries",
            1,
        )
        .await,
        "/uitnodiging?token=",
    );
    invited.get(&link).await;
    let token = token_of(&link);
    let mut twin = invited.same_session();
    let fields = [("token", token.as_str())];
    let (one, other) = tokio::join!(
        invited.post("/uitnodiging", &fields),
        twin.post("/uitnodiging", &fields)
    );
    let mut statuses = [one.status, other.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::GONE]);
    let people = beheerder
        .get(&format!("/zorgpagina/{page}/connecties"))
        .await;
    assert_eq!(
        people.body.matches(&invited_email).count(),
        1,
        "{}",
        people.body
    );
    platform.finish().await;
}

#[tokio::test]
async fn an_invitation_not_accepted_is_removed_after_about_a_month() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Opruimen", "#1d4f91")
        .await;
    let (mut beheerder, _, page) = beheerder_with_page(&platform, &tenant).await;
    let invited = platform.unique_email("kees");
    invite(
        &mut beheerder,
        page,
        &invite_fields("Kees", &invited, "nl", "niets"),
    )
    .await;
    let now = platform.clock.now();
    let sweep = |days: i64| {
        let db = platform.db.clone();
        async move {
            invitations::remove_old_in_every_tenant(&db, now + time::Duration::days(days))
                .await
                .unwrap()
        }
    };
    // Expired after 3 days, still listed (to resend) for a month.
    assert_eq!(sweep(29).await, 0);
    let connecties = format!("/zorgpagina/{page}/connecties");
    assert!(beheerder.get(&connecties).await.shows(&invited));
    assert_eq!(sweep(31).await, 1);
    assert!(!beheerder.get(&connecties).await.shows(&invited));
    platform.finish().await;
}
