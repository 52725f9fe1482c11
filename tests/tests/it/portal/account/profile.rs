//! Profile and settings (ACC-7) against the real services: photo upload checked by content,
//! resized by the worker into Garage; name, language, password change and account deletion.

use std::io::Cursor;
use std::time::Duration;

use common::infra::config::Config;
use common::infra::storage::ObjectStore;
use common::infra::tenancy::Tenant;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use reqwest::StatusCode;
use zorgportaal_tests::accounts::{
    code_in, enter_password, eventually_mails, mail_with_subject, signed_in, PASSWORD,
};
use zorgportaal_tests::{eventually, pictures, TestPlatform, Visitor};

const WAIT: Duration = Duration::from_secs(30);
const NEW_PASSWORD: &str = "Molen-Stroopwafel-Gracht-77";

fn photo(width: u32, height: u32, colour: [u8; 3], format: ImageFormat) -> Vec<u8> {
    let image = RgbImage::from_pixel(width, height, Rgb(colour));
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(image)
        .write_to(&mut out, format)
        .unwrap();
    out.into_inner()
}

fn store() -> ObjectStore {
    ObjectStore::new(&Config::from_process_env().unwrap().s3)
}

async fn objects_of(tenant: &Tenant) -> Vec<String> {
    let mut keys = store().list_tenant(&tenant.slug).await.unwrap();
    keys.sort();
    keys
}

/// Waits until the visitor's own photo is served, and returns it decoded.
async fn shown_photo(visitor: &mut Visitor) -> image::RgbImage {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let (status, headers, bytes) = visitor.get_bytes("/account/foto").await;
        if status == StatusCode::OK {
            assert_eq!(
                headers.get("content-type").and_then(|v| v.to_str().ok()),
                Some("image/jpeg")
            );
            return image::load_from_memory(&bytes).unwrap().to_rgb8();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the resized photo never showed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The code of a second sign-in: waits for the second code mail.
async fn second_code(platform: &TestPlatform, tenant: &Tenant, email: &str) -> String {
    let subject = format!(
        "Twee-factor authenticatie inlogcode voor {}",
        tenant.display_name
    );
    let mail = eventually_mails(platform, email, &subject, 2).await;
    code_in(mail.text.as_deref().unwrap_or_default())
}

async fn account_id(platform: &TestPlatform, email: &str) -> Option<uuid::Uuid> {
    sqlx::query_scalar("SELECT id FROM platform.accounts WHERE email = $1")
        .bind(email)
        .fetch_optional(&platform.db)
        .await
        .unwrap()
}

async fn upload(
    visitor: &mut Visitor,
    name: &str,
    content_type: &str,
    bytes: &[u8],
) -> zorgportaal_tests::Page {
    visitor.get("/instellingen").await;
    visitor
        .post_file("/account/foto", "photo", name, content_type, bytes)
        .await
}

#[tokio::test]
async fn a_text_file_renamed_to_jpg_is_refused() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Foto", "#1d4f91").await;
    let (mut ans, _) = signed_in(&platform, &tenant, "Ans").await;

    let written = platform.events_written().await;
    let page = upload(
        &mut ans,
        "vakantie.jpg",
        "image/jpeg",
        b"Boodschappen: melk, brood, kaas.\n",
    )
    .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(
        page.shows("Dit bestand is geen foto die we kunnen gebruiken"),
        "{}",
        page.body
    );
    assert!(page.shows("name=\"photo\""), "the form is shown again");
    assert!(objects_of(&tenant).await.is_empty());
    assert_eq!(
        platform.events_written().await,
        written,
        "the refused file was queued for resizing"
    );
    let (status, _, _) = ans.get_bytes("/account/foto").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    platform.finish().await;
}

#[tokio::test]
async fn a_20_mb_image_is_refused_with_a_clear_message() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Groot", "#1d4f91").await;
    let (mut ans, _) = signed_in(&platform, &tenant, "Ans").await;

    // A real PNG, padded to 20 MB: an image by its content, too large by its size.
    let mut big = photo(64, 64, [10, 120, 40], ImageFormat::Png);
    big.resize(20 * 1024 * 1024, 0);
    let written = platform.events_written().await;
    let page = upload(&mut ans, "groot.png", "image/png", &big).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", page.body);
    assert!(
        page.shows("Deze foto is te groot. Kies een foto van hoogstens 10 MB."),
        "{}",
        page.body
    );
    assert!(page.shows("name=\"photo\""), "the form is shown again");
    assert!(objects_of(&tenant).await.is_empty());
    assert_eq!(
        platform.events_written().await,
        written,
        "the refused image was queued for resizing"
    );

    // The page still works afterwards, on the same connection pool.
    let settings = ans.get("/instellingen").await;
    assert_eq!(settings.status, StatusCode::OK);
    platform.finish().await;
}

