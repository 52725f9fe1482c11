//! Members after they joined (NET-2, NET-5): the beheerder changes a member's rights and
//! removes them (both get an e-mail), a member leaves by themselves, the last beheerder can do
//! neither, and every change is in the network's change log.

use common::care::rights::{Preset, Rights};
use common::infra::tenancy::in_tenant;
use reqwest::StatusCode;
use zorgportaal_tests::accounts::{account_id, eventually_mails};
use zorgportaal_tests::care_pages::{beheerder_with_page, member_with};
use zorgportaal_tests::TestPlatform;

#[tokio::test]
async fn a_beheerder_changes_a_members_rights_then_removes_them_and_both_are_told() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Leden", "#1d4f91").await;
    let (mut beheerder, beheerder_email, page) = beheerder_with_page(&platform, &tenant).await;
    let (mut buurvrouw, buurvrouw_email, buurvrouw_id) = member_with(
        &platform,
        &tenant,
        page,
        "buurvrouw",
        Rights::preset(Preset::Basic),
    )
    .await;
    let dossier = format!("/zorgpagina/{page}/dossier");
    assert_eq!(buurvrouw.get(&dossier).await.status, StatusCode::FORBIDDEN);

    // Connecties shows the beheerder "Rechten" and "Verwijderen" under the member.
    let connecties = beheerder
        .get(&format!("/zorgpagina/{page}/connecties"))
        .await;
    let rights_path = format!("/zorgpagina/{page}/connecties/{}/rechten", buurvrouw_id.0);
    let remove_path = format!(
        "/zorgpagina/{page}/connecties/{}/verwijderen",
        buurvrouw_id.0
    );
    assert!(connecties.shows(&format!("href=\"{rights_path}\"")));
    assert!(connecties.shows(&format!("href=\"{remove_path}\"")));

    let form = beheerder.get(&rights_path).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.shows("Rechten van buurvrouw"));
    assert!(form
        .body
        .contains("value=\"basis\" aria-describedby=\"access-basis-hint\" checked"));
    let broken = beheerder
        .post(
            &rights_path,
            &[("access", "eigen"), ("rechten", "plannen_goedkeuren")],
        )
        .await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(broken.shows("Deze rechten horen bij elkaar"));
    let own = beheerder
        .post(
            &rights_path,
            &[
                ("access", "eigen"),
                ("rechten", "dossier"),
                ("rechten", "plannen_goedkeuren"),
            ],
        )
        .await;
    assert_eq!(own.status, StatusCode::SEE_OTHER, "{}", own.body);
    // On the member's next request the dossier opens; the calendar is gone.
    assert_eq!(buurvrouw.get(&dossier).await.status, StatusCode::OK);
    let calendar = format!("/zorgpagina/{page}/kalender");
    assert_eq!(buurvrouw.get(&calendar).await.status, StatusCode::FORBIDDEN);
    let saved = beheerder
        .get(&format!(
            "/zorgpagina/{page}/connecties?melding=rechten-opgeslagen"
        ))
        .await;
    assert!(saved.shows("De rechten zijn opgeslagen."));
    assert!(saved.shows("Vertrouwensgroep"));

    // Remove, confirmed with OK: the member's next request is refused.
    let confirm = beheerder.get(&remove_path).await;
    assert!(confirm.shows("Weet je zeker dat je buurvrouw wilt verwijderen"));
    assert!(confirm.shows(">OK</button>"));
    let removed = beheerder.post(&remove_path, &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    let after = beheerder.get(removed.location().unwrap()).await;
    assert!(after.shows("De deelnemer is verwijderd."));
    assert!(!after.shows(&buurvrouw_email));
    assert_eq!(buurvrouw.get(&dossier).await.status, StatusCode::NOT_FOUND);
    let overview = buurvrouw.get("/overzicht").await;
    assert!(!overview.shows("Anna de Vries"));
    eventually_mails(
        &platform,
        &buurvrouw_email,
        "Je doet niet meer mee op de zorgpagina van Anna de Vries",
        1,
    )
    .await;
    eventually_mails(
        &platform,
        &beheerder_email,
        "buurvrouw doet niet meer mee op de zorgpagina van Anna de Vries",
        1,
    )
    .await;

    // The change log, newest first.
    let log = beheerder
        .get(&format!("/zorgpagina/{page}/wijzigingen"))
        .await;
    assert_eq!(log.status, StatusCode::OK);
    let removed_at = log
        .body
        .find("dochter verwijderde buurvrouw")
        .expect("removal logged");
    let changed_at = log
        .body
        .find("dochter veranderde de rechten van buurvrouw")
        .expect("rights change logged");
    assert!(removed_at < changed_at);
    assert!(log.shows("Kan plannen goedkeuren (dossiertoegang nodig)"));
    platform.finish().await;
}

