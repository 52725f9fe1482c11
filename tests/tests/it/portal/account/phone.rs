//! The phone number end to end (ACC-8): the number, the link by e-mail, the code by SMS or as
//! a voice call, and sign-in codes going to the confirmed number afterwards.

use std::time::Duration;

use common::infra::tenancy::Tenant;
use reqwest::StatusCode;
use zorgportaal_tests::accounts::{self, PASSWORD};
use zorgportaal_tests::{eventually, Services, TestPlatform, Visitor};

const PAGE: &str = "/instellingen/telefoon";
const LINK: &str = "/instellingen/telefoon/bevestigen?token=";

/// The endpoint the provider receives SMS (`messages`) or voice calls (`voicemessages`) on.
fn endpoint(kind: &str) -> &'static str {
    if kind == "mobile" {
        "messages"
    } else {
        "voicemessages"
    }
}

/// How many messages of `kind` went to `number` so far.
fn sent_to(platform: &TestPlatform, kind: &str, number: &str) -> usize {
    platform
        .sms
        .requests()
        .into_iter()
        .filter(|r| r.kind == endpoint(kind) && r.body["recipients"][0] == number)
        .count()
}

/// The code in the `nth` (1-based) message of `kind` to `number`; waits for it.
async fn nth_code(platform: &TestPlatform, kind: &str, number: &str, nth: usize) -> String {
    let request = eventually(
        Duration::from_secs(20),
        "a code at the provider",
        || async {
            platform
                .sms
                .requests()
                .into_iter()
                .filter(|r| r.kind == endpoint(kind) && r.body["recipients"][0] == number)
                .nth(nth - 1)
        },
    )
    .await;
    // Voice texts read the digits one by one: "4, 8, 2, …".
    let text = request.body["body"].as_str().unwrap().replace(", ", "");
    accounts::code_in(&text)
}

