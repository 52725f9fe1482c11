//! Connecties (NET-4): every member with name, e-mail and the role that follows from their
//! rights; the organisation the page is linked to; what only beheerders see.

use common::care::page::Role;
use common::care::rights::{Preset, Rights};
use reqwest::StatusCode;
use zorgportaal_tests::accounts::{account_id, signed_in};
use zorgportaal_tests::care_pages::{add_member_with, create_page};
use zorgportaal_tests::{Page, TestPlatform};

/// The `<li>` of the member list that names `email`, as text.
fn person<'a>(page: &'a Page, email: &str) -> &'a str {
    page.body
        .split("<li class=\"member-list__item\">")
        .find(|item| item.contains(email))
        .unwrap_or_else(|| panic!("{email} is not listed: {}", page.body))
}

#[tokio::test]
async fn connecties_lists_every_member_with_the_role_their_rights_give() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Netwerk", "#1d4f91").await;
    let (mut beheerder, beheerder_email) = signed_in(&platform, &tenant, "dochter").await;
    let page = create_page(
        &mut beheerder,
        "iemand-anders",
        "Anna de Vries",
        "03-02-1940",
    )
    .await;
    let (mut buurvrouw, buurvrouw_email) = signed_in(&platform, &tenant, "buurvrouw").await;
    let buurvrouw_id = account_id(&platform, &buurvrouw_email).await;
    let basic = Rights::preset(Preset::Basic);
    add_member_with(&platform, &tenant, page, buurvrouw_id, Role::Lid, basic).await;
    let (_, zoon_email) = signed_in(&platform, &tenant, "zoon").await;
    let zoon_id = account_id(&platform, &zoon_email).await;
    let everything = Rights::preset(Preset::Everything);
    add_member_with(&platform, &tenant, page, zoon_id, Role::Lid, everything).await;

    let path = format!("/zorgpagina/{page}/connecties");
    let seen = beheerder.get(&path).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    assert!(seen.shows("<h2 class=\"utrecht-heading-2\">Personen</h2>"));
    assert!(!seen.shows("Nog niet beschikbaar"));
    let own = person(&seen, &beheerder_email);
    assert!(own.contains("(jij)") && own.contains("Beheerder"), "{own}");
    assert!(
        own.contains("is beheerder en heeft dus volledige toegang"),
        "{own}"
    );
    assert!(person(&seen, &buurvrouw_email).contains("Mantelzorger"));
    assert!(person(&seen, &zoon_email).contains("Vertrouwensgroep"));
    // Beheerders first, then by name.
    let order: Vec<usize> = [&beheerder_email, &buurvrouw_email, &zoon_email]
        .iter()
        .map(|email| seen.body.find(email.as_str()).unwrap())
        .collect();
    assert!(
        order[0] < order[1].min(order[2]),
        "the beheerder comes first"
    );
    // Only a beheerder is shown how to link the page and the way to the beheerrechten.
    assert!(seen.shows("Deze zorgpagina is nog niet gekoppeld aan Zorggroep Netwerk."));
    for beheerder_only in [
        ">Koppel een zorgaanbieder<".to_owned(),
        format!("/zorgpagina/activatiecode?zorgpagina={page}\">Brief ontvangen?<"),
        format!("/zorgpagina/{page}/beheerders\">Beheerrechten"),
    ] {
        assert!(
            seen.shows(&beheerder_only),
            "{beheerder_only}: {}",
            seen.body
        );
        let as_member = buurvrouw.get(&path).await;
        assert_eq!(as_member.status, StatusCode::OK);
        assert!(!as_member.shows(&beheerder_only), "{beheerder_only}");
    }
    // The member sees the same people.
    let as_member = buurvrouw.get(&path).await;
    assert!(person(&as_member, &zoon_email).contains("Vertrouwensgroep"));
    assert!(person(&as_member, &buurvrouw_email).contains("(jij)"));
    platform.finish().await;
}