#[tokio::test]
async fn a_member_can_leave_and_the_last_beheerder_can_neither_leave_nor_be_removed() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Verlaten", "#1d4f91")
        .await;
    let (mut beheerder, beheerder_email, page) = beheerder_with_page(&platform, &tenant).await;
    let beheerder_id = account_id(&platform, &beheerder_email).await;
    let (mut zoon, _, zoon_id) = member_with(&platform, &tenant, page, "zoon", Rights::NONE).await;

    let leave = format!("/zorgpagina/{page}/verlaten");
    let form = zoon.get(&leave).await;
    assert!(form.shows("Weet je zeker dat je niet meer wilt meedoen"));
    let left = zoon.post(&leave, &[]).await;
    assert_eq!(left.status, StatusCode::SEE_OTHER, "{}", left.body);
    assert_eq!(left.location(), Some("/overzicht?melding=verlaten"));
    assert_eq!(
        zoon.get(&format!("/zorgpagina/{page}")).await.status,
        StatusCode::NOT_FOUND
    );
    let log = beheerder
        .get(&format!("/zorgpagina/{page}/wijzigingen"))
        .await;
    assert!(log.shows("zoon verliet de zorgpagina"));
    // Leaving is in the access log too, as the member's own change of the network.
    let rows: i64 = in_tenant(&platform.db, &tenant.slug, async |tx| {
        sqlx::query_scalar(
            "SELECT count(*) FROM access_log
              WHERE event = 'POST /zorgpagina/:id/verlaten' AND actor_id = $1 AND action = 'D'",
        )
        .bind(zoon_id.0)
        .fetch_one(tx.conn())
        .await
    })
    .await
    .unwrap();
    assert_eq!(rows, 1);

    // The only beheerder stays.
    let refused = beheerder.post(&leave, &[]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.shows("Je bent de enige beheerder."));
    let own = format!(
        "/zorgpagina/{page}/connecties/{}/verwijderen",
        beheerder_id.0
    );
    let refused = beheerder.post(&own, &[]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.shows("is de enige beheerder en kan niet worden verwijderd"));
    assert_eq!(
        beheerder.get(&format!("/zorgpagina/{page}")).await.status,
        StatusCode::OK
    );
    platform.finish().await;
}

/// How often the network's change log, as the beheerder reads it, says that buurvrouw's
/// rights lapsed.
async fn lapses_logged(beheerder: &mut zorgportaal_tests::Visitor, page: uuid::Uuid) -> usize {
    let log = beheerder
        .get(&format!("/zorgpagina/{page}/wijzigingen"))
        .await;
    log.body
        .matches("De rechten van buurvrouw zijn vervallen")
        .count()
}

#[tokio::test]
async fn a_grant_with_an_end_date_lapses_at_that_moment_and_its_member_is_reminded_once() {
    use common::care::network::members;
    use common::infra::clock::{dutch, Clock};
    use std::time::Duration;

    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Tijdelijk", "#1d4f91")
        .await;
    let (mut beheerder, _, page) = beheerder_with_page(&platform, &tenant).await;
    let (mut buurvrouw, buurvrouw_email, buurvrouw_id) =
        member_with(&platform, &tenant, page, "buurvrouw", Rights::NONE).await;

    // "buurvrouw, agenda, 14 dagen": the last day is two weeks from today.
    let now = platform.clock.now();
    let last_day = dutch::civil(now).date() + time::Duration::days(14);
    let field = last_day
        .format(time::macros::format_description!("[year]-[month]-[day]"))
        .unwrap();
    let rights_path = format!("/zorgpagina/{page}/connecties/{}/rechten", buurvrouw_id.0);
    beheerder.get(&rights_path).await;
    let past = beheerder
        .post(&rights_path, &[("access", "basis"), ("tot", "2020-01-01")])
        .await;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(past.shows("Deze dag is al voorbij."));
    let saved = beheerder
        .post(&rights_path, &[("access", "basis"), ("tot", &field)])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let connecties = beheerder
        .get(&format!("/zorgpagina/{page}/connecties"))
        .await;
    let shown = common::care::page::BirthDate::format(last_day);
    assert!(
        connecties.shows(&format!("rechten tot en met {shown}")),
        "{}",
        connecties.body
    );
    let calendar = format!("/zorgpagina/{page}/kalender");
    assert_eq!(buurvrouw.get(&calendar).await.status, StatusCode::OK);
    let until: time::OffsetDateTime = in_tenant(&platform.db, &tenant.slug, async |tx| {
        sqlx::query_scalar("SELECT rights_until FROM care_page_members WHERE account_id = $1")
            .bind(buurvrouw_id.0)
            .fetch_one(tx.conn())
            .await
    })
    .await
    .unwrap();
    assert_eq!(until, dutch::start_of(last_day + time::Duration::days(1)));

    // The reminder: not yet eleven days ahead, then exactly once from three days before.
    let round = |at: time::OffsetDateTime| {
        let db = platform.db.clone();
        async move {
            members::remind_and_lapse_in_every_tenant(&db, at)
                .await
                .unwrap()
        }
    };
    assert_eq!(round(until - time::Duration::days(4)).await, (0, 0));
    assert_eq!(round(until - time::Duration::days(3)).await, (1, 0));
    assert_eq!(round(until - time::Duration::days(2)).await, (0, 0));
    eventually_mails(
        &platform,
        &buurvrouw_email,
        "Je rechten op de zorgpagina van Anna de Vries lopen af op",
        1,
    )
    .await;

    // The lapse at the moment itself, before any round: a grant ending in five minutes.
    in_tenant(&platform.db, &tenant.slug, async |tx| {
        sqlx::query("UPDATE care_page_members SET rights_until = $2 WHERE account_id = $1")
            .bind(buurvrouw_id.0)
            .bind(platform.clock.now() + time::Duration::minutes(5))
            .execute(tx.conn())
            .await
    })
    .await
    .unwrap();
    assert_eq!(buurvrouw.get(&calendar).await.status, StatusCode::OK);
    platform.clock.advance(Duration::from_secs(6 * 60));
    assert_eq!(buurvrouw.get(&calendar).await.status, StatusCode::FORBIDDEN);
    let home = buurvrouw.get(&format!("/zorgpagina/{page}")).await;
    assert!(
        !home.shows(&format!("href=\"{calendar}\"")),
        "the menu hides it too"
    );

    // The round makes it lasting and logs it, once.
    let later = platform.clock.now();
    assert_eq!(round(later).await, (0, 1));
    assert_eq!(round(later).await, (0, 0));
    assert_eq!(lapses_logged(&mut beheerder, page).await, 1);
    platform.finish().await;
}

