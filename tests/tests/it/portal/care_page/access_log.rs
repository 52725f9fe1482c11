//! The access log (DOS-7, NEN 7513): one row for every member's request to a care-page route,
//! generated from the route table; rows that no role can change; a hash chain that
//! `zorgctl audit verify` checks; and "Wie keek mee?" for beheerders.

use common::accounts::AccountId;
use common::care::rights::{Preset, Rights};
use common::infra::tenancy::{in_tenant, Tenant};
use reqwest::StatusCode;
use uuid::Uuid;
use web::access::care_page::Need;
use zorgportaal_tests::accounts::{account_id, signed_in};
use zorgportaal_tests::care_pages::{beheerder_with_page, member_with};
use zorgportaal_tests::platform::Services;
use zorgportaal_tests::{eventually, Page, TestPlatform, Visitor};

/// One stored row, as much of it as the tests look at.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Row {
    id: i64,
    event: String,
    action: String,
    outcome: i16,
    actor_id: Uuid,
    actor_name: String,
    actor_role: String,
    care_page_id: Uuid,
    part: String,
    basis: String,
}

/// Every row of `tenant`'s log, oldest first.
async fn rows(platform: &TestPlatform, tenant: &Tenant) -> Vec<Row> {
    in_tenant(&platform.db, &tenant.slug, async |tx| {
        sqlx::query_as::<_, Row>(
            "SELECT id, event, action, outcome, actor_id, actor_name, actor_role, care_page_id,
                    part, basis
               FROM access_log ORDER BY id",
        )
        .fetch_all(tx.conn())
        .await
    })
    .await
    .unwrap()
}

/// The rows of `who` for `event`.
async fn rows_of(
    platform: &TestPlatform,
    tenant: &Tenant,
    event: &str,
    who: AccountId,
) -> Vec<Row> {
    rows(platform, tenant)
        .await
        .into_iter()
        .filter(|row| row.event == event && row.actor_id == who.0)
        .collect()
}

/// The visitor's POST with a fresh form token, as the page's own form would send it.
async fn ask(visitor: &mut Visitor, method: &str, path: &str) -> Page {
    if method == "GET" {
        return visitor.get(path).await;
    }
    visitor.get("/hulp").await;
    visitor.post(path, &[]).await
}

#[tokio::test]
async fn every_care_page_route_writes_exactly_one_row_for_each_members_request() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Logboek", "#1d4f91").await;
    let (mut beheerder, beheerder_email, page) = beheerder_with_page(&platform, &tenant).await;
    let beheerder_id = account_id(&platform, &beheerder_email).await;
    let (mut rightless, _, rightless_id) =
        member_with(&platform, &tenant, page, "buurman", Rights::NONE).await;
    let (mut stranger, stranger_email) = signed_in(&platform, &tenant, "vreemde").await;
    let stranger_id = account_id(&platform, &stranger_email).await;

    let mut cases = 0;
    for route in web::routes::portal::care_page::doors() {
        let path = route
            .path
            .replace(":id", &page.to_string())
            .replace(":lid", &rightless_id.0.to_string());
        for (method, door) in [("GET", route.get), ("POST", route.post)] {
            let Some(door) = door else { continue };
            // A POST that lets any member through (leaving the page) would end the member's
            // part in the rest of this test; the leaving test counts its row.
            if method == "POST" && door.need == Need::Member {
                continue;
            }
            let event = format!("{method} {}", route.path);
            // The beheerder's GETs reach the handler; a POST's empty form would be refused by
            // it, or worse, carried out (the page deleted), so POSTs are asked by the member
            // without rights, whom every POST route refuses.
            let mut askers: Vec<(&str, &mut Visitor, AccountId, &str)> = vec![(
                "member without rights",
                &mut rightless,
                rightless_id,
                "mantelzorger",
            )];
            if method == "GET" {
                askers.push(("beheerder", &mut beheerder, beheerder_id, "beheerder"));
            }
            for (who, visitor, id, role) in askers {
                let before = rows_of(&platform, &tenant, &event, id).await.len();
                let answer = ask(visitor, method, &path).await;
                let after = rows_of(&platform, &tenant, &event, id).await;
                assert_eq!(after.len(), before + 1, "{who}: {event}");
                let row = after.last().unwrap();
                let what = format!("{who}: {event}: {row:?}");
                assert_eq!(
                    i32::from(row.outcome),
                    i32::from(answer.status.as_u16()),
                    "{what}"
                );
                assert_eq!(row.action, door.action.code(), "{what}");
                assert_eq!(row.part, door.part.key(), "{what}");
                assert_eq!(row.care_page_id, page, "{what}");
                assert_eq!(row.actor_role, role, "{what}");
                assert!(!row.basis.is_empty(), "{what}");
                cases += 1;
            }
            // Someone who is no member learns nothing and leaves nothing of the client.
            let refused = ask(&mut stranger, method, &path).await;
            assert_eq!(refused.status, StatusCode::NOT_FOUND, "stranger: {event}");
            assert!(rows_of(&platform, &tenant, &event, stranger_id)
                .await
                .is_empty());
            cases += 1;
        }
    }
    println!("access log: {cases} route × visitor cases");
    assert!(cases >= 25, "only {cases} cases");
    // Nobody's row names another page, and the beheerder's own name is kept as it was.
    let all = rows(&platform, &tenant).await;
    assert!(all.iter().all(|row| row.care_page_id == page));
    assert!(all
        .iter()
        .filter(|row| row.actor_id == beheerder_id.0)
        .all(|row| row.actor_name == "dochter" && row.basis == "beheerder"));
    platform.finish().await;
}

