//! Sign-in (ACC-3), the second factor (ACC-4) and sign-out (ACC-6).
//!
//! The password starts a `second_factor` session under a new cookie (whatever cookie the
//! browser brought is ended: no fixation); the right code replaces it with an active session
//! under yet another token. Wrong passwords and codes are rate-limited per account and per
//! address, and each refusal is written to the security log. A code for a phone takes one
//! message of the hourly SMS and voice budget; when that is spent the code goes by e-mail, and
//! the code page says so.

use common::accounts::codes::{self, Channel, CodeCheck, CodePurpose, CodeScope};
use common::accounts::links::{self, LinkPurpose};
use common::accounts::lockout;
use common::accounts::security_log::{self, SecurityEvent};
use common::accounts::sessions::{self, Stage};
use common::accounts::{self, Account, EmailAddress};
use common::infra::db::in_transaction;
use common::infra::outbox::Message;
use common::infra::tenancy::Tenant;
use common::infra::throttle::{
    self, PhoneBudget, CODE_ACCOUNT, CODE_SENDS, SIGN_IN_ACCOUNT, SIGN_IN_IP,
};
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Form, Query, Redirect};
use poem::{handler, IntoResponse, Request, Response};
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::json;
use sqlx::PgConnection;
use time::OffsetDateTime;

use crate::access::session::{client_ip, origin, session_token, AnySession, PendingSignIn};
use crate::http::cookies;
use crate::http::csrf;
use crate::http::error::AppError;
use crate::http::forms::{checked, local_path, mail_account, notify, text, wait_text, Secret};
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;
use crate::routes::portal::account::code_entry::{self, CodeEntry, CodeForm};

#[derive(Debug, Default, Deserialize)]
pub struct SignInQuery {
    /// A notice to show above the form, by name: `bevestigd`, `uitgelogd`, `wachtwoord`.
    melding: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: Secret,
    remember: Option<String>,
}

fn notice_for(melding: Option<&str>) -> Option<&'static str> {
    match melding? {
        "bevestigd" => Some("signin-notice-confirmed"),
        "uitgelogd" => Some("signin-notice-signed-out"),
        "wachtwoord" => Some("signin-notice-password-changed"),
        "verlopen" => Some("signin-notice-expired"),
        _ => None,
    }
}

fn sign_in_page(
    pages: &PageRenderer,
    status: StatusCode,
    email: &str,
    error: Option<String>,
) -> Result<Response, AppError> {
    pages.status(
        "portal/account/signin.html",
        status,
        context! { email, error },
    )
}

#[handler]
pub fn show_form(
    pages: PageRenderer,
    Query(query): Query<SignInQuery>,
) -> Result<Response, AppError> {
    let pages = pages.notice(notice_for(query.melding.as_deref()));
    sign_in_page(&pages, StatusCode::OK, "", None)
}

fn session_cookie(state: &AppState, token: &str, remember: bool) -> String {
    let max_age = remember.then(|| sessions::REMEMBERED_TIMEOUT.as_secs());
    cookies::set(&state.config.web, cookies::SESSION, token, max_age)
}

/// Issues a sign-in code for the pending `session` and queues it, in the caller's transaction:
/// by SMS or voice while the hour's budget lasts, else by e-mail.
async fn send_code(
    state: &AppState,
    tenant: &Tenant,
    conn: &mut PgConnection,
    account: &Account,
    session: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    let budget = PhoneBudget::from_config(&state.config.phone);
    let route =
        codes::route_sign_in_code(conn, &budget, tenant.slug.as_str(), account, now).await?;
    let scope = CodeScope {
        account: account.id,
        purpose: CodePurpose::SignIn,
        session: Some(session),
    };
    let code = codes::issue(conn, &state.key, scope, route.channel, None, now).await?;
    CODE_SENDS
        .record(&mut *conn, &account.id.to_string(), now)
        .await?;
    let message = Message::SignInCode {
        name: account.name.clone(),
        code: code.into(),
    };
    notify(conn, tenant, now, route.to, account.language, message).await
}

/// What came of the right password, once its transaction committed.
enum PasswordAccepted {
    /// The address is not confirmed yet; whether a new confirmation mail went out.
    Unconfirmed { resent: bool },
    /// Too many wrong codes: held until a new password is chosen.
    Held,
    /// Too many codes were sent lately: none is sent now.
    SendsLocked(throttle::Decision),
    /// A second-factor session started under this token, and its code is on its way.
    CodeSent(String),
}

