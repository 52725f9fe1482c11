//! Tenant administration end to end (API-2, TEN-3, TEN-4, ACC-9): the admin pages are open to
//! the organisation's own tenant admins only; branding reaches every page and e-mail; the
//! support inbox; the organisation's settings.

use common::accounts::{self};
use common::infra::tenancy::{in_tenant, Tenant};
use common::organisation::{admins, settings};
use reqwest::StatusCode;
use zorgportaal_tests::accounts::{
    account_id, enter_password, eventually_mails, link_in, make_admin, sign_in_on, signed_in,
    signed_in_as, PASSWORD,
};
use zorgportaal_tests::{Page, TestPlatform, Visitor};

/// Every admin page as the router has it, with `:id` filled in.
fn admin_pages() -> Vec<(String, bool, bool)> {
    let pages = web::routes::tenant_admin::doors();
    assert!(pages.len() >= 5, "the admin area lists its pages");
    pages
        .into_iter()
        .map(|route| {
            let path = route.path;
            assert!(path.starts_with("/beheer"), "{path} is outside /beheer");
            assert!(
                route.get.is_some() || route.post.is_some(),
                "{path} answers no method"
            );
            let path = path.replace(":id", &uuid::Uuid::new_v4().to_string());
            (path, route.get.is_some(), route.post.is_some())
        })
        .collect()
}

fn refused_by_the_guard(page: &Page, what: &str) {
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{what}: {}", page.body);
    assert!(page.shows("Geen toegang"), "{what}: {}", page.body);
}

/// A POST the way the page's own form would send it; the form token is fresh.
async fn post_as_form(visitor: &mut Visitor, path: &str) -> Page {
    visitor.get("/overzicht").await;
    visitor.post(path, &[("status", "handled")]).await
}

#[tokio::test]
async fn admin_pages_are_open_only_to_the_admins_of_this_organisation() {
    let platform = TestPlatform::start().await;
    let a = platform.create_tenant("Zorggroep Aa", "#1d4f91").await;
    let b = platform.create_tenant("Zorggroep Bee", "#7a1f5c").await;
    let (mut admin_a, admin_email) = signed_in(&platform, &a, "beheerder").await;
    make_admin(&platform, &a, &admin_email).await;
    let (mut client, _) = signed_in(&platform, &a, "client").await;
    // The admin of A, signed in on B's portal with the same account.
    let mut admin_a_on_b = sign_in_on(&platform, &b, &admin_email).await;
    let mut signed_out = Visitor::new(&platform, &a.hosts[0]);

    for (path, get, post) in admin_pages() {
        if get {
            refused_by_the_guard(&client.get(&path).await, &format!("client GET {path}"));
            refused_by_the_guard(
                &admin_a_on_b.get(&path).await,
                &format!("admin of A on B: GET {path}"),
            );
            let page = signed_out.get(&path).await;
            assert_eq!(page.status, StatusCode::SEE_OTHER, "signed out GET {path}");
            assert_eq!(page.location(), Some("/inloggen"));
            // The control: the organisation's own admin is let through.
            let page = admin_a.get(&path).await;
            assert_ne!(page.status, StatusCode::FORBIDDEN, "admin GET {path}");
        }
        if post {
            refused_by_the_guard(
                &post_as_form(&mut client, &path).await,
                &format!("client POST {path}"),
            );
            refused_by_the_guard(
                &post_as_form(&mut admin_a_on_b, &path).await,
                &format!("admin of A on B: POST {path}"),
            );
            let page = post_as_form(&mut admin_a, &path).await;
            assert_ne!(
                page.status,
                StatusCode::FORBIDDEN,
                "admin POST {path}: {}",
                page.body
            );
        }
    }
    // Only admins see the way in.
    assert!(admin_a.get("/overzicht").await.shows("href=\"/beheer\""));
    assert!(!client.get("/overzicht").await.shows("href=\"/beheer\""));
    platform.finish().await;
}

/// The smallest valid PNG: one transparent pixel.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

fn branding_fields<'a>(name: &'a str, primary: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("display_name", name),
        ("primary_color", primary),
        ("accent_color", "#f2a900"),
        ("support_phone", "030 123 45 67"),
        ("support_email", "zorg@huisstijl.example"),
        ("support_url", "https://huisstijl.example/hulp"),
        ("welcome_text", "Welkom bij ons portaal!"),
    ]
}