#[tokio::test]
async fn a_valid_photo_is_resized_shown_and_replaces_the_old_one() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Portret", "#1d4f91").await;
    let (mut ans, _) = signed_in(&platform, &tenant, "Ans").await;

    // Checked by content: a PNG under a name and type that say otherwise is taken.
    let red = photo(800, 600, [220, 20, 20], ImageFormat::Png);
    let page = upload(&mut ans, "foto.txt", "application/octet-stream", &red).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.location(), Some("/instellingen?melding=foto"));

    let shown = shown_photo(&mut ans).await;
    assert_eq!(shown.dimensions(), (256, 256));
    let [r, g, b] = shown.get_pixel(128, 128).0;
    assert!(
        r > 180 && g < 70 && b < 70,
        "red photo shown as {r},{g},{b}"
    );
    let first = eventually(WAIT, "only the resized copy in storage", || async {
        let keys = objects_of(&tenant).await;
        (keys.len() == 1 && keys[0].ends_with(".256.jpg")).then(|| keys[0].clone())
    })
    .await;
    assert!(first.starts_with(&format!("{}/profile-photo/", tenant.slug)));
    let settings = ans.get("/instellingen").await;
    assert!(
        settings.shows("src=\"/account/foto?v="),
        "{}",
        settings.body
    );

    // A new photo (a JPEG this time) replaces the old one, whose objects are removed.
    let blue = photo(300, 900, [20, 20, 220], ImageFormat::Jpeg);
    let page = upload(&mut ans, "nieuw.jpeg", "image/jpeg", &blue).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let second = eventually(WAIT, "the new photo replacing the old", || async {
        let keys = objects_of(&tenant).await;
        (keys.len() == 1 && keys[0] != first && keys[0].ends_with(".256.jpg"))
            .then(|| keys[0].clone())
    })
    .await;
    assert!(store()
        .get(&common::infra::storage::ObjectKey::stored(&first).unwrap())
        .await
        .is_err());
    let shown = shown_photo(&mut ans).await;
    assert_eq!(shown.dimensions(), (256, 256));
    let [r, _, b] = shown.get_pixel(128, 128).0;
    assert!(
        b > 180 && r < 70,
        "blue photo shown, got {r},_,{b} ({second})"
    );
    platform.finish().await;
}

