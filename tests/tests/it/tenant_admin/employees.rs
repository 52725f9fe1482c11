//! The organisation's employees (API-2): a tenant admin adds, changes and removes them, with a
//! photo checked by its content and resized; another tenant's employee is not found. (That
//! non-admins get 403 on these pages is covered by `tenant_admin::admin`, which walks the admin
//! route table.)

use std::io::Cursor;
use std::time::Duration;

use common::accounts::{self, EmailAddress};
use common::infra::clock::Clock;
use common::infra::storage::ObjectStore;
use common::infra::tenancy::Tenant;
use common::organisation::admins;
use reqwest::StatusCode;
use zorgportaal_tests::accounts::signed_in;
use zorgportaal_tests::{TestPlatform, Visitor};

async fn admin_of(platform: &TestPlatform, tenant: &Tenant, who: &str) -> Visitor {
    let (visitor, email) = signed_in(platform, tenant, who).await;
    let email = EmailAddress::parse(&email).unwrap();
    let (account, _) = accounts::find_by_email(&platform.db, &email)
        .await
        .unwrap()
        .unwrap();
    admins::grant(&platform.db, tenant.id, account.id, platform.clock.now())
        .await
        .unwrap();
    visitor
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_pixel(width, height, image::Rgb([30, 120, 200]));
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn objects_of(platform: &TestPlatform, tenant: &Tenant) -> Vec<String> {
    ObjectStore::new(&platform.config.s3)
        .list_tenant(&tenant.slug)
        .await
        .unwrap()
}

/// The employee's name and role as stored in the tenant's table, if the row is there.
async fn employee_row(
    platform: &TestPlatform,
    tenant: &Tenant,
    id: uuid::Uuid,
) -> Option<(String, String)> {
    sqlx::query_as(&format!(
        "SELECT name, role FROM \"{}\".employees WHERE id = $1",
        tenant.slug.schema_name()
    ))
    .bind(id)
    .fetch_optional(&platform.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn admins_keep_the_employee_list_with_photos_and_nothing_crosses_tenants() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Medewerkers", "#1d5c8f")
        .await;
    let other = platform.create_tenant("Zorggroep Anders", "#1d5c8f").await;
    let mut admin = admin_of(&platform, &tenant, "beheer").await;

    admin.get("/beheer/medewerkers").await;
    let refused = admin
        .post("/beheer/medewerkers", &[("name", " "), ("role", "")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.shows("Vul de naam in"), "{}", refused.body);
    assert!(refused.shows("Vul de functie in"));
    let added = admin
        .post(
            "/beheer/medewerkers",
            &[("name", "Sanne Bakker"), ("role", "Wijkverpleegkundige")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let page_path = added
        .location()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let id = uuid::Uuid::parse_str(
        page_path
            .strip_prefix("/beheer/medewerkers/")
            .unwrap_or_else(|| panic!("not an employee's page: {page_path}")),
    )
    .unwrap_or_else(|e| panic!("the employee's id in {page_path}: {e}"));
    assert_eq!(
        employee_row(&platform, &tenant, id).await,
        Some(("Sanne Bakker".to_owned(), "Wijkverpleegkundige".to_owned()))
    );
    let list = admin.get("/beheer/medewerkers").await;
    assert!(list.shows("Sanne Bakker") && list.shows("Wijkverpleegkundige"));

    let saved = admin
        .post(
            &page_path,
            &[("name", "Sanne de Bakker"), ("role", "Verzorgende IG")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(admin.get(&page_path).await.shows("Sanne de Bakker"));
    assert_eq!(
        employee_row(&platform, &tenant, id).await,
        Some(("Sanne de Bakker".to_owned(), "Verzorgende IG".to_owned()))
    );

    // The photo: a text file named .jpg is refused; a PNG named .txt is taken and resized.
    admin.get(&page_path).await;
    let photo_path = format!("{page_path}/foto");
    let text = admin
        .post_file(&photo_path, "photo", "foto.jpg", "image/jpeg", b"geen foto")
        .await;
    assert_eq!(text.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.shows("Dit bestand is geen foto"), "{}", text.body);
    let huge = vec![0u8; 6 * 1024 * 1024];
    let too_large = admin
        .post_file(&photo_path, "photo", "groot.png", "image/png", &huge)
        .await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(too_large.shows("hoogstens 5 MB"), "{}", too_large.body);
    assert!(objects_of(&platform, &tenant).await.is_empty());

    let first = admin
        .post_file(
            &photo_path,
            "photo",
            "foto.txt",
            "text/plain",
            &png(800, 600),
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let (status, headers, bytes) = admin.get_bytes(&photo_path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/jpeg");
    let shown = image::load_from_memory(&bytes).unwrap();
    assert_eq!((shown.width(), shown.height()), (256, 256));
    let first_objects = objects_of(&platform, &tenant).await;
    assert_eq!(first_objects.len(), 1);

    // A new photo replaces the old one, whose object the worker removes.
    admin.get(&page_path).await;
    let second = admin
        .post_file(
            &photo_path,
            "photo",
            "nieuw.png",
            "image/png",
            &png(300, 300),
        )
        .await;
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    zorgportaal_tests::eventually(Duration::from_secs(20), "the old photo removed", || async {
        let now = objects_of(&platform, &tenant).await;
        (now.len() == 1 && now != first_objects).then_some(())
    })
    .await;

    // Another tenant's admin does not find this employee, nor its photo.
    let mut stranger = admin_of(&platform, &other, "anders").await;
    assert_eq!(stranger.get(&page_path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        stranger.get_bytes(&photo_path).await.0,
        StatusCode::NOT_FOUND
    );
    stranger.get("/beheer/medewerkers").await;
    let delete_elsewhere = stranger
        .post(&format!("{page_path}/verwijderen"), &[])
        .await;
    assert_eq!(delete_elsewhere.status, StatusCode::NOT_FOUND);
    assert!(employee_row(&platform, &tenant, id).await.is_some());

    // Removing the employee removes the photo too.
    admin.get(&page_path).await;
    let removed = admin.post(&format!("{page_path}/verwijderen"), &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(employee_row(&platform, &tenant, id).await, None);
    assert!(!admin
        .get("/beheer/medewerkers")
        .await
        .shows("Sanne de Bakker"));
    zorgportaal_tests::eventually(Duration::from_secs(20), "the photo removed", || async {
        objects_of(&platform, &tenant)
            .await
            .is_empty()
            .then_some(())
    })
    .await;
    platform.finish().await;
}

/// Adds an employee; returns the path of its page.
async fn add_employee(admin: &mut Visitor, name: &str) -> String {
    admin.get("/beheer/medewerkers").await;
    let added = admin
        .post(
            "/beheer/medewerkers",
            &[("name", name), ("role", "Wijkverpleegkundige")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    added
        .location()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

/// A decompression bomb (a few hundred KB that decode to 288 MB) sent as an employee's photo
/// is refused from its header, before the web decodes it; nothing is stored.
#[tokio::test]
async fn a_decompression_bomb_is_refused_as_an_employees_photo() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Bomvrij", "#1d5c8f").await;
    let mut admin = admin_of(&platform, &tenant, "beheer").await;
    let page_path = add_employee(&mut admin, "Sanne Bakker").await;

    admin.get(&page_path).await;
    let photo_path = format!("{page_path}/foto");
    let page = zorgportaal_tests::pictures::upload_bomb(&mut admin, &photo_path, "photo").await;
    page.assert_refused(
        StatusCode::UNPROCESSABLE_ENTITY,
        "Deze foto is te groot om te verwerken",
    );
    assert!(objects_of(&platform, &tenant).await.is_empty());
    let (status, _, _) = admin.get_bytes(&photo_path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    platform.finish().await;
}

/// Logos and employee photos share one budget per administrator per hour, counted before the
/// upload is read: of many sent at once exactly the budget is handled, the rest get 429.
#[tokio::test]
async fn image_uploads_by_an_admin_are_limited_per_hour_also_when_sent_at_once() {
    use common::infra::throttle::ADMIN_IMAGE_UPLOADS;

    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Stroom", "#1d5c8f").await;
    let mut admin = admin_of(&platform, &tenant, "beheer").await;
    let page_path = add_employee(&mut admin, "Sanne Bakker").await;
    admin.get("/beheer/huisstijl").await;

    // Empty uploads are refused ("choose a file") but count: the budget is for requests.
    let budget = usize::try_from(ADMIN_IMAGE_UPLOADS.max).unwrap();
    let pages = admin
        .post_file_at_once(budget + 3, "/beheer/huisstijl/logo", "logo", b"")
        .await;
    let refused = zorgportaal_tests::pictures::split_at_budget(
        &pages,
        StatusCode::UNPROCESSABLE_ENTITY,
        budget,
    );
    refused.assert_refused(
        StatusCode::TOO_MANY_REQUESTS,
        "Je hebt het afgelopen uur al veel afbeeldingen gestuurd",
    );

    // The employee's photo is in the same budget.
    admin.get(&page_path).await;
    let page = admin
        .post_file(
            &format!("{page_path}/foto"),
            "photo",
            "foto.png",
            "image/png",
            &png(300, 300),
        )
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS, "{}", page.body);
    assert!(objects_of(&platform, &tenant).await.is_empty());
    platform.finish().await;
}
