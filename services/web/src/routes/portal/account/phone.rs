//! The phone number (ACC-8): enter it, confirm by the e-mailed link, then by the code that
//! arrives by SMS (mobile) or in a voice call (landline). Until the code is confirmed the
//! account keeps its old number (or none), so sign-in codes keep going where they went.
//!
//! Opening the link (a GET) only shows a page with a button; pressing it (a POST) sends the
//! code. A GET that rings a phone would ring it whenever a mail scanner or a link preview
//! fetches the link, and the spec's "opening the link sends a code" is met by the one press.

use common::accounts::codes::Channel;
use common::accounts::links::LinkError;
use common::accounts::phone::{self, ConfirmOutcome, NumberRefused, OpenRefused, PendingChange};
use common::accounts::security_log::{self, SecurityEvent};
use common::accounts::{Account, EmailAddress, PhoneKind, PhoneNumber};
use common::infra::db::in_transaction;
use common::infra::i18n::{self, Language};
use common::infra::outbox::{Message, Recipient};
use common::infra::tenancy::Tenant;
use common::infra::throttle::{Decision, PhoneBudget, CODE_ACCOUNT, CODE_SENDS, PHONE_LINKS};
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Form, Query, Redirect};
use poem::{handler, IntoResponse, Request, Response};
use serde::Deserialize;
use serde_json::json;
use sqlx::PgConnection;
use time::OffsetDateTime;

use crate::access::session::{client_ip, MaybeSignedIn, SignedIn};
use crate::access::step_up;
use crate::http::error::AppError;
use crate::http::forms::{mail_account, notify, text, wait_text, FieldErrors, Secret};
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;
use crate::routes::portal::account::code_entry::{self, CodeEntry, CodeForm};

const PAGE: &str = "/instellingen/telefoon";

/// The throttle subject for phone codes: their own budget, apart from sign-in codes, so the
/// first phone code is never held up by the sign-in code sent a moment earlier.
fn code_sends_subject(account: &Account) -> String {
    format!("phone:{}", account.id)
}

fn kind_name(kind: PhoneKind) -> &'static str {
    kind.as_str()
}

/// The pages for whoever is signed in, if anyone.
fn pages_for(pages: PageRenderer, me: Option<&SignedIn>) -> PageRenderer {
    match me {
        Some(me) => pages.viewer(me.viewer()),
        None => pages,
    }
}

/// Everything the phone page can show besides the current and pending numbers: the form as
/// typed and what went wrong. A notice (a catalogue key) comes with the pages.
#[derive(Default)]
struct Shown<'a> {
    number: &'a str,
    kind: &'a str,
    errors: FieldErrors,
    error: Option<String>,
}

/// The phone page; `pages` carries the viewer (and a notice, if any).
async fn page(
    state: &AppState,
    pages: &PageRenderer,
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
    pages.status(
        "portal/account/phone.html",
        status,
        context! {
            current,
            pending,
            email,
            number => shown.number,
            kind => shown.kind,
            errors => shown.errors,
            error => shown.error,
        },
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    melding: Option<String>,
}

/// The catalogue key of the notice after a step (`?melding=…`).
fn notice_for(melding: Option<&str>) -> Option<&'static str> {
    match melding? {
        "mail" => Some("phone-notice-mail-sent"),
        "code" => Some("phone-notice-code-sent"),
        "bevestigd" => Some("phone-notice-verified"),
        "geannuleerd" => Some("phone-notice-cancelled"),
        "verwijderd" => Some("phone-notice-removed"),
        _ => None,
    }
}

#[handler]
pub async fn show(
    state: Data<&AppState>,
    pages: PageRenderer,
    me: SignedIn,
    Query(query): Query<PageQuery>,
) -> Result<Response, AppError> {
    let pages = pages
        .viewer(me.viewer())
        .notice(notice_for(query.melding.as_deref()));
    page(&state, &pages, &me, StatusCode::OK, Shown::default()).await
}

/// "Codes go only to numbers from the Netherlands, Belgium and Germany."
fn countries_text(language: Language, allowed: &[String]) -> String {
    let names: Vec<String> = allowed
        .iter()
        .map(|code| {
            let key = format!("country-{}", code.to_ascii_lowercase());
            i18n::try_text(language, &key).unwrap_or_else(|| code.clone())
        })
        .collect();
    let countries = match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {} {last}", rest.join(", "), text(language, "list-and")),
        None => String::new(),
    };
    i18n::text_with(
        language,
        "phone-country-not-allowed",
        &[("countries", countries.into())],
    )
}

