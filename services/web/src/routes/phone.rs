//! The phone number (ACC-8): enter it, confirm by the e-mailed link, then by the code that
//! arrives by SMS (mobile) or in a voice call (landline). Until the code is confirmed the
//! account keeps its old number (or none), so sign-in codes keep going where they went.
//!
//! Opening the link (a GET) only shows a page with a button; pressing it (a POST) sends the
//! code. A GET that rings a phone would ring it whenever a mail scanner or a link preview
//! fetches the link, and the spec's "opening the link sends a code" is met by the one press.

use common::accounts::codes::Channel;
use common::accounts::phone::{self, ConfirmOutcome, OpenRefused, PendingChange};
use common::accounts::security_log::{self, SecurityEvent};
use common::accounts::throttle::{Decision, CODE_ACCOUNT, CODE_SENDS, PHONE_LINKS};
use common::accounts::{Account, EmailAddress, PhoneKind, PhoneNumber};
use common::i18n::Language;
use common::outbox::{Message, Recipient};
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Form, Query, Redirect};
use poem::{handler, IntoResponse, Request, Response};
use serde::Deserialize;
use serde_json::json;
use time::OffsetDateTime;

use super::account::viewer;
use crate::auth::code_entry::{self, CodeEntry, CodeForm};
use crate::auth::{client_ip, MaybeSignedIn, SignedIn};
use crate::error::AppError;
use crate::forms::{mail_account, notify, text, wait_text, FieldErrors};
use crate::middleware::Portal;
use crate::state::AppState;

const PAGE: &str = "/instellingen/telefoon";

/// The throttle subject for phone codes: their own budget, apart from sign-in codes, so the
/// first phone code is never held up by the sign-in code sent a moment earlier.
fn code_sends_subject(account: &Account) -> String {
    format!("phone:{}", account.id)
}

fn kind_name(kind: PhoneKind) -> &'static str {
    kind.as_str()
}

