//! The portal in a real headless Chromium: what a person's browser shows, kept as screenshots.

use common::infra::tenancy::Tenant;
use zorgportaal_tests::accounts::{self, PASSWORD};
use zorgportaal_tests::browser::Browser;
use zorgportaal_tests::letters;
use zorgportaal_tests::visitor::Visitor;
use zorgportaal_tests::{Services, TestPlatform};

/// `http://<host>:<port>` of `tenant`'s portal in this test.
fn portal_base(platform: &TestPlatform, tenant: &Tenant) -> String {
    format!(
        "http://{}:{}",
        tenant.hosts[0],
        platform.web_addr.unwrap().port()
    )
}

/// An account that signed up and confirmed its address (outside the browser).
async fn confirmed_account(platform: &TestPlatform, tenant: &Tenant, name: &str, email: &str) {
    let mut setup = Visitor::new(platform, &tenant.hosts[0]);
    accounts::sign_up(&mut setup, name, email, PASSWORD).await;
    accounts::confirm_from_mail(platform, tenant, &mut setup, email).await;
}

/// Signs in on the sign-in page the browser shows, with the code of the account's first
/// sign-in mail.
async fn sign_in(browser: &Browser, platform: &TestPlatform, tenant: &Tenant, email: &str) {
    browser.fill("E-mail *", email).await;
    browser.fill("Wachtwoord *", PASSWORD).await;
    browser.click_button("Inloggen").await;
    let code = accounts::mailed_code(platform, tenant, email, 1).await;
    browser.fill("Inlogcode *", &code).await;
    browser.click_button("Bevestigen").await;
}

#[tokio::test]
async fn start_page_in_a_real_browser() {
    let platform = TestPlatform::start_with(Services::WEB, &[]).await;
    let tenant = platform.create_tenant("Zorggroep Browser", "#1d5c8f").await;
    let port = platform.web_addr.unwrap().port();
    // Chromium resolves every *.localhost name to the loopback address by itself.
    let url = format!("http://{}:{port}/", tenant.hosts[0]);

    let mut browser = Browser::start("start_page_in_a_real_browser").await;
    browser.goto(&url).await;
    assert_eq!(browser.current_url().await, url);
    let heading = browser.text_of("h1").await;
    assert!(
        heading.contains("Zorggroep Browser"),
        "the start page's heading is {heading:?}"
    );
    assert!(
        browser.title().await.contains("Zorggroep Browser"),
        "the title names the organisation"
    );

    let shot = browser.screenshot("start page").await;
    assert!(
        shot.ends_with("artifacts/browser/start_page_in_a_real_browser/01-start-page.png"),
        "{}",
        shot.display()
    );
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{} is not a PNG",
        shot.display()
    );

    browser.close().await;
    platform.finish().await;
}

/// ACC-1 … ACC-4 and ACC-6 as a person does it: sign up, confirm from the mail, sign in with
/// the code from the mail, sign out. A screenshot of every step is kept as an artefact.
#[tokio::test]
async fn sign_up_confirm_sign_in_and_out_in_a_real_browser() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep De Browser", "#7a2e8f")
        .await;
    let base = portal_base(&platform, &tenant);
    let email = platform.unique_email("anna");
    let mut browser = Browser::start("sign_up_confirm_sign_in_and_out_in_a_real_browser").await;

    // The browser asks for English; the person switches the portal to Dutch in the footer.
    browser.goto(&format!("{base}/toegankelijkheid")).await;
    assert_eq!(browser.text_of("h1").await, "Accessibility");
    browser.click_link("Nederlands").await;
    assert!(browser.current_url().await.ends_with("/toegankelijkheid"));
    assert_eq!(browser.text_of("h1").await, "Toegankelijkheid");
    browser.goto(&format!("{base}/")).await;
    browser.screenshot("start page").await;
    browser.click_link("Account aanmaken").await;
    browser.fill("Naam *", "Anna de Vries").await;
    browser.fill("E-mailadres *", &email).await;
    // Each rule as the page marks it now: met, unmet, or not marked yet (nothing typed).
    async fn rule_marks(browser: &Browser) -> Vec<(String, &'static str)> {
        let rules = browser
            .attributes_of("[data-password-rules] [data-rule]", "data-rule")
            .await;
        let classes = browser
            .attributes_of("[data-password-rules] [data-rule]", "class")
            .await;
        rules
            .into_iter()
            .zip(classes)
            .map(|(rule, class)| {
                let class = class.unwrap_or_default();
                let has = |wanted: &str| class.split_whitespace().any(|c| c == wanted);
                let mark = match (has("met"), has("unmet")) {
                    (true, false) => "met",
                    (false, true) => "unmet",
                    (false, false) => "",
                    (true, true) => "met and unmet",
                };
                (rule.unwrap_or_default(), mark)
            })
            .collect()
    }
    let marks = |marks: [&'static str; 5]| {
        [
            "password-rule-length",
            "password-rule-digit",
            "password-rule-lowercase",
            "password-rule-uppercase",
            "password-rule-special",
        ]
        .into_iter()
        .map(str::to_owned)
        .zip(marks)
        .collect::<Vec<_>>()
    };
    let rules = browser.text_of("[data-password-rules]").await;
    assert!(rules.contains("minimaal 12 tekens"), "{rules}");
    assert_eq!(rule_marks(&browser).await, marks(["", "", "", "", ""]));
    // As the person types, each rule is marked: "kort" has lower-case letters and nothing else.
    browser.fill("Wachtwoord *", "kort").await;
    browser.screenshot("password rules while typing").await;
    assert_eq!(
        rule_marks(&browser).await,
        marks(["unmet", "unmet", "met", "unmet", "unmet"])
    );
    browser.fill("Wachtwoord *", PASSWORD).await;
    assert_eq!(
        rule_marks(&browser).await,
        marks(["met", "met", "met", "met", "met"])
    );
    browser.fill("Wachtwoordbevestiging *", PASSWORD).await;
    browser.check("Ik accepteer de gebruiksvoorwaarden *").await;
    browser.screenshot("sign-up form").await;
    browser.click_button("Aanmelden").await;
    assert!(browser.page_text().await.contains("Kijk in je e-mail"));
    browser.screenshot("check your mail").await;

    let welcome =
        accounts::mail_with_subject(&platform, &email, "Welkom bij Zorggroep De Browser").await;
    let link = accounts::link_in(&welcome, "/account/bevestigen?token=");
    browser.goto(&format!("{base}{link}")).await;
    assert!(browser.page_text().await.contains(&email));
    browser.screenshot("confirm account").await;
    browser.click_button("Bevestigen").await;
    let confirmed = browser.page_text().await;
    assert!(
        confirmed.contains("Je e-mailadres is bevestigd"),
        "{confirmed}"
    );
    browser.screenshot("confirmed, sign in").await;

    browser.fill("E-mail *", &email).await;
    browser.fill("Wachtwoord *", PASSWORD).await;
    browser.click_button("Inloggen").await;
    assert!(browser
        .page_text()
        .await
        .contains("Welkom terug, Anna de Vries!"));
    browser.screenshot("sign-in code").await;
    let code = accounts::mailed_code(&platform, &tenant, &email, 1).await;
    browser.fill("Inlogcode *", &code).await;
    browser.click_button("Bevestigen").await;
    assert!(browser.current_url().await.ends_with("/overzicht"));
    assert!(browser.page_text().await.contains("Welkom, Anna de Vries"));
    browser.screenshot("signed in").await;
    let session = browser
        .cookies()
        .await
        .into_iter()
        .find(|c| c.name == "zp_session")
        .expect("a session cookie");
    assert!(session.http_only, "the session cookie is HttpOnly");
    assert_eq!(session.same_site.as_deref(), Some("Lax"));

    browser.click_button("Uitloggen").await;
    assert!(browser.page_text().await.contains("Je bent uitgelogd"));
    browser.screenshot("signed out").await;
    assert!(
        browser
            .cookies()
            .await
            .iter()
            .all(|c| c.name != "zp_session"),
        "sign-out removes the session cookie"
    );
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM platform.sessions")
        .fetch_one(&platform.db)
        .await
        .unwrap();
    assert_eq!(left, 0, "sign-out ends the session on the server");

    browser.close().await;
    platform.finish().await;
}

