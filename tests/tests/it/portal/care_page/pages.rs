//! Care pages end to end (CP-1, CP-3 … CP-7): creating one after sign-in, the "Ik zorg voor"
//! switcher across portals, the rights guard (404 for other tenants and non-members, 403 for
//! members without beheerrechten), beheerrechten, the sections and deleting a page.

use common::care::page::Role;
use common::infra::tenancy::Tenant;
use reqwest::StatusCode;
use uuid::Uuid;
use zorgportaal_tests::accounts::{self, account_id, PASSWORD};
use zorgportaal_tests::care_pages::{add_member, create_page};
use zorgportaal_tests::{linked_href, TestPlatform, Visitor};

async fn pages_in(platform: &TestPlatform, tenant: &Tenant) -> i64 {
    sqlx::query_scalar(&format!(
        "SELECT count(*) FROM \"{}\".care_pages",
        tenant.slug.schema_name()
    ))
    .fetch_one(&platform.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_first_care_page_is_asked_for_checked_and_its_creator_is_beheerder() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Eerste", "#1d5c8f").await;
    let (mut visitor, email) = accounts::signed_in(&platform, &tenant, "ria").await;

    // Without a care page the overview asks for whom to make one.
    let overview = visitor.get("/overzicht").await;
    assert_eq!(overview.status, StatusCode::OK);
    assert!(overview.shows("Voor wie wil je deze zorgpagina aanmaken?"));
    assert!(overview.shows("Voor mijzelf") && overview.shows("Voor iemand anders"));
    assert!(overview.shows("href=\"/zorgpagina/activatiecode\""));
    let activation = visitor.get("/zorgpagina/activatiecode").await;
    assert_eq!(activation.status, StatusCode::OK);
    assert!(activation.shows("Activatiecode gebruiken"));
    assert!(activation.shows("href=\"/zorgpagina/nieuw\">Ik heb geen activatiecode"));

    // Each problem is named at its field, and nothing is created.
    visitor.get("/zorgpagina/nieuw?voor=iemand-anders").await;
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[
                ("for_whom", "iemand-anders"),
                ("client_name", "Anna de Vries"),
                ("birth_date", "03-02-1950"),
            ],
            "Zet een vinkje bij \"Ja, ik geef toestemming\"",
        ),
        (
            &[
                ("for_whom", "iemand-anders"),
                ("client_name", "Anna de Vries"),
                ("birth_date", "31-02-1950"),
                ("consent", "on"),
            ],
            "Deze datum bestaat niet",
        ),
        (
            &[
                ("for_whom", "iemand-anders"),
                ("client_name", "Anna de Vries"),
                ("birth_date", "01-01-2999"),
                ("consent", "on"),
            ],
            "De geboortedatum kan niet in de toekomst liggen.",
        ),
        (
            &[
                ("for_whom", "iemand-anders"),
                ("client_name", "  "),
                ("birth_date", "03-02-1950"),
                ("consent", "on"),
            ],
            "Vul de naam van de cliënt in",
        ),
    ];
    for (fields, message) in cases {
        let page = visitor.post("/zorgpagina/nieuw", fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(page.shows(message), "{message} missing: {}", page.body);
        assert!(page.shows("aria-invalid=\"true\""));
    }
    assert_eq!(pages_in(&platform, &tenant).await, 0);

    // "Voor mijzelf" takes the account's name; the creator is beheerder.
    let id = create_page(&mut visitor, "mijzelf", "", "03-02-1950").await;
    let home = visitor
        .get(&format!("/zorgpagina/{id}?melding=aangemaakt"))
        .await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.shows("Zorgpagina van ria"), "{}", home.body);
    assert!(home.shows("Jij bent de beheerder"));
    let role: String = sqlx::query_scalar(&format!(
        "SELECT role FROM \"{}\".care_page_members WHERE care_page_id = $1 AND account_id = $2",
        tenant.slug.schema_name()
    ))
    .bind(id)
    .bind(account_id(&platform, &email).await)
    .fetch_one(&platform.db)
    .await
    .unwrap();
    assert_eq!(role, "beheerder");
    let profile = visitor.get(&format!("/zorgpagina/{id}/profiel")).await;
    assert!(profile.shows("03-02-1950"));
    assert!(profile.shows("Wie beheert deze pagina?"));

    // A second page for oneself on the same portal is refused; one for someone else is fine.
    let again = visitor
        .post(
            "/zorgpagina/nieuw",
            &[
                ("for_whom", "mijzelf"),
                ("birth_date", "03-02-1950"),
                ("consent", "on"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.shows("al een zorgpagina voor jezelf"));
    create_page(&mut visitor, "iemand-anders", "Anna de Vries", "1-2-1931").await;
    assert_eq!(pages_in(&platform, &tenant).await, 2);

    // With pages, the overview shows the switcher instead of the question.
    let overview = visitor.get("/overzicht").await;
    assert!(!overview.shows("Voor wie wil je deze zorgpagina aanmaken?"));
    assert!(overview.shows("Ik zorg voor") && overview.shows("Anna de Vries"));
    platform.finish().await;
}

#[tokio::test]
async fn the_switcher_lists_pages_of_every_portal_own_page_first_and_links_to_their_host() {
    let platform = TestPlatform::start().await;
    let home = platform.create_tenant("Zorggroep Thuis", "#1d5c8f").await;
    let other = platform.create_tenant("Zorggroep Elders", "#5c1d8f").await;
    let (mut here, email) = accounts::signed_in(&platform, &home, "kees").await;
    // An "other" page first, so the order is not simply creation order.
    let mother = create_page(&mut here, "iemand-anders", "Aafke Bos", "12-05-1936").await;

    // The same account on the other portal, with its own page there.
    let mut there = Visitor::new(&platform, &other.hosts[0]);
    accounts::enter_password(&mut there, &email, PASSWORD).await;
    let code = accounts::mailed_code(&platform, &other, &email, 1).await;
    let signed = there.post("/inloggen/code", &[("code", &code)]).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let own = create_page(&mut there, "mijzelf", "", "20-10-1960").await;

    let overview = here.get("/overzicht").await;
    assert_eq!(overview.status, StatusCode::OK);
    let own_at = overview.body.find("Voor mijzelf").expect("own page listed");
    let mother_at = overview.body.find("Aafke Bos").expect("other page listed");
    assert!(own_at < mother_at, "own page is not first");
    assert!(overview.shows("Voeg toe"));
    assert!(overview.shows("bij Zorggroep Elders"));
    // The page of the other tenant links to that tenant's portal, with the platform's scheme
    // and public port (here the port the web bound); this tenant's page stays here.
    let port = platform.web_addr.unwrap().port();
    let expected = format!("http://{}:{port}/zorgpagina/{own}", other.hosts[0]);
    assert!(
        overview.shows(&format!("href=\"{expected}\"")),
        "{expected} not linked: {}",
        overview.body
    );
    assert_eq!(
        linked_href(&overview.body, &format!("/zorgpagina/{mother}")),
        Some(format!("/zorgpagina/{mother}"))
    );

    // Each page opens only on its own tenant's host.
    assert_eq!(
        there.get(&format!("/zorgpagina/{own}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        here.get(&format!("/zorgpagina/{own}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        here.get(&format!("/zorgpagina/{own}/profiel")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        there.get(&format!("/zorgpagina/{mother}")).await.status,
        StatusCode::NOT_FOUND
    );
    platform.finish().await;
}

#[tokio::test]
async fn members_read_beheerders_change_and_strangers_find_nothing() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Rechten", "#1d5c8f").await;
    let (mut owner, owner_email) = accounts::signed_in(&platform, &tenant, "bep").await;
    let (mut member, member_email) = accounts::signed_in(&platform, &tenant, "wim").await;
    let (mut stranger, _) = accounts::signed_in(&platform, &tenant, "zus").await;
    let page = create_page(&mut owner, "iemand-anders", "Truus Smit", "07-07-1940").await;
    let owner_id = account_id(&platform, &owner_email).await;
    let member_id = account_id(&platform, &member_email).await;

    // A non-member (and an id that does not exist) gets 404, never 403.
    for path in [
        format!("/zorgpagina/{page}"),
        format!("/zorgpagina/{page}/profiel"),
        format!("/zorgpagina/{page}/verwijderen"),
        format!("/zorgpagina/{}", Uuid::now_v7()),
        "/zorgpagina/geen-id".to_owned(),
    ] {
        assert_eq!(
            stranger.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let refused = stranger
        .post(
            &format!("/zorgpagina/{page}/profiel"),
            &[("client_name", "X"), ("birth_date", "01-01-1950")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);

    add_member(&platform, &tenant, page, member_id, Role::Lid).await;

    // A member reads the profile but may change nothing: 403.
    let profile = member.get(&format!("/zorgpagina/{page}/profiel")).await;
    assert_eq!(profile.status, StatusCode::OK);
    assert!(profile.shows("Truus Smit") && profile.shows("bep"));
    assert!(profile.shows("Alleen een beheerder kan deze gegevens wijzigen."));
    assert!(!profile.shows(&format!("action=\"/zorgpagina/{page}/profiel\"")));
    let member_id_text = member_id.0.to_string();
    let owner_id_text = owner_id.0.to_string();
    for (path, fields) in [
        (
            format!("/zorgpagina/{page}/profiel"),
            vec![("client_name", "Iemand"), ("birth_date", "01-01-1950")],
        ),
        (
            format!("/zorgpagina/{page}/verwijderen"),
            vec![("confirm", "on")],
        ),
        (
            format!("/zorgpagina/{page}/beheerders"),
            vec![("lid", member_id_text.as_str()), ("rechten", "geven")],
        ),
        (
            format!("/zorgpagina/{page}/beheerders"),
            vec![("lid", owner_id_text.as_str()), ("rechten", "afnemen")],
        ),
    ] {
        let page = member.post(&path, &fields).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}: {}", page.body);
    }
    assert_eq!(
        member
            .get(&format!("/zorgpagina/{page}/verwijderen"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(pages_in(&platform, &tenant).await, 1);

    // The beheerder edits the profile; the switcher follows the new name.
    owner.get(&format!("/zorgpagina/{page}/profiel")).await;
    let bad = owner
        .post(
            &format!("/zorgpagina/{page}/profiel"),
            &[("client_name", "Truus"), ("birth_date", "01-01-2999")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let saved = owner
        .post(
            &format!("/zorgpagina/{page}/profiel"),
            &[
                ("client_name", "Truus Smit-Jansen"),
                ("birth_date", "08-07-1940"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let member_view = member.get(&format!("/zorgpagina/{page}/profiel")).await;
    assert!(member_view.shows("Truus Smit-Jansen") && member_view.shows("08-07-1940"));

    // The last beheerder cannot give up the rights.
    let admins = owner.get(&format!("/zorgpagina/{page}/beheerders")).await;
    assert!(admins.shows("wim") && admins.shows("Beheerrechten geven"));
    let last = owner
        .post(
            &format!("/zorgpagina/{page}/beheerders"),
            &[("lid", &owner_id_text), ("rechten", "afnemen")],
        )
        .await;
    assert_eq!(last.status, StatusCode::CONFLICT);
    assert!(last.shows("Dit is de laatste beheerder."));

    // Grant to the member, who then may change things; then take them away again.
    let granted = owner
        .post(
            &format!("/zorgpagina/{page}/beheerders"),
            &[("lid", &member_id_text), ("rechten", "geven")],
        )
        .await;
    assert_eq!(granted.status, StatusCode::SEE_OTHER, "{}", granted.body);
    let notice = owner.get(granted.location().unwrap()).await;
    assert!(notice.shows("wim is nu beheerder."));
    member.get(&format!("/zorgpagina/{page}/profiel")).await;
    let by_member = member
        .post(
            &format!("/zorgpagina/{page}/profiel"),
            &[("client_name", "Truus Smit"), ("birth_date", "08-07-1940")],
        )
        .await;
    assert_eq!(by_member.status, StatusCode::SEE_OTHER);
    let revoked = owner
        .post(
            &format!("/zorgpagina/{page}/beheerders"),
            &[("lid", &member_id_text), ("rechten", "afnemen")],
        )
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    let again = member
        .post(
            &format!("/zorgpagina/{page}/profiel"),
            &[("client_name", "Nee"), ("birth_date", "08-07-1940")],
        )
        .await;
    assert_eq!(again.status, StatusCode::FORBIDDEN);
    let index_role: String = sqlx::query_scalar(
        "SELECT role FROM platform.care_page_memberships WHERE care_page_id = $1 AND account_id = $2",
    )
    .bind(page)
    .bind(member_id)
    .fetch_one(&platform.db)
    .await
    .unwrap();
    assert_eq!(index_role, "lid");
    platform.finish().await;
}

#[tokio::test]
async fn every_section_answers_and_a_page_is_deleted_only_after_the_warning_and_confirmation() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Weg", "#1d5c8f").await;
    let (mut owner, _) = accounts::signed_in(&platform, &tenant, "joop").await;
    let (mut member, member_email) = accounts::signed_in(&platform, &tenant, "mien").await;
    let page = create_page(&mut owner, "iemand-anders", "Dirk Blom", "02-03-1944").await;
    let member_id = account_id(&platform, &member_email).await;
    add_member(&platform, &tenant, page, member_id, Role::Lid).await;

    for section in ["kalender", "berichten", "dossier", "notities", "meldingen"] {
        let shown = member.get(&format!("/zorgpagina/{page}/{section}")).await;
        assert_eq!(shown.status, StatusCode::OK, "{section}");
        // Berichten and Meldingen are built; the others say they are not yet.
        assert_eq!(
            shown.shows("Nog niet beschikbaar"),
            !["berichten", "meldingen"].contains(&section),
            "{section}"
        );
        assert!(
            shown.shows("<nav class=\"utrecht-navigation care-nav\""),
            "{section}"
        );
        assert!(
            shown.shows(&format!(
                "href=\"/zorgpagina/{page}/{section}\" aria-current=\"page\""
            )),
            "{section}"
        );
        assert!(
            shown.shows("<span class=\"care-nav__label\">Meer</span>"),
            "{section}"
        );
        assert!(shown.shows(&tenant.display_name), "{section}: not branded");
    }
    let profile = member.get(&format!("/zorgpagina/{page}/profiel")).await;
    assert_eq!(profile.status, StatusCode::OK);
    assert!(!profile.shows("Nog niet beschikbaar"));

    // The warning, then nothing happens without the confirmation.
    let form = owner.get(&format!("/zorgpagina/{page}/verwijderen")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.shows("Leden die je nu laat staan, krijgen weer toegang"));
    let unconfirmed = owner
        .post(&format!("/zorgpagina/{page}/verwijderen"), &[])
        .await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unconfirmed.shows("Zet een vinkje als je de zorgpagina echt wilt verwijderen."));
    assert_eq!(pages_in(&platform, &tenant).await, 1);

    let deleted = owner
        .post(
            &format!("/zorgpagina/{page}/verwijderen"),
            &[("confirm", "on")],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    let overview = owner.get(deleted.location().unwrap()).await;
    assert!(overview.shows("De zorgpagina is verwijderd."));
    assert!(overview.shows("Voor wie wil je deze zorgpagina aanmaken?"));
    assert_eq!(pages_in(&platform, &tenant).await, 0);
    assert_eq!(
        member.get(&format!("/zorgpagina/{page}")).await.status,
        StatusCode::NOT_FOUND
    );
    let left: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM platform.care_page_memberships WHERE care_page_id = $1",
    )
    .bind(page)
    .fetch_one(&platform.db)
    .await
    .unwrap();
    assert_eq!(left, 0);
    platform.finish().await;
}
