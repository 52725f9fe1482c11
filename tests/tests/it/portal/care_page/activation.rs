//! Activation end to end (CP-2, API-2): the tenant admin adds a client and prints the letter
//! as PDF; a person signs up, enters the code and the birth date, agrees, and the care page is
//! linked to the client record. Every refusal has its own message and links nothing.

use std::time::Duration;

use common::accounts::AccountId;
use common::clients::activation;
use common::clients::records::{self, NewClient, NewClientForm, RecordError};
use common::infra::clock::Clock;
use common::infra::tenancy::{in_tenant, Tenant};
use reqwest::StatusCode;
use uuid::Uuid;
use zorgportaal_tests::accounts::{make_admin, signed_in, signed_in_as};
use zorgportaal_tests::letters::{self, code_in};
use zorgportaal_tests::{Page, TestPlatform, Visitor};

const UNKNOWN: &str = "Deze activatiecode kennen we niet, of de geboortedatum hoort er niet bij.";
const USED: &str = "Deze activatiecode is al gebruikt.";
const EXPIRED: &str = "Deze activatiecode is verlopen.";
const TOO_MANY: &str = "Je hebt te vaak een verkeerde code ingevuld.";
const CODE_LOCKED: &str = "te vaak een verkeerde geboortedatum ingevuld";

fn schema(tenant: &Tenant) -> String {
    tenant.slug.schema_name()
}

/// A client record and a fresh code for it, made with the domain functions.
async fn client_with_code(
    platform: &TestPlatform,
    tenant: &Tenant,
    number: &str,
    birth_date: &str,
) -> (Uuid, String) {
    let now = platform.clock.now();
    let new = NewClient::parse(
        &NewClientForm {
            client_number: number,
            name: "Bram Bakker",
            birth_date,
            address: "Kerkstraat 2\n2345 CD Elders",
        },
        now.date(),
    )
    .unwrap();
    let actor = AccountId(Uuid::new_v4());
    let (record, issued) = in_tenant(&platform.db, &tenant.slug, async |tx| {
        let record = records::create_client(tx, actor, &new, now).await?;
        let issued = activation::issue_code(
            tx,
            actor,
            record.id,
            Duration::from_secs(6 * 7 * 24 * 3600),
            now,
        )
        .await?;
        Ok::<_, RecordError>((record, issued))
    })
    .await
    .unwrap();
    (record.id.0, issued.code.to_string())
}

async fn linked_pages(platform: &TestPlatform, tenant: &Tenant) -> Vec<(Uuid, Option<Uuid>)> {
    sqlx::query_as(&format!(
        "SELECT id, client_record_id FROM \"{}\".care_pages ORDER BY created_at",
        schema(tenant)
    ))
    .fetch_all(&platform.db)
    .await
    .unwrap()
}

async fn used_codes(platform: &TestPlatform, tenant: &Tenant) -> i64 {
    sqlx::query_scalar(&format!(
        "SELECT count(*) FROM \"{}\".activation_codes WHERE used_at IS NOT NULL",
        schema(tenant)
    ))
    .fetch_one(&platform.db)
    .await
    .unwrap()
}

/// Enters code and birth date on the activation form.
async fn enter(visitor: &mut Visitor, code: &str, birth_date: &str, page: Option<Uuid>) -> Page {
    let path = match page {
        Some(id) => format!("/zorgpagina/activatiecode?zorgpagina={id}"),
        None => "/zorgpagina/activatiecode".to_owned(),
    };
    let form = visitor.get(&path).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.shows("Activatiecode gebruiken"), "{}", form.body);
    let page_field = page.map(|p| p.to_string()).unwrap_or_default();
    visitor
        .post(
            "/zorgpagina/activatiecode",
            &[
                ("code", code),
                ("birth_date", birth_date),
                ("zorgpagina", &page_field),
            ],
        )
        .await
}

/// Presses "Ik ga akkoord" with code and birth date (on `page`, when entered on a page).
async fn agree(visitor: &mut Visitor, code: &str, birth_date: &str, page: Option<Uuid>) -> Page {
    let page_field = page.map(|p| p.to_string()).unwrap_or_default();
    let fields = [
        ("code", code),
        ("birth_date", birth_date),
        ("zorgpagina", page_field.as_str()),
    ];
    visitor
        .post("/zorgpagina/activatiecode/akkoord", &fields)
        .await
}