/// Takes one message of the hourly SMS and voice budgets of the platform and of `tenant`,
/// before a code is issued and queued; when one is spent, the text that says so.
///
/// Counted here, where the message is queued, and not in the notifier: the person learns at
/// once that no code is coming (instead of waiting for one that a notifier drops), no code is
/// issued that cannot arrive, and the pending change and its link stay as they were. Sign-in
/// codes take from the same budgets (`codes::route_sign_in_code`), but go by e-mail when they
/// are spent.
async fn spend_phone_budget(
    state: &AppState,
    tenant: &Tenant,
    language: Language,
    now: OffsetDateTime,
) -> Result<Option<String>, AppError> {
    let budget = PhoneBudget::from_config(&state.config.phone);
    Ok(
        match budget.reserve(&state.db, tenant.slug.as_str(), now).await? {
            Ok(()) => None,
            Err(_) => Some(text(language, "phone-budget-spent")),
        },
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct NumberForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    password: Secret,
}

/// Step 1: the number is kept as a pending change and a link goes to the account's e-mail.
#[handler]
pub async fn submit_number(
    req: &Request,
    state: Data<&AppState>,
    pages: PageRenderer,
    me: SignedIn,
    Form(form): Form<NumberForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let pages = pages.viewer(me.viewer());
    let language = pages.context().language;
    let mut errors = FieldErrors::default();
    let chosen = PhoneKind::parse(&form.kind);
    let mut error = None;
    let allowed = &state.config.phone.allowed_countries;
    let parsed = PhoneNumber::parse(&form.phone)
        .map_err(|e| errors.add("phone", e.code()))
        .and_then(|number| match phone::check_number(&number, allowed) {
            Ok(()) => Ok(number),
            Err(NumberRefused::Country) => {
                errors.add("phone", "phone-country-refused");
                error = Some(countries_text(language, allowed));
                Err(())
            }
            Err(refused) => {
                errors.add("phone", refused.code());
                Err(())
            }
        })
        .and_then(|number| {
            phone::decide_kind(&number, chosen)
                .map(|kind| (number, kind))
                .map_err(|e| errors.add("kind", e.code()))
        });
    let refuse = |status, errors, error| {
        let shown = Shown {
            number: &form.phone,
            kind: &form.kind,
            errors,
            error,
        };
        page(&state, &pages, &me, status, shown)
    };
    let Ok((number, kind)) = parsed else {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, errors, error).await;
    };
    // Whoever changes where the sign-in codes go must know the password, not only hold a
    // session.
    if let Err((status, wait)) = step_up::check_password(req, &state, &me, &form.password).await? {
        errors.add("password", "phone-password-wrong");
        return refuse(status, errors, wait).await;
    }
    let subject = me.account.id.to_string();
    // Counted before the link is made and sent: parallel requests get the limit and no more.
    let decision = PHONE_LINKS.reserve(&state.db, &subject, now).await?;
    if !decision.is_allowed() {
        let text = wait_text(language, decision);
        return refuse(StatusCode::TOO_MANY_REQUESTS, errors, Some(text)).await;
    }
    in_transaction(&state.db, async |conn| {
        let token = phone::request_change(conn, me.account.id, &number, kind, now).await?;
        let message = Message::VerifyPhoneLink {
            name: me.account.name.clone(),
            link: pages
                .context()
                .link(&format!("{PAGE}/bevestigen?token={}", token.value))
                .into(),
            phone: number.as_str().to_owned(),
        };
        mail_account(conn, pages.tenant(), now, &me.account, message).await
    })
    .await?;
    Ok(Redirect::see_other(format!("{PAGE}?melding=mail")).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct LinkQuery {
    #[serde(default)]
    token: Secret,
}

/// The page behind the link: which number, and a button that sends the code. Changes nothing.
#[handler]
pub async fn link_page(
    state: Data<&AppState>,
    pages: PageRenderer,
    MaybeSignedIn(me): MaybeSignedIn,
    Query(query): Query<LinkQuery>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut conn = state.db.acquire().await?;
    let peeked = phone::peek_link(&mut conn, &query.token, now).await?;
    drop(conn);
    let pages = pages_for(pages, me.as_ref());
    match peeked {
        Ok((owner, change)) => {
            let shown = LinkShown {
                token: &query.token,
                change: &change,
                signed_in: me.is_some(),
                own: me.as_ref().is_some_and(|m| m.account.id == owner),
            };
            link_page_with(&pages, shown, None)
        }
        Err(refused) => link_refused(&pages, refused),
    }
}

/// What the link page shows: the change the link confirms, and whose link it is.
struct LinkShown<'a> {
    token: &'a str,
    change: &'a PendingChange,
    signed_in: bool,
    /// The link was sent to the signed-in person.
    own: bool,
}

/// The link page; `error` is a refusal to show with its status (a wait before the code).
fn link_page_with(
    pages: &PageRenderer,
    shown: LinkShown<'_>,
    error: Option<(StatusCode, String)>,
) -> Result<Response, AppError> {
    let (status, error) = match error {
        Some((status, text)) => (status, Some(text)),
        None => (StatusCode::OK, None),
    };
    pages.status(
        "portal/account/phone_link.html",
        status,
        context! {
            signed_in => shown.signed_in,
            own => shown.own,
            token => shown.token,
            masked => shown.change.phone.masked(),
            channel => shown.change.channel().as_str(),
            error,
        },
    )
}

fn link_refused(pages: &PageRenderer, refused: OpenRefused) -> Result<Response, AppError> {
    let (status, reason) = match refused {
        OpenRefused::Link(error) => {
            let status = match error {
                LinkError::Unknown => StatusCode::NOT_FOUND,
                _ => StatusCode::GONE,
            };
            (status, error.code())
        }
        OpenRefused::NoPendingChange => (StatusCode::GONE, "phone-link-no-change"),
        OpenRefused::OtherAccount => (StatusCode::FORBIDDEN, "phone-link-other-account"),
    };
    pages.status(
        "portal/account/phone_link_refused.html",
        status,
        context! { reason },
    )
}

/// Queues `code` to the pending number: SMS to a mobile, a voice call to a landline.
async fn send_code(
    conn: &mut PgConnection,
    tenant: &Tenant,
    account: &Account,
    change: &PendingChange,
    code: String,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    CODE_SENDS
        .record(&mut *conn, &code_sends_subject(account), now)
        .await?;
    let phone = change.phone.as_str().to_owned();
    let to = match change.channel() {
        Channel::Voice => Recipient::Voice { phone },
        _ => Recipient::Sms { phone },
    };
    let message = Message::PhoneCode { code: code.into() };
    notify(conn, tenant, now, to, account.language, message).await
}

#[derive(Debug, Default, Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    token: Secret,
}

