//! Accounts end to end against the real services: sign-up, confirmation, sign-in with a code,
//! sessions and sign-out (ACC-1 … ACC-6).

use common::accounts::sessions::{self, Origin, Stage};
use common::accounts::AccountId;
use common::infra::clock::Clock;
use common::infra::throttle::{CODE_ACCOUNT, SIGN_IN_ACCOUNT};
use reqwest::StatusCode;
use zorgportaal_tests::accounts::{self, PASSWORD};
use zorgportaal_tests::{TestPlatform, Visitor};

#[tokio::test]
async fn sign_up_confirm_sign_in_with_the_mailed_code_and_sign_out() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Aanmelden", "#1d5c8f")
        .await;
    let email = platform.unique_email("jan");
    let mut visitor = Visitor::new(&platform, &tenant.hosts[0]);

    accounts::sign_up(&mut visitor, "Jan Jansen", &email, PASSWORD).await;
    // Not confirmed yet: the password alone does not sign in.
    visitor.get("/inloggen").await;
    let refused = visitor
        .post("/inloggen", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.shows("nog niet bevestigd"), "{}", refused.body);
    // That attempt sent a fresh welcome mail; only its link works now.
    accounts::eventually_mails(&platform, &email, "Welkom bij", 2).await;

    accounts::confirm_from_mail(&platform, &tenant, &mut visitor, &email).await;
    accounts::enter_password(&mut visitor, &email, PASSWORD).await;
    let pending = visitor
        .session()
        .cloned()
        .expect("a session cookie after the password");
    let code_page = visitor.get("/inloggen/code").await;
    assert!(
        code_page.shows("Welkom terug, Jan Jansen!"),
        "{}",
        code_page.body
    );
    assert!(code_page.shows("autocomplete=\"one-time-code\""));
    assert!(code_page.shows("inputmode=\"numeric\""));
    // Between password and code nothing behind the sign-in opens.
    assert_eq!(
        visitor.get("/overzicht").await.status,
        StatusCode::SEE_OTHER
    );

    let code = accounts::mailed_code(&platform, &tenant, &email, 1).await;
    let done = visitor.post("/inloggen/code", &[("code", &code)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let active = visitor.session().cloned().expect("session cookie");
    assert_ne!(active, pending, "the code must start a new session id");
    let overview = visitor.get("/overzicht").await;
    assert_eq!(overview.status, StatusCode::OK);
    assert!(overview.shows("Welkom, Jan Jansen"));

    let out = visitor.post("/uitloggen", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM platform.sessions")
        .fetch_one(&platform.db)
        .await
        .unwrap();
    assert_eq!(sessions, 0, "sign-out must end the session on the server");
    // The old cookie, sent again, opens nothing.
    visitor.cookies.insert("zp_session".into(), active);
    assert_eq!(
        visitor.get("/overzicht").await.status,
        StatusCode::SEE_OTHER
    );
    platform.finish().await;
}

async fn sign_up_with(
    visitor: &mut Visitor,
    email: &str,
    password: &str,
    confirmation: &str,
) -> zorgportaal_tests::Page {
    visitor.get("/aanmelden").await;
    visitor
        .post(
            "/aanmelden",
            &[
                ("name", "Els Bakker"),
                ("email", email),
                ("password", password),
                ("password_confirmation", confirmation),
                ("terms", "on"),
            ],
        )
        .await
}

#[tokio::test]
async fn each_password_rule_is_refused_with_its_own_message() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Regels", "#1d5c8f").await;
    let mut visitor = Visitor::new(&platform, &tenant.hosts[0]);
    let email = platform.unique_email("els");
    // Each password breaks one rule: (password, the rule's data-rule code, its words).
    let cases = [
        (
            "Kort-W8w!",
            Some("password-rule-length"),
            "minimaal 12 tekens",
        ),
        (
            "Geen-Cijfers-Hier!",
            Some("password-rule-digit"),
            "1 cijfer, bijvoorbeeld 3",
        ),
        (
            "GEEN-KLEINE-LETTERS-7",
            Some("password-rule-lowercase"),
            "1 kleine letter, bijvoorbeeld h",
        ),
        (
            "geen-hoofdletters-7x",
            Some("password-rule-uppercase"),
            "1 hoofdletter, bijvoorbeeld H",
        ),
        (
            "GeenSpeciaalTeken7xyz",
            Some("password-rule-special"),
            "1 speciaal teken, bijvoorbeeld ! of -",
        ),
        ("Password123!", None, "te makkelijk te raden"),
    ];
    for (password, rule, message) in cases {
        let page = sign_up_with(&mut visitor, &email, password, password).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{password}");
        assert!(page.shows(message), "{password}: expected {message:?}");
        // Next to the field, exactly the broken rule is marked.
        let unmet: Vec<&str> = page
            .body
            .split("<li data-rule=\"")
            .skip(1)
            .filter(|item| item.contains("class=\"unmet\""))
            .filter_map(|item| item.split('"').next())
            .collect();
        assert_eq!(unmet, rule.into_iter().collect::<Vec<_>>(), "{password}");
        // What the person typed is kept (except the password).
        assert!(page.shows(&email));
    }
    let mismatch = sign_up_with(&mut visitor, &email, PASSWORD, "Anders-W8woord-99").await;
    assert!(mismatch.shows("De wachtwoorden zijn niet hetzelfde"));
    let no_terms = {
        visitor.get("/aanmelden").await;
        visitor
            .post(
                "/aanmelden",
                &[
                    ("name", "Els"),
                    ("email", &email),
                    ("password", PASSWORD),
                    ("password_confirmation", PASSWORD),
                ],
            )
            .await
    };
    assert!(no_terms.shows("Vink aan dat je de gebruiksvoorwaarden accepteert"));
    let accounts: i64 = sqlx::query_scalar("SELECT count(*) FROM platform.accounts")
        .fetch_one(&platform.db)
        .await
        .unwrap();
    assert_eq!(accounts, 0, "no refused sign-up creates an account");
    // A long pasted passphrase is fine.
    let long = "Ik fiets elke ochtend 7 km langs de Amstel naar mijn werk, ook als het regent!";
    assert_eq!(
        sign_up_with(&mut visitor, &email, long, long).await.status,
        StatusCode::OK
    );
    accounts::mail_with_subject(&platform, &email, "Welkom bij").await;
    platform.finish().await;
}

#[tokio::test]
async fn a_second_sign_up_with_the_same_address_reveals_nothing_and_tells_the_owner() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Dubbel", "#1d5c8f").await;
    let email = platform.unique_email("piet");
    let mut first = Visitor::new(&platform, &tenant.hosts[0]);
    let mut second = Visitor::new(&platform, &tenant.hosts[0]);
    let a = sign_up_with(&mut first, &email, PASSWORD, PASSWORD).await;
    let b = sign_up_with(
        &mut second,
        &email.to_uppercase(),
        "Ander-Sterk-W8w-77",
        "Ander-Sterk-W8w-77",
    )
    .await;
    // The answer to the second sign-up is the answer to the first, byte for byte, but for what
    // differs between any two answers: the visitor's form token, the address as each typed it,
    // the request id and the date.
    fn comparable(
        page: &zorgportaal_tests::Page,
        typed: &str,
    ) -> (StatusCode, Vec<(String, String)>, String) {
        let marker = "name=\"csrf\" value=\"";
        let token = page.body.find(marker).map(|start| {
            let value = &page.body[start + marker.len()..];
            value[..value.find('"').unwrap_or(value.len())].to_owned()
        });
        let mut body = page.body.replace(typed, "(address)");
        if let Some(token) = token.filter(|t| !t.is_empty()) {
            body = body.replace(&token, "(form token)");
        }
        let mut headers: Vec<(String, String)> = page
            .headers
            .iter()
            .filter(|(name, _)| !matches!(name.as_str(), "date" | "x-request-id"))
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        headers.sort();
        (page.status, headers, body)
    }
    assert!(a.shows("Kijk in je e-mail"), "{}", a.body);
    assert_eq!(
        comparable(&a, &email),
        comparable(&b, &email.to_uppercase())
    );
    accounts::mail_with_subject(&platform, &email, "Welkom bij Zorggroep Dubbel").await;
    let notice = accounts::eventually_mails(&platform, &email, "", 2).await;
    let all = platform.mail.to(&email).await;
    assert_eq!(
        all.len(),
        2,
        "one welcome mail and one notice: {:?}",
        all.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    assert!(
        all.iter().any(|m| m
            .text
            .as_deref()
            .unwrap_or_default()
            .contains("/wachtwoord-vergeten")),
        "{notice:?}"
    );
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM platform.accounts")
        .fetch_one(&platform.db)
        .await
        .unwrap();
    assert_eq!(count, 1);
    platform.finish().await;
}

#[tokio::test]
async fn confirmation_links_are_single_use_expire_and_a_get_changes_nothing() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Links", "#1d5c8f").await;
    let email = platform.unique_email("kees");
    let mut visitor = Visitor::new(&platform, &tenant.hosts[0]);
    accounts::sign_up(&mut visitor, "Kees", &email, PASSWORD).await;
    let mail = accounts::mail_with_subject(&platform, &email, "Welkom bij").await;
    let link = accounts::link_in(&mail, "/account/bevestigen?token=");
    for _ in 0..2 {
        assert_eq!(visitor.get(&link).await.status, StatusCode::OK);
    }
    let confirmed: Option<time::OffsetDateTime> =
        sqlx::query_scalar("SELECT email_confirmed_at FROM platform.accounts")
            .fetch_one(&platform.db)
            .await
            .unwrap();
    assert!(confirmed.is_none(), "opening the link must not confirm");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    assert_eq!(
        visitor
            .post("/account/bevestigen", &[("token", &token)])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let used = visitor.get(&link).await;
    assert_eq!(used.status, StatusCode::GONE);
    assert!(used.shows("Deze link is al gebruikt"));
    let again = visitor
        .post("/account/bevestigen", &[("token", &token)])
        .await;
    assert_eq!(again.status, StatusCode::GONE);
    let unknown = visitor.get("/account/bevestigen?token=verzonnen").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.shows("Deze link werkt niet"));

    // A second account whose link is older than three days.
    let late = platform.unique_email("laat");
    accounts::sign_up(&mut visitor, "Laat", &late, PASSWORD).await;
    let mail = accounts::mail_with_subject(&platform, &late, "Welkom bij").await;
    let link = accounts::link_in(&mail, "/account/bevestigen?token=");
    platform
        .clock
        .advance(std::time::Duration::from_secs(3 * 24 * 3600 + 60));
    let expired = visitor.get(&link).await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert!(expired.shows("Deze link is verlopen"));
    platform.finish().await;
}