/// Enters `number` on the phone page; expects the "check your mail" redirect.
async fn enter_number(visitor: &mut Visitor, number: &str, kind: &str) {
    visitor.get(PAGE).await;
    let page = visitor
        .post(
            PAGE,
            &[("phone", number), ("kind", kind), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.location(), Some("/instellingen/telefoon?melding=mail"));
    let shown = visitor.get(page.location().unwrap()).await;
    assert!(shown.shows("Kijk in je e-mail"), "{}", shown.body);
    assert!(shown.shows("We hebben een e-mail gestuurd"));
    assert!(shown.shows("Wijziging annuleren"));
}

/// The newest phone link mailed to `email`.
async fn mailed_link(
    platform: &TestPlatform,
    tenant: &Tenant,
    email: &str,
    count: usize,
) -> String {
    let subject = format!("Bevestig je telefoonnummer voor {}", tenant.display_name);
    let mail = accounts::eventually_mails(platform, email, &subject, count).await;
    accounts::link_in(&mail, LINK)
}

/// Opens the link and presses the button; expects the code to be on its way.
async fn open_link(visitor: &mut Visitor, link: &str) {
    let page = visitor.get(link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let token = page.hidden("token").expect("token on the link page");
    let sent = visitor
        .post("/instellingen/telefoon/bevestigen", &[("token", &token)])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(sent.location(), Some("/instellingen/telefoon?melding=code"));
    let shown = visitor.get(PAGE).await;
    assert!(shown.shows("Code bevestigen"), "{}", shown.body);
    assert!(shown.shows("autocomplete=\"one-time-code\""));
    assert!(shown.shows("Nieuwe code sturen"));
}

async fn stored_phone(platform: &TestPlatform, email: &str) -> (Option<String>, Option<String>) {
    sqlx::query_as("SELECT phone, phone_kind FROM platform.accounts WHERE email = $1")
        .bind(email)
        .fetch_one(&platform.db)
        .await
        .unwrap()
}

async fn confirm(visitor: &mut Visitor, code: &str) -> zorgportaal_tests::Page {
    visitor
        .post("/instellingen/telefoon/code", &[("code", code)])
        .await
}

/// Signs out and in again; returns the sign-in code from the provider's `nth` message.
async fn sign_in_again(
    platform: &TestPlatform,
    visitor: &mut Visitor,
    email: &str,
    kind: &str,
    number: &str,
    nth: usize,
) {
    visitor.post("/uitloggen", &[]).await;
    accounts::enter_password(visitor, email, PASSWORD).await;
    let code_page = visitor.get("/inloggen/code").await;
    assert!(code_page.shows("••••••••"), "{}", code_page.body);
    let code = nth_code(platform, kind, number, nth).await;
    let done = visitor.post("/inloggen/code", &[("code", &code)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), Some("/overzicht"));
}

#[tokio::test]
async fn a_mobile_number_is_confirmed_by_link_and_sms_code_and_then_gets_the_sign_in_codes() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Mobiel", "#1d5c8f").await;
    let (mut visitor, email) = accounts::signed_in(&platform, &tenant, "mila").await;
    let number = "+31612340001";

    let empty = visitor.get(PAGE).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.body);
    assert!(empty.shows("Je hebt nog geen telefoonnummer"));
    enter_number(&mut visitor, "06-1234 0001", "mobile").await;
    let link = mailed_link(&platform, &tenant, &email, 1).await;

    // Opening the link shows a button and sends nothing; the number is not the account's yet.
    let page = visitor.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.shows("Stuur de code per sms"), "{}", page.body);
    assert!(page.shows("••••••••01"), "the number is shown masked");
    assert!(!page.shows(number));
    let written = platform.events_written().await;
    assert!(!visitor.get(&link).await.shows("al gebruikt"));
    assert_eq!(
        platform.events_written().await,
        written,
        "a GET queued a message"
    );
    assert_eq!(sent_to(&platform, "mobile", number), 0, "a GET sent a code");
    assert_eq!(stored_phone(&platform, &email).await, (None, None));

    open_link(&mut visitor, &link).await;
    let code = nth_code(&platform, "mobile", number, 1).await;
    assert_eq!(
        stored_phone(&platform, &email).await,
        (None, None),
        "the number counts only after the code"
    );
    // The link works once.
    let again = visitor.get(&link).await;
    assert_eq!(again.status, StatusCode::GONE);

    let done = confirm(&mut visitor, &code).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        done.location(),
        Some("/instellingen/telefoon?melding=bevestigd")
    );
    assert_eq!(
        stored_phone(&platform, &email).await,
        (Some(number.to_owned()), Some("mobile".to_owned()))
    );
    let shown = visitor.get(PAGE).await;
    assert!(
        shown.shows("Je mobiele nummer is ••••••••01"),
        "{}",
        shown.body
    );
    assert!(!shown.shows("Code bevestigen"));

    // The next sign-in code goes by SMS to this number.
    sign_in_again(&platform, &mut visitor, &email, "mobile", number, 2).await;
    platform.finish().await;
}

