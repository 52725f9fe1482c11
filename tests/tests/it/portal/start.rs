//! Tenants on their own hosts: branding, the unknown-host page, suspension, headers, assets.

use std::time::Duration;

use common::infra::provisioning;
use common::infra::tenancy::TenantStatus;
use zorgportaal_tests::accounts;
use zorgportaal_tests::care_pages::create_page;
use zorgportaal_tests::{eventually, linked_href, Services, TestPlatform, Visitor};

#[tokio::test]
async fn two_tenants_each_render_their_own_name_and_colours() {
    let platform = TestPlatform::start_with(Services::WEB, &[]).await;
    let linde = platform
        .create_tenant("Zorggroep De Linde", "#1d4f91")
        .await;
    let eik = platform.create_tenant("Thuiszorg De Eik", "#7a1f5c").await;

    for (tenant, other) in [(&linde, &eik), (&eik, &linde)] {
        let page = platform.get(&tenant.hosts[0], "/").await.unwrap();
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains(&tenant.display_name), "own name missing");
        assert!(
            !html.contains(&other.display_name),
            "the other tenant's name leaked"
        );
        assert!(html.contains("lang=\"nl\""));

        let theme_href = linked_href(&html, "/theme.css").expect("page links its theme");
        let css = platform.get(&tenant.hosts[0], &theme_href).await.unwrap();
        assert_eq!(
            css.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let css = css.text().await.unwrap();
        assert!(css.contains(&tenant.branding.primary_color), "{css}");
        assert!(!css.contains(&other.branding.primary_color), "{css}");
    }
    platform.finish().await;
}

#[tokio::test]
async fn an_unknown_host_gets_the_404_page_without_any_tenant_data() {
    let platform = TestPlatform::start_with(Services::WEB, &[]).await;
    let tenant = platform
        .create_tenant("Zorggroep Noorderlicht", "#225588")
        .await;

    for path in ["/", "/theme.css", "/branding/logo", "/does-not-exist"] {
        let response = platform.get("nobody.test.localhost", path).await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        let html = response.text().await.unwrap();
        assert!(html.contains("Dit portaal bestaat niet"), "{path}: {html}");
        assert!(
            !html.contains(&tenant.display_name),
            "{path} leaked a tenant name"
        );
        assert!(!html.contains("theme.css"), "{path} linked a tenant theme");
    }
    // A Host header that is not a host name at all.
    let response = platform.get("evil.example/x", "/").await.unwrap();
    assert_eq!(response.status(), 404);
    platform.finish().await;
}

#[tokio::test]
async fn an_unknown_path_on_a_known_host_gets_a_branded_404_page_in_the_readers_language() {
    let platform = TestPlatform::start_with(Services::WEB, &[]).await;
    let tenant = platform.create_tenant("Zorggroep Oost", "#335577").await;
    let addr = platform.web_addr.unwrap();
    let response = platform
        .http
        .get(format!("http://{addr}/geen-pagina"))
        .header("Host", &tenant.hosts[0])
        .header("Accept-Language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = response.text().await.unwrap();
    assert!(html.contains("Page not found"), "{html}");
    assert!(html.contains(&tenant.display_name));
    assert!(html.contains(&request_id), "the page shows its request id");
    assert!(html.contains("lang=\"en\""));
    platform.finish().await;
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let platform = TestPlatform::start_with(Services::WEB, &[]).await;
    let tenant = platform.create_tenant("Zorggroep West", "#114477").await;
    for (host, path) in [
        (tenant.hosts[0].as_str(), "/"),
        (tenant.hosts[0].as_str(), "/nope"),
        ("unknown.test.localhost", "/"),
        ("unknown.test.localhost", "/healthz"),
    ] {
        let response = platform.get(host, path).await.unwrap();
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], "same-origin");
        assert!(
            headers.get("strict-transport-security").is_none(),
            "no HSTS over plain http"
        );
    }
    platform.finish().await;
}

#[tokio::test]
async fn hsts_is_sent_when_the_portal_is_served_over_https() {
    let platform = TestPlatform::start_with(
        Services::WEB,
        &[
            ("WEB_HTTPS", "true".to_owned()),
            ("WEB_SECRET_KEY", "cd".repeat(32)),
            // https refuses the public development key pair; this test stores nothing.
            ("S3_ACCESS_KEY_ID", "GK0000000000000000000000ff".to_owned()),
            ("S3_SECRET_ACCESS_KEY", "ff".repeat(32)),
        ],
    )
    .await;
    let response = platform
        .get("unknown.test.localhost", "/healthz")
        .await
        .unwrap();
    assert!(response.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .contains("max-age="));
    platform.finish().await;
}