/// ACC-7, ACC-8 and ACC-9 as a signed-in person finds them: settings, the phone number, help
/// and the FAQ. A screenshot of every page is kept as an artefact.
#[tokio::test]
async fn settings_phone_and_help_in_a_real_browser() {
    let platform = TestPlatform::start().await;
    let support = platform.unique_email("hulp");
    let tenant = platform
        .create_tenant_with_support_email("Zorggroep De Instelling", "#2e6b3f", Some(&support))
        .await;
    let base = portal_base(&platform, &tenant);
    let email = platform.unique_email("bram");
    confirmed_account(&platform, &tenant, "Bram Visser", &email).await;

    let mut browser = Browser::start("settings_phone_and_help_in_a_real_browser").await;
    browser.goto(&format!("{base}/taal?lang=nl")).await;
    browser.goto(&format!("{base}/inloggen")).await;
    sign_in(&browser, &platform, &tenant, &email).await;

    browser.click_link("Instellingen").await;
    assert_eq!(browser.text_of("h1").await, "Instellingen");
    browser.screenshot("settings").await;
    browser.fill("Je naam", "Bram de Visser").await;
    browser.click_button("Opslaan").await;
    let saved = browser.page_text().await;
    assert!(saved.contains("Je naam is opgeslagen."), "{saved}");

    browser.click_link("Telefoonnummer").await;
    browser.screenshot("phone number").await;
    browser.fill("Telefoonnummer *", "06 12345678").await;
    browser
        .check("Mobiel nummer (je krijgt de code per sms)")
        .await;
    browser.fill("Je wachtwoord *", PASSWORD).await;
    browser.click_button("Nummer opslaan").await;
    let pending = browser.page_text().await;
    assert!(
        pending.contains("Nieuw mobiel nummer: +31612345678"),
        "{pending}"
    );
    browser
        .screenshot("phone number waiting for the mail")
        .await;

    browser.click_link("Hulp nodig?").await;
    browser.screenshot("help").await;
    browser.fill("Onderwerp *", "Inloggen op de tablet").await;
    browser
        .fill("Je vraag *", "Hoe log ik in op de tablet van mijn moeder?")
        .await;
    browser.click_button("Vraag versturen").await;
    let sent = browser.page_text().await;
    assert!(sent.contains("Je vraag is verstuurd"), "{sent}");
    browser.screenshot("question sent").await;
    let question = accounts::mail_with_subject(&platform, &support, "").await;
    assert!(question
        .text
        .as_deref()
        .unwrap_or_default()
        .contains("Hoe log ik in op de tablet van mijn moeder?"));

    browser.click_link("Veelgestelde vragen").await;
    assert_eq!(browser.text_of("h1").await, "Veelgestelde vragen");
    browser.screenshot("faq").await;
    browser.close().await;
    accounts::mail_with_subject(&platform, &email, "Bevestig je telefoonnummer").await;
    platform.finish().await;
}

