//! Sign-in (ACC-3), the second factor (ACC-4) and sign-out (ACC-6).
//!
//! The password starts a `second_factor` session under a new cookie (whatever cookie the
//! browser brought is ended: no fixation); the right code replaces it with an active session
//! under yet another token. Wrong passwords and codes are rate-limited per account and per
//! address, and each refusal is written to the security log.

use common::accounts::codes::{self, Channel, CodeCheck, CodePurpose, CodeScope};
use common::accounts::links::{self, LinkPurpose};
use common::accounts::security_log::{self, SecurityEvent};
use common::accounts::sessions::{self, Stage};
use common::accounts::throttle::{self, CODE_ACCOUNT, CODE_SENDS, SIGN_IN_ACCOUNT, SIGN_IN_IP};
use common::accounts::{self, Account, EmailAddress, PhoneKind};
use common::outbox::{Message, Recipient};
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Form, Query, Redirect};
use poem::{handler, IntoResponse, Request, Response};
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::json;
use time::OffsetDateTime;

use crate::auth::code_entry::{self, CodeEntry, CodeForm};
use crate::auth::{client_ip, cookies, origin, session_token, AnySession, PendingSignIn};
use crate::error::AppError;
use crate::forms::{checked, email_to, local_path, mail_account, notify, wait_text};
use crate::middleware::Portal;
use crate::state::AppState;

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
    password: String,
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
    state: &AppState,
    portal: &Portal,
    status: StatusCode,
    email: &str,
    notice: Option<&str>,
    error: Option<String>,
) -> Result<Response, AppError> {
    state.views.page_with_status(
        "signin.html",
        &portal.ctx,
        &portal.tenant,
        status,
        context! { email, notice, error },
    )
}

#[handler]
pub fn show_form(
    portal: Portal,
    state: Data<&AppState>,
    Query(query): Query<SignInQuery>,
) -> Result<Response, AppError> {
    sign_in_page(
        &state,
        &portal,
        StatusCode::OK,
        "",
        notice_for(query.melding.as_deref()),
        None,
    )
}

fn session_cookie(state: &AppState, token: &str, remember: bool) -> String {
    let max_age = remember.then(|| sessions::REMEMBERED_TIMEOUT.as_secs());
    cookies::set(&state.config.web, cookies::SESSION, token, max_age)
}

/// The channel a code goes by: SMS to a verified mobile, a call to a landline, else e-mail.
fn code_route(account: &Account) -> (Channel, Recipient) {
    match account.phone() {
        Some((phone, PhoneKind::Mobile)) => (
            Channel::Sms,
            Recipient::Sms {
                phone: phone.as_str().to_owned(),
            },
        ),
        Some((phone, PhoneKind::Landline)) => (
            Channel::Voice,
            Recipient::Voice {
                phone: phone.as_str().to_owned(),
            },
        ),
        None => (Channel::Email, email_to(&account.email, &account.name)),
    }
}

/// Issues a sign-in code for the pending `session` and queues it, in `tx`.
async fn send_code(
    state: &AppState,
    portal: &Portal,
    tx: &mut sqlx::PgConnection,
    account: &Account,
    session: uuid::Uuid,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    let (channel, to) = code_route(account);
    let scope = CodeScope {
        account: account.id,
        purpose: CodePurpose::SignIn,
        session: Some(session),
    };
    let code = codes::issue(tx, &state.key, scope, channel, None, now).await?;
    CODE_SENDS
        .record(&mut *tx, &account.id.to_string(), now)
        .await?;
    let message = Message::SignInCode {
        name: account.name.clone(),
        code,
    };
    notify(tx, &portal.tenant, now, to, account.language, message).await
}