#[tokio::test]
async fn five_wrong_codes_lock_the_code_and_an_expired_code_is_refused() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Codes", "#1d5c8f").await;
    let (mut visitor, email) = accounts::signed_in(&platform, &tenant, "wim").await;
    visitor.post("/uitloggen", &[]).await;

    accounts::enter_password(&mut visitor, &email, PASSWORD).await;
    let right = accounts::mailed_code(&platform, &tenant, &email, 2).await;
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    for left in (1..=4).rev() {
        let page = visitor.post("/inloggen/code", &[("code", wrong)]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.shows(&format!("nog {left} keer proberen")),
            "{}",
            page.body
        );
    }
    let locked = visitor.post("/inloggen/code", &[("code", wrong)]).await;
    assert!(locked.shows("Deze code werkt niet meer"), "{}", locked.body);
    let too_late = visitor.post("/inloggen/code", &[("code", &right)]).await;
    assert_ne!(
        too_late.status,
        StatusCode::SEE_OTHER,
        "a locked code stays locked"
    );
    assert!(too_late.shows("Deze code werkt niet meer"));

    // A new code, once the wait between codes has passed; it expires after five minutes.
    platform
        .clock
        .advance(std::time::Duration::from_secs(3 * 60));
    let resent = visitor.post("/inloggen/code/opnieuw", &[]).await;
    assert!(resent.shows("nieuwe code gestuurd"), "{}", resent.body);
    platform
        .clock
        .advance(std::time::Duration::from_secs(5 * 60 + 1));
    let subject = format!(
        "Twee-factor authenticatie inlogcode voor {}",
        tenant.display_name
    );
    let newest = accounts::eventually_mails(&platform, &email, &subject, 3).await;
    let code = accounts::code_in(newest.text.as_deref().unwrap_or_default());
    let expired = visitor.post("/inloggen/code", &[("code", &code)]).await;
    assert!(expired.shows("Deze code is verlopen"), "{}", expired.body);
    let kinds: Vec<String> =
        sqlx::query_scalar("SELECT kind FROM platform.security_events ORDER BY id")
            .fetch_all(&platform.db)
            .await
            .unwrap();
    assert!(
        kinds.iter().filter(|k| *k == "wrong_code").count() == 4,
        "{kinds:?}"
    );
    assert!(kinds.contains(&"code_locked".to_owned()), "{kinds:?}");
    platform.finish().await;
}