#[tokio::test]
async fn no_role_can_change_remove_or_empty_the_log() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Onwrikbaar", "#1d4f91")
        .await;
    let (mut beheerder, _, page) = beheerder_with_page(&platform, &tenant).await;
    beheerder
        .get(&format!("/zorgpagina/{page}/connecties"))
        .await;
    platform.zorgctl(&["audit", "seal"]);
    let before = rows(&platform, &tenant).await;
    assert!(!before.is_empty());

    let attempts = [
        "UPDATE access_log SET actor_name = 'Iemand anders'",
        "DELETE FROM access_log",
        "TRUNCATE access_log CASCADE",
        "UPDATE access_log_seals SET sealed_at = now()",
        "DELETE FROM access_log_seals",
        "TRUNCATE access_log_seals",
    ];
    for statement in attempts {
        let refused = in_tenant(&platform.db, &tenant.slug, async |tx| {
            sqlx::query(statement).execute(tx.conn()).await
        })
        .await
        .expect_err(statement);
        let code = refused
            .as_database_error()
            .and_then(|e| e.code())
            .map(|c| c.into_owned());
        assert_eq!(code.as_deref(), Some("42501"), "{statement}: {refused}");
        assert!(refused.to_string().contains("append-only"), "{refused}");
    }
    let after = rows(&platform, &tenant).await;
    assert_eq!(after.len(), before.len());
    assert_eq!(after[0].actor_name, "dochter");
    platform.finish().await;
}

/// Runs `zorgctl audit verify` for `tenant`: whether it passed, and what it printed.
fn verify(platform: &TestPlatform, tenant: &Tenant, extra: &[&str]) -> (bool, String) {
    let output = std::process::Command::new(zorgportaal_tests::binary("zorgctl"))
        .args(["audit", "verify", "--tenant", tenant.slug.as_str()])
        .args(extra)
        .envs(platform.child_env())
        .output()
        .expect("run zorgctl");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), printed)
}

