//! Sign-up (ACC-1) and e-mail confirmation (ACC-2).
//!
//! A new address gets a "Welkom bij …" mail with a single-use link; an address that has an
//! account already gets a notice instead. The screen says the same in both cases, so the
//! form does not tell anyone which addresses have accounts.

use common::accounts::links::{self, LinkPurpose};
use common::accounts::password::{self, RULES};
use common::accounts::{self, EmailAddress, NewAccount, PersonName};
use common::infra::db::in_transaction;
use common::infra::outbox::Message;
use common::infra::throttle::SIGN_UP_IP;
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Form, Query, Redirect};
use poem::{handler, IntoResponse, Request, Response};
use secrecy::SecretString;
use serde::Deserialize;

use crate::access::session::client_ip;
use crate::http::error::AppError;
use crate::http::forms::{checked, mail_account, wait_text, FieldErrors, Secret};
use crate::http::pages::PageRenderer;
use crate::http::portal::Portal;
use crate::http::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct SignUpForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: Secret,
    #[serde(default)]
    password_confirmation: String,
    terms: Option<String>,
}

fn rule_codes() -> Vec<&'static str> {
    RULES.iter().map(|r| r.code()).collect()
}

/// The form, as typed; `notice` is the text of a wait (too many sign-ups from one address).
fn form_page(
    pages: &PageRenderer,
    status: StatusCode,
    form: &SignUpForm,
    errors: &FieldErrors,
    notice: Option<String>,
) -> Result<Response, AppError> {
    pages.status(
        "portal/account/signup.html",
        status,
        context! {
            name => &form.name,
            email => &form.email,
            terms => checked(&form.terms),
            errors,
            notice,
            rules => rule_codes(),
        },
    )
}

#[handler]
pub fn show_form(pages: PageRenderer) -> Result<Response, AppError> {
    let no_errors = FieldErrors::default();
    form_page(
        &pages,
        StatusCode::OK,
        &SignUpForm::default(),
        &no_errors,
        None,
    )
}

#[handler]
pub async fn submit(
    req: &Request,
    state: Data<&AppState>,
    pages: PageRenderer,
    Form(form): Form<SignUpForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let language = pages.context().language;
    let decision = SIGN_UP_IP
        .reserve(&state.db, &client_ip(req, &state), now)
        .await?;
    if !decision.is_allowed() {
        return form_page(
            &pages,
            StatusCode::TOO_MANY_REQUESTS,
            &form,
            &FieldErrors::default(),
            Some(wait_text(language, decision)),
        );
    }

    let mut errors = FieldErrors::default();
    let name = PersonName::parse(&form.name).map_err(|e| errors.add("name", e.code()));
    let email = EmailAddress::parse(&form.email).map_err(|e| errors.add("email", e.code()));
    for problem in password::check(
        &form.password,
        &form.password_confirmation,
        &[form.name.as_str(), form.email.as_str()],
    ) {
        let field = if problem == password::PasswordProblem::Mismatch {
            "password_confirmation"
        } else {
            "password"
        };
        errors.add(field, problem.code());
    }
    if !checked(&form.terms) {
        errors.add("terms", "signup-terms-required");
    }
    let (Ok(name), Ok(email), true) = (name, email, errors.is_empty()) else {
        return form_page(
            &pages,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form,
            &errors,
            None,
        );
    };

    let password_hash = state
        .hasher
        .hash(&SecretString::from(form.password))
        .await
        .map_err(AppError::internal)?;
    let new = NewAccount {
        email: email.clone(),
        name: name.clone(),
        password_hash,
        language,
        home_tenant: pages.tenant().slug.as_str().to_owned(),
    };
    let ctx = pages.context();
    in_transaction(&state.db, async |conn| {
        match accounts::create_account(&mut *conn, &new, now).await? {
            Some(account) => {
                let link = links::create(conn, account.id, LinkPurpose::ConfirmEmail, now).await?;
                let message = Message::ConfirmEmail {
                    name: account.name.clone(),
                    link: ctx
                        .link(&format!("/account/bevestigen?token={}", link.value))
                        .into(),
                };
                mail_account(conn, pages.tenant(), now, &account, message).await?;
            }
            None => {
                let (existing, _) = accounts::find_by_email(&mut *conn, &email)
                    .await?
                    .ok_or_else(|| AppError::internal(anyhow::anyhow!("account vanished")))?;
                let message = Message::AccountExists {
                    name: existing.name.clone(),
                    sign_in_link: ctx.link("/inloggen"),
                    reset_link: ctx.link("/wachtwoord-vergeten"),
                };
                mail_account(conn, pages.tenant(), now, &existing, message).await?;
            }
        }
        Ok::<_, AppError>(())
    })
    .await?;
    pages.ok(
        "portal/account/signup_sent.html",
        context! { email => email.as_str() },
    )
}

#[derive(Debug, Deserialize)]
pub struct LinkQuery {
    #[serde(default)]
    token: Secret,
}

/// A link that cannot be used: its own page and status, and a way on.
pub fn link_refused(pages: &PageRenderer, error: links::LinkError) -> Result<Response, AppError> {
    let status = match error {
        links::LinkError::Unknown => StatusCode::NOT_FOUND,
        links::LinkError::Expired | links::LinkError::Used => StatusCode::GONE,
    };
    pages.status(
        "portal/account/link_refused.html",
        status,
        context! { reason => error.code() },
    )
}

/// The page behind the link in the welcome mail: it only shows a button (a GET changes nothing).
#[handler]
pub async fn confirm_page(
    state: Data<&AppState>,
    pages: PageRenderer,
    Query(query): Query<LinkQuery>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    match links::peek(&state.db, &query.token, LinkPurpose::ConfirmEmail, now).await? {
        Ok(account_id) => {
            let account = accounts::find_by_id(&state.db, account_id)
                .await?
                .ok_or(AppError::NotFound)?;
            pages.ok(
                "portal/account/confirm.html",
                context! { email => account.email, token => query.token },
            )
        }
        Err(error) => link_refused(&pages, error),
    }
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    token: Secret,
}

#[handler]
pub async fn confirm(
    state: Data<&AppState>,
    pages: PageRenderer,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    // A refused link changes nothing: it is neither used up nor marked.
    let verdict = in_transaction(&state.db, async |conn| {
        let verdict = links::consume(conn, &form.token, LinkPurpose::ConfirmEmail, now).await?;
        if let Ok(account) = verdict {
            accounts::mark_email_confirmed(&mut *conn, account, now).await?;
        }
        Ok::<_, AppError>(verdict)
    })
    .await?;
    match verdict {
        Ok(_) => Ok(Redirect::see_other("/inloggen?melding=bevestigd").into_response()),
        Err(error) => link_refused(&pages, error),
    }
}

/// The terms of use every account accepts: the same for every visitor, so rendered once per
/// tenant version and language.
#[handler]
pub fn terms(
    req: &poem::Request,
    portal: Portal,
    state: Data<&AppState>,
) -> Result<poem::Response, AppError> {
    state
        .views
        .shared_page("portal/terms.html", req, &portal.ctx, &portal.tenant)
}