#[handler]
pub async fn submit(
    req: &Request,
    state: Data<&AppState>,
    pages: PageRenderer,
    Form(form): Form<SignInForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let language = pages.context().language;
    let ip = client_ip(req, &state);
    let refuse = |status, text: String| sign_in_page(&pages, status, &form.email, Some(text));
    let wrong = || text(language, "signin-wrong");
    let Ok(email) = EmailAddress::parse(&form.email) else {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, wrong());
    };
    // Keyed by the address as typed, so unknown addresses are limited exactly like known ones.
    let subject = email.as_str().to_lowercase();
    // Every try is counted before the password is hashed, one locked step per counter: of many
    // tries at once, only as many as the limits allow reach the hasher.
    // Both counters in one transaction, always in this order, so two sign-ins never wait on
    // each other's rows crosswise.
    let decision = in_transaction(&state.db, async |conn| {
        let account = SIGN_IN_ACCOUNT.reserve_in(conn, &subject, now).await?;
        let address = SIGN_IN_IP.reserve_in(conn, &ip, now).await?;
        Ok::<_, sqlx::Error>(account.and(address))
    })
    .await?;
    let found = accounts::find_by_email(&state.db, &email).await?;
    let account_id = found.as_ref().map(|(a, _)| a.id);
    if !decision.is_allowed() {
        security_log::record(
            &state.db,
            account_id,
            SecurityEvent::SignInThrottled,
            &ip,
            json!({ "retry_after_s": decision.retry_after().as_secs() }),
            now,
        )
        .await?;
        return refuse(StatusCode::TOO_MANY_REQUESTS, wait_text(language, decision));
    }

    let password = SecretString::from(form.password.clone());
    let matches = state
        .hasher
        .verify(&password, found.as_ref().map(|(_, hash)| hash.as_str()))
        .await
        .map_err(AppError::internal)?;
    let Some((account, _)) = found.filter(|_| matches) else {
        security_log::record(
            &state.db,
            account_id,
            SecurityEvent::WrongPassword,
            &ip,
            json!({}),
            now,
        )
        .await?;
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, wrong());
    };

    let old_token = session_token(req, &state);
    let origin = origin(req, &state);
    let accepted = in_transaction(&state.db, async |conn| {
        SIGN_IN_ACCOUNT.clear(&mut *conn, &subject).await?;
        // The address's counter is for wrong passwords: a right one takes its hit back.
        SIGN_IN_IP.release(&mut *conn, &ip).await?;
        if !account.is_confirmed() {
            let resent = resend_confirmation(&pages, conn, &account, now).await?;
            return Ok(PasswordAccepted::Unconfirmed { resent });
        }
        // Said only after the right password, so it tells a stranger nothing.
        if lockout::is_held(&mut *conn, account.id).await? {
            return Ok(PasswordAccepted::Held);
        }
        let sends = CODE_SENDS
            .check(&mut *conn, &account.id.to_string(), now)
            .await?;
        if let throttle::Decision::Locked(_) = sends {
            return Ok(PasswordAccepted::SendsLocked(sends));
        }
        // Whatever session the browser brought ends here; the new one has a new token.
        if let Some(old) = &old_token {
            sessions::end(&mut *conn, old).await?;
        }
        let (token, session) = sessions::start(
            &mut *conn,
            account.id,
            Stage::SecondFactor,
            checked(&form.remember),
            pages.tenant().slug.as_str(),
            &origin,
            now,
        )
        .await?;
        send_code(&state, pages.tenant(), conn, &account, session, now).await?;
        Ok::<_, AppError>(PasswordAccepted::CodeSent(token.value))
    })
    .await?;
    match accepted {
        PasswordAccepted::Unconfirmed { resent } => {
            let key = if resent {
                "signin-unconfirmed-resent"
            } else {
                "signin-unconfirmed"
            };
            refuse(StatusCode::FORBIDDEN, text(language, key))
        }
        PasswordAccepted::Held => refuse(StatusCode::FORBIDDEN, text(language, "signin-held")),
        PasswordAccepted::SendsLocked(sends) => {
            refuse(StatusCode::TOO_MANY_REQUESTS, wait_text(language, sends))
        }
        PasswordAccepted::CodeSent(token) => {
            let response = Redirect::see_other("/inloggen/code").into_response();
            Ok(cookies::attach(
                response,
                session_cookie(&state, &token, false),
            ))
        }
    }
}