/// Runs `statement` on `tenant`'s schema as the database superuser with triggers switched off,
/// the way someone with full access to the server could.
async fn as_superuser(platform: &TestPlatform, tenant: &Tenant, statement: &str) {
    let mut tx = platform.db.begin().await.unwrap();
    sqlx::query("SET LOCAL session_replication_role = replica")
        .execute(&mut *tx)
        .await
        .unwrap();
    let schema = tenant.slug.schema_name();
    sqlx::query(&format!("SET LOCAL search_path TO \"{schema}\""))
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(statement).execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn verify_names_a_row_changed_removed_or_reordered_behind_the_platforms_back() {
    // Only `zorgctl audit seal` seals here: the worker waits an hour between rounds.
    let platform = TestPlatform::start_with(
        Services::ALL,
        &[("WORKER_ACCESS_LOG_SEAL_MS", "3600000".to_owned())],
    )
    .await;
    let tenant = platform.create_tenant("Zorggroep Keten", "#1d4f91").await;
    let (mut beheerder, _, page) = beheerder_with_page(&platform, &tenant).await;
    for section in [
        "connecties",
        "profiel",
        "notities",
        "meldingen",
        "beheerders",
        "connecties",
    ] {
        beheerder
            .get(&format!("/zorgpagina/{page}/{section}"))
            .await;
    }
    let written = rows(&platform, &tenant).await;
    assert!(written.len() >= 6, "{written:?}");

    // Not sealed yet: verify says so once the rows have waited too long.
    let (holds, printed) = verify(&platform, &tenant, &["--unsealed-minutes", "0"]);
    assert!(!holds, "{printed}");
    assert!(
        printed.contains(&format!("row {} is not sealed", written[0].id)),
        "{printed}"
    );

    platform.zorgctl(&["audit", "seal"]);
    let (holds, printed) = verify(&platform, &tenant, &[]);
    assert!(holds, "{printed}");
    assert!(
        printed.contains(&format!("{} links checked, chain holds", written.len())),
        "{printed}"
    );

    // One changed row is named, and the rows after it still hold.
    let changed = written[2].id;
    as_superuser(
        &platform,
        &tenant,
        &format!("UPDATE access_log SET actor_name = 'Iemand anders' WHERE id = {changed}"),
    )
    .await;
    let (holds, printed) = verify(&platform, &tenant, &[]);
    assert!(!holds, "{printed}");
    assert!(
        printed.contains(&format!("row {changed} (link 3) does not match")),
        "{printed}"
    );
    assert_eq!(printed.matches("does not match").count(), 1, "{printed}");

    // A removed row is named too.
    let removed = written[4].id;
    as_superuser(
        &platform,
        &tenant,
        &format!("DELETE FROM access_log WHERE id = {removed}"),
    )
    .await;
    let (_, printed) = verify(&platform, &tenant, &[]);
    assert!(
        printed.contains(&format!("row {removed} (link 5) has been removed")),
        "{printed}"
    );

    // Two links traded places: both are named.
    let (first, second) = (written[0].id, written[1].id);
    for swap in [
        format!("UPDATE access_log_seals SET entry_id = -1 WHERE entry_id = {first}"),
        format!("UPDATE access_log_seals SET entry_id = {first} WHERE entry_id = {second}"),
        format!("UPDATE access_log_seals SET entry_id = {second} WHERE entry_id = -1"),
    ] {
        as_superuser(&platform, &tenant, &swap).await;
    }
    let (holds, printed) = verify(&platform, &tenant, &[]);
    assert!(!holds);
    assert!(
        printed.contains(&format!("row {second} (link 1) does not match")),
        "{printed}"
    );
    assert!(
        printed.contains(&format!("row {first} (link 2) does not match")),
        "{printed}"
    );
    platform.finish().await;
}

#[tokio::test]
async fn the_worker_seals_new_rows_moments_after_they_are_written() {
    let platform = TestPlatform::start_with(
        Services::ALL,
        &[("WORKER_ACCESS_LOG_SEAL_MS", "100".to_owned())],
    )
    .await;
    let tenant = platform.create_tenant("Zorggroep Zegel", "#1d4f91").await;
    let (mut beheerder, _, page) = beheerder_with_page(&platform, &tenant).await;
    for _ in 0..3 {
        beheerder.get(&format!("/zorgpagina/{page}")).await;
    }
    let written = rows(&platform, &tenant).await.len();
    let sealed = eventually(
        std::time::Duration::from_secs(20),
        "the worker seals every row",
        || async {
            let (sealed, waiting): (i64, i64) = in_tenant(&platform.db, &tenant.slug, async |tx| {
                sqlx::query_as(
                    "SELECT (SELECT count(*) FROM access_log_seals),
                            (SELECT count(*) FROM access_log_unsealed)",
                )
                .fetch_one(tx.conn())
                .await
            })
            .await
            .unwrap();
            (waiting == 0 && sealed as usize >= written).then_some(sealed)
        },
    )
    .await;
    assert_eq!(sealed as usize, written);
    let (holds, printed) = verify(&platform, &tenant, &["--unsealed-minutes", "0"]);
    assert!(holds, "{printed}");
    platform.finish().await;
}

/// The lines of "Wie keek mee?", as text, in the order the page shows them.
fn lines(page: &Page) -> Vec<String> {
    page.body
        .split("<li class=\"access-log__line\">")
        .skip(1)
        .map(|item| {
            let item = item.split("</li>").next().unwrap_or_default();
            let text = zorgportaal_tests::visitor::unescape(item);
            let mut plain = String::new();
            let mut in_tag = false;
            for c in text.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    _ if !in_tag => plain.push(c),
                    _ => {}
                }
            }
            plain.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

#[tokio::test]
async fn wie_keek_mee_shows_beheerders_who_looked_at_what_in_plain_words() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Meekijken", "#1d4f91")
        .await;
    let (mut beheerder, _, page) = beheerder_with_page(&platform, &tenant).await;
    let (mut buurvrouw, _, buurvrouw_id) = member_with(
        &platform,
        &tenant,
        page,
        "buurvrouw",
        Rights::preset(Preset::Basic),
    )
    .await;

    buurvrouw.get(&format!("/zorgpagina/{page}/kalender")).await;
    let dossier = buurvrouw.get(&format!("/zorgpagina/{page}/dossier")).await;
    assert_eq!(dossier.status, StatusCode::FORBIDDEN);
    beheerder.get(&format!("/zorgpagina/{page}/profiel")).await;

    // Members who are not beheerder cannot read the log.
    let path = format!("/zorgpagina/{page}/wie-keek-mee");
    assert_eq!(buurvrouw.get(&path).await.status, StatusCode::FORBIDDEN);

    let seen = beheerder.get(&path).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    assert!(seen.shows("Wie keek mee?"));
    let shown = lines(&seen);
    // Newest first; the time before each line.
    let expected = [
        "buurvrouw (mantelzorger) probeerde de lijst van wie er meekeek te openen, maar had daar geen recht op",
        "dochter (beheerder) bekeek het profiel",
        "buurvrouw (mantelzorger) probeerde het dossier te openen, maar had daar geen recht op",
        "buurvrouw (mantelzorger) bekeek de agenda",
    ];
    let without_time: Vec<&str> = shown
        .iter()
        .map(|line| {
            line.split_once(' ').map_or("", |(time, rest)| {
                assert_eq!(time.len(), 5, "{line}");
                rest
            })
        })
        .collect();
    let at = without_time
        .iter()
        .position(|line| *line == expected[0])
        .unwrap_or_else(|| panic!("{shown:?}"));
    assert_eq!(
        &without_time[at..at + expected.len()],
        &expected,
        "{shown:?}"
    );

    // Opening the log is in the log: the next visit shows the first.
    let again = lines(&beheerder.get(&path).await);
    assert!(
        again[0].ends_with("dochter (beheerder) bekeek de lijst van wie er meekeek"),
        "{again:?}"
    );

    // One person only.
    let only = beheerder
        .get(&format!("{path}?persoon={}", buurvrouw_id.0))
        .await;
    let only = lines(&only);
    assert!(!only.is_empty());
    assert!(
        only.iter().all(|line| line.contains("buurvrouw")),
        "{only:?}"
    );

    // A period without visits, and periods that are not.
    let empty = beheerder
        .get(&format!("{path}?van=2020-01-01&tot=2020-01-31"))
        .await;
    assert!(empty.shows("In deze periode heeft niemand deze zorgpagina bekeken."));
    assert!(empty.shows("Van 01-01-2020 tot en met 31-01-2020"));
    let reversed = beheerder
        .get(&format!("{path}?van=2020-02-01&tot=2020-01-01"))
        .await;
    assert_eq!(reversed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reversed.shows("De eerste dag moet vóór de laatste dag liggen."));
    let nonsense = beheerder.get(&format!("{path}?van=gisteren")).await;
    assert_eq!(nonsense.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(nonsense.shows("Vul een geldige datum in"));
    // The beheerder finds it from Connecties.
    let connecties = beheerder
        .get(&format!("/zorgpagina/{page}/connecties"))
        .await;
    assert!(connecties.shows(&format!("href=\"{path}\"")));
    platform.finish().await;
}

#[tokio::test]
async fn the_client_of_their_own_page_sees_wie_keek_mee_without_beheerrechten_and_other_members_do_not(
) {
    use common::care::page::Role;
    use zorgportaal_tests::care_pages::{add_member_with, create_page};

    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Eigen", "#1d4f91").await;
    let (mut client, client_email) = signed_in(&platform, &tenant, "client").await;
    let page = create_page(&mut client, "mijzelf", "", "03-02-1940").await;
    let client_id = account_id(&platform, &client_email).await;
    // The client handed the administration to their daughter and kept no beheerrechten.
    let (_dochter, dochter_email) = signed_in(&platform, &tenant, "dochter").await;
    let dochter_id = account_id(&platform, &dochter_email).await;
    add_member_with(
        &platform,
        &tenant,
        page,
        dochter_id,
        Role::Beheerder,
        Rights::NONE,
    )
    .await;
    add_member_with(
        &platform,
        &tenant,
        page,
        client_id,
        Role::Lid,
        Rights::preset(Preset::Basic),
    )
    .await;
    let (mut buurman, _, _) = member_with(
        &platform,
        &tenant,
        page,
        "buurman",
        Rights::preset(Preset::Everything),
    )
    .await;

    let path = format!("/zorgpagina/{page}/wie-keek-mee");
    let connecties = format!("/zorgpagina/{page}/connecties");
    let seen = client.get(&path).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    assert!(seen.shows("Wie keek mee?"));
    assert!(client
        .get(&connecties)
        .await
        .shows(&format!("href=\"{path}\"")));
    // Every right but beheer is not enough on someone else's page.
    assert_eq!(buurman.get(&path).await.status, StatusCode::FORBIDDEN);
    assert!(!buurman
        .get(&connecties)
        .await
        .shows(&format!("href=\"{path}\"")));

    let looked: Vec<Row> = rows(&platform, &tenant)
        .await
        .into_iter()
        .filter(|row| row.part == "toegangslog")
        .collect();
    let bases: Vec<(&str, i16)> = looked
        .iter()
        .map(|row| (row.basis.as_str(), row.outcome))
        .collect();
    // The refused row names what was lacking.
    assert_eq!(bases, [("client", 200), ("beheerder", 403)], "{looked:?}");
    platform.finish().await;
}

#[tokio::test]
async fn parallel_requests_each_get_their_own_row_in_a_group_commit() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Drukte", "#1d4f91").await;
    let (beheerder, _, page) = beheerder_with_page(&platform, &tenant).await;
    let path = format!("/zorgpagina/{page}/connecties");
    let before = rows(&platform, &tenant).await.len();
    let answers = futures::future::join_all((0..40).map(|_| {
        let mut visitor = beheerder.same_session();
        let path = path.clone();
        async move { visitor.get(&path).await.status }
    }))
    .await;
    assert!(
        answers.iter().all(|status| *status == StatusCode::OK),
        "{answers:?}"
    );
    let after = rows(&platform, &tenant).await;
    let new: Vec<&Row> = after[before..].iter().collect();
    assert_eq!(new.len(), 40);
    assert!(new
        .iter()
        .all(|row| row.event == "GET /zorgpagina/:id/connecties"));
    platform.finish().await;
}