#[tokio::test]
async fn a_landline_gets_its_codes_as_voice_calls_and_a_verified_number_can_be_removed() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Vast", "#1d5c8f").await;
    let (mut visitor, email) = accounts::signed_in(&platform, &tenant, "vera").await;
    let number = "+31201230002";

    // A Dutch landline cannot receive SMS.
    visitor.get(PAGE).await;
    let refused = visitor
        .post(PAGE, &[("phone", "020 123 0002"), ("kind", "mobile")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.shows("Dit is een vast nummer"), "{}", refused.body);
    let bad = visitor
        .post(PAGE, &[("phone", "12345"), ("kind", "landline")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.shows("Vul een geldig telefoonnummer in"));

    enter_number(&mut visitor, "020 123 0002", "landline").await;
    let link = mailed_link(&platform, &tenant, &email, 1).await;
    let page = visitor.get(&link).await;
    assert!(page.shows("Bel mij met de code"), "{}", page.body);
    open_link(&mut visitor, &link).await;
    let code = nth_code(&platform, "landline", number, 1).await;
    assert_eq!(
        sent_to(&platform, "mobile", number),
        0,
        "no SMS to a landline"
    );
    let done = confirm(&mut visitor, &code).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        stored_phone(&platform, &email).await,
        (Some(number.to_owned()), Some("landline".to_owned()))
    );
    sign_in_again(&platform, &mut visitor, &email, "landline", number, 2).await;

    // Removing the number: sign-in codes go by e-mail again.
    visitor.get(PAGE).await;
    let removed = visitor
        .post(
            "/instellingen/telefoon/verwijderen",
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    assert_eq!(stored_phone(&platform, &email).await, (None, None));
    assert!(visitor
        .get(removed.location().unwrap())
        .await
        .shows("Je telefoonnummer is verwijderd"));
    visitor.post("/uitloggen", &[]).await;
    accounts::enter_password(&mut visitor, &email, PASSWORD).await;
    let subject = format!(
        "Twee-factor authenticatie inlogcode voor {}",
        tenant.display_name
    );
    let mail = accounts::eventually_mails(&platform, &email, &subject, 2).await;
    let code = accounts::code_in(mail.text.as_deref().unwrap_or_default());
    let done = visitor.post("/inloggen/code", &[("code", &code)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(sent_to(&platform, "landline", number), 2);
    platform
        .wait_for_empty_outbox(Duration::from_secs(20))
        .await;
    platform.finish().await;
}

#[tokio::test]
async fn wrong_codes_are_refused_five_lock_the_code_and_an_expired_code_is_refused() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Fout", "#1d5c8f").await;
    let (mut visitor, email) = accounts::signed_in(&platform, &tenant, "wout").await;
    let number = "+31612340003";
    enter_number(&mut visitor, "0612340003", "mobile").await;
    let link = mailed_link(&platform, &tenant, &email, 1).await;
    open_link(&mut visitor, &link).await;
    let right = nth_code(&platform, "mobile", number, 1).await;
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };

    for left in (1..=4).rev() {
        let page = confirm(&mut visitor, wrong).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.shows(&format!("nog {left} keer")), "{}", page.body);
    }
    let locked = confirm(&mut visitor, wrong).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.shows("Deze code werkt niet meer"), "{}", locked.body);
    let too_late = confirm(&mut visitor, &right).await;
    assert_ne!(
        too_late.status,
        StatusCode::SEE_OTHER,
        "a locked code stays locked"
    );
    assert_eq!(stored_phone(&platform, &email).await, (None, None));

    // A new code after the minute; it expires after five minutes.
    platform.clock.advance(Duration::from_secs(61));
    visitor.get(PAGE).await;
    let resent = visitor.post("/instellingen/telefoon/opnieuw", &[]).await;
    assert_eq!(resent.status, StatusCode::SEE_OTHER, "{}", resent.body);
    let second = nth_code(&platform, "mobile", number, 2).await;
    platform.clock.advance(Duration::from_secs(5 * 60 + 1));
    let expired = confirm(&mut visitor, &second).await;
    assert_eq!(expired.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(expired.shows("Deze code is verlopen"), "{}", expired.body);
    assert_eq!(stored_phone(&platform, &email).await, (None, None));
    platform.finish().await;
}

