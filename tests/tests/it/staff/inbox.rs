//! The organisation inbox (MSG-7, BEY-3): a trust-group member writes to the organisation, the
//! employee sees it unread, opens it (the member sees "gelezen door het zorgteam") and answers
//! (marked as the organisation's); own clients come first, overdue threads before all, and the
//! member then sees the organisation's phone number. Every read writes its access-log row.

use common::care::rights::{Right, Rights};
use common::infra::tenancy::in_tenant;
use reqwest::StatusCode;
use uuid::Uuid;
use zorgportaal_tests::accounts::make_admin;
use zorgportaal_tests::care_pages::{
    beheerder_with_page, create_page, link_to_new_client, member_with, messages_announced,
};
use zorgportaal_tests::messages::start_thread;
use zorgportaal_tests::staff::{assign, staff_member};
use zorgportaal_tests::{TestPlatform, Visitor};

/// Sends a message to the organisation from `member` on `page`: the thread's path there.
async fn to_organisation(member: &mut Visitor, page: Uuid, text: &str) -> String {
    start_thread(member, page, "organisation", text, &[]).await
}

async fn staff_rows(
    platform: &TestPlatform,
    tenant: &common::infra::tenancy::Tenant,
) -> Vec<(String, String, Uuid)> {
    in_tenant(&platform.db, &tenant.slug, async |tx| {
        sqlx::query_as::<_, (String, String, Uuid)>(
            "SELECT event, actor_role, care_page_id FROM access_log
              WHERE actor_role = 'medewerker' ORDER BY id",
        )
        .fetch_all(tx.conn())
        .await
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn the_care_team_reads_and_answers_and_the_member_sees_it_was_read_and_answered() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Antwoord", "#1d4f91")
        .await;
    let (mut beheerder, beheerder_email, page) = beheerder_with_page(&platform, &tenant).await;
    let client = link_to_new_client(&platform, &tenant, page, "A-1").await;
    let trust = Rights::new([Right::MessagesTrustGroup, Right::MessagesOrganisation]).unwrap();
    let (mut zoon, _, _) = member_with(&platform, &tenant, page, "zoon", trust).await;
    let (mut employee, _, _, employee_id) = staff_member(&platform, &tenant, "team").await;

    let thread = to_organisation(&mut zoon, page, "Mag moeder zondag mee naar de kerk?").await;
    let thread_id = thread.rsplit('/').next().unwrap().to_owned();
    let waiting = zoon.get(&thread).await;
    assert!(waiting.shows("Zorggroep Antwoord beantwoordt berichten binnen 3 dagen."));
    assert!(!waiting.shows("Gelezen door het zorgteam"));

    let inbox = employee.get("/medewerker").await;
    assert_eq!(inbox.status, StatusCode::OK, "{}", inbox.body);
    assert!(inbox.shows(&thread_id) && inbox.shows("Anna de Vries"));
    assert!(inbox.shows("thread-list__item--unread"));
    assert!(!inbox.shows("Mijn cliënt"), "not assigned yet");

    let opened = employee
        .get(&format!("/medewerker/berichten/{thread_id}"))
        .await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    assert!(opened.shows("Mag moeder zondag mee naar de kerk?"));
    assert!(!employee
        .get("/medewerker")
        .await
        .shows("thread-list__item--unread"));
    assert!(zoon.get(&thread).await.shows("Gelezen door het zorgteam"));

    let answered = employee
        .post_multipart(
            &format!("/medewerker/berichten/{thread_id}"),
            &[("bericht", "Natuurlijk, we zorgen dat ze klaarstaat.")],
            &[],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    let seen = zoon.get(&thread).await;
    assert!(seen.shows("Natuurlijk, we zorgen dat ze klaarstaat."));
    assert!(seen.shows("Medewerker team"));
    assert!(seen.shows("namens Zorggroep Antwoord"));

    // Each staff read of the thread left its row on the client's page.
    let rows = staff_rows(&platform, &tenant).await;
    let reads: Vec<_> = rows
        .iter()
        .filter(|(event, _, on)| event == "GET /medewerker/berichten/:draad" && *on == page)
        .collect();
    assert_eq!(reads.len(), 1, "{rows:?}");
    assert!(rows
        .iter()
        .any(|(event, _, _)| event == "POST /medewerker/berichten/:draad"));

    // Own clients first: a second page, assigned to the employee, comes before this one.
    let (mut other, _) = zorgportaal_tests::accounts::signed_in(&platform, &tenant, "ander").await;
    let mine = create_page(&mut other, "iemand-anders", "Bert Jansen", "03-02-1950").await;
    let mine_client = link_to_new_client(&platform, &tenant, mine, "A-2").await;
    assign(&platform, &tenant, employee_id, mine_client).await;
    let older = to_organisation(&mut other, mine, "Een vraag over Bert").await;
    let newer = to_organisation(&mut zoon, page, "Nog een vraag over moeder").await;
    let inbox = employee.get("/medewerker").await;
    let at = |path: &str| inbox.body.find(path.rsplit('/').next().unwrap()).unwrap();
    assert!(
        at(&older) < at(&newer),
        "mijn cliënten first: {}",
        inbox.body
    );
    assert!(inbox.shows("Mijn cliënt"));
    let _ = client;

    // Past the promised three days, the waiting thread goes to the top, marked, and the
    // member sees the organisation's phone number.
    make_admin(&platform, &tenant, &beheerder_email).await;
    zorgportaal_tests::tenants::set_support_phone(
        &mut beheerder,
        "Zorggroep Antwoord",
        "030 - 765 43 21",
    )
    .await;
    // As if the last question was asked four days ago.
    in_tenant(&platform.db, &tenant.slug, async |tx| {
        sqlx::query(
            "UPDATE message_threads
                SET awaiting_organisation_since = awaiting_organisation_since - interval '4 days'
              WHERE id = $1",
        )
        .bind(Uuid::parse_str(newer.rsplit('/').next().unwrap()).unwrap())
        .execute(tx.conn())
        .await
    })
    .await
    .unwrap();
    let inbox = employee.get("/medewerker").await;
    assert!(inbox.shows("Wacht te lang op antwoord"));
    assert!(
        at_in(&inbox.body, &newer) < at_in(&inbox.body, &older),
        "overdue first"
    );
    let overdue = zoon.get(&newer).await;
    assert!(overdue.shows("wacht al langer dan 3 dagen op antwoord"));
    assert!(overdue.shows("030 - 765 43 21"));
    // The answered thread is not overdue.
    assert!(!zoon.get(&thread).await.shows("wacht al langer"));
    messages_announced(&platform, &tenant).await;
    platform.finish().await;
}

fn at_in(body: &str, path: &str) -> usize {
    body.find(path.rsplit('/').next().unwrap()).unwrap()
}

#[tokio::test]
async fn with_the_setting_the_organisation_can_be_chosen_only_after_an_employee_wrote_first() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Eerst", "#1d4f91").await;
    let (mut beheerder, beheerder_email, page) = beheerder_with_page(&platform, &tenant).await;
    link_to_new_client(&platform, &tenant, page, "E-1").await;
    make_admin(&platform, &tenant, &beheerder_email).await;
    beheerder.get("/beheer/instellingen").await;
    let saved = beheerder
        .post(
            "/beheer/instellingen",
            &[
                ("messaging_after_staff_first", "on"),
                ("measurement_types", "weight"),
                ("activation_code_weeks", "6"),
                ("response_days", "3"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    let compose = format!("/zorgpagina/{page}/berichten/nieuw");
    let before = beheerder.get(&compose).await;
    assert!(!before.shows("value=\"organisation\""), "{}", before.body);
    let (mut employee, _, _, _) = staff_member(&platform, &tenant, "pber").await;
    let clients = employee.get("/medewerker/clienten").await;
    assert!(clients.shows("Anna de Vries"));
    let write = format!("/medewerker/zorgpagina/{page}/bericht");
    employee.get(&write).await;
    let sent = employee
        .post_multipart(&write, &[("bericht", "Welkom op het portaal!")], &[])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let after = beheerder.get(&compose).await;
    assert!(after.shows("value=\"organisation\""));
    let list = beheerder
        .get(&format!("/zorgpagina/{page}/berichten"))
        .await;
    assert!(list.shows("Welkom op het portaal!"));
    assert!(list.shows("namens Zorggroep Eerst"));
    messages_announced(&platform, &tenant).await;
    platform.finish().await;
}

/// The thread ids of an inbox page, top to bottom.
fn inbox_lines(body: &str) -> Vec<String> {
    body.split("href=\"/medewerker/berichten/")
        .skip(1)
        .map(|rest| rest[..36].to_owned())
        .collect()
}

#[tokio::test]
async fn a_long_inbox_pages_fifty_at_a_time_and_keeps_its_order_across_pages() {
    use common::care::messages::threads::{self, Author};
    use common::care::messages::Audience;
    use common::care::page::CarePageId;
    use common::infra::clock::Clock;

    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Lang", "#1d4f91").await;
    let (_beheerder, email, page) = beheerder_with_page(&platform, &tenant).await;
    link_to_new_client(&platform, &tenant, page, "L-1").await;
    let (mut other, other_email) =
        zorgportaal_tests::accounts::signed_in(&platform, &tenant, "lang").await;
    let mine = create_page(&mut other, "iemand-anders", "Bert Jansen", "03-02-1950").await;
    let mine_client = link_to_new_client(&platform, &tenant, mine, "L-2").await;
    let (mut employee, _, _, employee_id) = staff_member(&platform, &tenant, "lang").await;
    assign(&platform, &tenant, employee_id, mine_client).await;

    // 120 threads: 30 on the assigned client's page, 90 on the other, 20 of those overdue;
    // each a minute apart, so the order within a group is the order of writing.
    let writer = zorgportaal_tests::accounts::account_id(&platform, &email).await;
    let other_writer = zorgportaal_tests::accounts::account_id(&platform, &other_email).await;
    let now = platform.clock.now();
    let (mut overdue, mut own, mut rest) = (Vec::new(), Vec::new(), Vec::new());
    in_tenant(&platform.db, &tenant.slug, async |tx| {
        for n in 0..120 {
            let at = now - time::Duration::minutes(n);
            let (on, author) = if n % 4 == 0 {
                (
                    mine,
                    Author::Member {
                        account: other_writer,
                        name: "Ander".into(),
                    },
                )
            } else {
                (
                    page,
                    Author::Member {
                        account: writer,
                        name: "Beheerder".into(),
                    },
                )
            };
            let text = format!("Vraag {n}");
            let (thread, _) = threads::start(
                tx,
                CarePageId(on),
                Audience::Organisation,
                &author,
                &text,
                at,
            )
            .await?;
            if on == page && n % 3 == 0 && overdue.len() < 20 {
                sqlx::query(
                    "UPDATE message_threads
                        SET awaiting_organisation_since = $2 - interval '5 days' WHERE id = $1",
                )
                .bind(thread.0)
                .bind(at)
                .execute(tx.conn())
                .await?;
                overdue.push(thread.to_string());
            } else if on == mine {
                own.push(thread.to_string());
            } else {
                rest.push(thread.to_string());
            }
        }
        Ok::<_, sqlx::Error>(())
    })
    .await
    .unwrap();
    let expected: Vec<String> = [overdue, own, rest].concat();

    let mut seen = Vec::new();
    let mut path = "/medewerker".to_owned();
    for pages in 1.. {
        let inbox = employee.get(&path).await;
        assert_eq!(inbox.status, StatusCode::OK, "{}", inbox.body);
        let lines = inbox_lines(&inbox.body);
        assert!(lines.len() <= 50, "page {pages} holds {}", lines.len());
        seen.extend(lines);
        let Some(at) = inbox.body.find("href=\"/medewerker?na=") else {
            assert!(inbox.shows("Terug naar het begin van de inbox"));
            break;
        };
        let rest = &inbox.body[at + "href=\"".len()..];
        path = rest[..rest.find('"').unwrap()].to_owned();
        assert!(pages < 5, "the inbox does not end");
    }
    assert_eq!(
        seen, expected,
        "every thread once, overdue, then mine, then the rest"
    );
    // A cursor that is not one shows the inbox from the top.
    let top = employee.get("/medewerker?na=xx_1_2").await;
    assert_eq!(inbox_lines(&top.body)[..50], expected[..50]);
    platform.finish().await;
}

#[tokio::test]
async fn an_employees_photo_shows_on_their_answer_and_only_on_pages_of_their_organisation() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Foto", "#1d4f91").await;
    let other = platform.create_tenant("Zorggroep Elders", "#1d4f91").await;
    let (mut beheerder, beheerder_email, page) = beheerder_with_page(&platform, &tenant).await;
    link_to_new_client(&platform, &tenant, page, "F-1").await;
    let (mut employee, _, _, employee_id) = staff_member(&platform, &tenant, "foto").await;

    make_admin(&platform, &tenant, &beheerder_email).await;
    let photo_page = format!("/beheer/medewerkers/{}", employee_id.0);
    beheerder.get(&photo_page).await;
    let mut png = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(400, 300, image::Rgb([200, 80, 30]))
        .write_to(&mut png, image::ImageFormat::Png)
        .unwrap();
    let uploaded = beheerder
        .post_file(
            &format!("{photo_page}/foto"),
            "photo",
            "sanne.png",
            "image/png",
            png.get_ref(),
        )
        .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.body);

    let write = format!("/medewerker/zorgpagina/{page}/bericht");
    employee.get(&write).await;
    let sent = employee
        .post_multipart(
            &write,
            &[("bericht", "Goedemorgen, ik ben uw begeleider.")],
            &[],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let list = beheerder
        .get(&format!("/zorgpagina/{page}/berichten"))
        .await;
    let marker = format!("thread-list__link\" href=\"/zorgpagina/{page}/berichten/");
    let thread = zorgportaal_tests::messages::id_after(&list, &marker);
    let shown = beheerder
        .get(&format!("/zorgpagina/{page}/berichten/{thread}"))
        .await;
    let photo = format!("/zorgpagina/{page}/medewerkers/{}/foto", employee_id.0);
    assert!(shown.shows(&format!("src=\"{photo}\"")), "{}", shown.body);
    let (status, headers, bytes) = beheerder.get_bytes(&photo).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/jpeg");
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (256, 256));

    // Someone without a place on the page, and an account of another organisation, get
    // nothing; an employee who is not there is not found.
    let (mut outsider, _) =
        zorgportaal_tests::accounts::signed_in(&platform, &tenant, "buiten").await;
    assert_eq!(outsider.get_bytes(&photo).await.0, StatusCode::NOT_FOUND);
    let (mut stranger, _) = zorgportaal_tests::accounts::signed_in(&platform, &other, "ver").await;
    assert_eq!(stranger.get_bytes(&photo).await.0, StatusCode::NOT_FOUND);
    let nobody = format!("/zorgpagina/{page}/medewerkers/{}/foto", Uuid::new_v4());
    assert_eq!(beheerder.get_bytes(&nobody).await.0, StatusCode::NOT_FOUND);
    messages_announced(&platform, &tenant).await;
    platform.finish().await;
}