#[tokio::test]
async fn name_and_language_are_changed_and_the_language_follows_the_account() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Taal", "#1d4f91").await;
    let (mut ans, email) = signed_in(&platform, &tenant, "Ans").await;

    let page = ans.get("/instellingen").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.shows("Instellingen"));
    let page = ans.post("/instellingen/naam", &[("name", "   ")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.shows("Vul je naam in"), "{}", page.body);
    let page = ans
        .post("/instellingen/naam", &[("name", "Ans de Vries")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let overview = ans.get("/overzicht").await;
    assert!(overview.shows("Welkom, Ans de Vries"), "{}", overview.body);

    ans.get("/instellingen").await;
    let page = ans.post("/instellingen/taal", &[("language", "de")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = ans.post("/instellingen/taal", &[("language", "en")]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let settings = ans.get("/instellingen?melding=taal").await;
    assert!(
        settings.shows("Your language has been saved."),
        "{}",
        settings.body
    );
    assert!(settings.shows("<html lang=\"en\">"));
    let overview = ans.get("/overzicht").await;
    assert!(overview.shows("Welcome, Ans de Vries"), "{}", overview.body);

    // On another device, whose browser asks for Dutch: the mail and, after sign-in, the pages
    // are in the account's language.
    let mut laptop = Visitor::new(&platform, &tenant.hosts[0]);
    enter_password(&mut laptop, &email, PASSWORD).await;
    let subject = format!("Two-factor sign-in code for {}", tenant.display_name);
    let mail = mail_with_subject(&platform, &email, &subject).await;
    let code = code_in(mail.text.as_deref().unwrap_or_default());
    let page = laptop.post("/inloggen/code", &[("code", &code)]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let overview = laptop.get("/overzicht").await;
    assert!(overview.shows("Welcome, Ans de Vries"), "{}", overview.body);

    // The language switch in the footer changes the account's language as well.
    let switched = laptop.get("/taal?lang=nl").await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    let stored: String =
        sqlx::query_scalar("SELECT language FROM platform.accounts WHERE email = $1")
            .bind(&email)
            .fetch_one(&platform.db)
            .await
            .unwrap();
    assert_eq!(stored, "nl");
    assert!(ans.get("/instellingen").await.shows("<html lang=\"nl\">"));
    platform.finish().await;
}

#[tokio::test]
async fn changing_the_password_needs_the_old_one_and_ends_the_other_sessions() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Sleutel", "#1d4f91").await;
    let (mut phone, email) = signed_in(&platform, &tenant, "Ans").await;
    let mut laptop = Visitor::new(&platform, &tenant.hosts[0]);
    enter_password(&mut laptop, &email, PASSWORD).await;
    let code = second_code(&platform, &tenant, &email).await;
    let page = laptop.post("/inloggen/code", &[("code", &code)]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);

    let form = phone.get("/instellingen/wachtwoord").await;
    assert_eq!(form.status, StatusCode::OK);
    let wrong_old = phone
        .post(
            "/instellingen/wachtwoord",
            &[
                ("current_password", "Niet-Mijn-Wachtwoord-1"),
                ("password", NEW_PASSWORD),
                ("password_confirmation", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(wrong_old.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong_old.shows("Dit wachtwoord klopt niet"),
        "{}",
        wrong_old.body
    );
    let weak = phone
        .post(
            "/instellingen/wachtwoord",
            &[
                ("current_password", PASSWORD),
                ("password", "kort"),
                ("password_confirmation", "kort"),
            ],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.shows("class=\"unmet\""), "{}", weak.body);
    assert_eq!(laptop.get("/instellingen").await.status, StatusCode::OK);

    let done = phone
        .post(
            "/instellingen/wachtwoord",
            &[
                ("current_password", PASSWORD),
                ("password", NEW_PASSWORD),
                ("password_confirmation", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), Some("/instellingen?melding=wachtwoord"));
    assert_eq!(phone.get("/instellingen").await.status, StatusCode::OK);
    let ended = laptop.get("/instellingen").await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER);
    assert_eq!(ended.location(), Some("/inloggen"));
    mail_with_subject(
        &platform,
        &email,
        &format!("Je wachtwoord bij {} is gewijzigd", tenant.display_name),
    )
    .await;

    let mut other = Visitor::new(&platform, &tenant.hosts[0]);
    other.get("/inloggen").await;
    let old = other
        .post("/inloggen", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_ne!(
        old.status,
        StatusCode::SEE_OTHER,
        "the old password still works"
    );
    enter_password(&mut other, &email, NEW_PASSWORD).await;
    platform.finish().await;
}

#[tokio::test]
async fn deleting_the_account_needs_confirmation_and_removes_everything() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Afscheid", "#1d4f91")
        .await;
    let (mut phone, email) = signed_in(&platform, &tenant, "Ans").await;
    let mut laptop = Visitor::new(&platform, &tenant.hosts[0]);
    enter_password(&mut laptop, &email, PASSWORD).await;
    let code = second_code(&platform, &tenant, &email).await;
    assert_eq!(
        laptop
            .post("/inloggen/code", &[("code", &code)])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let page = upload(
        &mut phone,
        "ik.png",
        "image/png",
        &photo(400, 400, [0, 160, 0], ImageFormat::Png),
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    shown_photo(&mut phone).await;
    assert_eq!(objects_of(&tenant).await.len(), 1);

    let form = phone.get("/account/verwijderen").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.shows("Dit kun je niet ongedaan maken."));
    let unticked = phone
        .post("/account/verwijderen", &[("password", PASSWORD)])
        .await;
    assert_eq!(unticked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unticked.shows("Vink aan dat je je account wilt verwijderen."));
    let wrong = phone
        .post(
            "/account/verwijderen",
            &[("password", "Fout-Wachtwoord-99"), ("confirm", "on")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(account_id(&platform, &email).await.is_some());
    assert_eq!(laptop.get("/instellingen").await.status, StatusCode::OK);

    let gone = phone
        .post(
            "/account/verwijderen",
            &[("password", PASSWORD), ("confirm", "on")],
        )
        .await;
    assert_eq!(gone.status, StatusCode::OK, "{}", gone.body);
    assert!(gone.shows("Je account is verwijderd"));
    assert!(phone.session().is_none(), "the session cookie is cleared");
    assert!(account_id(&platform, &email).await.is_none());
    let ended = laptop.get("/instellingen").await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER);
    assert_eq!(ended.location(), Some("/inloggen"));
    mail_with_subject(
        &platform,
        &email,
        &format!("Je account bij {} is verwijderd", tenant.display_name),
    )
    .await;
    eventually(WAIT, "the photo removed from storage", || async {
        objects_of(&tenant).await.is_empty().then_some(())
    })
    .await;

    let mut again = Visitor::new(&platform, &tenant.hosts[0]);
    again.get("/inloggen").await;
    let refused = again
        .post("/inloggen", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_ne!(refused.status, StatusCode::SEE_OTHER);
    assert!(refused.shows("Het e-mailadres of het wachtwoord klopt niet"));
    platform.finish().await;
}

#[tokio::test]
async fn nobody_sees_or_changes_another_persons_photo() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Eigen", "#1d4f91").await;
    let other_tenant = platform.create_tenant("Zorggroep Ander", "#7a1d91").await;
    let (mut ans, ans_email) = signed_in(&platform, &tenant, "Ans").await;
    let (mut bert, _) = signed_in(&platform, &tenant, "Bert").await;
    let (mut carla, _) = signed_in(&platform, &other_tenant, "Carla").await;

    let page = upload(
        &mut ans,
        "ans.png",
        "image/png",
        &photo(300, 300, [220, 20, 20], ImageFormat::Png),
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    shown_photo(&mut ans).await;
    let ans_id = account_id(&platform, &ans_email).await.unwrap();
    let ans_key = objects_of(&tenant).await.pop().unwrap();

    // Bert has no photo, and no way to name Ans's.
    for path in [
        "/account/foto".to_owned(),
        format!("/account/foto?account={ans_id}"),
        format!("/account/foto/{ans_id}"),
        format!("/{ans_key}"),
    ] {
        let (status, _, bytes) = bert.get_bytes(&path).await;
        assert_ne!(
            status,
            StatusCode::OK,
            "{path} served {} bytes",
            bytes.len()
        );
    }
    // Carla, on another organisation's portal, neither.
    let (status, _, _) = carla.get_bytes("/account/foto").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Ans's own session opens nothing on the other portal.
    let mut stolen = Visitor::new(&platform, &other_tenant.hosts[0]);
    stolen.cookies = ans.cookies.clone();
    let (status, headers, _) = stolen.get_bytes("/account/foto").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers.get("location").and_then(|v| v.to_str().ok()),
        Some("/inloggen")
    );
    // Signed out, nothing.
    let mut stranger = Visitor::new(&platform, &tenant.hosts[0]);
    let (status, _, _) = stranger.get_bytes("/account/foto").await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // Bert's upload changes Bert's photo only, even when it names Ans.
    bert.get("/instellingen").await;
    let written = platform.events_written().await;
    let page = bert
        .post_file(
            &format!("/account/foto?account={ans_id}"),
            "photo",
            "bert.png",
            "image/png",
            &photo(300, 300, [20, 20, 220], ImageFormat::Png),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        platform.events_written().await - written,
        1,
        "one upload, one resize job"
    );
    // That one job has run once Bert's new photo shows: what it did to Ans's is done too.
    let bert_photo = shown_photo(&mut bert).await;
    assert!(bert_photo.get_pixel(128, 128).0[2] > 180);
    let ans_photo = shown_photo(&mut ans).await;
    assert!(
        ans_photo.get_pixel(128, 128).0[0] > 180,
        "Ans's photo changed"
    );
    assert!(objects_of(&tenant).await.contains(&ans_key));

    // An upload without the form's token is refused.
    let mut no_token = Visitor::new(&platform, &tenant.hosts[0]);
    no_token.cookies = bert.cookies.clone();
    no_token.csrf = Some("vervalst".to_owned());
    let page = no_token
        .post_file(
            "/account/foto",
            "photo",
            "x.png",
            "image/png",
            &photo(10, 10, [0, 0, 0], ImageFormat::Png),
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    platform.finish().await;
}

#[tokio::test]
async fn resize_jobs_run_twice_or_late_leave_only_the_shown_photo() {
    use common::accounts::AccountId;
    use common::infra::clock::Clock;
    use common::infra::mq::{Handler, Incoming};
    use common::infra::outbox::{Event, Job};
    use common::infra::storage::{ObjectKey, ObjectKind};
    use worker::jobs::JobHandler;

    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Herhaal", "#1d4f91").await;
    let (mut ans, email) = signed_in(&platform, &tenant, "Ans").await;
    let account = AccountId(account_id(&platform, &email).await.unwrap());
    let page = upload(
        &mut ans,
        "ans.png",
        "image/png",
        &photo(200, 200, [220, 20, 20], ImageFormat::Png),
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    shown_photo(&mut ans).await;
    let shown = objects_of(&tenant).await;
    assert_eq!(shown.len(), 1);
    let upload_key = shown[0].trim_end_matches(".256.jpg").to_owned();

    // The same job again, as a redelivery hands it to the worker's job handler: when the
    // handler is done, the shown photo is still there, and nothing else is.
    let again = Event::job(
        Some(tenant.slug.clone()),
        platform.clock.now(),
        Job::ResizeProfilePhoto {
            account: account.0,
            upload_key: upload_key.clone(),
        },
    );
    let redelivered = Incoming {
        message_id: again.id.to_string(),
        routing_key: again.payload.routing_key(),
        attempt: 1,
        headers: Default::default(),
        body: serde_json::to_vec(&again).unwrap(),
    };
    let jobs = JobHandler {
        db: platform.db.clone(),
        storage: store(),
        clock: platform.clock.clone(),
        images: common::infra::images::DecodeGate::new(2),
    };
    jobs.handle(&redelivered).await.unwrap();
    assert_eq!(
        objects_of(&tenant).await,
        shown,
        "the redelivery changed storage"
    );
    let still = shown_photo(&mut ans).await;
    assert!(still.get_pixel(128, 128).0[0] > 180);

    // A job for an upload that is no longer the account's latest removes that upload.
    let stale = ObjectKey::new(&tenant.slug, ObjectKind::ProfilePhoto);
    store()
        .put(
            &stale,
            photo(50, 50, [0, 0, 0], ImageFormat::Png).into(),
            "image/png",
        )
        .await
        .unwrap();
    let late = zorgportaal_tests::pictures::resize_job(
        &tenant,
        platform.clock.now(),
        account,
        stale.as_str(),
    );
    platform.commit_events(&tenant, &[late]).await;
    eventually(WAIT, "the stale upload removed", || async {
        (objects_of(&tenant).await == shown).then_some(())
    })
    .await;
    let still = shown_photo(&mut ans).await;
    assert!(still.get_pixel(128, 128).0[0] > 180);
    platform.finish().await;
}

#[tokio::test]
async fn a_decompression_bomb_is_refused_with_a_clear_message_and_nothing_is_stored() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Bom", "#1d4f91").await;
    let (mut ans, _) = signed_in(&platform, &tenant, "Ans").await;

    let written = platform.events_written().await;
    let page = upload(&mut ans, "bom.png", "image/png", &pictures::bomb()).await;
    page.assert_refused(
        StatusCode::UNPROCESSABLE_ENTITY,
        "Deze foto is te groot om te verwerken",
    );
    assert!(objects_of(&tenant).await.is_empty());
    assert_eq!(
        platform.events_written().await,
        written,
        "the bomb was queued for resizing"
    );
    platform.finish().await;
}

/// The worker checks the upload itself: a bomb put into storage without the web's check is
/// dropped, not decoded, and nothing of it is shown or kept.
#[tokio::test]
async fn the_worker_refuses_a_bomb_that_bypassed_the_web() {
    use common::accounts::profile;
    use common::accounts::AccountId;
    use common::infra::clock::Clock;
    use common::infra::storage::{ObjectKey, ObjectKind};

    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Omweg", "#1d4f91").await;
    let (mut ans, email) = signed_in(&platform, &tenant, "Ans").await;
    let account = AccountId(account_id(&platform, &email).await.unwrap());

    let key = ObjectKey::new(&tenant.slug, ObjectKind::ProfilePhoto);
    store()
        .put(&key, pictures::bomb().into(), "image/png")
        .await
        .unwrap();
    let now = platform.clock.now();
    profile::set_photo_upload(&platform.db, account, key.as_str(), now)
        .await
        .unwrap();
    let job = zorgportaal_tests::pictures::resize_job(&tenant, now, account, key.as_str());
    platform.commit_events(&tenant, &[job]).await;

    let keys = eventually(WAIT, "the worker done with the upload", || async {
        let keys = profile::photo_keys(&platform.db, account)
            .await
            .unwrap()
            .unwrap();
        keys.upload.is_none().then_some(keys)
    })
    .await;
    assert_eq!(keys.shown, None, "the bomb was resized and shown");
    eventually(WAIT, "the bomb removed from storage", || async {
        objects_of(&tenant).await.is_empty().then_some(())
    })
    .await;
    let (status, _, _) = ans.get_bytes("/account/foto").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    platform.finish().await;
}

/// Photos sent by one account are limited per hour; the limit is counted before the upload is
/// read, so of many sent at once exactly the budget gets through.
#[tokio::test]
async fn photo_uploads_are_limited_per_hour_also_when_sent_at_once() {
    use common::infra::throttle::PHOTO_UPLOADS;

    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Stortvloed", "#1d4f91")
        .await;
    let (mut ans, _) = signed_in(&platform, &tenant, "Ans").await;
    ans.get("/instellingen").await;

    let budget = usize::try_from(PHOTO_UPLOADS.max).unwrap();
    let small = photo(40, 40, [220, 20, 20], ImageFormat::Png);
    let pages = ans
        .post_file_at_once(budget + 5, "/account/foto", "photo", &small)
        .await;
    let refused =
        zorgportaal_tests::pictures::split_at_budget(&pages, StatusCode::SEE_OTHER, budget);
    refused.assert_refused(
        StatusCode::TOO_MANY_REQUESTS,
        "Je hebt het afgelopen uur al veel foto",
    );
    // One more later in the hour is refused too.
    let page = upload(&mut ans, "nog-een.png", "image/png", &small).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS, "{}", page.body);

    // The uploads that were taken settle on one shown photo.
    eventually(WAIT, "one resized photo left", || async {
        let keys = objects_of(&tenant).await;
        (keys.len() == 1 && keys[0].ends_with(".256.jpg")).then_some(())
    })
    .await;
    platform.finish().await;
}