#[tokio::test]
async fn a_new_code_comes_only_after_a_minute_and_replaces_the_old_one() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Minuut", "#1d5c8f").await;
    let (mut visitor, email) = accounts::signed_in(&platform, &tenant, "max").await;
    let number = "+31612340004";
    enter_number(&mut visitor, "06 1234 0004", "mobile").await;
    let link = mailed_link(&platform, &tenant, &email, 1).await;
    open_link(&mut visitor, &link).await;
    let first = nth_code(&platform, "mobile", number, 1).await;

    let early = visitor.post("/instellingen/telefoon/opnieuw", &[]).await;
    assert_eq!(
        early.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        early.body
    );
    assert!(early.shows("Probeer het over"), "{}", early.body);
    platform.clock.advance(Duration::from_secs(30));
    let written = platform.events_written().await;
    let still_early = visitor.post("/instellingen/telefoon/opnieuw", &[]).await;
    assert_eq!(still_early.status, StatusCode::TOO_MANY_REQUESTS);
    // Whatever would be sent goes through the outbox: nothing queued is nothing sent.
    assert_eq!(
        platform.events_written().await,
        written,
        "a code was queued"
    );
    assert_eq!(sent_to(&platform, "mobile", number), 1);

    platform.clock.advance(Duration::from_secs(31));
    let resent = visitor.post("/instellingen/telefoon/opnieuw", &[]).await;
    assert_eq!(resent.status, StatusCode::SEE_OTHER, "{}", resent.body);
    let second = nth_code(&platform, "mobile", number, 2).await;
    if first != second {
        let old = confirm(&mut visitor, &first).await;
        assert_eq!(
            old.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "only the newest code works"
        );
    }
    let done = confirm(&mut visitor, &second).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        stored_phone(&platform, &email).await.0.as_deref(),
        Some(number)
    );
    platform.finish().await;
}

#[tokio::test]
async fn cancelling_ends_the_change_its_link_and_its_code_and_keeps_the_old_number() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Annuleren", "#1d5c8f")
        .await;
    let (mut visitor, email) = accounts::signed_in(&platform, &tenant, "cas").await;
    let old = "+31612340005";
    sqlx::query("UPDATE platform.accounts SET phone = $1, phone_kind = 'mobile' WHERE email = $2")
        .bind(old)
        .bind(&email)
        .execute(&platform.db)
        .await
        .unwrap();

    // Cancelled before the link is opened: the link no longer works.
    enter_number(&mut visitor, "06 1234 0006", "mobile").await;
    let link = mailed_link(&platform, &tenant, &email, 1).await;
    let cancelled = visitor.post("/instellingen/telefoon/annuleren", &[]).await;
    assert_eq!(cancelled.status, StatusCode::SEE_OTHER);
    let page = visitor.get(cancelled.location().unwrap()).await;
    assert!(page.shows("De wijziging is geannuleerd"), "{}", page.body);
    assert!(!page.shows("Wijziging annuleren"));
    let dead = visitor.get(&link).await;
    assert_ne!(dead.status, StatusCode::OK, "{}", dead.body);

    // Cancelled after the code was sent: the code no longer works.
    enter_number(&mut visitor, "06 1234 0007", "mobile").await;
    let link = mailed_link(&platform, &tenant, &email, 2).await;
    open_link(&mut visitor, &link).await;
    let code = nth_code(&platform, "mobile", "+31612340007", 1).await;
    visitor.post("/instellingen/telefoon/annuleren", &[]).await;
    visitor.get(PAGE).await;
    let refused = confirm(&mut visitor, &code).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert_eq!(
        stored_phone(&platform, &email).await,
        (Some(old.to_owned()), Some("mobile".to_owned()))
    );
    platform.finish().await;
}