/// Why pressing the link's button sent no code. A refusal rolls the transaction back, so a
/// link used up on the way to it stays usable; only `Failed` is a failure.
enum OpenFailed {
    Refused(OpenRefused),
    Failed(AppError),
}

impl From<AppError> for OpenFailed {
    fn from(error: AppError) -> Self {
        Self::Failed(error)
    }
}

impl From<sqlx::Error> for OpenFailed {
    fn from(error: sqlx::Error) -> Self {
        Self::Failed(error.into())
    }
}

/// Step 2: the button on the link page. Only the account the link was sent to can use it.
#[handler]
pub async fn open_link(
    state: Data<&AppState>,
    pages: PageRenderer,
    MaybeSignedIn(me): MaybeSignedIn,
    Form(form): Form<LinkForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let language = pages.context().language;
    let Some(signed_in) = me.as_ref() else {
        return Err(AppError::SignInRequired);
    };
    let pages = pages.viewer(signed_in.viewer());
    let decision = CODE_SENDS
        .check(&state.db, &code_sends_subject(&signed_in.account), now)
        .await?;
    if !decision.is_allowed() {
        // Nothing is used up: the same link works once the wait is over.
        let peeked = in_transaction(&state.db, async |conn| {
            phone::peek_link(conn, &form.token, now).await
        })
        .await?;
        return match peeked {
            Ok((owner, change)) if owner == signed_in.account.id => {
                let shown = LinkShown {
                    token: &form.token,
                    change: &change,
                    signed_in: true,
                    own: true,
                };
                let error = (StatusCode::TOO_MANY_REQUESTS, wait_text(language, decision));
                link_page_with(&pages, shown, Some(error))
            }
            Ok(_) => link_refused(&pages, OpenRefused::OtherAccount),
            Err(refused) => link_refused(&pages, refused),
        };
    }
    let account = &signed_in.account;
    let peeked = phone::peek_link(&mut *state.db.acquire().await?, &form.token, now).await?;
    if let Ok((owner, change)) = &peeked {
        if *owner == account.id {
            if let Some(text) = spend_phone_budget(&state, pages.tenant(), language, now).await? {
                // Nothing is used up: the same link works once messages can go out again.
                let shown = LinkShown {
                    token: &form.token,
                    change,
                    signed_in: true,
                    own: true,
                };
                return link_page_with(
                    &pages,
                    shown,
                    Some((StatusCode::SERVICE_UNAVAILABLE, text)),
                );
            }
        }
    }
    let opened = in_transaction(&state.db, async |conn| {
        let token = &form.token;
        let (change, code) =
            match phone::open_link(conn, &state.key, account.id, token, now).await? {
                Ok(opened) => opened,
                Err(refused) => return Err(OpenFailed::Refused(refused)),
            };
        send_code(conn, pages.tenant(), account, &change, code, now).await?;
        Ok(())
    })
    .await;
    match opened {
        Ok(()) => Ok(Redirect::see_other(format!("{PAGE}?melding=code")).into_response()),
        Err(OpenFailed::Refused(refused)) => link_refused(&pages, refused),
        Err(OpenFailed::Failed(error)) => Err(error),
    }
}