/// A new confirmation mail for an account that signs in before confirming (its link may have
/// expired), at most as often as codes are sent. Returns whether one was sent.
async fn resend_confirmation(
    pages: &PageRenderer,
    conn: &mut PgConnection,
    account: &Account,
    now: OffsetDateTime,
) -> Result<bool, AppError> {
    let subject = account.id.to_string();
    let decision = CODE_SENDS.check(&mut *conn, &subject, now).await?;
    if !decision.is_allowed() {
        return Ok(false);
    }
    CODE_SENDS.record(&mut *conn, &subject, now).await?;
    let link = links::create(conn, account.id, LinkPurpose::ConfirmEmail, now).await?;
    let message = Message::ConfirmEmail {
        name: account.name.clone(),
        link: pages
            .context()
            .link(&format!("/account/bevestigen?token={}", link.value))
            .into(),
    };
    mail_account(conn, pages.tenant(), now, account, message).await?;
    Ok(true)
}

/// The page for the code; a notice (a catalogue key) comes with `pages`. It says where the
/// newest code went: to the phone, or to the e-mail address when the phone could not get it.
async fn code_page(
    state: &AppState,
    pages: &PageRenderer,
    pending: &PendingSignIn,
    status: StatusCode,
    error: Option<String>,
) -> Result<Response, AppError> {
    let account = &pending.account;
    let scope = CodeScope {
        account: account.id,
        purpose: CodePurpose::SignIn,
        session: Some(pending.session.id),
    };
    let preferred = codes::preferred_channel(account);
    let channel = codes::latest(&state.db, scope)
        .await?
        .map_or(preferred, |code| code.channel);
    let instead_of =
        (channel == Channel::Email && preferred != Channel::Email).then_some(preferred.as_str());
    let sent_to = match (channel, account.phone()) {
        (Channel::Sms | Channel::Voice, Some((phone, _))) => phone.masked(),
        _ => EmailAddress::parse(&account.email)
            .map(|e| e.masked())
            .unwrap_or_default(),
    };
    pages.status(
        "portal/account/signin_code.html",
        status,
        context! {
            name => &account.name,
            channel => channel.as_str(),
            instead_of,
            sent_to,
            error,
        },
    )
}

/// The page a signed-out person had asked for (kept in a cookie by the sign-in redirect), or
/// the overview.
fn after_sign_in(req: &Request, state: &AppState) -> String {
    cookies::read_with(req, state.config.web.https, cookies::RETURN_TO)
        .and_then(|value| {
            form_urlencoded::parse(format!("p={value}").as_bytes())
                .next()
                .map(|(_, path)| path.into_owned())
        })
        .filter(|path| local_path(path).is_some())
        .unwrap_or_else(|| "/overzicht".to_owned())
}

#[handler]
pub async fn code_form(
    state: Data<&AppState>,
    pages: PageRenderer,
    pending: PendingSignIn,
) -> Result<Response, AppError> {
    code_page(&state, &pages, &pending, StatusCode::OK, None).await
}