#[tokio::test]
async fn static_assets_have_content_hashed_names_and_long_lived_caching() {
    let platform = TestPlatform::start_with(Services::WEB, &[]).await;
    let tenant = platform.create_tenant("Zorggroep Zuid", "#663399").await;
    let html = platform
        .get(&tenant.hosts[0], "/")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let css_href = linked_href(&html, "/static/app.").expect("app.css linked");
    assert!(css_href.ends_with(".css") && css_href.len() > "/static/app..css".len() + 8);
    let response = platform.get(&tenant.hosts[0], &css_href).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    let stale = platform
        .get(&tenant.hosts[0], "/static/app.000000000000.css")
        .await
        .unwrap();
    assert_eq!(stale.status(), 404);
    platform.finish().await;
}

/// What a browser that accepts gzip gets: the start page and a static file compressed, the same
/// content once unpacked, a fraction of the bytes; without `Accept-Encoding` (or with gzip
/// weighted 0) the plain body. Both answers say they vary by `Accept-Encoding`, so no cache
/// hands one to the other kind of browser.
#[tokio::test]
async fn shared_pages_and_static_files_go_out_compressed_to_browsers_that_accept_it() {
    use std::io::Read;

    let platform = TestPlatform::start_with(Services::WEB, &[]).await;
    let tenant = platform.create_tenant("Zorggroep Klein", "#1d4f91").await;
    let host = &tenant.hosts[0];
    let addr = platform.web_addr.expect("web runs");
    let fetch = |path: String, accept: Option<&'static str>| {
        let mut request = platform
            .http
            .get(format!("http://{addr}{path}"))
            .header("Host", host.as_str());
        if let Some(accept) = accept {
            request = request.header("Accept-Encoding", accept);
        }
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200, "{path}");
            let headers = response.headers().clone();
            (headers, response.bytes().await.unwrap().to_vec())
        }
    };
    let (_, html) = fetch("/".into(), None).await;
    let css = linked_href(
        &String::from_utf8_lossy(&html),
        "/static/utrecht-components.",
    )
    .expect("the components' stylesheet linked");
    for path in ["/".to_owned(), css] {
        let (plain_headers, plain) = fetch(path.clone(), None).await;
        assert!(plain_headers.get("content-encoding").is_none(), "{path}");
        assert_eq!(plain_headers["vary"], "accept-encoding", "{path}");
        let (refused_headers, refused) = fetch(path.clone(), Some("gzip;q=0, br")).await;
        assert!(refused_headers.get("content-encoding").is_none(), "{path}");
        assert_eq!(refused, plain, "{path}");

        let (headers, packed) = fetch(path.clone(), Some("gzip, deflate, br, zstd")).await;
        assert_eq!(headers["content-encoding"], "gzip", "{path}");
        assert_eq!(headers["vary"], "accept-encoding", "{path}");
        assert!(
            packed.len() * 3 < plain.len(),
            "{path}: {} bytes packed, {} plain",
            packed.len(),
            plain.len()
        );
        let mut unpacked = Vec::new();
        flate2::read::GzDecoder::new(packed.as_slice())
            .read_to_end(&mut unpacked)
            .unwrap();
        assert_eq!(unpacked, plain, "{path}");
    }
    platform.finish().await;
}

/// Private pages stay private (ACC, OWASP ASVS 8.2.1): every page, and everything answered to
/// a signed-in person, carries `Cache-Control: no-store`, so after signing out the browser has
/// nothing of the person to show; the public assets keep their long-lived caching.
#[tokio::test]
async fn pages_and_everything_a_signed_in_person_gets_are_not_stored() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Privé", "#1d5c8f").await;
    let (mut visitor, _) = accounts::signed_in(&platform, &tenant, "els").await;
    let page = create_page(&mut visitor, "iemand-anders", "Anna de Vries", "03-02-1950").await;
    let private = [
        "/overzicht".to_owned(),
        "/instellingen".to_owned(),
        "/account/sessies".to_owned(),
        format!("/zorgpagina/{page}"),
        format!("/zorgpagina/{page}/profiel"),
        "/bestaat-niet".to_owned(),
    ];
    for path in &private {
        let (status, headers, _) = visitor.get_bytes(path).await;
        assert_eq!(
            headers.get("cache-control").map(|v| v.to_str().unwrap()),
            Some("no-store"),
            "{path} ({status})"
        );
    }
    // Signed out, a page is not stored either: it may hold a form token or a link's token.
    let mut signed_out = Visitor::new(&platform, &tenant.hosts[0]);
    let (_, headers, html) = signed_out.get_bytes("/inloggen").await;
    assert_eq!(headers["cache-control"], "no-store");
    // The same stylesheet for everyone keeps its year-long caching, also for the signed-in.
    let html = String::from_utf8(html).unwrap();
    let css = linked_href(&html, "/static/app.").expect("app.css linked");
    let (status, headers, _) = visitor.get_bytes(&css).await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert!(headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    platform.finish().await;
}