#[tokio::test]
async fn codes_go_by_sms_to_a_verified_mobile_and_by_voice_to_a_landline() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Telefoon", "#1d5c8f")
        .await;
    let (mut visitor, email) = accounts::signed_in(&platform, &tenant, "sien").await;
    visitor.post("/uitloggen", &[]).await;
    for (number, kind, endpoint) in [
        ("+31612345678", "mobile", "messages"),
        ("+31201234567", "landline", "voicemessages"),
    ] {
        sqlx::query("UPDATE platform.accounts SET phone = $1, phone_kind = $2")
            .bind(number)
            .bind(kind)
            .execute(&platform.db)
            .await
            .unwrap();
        accounts::enter_password(&mut visitor, &email, PASSWORD).await;
        let request = zorgportaal_tests::eventually(
            std::time::Duration::from_secs(20),
            "a code at the provider",
            || async {
                platform
                    .sms
                    .requests()
                    .into_iter()
                    .find(|r| r.kind == endpoint && r.body["recipients"][0] == number)
            },
        )
        .await;
        let text = request.body["body"].as_str().unwrap().replace(", ", "");
        let code = accounts::code_in(&text);
        let done = visitor.post("/inloggen/code", &[("code", &code)]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{kind}: {}", done.body);
        visitor.post("/uitloggen", &[]).await;
    }
    platform.finish().await;
}

#[tokio::test]
async fn twenty_fast_wrong_passwords_are_slowed_then_refused_and_logged_while_others_sign_in() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Slot", "#1d5c8f").await;
    let (mut victim, email) = accounts::signed_in(&platform, &tenant, "doel").await;
    victim.post("/uitloggen", &[]).await;
    let mut attacker = Visitor::new(&platform, &tenant.hosts[0]);
    attacker.get("/inloggen").await;
    let mut statuses = Vec::new();
    for _ in 0..20 {
        let page = attacker
            .post(
                "/inloggen",
                &[("email", &email), ("password", "Fout-Wachtwoord-1")],
            )
            .await;
        statuses.push((page.status, page.shows("seconden"), page.shows("minuten")));
    }
    let wrong = statuses
        .iter()
        .filter(|s| s.0 == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    let slowed = statuses
        .iter()
        .filter(|s| s.0 == StatusCode::TOO_MANY_REQUESTS && s.1)
        .count();
    let locked = statuses
        .iter()
        .filter(|s| s.0 == StatusCode::TOO_MANY_REQUESTS && s.2)
        .count();
    assert_eq!(wrong, 5, "{statuses:?}");
    assert_eq!(slowed, 5, "{statuses:?}");
    assert_eq!(locked, 10, "{statuses:?}");
    // Even the right password waits now: the lock is on the account, not on the guess.
    let page = attacker
        .post("/inloggen", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    let logged: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM platform.security_events
         WHERE kind IN ('wrong_password', 'sign_in_throttled')",
    )
    .fetch_one(&platform.db)
    .await
    .unwrap();
    assert!(logged >= 20, "every refused attempt is logged ({logged})");
    // Someone else signs in meanwhile, from the same address.
    let (mut other, _) = accounts::signed_in(&platform, &tenant, "ander").await;
    assert_eq!(other.get("/overzicht").await.status, StatusCode::OK);
    // After the window the owner gets in again.
    platform
        .clock
        .advance(std::time::Duration::from_secs(16 * 60));
    accounts::enter_password(&mut victim, &email, PASSWORD).await;
    platform.finish().await;
}

