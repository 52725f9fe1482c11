//! Generated rights and CSRF tests: every route of every route table × every kind of visitor.
//!
//! The cases come from the tables the router is built from (`tenant_admin::doors()`,
//! `care_page::doors()`), so a route added to a table is tried here without touching this file.
//! A table cannot hold a route without a door (the door is part of each method's entry), and a
//! handler that needs a door but is mounted outside a table answers 500 instead of its page,
//! which the control visitor of each route would notice.

use common::care::page::Role;
use common::care::rights::{Preset, Right, Rights};
use common::infra::clock::Clock;
use common::organisation::admins;
use reqwest::StatusCode;
use uuid::Uuid;
use web::access::care_page::Need;
use web::access::route_table::RouteInfo;
use zorgportaal_tests::accounts::{account_id, sign_in_on, signed_in};
use zorgportaal_tests::care_pages::{add_member, add_member_with, create_page};
use zorgportaal_tests::messages::{id_after, pdf, start_thread};
use zorgportaal_tests::staff::staff_member;
use zorgportaal_tests::{Page, TestPlatform, Visitor};

/// What the door must answer one visitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    /// Signed out: to the sign-in page.
    SignIn,
    /// The page's existence is not revealed.
    NotFound,
    /// Known, but not allowed.
    Forbidden,
    /// Let through to the handler (the control).
    LetThrough,
    /// Let through to a handler that looks up the random id of the path and may not find it:
    /// anything but the door's refusals.
    PastTheDoor,
}

fn check(page: &Page, expected: Expected, what: &str) {
    match expected {
        Expected::SignIn => {
            assert_eq!(page.status, StatusCode::SEE_OTHER, "{what}: {}", page.body);
            assert_eq!(page.location(), Some("/inloggen"), "{what}");
        }
        Expected::NotFound => {
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{what}: {}", page.body);
            assert!(page.shows("Pagina niet gevonden"), "{what}: {}", page.body);
        }
        Expected::Forbidden => {
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{what}: {}", page.body);
            assert!(page.shows("Geen toegang"), "{what}: {}", page.body);
        }
        Expected::LetThrough => {
            let refused = matches!(
                page.status,
                StatusCode::FORBIDDEN | StatusCode::NOT_FOUND | StatusCode::INTERNAL_SERVER_ERROR
            ) || page.location() == Some("/inloggen");
            assert!(!refused, "{what}: {} {}", page.status, page.body);
        }
        Expected::PastTheDoor => {
            let refused = matches!(
                page.status,
                StatusCode::FORBIDDEN | StatusCode::INTERNAL_SERVER_ERROR
            ) || page.location() == Some("/inloggen");
            assert!(!refused, "{what}: {} {}", page.status, page.body);
        }
    }
}

fn refused_for_its_form_token(page: &Page, what: &str) {
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{what}: {}", page.body);
    assert!(
        page.shows("Dit formulier is verlopen"),
        "{what}: {}",
        page.body
    );
}

/// The visitor's POST with a fresh form token, as the page's own form would send it.
async fn post_with_token(visitor: &mut Visitor, path: &str) -> Page {
    visitor.get("/hulp").await;
    visitor.post(path, &[]).await
}

/// Every method of every route of `table` with its door, `:id` filled in by `id`.
fn methods<D: Copy>(table: Vec<RouteInfo<D>>, id: &str) -> Vec<(&'static str, String, D)> {
    assert!(!table.is_empty(), "a route table lists its routes");
    table
        .into_iter()
        .flat_map(|route| {
            let path = route.path.replace(":id", id);
            let get = route.get.map(|door| ("GET", path.clone(), door));
            let post = route.post.map(|door| ("POST", path.clone(), door));
            assert!(
                get.is_some() || post.is_some(),
                "{} answers no method",
                route.path
            );
            get.into_iter().chain(post)
        })
        .collect()
}

/// A network thread the beheerder starts with a PDF: the thread's, the message's and the
/// file's ids.
async fn network_thread_with_file(beheerder: &mut Visitor, page: Uuid) -> (String, String, String) {
    let files = [pdf("verslag.pdf")];
    let path = start_thread(beheerder, page, "network", "Voor iedereen", &files).await;
    let shown = beheerder.get(&path).await;
    let thread = path.rsplit('/').next().unwrap().to_owned();
    (
        thread,
        id_after(&shown, "id=\"bericht-"),
        id_after(&shown, "/bijlagen/"),
    )
}

async fn ask(visitor: &mut Visitor, method: &str, path: &str) -> Page {
    match method {
        "GET" => visitor.get(path).await,
        _ => post_with_token(visitor, path).await,
    }
}