#[tokio::test]
async fn health_and_readiness_report_the_backing_services() {
    let platform = TestPlatform::start_with(Services::WEB, &[]).await;
    let live = platform
        .get("anything.localhost", "/healthz")
        .await
        .unwrap();
    assert_eq!(live.status(), 200);
    let ready = platform.get("anything.localhost", "/readyz").await.unwrap();
    assert_eq!(ready.status(), 200);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({"postgres": "ok", "rabbitmq": "ok", "s3": "ok"})
    );
    platform.finish().await;

    // The same service pointed at a broker that is not there is not ready.
    let broken = TestPlatform::start_with(
        Services::WEB,
        &[("AMQP_URL", "amqp://guest:guest@127.0.0.1:1/%2f".to_owned())],
    )
    .await;
    let ready = broken.get("anything.localhost", "/readyz").await.unwrap();
    assert_eq!(ready.status(), 503);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["rabbitmq"], "unreachable");
    assert_eq!(body["postgres"], "ok");
    // Its broker is not there, so there is none to ask for parked messages: this finish
    // checks that it is indeed out of reach instead.
    broken.finish_without_broker().await;
}

#[tokio::test]
async fn a_suspended_tenant_shows_the_maintenance_page_and_others_are_unaffected() {
    let platform = TestPlatform::start_with(Services::WEB, &[]).await;
    let paused = platform.create_tenant("Zorggroep Pauze", "#1d4f91").await;
    let running = platform.create_tenant("Zorggroep Door", "#1d4f91").await;
    provisioning::set_tenant_status(&platform.db, &paused.slug, TenantStatus::Suspended)
        .await
        .unwrap();
    // Every web process hears of the change by NOTIFY.
    eventually(Duration::from_secs(10), "maintenance page", || async {
        let response = platform.get(&paused.hosts[0], "/").await.ok()?;
        (response.status() == 503).then_some(())
    })
    .await;
    let html = platform
        .get(&paused.hosts[0], "/")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Tijdelijk niet beschikbaar"), "{html}");
    assert!(html.contains("Zorggroep Pauze"));
    assert_eq!(
        platform.get(&running.hosts[0], "/").await.unwrap().status(),
        200
    );

    provisioning::set_tenant_status(&platform.db, &paused.slug, TenantStatus::Active)
        .await
        .unwrap();
    eventually(Duration::from_secs(10), "portal back", || async {
        let response = platform.get(&paused.hosts[0], "/").await.ok()?;
        (response.status() == 200).then_some(())
    })
    .await;
    platform.finish().await;
}

#[tokio::test]
async fn a_changed_tenant_shows_at_once_although_its_start_page_is_rendered_once() {
    let platform = TestPlatform::start_with(Services::WEB, &[]).await;
    let tenant = platform.create_tenant("Zorggroep Oud", "#1d4f91").await;
    let before = platform
        .get(&tenant.hosts[0], "/")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(before.contains("Zorggroep Oud"));
    sqlx::query(
        "UPDATE platform.tenants SET display_name = 'Zorggroep Nieuw', welcome_text = 'Goedemorgen',
                updated_at = now() WHERE id = $1",
    )
    .bind(tenant.id)
    .execute(&platform.db)
    .await
    .unwrap();
    let after = eventually(Duration::from_secs(10), "the new name", || async {
        let html = platform
            .get(&tenant.hosts[0], "/")
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        html.contains("Zorggroep Nieuw").then_some(html)
    })
    .await;
    assert!(after.contains("Goedemorgen") && !after.contains("Zorggroep Oud"));
    platform.finish().await;
}

#[tokio::test]
async fn every_portal_page_links_the_accessibility_statement_in_both_languages() {
    let platform = TestPlatform::start_with(Services::WEB, &[]).await;
    let tenant = platform.create_tenant("Zorggroep Open", "#1d4f91").await;
    let start = platform
        .get(&tenant.hosts[0], "/")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let href = linked_href(&start, "/toegankelijkheid").expect("footer links the statement");
    let addr = platform.web_addr.unwrap();
    for (accept, title, standard) in [
        ("nl", "Toegankelijkheid", "WCAG 2.2 op niveau AA"),
        ("en", "Accessibility", "WCAG 2.2 guidelines at level AA"),
    ] {
        let response = platform
            .http
            .get(format!("http://{addr}{href}"))
            .header("Host", &tenant.hosts[0])
            .header("Accept-Language", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let html = response.text().await.unwrap();
        assert!(
            html.contains(&format!("<h1 class=\"utrecht-heading-1\">{title}</h1>")),
            "{html}"
        );
        assert!(html.contains(standard));
        assert!(html.contains("Zorggroep Open"));
    }
    platform.finish().await;
}
