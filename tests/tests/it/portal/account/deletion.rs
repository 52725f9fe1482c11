//! Deleting an account (ACC-7) with care pages (CP-3, CP-7): every page keeps a beheerder, a
//! page nobody else belongs to goes, and nothing of the account stays in any switcher.

use common::care::page::Role;
use reqwest::StatusCode;
use uuid::Uuid;
use zorgportaal_tests::accounts::{self, account_id, PASSWORD};
use zorgportaal_tests::care_pages::{add_member, create_page};
use zorgportaal_tests::TestPlatform;

async fn count(platform: &TestPlatform, sql: &str, page: Uuid) -> i64 {
    sqlx::query_scalar(sql)
        .bind(page)
        .fetch_one(&platform.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_deleted_account_hands_its_care_pages_over_or_deletes_those_nobody_else_shares() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Overdracht", "#1d5c8f")
        .await;
    let schema = tenant.slug.schema_name();
    let (mut anna, anna_email) = accounts::signed_in(&platform, &tenant, "anna").await;
    let (mut bert, bert_email) = accounts::signed_in(&platform, &tenant, "bert").await;
    let bert_id = account_id(&platform, &bert_email).await;

    let shared = create_page(&mut anna, "iemand-anders", "Opa Kees", "12-03-1941").await;
    let own = create_page(&mut anna, "mijzelf", "anna", "12-03-1941").await;
    add_member(&platform, &tenant, shared, bert_id, Role::Lid).await;
    // Bert is a member without beheerrechten: he may not change the profile yet.
    let before = bert
        .post(
            &format!("/zorgpagina/{shared}/profiel"),
            &[("client_name", "Opa Kees"), ("birth_date", "12-03-1941")],
        )
        .await;
    assert_eq!(before.status, StatusCode::FORBIDDEN);

    anna.get("/account/verwijderen").await;
    let gone = anna
        .post(
            "/account/verwijderen",
            &[("password", PASSWORD), ("confirm", "on")],
        )
        .await;
    assert_eq!(gone.status, StatusCode::OK, "{}", gone.body);
    assert!(gone.shows("Je account is verwijderd"));

    // The shared page lives on with Bert as its beheerder; Anna's own page is gone.
    let members = count(
        &platform,
        &format!("SELECT count(*) FROM \"{schema}\".care_page_members WHERE care_page_id = $1"),
        shared,
    )
    .await;
    assert_eq!(members, 1);
    let role: String = sqlx::query_scalar(&format!(
        "SELECT role FROM \"{schema}\".care_page_members WHERE care_page_id = $1"
    ))
    .bind(shared)
    .fetch_one(&platform.db)
    .await
    .unwrap();
    assert_eq!(role, "beheerder");
    let own_left = count(
        &platform,
        &format!("SELECT count(*) FROM \"{schema}\".care_pages WHERE id = $1"),
        own,
    )
    .await;
    assert_eq!(own_left, 0, "a page nobody else belongs to is deleted");
    let index_rows: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM platform.care_page_memberships m
          WHERE NOT EXISTS (SELECT 1 FROM platform.accounts a WHERE a.id = m.account_id)",
    )
    .fetch_one(&platform.db)
    .await
    .unwrap();
    assert_eq!(
        index_rows, 0,
        "no switcher entry of the deleted account is left"
    );

    // Bert now administers the page through the portal.
    let after = bert
        .post(
            &format!("/zorgpagina/{shared}/profiel"),
            &[
                ("client_name", "Opa Kees Jansen"),
                ("birth_date", "12-03-1941"),
            ],
        )
        .await;
    assert_eq!(after.status, StatusCode::SEE_OTHER, "{}", after.body);
    accounts::mail_with_subject(&platform, &anna_email, "Je account bij").await;
    platform.finish().await;
}