fn refused(page: &Page, message: &str, what: &str) {
    assert!(
        page.status == StatusCode::UNPROCESSABLE_ENTITY
            || page.status == StatusCode::TOO_MANY_REQUESTS,
        "{what}: {} {}",
        page.status,
        page.body
    );
    assert!(page.shows(message), "{what}: {}", page.body);
    assert!(!page.shows("Ik ga akkoord"), "{what}: {}", page.body);
}

#[tokio::test]
async fn an_admin_prints_a_letter_and_a_person_links_a_care_page_with_its_code() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Activa", "#1d4f91").await;
    let (mut admin, admin_email) = signed_in(&platform, &tenant, "beheerder").await;
    make_admin(&platform, &tenant, &admin_email).await;

    // The admin adds a client; a wrong form is refused with the field named.
    let list = admin.get("/beheer/clienten").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.shows("Er zijn nog geen cliënten."), "{}", list.body);
    let wrong = admin
        .post(
            "/beheer/clienten",
            &[
                ("client_number", "C-1001"),
                ("name", "Anna de Vries"),
                ("birth_date", "31-02-1950"),
                ("address", "Dorpsstraat 1\n1234 AB Ergens"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = [
        ("client_number", "C-1001"),
        ("name", "Anna de Vries"),
        ("birth_date", "02-03-1950"),
        ("address", "Dorpsstraat 1\n1234 AB Ergens"),
    ];
    let added = admin.post("/beheer/clienten", &fields).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let list = admin.get("/beheer/clienten").await;
    assert!(list.shows("Anna de Vries"), "{}", list.body);
    assert!(list.shows("Nog geen code"), "{}", list.body);
    // The cliëntnummer is unique in the organisation.
    let twice = admin.post("/beheer/clienten", &fields).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        twice.shows("Dit cliëntnummer bestaat al."),
        "{}",
        twice.body
    );

    let record: Uuid = sqlx::query_scalar(&format!(
        "SELECT id FROM \"{}\".client_records WHERE client_number = 'C-1001'",
        schema(&tenant)
    ))
    .fetch_one(&platform.db)
    .await
    .unwrap();

    // The letters: one PDF, the code in it, the portal's address, the steps.
    admin.get("/beheer/clienten").await;
    let record_field = record.to_string();
    let (status, headers, pdf) = admin
        .post_bytes("/beheer/brieven.pdf", &[("client", &record_field)])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/pdf");
    let letter = letters::read(&pdf);
    assert_eq!(letter.pages.len(), 1);
    let text = &letter.pages[0];
    let code = code_in(text);
    assert_eq!(letter.images, 0, "this organisation has no logo");
    assert!(text.contains("Zorggroep Activa"), "{text}");
    assert!(text.contains("Anna de Vries"), "{text}");
    assert!(text.contains("Dorpsstraat 1"), "{text}");
    assert!(
        text.contains(&format!("https://{}", tenant.hosts[0])),
        "{text}"
    );
    assert!(text.contains("Ik ga akkoord"), "{text}");
    // Only the hash is stored: that of the code as it is checked (upper case, no dashes).
    let stored: Vec<u8> = sqlx::query_scalar(&format!(
        "SELECT code_hash FROM \"{}\".activation_codes WHERE client_record_id = $1",
        schema(&tenant)
    ))
    .bind(record)
    .fetch_one(&platform.db)
    .await
    .unwrap();
    let normalised = activation::normalise(&code).expect("the letter's code is a code");
    assert_eq!(stored, common::infra::crypto::hash_token(&normalised));
    assert!(admin.get("/beheer/clienten").await.shows("Geldig tot"));

    // A person without a care page uses the code: first "Klopt dit?", nothing linked yet.
    let (mut person, _) = signed_in(&platform, &tenant, "dochter").await;
    let typed = code.to_lowercase().replace('-', " ");
    let confirm = enter(&mut person, &typed, "2-3-1950", None).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(confirm.shows("Klopt dit?"), "{}", confirm.body);
    assert!(confirm.shows("Zorggroep Activa"), "{}", confirm.body);
    assert!(confirm.shows("Anna de Vries"), "{}", confirm.body);
    // Another person's letter: "Voor iemand anders" is chosen beforehand.
    assert!(
        confirm.body.contains(r#"value="iemand-anders" checked"#),
        "{}",
        confirm.body
    );
    assert!(linked_pages(&platform, &tenant).await.is_empty());
    assert_eq!(used_codes(&platform, &tenant).await, 0);

    let agreed = person
        .post(
            "/zorgpagina/activatiecode/akkoord",
            &[
                ("code", &typed),
                ("birth_date", "2-3-1950"),
                ("zorgpagina", ""),
            ],
        )
        .await;
    assert_eq!(agreed.status, StatusCode::SEE_OTHER, "{}", agreed.body);
    let location = agreed.location().unwrap().to_owned();
    let pages = linked_pages(&platform, &tenant).await;
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].1, Some(record));
    assert_eq!(
        location,
        format!("/zorgpagina/{}?melding=gekoppeld", pages[0].0)
    );
    let home = person.get(&location).await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    assert!(
        home.shows("De zorgpagina is gekoppeld aan Zorggroep Activa."),
        "{}",
        home.body
    );
    assert!(!home.shows("Heb je een activatiecode?"), "{}", home.body);
    assert_eq!(used_codes(&platform, &tenant).await, 1);

    // The code works once.
    let (mut other, _) = signed_in(&platform, &tenant, "zoon").await;
    refused(
        &enter(&mut other, &code, "02-03-1950", None).await,
        USED,
        "used code",
    );
    assert_eq!(linked_pages(&platform, &tenant).await.len(), 1);
    platform.finish().await;
}