#[handler]
pub async fn submit(
    req: &Request,
    portal: Portal,
    state: Data<&AppState>,
    Form(form): Form<SignInForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let language = portal.ctx.language;
    let ip = client_ip(req, &state);
    let refuse =
        |status, text: String| sign_in_page(&state, &portal, status, &form.email, None, Some(text));
    let wrong = || crate::forms::text(language, "signin-wrong");
    let Ok(email) = EmailAddress::parse(&form.email) else {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, wrong());
    };
    // Keyed by the address as typed, so unknown addresses are limited exactly like known ones.
    let subject = email.as_str().to_lowercase();
    let decision = SIGN_IN_ACCOUNT
        .check(&state.db, &subject, now)
        .await?
        .and(SIGN_IN_IP.check(&state.db, &ip, now).await?);
    let found = accounts::find_by_email(&state.db, &email).await?;
    let account_id = found.as_ref().map(|(a, _)| a.id);
    if !decision.is_allowed() {
        record_failure(&state, &subject, &ip, now).await?;
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
        record_failure(&state, &subject, &ip, now).await?;
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

    let mut tx = state.db.begin().await?;
    SIGN_IN_ACCOUNT.clear(&mut *tx, &subject).await?;
    if !account.is_confirmed() {
        let resend = resend_confirmation(&portal, &mut tx, &account, now).await?;
        tx.commit().await?;
        let text = if resend {
            "signin-unconfirmed-resent"
        } else {
            "signin-unconfirmed"
        };
        return refuse(StatusCode::FORBIDDEN, crate::forms::text(language, text));
    }
    let sends = CODE_SENDS
        .check(&mut *tx, &account.id.to_string(), now)
        .await?;
    if let throttle::Decision::Locked(_) = sends {
        tx.commit().await?;
        return refuse(StatusCode::TOO_MANY_REQUESTS, wait_text(language, sends));
    }
    // Whatever session the browser brought ends here; the new one has a new token.
    if let Some(old) = session_token(req, &state) {
        sessions::end(&mut *tx, &old).await?;
    }
    let (token, session) = sessions::start(
        &mut *tx,
        account.id,
        Stage::SecondFactor,
        checked(&form.remember),
        portal.tenant.slug.as_str(),
        &origin(req, &state),
        now,
    )
    .await?;
    send_code(&state, &portal, &mut tx, &account, session, now).await?;
    tx.commit().await?;
    let response = Redirect::see_other("/inloggen/code").into_response();
    Ok(cookies::attach(
        response,
        session_cookie(&state, &token.value, false),
    ))
}

async fn record_failure(
    state: &AppState,
    subject: &str,
    ip: &str,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    SIGN_IN_ACCOUNT.record(&state.db, subject, now).await?;
    SIGN_IN_IP.record(&state.db, ip, now).await?;
    Ok(())
}

/// A new confirmation mail for an account that signs in before confirming (its link may have
/// expired), at most as often as codes are sent. Returns whether one was sent.
async fn resend_confirmation(
    portal: &Portal,
    tx: &mut sqlx::PgConnection,
    account: &Account,
    now: OffsetDateTime,
) -> Result<bool, AppError> {
    let subject = account.id.to_string();
    let decision = CODE_SENDS.check(&mut *tx, &subject, now).await?;
    if !decision.is_allowed() {
        return Ok(false);
    }
    CODE_SENDS.record(&mut *tx, &subject, now).await?;
    let link = links::create(tx, account.id, LinkPurpose::ConfirmEmail, now).await?;
    let message = Message::ConfirmEmail {
        name: account.name.clone(),
        link: portal
            .ctx
            .link(&format!("/account/bevestigen?token={}", link.value)),
    };
    mail_account(tx, &portal.tenant, now, account, message).await?;
    Ok(true)
}

fn code_page(
    state: &AppState,
    portal: &Portal,
    pending: &PendingSignIn,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let (channel, _) = code_route(&pending.account);
    let sent_to = match pending.account.phone() {
        Some((phone, _)) => phone.masked(),
        None => EmailAddress::parse(&pending.account.email)
            .map(|e| e.masked())
            .unwrap_or_default(),
    };
    state.views.page_with_status(
        "signin_code.html",
        &portal.ctx,
        &portal.tenant,
        status,
        context! {
            name => &pending.account.name,
            channel => channel.as_str(),
            sent_to,
            notice,
            error,
        },
    )
}