#[tokio::test]
async fn a_session_id_planted_before_sign_in_never_becomes_signed_in() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Fixatie", "#1d5c8f").await;
    let (mut visitor, email) = accounts::signed_in(&platform, &tenant, "fix").await;
    visitor.post("/uitloggen", &[]).await;
    let planted = "aanvaller-kent-deze-waarde-0123456789abcdefgh".to_owned();
    visitor.cookies.insert("zp_session".into(), planted.clone());
    accounts::enter_password(&mut visitor, &email, PASSWORD).await;
    let pending = visitor.session().cloned().unwrap();
    assert_ne!(pending, planted);
    let code = accounts::mailed_code(&platform, &tenant, &email, 2).await;
    visitor.post("/inloggen/code", &[("code", &code)]).await;
    let active = visitor.session().cloned().unwrap();
    assert_ne!(active, pending);
    for stale in [planted, pending] {
        let mut intruder = Visitor::new(&platform, &tenant.hosts[0]);
        intruder.cookies.insert("zp_session".into(), stale);
        assert_eq!(
            intruder.get("/overzicht").await.status,
            StatusCode::SEE_OTHER
        );
    }
    assert_eq!(visitor.get("/overzicht").await.status, StatusCode::OK);
    platform.finish().await;
}

#[tokio::test]
async fn posts_without_or_with_a_wrong_csrf_token_are_refused() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Csrf", "#1d5c8f").await;
    let (mut visitor, _) = accounts::signed_in(&platform, &tenant, "csrf").await;
    let none = visitor
        .post_raw("/account/sessies/overal-uitloggen", &[])
        .await;
    assert_eq!(none.status, StatusCode::FORBIDDEN);
    assert!(none.shows("Dit formulier is verlopen"));
    let wrong = visitor
        .post_raw(
            "/account/sessies/overal-uitloggen",
            &[("csrf", "dGVzdA".to_owned())],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    // A token from another browser does not fit this browser's cookie.
    let mut other = Visitor::new(&platform, &tenant.hosts[0]);
    other.get("/inloggen").await;
    let foreign = other.csrf.clone().unwrap();
    let stolen = visitor
        .post_raw("/account/sessies/overal-uitloggen", &[("csrf", foreign)])
        .await;
    assert_eq!(stolen.status, StatusCode::FORBIDDEN);
    // Nothing happened: still signed in.
    assert_eq!(visitor.get("/overzicht").await.status, StatusCode::OK);
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM platform.sessions")
        .fetch_one(&platform.db)
        .await
        .unwrap();
    assert_eq!(sessions, 1);
    // The right token works.
    visitor.get("/account/sessies").await;
    let ok = visitor.post("/account/sessies/overal-uitloggen", &[]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    platform.finish().await;
}

#[tokio::test]
async fn cookies_are_host_only_httponly_secure_and_samesite_with_https() {
    let key = "ab".repeat(32);
    let platform = TestPlatform::start_with(
        zorgportaal_tests::Services::WEB,
        &[
            ("WEB_HTTPS", "true".into()),
            ("WEB_SECRET_KEY", key),
            // https refuses the public development key pair; this test stores nothing.
            ("S3_ACCESS_KEY_ID", "GK0000000000000000000000ff".into()),
            ("S3_SECRET_ACCESS_KEY", "ff".repeat(32)),
        ],
    )
    .await;
    let tenant = platform.create_tenant("Zorggroep Koekjes", "#1d5c8f").await;
    let mut visitor = Visitor::new(&platform, &tenant.hosts[0]);
    let page = visitor.get("/inloggen").await;
    let csrf = page
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("__Host-zp_csrf="))
        .expect("a __Host- CSRF cookie");
    for flag in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(csrf.contains(flag), "{csrf} lacks {flag}");
    }
    assert!(!csrf.contains("Domain"), "host-only: {csrf}");
    // The session cookie, made by sign-in, carries the same flags.
    let email = platform.unique_email("koek");
    let hash = common::accounts::password::PasswordHasher::new(1)
        .unwrap()
        .hash(&PASSWORD.to_owned().into())
        .await
        .unwrap();
    common::infra::db::in_transaction(&platform.db, async |conn| {
        sqlx::query(
            "INSERT INTO platform.accounts (id, email, name, password_hash, created_at, password_changed_at, email_confirmed_at)
             VALUES (gen_random_uuid(), $1, 'Koek', $2, now(), now(), now())",
        )
        .bind(&email)
        .bind(hash)
        .execute(&mut *conn)
        .await?;
        Ok::<_, sqlx::Error>(())
    })
    .await
    .unwrap();
    let signed = visitor
        .post("/inloggen", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let session = signed
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("__Host-zp_session="))
        .expect("a __Host- session cookie");
    for flag in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(session.contains(flag), "{session} lacks {flag}");
    }
    assert!(page.headers.get("strict-transport-security").is_some());
    // The sign-in code mail is not needed here; its event is consumed by nobody in this test.
    sqlx::query("DELETE FROM platform.outbox")
        .execute(&platform.db)
        .await
        .unwrap();
    platform.finish().await;
}