#[tokio::test]
async fn another_persons_link_or_code_cannot_change_my_number_on_any_portal() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Eigen", "#1d5c8f").await;
    let other_tenant = platform.create_tenant("Zorggroep Ander", "#5c1d8f").await;
    let (mut anna, anna_email) = accounts::signed_in(&platform, &tenant, "anna").await;
    let (mut bert, bert_email) = accounts::signed_in(&platform, &tenant, "bert").await;
    let (mut carl, carl_email) = accounts::signed_in(&platform, &other_tenant, "carl").await;
    let number = "+31612340008";

    enter_number(&mut anna, "06 1234 0008", "mobile").await;
    let link = mailed_link(&platform, &tenant, &anna_email, 1).await;
    let token = link.split("token=").nth(1).unwrap().to_owned();

    // Bert, on the same portal, opens Anna's link: no button, and pressing it anyway is refused.
    let written = platform.events_written().await;
    let page = bert.get(&link).await;
    assert!(page.shows("hoort bij een ander account"), "{}", page.body);
    assert!(page.hidden("token").is_none());
    let forced = bert
        .post("/instellingen/telefoon/bevestigen", &[("token", &token)])
        .await;
    assert_eq!(forced.status, StatusCode::FORBIDDEN, "{}", forced.body);
    // Carl, on another organisation's portal, neither.
    carl.get(PAGE).await;
    let forced = carl
        .post("/instellingen/telefoon/bevestigen", &[("token", &token)])
        .await;
    assert_eq!(forced.status, StatusCode::FORBIDDEN, "{}", forced.body);
    // Nobody signed in: to the sign-in page.
    let mut stranger = Visitor::new(&platform, &tenant.hosts[0]);
    let page = stranger.get(&link).await;
    assert!(page.shows("Log eerst in"), "{}", page.body);
    stranger.get("/hulp").await;
    let forced = stranger
        .post("/instellingen/telefoon/bevestigen", &[("token", &token)])
        .await;
    assert_eq!(forced.location(), Some("/inloggen"));
    assert_eq!(
        platform.events_written().await,
        written,
        "a refused press queued a message"
    );
    assert_eq!(sent_to(&platform, "mobile", number), 0);

    // The link still works for Anna; her code is useless to Bert and Carl.
    open_link(&mut anna, &link).await;
    let code = nth_code(&platform, "mobile", number, 1).await;
    for (visitor, email) in [(&mut bert, &bert_email), (&mut carl, &carl_email)] {
        visitor.get(PAGE).await;
        let refused = confirm(visitor, &code).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.body
        );
        assert_eq!(stored_phone(&platform, email).await, (None, None));
    }
    // Bert cannot cancel or remove Anna's change either: those act on his own account only.
    bert.post("/instellingen/telefoon/annuleren", &[]).await;
    let done = confirm(&mut anna, &code).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        stored_phone(&platform, &anna_email).await.0.as_deref(),
        Some(number)
    );
    // Without a session the phone pages open nothing.
    assert_eq!(stranger.get(PAGE).await.status, StatusCode::SEE_OTHER);
    // Anna's confirmation queued the "number changed" mail a moment ago.
    platform
        .wait_for_empty_outbox(Duration::from_secs(20))
        .await;
    platform.finish().await;
}