#[handler]
pub async fn code_submit(
    req: &Request,
    state: Data<&AppState>,
    pages: PageRenderer,
    pending: PendingSignIn,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let language = pages.context().language;
    let ip = client_ip(req, &state);
    let subject = pending.account.id.to_string();
    let refuse =
        async |status, text: String| code_page(&state, &pages, &pending, status, Some(text)).await;
    // Counted before the code is checked, per account over all its pending sign-ins.
    let decision = CODE_ACCOUNT.reserve(&state.db, &subject, now).await?;
    if !decision.is_allowed() {
        security_log::record(
            &state.db,
            Some(pending.account.id),
            SecurityEvent::CodeThrottled,
            &ip,
            json!({}),
            now,
        )
        .await?;
        return refuse(StatusCode::TOO_MANY_REQUESTS, wait_text(language, decision)).await;
    }
    let scope = CodeScope {
        account: pending.account.id,
        purpose: CodePurpose::SignIn,
        session: Some(pending.session.id),
    };
    let verdict = in_transaction(&state.db, async |conn| {
        let (check, _) = codes::verify(conn, &state.key, scope, &form.code, now).await?;
        if check != CodeCheck::Accepted {
            // The wrong try is counted even though nothing else changes: it commits.
            return Ok(Err(check));
        }
        let (token, _) = sessions::promote(conn, &pending.session, now).await?;
        CODE_ACCOUNT.clear(&mut *conn, &subject).await?;
        security_log::record(
            &mut *conn,
            Some(pending.account.id),
            SecurityEvent::SignedIn,
            &ip,
            json!({ "tenant": pages.tenant().slug.as_str() }),
            now,
        )
        .await?;
        Ok::<_, AppError>(Ok(token))
    })
    .await?;
    match verdict {
        Ok(token) => {
            let response = Redirect::see_other(after_sign_in(req, &state)).into_response();
            let response = cookies::attach(
                response,
                cookies::clear(&state.config.web, cookies::RETURN_TO),
            );
            // From now on pages speak the language stored on the account (ACC-7).
            let response = cookies::attach(
                response,
                cookies::language(&state.config.web, pending.account.language),
            );
            let response = cookies::attach(response, csrf::renewed_cookie(&state));
            Ok(cookies::attach(
                response,
                session_cookie(&state, &token.value, pending.session.remember),
            ))
        }
        Err(check) => {
            let entry = CodeEntry {
                account: pending.account.id,
                ip: &ip,
                purpose: "sign_in",
                language,
                now,
            };
            let guessed = matches!(check, CodeCheck::Wrong { .. } | CodeCheck::Locked);
            let (status, refusal) =
                code_entry::refused(&state, &entry, check, "code-expired").await?;
            if guessed && hold_after_wrong_code(&state, &pages, &pending.account, &ip, now).await? {
                let page = sign_in_page(
                    &pages,
                    StatusCode::FORBIDDEN,
                    &pending.account.email,
                    Some(text(language, "signin-held")),
                )?;
                return Ok(cookies::attach(
                    page,
                    cookies::clear(&state.config.web, cookies::SESSION),
                ));
            }
            refuse(status, refusal).await
        }
    }
}

/// Counts a wrong sign-in code towards the day's cap; when it puts the hold on, the sessions
/// have ended, and the owner is mailed and the security log told, in the same transaction.
async fn hold_after_wrong_code(
    state: &AppState,
    pages: &PageRenderer,
    account: &Account,
    ip: &str,
    now: OffsetDateTime,
) -> Result<bool, AppError> {
    in_transaction(&state.db, async |conn| {
        if !lockout::count_wrong_code(conn, account.id, now).await? {
            return Ok(false);
        }
        security_log::record(
            &mut *conn,
            Some(account.id),
            SecurityEvent::CodeLockout,
            ip,
            json!({ "wrong_codes_today": lockout::DAILY_WRONG_CODES }),
            now,
        )
        .await?;
        let message = Message::CodeLockout {
            name: account.name.clone(),
            reset_link: pages.context().link("/wachtwoord-vergeten"),
        };
        mail_account(conn, pages.tenant(), now, account, message).await?;
        Ok::<_, AppError>(true)
    })
    .await
}

/// "E-mail nogmaals versturen": a new code, at most one a minute.
#[handler]
pub async fn resend_code(
    state: Data<&AppState>,
    pages: PageRenderer,
    pending: PendingSignIn,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let language = pages.context().language;
    let decision = CODE_SENDS
        .check(&state.db, &pending.account.id.to_string(), now)
        .await?;
    if !decision.is_allowed() {
        let wait = wait_text(language, decision);
        let status = StatusCode::TOO_MANY_REQUESTS;
        return code_page(&state, &pages, &pending, status, Some(wait)).await;
    }
    in_transaction(&state.db, async |conn| {
        let session = pending.session.id;
        send_code(&state, pages.tenant(), conn, &pending.account, session, now).await
    })
    .await?;
    let pages = pages.notice(Some("code-resent"));
    code_page(&state, &pages, &pending, StatusCode::OK, None).await
}

/// Ends the session on the server and removes the cookie.
#[handler]
pub async fn sign_out(
    state: Data<&AppState>,
    AnySession(session): AnySession,
) -> Result<Response, AppError> {
    if let Some((_, _, token)) = session {
        sessions::end(&state.db, &token).await?;
    }
    let response = Redirect::see_other("/inloggen?melding=uitgelogd").into_response();
    let response = cookies::attach(response, csrf::renewed_cookie(&state));
    Ok(cookies::attach(
        response,
        cookies::clear(&state.config.web, cookies::SESSION),
    ))
}