#[tokio::test]
async fn branding_is_checked_and_then_used_on_every_page_and_in_every_mail() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Oud", "#1d4f91").await;
    let other = platform.create_tenant("Zorggroep Ander", "#1d4f91").await;
    let (mut admin, email) = signed_in(&platform, &tenant, "huisstijl").await;
    make_admin(&platform, &tenant, &email).await;

    let form = admin.get("/beheer/huisstijl").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.shows("value=\"Zorggroep Oud\""), "{}", form.body);
    assert!(
        form.shows("brand-preview"),
        "the preview is rendered by the server"
    );

    // Bad input: an error per field, and nothing typed is lost.
    let mut bad = branding_fields("Zorggroep Nieuw", "#ffd700");
    bad[2] = ("accent_color", "oranje");
    bad[4] = ("support_email", "geen-adres");
    let page = admin.post("/beheer/huisstijl", &bad).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.shows("op wit niet goed te lezen"), "{}", page.body);
    assert!(page.shows("Vul een kleur in als #"));
    assert!(page.shows("Vul een geldig e-mailadres in"));
    assert!(page.shows("value=\"Zorggroep Nieuw\""));
    assert!(page.shows("value=\"oranje\""));
    assert!(page.shows("Welkom bij ons portaal!"));
    assert!(
        admin.get("/").await.shows("Zorggroep Oud"),
        "nothing was saved"
    );

    let before = admin.get("/").await;
    let page = admin
        .post(
            "/beheer/huisstijl",
            &branding_fields("Zorggroep Nieuw", "#0b5d4b"),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    // Every page, and a fresh theme stylesheet (a new version in its URL).
    let start = Visitor::new(&platform, &tenant.hosts[0]).get("/").await;
    assert!(start.shows("Zorggroep Nieuw"), "{}", start.body);
    assert!(start.shows("Welkom bij ons portaal!"));
    assert!(start.shows("030 123 45 67"));
    assert!(start.shows("https://huisstijl.example/hulp"));
    let theme = |page: &Page| zorgportaal_tests::linked_href(&page.body, "/theme.css?v=");
    assert_ne!(
        theme(&start),
        theme(&before),
        "the theme URL changes with the branding"
    );
    let css = admin.get(&theme(&start).unwrap()).await;
    for token in [
        "--utrecht-button-primary-action-background-color: #0b5d4b;",
        "--utrecht-link-color: #0b5d4b;",
        "--utrecht-page-header-background-color: #0b5d4b;",
        "--utrecht-button-primary-action-color: #ffffff;",
    ] {
        assert!(css.body.contains(token), "{token} in {}", css.body);
    }
    // The other organisation keeps its own.
    let elsewhere = Visitor::new(&platform, &other.hosts[0]).get("/").await;
    assert!(elsewhere.shows("Zorggroep Ander") && !elsewhere.shows("Zorggroep Nieuw"));

    // A logo: checked by content and size, then shown.
    admin.get("/beheer/huisstijl").await;
    let page = admin
        .post_file(
            "/beheer/huisstijl/logo",
            "logo",
            "logo.png",
            "image/png",
            b"<svg/>",
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.shows("geen PNG, JPEG of WebP"), "{}", page.body);
    let huge = vec![0u8; 2 * 1024 * 1024 + 10];
    let page = admin
        .post_file(
            "/beheer/huisstijl/logo",
            "logo",
            "logo.png",
            "image/png",
            &huge,
        )
        .await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.shows("te groot"));
    let page = admin
        .post_file(
            "/beheer/huisstijl/logo",
            "logo",
            "logo.bin",
            "application/octet-stream",
            PNG,
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let start = admin.get("/").await;
    let logo =
        zorgportaal_tests::linked_href(&start.body.replace("src=\"", "href=\""), "/branding/logo")
            .expect("the logo on every page");
    let (status, headers, bytes) = admin.get_bytes(&logo).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, PNG);
    assert_eq!(headers["content-type"], "image/png");

    // A signed-in page and an error page (signed in or not) carry the same branding: the name,
    // the theme with the new colours, the logo.
    let mut signed_out = Visitor::new(&platform, &tenant.hosts[0]);
    for (what, page, status) in [
        (
            "the signed-in overview",
            admin.get("/overzicht").await,
            StatusCode::OK,
        ),
        (
            "a missing page, signed in",
            admin.get("/bestaat-niet").await,
            StatusCode::NOT_FOUND,
        ),
        (
            "a missing page, signed out",
            signed_out.get("/bestaat-niet").await,
            StatusCode::NOT_FOUND,
        ),
    ] {
        assert_eq!(page.status, status, "{what}: {}", page.body);
        assert!(page.shows("Zorggroep Nieuw"), "{what}: {}", page.body);
        assert!(!page.shows("Zorggroep Oud"), "{what}: {}", page.body);
        assert_eq!(theme(&page), theme(&start), "{what}: the theme");
        assert_eq!(
            zorgportaal_tests::linked_href(
                &page.body.replace("src=\"", "href=\""),
                "/branding/logo"
            ),
            Some(logo.clone()),
            "{what}: the logo"
        );
    }

    // Mail from now on carries the new name, colour and contact details: in two kinds of mail.
    let mut again = Visitor::new(&platform, &tenant.hosts[0]);
    enter_password(&mut again, &email, PASSWORD).await;
    let code_mail = eventually_mails(
        &platform,
        &email,
        "Twee-factor authenticatie inlogcode voor Zorggroep Nieuw",
        1,
    )
    .await;
    let mut forgot = Visitor::new(&platform, &tenant.hosts[0]);
    forgot.get("/wachtwoord-vergeten").await;
    let asked = forgot
        .post("/wachtwoord-vergeten", &[("email", &email)])
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    let reset_mail = eventually_mails(
        &platform,
        &email,
        "Nieuw wachtwoord kiezen voor Zorggroep Nieuw",
        1,
    )
    .await;
    for mail in [&code_mail, &reset_mail] {
        let html = mail.html.as_deref().unwrap_or_default();
        assert!(html.contains("#0b5d4b"), "{}: {html}", mail.subject);
        assert!(html.contains("Zorggroep Nieuw"), "{}: {html}", mail.subject);
        assert!(!html.contains("Zorggroep Oud"), "{}: {html}", mail.subject);
        assert!(html.contains("030 123 45 67"), "{}: {html}", mail.subject);
    }
    platform.finish().await;
}