/// The page a signed-out person had asked for (kept in a cookie by the sign-in redirect), or
/// the overview.
fn after_sign_in(req: &Request, state: &AppState) -> String {
    cookies::read(req, &cookies::name(&state.config.web, cookies::RETURN_TO))
        .and_then(|value| {
            form_urlencoded::parse(format!("p={value}").as_bytes())
                .next()
                .map(|(_, path)| path.into_owned())
        })
        .filter(|path| local_path(path).is_some())
        .unwrap_or_else(|| "/overzicht".to_owned())
}

#[handler]
pub fn code_form(
    portal: Portal,
    state: Data<&AppState>,
    pending: PendingSignIn,
) -> Result<Response, AppError> {
    code_page(&state, &portal, &pending, StatusCode::OK, None, None)
}

#[handler]
pub async fn code_submit(
    req: &Request,
    portal: Portal,
    state: Data<&AppState>,
    pending: PendingSignIn,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let language = portal.ctx.language;
    let ip = client_ip(req, &state);
    let subject = pending.account.id.to_string();
    let refuse =
        |status, text: String| code_page(&state, &portal, &pending, status, None, Some(text));
    let decision = CODE_ACCOUNT.check(&state.db, &subject, now).await?;
    if !decision.is_allowed() {
        CODE_ACCOUNT.record(&state.db, &subject, now).await?;
        security_log::record(
            &state.db,
            Some(pending.account.id),
            SecurityEvent::CodeThrottled,
            &ip,
            json!({}),
            now,
        )
        .await?;
        return refuse(StatusCode::TOO_MANY_REQUESTS, wait_text(language, decision));
    }
    let scope = CodeScope {
        account: pending.account.id,
        purpose: CodePurpose::SignIn,
        session: Some(pending.session.id),
    };
    let mut tx = state.db.begin().await?;
    let (check, _) = codes::verify(&mut tx, &state.key, scope, &form.code, now).await?;
    match check {
        CodeCheck::Accepted => {
            let (token, _) = sessions::promote(&mut tx, &pending.session, now).await?;
            CODE_ACCOUNT.clear(&mut *tx, &subject).await?;
            security_log::record(
                &mut *tx,
                Some(pending.account.id),
                SecurityEvent::SignedIn,
                &ip,
                json!({ "tenant": portal.tenant.slug.as_str() }),
                now,
            )
            .await?;
            tx.commit().await?;
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
            Ok(cookies::attach(
                response,
                session_cookie(&state, &token.value, pending.session.remember),
            ))
        }
        other => {
            // The wrong try is counted even though nothing else changes.
            tx.commit().await?;
            let entry = CodeEntry {
                account: pending.account.id,
                ip: &ip,
                purpose: "sign_in",
                language,
                now,
            };
            let (status, text) = code_entry::refused(&state, &entry, other, "code-expired").await?;
            refuse(status, text)
        }
    }
}

/// "E-mail nogmaals versturen": a new code, at most one a minute.
#[handler]
pub async fn resend_code(
    portal: Portal,
    state: Data<&AppState>,
    pending: PendingSignIn,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let language = portal.ctx.language;
    let decision = CODE_SENDS
        .check(&state.db, &pending.account.id.to_string(), now)
        .await?;
    if !decision.is_allowed() {
        return code_page(
            &state,
            &portal,
            &pending,
            StatusCode::TOO_MANY_REQUESTS,
            None,
            Some(wait_text(language, decision)),
        );
    }
    let mut tx = state.db.begin().await?;
    send_code(
        &state,
        &portal,
        &mut tx,
        &pending.account,
        pending.session.id,
        now,
    )
    .await?;
    tx.commit().await?;
    code_page(
        &state,
        &portal,
        &pending,
        StatusCode::OK,
        Some(crate::forms::text(language, "code-resent")),
        None,
    )
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
    Ok(cookies::attach(
        response,
        cookies::clear(&state.config.web, cookies::SESSION),
    ))
}