#[tokio::test]
async fn every_care_page_route_refuses_whoever_its_door_does_not_let_in() {
    let platform = TestPlatform::start().await;
    let here = platform.create_tenant("Zorggroep Deur", "#1d4f91").await;
    let there = platform.create_tenant("Zorggroep Elders", "#7a1f5c").await;

    let (mut beheerder, _) = signed_in(&platform, &here, "beheerder").await;
    let page = create_page(
        &mut beheerder,
        "iemand-anders",
        "Anna de Vries",
        "03-02-1950",
    )
    .await;
    // A member with every right of the personal network, one with none.
    let (mut member, member_email) = signed_in(&platform, &here, "lid").await;
    let member_id = account_id(&platform, &member_email).await;
    add_member(&platform, &here, page, member_id, Role::Lid).await;
    let (mut rightless, rightless_email) = signed_in(&platform, &here, "zonder").await;
    let rightless_id = account_id(&platform, &rightless_email).await;
    add_member_with(
        &platform,
        &here,
        page,
        rightless_id,
        Role::Lid,
        Rights::NONE,
    )
    .await;
    let (mut stranger, _) = signed_in(&platform, &here, "vreemde").await;
    let (mut other_page_owner, _) = signed_in(&platform, &here, "ander").await;
    create_page(
        &mut other_page_owner,
        "iemand-anders",
        "Bert Jansen",
        "03-02-1950",
    )
    .await;
    // A beheerder of a page of the other organisation: with that page's id on this portal,
    // and with this portal's page id.
    let (mut elsewhere, elsewhere_email) = signed_in(&platform, &there, "elders").await;
    let page_there = create_page(&mut elsewhere, "iemand-anders", "Cor Visser", "03-02-1950").await;
    let mut elsewhere_here = sign_in_on(&platform, &here, &elsewhere_email).await;
    let mut signed_out = Visitor::new(&platform, &here.hosts[0]);

    // Berichten's routes name a thread of the network, one of its messages and its file.
    let (thread, message, file) = network_thread_with_file(&mut beheerder, page).await;

    let page_id = page;
    let page = page.to_string();
    let mut cases = 0;
    let mut almost_members: Vec<(String, Visitor)> = Vec::new();
    for (method, path, door) in methods(web::routes::portal::care_page::doors(), &page) {
        // A route about one member names the member with every right.
        let path = path
            .replace(":lid", &member_id.0.to_string())
            .replace(":draad", &thread)
            .replace(":bericht", &message)
            .replace(":bijlage", &file)
            .replace(":medewerker", &Uuid::new_v4().to_string());
        let need = door.need;
        // An employee's photo is named by a made-up id: past the door, the handler finds none.
        let through = if path.contains("/medewerkers/") {
            Expected::PastTheDoor
        } else {
            Expected::LetThrough
        };
        let (for_members, for_rightless) = match need {
            Need::Member => (through, through),
            Need::Right(_) | Need::AnyRight(_) => (through, Expected::Forbidden),
            // The page of this test is "voor iemand anders": nobody is its client.
            Need::Beheerder | Need::BeheerderOrClient => (Expected::Forbidden, Expected::Forbidden),
        };
        // A member with every right but the one the route needs (all of them, for a route
        // that opens with any of several).
        let needed: &[Right] = match &need {
            Need::Right(right) => std::slice::from_ref(right),
            Need::AnyRight(any) => any,
            Need::Member | Need::Beheerder | Need::BeheerderOrClient => &[],
        };
        if !needed.is_empty() {
            // One such member per set of needed rights: sign-ups from one address are limited.
            let key = format!("{needed:?}");
            if !almost_members.iter().any(|(k, _)| *k == key) {
                let all_but = needed
                    .iter()
                    .fold(Rights::preset(Preset::Everything), |rights, right| {
                        rights.without(*right)
                    });
                let who = format!("bijna-{}", almost_members.len());
                let (almost, almost_email) = signed_in(&platform, &here, &who).await;
                let almost_id = account_id(&platform, &almost_email).await;
                add_member_with(&platform, &here, page_id, almost_id, Role::Lid, all_but).await;
                almost_members.push((key.clone(), almost));
            }
            let almost = &mut almost_members
                .iter_mut()
                .find(|(k, _)| *k == key)
                .expect("made above")
                .1;
            check(
                &ask(almost, method, &path).await,
                Expected::Forbidden,
                &format!("member with every right but {needed:?}: {method} {path}"),
            );
            cases += 1;
        }
        let visitors: [(&str, &mut Visitor, Expected); 7] = [
            ("signed out", &mut signed_out, Expected::SignIn),
            ("stranger", &mut stranger, Expected::NotFound),
            (
                "member of another page",
                &mut other_page_owner,
                Expected::NotFound,
            ),
            (
                "account of another tenant",
                &mut elsewhere_here,
                Expected::NotFound,
            ),
            ("member with every right", &mut member, for_members),
            ("member without rights", &mut rightless, for_rightless),
            ("beheerder", &mut beheerder, through),
        ];
        for (who, visitor, expected) in visitors {
            // A POST is let through to a handler that refuses its empty form in its own way;
            // the control for POSTs is the GET of the same route and the CSRF test below.
            if method == "POST" && expected == Expected::LetThrough {
                continue;
            }
            check(
                &ask(visitor, method, &path).await,
                expected,
                &format!("{who}: {method} {path}"),
            );
            cases += 1;
        }
        // The other organisation's page on this portal, asked by its own beheerder.
        let foreign = path.replace(&page, &page_there.to_string());
        let what = format!("page of another tenant: {method} {foreign}");
        check(
            &ask(&mut elsewhere_here, method, &foreign).await,
            Expected::NotFound,
            &what,
        );
        cases += 1;
    }
    println!("rights: {cases} care-page route × visitor cases");
    assert!(cases >= 40, "only {cases} cases");

    // The refusals changed nothing: the page is still there for its beheerder.
    let home = beheerder.get(&format!("/zorgpagina/{page}")).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.shows("Anna de Vries"));
    zorgportaal_tests::care_pages::messages_announced(&platform, &here).await;
    platform.finish().await;
}

