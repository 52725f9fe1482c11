//! Steps that many account tests share: sign up, confirm from the mail, sign in with the code
//! from the mail. Each step checks what it expects, so a broken step fails where it breaks.

use std::time::Duration;

use common::accounts::{self as domain_accounts, AccountId, EmailAddress};
use common::infra::clock::Clock;
use common::infra::tenancy::Tenant;
use common::organisation::admins;
use reqwest::StatusCode;

use crate::mail::CaughtMail;
use crate::visitor::{unescape, Visitor};
use crate::TestPlatform;

pub const PASSWORD: &str = "Tulp-Fietsbel-Kaas-42";
const MAIL_WAIT: Duration = Duration::from_secs(20);

/// The newest mail to `address` whose subject starts with `subject`; waits for it.
pub async fn mail_with_subject(
    platform: &TestPlatform,
    address: &str,
    subject: &str,
) -> CaughtMail {
    crate::eventually(
        MAIL_WAIT,
        &format!("mail '{subject}' to {address}"),
        || async {
            platform
                .mail
                .to(address)
                .await
                .into_iter()
                .rev()
                .find(|m| m.subject.starts_with(subject))
        },
    )
    .await
}

/// Every mail to `address` whose subject starts with `subject`, without waiting.
pub async fn mails_with_subject(
    platform: &TestPlatform,
    address: &str,
    subject: &str,
) -> Vec<CaughtMail> {
    platform
        .mail
        .to(address)
        .await
        .into_iter()
        .filter(|m| m.subject.starts_with(subject))
        .collect()
}

/// The path (and query) of the first link in the mail to `path` on the portal.
pub fn link_in(mail: &CaughtMail, path: &str) -> String {
    let text = mail.text.clone().unwrap_or_default();
    let html = unescape(mail.html.as_deref().unwrap_or_default());
    for body in [text, html] {
        if let Some(start) = body.find(path) {
            let rest = &body[start..];
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == ')')
                .unwrap_or(rest.len());
            return rest[..end].to_owned();
        }
    }
    panic!("no link to {path} in mail '{}'", mail.subject)
}

/// The six-digit code in a text.
pub fn code_in(text: &str) -> String {
    let digits: Vec<char> = text.chars().collect();
    for window in 0..digits.len().saturating_sub(5) {
        let candidate: String = digits[window..window + 6].iter().collect();
        let before = window.checked_sub(1).map(|i| digits[i]);
        let after = digits.get(window + 6);
        if candidate.chars().all(|c| c.is_ascii_digit())
            && !before.is_some_and(|c| c.is_ascii_digit())
            && !after.is_some_and(|c| c.is_ascii_digit())
        {
            return candidate;
        }
    }
    panic!("no six-digit code in: {text}")
}

/// Signs up `name` with `email` and `password`; expects the "check your mail" page.
pub async fn sign_up(visitor: &mut Visitor, name: &str, email: &str, password: &str) {
    visitor.get("/aanmelden").await;
    let page = visitor
        .post(
            "/aanmelden",
            &[
                ("name", name),
                ("email", email),
                ("password", password),
                ("password_confirmation", password),
                ("terms", "on"),
            ],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "sign-up refused: {}",
        page.body
    );
    assert!(page.shows("Kijk in je e-mail"), "{}", page.body);
}

/// Opens the confirmation link from the welcome mail and presses "Bevestigen".
pub async fn confirm_from_mail(
    platform: &TestPlatform,
    tenant: &Tenant,
    visitor: &mut Visitor,
    email: &str,
) {
    let mail = mail_with_subject(
        platform,
        email,
        &format!("Welkom bij {}", tenant.display_name),
    )
    .await;
    let link = link_in(&mail, "/account/bevestigen?token=");
    let page = visitor.get(&link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.shows("Bevestigen"));
    let token = page
        .hidden("token")
        .expect("token field on the confirm page");
    let done = visitor
        .post("/account/bevestigen", &[("token", &token)])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
}

/// Signs in with the password; expects to be sent to the code page.
pub async fn enter_password(visitor: &mut Visitor, email: &str, password: &str) {
    visitor.get("/inloggen").await;
    let page = visitor
        .post("/inloggen", &[("email", email), ("password", password)])
        .await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "sign-in refused: {}",
        page.body
    );
    assert_eq!(page.location(), Some("/inloggen/code"));
    visitor.get("/inloggen/code").await;
}

