//! CP-7's promise: a care page deleted while linked to the organisation's client record comes
//! back, with the members who were not removed first, when the record is activated again.

use std::time::Duration;

use common::accounts::{AccountId, EmailAddress};
use common::care::page::{self as care_page, CarePageId, Role};
use common::care::rights::{Preset, Rights};
use common::clients::activation;
use common::clients::records::{self, NewClient, NewClientForm, RecordError};
use common::infra::clock::Clock;
use common::infra::tenancy::in_tenant;
use reqwest::StatusCode;
use uuid::Uuid;
use zorgportaal_tests::accounts::signed_in;
use zorgportaal_tests::{TestPlatform, Visitor};

async fn account(platform: &TestPlatform, email: &str) -> AccountId {
    let email = EmailAddress::parse(email).unwrap();
    common::accounts::find_by_email(&platform.db, &email)
        .await
        .unwrap()
        .unwrap()
        .0
        .id
}

/// Enters the code and agrees; returns the care page it leads to.
async fn activate(visitor: &mut Visitor, code: &str, birth_date: &str) -> Uuid {
    visitor.get("/zorgpagina/activatiecode").await;
    let confirm = visitor
        .post(
            "/zorgpagina/activatiecode",
            &[
                ("code", code),
                ("birth_date", birth_date),
                ("zorgpagina", ""),
            ],
        )
        .await;
    assert!(confirm.shows("Ik ga akkoord"), "{}", confirm.body);
    let agreed = visitor
        .post(
            "/zorgpagina/activatiecode/akkoord",
            &[
                ("code", code),
                ("birth_date", birth_date),
                ("zorgpagina", ""),
            ],
        )
        .await;
    assert_eq!(agreed.status, StatusCode::SEE_OTHER, "{}", agreed.body);
    let location = agreed.location().unwrap();
    let id = location.trim_start_matches("/zorgpagina/");
    Uuid::parse_str(id.split('?').next().unwrap()).unwrap()
}

#[tokio::test]
async fn a_deleted_linked_page_comes_back_with_its_members_when_activated_again() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Terugkeer", "#1d4f91")
        .await;
    let now = platform.clock.now();
    let new = NewClient::parse(
        &NewClientForm {
            client_number: "T-1",
            name: "Gerda Groen",
            birth_date: "04-04-1944",
            address: "Laan 4\n4444 AA Dorp",
        },
        now.date(),
    )
    .unwrap();
    let actor = AccountId(Uuid::new_v4());
    let weeks6 = Duration::from_secs(6 * 7 * 24 * 3600);
    let (record, first) = in_tenant(&platform.db, &tenant.slug, async |tx| {
        let record = records::create_client(tx, actor, &new, now).await?;
        let first = activation::issue_code(tx, actor, record.id, weeks6, now).await?;
        Ok::<_, RecordError>((record, first))
    })
    .await
    .unwrap();

    let (mut daughter, _) = signed_in(&platform, &tenant, "dochter").await;
    let page = activate(&mut daughter, &first.code, "04-04-1944").await;
    let (mut son, son_email) = signed_in(&platform, &tenant, "zoon").await;
    let son_id = account(&platform, &son_email).await;
    in_tenant(&platform.db, &tenant.slug, async |tx| {
        care_page::add_member(
            tx,
            CarePageId(page),
            son_id,
            Role::Lid,
            Rights::preset(Preset::Everything),
            now,
        )
        .await
    })
    .await
    .unwrap();
    assert_eq!(
        son.get(&format!("/zorgpagina/{page}")).await.status,
        StatusCode::OK
    );

    // The daughter deletes the page, leaving her brother on it.
    daughter
        .get(&format!("/zorgpagina/{page}/verwijderen"))
        .await;
    let deleted = daughter
        .post(
            &format!("/zorgpagina/{page}/verwijderen"),
            &[("confirm", "on")],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.body);
    assert_eq!(
        son.get(&format!("/zorgpagina/{page}")).await.status,
        StatusCode::NOT_FOUND
    );

    // A new letter; a neighbour activates it: the same page comes back, the son with it.
    let second = in_tenant(&platform.db, &tenant.slug, async |tx| {
        activation::issue_code(tx, actor, record.id, weeks6, now).await
    })
    .await
    .unwrap();
    let (mut neighbour, _) = signed_in(&platform, &tenant, "buur").await;
    let back = activate(&mut neighbour, &second.code, "04-04-1944").await;
    assert_eq!(back, page, "the deleted page itself comes back");
    let home = neighbour.get(&format!("/zorgpagina/{page}")).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.shows("Jij bent beheerder van deze zorgpagina."),
        "{}",
        home.body
    );
    assert_eq!(
        son.get(&format!("/zorgpagina/{page}")).await.status,
        StatusCode::OK
    );
    let switcher = son.get("/overzicht").await;
    assert!(switcher.shows("Gerda Groen"), "{}", switcher.body);
    platform.finish().await;
}