#[tokio::test]
async fn a_password_reset_ends_every_session_and_the_new_password_works() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Herstel", "#1d5c8f").await;
    let (mut laptop, email) = accounts::signed_in(&platform, &tenant, "herstel").await;
    let mut phone = Visitor::new(&platform, &tenant.hosts[0]);
    phone.get("/wachtwoord-vergeten").await;
    let sent = phone
        .post("/wachtwoord-vergeten", &[("email", &email)])
        .await;
    assert!(sent.shows("Als er een account is met dit e-mailadres"));
    // An unknown address gets the very same answer.
    let unknown = phone
        .post(
            "/wachtwoord-vergeten",
            &[("email", "niemand@test.zorgportaal.localhost")],
        )
        .await;
    assert_eq!(unknown.status, sent.status);
    assert!(unknown.shows("Als er een account is met dit e-mailadres"));
    let reset = accounts::mail_with_subject(
        &platform,
        &email,
        &format!("Nieuw wachtwoord kiezen voor {}", tenant.display_name),
    )
    .await;
    let link = accounts::link_in(&reset, "/wachtwoord-herstellen?token=");
    let form = phone.get(&link).await;
    assert_eq!(form.status, StatusCode::OK);
    let token = form.hidden("token").unwrap();
    let weak = phone
        .post(
            "/wachtwoord-herstellen",
            &[
                ("token", &token),
                ("password", "zwak"),
                ("password_confirmation", "zwak"),
            ],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    let new_password = "Nieuw-Sterk-Wachtwoord-2026";
    let done = phone
        .post(
            "/wachtwoord-herstellen",
            &[
                ("token", &token),
                ("password", new_password),
                ("password_confirmation", new_password),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        laptop.get("/overzicht").await.status,
        StatusCode::SEE_OTHER,
        "the other session ended"
    );
    assert_eq!(
        phone.get(&link).await.status,
        StatusCode::GONE,
        "the link is used up"
    );
    laptop.get("/inloggen").await;
    let old = laptop
        .post("/inloggen", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_eq!(old.status, StatusCode::UNPROCESSABLE_ENTITY);
    accounts::enter_password(&mut laptop, &email, new_password).await;
    accounts::mailed_code(&platform, &tenant, &email, 2).await;
    accounts::mail_with_subject(
        &platform,
        &email,
        &format!("Je wachtwoord bij {} is gewijzigd", tenant.display_name),
    )
    .await;
    platform.finish().await;
}

#[tokio::test]
async fn the_session_list_shows_own_sessions_and_nobody_ends_another_persons_session() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Sessies", "#1d5c8f").await;
    let (mut mine, _) = accounts::signed_in(&platform, &tenant, "eigen").await;
    let (mut theirs, _) = accounts::signed_in(&platform, &tenant, "ander").await;
    let list = mine.get("/account/sessies").await;
    assert!(list.shows("Firefox op Linux"), "{}", list.body);
    assert!(list.shows("dit apparaat"));
    let their_id: uuid::Uuid = sqlx::query_scalar(
        "SELECT s.id FROM platform.sessions s JOIN platform.accounts a ON a.id = s.account_id
         WHERE a.name = 'ander'",
    )
    .fetch_one(&platform.db)
    .await
    .unwrap();
    let attempt = mine
        .post(&format!("/account/sessies/{their_id}/uitloggen"), &[])
        .await;
    assert_eq!(attempt.status, StatusCode::NOT_FOUND);
    assert_eq!(theirs.get("/overzicht").await.status, StatusCode::OK);
    platform.finish().await;
}

#[tokio::test]
async fn a_session_of_one_portal_does_not_open_another_portal() {
    let platform = TestPlatform::start().await;
    let a = platform.create_tenant("Zorggroep A", "#1d5c8f").await;
    let b = platform.create_tenant("Zorggroep B", "#8f1d5c").await;
    let (signed_in_a, _) = accounts::signed_in(&platform, &a, "reiziger").await;
    let mut on_b = Visitor::new(&platform, &b.hosts[0]);
    on_b.cookies = signed_in_a.cookies.clone();
    assert_eq!(on_b.get("/overzicht").await.status, StatusCode::SEE_OTHER);
    platform.finish().await;
}

#[tokio::test]
async fn after_sign_in_the_page_asked_for_opens_but_never_another_site() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Terug", "#1d5c8f").await;
    let (mut visitor, email) = accounts::signed_in(&platform, &tenant, "teun").await;
    visitor.post("/uitloggen", &[]).await;

    let asked = visitor.get("/account/sessies?x=1").await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    assert_eq!(asked.location(), Some("/inloggen"));
    accounts::enter_password(&mut visitor, &email, PASSWORD).await;
    let code = accounts::mailed_code(&platform, &tenant, &email, 2).await;
    let done = visitor.post("/inloggen/code", &[("code", &code)]).await;
    assert_eq!(
        done.location(),
        Some("/account/sessies?x=1"),
        "{}",
        done.body
    );
    assert!(
        !visitor.cookies.contains_key("zp_return"),
        "the way back is used once"
    );

    // A way back planted to point elsewhere leads to the overview instead.
    visitor.post("/uitloggen", &[]).await;
    visitor
        .cookies
        .insert("zp_return".into(), "%2F%2Fevil.example%2F".into());
    accounts::enter_password(&mut visitor, &email, PASSWORD).await;
    let code = accounts::mailed_code(&platform, &tenant, &email, 3).await;
    let done = visitor.post("/inloggen/code", &[("code", &code)]).await;
    assert_eq!(done.location(), Some("/overzicht"));
    platform.finish().await;
}

