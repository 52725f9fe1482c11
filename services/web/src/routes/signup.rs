//! Sign-up (ACC-1) and e-mail confirmation (ACC-2).
//!
//! A new address gets a "Welkom bij …" mail with a single-use link; an address that has an
//! account already gets a notice instead. The screen says the same in both cases, so the
//! form does not tell anyone which addresses have accounts.

use common::accounts::links::{self, LinkPurpose};
use common::accounts::password::{self, RULES};
use common::accounts::throttle::SIGN_UP_IP;
use common::accounts::{self, EmailAddress, NewAccount, PersonName};
use common::outbox::Message;
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Form, Html, Query, Redirect};
use poem::{handler, IntoResponse, Request, Response};
use secrecy::SecretString;
use serde::Deserialize;

use crate::auth::client_ip;
use crate::error::AppError;
use crate::forms::{checked, mail_account, wait_text, FieldErrors};
use crate::middleware::Portal;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct SignUpForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirmation: String,
    terms: Option<String>,
}

fn rule_codes() -> Vec<&'static str> {
    RULES.iter().map(|r| r.code()).collect()
}

fn form_page(
    state: &AppState,
    portal: &Portal,
    status: StatusCode,
    form: &SignUpForm,
    errors: &FieldErrors,
    notice: Option<String>,
) -> Result<Response, AppError> {
    state.views.page_with_status(
        "signup.html",
        &portal.ctx,
        &portal.tenant,
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
pub fn show_form(portal: Portal, state: Data<&AppState>) -> Result<Response, AppError> {
    form_page(
        &state,
        &portal,
        StatusCode::OK,
        &SignUpForm::default(),
        &FieldErrors::default(),
        None,
    )
}

#[handler]
pub async fn submit(
    req: &Request,
    portal: Portal,
    state: Data<&AppState>,
    Form(form): Form<SignUpForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let language = portal.ctx.language;
    let decision = SIGN_UP_IP
        .attempt(&state.db, &client_ip(req, &state), now)
        .await?;
    if !decision.is_allowed() {
        return form_page(
            &state,
            &portal,
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
            &state,
            &portal,
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
    let mut tx = state.db.begin().await?;
    let new = NewAccount {
        email: email.clone(),
        name: name.clone(),
        password_hash,
        language,
        home_tenant: portal.tenant.slug.as_str().to_owned(),
    };
    match accounts::create_account(&mut *tx, &new, now).await? {
        Some(account) => {
            let link = links::create(&mut tx, account.id, LinkPurpose::ConfirmEmail, now).await?;
            let message = Message::ConfirmEmail {
                name: account.name.clone(),
                link: portal
                    .ctx
                    .link(&format!("/account/bevestigen?token={}", link.value)),
            };
            mail_account(&mut tx, &portal.tenant, now, &account, message).await?;
        }
        None => {
            let (existing, _) = accounts::find_by_email(&mut *tx, &email)
                .await?
                .ok_or_else(|| AppError::internal(anyhow::anyhow!("account vanished")))?;
            let message = Message::AccountExists {
                name: existing.name.clone(),
                sign_in_link: portal.ctx.link("/inloggen"),
                reset_link: portal.ctx.link("/wachtwoord-vergeten"),
            };
            mail_account(&mut tx, &portal.tenant, now, &existing, message).await?;
        }
    }
    tx.commit().await?;
    Ok(state
        .views
        .page(
            "signup_sent.html",
            &portal.ctx,
            &portal.tenant,
            context! { email => email.as_str() },
        )?
        .into_response())
}

#[derive(Debug, Deserialize)]
pub struct LinkQuery {
    #[serde(default)]
    token: String,
}

/// A link that cannot be used: its own page and status, and a way on.
pub fn link_refused(
    state: &AppState,
    portal: &Portal,
    error: links::LinkError,
) -> Result<Response, AppError> {
    let status = match error {
        links::LinkError::Unknown => StatusCode::NOT_FOUND,
        links::LinkError::Expired | links::LinkError::Used => StatusCode::GONE,
    };
    state.views.page_with_status(
        "link_refused.html",
        &portal.ctx,
        &portal.tenant,
        status,
        context! { reason => error.code() },
    )
}

/// The page behind the link in the welcome mail: it only shows a button (a GET changes nothing).
#[handler]
pub async fn confirm_page(
    portal: Portal,
    state: Data<&AppState>,
    Query(query): Query<LinkQuery>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    match links::peek(&state.db, &query.token, LinkPurpose::ConfirmEmail, now).await? {
        Ok(account_id) => {
            let account = accounts::find_by_id(&state.db, account_id)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(state
                .views
                .page(
                    "confirm.html",
                    &portal.ctx,
                    &portal.tenant,
                    context! { email => account.email, token => query.token },
                )?
                .into_response())
        }
        Err(error) => link_refused(&state, &portal, error),
    }
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    token: String,
}

#[handler]
pub async fn confirm(
    portal: Portal,
    state: Data<&AppState>,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let verdict = links::consume(&mut tx, &form.token, LinkPurpose::ConfirmEmail, now).await?;
    match verdict {
        Ok(account) => {
            accounts::mark_email_confirmed(&mut *tx, account, now).await?;
            tx.commit().await?;
            Ok(Redirect::see_other("/inloggen?melding=bevestigd").into_response())
        }
        Err(error) => link_refused(&state, &portal, error),
    }
}

/// The terms of use every account accepts.
#[handler]
pub fn terms(portal: Portal, state: Data<&AppState>) -> Result<Html<String>, AppError> {
    state
        .views
        .shared_page("terms.html", &portal.ctx, &portal.tenant)
}
