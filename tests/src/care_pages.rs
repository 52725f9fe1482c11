//! Steps that care-page tests share: making a page through its form, and adding a member the
//! way the personal network will.

use common::accounts::AccountId;
use common::care::page::{self as care_page, CarePageId, Role};
use common::care::rights::{Preset, Rights};
use common::infra::clock::Clock;
use common::infra::tenancy::{in_tenant, Tenant};
use reqwest::StatusCode;
use uuid::Uuid;

use crate::visitor::Visitor;
use crate::TestPlatform;

/// A care page made through the form (CP-1) by `visitor`, who becomes its beheerder: its id.
/// `voor` is the form's choice, `mijzelf` or `iemand-anders`.
pub async fn create_page(visitor: &mut Visitor, voor: &str, name: &str, birth_date: &str) -> Uuid {
    let form = visitor.get(&format!("/zorgpagina/nieuw?voor={voor}")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let fields = [
        ("for_whom", voor),
        ("client_name", name),
        ("birth_date", birth_date),
        ("consent", "on"),
    ];
    let done = visitor.post("/zorgpagina/nieuw", &fields).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let id = done.location().unwrap().trim_start_matches("/zorgpagina/");
    Uuid::parse_str(id.split('?').next().unwrap()).unwrap()
}

/// Adds `account` to the page with `role` and every right of the personal network ("Alles"),
/// as the personal network will (a domain call, no HTTP).
pub async fn add_member(
    platform: &TestPlatform,
    tenant: &Tenant,
    page: Uuid,
    account: AccountId,
    role: Role,
) {
    add_member_with(
        platform,
        tenant,
        page,
        account,
        role,
        Rights::preset(Preset::Everything),
    )
    .await;
}

/// Adds `account` to the page with `role` and `rights`.
pub async fn add_member_with(
    platform: &TestPlatform,
    tenant: &Tenant,
    page: Uuid,
    account: AccountId,
    role: Role,
    rights: Rights,
) {
    let now = platform.clock.now();
    in_tenant(&platform.db, &tenant.slug, async |tx| {
        care_page::add_member(tx, CarePageId(page), account, role, rights, now).await
    })
    .await
    .unwrap();
}

/// A beheerder ("dochter") signed in on `tenant`, who made a care page for Anna de Vries: the
/// visitor, their address and the page.
pub async fn beheerder_with_page(
    platform: &TestPlatform,
    tenant: &Tenant,
) -> (Visitor, String, Uuid) {
    let (mut beheerder, email) = crate::accounts::signed_in(platform, tenant, "dochter").await;
    let page = create_page(
        &mut beheerder,
        "iemand-anders",
        "Anna de Vries",
        "03-02-1940",
    )
    .await;
    (beheerder, email, page)
}

/// A new account `who`, signed in on `tenant` and added to `page` with `rights`: the visitor,
/// its address and its id.
pub async fn member_with(
    platform: &TestPlatform,
    tenant: &Tenant,
    page: Uuid,
    who: &str,
    rights: Rights,
) -> (Visitor, String, AccountId) {
    let (visitor, email) = crate::accounts::signed_in(platform, tenant, who).await;
    let id = crate::accounts::account_id(platform, &email).await;
    add_member_with(platform, tenant, page, id, Role::Lid, rights).await;
    (visitor, email, id)
}

/// Links `page` to a new client record with cliëntnummer `number`, as the activation code does
/// (the record made by the domain, the link set directly): the record's id.
pub async fn link_to_new_client(
    platform: &TestPlatform,
    tenant: &Tenant,
    page: Uuid,
    number: &str,
) -> Uuid {
    use common::clients::records::{self, NewClient, NewClientForm};
    let now = platform.clock.now();
    let new = NewClient::parse(
        &NewClientForm {
            client_number: number,
            name: "Anna de Vries",
            birth_date: "03-02-1940",
            address: "Kerkstraat 1\n1234 AB Ergens",
        },
        now.date(),
    )
    .unwrap();
    let actor = AccountId(Uuid::new_v4());
    in_tenant(&platform.db, &tenant.slug, async |tx| {
        let record = records::create_client(tx, actor, &new, now).await.unwrap();
        sqlx::query("UPDATE care_pages SET client_record_id = $2 WHERE id = $1")
            .bind(page)
            .bind(record.id.0)
            .execute(tx.conn())
            .await?;
        Ok::<_, sqlx::Error>(record.id.0)
    })
    .await
    .unwrap()
}

/// Waits until every message of `tenant` is announced (its e-mails written) and the outbox is
/// relayed, so a test that sent messages finishes with nothing in flight.
pub async fn messages_announced(platform: &TestPlatform, tenant: &Tenant) {
    let unannounced = || async {
        in_tenant(&platform.db, &tenant.slug, async |tx| {
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM messages m
                  WHERE NOT EXISTS (SELECT 1 FROM message_fan_outs f WHERE f.message_id = m.id)",
            )
            .fetch_one(tx.conn())
            .await
        })
        .await
        .unwrap()
    };
    let wait = std::time::Duration::from_secs(30);
    crate::eventually(wait, "every message announced", || async {
        (unannounced().await == 0).then_some(())
    })
    .await;
    platform.wait_for_empty_outbox(wait).await;
}