/// Step 3: "Code bevestigen".
#[handler]
pub async fn confirm_code(
    req: &Request,
    state: Data<&AppState>,
    pages: PageRenderer,
    me: SignedIn,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let pages = pages.viewer(me.viewer());
    let language = pages.context().language;
    let ip = client_ip(req, &state);
    let subject = me.account.id.to_string();
    let refuse = |status, text: String| {
        let shown = Shown {
            error: Some(text),
            ..Shown::default()
        };
        page(&state, &pages, &me, status, shown)
    };
    // Counted before the code is checked, like the sign-in code.
    let decision = CODE_ACCOUNT.reserve(&state.db, &subject, now).await?;
    if !decision.is_allowed() {
        return refuse(StatusCode::TOO_MANY_REQUESTS, wait_text(language, decision)).await;
    }
    let outcome = in_transaction(&state.db, async |conn| {
        let outcome = phone::confirm(conn, &state.key, me.account.id, &form.code, now).await?;
        // A refused code commits as well: a wrong try is counted on the code.
        if let ConfirmOutcome::Verified(number, kind) = &outcome {
            CODE_ACCOUNT.clear(&mut *conn, &subject).await?;
            let message = Message::PhoneChanged {
                name: me.account.name.clone(),
                phone_end: number.masked(),
            };
            mail_account(conn, pages.tenant(), now, &me.account, message).await?;
            security_log::record(
                &mut *conn,
                Some(me.account.id),
                SecurityEvent::PhoneVerified,
                &ip,
                json!({ "phone": number.masked(), "kind": kind.as_str() }),
                now,
            )
            .await?;
        }
        Ok::<_, AppError>(outcome)
    })
    .await?;
    match outcome {
        ConfirmOutcome::Verified(..) => {
            Ok(Redirect::see_other(format!("{PAGE}?melding=bevestigd")).into_response())
        }
        ConfirmOutcome::Refused(check) => {
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
    state: Data<&AppState>,
    pages: PageRenderer,
    me: SignedIn,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let pages = pages.viewer(me.viewer());
    let language = pages.context().language;
    let refuse = |status, text: String| {
        let shown = Shown {
            error: Some(text),
            ..Shown::default()
        };
        page(&state, &pages, &me, status, shown)
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
    if let Some(text) = spend_phone_budget(&state, pages.tenant(), language, now).await? {
        return refuse(StatusCode::SERVICE_UNAVAILABLE, text).await;
    }
    in_transaction(&state.db, async |conn| {
        let code = phone::issue_code(conn, &state.key, me.account.id, &change, now).await?;
        send_code(conn, pages.tenant(), &me.account, &change, code, now).await
    })
    .await?;
    Ok(Redirect::see_other(format!("{PAGE}?melding=code")).into_response())
}

/// "Wijziging annuleren": the pending number, its link and its codes end.
#[handler]
pub async fn cancel(state: Data<&AppState>, me: SignedIn) -> Result<Response, AppError> {
    let now = state.clock.now();
    in_transaction(&state.db, async |conn| {
        phone::cancel(conn, me.account.id, now).await
    })
    .await?;
    Ok(Redirect::see_other(format!("{PAGE}?melding=geannuleerd")).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    password: Secret,
}

/// Removes the verified number after the password; sign-in codes go by e-mail again, and a
/// mail tells the owner.
#[handler]
pub async fn remove(
    req: &Request,
    state: Data<&AppState>,
    pages: PageRenderer,
    me: SignedIn,
    Form(form): Form<RemoveForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let pages = pages.viewer(me.viewer());
    if let Err((status, wait)) = step_up::check_password(req, &state, &me, &form.password).await? {
        let mut errors = FieldErrors::default();
        errors.add("remove_password", "phone-password-wrong");
        let shown = Shown {
            errors,
            error: wait,
            ..Shown::default()
        };
        return page(&state, &pages, &me, status, shown).await;
    }
    let ip = client_ip(req, &state);
    let removed_number = me.account.phone().map(|(number, _)| number);
    in_transaction(&state.db, async |conn| {
        let removed = phone::remove(&mut *conn, me.account.id).await?;
        if let (true, Some(number)) = (removed, &removed_number) {
            security_log::record(
                &mut *conn,
                Some(me.account.id),
                SecurityEvent::PhoneRemoved,
                &ip,
                json!({}),
                now,
            )
            .await?;
            let message = Message::PhoneRemoved {
                name: me.account.name.clone(),
                phone_end: number.masked(),
            };
            mail_account(conn, pages.tenant(), now, &me.account, message).await?;
        }
        Ok::<_, AppError>(())
    })
    .await?;
    Ok(Redirect::see_other(format!("{PAGE}?melding=verwijderd")).into_response())
}
