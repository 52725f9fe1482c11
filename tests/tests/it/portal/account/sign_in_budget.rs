//! Sign-in codes and the hourly SMS and voice budget: a code for the phone takes one message
//! of the platform's and the organisation's budget; once a budget is spent the code goes to
//! the e-mail address instead, the code page says so, and the operator is alerted.

use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use common::accounts::sessions::{self, Origin, Stage};
use common::accounts::EmailAddress;
use common::infra::clock::Clock;
use common::infra::tenancy::Tenant;
use reqwest::StatusCode;
use zorgportaal_tests::accounts::{self, PASSWORD};
use zorgportaal_tests::processes::{service_env, ServiceProcess};
use zorgportaal_tests::{eventually, Page, Services, TestPlatform, Visitor};

const WAIT: Duration = Duration::from_secs(20);
const BY_SMS: &str = "Je inlogcode is per sms verzonden naar";
const INSTEAD_OF_SMS: &str =
    "We konden je geen sms sturen. Je inlogcode is daarom naar je e-mailadres verzonden: ";

/// Gives the account behind `email` a verified mobile (as the phone page would, after the
/// link and the code: that flow has tests of its own, and its SMS would spend the budget).
async fn with_mobile(platform: &TestPlatform, email: &str, number: &str) {
    let updated = sqlx::query(
        "UPDATE platform.accounts SET phone = $1, phone_kind = 'mobile' WHERE email = $2",
    )
    .bind(number)
    .bind(email)
    .execute(&platform.db)
    .await
    .unwrap();
    assert_eq!(updated.rows_affected(), 1);
}