#[tokio::test]
async fn a_grant_ending_today_is_reminded_at_once_and_lapses_at_midnight_by_a_message_that_waited_in_rabbitmq(
) {
    use common::infra::clock::{dutch, Clock};
    use std::time::Duration;
    use zorgportaal_tests::{eventually, Services};

    // The housekeeping round runs once at the start and not again: the messages do the work.
    let platform = TestPlatform::start_with(
        Services::ALL,
        &[("WORKER_HOUSEKEEPING_MS", "3600000".to_owned())],
    )
    .await;
    // Close to midnight in the Netherlands before anyone signs in (a later leap of hours would
    // end their sessions), then twenty seconds before it, the beheerder grants "Basis" up to
    // and including today.
    let leap_to = |moment: time::OffsetDateTime| {
        let now = platform.clock.now();
        platform
            .clock
            .advance(Duration::try_from(moment - now).unwrap_or_default());
    };
    let today = dutch::civil(platform.clock.now() + time::Duration::minutes(5)).date();
    let midnight = dutch::start_of(today + time::Duration::days(1));
    leap_to(midnight - time::Duration::minutes(3));
    let tenant = platform
        .create_tenant("Zorggroep Middernacht", "#1d4f91")
        .await;
    let (mut beheerder, _, page) = beheerder_with_page(&platform, &tenant).await;
    let (mut buurvrouw, buurvrouw_email, buurvrouw_id) =
        member_with(&platform, &tenant, page, "buurvrouw", Rights::NONE).await;
    leap_to(midnight - time::Duration::seconds(20));
    let field = today
        .format(time::macros::format_description!("[year]-[month]-[day]"))
        .unwrap();
    let rights_path = format!("/zorgpagina/{page}/connecties/{}/rechten", buurvrouw_id.0);
    beheerder.get(&rights_path).await;
    let saved = beheerder
        .post(&rights_path, &[("access", "basis"), ("tot", &field)])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let calendar = format!("/zorgpagina/{page}/kalender");
    assert_eq!(buurvrouw.get(&calendar).await.status, StatusCode::OK);

    // Less than three days left: the reminder goes at once.
    let subject = "Je rechten op de zorgpagina van Anna de Vries lopen af op";
    eventually_mails(&platform, &buurvrouw_email, subject, 1).await;

    // The lapse comes at midnight, not before.
    let lapsed_at = eventually(Duration::from_secs(60), "the lapse", || async {
        let checked_at = platform.clock.now();
        let lapsed_at: Option<time::OffsetDateTime> =
            in_tenant(&platform.db, &tenant.slug, async |tx| {
                sqlx::query_scalar(
                    "SELECT rights_lapsed_at FROM care_page_members WHERE account_id = $1",
                )
                .bind(buurvrouw_id.0)
                .fetch_one(tx.conn())
                .await
            })
            .await
            .unwrap();
        if lapsed_at.is_some() {
            assert!(checked_at >= midnight, "lapsed before midnight");
        }
        lapsed_at
    })
    .await;
    assert!(lapsed_at >= midnight, "lapsed at {lapsed_at}");
    assert_eq!(buurvrouw.get(&calendar).await.status, StatusCode::FORBIDDEN);
    assert_eq!(lapses_logged(&mut beheerder, page).await, 1);
    let reminders =
        zorgportaal_tests::accounts::mails_with_subject(&platform, &buurvrouw_email, subject).await;
    assert_eq!(reminders.len(), 1, "the reminder came once");
    platform.finish().await;
}