#[tokio::test]
async fn each_refusal_has_its_own_message_and_links_nothing() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Weiger", "#1d4f91").await;
    let other_tenant = platform.create_tenant("Zorggroep Anders", "#7a1f5c").await;
    let (_, code) = client_with_code(&platform, &tenant, "C-1", "05-06-1940").await;
    let (_, foreign) = client_with_code(&platform, &other_tenant, "C-1", "05-06-1940").await;

    // A person with an unlinked page of their own.
    let (mut person, _) = signed_in(&platform, &tenant, "partner").await;
    let form = person.get("/zorgpagina/nieuw?voor=iemand-anders").await;
    assert_eq!(form.status, StatusCode::OK);
    let created = person
        .post(
            "/zorgpagina/nieuw",
            &[
                ("for_whom", "iemand-anders"),
                ("client_name", "Bram Bakker"),
                ("birth_date", "05-06-1940"),
                ("consent", "on"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let page = linked_pages(&platform, &tenant).await[0].0;
    let home = person.get(&format!("/zorgpagina/{page}")).await;
    assert!(home.shows(&format!("/zorgpagina/activatiecode?zorgpagina={page}")));

    // A wrong birth date answers exactly like an unknown code; so does another tenant's code.
    let wrong_birth = enter(&mut person, &code, "06-05-1940", Some(page)).await;
    refused(&wrong_birth, UNKNOWN, "wrong birth date");
    let unknown = enter(&mut person, "ABCD-EFGH-JKMN-PQRS", "05-06-1940", Some(page)).await;
    refused(&unknown, UNKNOWN, "unknown code");
    assert_eq!(wrong_birth.body.len(), unknown.body.len());
    refused(
        &enter(&mut person, &foreign, "05-06-1940", Some(page)).await,
        UNKNOWN,
        "code of another organisation",
    );
    // A birth date that is no date is a field error, not a try.
    let no_date = enter(&mut person, &code, "31-02-1940", Some(page)).await;
    assert_eq!(no_date.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!no_date.shows(UNKNOWN));

    // Expired: past the organisation's six weeks.
    platform
        .clock
        .advance(Duration::from_secs(6 * 7 * 24 * 3600 + 60));
    // The session ended meanwhile: sign in again.
    let (mut person, _) = signed_in(&platform, &tenant, "later").await;
    refused(
        &enter(&mut person, &code, "05-06-1940", None).await,
        EXPIRED,
        "expired code",
    );

    // Too many wrong tries from one account: after five, wait.
    for _ in 0..5 {
        refused(
            &enter(&mut person, "ABCD-EFGH-JKMN-PQRS", "05-06-1940", None).await,
            UNKNOWN,
            "wrong try",
        );
    }
    let slowed = enter(&mut person, "ABCD-EFGH-JKMN-PQRS", "05-06-1940", None).await;
    assert_eq!(slowed.status, StatusCode::TOO_MANY_REQUESTS);
    refused(&slowed, TOO_MANY, "too many tries");
    assert!(slowed.shows("Probeer het over"), "{}", slowed.body);

    // Too many wrong birth dates with one code lock the code, for everyone.
    let (_, fresh) = client_with_code(&platform, &tenant, "C-2", "01-01-1930").await;
    let (mut guesser, _) = signed_in(&platform, &tenant, "raden").await;
    for _ in 0..5 {
        refused(
            &enter(&mut guesser, &fresh, "02-01-1930", None).await,
            UNKNOWN,
            "guessing the birth date",
        );
    }
    let (mut rightful, _) = signed_in(&platform, &tenant, "kleinkind").await;
    refused(
        &enter(&mut rightful, &fresh, "01-01-1930", None).await,
        CODE_LOCKED,
        "locked code",
    );

    // Agreeing straight away with the expired code links nothing either. Asked by an account
    // with no wrong tries, so the code's expiry answers, not the limit on tries.
    let (mut sneaky, _) = signed_in(&platform, &tenant, "meteen-akkoord").await;
    sneaky.get("/zorgpagina/activatiecode").await;
    let agreed = sneaky
        .post(
            "/zorgpagina/activatiecode/akkoord",
            &[
                ("code", &code),
                ("birth_date", "05-06-1940"),
                ("zorgpagina", ""),
            ],
        )
        .await;
    assert_eq!(
        agreed.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        agreed.body
    );
    refused(&agreed, EXPIRED, "agreeing with an expired code");
    assert!(linked_pages(&platform, &tenant)
        .await
        .iter()
        .all(|(_, record)| record.is_none()));
    assert_eq!(used_codes(&platform, &tenant).await, 0);
    assert_eq!(used_codes(&platform, &other_tenant).await, 0);
    platform.finish().await;
}

#[tokio::test]
async fn an_unlinked_care_page_is_linked_in_place() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Koppel", "#1d4f91").await;
    let (record, code) = client_with_code(&platform, &tenant, "K-9", "09-09-1939").await;
    let (mut person, _) = signed_in(&platform, &tenant, "mantelzorger").await;
    person.get("/zorgpagina/nieuw?voor=iemand-anders").await;
    person
        .post(
            "/zorgpagina/nieuw",
            &[
                ("for_whom", "iemand-anders"),
                ("client_name", "Bram"),
                ("birth_date", "09-09-1939"),
                ("consent", "on"),
            ],
        )
        .await;
    let page = linked_pages(&platform, &tenant).await[0].0;
    // The unlinked page shows both ways to link it: the code, or asking for a new letter.
    let home = person.get(&format!("/zorgpagina/{page}")).await;
    assert!(
        home.body
            .contains(&format!("/zorgpagina/activatiecode?zorgpagina={page}")),
        "{}",
        home.body
    );
    assert!(
        home.body.contains(r#"href="/brief-aanvragen""#),
        "{}",
        home.body
    );
    let confirm = enter(&mut person, &code, "09-09-1939", Some(page)).await;
    assert!(confirm.shows("Ik ga akkoord"), "{}", confirm.body);
    let agreed = agree(&mut person, &code, "09-09-1939", Some(page)).await;
    assert_eq!(
        agreed.location(),
        Some(format!("/zorgpagina/{page}?melding=gekoppeld").as_str())
    );
    assert_eq!(
        linked_pages(&platform, &tenant).await,
        vec![(page, Some(record))]
    );
    platform.finish().await;
}

#[tokio::test]
async fn a_person_asks_for_a_new_letter_and_the_admin_prints_it_to_the_address_on_file() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Post", "#1d4f91").await;
    let (_, old_code) = client_with_code(&platform, &tenant, "P-7", "07-07-1937").await;
    let (mut admin, admin_email) = signed_in(&platform, &tenant, "postkamer").await;
    make_admin(&platform, &tenant, &admin_email).await;

    // The answer is the same for a known and an unknown cliëntnummer.
    let (mut person, _) = signed_in(&platform, &tenant, "buurvrouw").await;
    let activation = person.get("/zorgpagina/activatiecode").await;
    assert!(
        activation.shows("href=\"/brief-aanvragen\""),
        "{}",
        activation.body
    );
    let mut answers = Vec::new();
    for number in ["P-7", "X-404"] {
        person.get("/brief-aanvragen").await;
        let sent = person
            .post("/brief-aanvragen", &[("client_number", number)])
            .await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
        assert!(sent.shows("Je aanvraag is ontvangen."), "{}", sent.body);
        answers.push(sent.body.len());
    }
    assert_eq!(answers[0], answers[1]);
    person.get("/brief-aanvragen").await;
    let bad = person
        .post("/brief-aanvragen", &[("client_number", "<script>")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The admin's queue lists both; handling them prints one letter, to the address on file.
    let queue = admin.get("/beheer/briefaanvragen").await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.body);
    assert!(queue.shows("Bram Bakker"), "{}", queue.body);
    assert!(queue.shows("Onbekend cliëntnummer"), "{}", queue.body);
    let ids: Vec<Uuid> = sqlx::query_scalar(&format!(
        "SELECT id FROM \"{}\".letter_requests ORDER BY created_at",
        schema(&tenant)
    ))
    .fetch_all(&platform.db)
    .await
    .unwrap();
    assert_eq!(ids.len(), 2);
    let (a, b) = (ids[0].to_string(), ids[1].to_string());
    let (status, _, pdf) = admin
        .post_bytes(
            "/beheer/briefaanvragen/brieven.pdf",
            &[("request", &a), ("request", &b)],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let letter = letters::read(&pdf);
    assert_eq!(letter.pages.len(), 1);
    let text = &letter.pages[0];
    assert!(text.contains("Kerkstraat 2"), "{text}");
    assert!(text.contains("2345 CD Elders"), "{text}");
    let new_code = code_in(text);
    assert_ne!(new_code, old_code);
    let after = admin.get("/beheer/briefaanvragen").await;
    assert!(
        after.shows("Er zijn geen open aanvragen."),
        "{}",
        after.body
    );

    // The old code stopped working; the new one works.
    let replaced = enter(&mut person, &old_code, "07-07-1937", None).await;
    refused(
        &replaced,
        "Er is een nieuwere brief verstuurd.",
        "replaced code",
    );
    let confirm = enter(&mut person, &new_code, "07-07-1937", None).await;
    assert!(confirm.shows("Ik ga akkoord"), "{}", confirm.body);
    platform.finish().await;
}

#[tokio::test]
async fn a_client_who_activates_their_own_letter_gets_a_page_for_themselves() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Zelf", "#1d4f91").await;
    let (_, code) = client_with_code(&platform, &tenant, "C-7", "02-03-1950").await;
    let email = platform.unique_email("bram");
    let mut bram = signed_in_as(&platform, &tenant, "Bram Bakker", &email).await;

    let confirm = enter(&mut bram, &code, "02-03-1950", None).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(
        confirm.shows("Voor wie is deze zorgpagina?"),
        "{}",
        confirm.body
    );
    // The names match: "Voor mijzelf" is chosen beforehand; the person can still change it.
    assert!(
        confirm.body.contains(r#"value="mijzelf" checked"#),
        "{}",
        confirm.body
    );
    let agreed = bram
        .post(
            "/zorgpagina/activatiecode/akkoord",
            &[
                ("code", &code),
                ("birth_date", "02-03-1950"),
                ("voor", "mijzelf"),
            ],
        )
        .await;
    assert_eq!(agreed.status, StatusCode::SEE_OTHER, "{}", agreed.body);
    let for_whom: String = sqlx::query_scalar(&format!(
        "SELECT for_whom FROM \"{}\".care_pages WHERE client_record_id IS NOT NULL",
        schema(&tenant)
    ))
    .fetch_one(&platform.db)
    .await
    .unwrap();
    assert_eq!(for_whom, "self");
    platform.finish().await;
}

#[tokio::test]
async fn an_admin_corrects_a_client_record_and_the_code_follows_the_correction() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Correctie", "#1d4f91")
        .await;
    let (mut admin, admin_email) = signed_in(&platform, &tenant, "corrector").await;
    make_admin(&platform, &tenant, &admin_email).await;
    let (record, code) = client_with_code(&platform, &tenant, "C-1", "02-03-1950").await;
    client_with_code(&platform, &tenant, "C-2", "04-05-1960").await;

    let form = admin.get(&format!("/beheer/clienten/{record}")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        form.body.contains(r#"value="Bram Bakker""#),
        "{}",
        form.body
    );
    assert!(
        form.body.contains("Kerkstraat 2\n2345 CD Elders"),
        "{}",
        form.body
    );

    // Each bad field is named, and what was typed stays.
    let path = format!("/beheer/clienten/{record}");
    let bad = admin
        .post(
            &path,
            &[
                ("client_number", "C-2"),
                ("name", "Bram Bakker"),
                ("birth_date", "03-02-1950"),
                ("address", "Kerkstraat 2\n2345 CD Elders"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.shows("Dit cliëntnummer bestaat al."), "{}", bad.body);
    assert!(bad.body.contains(r#"value="03-02-1950""#), "{}", bad.body);
    let bad = admin
        .post(
            &path,
            &[
                ("client_number", "C-1"),
                ("name", ""),
                ("birth_date", "31-02-1950"),
                ("address", "Kerkstraat 2\n2345 CD Elders"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.shows("Vul de naam van de cliënt in."), "{}", bad.body);

    // The birth date was typed wrong at first: corrected, the code works with the right one.
    let saved = admin
        .post(
            &path,
            &[
                ("client_number", "C-1"),
                ("name", "Bram Bakker-de Wit"),
                ("birth_date", "03-02-1950"),
                ("address", "Molenweg 9\n3456 EF Anders"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let list = admin
        .get("/beheer/clienten?melding=client-opgeslagen")
        .await;
    assert!(list.shows("De cliëntgegevens zijn opgeslagen."));
    assert!(list.shows("Bram Bakker-de Wit"), "{}", list.body);

    let (mut person, _) = signed_in(&platform, &tenant, "familie").await;
    let old = enter(&mut person, &code, "02-03-1950", None).await;
    assert_eq!(old.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", old.body);
    let confirm = enter(&mut person, &code, "03-02-1950", None).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(confirm.shows("Bram Bakker-de Wit"), "{}", confirm.body);

    // An unknown record, or one of another organisation, is not there.
    let other = platform.create_tenant("Zorggroep Anders", "#1d4f91").await;
    let (elsewhere, _) = client_with_code(&platform, &other, "C-1", "02-03-1950").await;
    assert_eq!(
        admin
            .get(&format!("/beheer/clienten/{elsewhere}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    admin.get(&path).await;
    let foreign = admin
        .post(
            &format!("/beheer/clienten/{elsewhere}"),
            &[
                ("client_number", "C-9"),
                ("name", "Niet Van Ons"),
                ("birth_date", "01-01-1950"),
                ("address", "Straat 1\n1111 AA Plaats"),
            ],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let untouched: String = sqlx::query_scalar(&format!(
        "SELECT name FROM \"{}\".client_records WHERE id = $1",
        schema(&other)
    ))
    .bind(elsewhere)
    .fetch_one(&platform.db)
    .await
    .unwrap();
    assert_eq!(untouched, "Bram Bakker");
    platform.finish().await;
}

/// On an unlinked page only its beheerders see the ways to link it; a member without
/// beheerrechten who enters a code on the page is refused with a message, costs the code
/// nothing and gets no new page. A beheerder's code from the page's context links that page;
/// on a page that is linked already the code is refused.
#[tokio::test]
async fn only_a_beheerder_links_a_page_from_its_context() {
    use common::care::page::Role;
    use zorgportaal_tests::accounts::account_id;
    use zorgportaal_tests::care_pages::{add_member, create_page};

    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Alleen Beheer", "#1d4f91")
        .await;
    let (_, code) = client_with_code(&platform, &tenant, "AB-1", "03-03-1933").await;
    let (mut beheerder, _) = signed_in(&platform, &tenant, "beheerder").await;
    let page = create_page(&mut beheerder, "iemand-anders", "Bram", "03-03-1933").await;
    let (mut member, member_email) = signed_in(&platform, &tenant, "lid").await;
    let member_id = account_id(&platform, &member_email).await;
    add_member(&platform, &tenant, page, member_id, Role::Lid).await;

    let home = member.get(&format!("/zorgpagina/{page}")).await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    // The home sums the page up and offers the member the step that fits: ask a beheerder.
    for summary in [
        "In het kort",
        "Deze zorgpagina is nog niet gekoppeld aan Zorggroep Alleen Beheer.",
        "Jij bent lid van deze zorgpagina.",
        "Wie doen er mee: 2 personen",
        "Een beheerder van de pagina kan hem koppelen",
    ] {
        assert!(home.shows(summary), "{summary}: {}", home.body);
    }
    assert_eq!(home.body.matches(" (jij)").count(), 1, "{}", home.body);
    // The roles are those of Connecties: the member holds every right, so the trust group.
    assert!(
        home.shows("Vertrouwensgroep") && home.shows("Beheerder"),
        "{}",
        home.body
    );
    assert!(!home.shows(">Lid<"), "{}", home.body);
    assert!(
        !home.body.contains("/zorgpagina/activatiecode"),
        "{}",
        home.body
    );
    assert!(!home.body.contains("/brief-aanvragen"), "{}", home.body);
    let home = beheerder.get(&format!("/zorgpagina/{page}")).await;
    assert!(
        home.body
            .contains(&format!("/zorgpagina/activatiecode?zorgpagina={page}")),
        "{}",
        home.body
    );
    assert!(
        home.shows("Koppel deze zorgpagina aan Zorggroep Alleen Beheer met de activatiecode"),
        "{}",
        home.body
    );

    const NOT_BEHEERDER: &str = "Alleen een beheerder van deze zorgpagina kan haar koppelen.";
    let refusal = enter(&mut member, &code, "03-03-1933", Some(page)).await;
    refused(&refusal, NOT_BEHEERDER, "member checks a code on the page");
    let agreed = agree(&mut member, &code, "03-03-1933", Some(page)).await;
    refused(&agreed, NOT_BEHEERDER, "member agrees on the page");
    assert_eq!(linked_pages(&platform, &tenant).await, vec![(page, None)]);
    assert_eq!(used_codes(&platform, &tenant).await, 0);

    // The beheerder links the page in place; the same page cannot take a second code.
    let confirm = enter(&mut beheerder, &code, "03-03-1933", Some(page)).await;
    assert!(confirm.shows("Ik ga akkoord"), "{}", confirm.body);
    let agreed = agree(&mut beheerder, &code, "03-03-1933", Some(page)).await;
    assert_eq!(
        agreed.location(),
        Some(format!("/zorgpagina/{page}?melding=gekoppeld").as_str())
    );
    // Linked, the home says so, and the next step is checking the page's details.
    let home = member.get(&format!("/zorgpagina/{page}")).await;
    assert!(
        home.shows("Gekoppeld aan Zorggroep Alleen Beheer."),
        "{}",
        home.body
    );
    assert!(
        home.shows(&format!(
            "href=\"/zorgpagina/{page}/profiel\">Naar het profiel"
        )),
        "{}",
        home.body
    );
    assert!(!home.shows("Een beheerder van de pagina kan hem koppelen"));
    let (_, second) = client_with_code(&platform, &tenant, "AB-2", "04-04-1944").await;
    let refusal = enter(&mut beheerder, &second, "04-04-1944", Some(page)).await;
    refused(&refusal, "Deze zorgpagina is al gekoppeld", "a linked page");
    assert_eq!(linked_pages(&platform, &tenant).await.len(), 1);
    assert_eq!(used_codes(&platform, &tenant).await, 1);
    platform.finish().await;
}