#[tokio::test]
async fn reset_requests_and_sign_ups_are_limited_without_telling_who_has_an_account() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Grenzen", "#1d5c8f").await;
    let (_, email) = accounts::signed_in(&platform, &tenant, "grens").await;
    let unknown = platform.unique_email("niemand");
    let mut visitor = Visitor::new(&platform, &tenant.hosts[0]);
    visitor.get("/wachtwoord-vergeten").await;
    // Two requests per address go through at once; the third waits. An address without an
    // account gets exactly the same answers.
    for address in [&email, &unknown] {
        let mut statuses = Vec::new();
        for _ in 0..3 {
            let page = visitor
                .post("/wachtwoord-vergeten", &[("email", address.as_str())])
                .await;
            statuses.push(page.status);
            if page.status == StatusCode::TOO_MANY_REQUESTS {
                assert!(page.shows("Probeer het over"), "{}", page.body);
            }
        }
        assert_eq!(
            statuses,
            [
                StatusCode::OK,
                StatusCode::OK,
                StatusCode::TOO_MANY_REQUESTS
            ],
            "{address}"
        );
    }
    let subject = format!("Nieuw wachtwoord kiezen voor {}", tenant.display_name);
    accounts::eventually_mails(&platform, &email, &subject, 2).await;

    // Sign-ups from one address: ten go through (the first was "grens" above), the eleventh
    // is told to wait and creates nothing.
    let mut addresses = Vec::new();
    for n in 0..10 {
        let address = platform.unique_email(&format!("nieuw{n}"));
        let page = sign_up_with(&mut visitor, &address, PASSWORD, PASSWORD).await;
        if n < 9 {
            assert_eq!(page.status, StatusCode::OK, "sign-up {n}");
            addresses.push(address);
        } else {
            assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
            assert!(page.shows("Probeer het over"), "{}", page.body);
            let created: i64 =
                sqlx::query_scalar("SELECT count(*) FROM platform.accounts WHERE email = $1")
                    .bind(&address)
                    .fetch_one(&platform.db)
                    .await
                    .unwrap();
            assert_eq!(created, 0);
        }
    }
    for address in &addresses {
        accounts::mail_with_subject(&platform, address, "Welkom bij").await;
    }
    assert_eq!(
        accounts::mails_with_subject(&platform, &email, &subject)
            .await
            .len(),
        2,
        "the refused request sent nothing"
    );
    platform.finish().await;
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Uitloggen", "#1d5c8f")
        .await;
    let (mut visitor, _) = accounts::signed_in(&platform, &tenant, "uit").await;
    let token = visitor.session().cloned().expect("a session cookie");
    let out = visitor.post("/uitloggen", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(visitor.session().is_none(), "the cookie is cleared");
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM platform.sessions")
        .fetch_one(&platform.db)
        .await
        .unwrap();
    assert_eq!(left, 0, "no session row is left");
    // The token, replayed, opens nothing.
    let mut replay = Visitor::new(&platform, &tenant.hosts[0]);
    replay.cookies.insert("zp_session".into(), token);
    let page = replay.get("/overzicht").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), Some("/inloggen"));
    platform.finish().await;
}

/// How many security events of `kind` the account has.
async fn security_events(platform: &TestPlatform, account: AccountId, kind: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM platform.security_events WHERE account_id = $1 AND kind = $2",
    )
    .bind(account.0)
    .bind(kind)
    .fetch_one(&platform.db)
    .await
    .unwrap()
}

/// ACC-4 under parallel requests: every try is counted before the password is hashed, so 60
/// wrong passwords for one account at once are evaluated at most as often as the account's
/// limit lets through, and the rest are refused with 429.
#[tokio::test]
async fn sixty_parallel_wrong_passwords_are_evaluated_no_more_often_than_the_limit_allows() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Tegelijk", "#1d5c8f")
        .await;
    let (_, email) = accounts::signed_in(&platform, &tenant, "ria").await;
    let account = accounts::account_id(&platform, &email).await;
    let mut visitors = Vec::new();
    for _ in 0..60 {
        let mut visitor = Visitor::new(&platform, &tenant.hosts[0]);
        visitor.get("/inloggen").await;
        visitors.push(visitor);
    }
    let fields = [
        ("email", email.as_str()),
        ("password", "Verkeerd-Wachtwoord-17"),
    ];
    let tries = visitors.iter_mut().map(|v| v.post("/inloggen", &fields));
    let pages = futures::future::join_all(tries).await;

    let evaluated = pages
        .iter()
        .filter(|p| p.status == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    let refused = pages
        .iter()
        .filter(|p| p.status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(
        evaluated + refused,
        60,
        "every try is answered one way or the other"
    );
    assert!(
        (1..=SIGN_IN_ACCOUNT.free as usize).contains(&evaluated),
        "{evaluated} of 60 parallel tries reached the password check"
    );
    let wrong = security_events(&platform, account, "wrong_password").await;
    assert_eq!(wrong, evaluated as i64, "each evaluated try is logged once");
    platform.finish().await;
}

/// ACC-4: the budget of wrong sign-in codes is the account's, over all its pending sign-ins,
/// and it is counted before a code is checked: 50 wrong codes at once, spread over 10 pending
/// sign-ins of one account, are checked at most as often as the account's limit lets through.
#[tokio::test]
async fn fifty_parallel_wrong_codes_over_ten_pending_sign_ins_get_one_budget() {
    let platform = TestPlatform::start().await;
    let tenant = platform.create_tenant("Zorggroep Codes", "#1d5c8f").await;
    let (_, email) = accounts::signed_in(&platform, &tenant, "kees").await;
    let account = accounts::account_id(&platform, &email).await;
    let mut tries = Vec::new();
    for _ in 0..10 {
        // A sign-in waiting for its code, started as the password step starts one (through the
        // form, each would also mail a code, and the code mails have their own limit).
        let origin = Origin {
            user_agent: "Firefox".into(),
            ip: "127.0.0.1".into(),
        };
        let now = platform.clock.now();
        let slug = tenant.slug.as_str();
        let (token, _) = sessions::start(
            &platform.db,
            account,
            Stage::SecondFactor,
            false,
            slug,
            &origin,
            now,
        )
        .await
        .unwrap();
        let mut pending = Visitor::new(&platform, &tenant.hosts[0]);
        pending
            .cookies
            .insert("zp_session".into(), token.value.clone());
        let page = pending.get("/inloggen/code").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        // Five tries from each pending sign-in, each from its own copy of the browser.
        for _ in 0..5 {
            let mut copy = Visitor::new(&platform, &tenant.hosts[0]);
            copy.cookies = pending.cookies.clone();
            copy.csrf = pending.csrf.clone();
            tries.push(copy);
        }
    }
    let posts = tries
        .iter_mut()
        .map(|v| v.post("/inloggen/code", &[("code", "000000")]));
    let pages = futures::future::join_all(posts).await;

    let throttled = security_events(&platform, account, "code_throttled").await;
    let checked = pages.len() as i64 - throttled;
    assert!(
        (1..=i64::from(CODE_ACCOUNT.free)).contains(&checked),
        "{checked} of 50 parallel codes were checked; statuses: {:?}",
        pages.iter().map(|p| p.status.as_u16()).collect::<Vec<_>>()
    );
    let refused = pages
        .iter()
        .filter(|p| p.status == StatusCode::TOO_MANY_REQUESTS)
        .count() as i64;
    assert!(
        refused >= throttled,
        "every throttled try is answered with 429"
    );
    platform.finish().await;
}

/// ACC-6: "Blijf ingelogd" keeps a session for 30 days only while it is used: a week without
/// a request ends it, a request within the week carries it on.
#[tokio::test]
async fn a_remembered_session_ends_after_a_week_without_use() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Onthouden", "#1d5c8f")
        .await;
    let email = platform.unique_email("onthouden");
    let mut visitor = Visitor::new(&platform, &tenant.hosts[0]);
    accounts::sign_up(&mut visitor, "Onthouden", &email, PASSWORD).await;
    accounts::confirm_from_mail(&platform, &tenant, &mut visitor, &email).await;
    visitor.get("/inloggen").await;
    let page = visitor
        .post(
            "/inloggen",
            &[
                ("email", &email),
                ("password", PASSWORD),
                ("remember", "on"),
            ],
        )
        .await;
    assert_eq!(page.location(), Some("/inloggen/code"), "{}", page.body);
    let code = accounts::mailed_code(&platform, &tenant, &email, 1).await;
    let page = visitor.post("/inloggen/code", &[("code", &code)]).await;
    assert_eq!(page.location(), Some("/overzicht"), "{}", page.body);

    let day = std::time::Duration::from_secs(24 * 3600);
    // Well past the ordinary idle time-out and within the week: still signed in.
    platform.clock.advance(6 * day);
    assert_eq!(visitor.get("/overzicht").await.status, StatusCode::OK);
    // Six more days: twelve since sign-in, but six since the last request.
    platform.clock.advance(6 * day);
    assert_eq!(visitor.get("/overzicht").await.status, StatusCode::OK);
    // Eight days without a request end it, although the 30 days are not over.
    platform.clock.advance(8 * day);
    let page = visitor.get("/overzicht").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), Some("/inloggen"));
    platform.finish().await;
}