/// Issue 5's main path: a tenant admin brands the portal (colours with a live preview, a logo)
/// and prints a client's letter as PDF; a new person signs up, enters the letter's code and the
/// birth date, agrees, and lands on the linked care page in the organisation's colours.
/// Screenshots of every step are kept as artefacts.
#[tokio::test]
async fn a_tenant_admin_brands_the_portal_and_a_new_person_activates_a_letter_in_a_real_browser() {
    use common::infra::clock::Clock;

    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Huisstijl", "#1d5c8f")
        .await;
    let base = portal_base(&platform, &tenant);
    let email = platform.unique_email("beheer");
    confirmed_account(&platform, &tenant, "Bea Beheer", &email).await;
    let account: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM platform.accounts WHERE lower(email) = lower($1)")
            .bind(&email)
            .fetch_one(&platform.db)
            .await
            .unwrap();
    common::organisation::admins::grant(
        &platform.db,
        tenant.id,
        common::accounts::AccountId(account),
        platform.clock.now(),
    )
    .await
    .unwrap();

    let logo = std::env::temp_dir().join(format!("zorgportaal-logo-{}.png", std::process::id()));
    image::RgbaImage::from_pixel(240, 80, image::Rgba([122, 46, 143, 255]))
        .save(&logo)
        .unwrap();

    let mut browser = Browser::start("admin_brands_and_a_letter_is_activated").await;
    browser.goto(&format!("{base}/taal?lang=nl")).await;
    browser.goto(&format!("{base}/inloggen")).await;
    sign_in(&browser, &platform, &tenant, &email).await;
    browser.click_link("Beheer").await;
    browser.screenshot("admin home").await;

    browser.goto(&format!("{base}/beheer/huisstijl")).await;
    browser.fill("Hoofdkleur", "#7a2e8f").await;
    browser
        .screenshot("branding with a new colour in the preview")
        .await;
    browser.click_button("Opslaan").await;
    let saved = browser.page_text().await;
    assert!(saved.contains("De huisstijl is opgeslagen."), "{saved}");
    browser.attach_file("Kies een logo", &logo).await;
    browser.click_button("Logo opslaan").await;
    let uploaded = browser.page_text().await;
    assert!(uploaded.contains("Het logo is opgeslagen."), "{uploaded}");
    browser.screenshot("branding saved with a logo").await;

    browser.goto(&format!("{base}/")).await;
    let logo_alt = browser.text_of("header").await;
    assert!(logo_alt.contains("Zorggroep Huisstijl"), "{logo_alt}");
    let primary = browser
        .webdriver()
        .execute(
            "return getComputedStyle(document.querySelector('.site-header')).backgroundColor",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(primary.as_str(), Some("rgb(122, 46, 143)"));
    let logo_shown = browser
        .webdriver()
        .execute(
            "const img = document.querySelector('img.brand__logo'); return img !== null && img.complete && img.naturalWidth === 240",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(logo_shown.as_bool(), Some(true), "the new logo is shown");
    browser.screenshot("start page in the new colours").await;

    // CP-2: the admin adds a client and prints the letter; its code is read from the PDF the
    // browser downloaded.
    browser.goto(&format!("{base}/beheer/clienten")).await;
    // The new primary colour drives the components' tokens: buttons and links follow it.
    for (what, script) in [
        (
            "primary button",
            "return getComputedStyle(document.querySelector('main .utrecht-button--primary-action')).backgroundColor",
        ),
        (
            "link",
            "return getComputedStyle(document.querySelector('main a.utrecht-link')).color",
        ),
    ] {
        let colour = browser.webdriver().execute(script, vec![]).await.unwrap();
        assert_eq!(colour.as_str(), Some("rgb(122, 46, 143)"), "{what}");
    }
    browser.fill("Cliëntnummer", "C-1001").await;
    browser.fill("Naam", "Wim de Boer").await;
    browser.fill("Geboortedatum", "02-03-1950").await;
    browser
        .fill("Postadres", "Dorpsstraat 1\n1234 AB Ergens")
        .await;
    browser.click_button("Cliënt toevoegen").await;
    browser.screenshot("client added").await;
    browser.check("Wim de Boer").await;
    browser
        .click_button_to_download("Brieven maken (pdf)")
        .await;
    let pdf = browser.downloaded("activatiebrieven.pdf").await;
    browser.keep_artifact("activatiebrieven.pdf", &pdf);
    let letter = letters::read(&pdf);
    assert_eq!(letter.pages.len(), 1);
    let text = &letter.pages[0];
    assert!(text.contains("Zorggroep Huisstijl"), "{text}");
    assert!(text.contains("Wim de Boer"), "{text}");
    assert_eq!(letter.images, 1, "the letter carries the new logo");
    let code = letters::code_in(text);
    browser.goto(&format!("{base}/beheer/clienten")).await;
    let state = browser.page_text().await;
    assert!(state.contains("Geldig tot"), "{state}");
    browser.screenshot("letter printed").await;
    browser.click_button("Uitloggen").await;

    // A new person signs up on this portal and uses the letter.
    let person = platform.unique_email("wim");
    browser.goto(&format!("{base}/aanmelden")).await;
    browser.fill("Naam *", "Els de Boer").await;
    browser.fill("E-mailadres *", &person).await;
    browser.fill("Wachtwoord *", PASSWORD).await;
    browser.fill("Wachtwoordbevestiging *", PASSWORD).await;
    browser.check("Ik accepteer de gebruiksvoorwaarden *").await;
    browser.click_button("Aanmelden").await;
    let welcome = accounts::mail_with_subject(&platform, &person, "Welkom bij").await;
    let link = accounts::link_in(&welcome, "/account/bevestigen?token=");
    browser.goto(&format!("{base}{link}")).await;
    browser.click_button("Bevestigen").await;
    sign_in(&browser, &platform, &tenant, &person).await;
    browser.click_link("Heb je een activatiecode?").await;
    browser
        .fill("Activatiecode", &code.to_lowercase().replace('-', " "))
        .await;
    browser
        .fill("Geboortedatum van de cliënt", "2-3-1950")
        .await;
    browser.screenshot("activation code entered").await;
    browser.click_button("Activatiecode gebruiken").await;
    assert!(browser.page_text().await.contains("Zorggroep Huisstijl"));
    browser.screenshot("which organisation, agree").await;
    browser.click_button("Ik ga akkoord").await;
    let page = browser.page_text().await;
    assert!(
        page.contains("De zorgpagina is gekoppeld aan Zorggroep Huisstijl."),
        "{page}"
    );
    assert!(page.contains("Wim de Boer"), "{page}");
    let header = browser
        .webdriver()
        .execute(
            "return getComputedStyle(document.querySelector('.site-header')).backgroundColor",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(header.as_str(), Some("rgb(122, 46, 143)"));
    browser
        .screenshot("linked care page in the organisation's colours")
        .await;
    browser.close().await;
    let _ = std::fs::remove_file(&logo);
    platform.finish().await;
}

/// The sections of a care page, in menu order (CP-6).
const ALL_SECTIONS: [&str; 7] = [
    "Kalender",
    "Berichten",
    "Dossier",
    "Notities",
    "Connecties",
    "Profiel",
    "Meldingen",
];

/// The care page's sections (CP-6): on a wide screen all seven in a column on the left of the
/// page, each with its icon; on a phone-sized screen a bar fixed at the bottom with four
/// sections and "Meer", which opens the rest, and no focused link hidden under the bar.
#[tokio::test]
async fn on_a_phone_the_care_page_sections_sit_at_the_bottom_with_more() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Telefoon", "#1d5c8f")
        .await;
    let base = portal_base(&platform, &tenant);
    let email = platform.unique_email("telefoon");
    confirmed_account(&platform, &tenant, "Tess Telefoon", &email).await;

    let mut browser = Browser::start("care_page_sections_on_a_phone").await;
    browser.goto(&format!("{base}/taal?lang=nl")).await;
    browser.goto(&format!("{base}/inloggen")).await;
    sign_in(&browser, &platform, &tenant, &email).await;
    browser
        .goto(&format!("{base}/zorgpagina/nieuw?voor=mijzelf"))
        .await;
    browser.fill("Jouw geboortedatum", "01-02-1950").await;
    browser.check("Ja, ik geef toestemming").await;
    browser.click_button("Zorgpagina aanmaken").await;
    let care_page = browser.current_url().await;
    assert!(care_page.contains("/zorgpagina/"), "{care_page}");

    let visible_sections = "return [...document.querySelectorAll('.care-nav a')]\
        .filter(a => a.checkVisibility()).map(a => a.textContent.trim())";
    let wide = browser
        .webdriver()
        .execute(visible_sections, vec![])
        .await
        .unwrap();
    assert_eq!(wide, serde_json::json!(ALL_SECTIONS));
    let column = browser
        .webdriver()
        .execute(
            "const nav = document.querySelector('.care-nav').getBoundingClientRect();\
             const main = document.querySelector('.care-page__main').getBoundingClientRect();\
             const links = [...document.querySelectorAll('.care-nav a')].filter(a => a.checkVisibility());\
             const boxes = links.map(a => a.getBoundingClientRect());\
             return {\
               left_of_the_page: nav.right <= main.left,\
               one_above_the_other: boxes.every((b, i) => i == 0 || (b.top >= boxes[i - 1].bottom - 1 && b.left == boxes[0].left)),\
               each_with_an_icon: links.every(a => a.querySelector('svg.care-nav__icon') !== null),\
               tall_enough: boxes.every(b => b.height >= 44) }",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        column,
        serde_json::json!({
            "left_of_the_page": true,
            "one_above_the_other": true,
            "each_with_an_icon": true,
            "tall_enough": true
        })
    );
    browser.screenshot("sections on a wide screen").await;

    browser.webdriver().set_window_size(390, 844).await.unwrap();
    browser.goto(&care_page).await;
    let bar = browser
        .webdriver()
        .execute(
            "const nav = document.querySelector('.care-nav'); const r = nav.getBoundingClientRect();\
             return [getComputedStyle(nav).position, Math.round(window.innerHeight - r.bottom)]",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(bar, serde_json::json!(["fixed", 0]), "a bar at the bottom");
    let on_phone = browser
        .webdriver()
        .execute(visible_sections, vec![])
        .await
        .unwrap();
    assert_eq!(on_phone, serde_json::json!(ALL_SECTIONS[..4]));
    browser
        .screenshot("sections at the bottom on a phone")
        .await;
    // Focus every link and button outside the bar in turn: none may end up under it.
    let hidden = browser
        .webdriver()
        .execute(
            "const bar = document.querySelector('.care-nav').getBoundingClientRect().top;\
             const hidden = [];\
             for (const el of document.querySelectorAll('main a, main button, footer a, footer button')) {\
               if (el.closest('.care-nav') || !el.checkVisibility()) continue;\
               el.focus();\
               const r = el.getBoundingClientRect();\
               if (r.bottom > bar + 1) hidden.push(el.textContent.trim());\
             }\
             return hidden",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(hidden, serde_json::json!([]), "focused under the bar");

    browser
        .webdriver()
        .find(fantoccini::Locator::Css(".care-nav summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let opened = browser
        .webdriver()
        .execute(visible_sections, vec![])
        .await
        .unwrap();
    assert_eq!(
        opened,
        serde_json::json!(ALL_SECTIONS),
        "\"Meer\" shows the rest"
    );
    browser.screenshot("more opened").await;
    browser.click_link("Meldingen").await;
    assert!(browser
        .page_text()
        .await
        .contains("Hier kan je aangeven wanneer je een melding wilt ontvangen."));
    browser.screenshot("meldingen on a phone").await;
    browser.close().await;
    platform.finish().await;
}

/// Private pages stay private: after signing out, the browser's Back button brings back no
/// care page and no name from it. Pages of a signed-in person are `no-store`, so the browser
/// asks the server again, and the server sends it to the sign-in page.
/// Makes a care page "voor iemand anders" through the form, as a signed-in person would, and
/// returns the address the browser lands on.
async fn page_for_someone_else(browser: &Browser, base: &str, client: &str, born: &str) -> String {
    browser
        .goto(&format!("{base}/zorgpagina/nieuw?voor=iemand-anders"))
        .await;
    browser.fill("Naam van de cliënt", client).await;
    browser.fill("Geboortedatum", born).await;
    browser.check("Ja, ik geef toestemming").await;
    browser.click_button("Zorgpagina aanmaken").await;
    browser.current_url().await
}

#[tokio::test]
async fn after_signing_out_back_shows_no_care_page() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Terug", "#1d5c8f").await;
    let base = portal_base(&platform, &tenant);
    let email = platform.unique_email("terug");
    confirmed_account(&platform, &tenant, "Truus Terug", &email).await;

    let mut browser = Browser::start("back_after_sign_out").await;
    browser.goto(&format!("{base}/taal?lang=nl")).await;
    browser.goto(&format!("{base}/inloggen")).await;
    sign_in(&browser, &platform, &tenant, &email).await;
    let care_page = page_for_someone_else(&browser, &base, "Geertruida Geheim", "01-02-1935").await;
    assert!(care_page.contains("/zorgpagina/"), "{care_page}");
    assert!(browser.page_text().await.contains("Geertruida Geheim"));

    browser.click_button("Uitloggen").await;
    assert!(browser.current_url().await.contains("/inloggen"));
    browser.webdriver().back().await.unwrap();
    let text = browser.page_text().await;
    browser.screenshot("back after signing out").await;
    assert!(!text.contains("Geertruida Geheim"), "{text}");
    assert!(
        browser.current_url().await.contains("/inloggen"),
        "the server sent the browser to sign in"
    );
    browser.close().await;
    platform.finish().await;
}

/// The look of the portal's main pages on a computer (1280 px) and a phone (390 px), kept as
/// screenshots: the start page, sign-in, a care page's home and the branding page; sign-in and
/// the care page's home also in forced colours (Windows high contrast). On each,
/// body text is at least 18 px, the primary buttons are at least 44 px high, and nothing
/// scrolls sideways.
#[tokio::test]
async fn the_main_pages_on_a_computer_and_a_phone() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep De Linde", "#1d4f91")
        .await;
    let base = portal_base(&platform, &tenant);
    let email = platform.unique_email("uiterlijk");
    confirmed_account(&platform, &tenant, "Anna de Vries", &email).await;
    accounts::make_admin(&platform, &tenant, &email).await;

    let mut browser = Browser::start("the_main_pages_on_a_computer_and_a_phone").await;
    browser.goto(&format!("{base}/taal?lang=nl")).await;
    let widths = [(1280, 1000, "computer"), (390, 844, "phone")];
    let check = "const body = parseFloat(getComputedStyle(document.querySelector('main p, main label')).fontSize);\
        const buttons = [...document.querySelectorAll('main .utrecht-button--primary-action, main .utrecht-button-link--primary-action')]\
          .filter(b => b.checkVisibility()).map(b => b.getBoundingClientRect().height);\
        return [body, buttons.length === 0 ? 44 : Math.min(...buttons),\
          document.scrollingElement.scrollWidth - window.innerWidth]";
    let visit = async |browser: &mut Browser, path: &str, what: &str| {
        for (width, height, device) in widths {
            browser
                .webdriver()
                .set_window_size(width, height)
                .await
                .unwrap();
            browser.goto(&format!("{base}{path}")).await;
            browser.screenshot(&format!("{what} {device}")).await;
            let measured = browser.webdriver().execute(check, vec![]).await.unwrap();
            let [body, button, overflow] = [0, 1, 2].map(|i| measured[i].as_f64().unwrap());
            assert!(body >= 18.0, "{what} on a {device}: body text {body} px");
            assert!(
                button >= 44.0,
                "{what} on a {device}: a button {button} px high"
            );
            assert!(
                overflow <= 0.0,
                "{what} on a {device}: {overflow} px sideways"
            );
        }
    };
    visit(&mut browser, "/", "start page").await;
    visit(&mut browser, "/inloggen", "sign-in").await;
    browser.force_colors(true).await;
    browser.goto(&format!("{base}/inloggen")).await;
    let forced = browser
        .webdriver()
        .execute(
            "return matchMedia('(forced-colors: active)').matches",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(forced, serde_json::json!(true), "forced colours emulated");
    browser.screenshot("sign-in in forced colours").await;
    browser.force_colors(false).await;

    browser
        .webdriver()
        .set_window_size(1280, 1000)
        .await
        .unwrap();
    browser.goto(&format!("{base}/inloggen")).await;
    sign_in(&browser, &platform, &tenant, &email).await;
    browser
        .goto(&format!("{base}/zorgpagina/nieuw?voor=mijzelf"))
        .await;
    browser.fill("Jouw geboortedatum", "01-02-1950").await;
    browser.check("Ja, ik geef toestemming").await;
    browser.click_button("Zorgpagina aanmaken").await;
    let care_page = browser.current_url().await;
    let care_path = care_page.trim_start_matches(&base).to_owned();
    assert!(care_path.starts_with("/zorgpagina/"), "{care_page}");
    visit(&mut browser, &care_path, "care page home").await;
    visit(&mut browser, "/beheer/huisstijl", "branding").await;

    // Windows high contrast: the section you are in keeps an edge the others lack, and the
    // avatars keep one, in the system's colours, where their background colour is gone.
    browser
        .webdriver()
        .set_window_size(1280, 1000)
        .await
        .unwrap();
    browser.force_colors(true).await;
    browser.goto(&care_page).await;
    browser.screenshot("care page home in forced colours").await;
    let without_notice = care_page.split('?').next().unwrap();
    browser.goto(&format!("{without_notice}/profiel")).await;
    browser
        .screenshot("care page profile in forced colours")
        .await;
    let edges = browser
        .webdriver()
        .execute(
            "const visible = c => c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent';\
             const current = getComputedStyle(document.querySelector('.care-nav__link[aria-current]'));\
             const other = getComputedStyle(document.querySelector('.care-nav__link:not([aria-current])'));\
             const avatar = getComputedStyle(document.querySelector('.care-page__header .avatar'));\
             return [parseFloat(current.borderInlineStartWidth) >= 4 && visible(current.borderInlineStartColor),\
                     current.borderInlineStartColor !== other.borderInlineStartColor,\
                     parseFloat(avatar.borderTopWidth) >= 1 && visible(avatar.borderTopColor)]",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        edges,
        serde_json::json!([true, true, true]),
        "edges in forced colours: the current section marked, unlike the others; avatars"
    );
    browser.force_colors(false).await;
    browser.close().await;
    platform.finish().await;
}

/// The primary buttons and the links in a page's content whose colour is not the organisation's
/// primary colour (#7a2e8f) as the page shows them now; those that delete something keep their
/// warning colour.
const OFF_BRAND: &str = "const brand = 'rgb(122, 46, 143)';\
    const buttons = [...document.querySelectorAll('main .utrecht-button--primary-action, main .utrecht-button-link--primary-action')]\
      .filter(e => e.checkVisibility() && !e.matches('.utrecht-button--danger') && getComputedStyle(e).backgroundColor !== brand);\
    const links = [...document.querySelectorAll('main a.utrecht-link, main .care-nav__link')]\
      .filter(e => e.checkVisibility() && !e.matches('.zorgportaal-danger-link, :hover, :focus') && getComputedStyle(e).color !== brand);\
    return [...buttons, ...links].map(e => e.tagName.toLowerCase() + ' ' + e.textContent.trim().slice(0, 30))";

/// Every page of the portal and of `/beheer`, signed out, signed in and as the organisation's
/// administrator, at 320, 390, 640 (a computer's 1280 at 200 % zoom) and 1280 px: axe-core finds
/// no WCAG 2.2 A or AA violation, nothing scrolls sideways (WCAG 1.4.4, 1.4.10), and the HTML
/// as sent passes the Nu Html Checker; and every primary button and content link is in the
/// organisation's colour.
#[tokio::test]
async fn every_page_passes_axe_and_reflows_from_320_px_to_a_computer() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Toegankelijk", "#7a2e8f")
        .await;
    let base = portal_base(&platform, &tenant);
    let email = platform.unique_email("toegankelijk");
    confirmed_account(&platform, &tenant, "Tineke Toegang", &email).await;
    accounts::make_admin(&platform, &tenant, &email).await;

    let mut browser = Browser::start("every_page_passes_axe").await;
    browser.goto(&format!("{base}/taal?lang=nl")).await;
    let mut problems = Vec::new();
    let mut sources = Vec::new();
    let mut source_paths = Vec::new();
    let widths = [320, 390, 640, 1280];
    // How far the page scrolls sideways, and the innermost elements that reach past the edge.
    let sideways = "const over = Math.max(0, document.scrollingElement.scrollWidth - window.innerWidth);\
        const past = [...document.querySelectorAll('body *')]\
          .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)\
          .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))\
          .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : ''));\
        return [over, past.join(', ')]";
    let mut walk = async |browser: &mut Browser, paths: &[String]| {
        for &width in &widths {
            browser
                .webdriver()
                .set_window_size(width, 900)
                .await
                .unwrap();
            for path in paths {
                browser.goto(&format!("{base}{path}")).await;
                let overflow = browser.webdriver().execute(sideways, vec![]).await.unwrap();
                if overflow[0].as_f64() != Some(0.0) {
                    problems.push(format!(
                        "{path} at {width} px: {} px sideways, past the edge: {}",
                        overflow[0], overflow[1]
                    ));
                }
                for violation in browser.accessibility_violations().await {
                    problems.push(format!("{path} at {width} px: {violation}"));
                }
                if width == 1280 {
                    // The organisation's colour reaches every primary button and link.
                    let off_brand = browser
                        .webdriver()
                        .execute(OFF_BRAND, vec![])
                        .await
                        .unwrap();
                    if off_brand != serde_json::json!([]) {
                        problems.push(format!(
                            "{path}: not in the organisation's colour: {off_brand}"
                        ));
                    }
                    let html = browser.page_source_as_sent().await;
                    let name = format!("page-{:02}.html", sources.len() + 1);
                    sources.push(browser.keep_artifact(&name, html.as_bytes()));
                    source_paths.push(format!("{name}: {path}"));
                }
            }
        }
    };

    // The checker itself bites: an image without a text alternative is found.
    browser.goto(&format!("{base}/")).await;
    browser
        .webdriver()
        .execute(
            "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')",
            vec![],
        )
        .await
        .unwrap();
    let found = browser.accessibility_violations().await;
    assert!(
        found.iter().any(|v| v.starts_with("image-alt")),
        "axe missed an image without alt: {found:?}"
    );

    let signed_out: Vec<String> = [
        "/",
        "/inloggen",
        "/aanmelden",
        "/wachtwoord-vergeten",
        "/hulp",
        "/veelgestelde-vragen",
        "/toegankelijkheid",
        "/gebruiksvoorwaarden",
        "/bestaat-niet",
    ]
    .map(str::to_owned)
    .to_vec();
    walk(&mut browser, &signed_out).await;

    browser
        .webdriver()
        .set_window_size(1280, 900)
        .await
        .unwrap();
    browser.goto(&format!("{base}/inloggen")).await;
    browser.fill("E-mail *", &email).await;
    browser.fill("Wachtwoord *", PASSWORD).await;
    browser.click_button("Inloggen").await;
    walk(&mut browser, &["/inloggen/code".to_owned()]).await;
    let code = accounts::mailed_code(&platform, &tenant, &email, 1).await;
    browser.goto(&format!("{base}/inloggen/code")).await;
    browser.fill("Inlogcode *", &code).await;
    browser.click_button("Bevestigen").await;
    let page = page_for_someone_else(&browser, &base, "Toos Toegang", "01-02-1935").await;
    let page = page
        .trim_start_matches(&base)
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    assert!(page.starts_with("/zorgpagina/"), "{page}");

    let mut signed_in: Vec<String> = [
        "/overzicht",
        "/instellingen",
        "/account/sessies",
        "/instellingen/telefoon",
        "/zorgpagina/nieuw?voor=iemand-anders",
        "/zorgpagina/activatiecode",
        "/brief-aanvragen",
        "/beheer",
        "/beheer/huisstijl",
        "/beheer/instellingen",
        "/beheer/clienten",
        "/beheer/briefaanvragen",
        "/beheer/medewerkers",
        "/beheer/beheerders",
        "/beheer/vragen",
    ]
    .map(str::to_owned)
    .to_vec();
    signed_in.push(page.clone());
    for section in [
        "kalender",
        "connecties",
        "profiel",
        "beheerders",
        "verwijderen",
        "meldingen",
        "wie-keek-mee",
        "uitnodigen",
        "wijzigingen",
        "verlaten",
        "berichten",
        "berichten/nieuw",
    ] {
        signed_in.push(format!("{page}/{section}"));
    }
    // Berichten and the staff side: the page linked, the account an employee too, and a
    // thread to the organisation written in the browser.
    let page_id = uuid::Uuid::parse_str(page.rsplit('/').next().unwrap()).unwrap();
    let client =
        zorgportaal_tests::care_pages::link_to_new_client(&platform, &tenant, page_id, "T-1").await;
    let employee = make_employee(&platform, &tenant, &email).await;
    browser.goto(&format!("{base}{page}/berichten/nieuw")).await;
    browser
        .check("Zorggroep Toegankelijk en de vertrouwensgroep")
        .await;
    browser.fill("Je bericht", "Een vraag aan het team").await;
    browser.click_button("Bericht versturen").await;
    let thread = browser.current_url().await;
    let thread = thread
        .trim_start_matches(&base)
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let thread_id = thread.rsplit('/').next().unwrap().to_owned();
    signed_in.extend([
        thread,
        "/medewerker".to_owned(),
        "/medewerker/clienten".to_owned(),
        format!("/medewerker/berichten/{thread_id}"),
        format!("/medewerker/zorgpagina/{page_id}/bericht"),
        format!("/beheer/medewerkers/{employee}"),
        format!("/beheer/clienten/{client}"),
    ]);
    walk(&mut browser, &signed_in).await;

    // The HTML as sent, every page once, through the Nu Html Checker, which is shown to catch
    // a stray end tag first.
    let broken = browser.keep_artifact(
        "broken.html",
        b"<!doctype html><html lang=\"nl\"><title>x</title><p>tekst</span>",
    );
    let caught = zorgportaal_tests::browser::html_errors(&[broken]);
    assert!(
        caught.iter().any(|e| e.contains("Stray end tag")),
        "{caught:?}"
    );
    let errors = zorgportaal_tests::browser::html_errors(&sources);
    problems.extend(errors.into_iter().map(|e| format!("HTML: {e}")));
    assert!(
        problems.is_empty(),
        "{} problems:\n{}\n(pages: {})",
        problems.len(),
        problems.join("\n"),
        source_paths.join(", ")
    );
    browser.close().await;
    zorgportaal_tests::care_pages::messages_announced(&platform, &tenant).await;
    platform.finish().await;
}

/// Makes the account with `email` an employee of `tenant` who signs in on the staff side (the
/// invitation's acceptance done by the domain): the employee's id.
async fn make_employee(platform: &TestPlatform, tenant: &Tenant, email: &str) -> uuid::Uuid {
    use common::accounts::{AccountId, PersonName};
    use common::infra::clock::Clock;
    use common::organisation::employees::{self, EmployeeFields};
    let account = accounts::account_id(platform, email).await;
    let now = platform.clock.now();
    let fields = EmployeeFields {
        name: PersonName::parse("Tineke Toegang").unwrap(),
        role: "Persoonlijk begeleider".to_owned(),
    };
    common::infra::tenancy::in_tenant(&platform.db, &tenant.slug, async |tx| {
        let id = employees::create(tx, AccountId(uuid::Uuid::new_v4()), &fields, now).await?;
        sqlx::query("UPDATE employees SET account_id = $2 WHERE id = $1")
            .bind(id.0)
            .bind(account.0)
            .execute(tx.conn())
            .await?;
        Ok::<_, sqlx::Error>(id.0)
    })
    .await
    .unwrap()
}

/// Signs in on the sign-in page the browser shows, with the code of the account's `nth`
/// sign-in mail.
async fn sign_in_nth(
    browser: &Browser,
    platform: &TestPlatform,
    tenant: &Tenant,
    email: &str,
    nth: usize,
) {
    browser.fill("E-mail *", email).await;
    browser.fill("Wachtwoord *", PASSWORD).await;
    browser.click_button("Inloggen").await;
    let code = accounts::mailed_code(platform, tenant, email, nth).await;
    browser.fill("Inlogcode *", &code).await;
    browser.click_button("Bevestigen").await;
}

/// The personal network end to end (NET-1, NET-2, NET-5): a beheerder invites someone with
/// "Basis functionaliteiten"; the invitee, who has no account yet, signs up from the e-mail,
/// accepts, and sees Kalender and Berichten but not Dossier; the beheerder gives "Alles", and
/// on the next page the member sees Dossier; the beheerder removes the member, whose next
/// request is refused. Screenshots of every step are kept.
#[tokio::test]
async fn a_beheerder_invites_changes_rights_and_removes_a_member_in_a_real_browser() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Netwerk", "#1d4f91").await;
    let base = portal_base(&platform, &tenant);
    let beheerder = platform.unique_email("dochter");
    confirmed_account(&platform, &tenant, "Dochter de Vries", &beheerder).await;
    let jan = platform.unique_email("jan");
    let section_links = "return [...document.querySelectorAll('.care-nav a')]\
        .filter(a => a.checkVisibility()).map(a => a.textContent.trim())";

    let mut browser = Browser::start("the_personal_network_in_a_real_browser").await;
    browser.goto(&format!("{base}/taal?lang=nl")).await;
    browser.goto(&format!("{base}/inloggen")).await;
    sign_in_nth(&browser, &platform, &tenant, &beheerder, 1).await;
    let page = page_for_someone_else(&browser, &base, "Anna de Vries", "03-02-1940").await;
    let page = page.split('?').next().unwrap_or_default().to_owned();

    browser.click_link("Connecties").await;
    browser.click_link("Nodig een helpende uit").await;
    browser.fill("Naam *", "Jan Jansen").await;
    browser.fill("E-mailadres *", &jan).await;
    browser
        .check("Basis functionaliteiten (kalender en berichten)")
        .await;
    browser
        .fill(
            "Bericht",
            "Hoi Jan, bij deze de uitnodiging voor de zorgpagina van Anna.",
        )
        .await;
    browser.screenshot("the invite form").await;
    browser.click_button("Uitnodigen").await;
    let connecties = browser.page_text().await;
    assert!(
        connecties.contains("De uitnodiging is verstuurd."),
        "{connecties}"
    );
    assert!(connecties.contains("Wacht op antwoord"), "{connecties}");
    browser.screenshot("connecties with the invitation").await;
    browser.click_button("Uitloggen").await;

    // Jan has no account: from the e-mail through sign-up, back to the invitation.
    let mail = accounts::mail_with_subject(
        &platform,
        &jan,
        "Dochter de Vries nodigt je uit voor de zorgpagina van Anna de Vries",
    )
    .await;
    let link = accounts::link_in(&mail, "/uitnodiging?token=");
    browser.goto(&format!("{base}{link}")).await;
    browser.screenshot("the invitation, signed out").await;
    browser.click_link("Account aanmaken").await;
    browser.fill("Naam *", "Jan Jansen").await;
    browser.fill("E-mailadres *", &jan).await;
    browser.fill("Wachtwoord *", PASSWORD).await;
    browser.fill("Wachtwoordbevestiging *", PASSWORD).await;
    browser.check("Ik accepteer de gebruiksvoorwaarden *").await;
    browser.click_button("Aanmelden").await;
    let welcome =
        accounts::mail_with_subject(&platform, &jan, "Welkom bij Zorggroep Netwerk").await;
    let confirm = accounts::link_in(&welcome, "/account/bevestigen?token=");
    browser.goto(&format!("{base}{confirm}")).await;
    browser.click_button("Bevestigen").await;
    sign_in_nth(&browser, &platform, &tenant, &jan, 1).await;
    assert!(
        browser.current_url().await.contains("/uitnodiging?token="),
        "back to the invitation after signing in"
    );
    browser.screenshot("the invitation, signed in").await;
    browser.click_button("Uitnodiging aannemen").await;
    assert!(browser
        .page_text()
        .await
        .contains("Welkom! Je doet nu mee op deze zorgpagina."));
    let sections = browser
        .webdriver()
        .execute(section_links, vec![])
        .await
        .unwrap();
    let sections: Vec<String> = serde_json::from_value(sections).unwrap();
    assert!(sections.contains(&"Kalender".to_owned()), "{sections:?}");
    assert!(sections.contains(&"Berichten".to_owned()), "{sections:?}");
    assert!(!sections.contains(&"Dossier".to_owned()), "{sections:?}");
    browser
        .screenshot("jan's care page with basic rights")
        .await;
    browser.click_button("Uitloggen").await;

    // The beheerder gives Jan "Alles".
    browser.goto(&format!("{base}/inloggen")).await;
    sign_in_nth(&browser, &platform, &tenant, &beheerder, 2).await;
    browser.goto(&format!("{page}/connecties")).await;
    browser.click_link("Rechten: Jan Jansen").await;
    browser
        .check("Alles (privéberichten en medische informatie)")
        .await;
    browser.screenshot("jan's rights").await;
    browser.click_button("Opslaan").await;
    assert!(browser
        .page_text()
        .await
        .contains("De rechten zijn opgeslagen."));
    browser.click_button("Uitloggen").await;

    browser.goto(&format!("{base}/inloggen")).await;
    sign_in_nth(&browser, &platform, &tenant, &jan, 2).await;
    browser.goto(&page).await;
    let sections = browser
        .webdriver()
        .execute(section_links, vec![])
        .await
        .unwrap();
    let sections: Vec<String> = serde_json::from_value(sections).unwrap();
    assert!(sections.contains(&"Dossier".to_owned()), "{sections:?}");
    browser.screenshot("jan's care page with every right").await;
    browser.click_button("Uitloggen").await;

    // The beheerder removes Jan; Jan's next request is refused.
    browser.goto(&format!("{base}/inloggen")).await;
    sign_in_nth(&browser, &platform, &tenant, &beheerder, 3).await;
    browser.goto(&format!("{page}/connecties")).await;
    browser.click_link("Verwijderen: Jan Jansen").await;
    browser.screenshot("confirm the removal").await;
    browser.click_button("OK").await;
    let after = browser.page_text().await;
    assert!(after.contains("De deelnemer is verwijderd."), "{after}");
    assert!(!after.contains(&jan), "{after}");
    browser.screenshot("jan removed").await;
    browser.click_button("Uitloggen").await;

    browser.goto(&format!("{base}/inloggen")).await;
    sign_in_nth(&browser, &platform, &tenant, &jan, 3).await;
    browser.goto(&page).await;
    let refused = browser.page_text().await;
    assert!(refused.contains("Pagina niet gevonden"), "{refused}");
    assert!(!refused.contains("Anna de Vries"), "{refused}");
    browser.screenshot("jan's next request").await;
    browser.close().await;
    platform.finish().await;
}

/// Messages with the care team in a real browser (MSG-1, MSG-2, MSG-7, BEY-3): a trust-group
/// member sends a message with a PDF to the organisation; an employee sees it unread in the
/// inbox, opens it and answers; the member sees "Gelezen door het zorgteam" and the answer
/// marked as the organisation's; a network-only member sees neither. Screenshots of each step.
#[tokio::test]
async fn a_member_writes_to_the_care_team_and_an_employee_answers_in_a_real_browser() {
    use common::care::page::Role;
    use common::care::rights::{Preset, Right, Rights};
    use zorgportaal_tests::care_pages::{add_member_with, link_to_new_client};

    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Gesprek", "#1d4f91").await;
    let base = portal_base(&platform, &tenant);
    let (_, _, page) = zorgportaal_tests::care_pages::beheerder_with_page(&platform, &tenant).await;
    link_to_new_client(&platform, &tenant, page, "G-1").await;
    let zoon_email = platform.unique_email("zoon");
    confirmed_account(&platform, &tenant, "Kees de Vries", &zoon_email).await;
    let zoon = accounts::account_id(&platform, &zoon_email).await;
    let trust = Rights::new([Right::MessagesTrustGroup, Right::MessagesOrganisation]).unwrap();
    add_member_with(&platform, &tenant, page, zoon, Role::Lid, trust).await;
    let (mut buurman, _, _) = zorgportaal_tests::care_pages::member_with(
        &platform,
        &tenant,
        page,
        "buurman",
        Rights::preset(Preset::Basic),
    )
    .await;
    let (_, staff_email, _, _) =
        zorgportaal_tests::staff::staff_member(&platform, &tenant, "begeleider").await;

    let mut browser = Browser::start("a_member_writes_to_the_care_team").await;
    browser.goto(&format!("{base}/taal?lang=nl")).await;
    browser.goto(&format!("{base}/inloggen")).await;
    sign_in(&browser, &platform, &tenant, &zoon_email).await;
    browser
        .goto(&format!("{base}/zorgpagina/{page}/berichten"))
        .await;
    browser.screenshot("berichten, empty").await;
    browser.click_link("Bericht versturen").await;
    browser
        .check("Zorggroep Gesprek en de vertrouwensgroep")
        .await;
    let text = browser.page_text().await;
    assert!(text.contains("wordt dit niet direct gelezen"), "{text}");
    browser
        .fill("Je bericht", "Hierbij de brief van de huisarts.")
        .await;
    let pdf = browser.keep_artifact(
        "brief-huisarts.pdf",
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n",
    );
    browser.attach_file("Bijlage toevoegen", &pdf).await;
    browser.screenshot("composer to the organisation").await;
    browser.click_button("Bericht versturen").await;
    let sent = browser.page_text().await;
    assert!(sent.contains("Je bericht is verstuurd."), "{sent}");
    assert!(sent.contains("brief-huisarts.pdf"), "{sent}");
    assert!(!sent.contains("Gelezen door het zorgteam"));
    let thread = browser
        .current_url()
        .await
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    browser.screenshot("sent to the organisation").await;
    browser.click_button("Uitloggen").await;

    // The employee: the message waits, unread, in the inbox.
    browser.goto(&format!("{base}/inloggen")).await;
    // The employee's account signed in once before, outside the browser.
    sign_in_nth(&browser, &platform, &tenant, &staff_email, 2).await;
    browser.goto(&format!("{base}/medewerker")).await;
    let inbox = browser.page_text().await;
    assert!(
        inbox.contains("Anna de Vries") && inbox.contains("Nieuw"),
        "{inbox}"
    );
    browser.screenshot("staff inbox, unread").await;
    // The thread's link, as the inbox lists it (its text holds the moment, too).
    let links = browser.attributes_of(".thread-list__link", "href").await;
    let link = links.first().cloned().flatten().unwrap();
    browser.goto(&format!("{base}{link}")).await;
    let opened = browser.page_text().await;
    assert!(
        opened.contains("Hierbij de brief van de huisarts."),
        "{opened}"
    );
    assert!(opened.contains("brief-huisarts.pdf"));
    browser.screenshot("staff opens the thread").await;
    browser
        .fill("Je bericht", "Dank u, we nemen het mee in het zorgplan.")
        .await;
    browser.click_button("Beantwoorden").await;
    assert!(browser
        .page_text()
        .await
        .contains("Je bericht is verstuurd."));
    browser.screenshot("staff answered").await;
    browser.click_button("Uitloggen").await;

    // The member sees that the team read it, and the answer as the organisation's.
    browser.goto(&format!("{base}/inloggen")).await;
    sign_in_nth(&browser, &platform, &tenant, &zoon_email, 2).await;
    browser.goto(&thread).await;
    let seen = browser.page_text().await;
    assert!(seen.contains("Gelezen door het zorgteam"), "{seen}");
    assert!(seen.contains("Dank u, we nemen het mee in het zorgplan."));
    assert!(seen.contains("namens Zorggroep Gesprek"));
    browser.screenshot("member sees the answer").await;
    browser.close().await;

    // The network-only member sees neither the thread nor its file.
    let list = buurman.get(&format!("/zorgpagina/{page}/berichten")).await;
    assert!(!list.shows("Hierbij de brief"));
    let path = thread.trim_start_matches(&base);
    assert_eq!(
        buurman.get(path).await.status,
        reqwest::StatusCode::NOT_FOUND
    );
    zorgportaal_tests::care_pages::messages_announced(&platform, &tenant).await;
    platform.finish().await;
}