/// A decompression bomb as logo (a few hundred KB of PNG that decode to 288 MB): refused from
/// its header, so neither the upload nor the letters with the logo ever decode it.
#[tokio::test]
async fn a_decompression_bomb_is_refused_as_logo() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Logobom", "#1d4f91").await;
    let (mut admin, email) = signed_in(&platform, &tenant, "huisstijl").await;
    make_admin(&platform, &tenant, &email).await;

    admin.get("/beheer/huisstijl").await;
    let page =
        zorgportaal_tests::pictures::upload_bomb(&mut admin, "/beheer/huisstijl/logo", "logo")
            .await;
    page.assert_refused(
        StatusCode::UNPROCESSABLE_ENTITY,
        "Dit logo is te groot om te verwerken",
    );
    let keys = common::infra::storage::ObjectStore::new(&platform.config.s3)
        .list_tenant(&tenant.slug)
        .await
        .unwrap();
    assert!(keys.is_empty(), "stored: {keys:?}");
    assert!(admin
        .get("/beheer/huisstijl")
        .await
        .shows("Er is nog geen logo"));
    platform.finish().await;
}

async fn ask(platform: &TestPlatform, tenant: &Tenant, subject: &str) {
    let mut visitor = Visitor::new(platform, &tenant.hosts[0]);
    visitor.get("/hulp").await;
    let email = platform.unique_email("vrager");
    let page = visitor
        .post(
            "/hulp",
            &[
                ("name", "Vera Vrager"),
                ("email", &email),
                ("subject", subject),
                ("question", "Hoe werkt dit?\nGroet, Vera"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
}

#[tokio::test]
async fn the_support_inbox_lists_open_questions_first_and_marks_them_handled() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Inbox", "#1d4f91").await;
    let other = platform.create_tenant("Zorggroep Elders", "#1d4f91").await;
    ask(&platform, &tenant, "Eerste vraag").await;
    ask(&platform, &tenant, "Tweede vraag").await;
    ask(&platform, &other, "Vraag van elders").await;
    let (mut admin, email) = signed_in(&platform, &tenant, "inbox").await;
    make_admin(&platform, &tenant, &email).await;

    let list = admin.get("/beheer/vragen").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.shows("Eerste vraag") && list.shows("Tweede vraag"));
    assert!(
        !list.shows("Vraag van elders"),
        "another organisation's question"
    );
    let first = zorgportaal_tests::linked_href(&list.body, "/beheer/vragen/").unwrap();
    let page = admin.get(&first).await;
    assert!(
        page.shows("Eerste vraag") && page.shows("Vera Vrager"),
        "{first}: {}",
        page.body
    );
    assert!(page.shows("Markeer als afgehandeld"));
    let done = admin
        .post(&format!("{first}/status"), &[("status", "handled")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert!(admin.get(&first).await.shows("Afgehandeld"));

    // Open questions first: the second one now heads the list.
    let list = admin.get("/beheer/vragen").await;
    let (second_at, first_at) = (
        list.body.find("Tweede vraag").unwrap(),
        list.body.find("Eerste vraag").unwrap(),
    );
    assert!(second_at < first_at, "open questions come first");

    let statuses: Vec<(String, String)> = in_tenant(&platform.db, &tenant.slug, async |tx| {
        sqlx::query_as("SELECT subject, status FROM support_questions ORDER BY created_at")
            .fetch_all(tx.conn())
            .await
    })
    .await
    .unwrap();
    assert_eq!(
        statuses,
        [
            ("Eerste vraag".into(), "handled".into()),
            ("Tweede vraag".into(), "open".into())
        ]
    );
    // A question of another organisation cannot be reached by its id here.
    let foreign: uuid::Uuid = in_tenant(&platform.db, &other.slug, async |tx| {
        sqlx::query_scalar("SELECT id FROM support_questions")
            .fetch_one(tx.conn())
            .await
    })
    .await
    .unwrap();
    assert_eq!(
        admin.get(&format!("/beheer/vragen/{foreign}")).await.status,
        StatusCode::NOT_FOUND
    );
    let page = admin
        .post(
            &format!("/beheer/vragen/{foreign}/status"),
            &[("status", "handled")],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    platform.finish().await;
}

#[tokio::test]
async fn settings_are_stored_per_organisation() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Instelling", "#1d4f91")
        .await;
    let other = platform
        .create_tenant("Zorggroep Standaard", "#1d4f91")
        .await;
    let (mut admin, email) = signed_in(&platform, &tenant, "instellingen").await;
    make_admin(&platform, &tenant, &email).await;

    let page = admin.get("/beheer/instellingen").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.shows("value=\"6\""),
        "six weeks by default: {}",
        page.body
    );

    let page = admin
        .post(
            "/beheer/instellingen",
            &[
                ("messaging_after_staff_first", "on"),
                ("reports_from", "gisteren"),
                ("measurement_types", "weight"),
                ("activation_code_weeks", "99"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.shows("Vul een datum in"));
    assert!(page.shows("van 1 tot en met 52"));
    assert!(page.shows("value=\"gisteren\""), "nothing typed is lost");

    let page = admin
        .post(
            "/beheer/instellingen",
            &[
                ("messaging_after_staff_first", "on"),
                ("reports_from", "2024-03-01"),
                ("measurement_types", "weight"),
                ("measurement_types", "blood_pressure"),
                ("activation_code_weeks", "8"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    let saved = in_tenant(&platform.db, &tenant.slug, async |tx| {
        settings::settings(tx).await
    })
    .await
    .unwrap();
    assert!(!saved.client_appointments_visible);
    assert!(saved.messaging_after_staff_first);
    assert!(!saved.documents_shared);
    assert_eq!(saved.reports_from.unwrap().to_string(), "2024-03-01");
    assert_eq!(saved.measurement_types, ["weight", "blood_pressure"]);
    assert_eq!(saved.activation_code_weeks, 8);

    let untouched = in_tenant(&platform.db, &other.slug, async |tx| {
        settings::settings(tx).await
    })
    .await
    .unwrap();
    assert_eq!(untouched, settings::TenantSettings::default());
    platform.finish().await;
}

#[tokio::test]
async fn admins_invite_more_admins_and_the_last_admin_stays() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Team", "#1d4f91").await;
    let other = platform.create_tenant("Zorggroep Elders", "#1d4f91").await;
    let first_email = platform.unique_email("anna");
    let mut first = signed_in_as(&platform, &tenant, "Anna Eerste", &first_email).await;
    make_admin(&platform, &tenant, &first_email).await;
    let (_, stranger_email) = signed_in(&platform, &other, "stan").await;
    make_admin(&platform, &other, &stranger_email).await;

    // Every page shows an admin the way to "Beheer"; nobody else.
    let settings = first.get("/account/sessies").await;
    assert!(
        settings.body.contains("href=\"/beheer\""),
        "{}",
        settings.body
    );

    // Alone, the first admin cannot take the role away from herself.
    let page = first.get("/beheer/beheerders").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.shows("Enige beheerder"), "{}", page.body);
    let first_id = account_id(&platform, &first_email).await.0;
    let refused = first
        .post(&format!("/beheer/beheerders/{first_id}/intrekken"), &[])
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.shows("De laatste beheerder kan niet worden verwijderd."));
    assert_eq!(first.get("/beheer").await.status, StatusCode::OK);

    // An admin of another organisation is not one of ours: nothing to revoke here.
    let stranger_id = account_id(&platform, &stranger_email).await.0;
    let page = first
        .post(&format!("/beheer/beheerders/{stranger_id}/intrekken"), &[])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(
        admins::is_admin(&platform.db, other.id, accounts::AccountId(stranger_id))
            .await
            .unwrap()
    );

    // A bad address is refused at the field and keeps what was typed.
    let bad = first
        .post("/beheer/beheerders", &[("email", "bram@@voorbeeld")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.shows("Vul een geldig e-mailadres in"), "{}", bad.body);
    assert!(bad.body.contains("value=\"bram@@voorbeeld\""));

    // The invitation goes by mail; the invited address accepts it.
    let second_email = platform.unique_email("bram-tweede");
    let sent = first
        .post("/beheer/beheerders", &[("email", &second_email)])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let list = first.get("/beheer/beheerders?melding=uitgenodigd").await;
    assert!(list.shows("De uitnodiging is verstuurd."));
    assert!(
        list.shows(&second_email),
        "an open invitation: {}",
        list.body
    );
    let mail = eventually_mails(
        &platform,
        &second_email,
        "Je bent uitgenodigd als beheerder van Zorggroep Team",
        1,
    )
    .await;
    let link = link_in(&mail, "/beheerder-worden?token=");
    let mut second = signed_in_as(&platform, &tenant, "Bram Tweede", &second_email).await;
    let page = second.get(&link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let token = page.hidden("token").expect("token in the form");
    let accepted = second.post("/beheerder-worden", &[("token", &token)]).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let granted: Vec<serde_json::Value> = sqlx::query_scalar(&format!(
        "SELECT detail FROM \"{}\".audit_events WHERE action = 'tenant_admin.granted'",
        tenant.slug.schema_name()
    ))
    .fetch_all(&platform.db)
    .await
    .unwrap();
    assert_eq!(
        granted.len(),
        1,
        "accepting the invitation is in the audit trail"
    );
    assert_eq!(granted[0]["via"], "invitation");
    let list = second.get("/beheer/beheerders").await;
    assert!(
        list.shows("Anna Eerste") && list.shows("Bram Tweede"),
        "{}",
        list.body
    );
    assert!(!list.shows("Openstaande uitnodigingen"), "{}", list.body);

    // The second admin takes the role away from the first; she loses the admin pages at once.
    let revoked = second
        .post(&format!("/beheer/beheerders/{first_id}/intrekken"), &[])
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.body);
    refused_by_the_guard(&first.get("/beheer").await, "revoked admin");
    let settings = first.get("/account/sessies").await;
    assert_eq!(settings.status, StatusCode::OK);
    assert!(
        !settings.body.contains("href=\"/beheer\""),
        "{}",
        settings.body
    );
    let audit: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM \"{}\".audit_events WHERE action IN ('tenant_admin.invited', 'tenant_admin.revoked')",
        tenant.slug.schema_name()
    ))
    .fetch_one(&platform.db)
    .await
    .unwrap();
    assert_eq!(audit, 2, "both changes are in the audit log");

    // Now alone again, the second admin cannot leave either.
    let second_id = account_id(&platform, &second_email).await.0;
    let refused = second
        .post(&format!("/beheer/beheerders/{second_id}/intrekken"), &[])
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    platform.finish().await;
}