/// A signed-in request costs one query before its own work: the session, its account and the
/// tenant-admin flag come in one statement. The help page does no work of its own, so a
/// signed-in person's and a tenant admin's visit each run exactly that one statement.
#[tokio::test]
async fn a_signed_in_request_looks_up_its_session_in_one_statement() {
    use common::infra::clock::SharedClock;
    use zorgportaal_tests::statements::StatementCounter;

    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Eén Query", "#1d5c8f")
        .await;
    let (member, _) = accounts::signed_in(&platform, &tenant, "lid").await;
    let (admin, admin_email) = accounts::signed_in(&platform, &tenant, "beheer").await;
    accounts::make_admin(&platform, &tenant, &admin_email).await;

    let upstream: sqlx::postgres::PgConnectOptions = {
        use secrecy::ExposeSecret;
        platform
            .config
            .database
            .url
            .expose_secret()
            .parse()
            .unwrap()
    };
    let counter = StatementCounter::start(&upstream).await;
    let counted = web::Application::build_with_clock(
        platform.config.clone(),
        counter.pool(&upstream, 2).await,
        platform.clock.clone() as SharedClock,
    )
    .await
    .expect("a second web process on the counted pool");
    let addr = counted.local_addr();
    let stop = tokio_util::sync::CancellationToken::new();
    let running = tokio::spawn(counted.run_until_stopped(stop.clone()));
    // The process's tenant directory subscribes to changes and reloads on its own schedule
    // (right after start, for one); that is not work of the request.
    let of_the_request =
        |sql: &String| !sql.starts_with("LISTEN") && !sql.contains("FROM platform.tenants t");

    for (who, visitor, shows_beheer) in [("member", member, false), ("admin", admin, true)] {
        let mut visitor = visitor.through(addr);
        let before = counter.executed().len();
        let page = visitor.get("/hulp").await;
        let ran: Vec<String> = counter.executed()[before..]
            .iter()
            .filter(|sql| of_the_request(sql))
            .cloned()
            .collect();
        assert_eq!(page.status, StatusCode::OK, "{who}");
        assert_eq!(
            page.body.contains("href=\"/beheer\""),
            shows_beheer,
            "{who}: the way to Beheer follows the role"
        );
        assert_eq!(ran.len(), 1, "{who}: {ran:#?}");
        assert!(
            ran[0].contains("FROM platform.sessions s"),
            "{who}: {ran:#?}"
        );
    }
    stop.cancel();
    running.await.unwrap().unwrap();
    platform.finish().await;
}

/// Links in e-mail are built from the tenant's configured host and the platform's scheme and
/// port: a `Host` header with another port or spelling, which still finds the portal, does not
/// reach the link.
#[tokio::test]
async fn links_in_mail_use_the_configured_host_not_the_host_header() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Eigen Adres", "#1d5c8f")
        .await;
    let port = platform.web_addr.unwrap().port();
    let email = platform.unique_email("adres");
    let mut visitor = Visitor::new(&platform, &tenant.hosts[0]);
    visitor.host = format!("{}.:6666", tenant.hosts[0].to_uppercase());
    accounts::sign_up(&mut visitor, "Adres", &email, PASSWORD).await;
    let mail = accounts::mail_with_subject(
        &platform,
        &email,
        &format!("Welkom bij {}", tenant.display_name),
    )
    .await;
    let expected = format!(
        "http://{}:{port}/account/bevestigen?token=",
        tenant.hosts[0]
    );
    let text = mail.text.clone().unwrap_or_default();
    assert!(text.contains(&expected), "{text}");
    assert!(!text.contains(":6666"), "{text}");
    platform.finish().await;
}