/// The texts of the SMS messages the provider received for `number`, in order.
fn sms_to(platform: &TestPlatform, number: &str) -> Vec<String> {
    platform
        .sms
        .requests()
        .into_iter()
        .filter(|r| r.kind == "messages" && r.body["recipients"][0] == number)
        .map(|r| r.body["body"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The code in the `nth` (1-based) SMS to `number`; waits for it.
async fn sms_code(platform: &TestPlatform, number: &str, nth: usize) -> String {
    let text = eventually(WAIT, "a sign-in code by SMS", || async {
        sms_to(platform, number).into_iter().nth(nth - 1)
    })
    .await;
    accounts::code_in(&text)
}

fn masked(email: &str) -> String {
    EmailAddress::parse(email).unwrap().masked()
}

/// Asserts that the code page says the code came by e-mail because no SMS could be sent.
#[track_caller]
fn says_mailed_instead(page: &Page, email: &str) {
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let said = format!("{INSTEAD_OF_SMS}{}", masked(email));
    assert!(page.shows(&said), "{}", page.body);
    assert!(!page.shows(BY_SMS), "{}", page.body);
}

/// Enters the code; expects to be signed in.
async fn enter_code(visitor: &mut Visitor, code: &str) {
    let done = visitor.post("/inloggen/code", &[("code", code)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), Some("/overzicht"));
}

#[tokio::test]
async fn once_the_organisations_sms_budget_is_spent_sign_in_codes_come_by_e_mail_and_work() {
    let overrides = [("SMS_TENANT_BUDGET_PER_HOUR", "1".to_owned())];
    let platform = TestPlatform::start_with(Services::ALL, &overrides).await;
    let tenant = platform.create_tenant("Zorggroep Sms", "#1d5c8f").await;
    let (mut visitor, email) = accounts::signed_in(&platform, &tenant, "noor").await;
    let number = "+31612340001";
    with_mobile(&platform, &email, number).await;
    visitor.post("/uitloggen", &[]).await;

    // The budget of one: the first code goes by SMS, and it works.
    accounts::enter_password(&mut visitor, &email, PASSWORD).await;
    let page = visitor.get("/inloggen/code").await;
    assert!(page.shows(BY_SMS), "{}", page.body);
    assert!(page.shows("••••••••01"), "{}", page.body);
    assert!(!page.shows("We konden je geen sms sturen"));
    let code = sms_code(&platform, number, 1).await;
    enter_code(&mut visitor, &code).await;
    visitor.post("/uitloggen", &[]).await;

    // The budget is spent: the next code goes to the e-mail address, and only there.
    let written = platform.events_written().await;
    accounts::enter_password(&mut visitor, &email, PASSWORD).await;
    assert_eq!(
        platform.events_written().await - written,
        1,
        "one message queued"
    );
    let page = visitor.get("/inloggen/code").await;
    says_mailed_instead(&page, &email);
    // Asking again tries the phone first, so the button names the phone.
    assert!(page.shows("Sms nogmaals versturen"), "{}", page.body);
    assert!(!page.shows("E-mail nogmaals versturen"), "{}", page.body);
    let mut in_english = visitor.same_session();
    in_english.cookies.insert("zp_lang".into(), "en".into());
    let page = in_english.get("/inloggen/code").await;
    let said = format!(
        "We could not send you a text message. Your sign-in code was sent to your e-mail \
         address instead: {}",
        masked(&email)
    );
    assert!(page.shows(&said), "{}", page.body);
    accounts::mailed_code(&platform, &tenant, &email, 2).await;

    // A new code (after the wait between codes) takes the budget again: still spent, so it
    // is mailed too, and the newest mailed code signs in.
    platform.clock.advance(Duration::from_secs(9 * 60));
    let written = platform.events_written().await;
    let page = visitor.post("/inloggen/code/opnieuw", &[]).await;
    assert_eq!(
        platform.events_written().await - written,
        1,
        "one message queued"
    );
    says_mailed_instead(&page, &email);
    assert!(page.shows("We hebben je een nieuwe code gestuurd"));
    let resent = accounts::mailed_code(&platform, &tenant, &email, 3).await;
    enter_code(&mut visitor, &resent).await;

    // The one message queued each time was the mail: one SMS in all.
    assert_eq!(sms_to(&platform, number).len(), 1);
    platform.finish().await;
}

const AT_ONCE_BUDGET: usize = 3;

/// A platform whose organisation may send three SMS an hour, and ten people of it with a
/// verified mobile, signed out, each behind an address of their own (the platform trusts the
/// proxy's `X-Forwarded-For`), so their requests meet nowhere but at the budget's counters.
/// Passwords are checked ten at once too.
async fn ten_people_with_mobiles() -> (TestPlatform, Tenant, Vec<(Visitor, String, String)>) {
    let overrides = [
        ("SMS_TENANT_BUDGET_PER_HOUR", AT_ONCE_BUDGET.to_string()),
        ("WEB_TRUST_FORWARDED_FOR", "true".to_owned()),
        ("WEB_PASSWORD_HASHERS", "10".to_owned()),
    ];
    let platform = TestPlatform::start_with(Services::ALL, &overrides).await;
    let tenant = platform.create_tenant("Zorggroep Druk", "#1d5c8f").await;
    let mut people = Vec::new();
    for i in 0..10 {
        let (mut visitor, email) = accounts::signed_in(&platform, &tenant, &format!("p{i}")).await;
        let number = format!("+3161234110{i}");
        with_mobile(&platform, &email, &number).await;
        visitor.forwarded_for = Some(format!("192.0.2.{}", i + 1));
        visitor.post("/uitloggen", &[]).await;
        people.push((visitor, email, number));
    }
    (platform, tenant, people)
}

/// Given each person's code page after ten codes were asked for at once: exactly the budget
/// went by SMS, the others by e-mail, and each code arrived where its page said (the code
/// mail is each person's second, after the one of their first sign-in).
async fn exactly_the_budget_went_by_sms(
    platform: &TestPlatform,
    tenant: &Tenant,
    people: &[(Visitor, String, String)],
    pages: &[Page],
) {
    let mut by_sms = Vec::new();
    let mut by_mail = Vec::new();
    for ((_, email, number), page) in people.iter().zip(pages) {
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        if page.shows(BY_SMS) {
            by_sms.push(number);
        } else {
            says_mailed_instead(page, email);
            by_mail.push(email);
        }
    }
    assert_eq!(by_sms.len(), AT_ONCE_BUDGET, "pages telling of an SMS");
    for number in &by_sms {
        sms_code(platform, number, 1).await;
    }
    for email in &by_mail {
        accounts::mailed_code(platform, tenant, email, 2).await;
    }
    // Ten messages were queued (checked by the caller) and ten arrived where the pages said:
    // no other SMS is on its way.
    let sms: usize = people
        .iter()
        .map(|(_, _, number)| sms_to(platform, number).len())
        .sum();
    assert_eq!(sms, AT_ONCE_BUDGET);
}

#[tokio::test]
async fn ten_sign_ins_at_once_get_exactly_the_budget_in_sms_and_the_rest_by_e_mail() {
    let (platform, tenant, mut people) = ten_people_with_mobiles().await;
    for (visitor, _, _) in &mut people {
        visitor.get("/inloggen").await;
    }
    let written = platform.events_written().await;
    let posts = people.iter_mut().map(|(visitor, email, _)| async move {
        let fields = [("email", email.as_str()), ("password", PASSWORD)];
        visitor.post("/inloggen", &fields).await
    });
    for page in futures::future::join_all(posts).await {
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        assert_eq!(page.location(), Some("/inloggen/code"));
    }
    assert_eq!(platform.events_written().await - written, 10);
    let mut pages = Vec::new();
    for (visitor, _, _) in &mut people {
        pages.push(visitor.get("/inloggen/code").await);
    }
    exactly_the_budget_went_by_sms(&platform, &tenant, &people, &pages).await;
    platform.finish().await;
}

#[tokio::test]
async fn ten_new_codes_asked_at_once_get_exactly_the_budget_in_sms_and_the_rest_by_e_mail() {
    let (platform, tenant, mut people) = ten_people_with_mobiles().await;
    // Ten sign-ins waiting for a code, started as the password step starts them but without
    // sending one, so the budget is whole when the ten press "send again" at once (after the
    // minute between codes).
    platform.clock.advance(Duration::from_secs(2 * 60));
    for (visitor, email, _) in &mut people {
        let origin = Origin {
            user_agent: visitor.user_agent.clone(),
            ip: visitor.forwarded_for.clone().unwrap_or_default(),
        };
        let account = accounts::account_id(&platform, email).await;
        let now = platform.clock.now();
        let slug = tenant.slug.as_str();
        let stage = Stage::SecondFactor;
        let (token, _) = sessions::start(&platform.db, account, stage, false, slug, &origin, now)
            .await
            .unwrap();
        visitor.cookies.insert("zp_session".into(), token.value);
        let page = visitor.get("/inloggen/code").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    }
    let written = platform.events_written().await;
    let posts = people
        .iter_mut()
        .map(|(visitor, _, _)| visitor.post("/inloggen/code/opnieuw", &[]));
    let pages = futures::future::join_all(posts).await;
    assert_eq!(platform.events_written().await - written, 10);
    for page in &pages {
        assert!(
            page.shows("We hebben je een nieuwe code gestuurd"),
            "{}",
            page.body
        );
    }
    exactly_the_budget_went_by_sms(&platform, &tenant, &people, &pages).await;
    platform.finish().await;
}

/// A loopback address with a port that was free a moment ago (the child binds it).
fn free_local_addr() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("its address")
}

/// The budget alerts in the web service's JSON log: (scope, tenant) per line, in order.
fn budget_alerts(web: &ServiceProcess) -> Vec<(String, String)> {
    web.log_tail(10_000)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|entry| entry["fields"]["alert"] == "phone_budget_exhausted")
        .map(|entry| {
            assert_eq!(entry["level"], "ERROR", "{entry}");
            let field = |name: &str| {
                entry["fields"][name]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            };
            (field("scope"), field("tenant"))
        })
        .collect()
}

/// Signs `email` in through `addr`; returns the code page.
async fn sign_in_through(
    platform: &TestPlatform,
    tenant: &Tenant,
    addr: SocketAddr,
    email: &str,
) -> (Visitor, Page) {
    let mut visitor = Visitor::new(platform, &tenant.hosts[0]).through(addr);
    accounts::enter_password(&mut visitor, email, PASSWORD).await;
    let page = visitor.get("/inloggen/code").await;
    (visitor, page)
}

#[tokio::test]
async fn each_organisation_has_its_own_budget_and_a_spent_budget_alerts_the_operator() {
    let overrides = [
        ("SMS_TENANT_BUDGET_PER_HOUR", "1".to_owned()),
        ("SMS_BUDGET_PER_HOUR", "2".to_owned()),
    ];
    let platform = TestPlatform::start_with(Services::ALL, &overrides).await;
    let first = platform.create_tenant("Zorggroep Een", "#1d5c8f").await;
    let second = platform.create_tenant("Zorggroep Twee", "#5c1d8f").await;
    let third = platform.create_tenant("Zorggroep Drie", "#8f5c1d").await;
    let mut people = Vec::new();
    for (tenant, who, number) in [
        (&first, "ans", "+31612341201"),
        (&first, "ali", "+31612341202"),
        (&second, "bob", "+31612341203"),
        (&third, "cor", "+31612341204"),
    ] {
        let (mut visitor, email) = accounts::signed_in(&platform, tenant, who).await;
        with_mobile(&platform, &email, number).await;
        visitor.post("/uitloggen", &[]).await;
        people.push((tenant, email, number));
    }
    // The sign-ins go through the web service as operators run it, so its log is the one
    // they would be alerted by.
    let addr = free_local_addr();
    let mut env = service_env(&platform);
    env.retain(|(key, _)| key != "WEB_BIND" && key != "LOG_FORMAT" && key != "RUST_LOG");
    env.push(("WEB_BIND".to_owned(), addr.to_string()));
    env.push(("LOG_FORMAT".to_owned(), "json".to_owned()));
    env.push(("RUST_LOG".to_owned(), "info".to_owned()));
    let mut web = ServiceProcess::start("zorgportaal-web", &env, "web");
    eventually(
        Duration::from_secs(30),
        "the web service to serve",
        || async {
            let page = platform
                .http
                .get(format!("http://{addr}/inloggen"))
                .header("Host", &first.hosts[0])
                .send()
                .await
                .ok()?;
            (page.status() == StatusCode::OK).then_some(())
        },
    )
    .await;

    // The first organisation's one SMS: no alert.
    let (tenant, email, number) = &people[0];
    let (mut visitor, page) = sign_in_through(&platform, tenant, addr, email).await;
    assert!(page.shows(BY_SMS), "{}", page.body);
    enter_code(&mut visitor, &sms_code(&platform, number, 1).await).await;
    assert!(budget_alerts(&web).is_empty(), "{}", web.log_tail(20));

    // Its budget is spent: the code is mailed (the one message queued), and the alert names
    // the organisation.
    let (tenant, email, number) = &people[1];
    let written = platform.events_written().await;
    let (mut visitor, page) = sign_in_through(&platform, tenant, addr, email).await;
    assert_eq!(platform.events_written().await - written, 1);
    says_mailed_instead(&page, email);
    enter_code(
        &mut visitor,
        &accounts::mailed_code(&platform, tenant, email, 2).await,
    )
    .await;
    let slug = |tenant: &Tenant| tenant.slug.as_str().to_owned();
    assert_eq!(budget_alerts(&web), [("tenant".to_owned(), slug(&first))]);
    assert!(sms_to(&platform, number).is_empty());

    // The second organisation's budget is its own: its code goes by SMS, with no alert.
    let (tenant, email, number) = &people[2];
    let (mut visitor, page) = sign_in_through(&platform, tenant, addr, email).await;
    assert!(page.shows(BY_SMS), "{}", page.body);
    enter_code(&mut visitor, &sms_code(&platform, number, 1).await).await;
    assert_eq!(budget_alerts(&web).len(), 1);

    // The platform's two are spent now: the third organisation's code is mailed, and the
    // alert says it was the platform's budget.
    let (tenant, email, number) = &people[3];
    let written = platform.events_written().await;
    let (mut visitor, page) = sign_in_through(&platform, tenant, addr, email).await;
    assert_eq!(platform.events_written().await - written, 1);
    says_mailed_instead(&page, email);
    enter_code(
        &mut visitor,
        &accounts::mailed_code(&platform, tenant, email, 2).await,
    )
    .await;
    assert_eq!(
        budget_alerts(&web),
        [
            ("tenant".to_owned(), slug(&first)),
            ("platform".to_owned(), slug(&third)),
        ]
    );
    assert!(sms_to(&platform, number).is_empty());

    web.stop(platform.config.web.shutdown_grace).await;
    platform.finish().await;
}
