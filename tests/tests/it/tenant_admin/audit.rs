//! What an organisation's administrators change is in its audit trail (who, what, when, and
//! for settings and branding before → after); what a signed-in person is refused (403, or 404
//! for another tenant's or another person's object) is in the security log with route, account
//! and tenant.

use common::infra::tenancy::Tenant;
use reqwest::StatusCode;
use serde_json::Value;
use zorgportaal_tests::accounts::{account_id, make_admin, signed_in};
use zorgportaal_tests::care_pages::create_page;
use zorgportaal_tests::TestPlatform;

/// The tenant's audit rows with `action`: (actor, detail), oldest first.
async fn audit(platform: &TestPlatform, tenant: &Tenant, action: &str) -> Vec<(String, Value)> {
    sqlx::query_as(&format!(
        "SELECT actor, detail FROM \"{}\".audit_events WHERE action = $1 ORDER BY id",
        tenant.slug.schema_name()
    ))
    .bind(action)
    .fetch_all(&platform.db)
    .await
    .unwrap()
}

/// The `access_refused` security events: (account, detail), oldest first.
async fn refusals(platform: &TestPlatform) -> Vec<(uuid::Uuid, Value)> {
    sqlx::query_as(
        "SELECT account_id, detail FROM platform.security_events
          WHERE kind = 'access_refused' ORDER BY occurred_at, id",
    )
    .fetch_all(&platform.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn settings_branding_and_employee_changes_are_in_the_audit_trail() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Spoor", "#1d4f91").await;
    let (mut admin, email) = signed_in(&platform, &tenant, "spoor").await;
    make_admin(&platform, &tenant, &email).await;
    let actor = format!("account:{}", account_id(&platform, &email).await.0);

    admin.get("/beheer/instellingen").await;
    let saved = admin
        .post(
            "/beheer/instellingen",
            &[
                ("reports_from", "2024-03-01"),
                ("measurement_types", "weight"),
                ("activation_code_weeks", "8"),
                ("response_days", "2"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let settings = audit(&platform, &tenant, "settings.changed").await;
    assert_eq!(settings.len(), 1);
    assert_eq!(settings[0].0, actor);
    assert_eq!(settings[0].1["before"]["activation_code_weeks"], 6);
    assert_eq!(settings[0].1["after"]["activation_code_weeks"], 8);
    assert_eq!(settings[0].1["before"]["response_days"], 3);
    assert_eq!(settings[0].1["after"]["response_days"], 2);

    admin.get("/beheer/huisstijl").await;
    let saved = admin
        .post(
            "/beheer/huisstijl",
            &[
                ("display_name", "Zorggroep Nieuw Spoor"),
                ("primary_color", "#0b5d4b"),
                ("accent_color", "#f2a900"),
                ("support_phone", ""),
                ("support_email", ""),
                ("support_url", ""),
                ("welcome_text", ""),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let branding = audit(&platform, &tenant, "branding.changed").await;
    assert_eq!(branding.len(), 1);
    assert_eq!(branding[0].0, actor);
    assert_eq!(branding[0].1["before"]["display_name"], "Zorggroep Spoor");
    assert_eq!(
        branding[0].1["after"]["display_name"],
        "Zorggroep Nieuw Spoor"
    );
    assert_eq!(branding[0].1["after"]["primary_color"], "#0b5d4b");

    admin.get("/beheer/medewerkers").await;
    let added = admin
        .post(
            "/beheer/medewerkers",
            &[("name", "Sanne Bakker"), ("role", "Wijkverpleegkundige")],
        )
        .await;
    let path = added
        .location()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    admin.get(&path).await;
    let changed = admin
        .post(
            &path,
            &[("name", "Sanne de Bakker"), ("role", "Teamleider")],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    let removed = admin.post(&format!("{path}/verwijderen"), &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    let created = audit(&platform, &tenant, "employee.created").await;
    let updated = audit(&platform, &tenant, "employee.changed").await;
    let deleted = audit(&platform, &tenant, "employee.deleted").await;
    assert_eq!((created.len(), updated.len(), deleted.len()), (1, 1, 1));
    assert_eq!(updated[0].1["before"]["name"], "Sanne Bakker");
    assert_eq!(updated[0].1["after"]["role"], "Teamleider");
    assert_eq!(deleted[0].1["name"], "Sanne de Bakker");
    assert!([&created, &updated, &deleted]
        .iter()
        .all(|rows| rows[0].0 == actor));
    platform.finish().await;
}

#[tokio::test]
async fn refused_requests_go_to_the_security_log_with_route_account_and_tenant() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Poort", "#1d4f91").await;
    let other = platform.create_tenant("Zorggroep Buren", "#1d4f91").await;
    let (mut owner, _) = signed_in(&platform, &tenant, "eigenaar").await;
    let page = create_page(&mut owner, "iemand-anders", "Bram", "01-01-1940").await;
    let (mut stranger, stranger_email) = signed_in(&platform, &tenant, "vreemde").await;
    let stranger_id = account_id(&platform, &stranger_email).await;
    let (mut neighbour, neighbour_email) = signed_in(&platform, &other, "buur").await;
    make_admin(&platform, &other, &neighbour_email).await;
    let neighbour_id = account_id(&platform, &neighbour_email).await;
    assert!(refusals(&platform).await.is_empty());

    // Someone else's care page, and the organisation's administration without the role.
    let seen = stranger.get(&format!("/zorgpagina/{page}")).await;
    assert_eq!(seen.status, StatusCode::NOT_FOUND);
    let seen = stranger.get("/beheer").await;
    assert_eq!(seen.status, StatusCode::FORBIDDEN);
    // An admin of another organisation, on her own portal, asking for this tenant's page.
    let seen = neighbour.get(&format!("/zorgpagina/{page}")).await;
    assert_eq!(seen.status, StatusCode::NOT_FOUND);

    let logged = refusals(&platform).await;
    let summary: Vec<(uuid::Uuid, String, u64, String)> = logged
        .iter()
        .map(|(account, detail)| {
            (
                *account,
                detail["route"].as_str().unwrap().to_owned(),
                detail["status"].as_u64().unwrap(),
                detail["tenant"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                stranger_id.0,
                "/zorgpagina/:id".to_owned(),
                404,
                tenant.slug.as_str().to_owned()
            ),
            (
                stranger_id.0,
                "/beheer".to_owned(),
                403,
                tenant.slug.as_str().to_owned()
            ),
            (
                neighbour_id.0,
                "/zorgpagina/:id".to_owned(),
                404,
                other.slug.as_str().to_owned()
            ),
        ]
    );
    platform.finish().await;
}