/// The code of the `nth` sign-in code mail to `email` (1 for the first sign-in); waits for it,
/// so an older code mail is never mistaken for the one just asked for.
pub async fn mailed_code(
    platform: &TestPlatform,
    tenant: &Tenant,
    email: &str,
    nth: usize,
) -> String {
    let subject = format!(
        "Twee-factor authenticatie inlogcode voor {}",
        tenant.display_name
    );
    let mail = eventually_mails(platform, email, &subject, nth).await;
    code_in(mail.text.as_deref().unwrap_or_default())
}

/// A new, confirmed and signed-in account on `tenant`'s portal.
pub async fn signed_in(platform: &TestPlatform, tenant: &Tenant, who: &str) -> (Visitor, String) {
    let email = platform.unique_email(who);
    let visitor = signed_in_as(platform, tenant, who, &email).await;
    (visitor, email)
}

/// A new account for `email`, confirmed and signed in on `tenant`'s portal.
pub async fn signed_in_as(
    platform: &TestPlatform,
    tenant: &Tenant,
    who: &str,
    email: &str,
) -> Visitor {
    let mut visitor = Visitor::new(platform, &tenant.hosts[0]);
    sign_up(&mut visitor, who, email, PASSWORD).await;
    confirm_from_mail(platform, tenant, &mut visitor, email).await;
    enter_password(&mut visitor, email, PASSWORD).await;
    let code = mailed_code(platform, tenant, email, 1).await;
    let page = visitor.post("/inloggen/code", &[("code", &code)]).await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "code refused: {}",
        page.body
    );
    assert_eq!(page.location(), Some("/overzicht"));
    // As a browser follows the redirect: the overview's forms carry the form token that
    // signing in renewed.
    let overview = visitor.get("/overzicht").await;
    assert_eq!(overview.status, StatusCode::OK, "{}", overview.body);
    visitor
}

/// The newest of at least `count` mails to `address` whose subject starts with `subject`.
pub async fn eventually_mails(
    platform: &TestPlatform,
    address: &str,
    subject: &str,
    count: usize,
) -> CaughtMail {
    crate::eventually(MAIL_WAIT, &format!("{count} mails '{subject}'"), || async {
        let mails = mails_with_subject(platform, address, subject).await;
        (mails.len() >= count)
            .then(|| mails.last().cloned())
            .flatten()
    })
    .await
}

/// The id of the account behind `email`.
pub async fn account_id(platform: &TestPlatform, email: &str) -> AccountId {
    let email = EmailAddress::parse(email).unwrap();
    let (account, _) = domain_accounts::find_by_email(&platform.db, &email)
        .await
        .unwrap()
        .expect("account exists");
    account.id
}

/// Gives the account behind `email` the tenant-admin role for `tenant`.
pub async fn make_admin(platform: &TestPlatform, tenant: &Tenant, email: &str) {
    let account = account_id(platform, email).await;
    admins::grant(&platform.db, tenant.id, account, platform.clock.now())
        .await
        .unwrap();
}

/// Signs `email` (an account made on another portal) in on `tenant`'s portal.
pub async fn sign_in_on(platform: &TestPlatform, tenant: &Tenant, email: &str) -> Visitor {
    let mut visitor = Visitor::new(platform, &tenant.hosts[0]);
    enter_password(&mut visitor, email, PASSWORD).await;
    let code = mailed_code(platform, tenant, email, 1).await;
    let page = visitor.post("/inloggen/code", &[("code", &code)]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    visitor
}

/// Asks for a new password on "Wachtwoord vergeten?", opens the mailed link and sets
/// `new_password`; expects it to be taken.
pub async fn reset_password(
    platform: &TestPlatform,
    tenant: &Tenant,
    visitor: &mut Visitor,
    email: &str,
    new_password: &str,
) {
    visitor.get("/wachtwoord-vergeten").await;
    visitor
        .post("/wachtwoord-vergeten", &[("email", email)])
        .await;
    let subject = format!("Nieuw wachtwoord kiezen voor {}", tenant.display_name);
    let mail = mail_with_subject(platform, email, &subject).await;
    let form = visitor
        .get(&link_in(&mail, "/wachtwoord-herstellen?token="))
        .await;
    let token = form.hidden("token").expect("token field on the reset page");
    let fields = [
        ("token", token.as_str()),
        ("password", new_password),
        ("password_confirmation", new_password),
    ];
    let done = visitor.post("/wachtwoord-herstellen", &fields).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
}