/// Pending phone changes of all accounts.
async fn pending_changes(platform: &TestPlatform) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM platform.phone_changes")
        .fetch_one(&platform.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn premium_shared_cost_service_and_foreign_numbers_are_refused_with_the_reason() {
    // Germany is left out here, to see the setting at work.
    let overrides = [("PHONE_ALLOWED_COUNTRIES", "NL,BE".to_owned())];
    let platform = TestPlatform::start_with(Services::ALL, &overrides).await;
    let tenant = platform.create_tenant("Zorggroep Nummer", "#1d5c8f").await;
    let (mut visitor, email) = accounts::signed_in(&platform, &tenant, "pim").await;
    visitor.get(PAGE).await;
    let written = platform.events_written().await;
    for (number, reason) in [
        ("0900 1234567", "Dit is een betaald informatienummer"),
        ("0906 1234567", "Dit is een betaald informatienummer"),
        ("0909 1234567", "Dit is een betaald informatienummer"),
        ("+32 900 12345", "Dit is een betaald informatienummer"),
        ("+32 7879 1234", "betaalt de beller extra kosten"),
        ("084 1234567", "Dit is een service- of bedrijfsnummer"),
        ("087 1234567", "Dit is een service- of bedrijfsnummer"),
        ("0800 1234", "Dit is een service- of bedrijfsnummer"),
        ("066 2345678", "Dit is een semafoonnummer"),
        (
            "+49 151 23456789",
            "We sturen codes alleen naar telefoonnummers uit Nederland en België.",
        ),
        (
            "+33 6 12 34 56 78",
            "We sturen codes alleen naar telefoonnummers uit Nederland en België.",
        ),
    ] {
        let page = visitor
            .post(
                PAGE,
                &[
                    ("phone", number),
                    ("kind", "landline"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{number}: {}",
            page.body
        );
        assert!(page.shows(reason), "{number}: {}", page.body);
    }
    assert_eq!(
        platform.events_written().await,
        written,
        "a link was mailed"
    );
    assert_eq!(pending_changes(&platform).await, 0);
    assert_eq!(stored_phone(&platform, &email).await, (None, None));

    // A Belgian mobile passes, typed the international way, and is stored in E.164.
    enter_number(&mut visitor, "+32 470 12 34 56", "mobile").await;
    let stored: String = sqlx::query_scalar("SELECT phone FROM platform.phone_changes")
        .fetch_one(&platform.db)
        .await
        .unwrap();
    assert_eq!(stored, "+32470123456");
    mailed_link(&platform, &tenant, &email, 1).await;
    platform.finish().await;
}

/// Signs `who` in on `tenant`, enters `number` and returns the visitor with the token of the
/// link that sends the code.
async fn holding_a_link(
    platform: &TestPlatform,
    tenant: &Tenant,
    who: &str,
    number: &str,
) -> (Visitor, String) {
    let (mut visitor, email) = accounts::signed_in(platform, tenant, who).await;
    enter_number(&mut visitor, number, "mobile").await;
    let link = mailed_link(platform, tenant, &email, 1).await;
    let page = visitor.get(&link).await;
    let token = page.hidden("token").expect("token on the link page");
    (visitor, token)
}

/// Everyone presses the button at once; returns how many codes went out and how many were
/// refused because the budget was spent.
async fn press_together(visitors: &mut [(Visitor, String)]) -> (usize, usize) {
    let pages = futures::future::join_all(visitors.iter_mut().map(|(visitor, token)| async {
        visitor
            .post(
                "/instellingen/telefoon/bevestigen",
                &[("token", token.as_str())],
            )
            .await
    }))
    .await;
    let mut sent = 0;
    let mut refused = 0;
    for page in pages {
        if page.status == StatusCode::SEE_OTHER {
            sent += 1;
        } else {
            assert_eq!(
                page.status,
                StatusCode::SERVICE_UNAVAILABLE,
                "{}",
                page.body
            );
            assert!(
                page.shows("Op dit moment kunnen we geen codes per sms of telefoon versturen"),
                "{}",
                page.body
            );
            assert!(page.shows("Probeer het over een uur opnieuw"));
            refused += 1;
        }
    }
    (sent, refused)
}

/// SMS messages the provider received for numbers starting with `prefix`.
fn received(platform: &TestPlatform, prefix: &str) -> usize {
    platform
        .sms
        .requests()
        .into_iter()
        .filter(|r| {
            r.body["recipients"][0]
                .as_str()
                .is_some_and(|to| to.starts_with(prefix))
        })
        .count()
}

#[tokio::test]
async fn sms_stop_at_the_hourly_budget_of_the_organisation_and_of_the_platform() {
    let overrides = [
        ("SMS_TENANT_BUDGET_PER_HOUR", "2".to_owned()),
        ("SMS_BUDGET_PER_HOUR", "3".to_owned()),
    ];
    let platform = TestPlatform::start_with(Services::ALL, &overrides).await;
    let first = platform.create_tenant("Zorggroep Budget", "#1d5c8f").await;
    let second = platform.create_tenant("Zorggroep Tweede", "#5c1d8f").await;
    let mut at_first = Vec::new();
    for (who, number) in [
        ("bo", "06 1234 0101"),
        ("bas", "06 1234 0102"),
        ("bea", "06 1234 0103"),
    ] {
        at_first.push(holding_a_link(&platform, &first, who, number).await);
    }
    let mut at_second = Vec::new();
    for (who, number) in [("tim", "06 1234 0201"), ("tom", "06 1234 0202")] {
        at_second.push(holding_a_link(&platform, &second, who, number).await);
    }

    // The organisation's budget of two: of three at once, two codes go out.
    let written = platform.events_written().await;
    assert_eq!(press_together(&mut at_first).await, (2, 1));
    assert_eq!(platform.events_written().await - written, 2);
    eventually(Duration::from_secs(20), "two codes", || async {
        (received(&platform, "+3161234010") == 2).then_some(())
    })
    .await;

    // The other organisation has a budget of its own, but the platform's three are spent
    // after one more.
    let written = platform.events_written().await;
    assert_eq!(press_together(&mut at_second).await, (1, 1));
    assert_eq!(platform.events_written().await - written, 1);
    eventually(Duration::from_secs(20), "the third code", || async {
        (received(&platform, "+3161234020") == 1).then_some(())
    })
    .await;
    // Every code queued has arrived: exactly the budget reached the provider.
    platform
        .wait_for_empty_outbox(Duration::from_secs(20))
        .await;
    assert_eq!(received(&platform, "+316123402"), 1);
    assert_eq!(received(&platform, "+316123401"), 2);
    platform.finish().await;
}

/// Posts `fields` to `path` without a password and with a wrong one: both are refused.
async fn refused_without_the_password(visitor: &mut Visitor, path: &str, fields: &[(&str, &str)]) {
    for password in ["", "Niet-Mijn-Wachtwoord-9"] {
        let mut with_password = fields.to_vec();
        with_password.push(("password", password));
        let page = visitor.post(path, &with_password).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            page.body
        );
        assert!(page.shows("Dit wachtwoord klopt niet"), "{}", page.body);
    }
}

#[tokio::test]
async fn changing_or_removing_the_number_needs_the_password_and_mails_the_owner() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Slot", "#1d5c8f").await;
    let (mut visitor, email) = accounts::signed_in(&platform, &tenant, "pam").await;
    let number = "+31612340301";

    // Without the right password nothing changes and nothing is mailed.
    visitor.get(PAGE).await;
    let written = platform.events_written().await;
    let fields = [("phone", "06 1234 0301"), ("kind", "mobile")];
    refused_without_the_password(&mut visitor, PAGE, &fields).await;
    assert_eq!(platform.events_written().await, written);
    assert_eq!(pending_changes(&platform).await, 0);

    // With it: link, code, and one mail that the number changed, showing its end only.
    enter_number(&mut visitor, "06 1234 0301", "mobile").await;
    let link = mailed_link(&platform, &tenant, &email, 1).await;
    open_link(&mut visitor, &link).await;
    let code = nth_code(&platform, "mobile", number, 1).await;
    let written = platform.events_written().await;
    let done = confirm(&mut visitor, &code).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(platform.events_written().await - written, 1, "one mail");
    let subject = format!("Je telefoonnummer bij {} is gewijzigd", tenant.display_name);
    let mail = accounts::eventually_mails(&platform, &email, &subject, 1).await;
    let text = mail.text.clone().unwrap_or_default();
    assert!(text.contains("eindigt op ••••••••01"), "{text}");
    assert!(text.contains("Heb jij dit niet gedaan?"), "{text}");
    assert!(
        !text.contains("1234 0301") && !text.contains("612340301"),
        "{text}"
    );

    // Removing: refused without the right password, the number stays.
    visitor.get(PAGE).await;
    let written = platform.events_written().await;
    refused_without_the_password(&mut visitor, "/instellingen/telefoon/verwijderen", &[]).await;
    assert_eq!(platform.events_written().await, written);
    assert_eq!(
        stored_phone(&platform, &email).await.0.as_deref(),
        Some(number)
    );

    let removed = visitor
        .post(
            "/instellingen/telefoon/verwijderen",
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    assert_eq!(stored_phone(&platform, &email).await, (None, None));
    assert_eq!(platform.events_written().await - written, 1, "one mail");
    let subject = format!(
        "Je telefoonnummer bij {} is verwijderd",
        tenant.display_name
    );
    let mail = accounts::eventually_mails(&platform, &email, &subject, 1).await;
    let text = mail.text.clone().unwrap_or_default();
    assert!(text.contains("eindigt op ••••••••01"), "{text}");
    assert!(
        text.contains("Je inlogcodes komen vanaf nu per e-mail"),
        "{text}"
    );
    assert!(text.contains("Heb jij dit niet gedaan?"), "{text}");
    platform.finish().await;
}