#[tokio::test]
async fn every_tenant_admin_route_refuses_everyone_but_this_organisations_admins() {
    let platform = TestPlatform::start().await;
    let here = platform.create_tenant("Zorggroep Beheer", "#1d4f91").await;
    let there = platform.create_tenant("Zorggroep Anders", "#7a1f5c").await;

    let (mut admin, admin_email) = signed_in(&platform, &here, "beheerder").await;
    let admin_id = account_id(&platform, &admin_email).await;
    admins::grant(&platform.db, here.id, admin_id, platform.clock.now())
        .await
        .unwrap();
    let (mut client, _) = signed_in(&platform, &here, "client").await;
    let (_, other_admin_email) = signed_in(&platform, &there, "ander").await;
    let other_admin = account_id(&platform, &other_admin_email).await;
    admins::grant(&platform.db, there.id, other_admin, platform.clock.now())
        .await
        .unwrap();
    let mut other_admin_here = sign_in_on(&platform, &here, &other_admin_email).await;
    let mut signed_out = Visitor::new(&platform, &here.hosts[0]);

    let some_id = Uuid::new_v4().to_string();
    let mut cases = 0;
    for (method, path, _door) in methods(web::routes::tenant_admin::doors(), &some_id) {
        let visitors: [(&str, &mut Visitor, Expected); 4] = [
            ("signed out", &mut signed_out, Expected::SignIn),
            ("signed-in non-admin", &mut client, Expected::Forbidden),
            (
                "admin of another tenant",
                &mut other_admin_here,
                Expected::Forbidden,
            ),
            ("admin", &mut admin, Expected::PastTheDoor),
        ];
        for (who, visitor, expected) in visitors {
            if method == "POST" && expected == Expected::PastTheDoor {
                continue;
            }
            check(
                &ask(visitor, method, &path).await,
                expected,
                &format!("{who}: {method} {path}"),
            );
            cases += 1;
        }
    }
    println!("rights: {cases} tenant-admin route × visitor cases");
    assert!(cases >= 60, "only {cases} cases");
    platform.finish().await;
}

#[tokio::test]
async fn every_post_route_of_every_table_refuses_a_missing_or_wrong_form_token() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Formulier", "#1d4f91")
        .await;
    let (mut visitor, email) = signed_in(&platform, &tenant, "beheerder").await;
    let account = account_id(&platform, &email).await;
    admins::grant(&platform.db, tenant.id, account, platform.clock.now())
        .await
        .unwrap();
    let page = create_page(&mut visitor, "iemand-anders", "Anna de Vries", "03-02-1950")
        .await
        .to_string();

    let care_posts = methods(web::routes::portal::care_page::doors(), &page)
        .into_iter()
        .map(|(method, path, _)| (method, path));
    let admin_posts = methods(
        web::routes::tenant_admin::doors(),
        &Uuid::new_v4().to_string(),
    )
    .into_iter()
    .map(|(method, path, _)| (method, path));
    let staff_posts = methods(web::routes::staff::doors(), "unused")
        .into_iter()
        .map(|(method, path, _)| {
            let path = path
                .replace(":draad", &Uuid::new_v4().to_string())
                .replace(":zorgpagina", &Uuid::new_v4().to_string());
            (method, path)
        });
    let mut cases = 0;
    let posts = care_posts.chain(admin_posts).chain(staff_posts);
    for (_, path) in posts.filter(|(m, _)| *m == "POST") {
        // Everything a form of these routes could hold, so only the token is missing.
        let fields = [
            ("confirm", "on".to_owned()),
            ("lid", account.0.to_string()),
            ("rechten", "afnemen".to_owned()),
            ("client_name", "Iemand Anders".to_owned()),
            ("birth_date", "01-01-1960".to_owned()),
        ];
        let page = visitor.post_raw(&path, &fields).await;
        refused_for_its_form_token(&page, &format!("POST {path} without a token"));
        let mut wrong = fields.to_vec();
        wrong.push(("csrf", "0".repeat(64)));
        let page = visitor.post_raw(&path, &wrong).await;
        refused_for_its_form_token(&page, &format!("POST {path} with a wrong token"));
        cases += 2;
    }
    println!("csrf: {cases} POST route × token cases");
    assert!(cases >= 30, "only {cases} cases");

    // Nothing the refused forms asked for happened: the page, its name and its beheerder stay.
    let home = visitor.get(&format!("/zorgpagina/{page}")).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.shows("Anna de Vries"));
    let admins_page = visitor.get(&format!("/zorgpagina/{page}/beheerders")).await;
    assert_eq!(admins_page.status, StatusCode::OK);
    platform.finish().await;
}