/// The CSRF value is renewed at sign-in and at sign-out: a form token from a page seen before
/// either moment posts nothing afterwards.
#[tokio::test]
async fn the_csrf_token_is_renewed_at_sign_in_and_sign_out() {
    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Nieuw Token", "#1d5c8f")
        .await;
    let email = platform.unique_email("token");
    let mut visitor = Visitor::new(&platform, &tenant.hosts[0]);
    accounts::sign_up(&mut visitor, "Token", &email, PASSWORD).await;
    accounts::confirm_from_mail(&platform, &tenant, &mut visitor, &email).await;
    accounts::enter_password(&mut visitor, &email, PASSWORD).await;
    let cookie_before = visitor
        .cookies
        .get("zp_csrf")
        .cloned()
        .expect("csrf cookie");
    let token_before = visitor.csrf.clone().expect("a form token");
    let code = accounts::mailed_code(&platform, &tenant, &email, 1).await;
    let page = visitor.post("/inloggen/code", &[("code", &code)]).await;
    assert_eq!(page.location(), Some("/overzicht"), "{}", page.body);
    let cookie_signed_in = visitor
        .cookies
        .get("zp_csrf")
        .cloned()
        .expect("csrf cookie");
    assert_ne!(cookie_signed_in, cookie_before, "renewed at sign-in");

    // The token of the code page no longer signs the person out.
    visitor.csrf = Some(token_before);
    let refused = visitor.post("/uitloggen", &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(visitor.get("/overzicht").await.status, StatusCode::OK);
    let token_signed_in = visitor.csrf.clone().expect("a form token");

    let out = visitor.post("/uitloggen", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER, "{}", out.body);
    let cookie_after = visitor
        .cookies
        .get("zp_csrf")
        .cloned()
        .expect("csrf cookie");
    assert_ne!(cookie_after, cookie_signed_in, "renewed at sign-out");
    // A signed-in page's token, replayed after sign-out, posts nothing.
    visitor.get("/inloggen").await;
    visitor.csrf = Some(token_signed_in);
    let replay = visitor
        .post("/inloggen", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_eq!(replay.status, StatusCode::FORBIDDEN, "{}", replay.body);
    platform.finish().await;
}

/// ACC-4's long-term cap: the day's last allowed wrong code holds the account. Every session
/// ends, the owner is mailed, the right password no longer leads to a code, and only a new
/// password chosen through the mailed link lifts the hold.
#[tokio::test]
async fn too_many_wrong_codes_in_a_day_hold_the_account_until_a_password_reset() {
    use common::accounts::lockout::DAILY_WRONG_CODES;

    let platform = TestPlatform::start().await;
    let tenant = platform
        .create_tenant("Zorggroep Geblokkeerd", "#1d5c8f")
        .await;
    let (mut laptop, email) = accounts::signed_in(&platform, &tenant, "geblokkeerd").await;
    let account = accounts::account_id(&platform, &email).await;
    // Earlier today, one wrong code short of the cap.
    sqlx::query(
        "INSERT INTO platform.throttles (key, window_start, hits, last_hit_at)
         VALUES ($1, $2, $3, $2)",
    )
    .bind(format!("wrong_codes_day:{}", account.0))
    .bind(platform.clock.now() - time::Duration::hours(3))
    .bind(DAILY_WRONG_CODES - 1)
    .execute(&platform.db)
    .await
    .unwrap();

    let mut guesser = Visitor::new(&platform, &tenant.hosts[0]);
    accounts::enter_password(&mut guesser, &email, PASSWORD).await;
    let code = accounts::mailed_code(&platform, &tenant, &email, 2).await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let held = guesser.post("/inloggen/code", &[("code", wrong)]).await;
    assert_eq!(held.status, StatusCode::FORBIDDEN, "{}", held.body);
    assert!(held.shows("Je account is geblokkeerd"), "{}", held.body);
    assert!(guesser.session().is_none(), "the pending sign-in ended");
    assert_eq!(security_events(&platform, account, "code_lockout").await, 1);
    let sessions: i64 =
        sqlx::query_scalar("SELECT count(*) FROM platform.sessions WHERE account_id = $1")
            .bind(account.0)
            .fetch_one(&platform.db)
            .await
            .unwrap();
    assert_eq!(sessions, 0, "every session of the account ended");
    assert_eq!(laptop.get("/overzicht").await.status, StatusCode::SEE_OTHER);
    let warning = accounts::mail_with_subject(
        &platform,
        &email,
        &format!(
            "Iemand probeerde in te loggen op je account bij {}",
            tenant.display_name
        ),
    )
    .await;
    accounts::link_in(&warning, "/wachtwoord-vergeten");

    // The right password leads to the hold, not to a code; the code that was sent is dead.
    guesser.get("/inloggen").await;
    let again = guesser
        .post("/inloggen", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_eq!(again.status, StatusCode::FORBIDDEN, "{}", again.body);
    assert!(again.shows("Je account is geblokkeerd"), "{}", again.body);
    assert!(guesser.session().is_none());

    // A new password through the mailed link lifts it.
    let new_password = "Weer-Binnen-Na-De-Blokkade-2026";
    accounts::reset_password(&platform, &tenant, &mut laptop, &email, new_password).await;
    accounts::enter_password(&mut laptop, &email, new_password).await;
    let code = accounts::mailed_code(&platform, &tenant, &email, 3).await;
    let page = laptop.post("/inloggen/code", &[("code", &code)]).await;
    assert_eq!(page.location(), Some("/overzicht"), "{}", page.body);
    platform.finish().await;
}
