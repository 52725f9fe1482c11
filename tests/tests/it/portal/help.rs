//! Help end to end (ACC-9): help on every page, the question form that reaches the
//! organisation's support inbox, and the FAQ per organisation and language.

use common::infra::tenancy::Tenant;
use reqwest::StatusCode;
use zorgportaal_tests::accounts;
use zorgportaal_tests::{TestPlatform, Visitor};

fn offers_help(page: &zorgportaal_tests::Page) -> bool {
    page.shows("href=\"/hulp\"")
        && page.shows("Hulp nodig?")
        && page.shows("Vraag stellen")
        && page.shows("href=\"/veelgestelde-vragen\"")
}

async fn questions_in(
    platform: &TestPlatform,
    tenant: &Tenant,
) -> Vec<(String, String, String, Option<uuid::Uuid>, String)> {
    sqlx::query_as(&format!(
        "SELECT name, email, subject, account_id, status FROM \"{}\".support_questions ORDER BY created_at",
        tenant.slug.schema_name()
    ))
    .fetch_all(&platform.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn help_is_offered_on_every_page_signed_out_and_signed_in() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Hulp", "#1d5c8f").await;
    let mut visitor = Visitor::new(&platform, &tenant.hosts[0]);
    for path in [
        "/",
        "/inloggen",
        "/aanmelden",
        "/wachtwoord-vergeten",
        "/toegankelijkheid",
        "/hulp",
        "/veelgestelde-vragen",
        "/bestaat-niet",
    ] {
        let page = visitor.get(path).await;
        assert!(offers_help(&page), "{path} offers no help: {}", page.body);
    }
    let (mut signed_in, _) = accounts::signed_in(&platform, &tenant, "hanna").await;
    for path in [
        "/overzicht",
        "/account/sessies",
        "/instellingen/telefoon",
        "/hulp",
        "/veelgestelde-vragen",
    ] {
        let page = signed_in.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(offers_help(&page), "{path} offers no help: {}", page.body);
        assert!(
            page.shows("Uitloggen"),
            "{path} does not know who is signed in"
        );
    }
    // The help page shows the organisation's own contact details.
    let help = visitor.get("/hulp").await;
    assert!(help.shows("0800-0123"), "{}", help.body);
    assert!(help.shows("id=\"vraag\""));
    platform.finish().await;
}

#[tokio::test]
async fn a_question_is_stored_for_its_organisation_only_and_mailed_to_its_support_address() {
    let platform = TestPlatform::start().await;
    let inbox = platform.unique_email("helpdesk");
    let tenant = platform
        .create_tenant_with_support_email("Zorggroep Vraag", "#1d5c8f", Some(&inbox))
        .await;
    let other = platform.create_tenant("Zorggroep Stil", "#5c1d8f").await;
    let (mut visitor, email) = accounts::signed_in(&platform, &tenant, "gerda").await;

    // The form knows who is asking.
    let form = visitor.get("/hulp").await;
    assert_eq!(
        form.field_value("email"),
        Some(email.clone()),
        "{}",
        form.body
    );
    assert_eq!(form.field_value("name").as_deref(), Some("gerda"));
    assert_eq!(form.field_value("subject").as_deref(), Some(""));
    assert_eq!(form.field_value("question").as_deref(), Some(""));

    let empty = visitor
        .post(
            "/hulp",
            &[
                ("name", "gerda"),
                ("email", &email),
                ("subject", ""),
                ("question", " "),
            ],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.shows("Vul een onderwerp in"), "{}", empty.body);
    assert!(empty.shows("Vul je vraag in"));

    let question = "Hoe nodig ik mijn dochter uit?\nZe heeft nog geen account.";
    let written = platform.events_written().await;
    let sent = visitor
        .post(
            "/hulp",
            &[
                ("name", "gerda"),
                ("email", &email),
                ("subject", "Uitnodigen"),
                ("question", question),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    assert!(sent.shows("Je vraag is verstuurd"), "{}", sent.body);
    assert_eq!(
        platform.events_written().await - written,
        1,
        "one question, one message to the support address"
    );
    let reference = sent
        .body
        .split("VRG-")
        .nth(1)
        .map(|rest| format!("VRG-{}", &rest[..8]))
        .expect("a reference on the page");

    let account: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM platform.accounts WHERE email = $1")
            .bind(&email)
            .fetch_one(&platform.db)
            .await
            .unwrap();
    let stored = questions_in(&platform, &tenant).await;
    assert_eq!(
        stored,
        vec![(
            "gerda".to_owned(),
            email.clone(),
            "Uitnodigen".to_owned(),
            Some(account),
            "open".to_owned()
        )]
    );
    assert!(
        questions_in(&platform, &other).await.is_empty(),
        "stored with another organisation"
    );

    let mail =
        accounts::mail_with_subject(&platform, &inbox, "Vraag via het portaal van gerda").await;
    let caught = platform.mail.to(&inbox).await;
    assert_eq!(
        caught.iter().map(|m| &m.id).collect::<Vec<_>>(),
        vec![&mail.id],
        "exactly the question's mail reached the support address"
    );
    let text = mail.text.clone().unwrap_or_default();
    assert!(text.contains("Hoe nodig ik mijn dochter uit?"), "{text}");
    assert!(text.contains("Onderwerp: Uitnodigen"), "{text}");
    assert!(text.contains(&reference), "{text}");
    assert!(text.contains(&email), "{text}");
    // maildev leaves Reply-To out of its JSON; the raw message has it.
    let api = std::env::var("MAILCATCHER_API").unwrap_or_else(|_| "http://127.0.0.1:1080".into());
    let source = reqwest::get(format!("{api}/api/email/{}/source", mail.id))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        source.contains(&format!("Reply-To: {email}")),
        "no Reply-To to the asker in {source}"
    );

    // Someone not signed in asks on the organisation without a support address: stored there
    // only, and no mail goes anywhere: the request queues no message at all.
    let mut stranger = Visitor::new(&platform, &other.hosts[0]);
    let form = stranger.get("/hulp").await;
    for field in ["name", "email", "subject", "question"] {
        assert_eq!(
            form.field_value(field).as_deref(),
            Some(""),
            "{field}: an empty form for a stranger: {}",
            form.body
        );
    }
    let stranger_email = platform.unique_email("vreemde");
    let written = platform.events_written().await;
    let sent = stranger
        .post(
            "/hulp",
            &[
                ("name", "Kees"),
                ("email", &stranger_email),
                ("subject", "Inloggen"),
                ("question", "Ik kom er niet in."),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    assert_eq!(
        platform.events_written().await,
        written,
        "a question without a support address queued a message"
    );
    let stored = questions_in(&platform, &other).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].3, None);
    assert_eq!(questions_in(&platform, &tenant).await.len(), 1);
    platform.finish().await;
}

#[tokio::test]
async fn questions_from_one_address_are_slowed_down() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Druk", "#1d5c8f").await;
    let mut visitor = Visitor::new(&platform, &tenant.hosts[0]);
    visitor.get("/hulp").await;
    let email = platform.unique_email("druk");
    let mut statuses = Vec::new();
    for i in 0..7 {
        let subject = format!("Vraag {i}");
        let page = visitor
            .post(
                "/hulp",
                &[
                    ("name", "Druk"),
                    ("email", &email),
                    ("subject", &subject),
                    ("question", "?"),
                ],
            )
            .await;
        statuses.push(page.status);
    }
    assert_eq!(&statuses[..5], &[StatusCode::OK; 5], "{statuses:?}");
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
    assert_eq!(questions_in(&platform, &tenant).await.len(), 5);
    platform.finish().await;
}

#[tokio::test]
async fn the_faq_shows_the_organisations_own_entries_in_dutch_and_english() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Vragen", "#1d5c8f").await;
    let other = platform.create_tenant("Zorggroep Anders", "#5c1d8f").await;
    sqlx::query(&format!(
        "INSERT INTO \"{}\".faq_entries (language, position, question, answer) VALUES
           ('nl', 0, 'Waar parkeer ik bij De Linde?', 'Achter het gebouw.'),
           ('en', 0, 'Where do I park at De Linde?', 'Behind the building.')",
        tenant.slug.schema_name()
    ))
    .execute(&platform.db)
    .await
    .unwrap();

    let mut dutch = Visitor::new(&platform, &tenant.hosts[0]);
    let page = dutch.get("/veelgestelde-vragen").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.shows("<h1 class=\"utrecht-heading-1\">Veelgestelde vragen</h1>"),
        "{}",
        page.body
    );
    assert!(
        page.shows("<summary>Waar parkeer ik bij De Linde?</summary>"),
        "{}",
        page.body
    );
    assert!(page.shows("<details"));
    assert!(
        page.shows("Hoe log ik in?"),
        "the seeded entries are there too"
    );
    assert!(!page.shows("Where do I park"));
    let first = page.body.find("Waar parkeer").unwrap();
    assert!(
        first < page.body.find("Hoe log ik in?").unwrap(),
        "ordered by position"
    );

    let mut english = Visitor::new(&platform, &tenant.hosts[0]);
    english.cookies.insert("zp_lang".into(), "en".into());
    let page = english.get("/veelgestelde-vragen").await;
    assert!(page.shows("Frequently asked questions"), "{}", page.body);
    assert!(page.shows("<summary>Where do I park at De Linde?</summary>"));
    assert!(page.shows("How do I sign in?"));
    assert!(!page.shows("Waar parkeer"));

    let mut elsewhere = Visitor::new(&platform, &other.hosts[0]);
    let page = elsewhere.get("/veelgestelde-vragen").await;
    assert!(page.shows("Hoe log ik in?"), "{}", page.body);
    assert!(!page.shows("De Linde"), "another organisation's FAQ leaked");
    platform.finish().await;
}