#[tokio::test]
async fn every_staff_route_refuses_whoever_is_no_employee_of_this_organisation() {
    let platform = TestPlatform::start().await;
    let here = platform.create_tenant("Zorggroep Team", "#1d4f91").await;
    let there = platform
        .create_tenant("Zorggroep Ander Team", "#7a1f5c")
        .await;
    let (mut beheerder, _) = signed_in(&platform, &here, "beheerder").await;
    let page = create_page(
        &mut beheerder,
        "iemand-anders",
        "Anna de Vries",
        "03-02-1950",
    )
    .await;
    zorgportaal_tests::care_pages::link_to_new_client(&platform, &here, page, "T-1").await;
    // An organisation thread with a file, and a network thread the staff side never reaches.
    let (network_thread, _, network_file) = network_thread_with_file(&mut beheerder, page).await;
    let files = [pdf("brief.pdf")];
    let org_path = start_thread(&mut beheerder, page, "organisation", "Aan de zorg", &files).await;
    let org_thread = org_path.rsplit('/').next().unwrap().to_owned();
    let org_file = id_after(&beheerder.get(&org_path).await, "/bijlagen/");
    // An unlinked page of this tenant: no organisation side to it.
    let (mut other, _) = signed_in(&platform, &here, "ongekoppeld").await;
    let unlinked = create_page(&mut other, "iemand-anders", "Bert Jansen", "03-02-1950").await;

    let (mut employee, _, _, _) = staff_member(&platform, &here, "medewerker").await;
    let (_, other_employee_email, _, _) = staff_member(&platform, &there, "elders").await;
    let mut other_employee = sign_in_on(&platform, &here, &other_employee_email).await;
    let mut signed_out = Visitor::new(&platform, &here.hosts[0]);

    let mut cases = 0;
    for (method, path, door) in methods(web::routes::staff::doors(), "unused") {
        let reached = |draad: &str, zorgpagina: &str, bijlage: &str| {
            path.replace(":draad", draad)
                .replace(":zorgpagina", zorgpagina)
                .replace(":bijlage", bijlage)
        };
        let allowed = reached(&org_thread, &page.to_string(), &org_file);
        let visitors: [(&str, &mut Visitor, Expected); 4] = [
            ("signed out", &mut signed_out, Expected::SignIn),
            ("member, no employee", &mut beheerder, Expected::Forbidden),
            (
                "employee of another tenant",
                &mut other_employee,
                Expected::Forbidden,
            ),
            ("employee", &mut employee, Expected::LetThrough),
        ];
        for (who, visitor, expected) in visitors {
            if method == "POST" && expected == Expected::LetThrough {
                continue;
            }
            check(
                &ask(visitor, method, &allowed).await,
                expected,
                &format!("{who}: {method} {allowed}"),
            );
            cases += 1;
        }
        // What the path names must be the organisation's: a network thread or its file, an
        // unlinked page and an unknown id are not found, for the employee too.
        if door.scope != web::access::staff::StaffScope::Own {
            let unknown = Uuid::new_v4().to_string();
            for beyond in [
                reached(&network_thread, &unlinked.to_string(), &network_file),
                reached(&unknown, &unknown, &unknown),
            ] {
                check(
                    &ask(&mut employee, method, &beyond).await,
                    Expected::NotFound,
                    &format!("employee: {method} {beyond}"),
                );
                cases += 1;
            }
        }
    }
    println!("rights: {cases} staff route × visitor cases");
    assert!(cases >= 25, "only {cases} cases");
    zorgportaal_tests::care_pages::messages_announced(&platform, &here).await;
    platform.finish().await;
}