/// Everything the phone page can show, besides the form values.
#[derive(Default)]
struct Shown<'a> {
    number: &'a str,
    kind: &'a str,
    errors: FieldErrors,
    notice: Option<String>,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    portal: &Portal,
    me: &SignedIn,
    status: StatusCode,
    shown: Shown<'_>,
) -> Result<Response, AppError> {
    let pending = phone::pending(&state.db, me.account.id).await?;
    let current = me.account.phone().map(|(number, kind)| {
        context! { masked => number.masked(), kind => kind_name(kind) }
    });
    let pending = pending.map(|change: PendingChange| {
        context! {
            number => change.phone.as_str(),
            masked => change.phone.masked(),
            kind => kind_name(change.kind),
            channel => change.channel().as_str(),
            link_opened => change.link_opened_at.is_some(),
        }
    });
    let email = EmailAddress::parse(&me.account.email)
        .map(|e| e.masked())
        .unwrap_or_default();
    state.views.page_with_status(
        "phone.html",
        &portal.ctx,
        &portal.tenant,
        status,
        context! {
            viewer => viewer(me),
            current,
            pending,
            email,
            number => shown.number,
            kind => shown.kind,
            errors => shown.errors,
            notice => shown.notice,
            error => shown.error,
        },
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    melding: Option<String>,
}

fn notice_for(language: Language, melding: Option<&str>) -> Option<String> {
    let key = match melding? {
        "mail" => "phone-notice-mail-sent",
        "code" => "phone-notice-code-sent",
        "bevestigd" => "phone-notice-verified",
        "geannuleerd" => "phone-notice-cancelled",
        "verwijderd" => "phone-notice-removed",
        _ => return None,
    };
    Some(text(language, key))
}

#[handler]
pub async fn show(
    portal: Portal,
    state: Data<&AppState>,
    me: SignedIn,
    Query(query): Query<PageQuery>,
) -> Result<Response, AppError> {
    let notice = notice_for(portal.ctx.language, query.melding.as_deref());
    page(
        &state,
        &portal,
        &me,
        StatusCode::OK,
        Shown {
            notice,
            ..Shown::default()
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct NumberForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    kind: String,
}

/// Step 1: the number is kept as a pending change and a link goes to the account's e-mail.
#[handler]
pub async fn submit_number(
    portal: Portal,
    state: Data<&AppState>,
    me: SignedIn,
    Form(form): Form<NumberForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let language = portal.ctx.language;
    let mut errors = FieldErrors::default();
    let chosen = PhoneKind::parse(&form.kind);
    let parsed = PhoneNumber::parse(&form.phone)
        .map_err(|e| errors.add("phone", e.code()))
        .and_then(|number| {
            phone::decide_kind(&number, chosen)
                .map(|kind| (number, kind))
                .map_err(|e| errors.add("kind", e.code()))
        });
    let refuse = |status, errors, error| {
        page(
            &state,
            &portal,
            &me,
            status,
            Shown {
                number: &form.phone,
                kind: &form.kind,
                errors,
                error,
                notice: None,
            },
        )
    };
    let Ok((number, kind)) = parsed else {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, errors, None).await;
    };
    let subject = me.account.id.to_string();
    let decision = PHONE_LINKS.check(&state.db, &subject, now).await?;
    if !decision.is_allowed() {
        let text = wait_text(language, decision);
        return refuse(StatusCode::TOO_MANY_REQUESTS, errors, Some(text)).await;
    }
    let mut tx = state.db.begin().await?;
    PHONE_LINKS.record(&mut *tx, &subject, now).await?;
    let token = phone::request_change(&mut tx, me.account.id, &number, kind, now).await?;
    let message = Message::VerifyPhoneLink {
        name: me.account.name.clone(),
        link: portal
            .ctx
            .link(&format!("{PAGE}/bevestigen?token={}", token.value)),
        phone: number.as_str().to_owned(),
    };
    mail_account(&mut tx, &portal.tenant, now, &me.account, message).await?;
    tx.commit().await?;
    Ok(Redirect::see_other(format!("{PAGE}?melding=mail")).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct LinkQuery {
    #[serde(default)]
    token: String,
}

/// The page behind the link: which number, and a button that sends the code. Changes nothing.
#[handler]
pub async fn link_page(
    portal: Portal,
    state: Data<&AppState>,
    MaybeSignedIn(me): MaybeSignedIn,
    Query(query): Query<LinkQuery>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut conn = state.db.acquire().await?;
    let peeked = phone::peek_link(&mut conn, &query.token, now).await?;
    drop(conn);
    match peeked {
        Ok((owner, change)) => {
            let own = me.as_ref().is_some_and(|m| m.account.id == owner);
            link_page_with(&state, &portal, &me, &query.token, &change, own, None).await
        }
        Err(refused) => link_refused(&state, &portal, me.as_ref(), refused),
    }
}

async fn link_page_with(
    state: &AppState,
    portal: &Portal,
    me: &Option<SignedIn>,
    token: &str,
    change: &PendingChange,
    own: bool,
    error: Option<(StatusCode, String)>,
) -> Result<Response, AppError> {
    let (status, error) = match error {
        Some((status, text)) => (status, Some(text)),
        None => (StatusCode::OK, None),
    };
    state.views.page_with_status(
        "phone_link.html",
        &portal.ctx,
        &portal.tenant,
        status,
        context! {
            viewer => me.as_ref().map(viewer),
            signed_in => me.is_some(),
            own,
            token,
            masked => change.phone.masked(),
            channel => change.channel().as_str(),
            error,
        },
    )
}

fn link_refused(
    state: &AppState,
    portal: &Portal,
    me: Option<&SignedIn>,
    refused: OpenRefused,
) -> Result<Response, AppError> {
    let (status, reason) = match refused {
        OpenRefused::Link(error) => {
            let status = match error {
                common::accounts::links::LinkError::Unknown => StatusCode::NOT_FOUND,
                _ => StatusCode::GONE,
            };
            (status, error.code())
        }
        OpenRefused::NoPendingChange => (StatusCode::GONE, "phone-link-no-change"),
        OpenRefused::OtherAccount => (StatusCode::FORBIDDEN, "phone-link-other-account"),
    };
    state.views.page_with_status(
        "phone_link_refused.html",
        &portal.ctx,
        &portal.tenant,
        status,
        context! { viewer => me.map(viewer), reason },
    )
}

/// Queues `code` to the pending number: SMS to a mobile, a voice call to a landline.
async fn send_code(
    tx: &mut sqlx::PgConnection,
    portal: &Portal,
    account: &Account,
    change: &PendingChange,
    code: String,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    CODE_SENDS
        .record(&mut *tx, &code_sends_subject(account), now)
        .await?;
    let phone = change.phone.as_str().to_owned();
    let to = match change.channel() {
        Channel::Voice => Recipient::Voice { phone },
        _ => Recipient::Sms { phone },
    };
    let message = Message::PhoneCode { code };
    notify(tx, &portal.tenant, now, to, account.language, message).await
}

#[derive(Debug, Default, Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    token: String,
}

/// Step 2: the button on the link page. Only the account the link was sent to can use it.
#[handler]
pub async fn open_link(
    portal: Portal,
    state: Data<&AppState>,
    MaybeSignedIn(me): MaybeSignedIn,
    Form(form): Form<LinkForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let language = portal.ctx.language;
    let Some(signed_in) = me.as_ref() else {
        return Err(AppError::SignInRequired);
    };
    let decision = CODE_SENDS
        .check(&state.db, &code_sends_subject(&signed_in.account), now)
        .await?;
    let mut tx = state.db.begin().await?;
    if !decision.is_allowed() {
        // Nothing is used up: the same link works once the wait is over.
        let peeked = phone::peek_link(&mut tx, &form.token, now).await?;
        return match peeked {
            Ok((owner, change)) if owner == signed_in.account.id => {
                let error = (StatusCode::TOO_MANY_REQUESTS, wait_text(language, decision));
                link_page_with(
                    &state,
                    &portal,
                    &me,
                    &form.token,
                    &change,
                    true,
                    Some(error),
                )
                .await
            }
            Ok(_) => link_refused(&state, &portal, me.as_ref(), OpenRefused::OtherAccount),
            Err(refused) => link_refused(&state, &portal, me.as_ref(), refused),
        };
    }
    let opened =
        phone::open_link(&mut tx, &state.key, signed_in.account.id, &form.token, now).await?;
    match opened {
        Ok((change, code)) => {
            send_code(&mut tx, &portal, &signed_in.account, &change, code, now).await?;
            tx.commit().await?;
            Ok(Redirect::see_other(format!("{PAGE}?melding=code")).into_response())
        }
        Err(refused) => {
            tx.rollback().await?;
            link_refused(&state, &portal, me.as_ref(), refused)
        }
    }
}

/// Step 3: "Code bevestigen".
#[handler]
pub async fn confirm_code(
    req: &Request,
    portal: Portal,
    state: Data<&AppState>,
    me: SignedIn,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let language = portal.ctx.language;
    let ip = client_ip(req, &state);
    let subject = me.account.id.to_string();
    let refuse = |status, text: String| {
        page(
            &state,
            &portal,
            &me,
            status,
            Shown {
                error: Some(text),
                ..Shown::default()
            },
        )
    };
    let decision = CODE_ACCOUNT.check(&state.db, &subject, now).await?;
    if !decision.is_allowed() {
        CODE_ACCOUNT.record(&state.db, &subject, now).await?;
        return refuse(StatusCode::TOO_MANY_REQUESTS, wait_text(language, decision)).await;
    }
    let mut tx = state.db.begin().await?;
    let outcome = phone::confirm(&mut tx, &state.key, me.account.id, &form.code, now).await?;
    match outcome {
        ConfirmOutcome::Verified(number, kind) => {
            CODE_ACCOUNT.clear(&mut *tx, &subject).await?;
            security_log::record(
                &mut *tx,
                Some(me.account.id),
                SecurityEvent::PhoneVerified,
                &ip,
                json!({ "phone": number.masked(), "kind": kind.as_str() }),
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(Redirect::see_other(format!("{PAGE}?melding=bevestigd")).into_response())
        }
        ConfirmOutcome::Refused(check) => {
            // A wrong try is counted on the code even though nothing else changes.
            tx.commit().await?;
            let entry = CodeEntry {
                account: me.account.id,
                ip: &ip,
                purpose: "verify_phone",
                language,
                now,
            };
            let (status, text) =
                code_entry::refused(&state, &entry, check, "phone-code-missing").await?;
            refuse(status, text).await
        }
    }
}

/// "Nieuwe code sturen": once the link was used, at most one code a minute.
#[handler]
pub async fn resend_code(
    portal: Portal,
    state: Data<&AppState>,
    me: SignedIn,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let language = portal.ctx.language;
    let refuse = |status, text: String| {
        page(
            &state,
            &portal,
            &me,
            status,
            Shown {
                error: Some(text),
                ..Shown::default()
            },
        )
    };
    let change = phone::pending(&state.db, me.account.id)
        .await?
        .filter(|c| c.link_opened_at.is_some());
    let Some(change) = change else {
        let text = text(language, "phone-code-missing");
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, text).await;
    };
    let decision: Decision = CODE_SENDS
        .check(&state.db, &code_sends_subject(&me.account), now)
        .await?;
    if !decision.is_allowed() {
        return refuse(StatusCode::TOO_MANY_REQUESTS, wait_text(language, decision)).await;
    }
    let mut tx = state.db.begin().await?;
    let code = phone::issue_code(&mut tx, &state.key, me.account.id, &change, now).await?;
    send_code(&mut tx, &portal, &me.account, &change, code, now).await?;
    tx.commit().await?;
    Ok(Redirect::see_other(format!("{PAGE}?melding=code")).into_response())
}

/// "Wijziging annuleren": the pending number, its link and its codes end.
#[handler]
pub async fn cancel(state: Data<&AppState>, me: SignedIn) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    phone::cancel(&mut tx, me.account.id, now).await?;
    tx.commit().await?;
    Ok(Redirect::see_other(format!("{PAGE}?melding=geannuleerd")).into_response())
}

/// Removes the verified number; sign-in codes go by e-mail again.
#[handler]
pub async fn remove(
    req: &Request,
    state: Data<&AppState>,
    me: SignedIn,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let removed = phone::remove(&mut *tx, me.account.id).await?;
    if removed {
        security_log::record(
            &mut *tx,
            Some(me.account.id),
            SecurityEvent::PhoneRemoved,
            &client_ip(req, &state),
            json!({}),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Redirect::see_other(format!("{PAGE}?melding=verwijderd")).into_response())
}
