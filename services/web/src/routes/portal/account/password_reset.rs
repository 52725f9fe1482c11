//! "Wachtwoord vergeten?" (ACC-5): a single-use link by e-mail; the new password ends every
//! session of the account. The request page answers the same whether or not the address has
//! an account.

use common::accounts::links::{self, LinkPurpose};
use common::accounts::lockout;
use common::accounts::password::{self, PasswordProblem, RULES};
use common::accounts::security_log::{self, SecurityEvent};
use common::accounts::{self, sessions, EmailAddress};
use common::infra::db::in_transaction;
use common::infra::outbox::Message;
use common::infra::throttle::{RESET_ACCOUNT, RESET_IP};
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Form, Query, Redirect};
use poem::{handler, IntoResponse, Request, Response};
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::json;

use crate::access::session::client_ip;
use crate::http::cookies;
use crate::http::error::AppError;
use crate::http::forms::{mail_account, text, wait_text, FieldErrors, Secret};
use crate::http::pages::PageRenderer;
use crate::http::state::AppState;
use crate::routes::portal::account::signup::link_refused;

#[derive(Debug, Default, Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    email: String,
}

fn request_page(
    pages: &PageRenderer,
    status: StatusCode,
    email: &str,
    error: Option<String>,
    sent: bool,
) -> Result<Response, AppError> {
    pages.status(
        "portal/account/reset_request.html",
        status,
        context! { email, error, sent },
    )
}

#[handler]
pub fn request_form(pages: PageRenderer) -> Result<Response, AppError> {
    request_page(&pages, StatusCode::OK, "", None, false)
}

#[handler]
pub async fn request(
    req: &Request,
    state: Data<&AppState>,
    pages: PageRenderer,
    Form(form): Form<RequestForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let language = pages.context().language;
    let Ok(email) = EmailAddress::parse(&form.email) else {
        let text = text(language, "input-email-invalid");
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return request_page(&pages, status, &form.email, Some(text), false);
    };
    let decision = RESET_IP
        .reserve(&state.db, &client_ip(req, &state), now)
        .await?
        .and(
            RESET_ACCOUNT
                .reserve(&state.db, &email.as_str().to_lowercase(), now)
                .await?,
        );
    if !decision.is_allowed() {
        let wait = wait_text(language, decision);
        let status = StatusCode::TOO_MANY_REQUESTS;
        return request_page(&pages, status, &form.email, Some(wait), false);
    }
    in_transaction(&state.db, async |conn| {
        if let Some((account, _)) = accounts::find_by_email(&mut *conn, &email).await? {
            let link = links::create(conn, account.id, LinkPurpose::ResetPassword, now).await?;
            let message = Message::PasswordReset {
                name: account.name.clone(),
                link: pages
                    .context()
                    .link(&format!("/wachtwoord-herstellen?token={}", link.value))
                    .into(),
            };
            mail_account(conn, pages.tenant(), now, &account, message).await?;
        }
        Ok::<_, AppError>(())
    })
    .await?;
    request_page(&pages, StatusCode::OK, "", None, true)
}

#[derive(Debug, Default, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: Secret,
}

fn rule_codes() -> Vec<&'static str> {
    RULES.iter().map(|r| r.code()).collect()
}

fn new_password_page(
    pages: &PageRenderer,
    status: StatusCode,
    token: &str,
    errors: &FieldErrors,
) -> Result<Response, AppError> {
    pages.status(
        "portal/account/reset_password.html",
        status,
        context! { token, errors, rules => rule_codes() },
    )
}

#[handler]
pub async fn new_password_form(
    state: Data<&AppState>,
    pages: PageRenderer,
    Query(query): Query<TokenQuery>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    match links::peek(&state.db, &query.token, LinkPurpose::ResetPassword, now).await? {
        Ok(_) => {
            let no_errors = FieldErrors::default();
            new_password_page(&pages, StatusCode::OK, &query.token, &no_errors)
        }
        Err(error) => link_refused(&pages, error),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct NewPasswordForm {
    #[serde(default)]
    token: Secret,
    #[serde(default)]
    password: Secret,
    #[serde(default)]
    password_confirmation: String,
}

#[handler]
pub async fn set_new_password(
    req: &Request,
    state: Data<&AppState>,
    pages: PageRenderer,
    Form(form): Form<NewPasswordForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let account_id =
        match links::peek(&state.db, &form.token, LinkPurpose::ResetPassword, now).await? {
            Ok(id) => id,
            Err(error) => return link_refused(&pages, error),
        };
    let account = accounts::find_by_id(&state.db, account_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::default();
    for problem in password::check(
        &form.password,
        &form.password_confirmation,
        &[account.name.as_str(), account.email.as_str()],
    ) {
        let field = if problem == PasswordProblem::Mismatch {
            "password_confirmation"
        } else {
            "password"
        };
        errors.add(field, problem.code());
    }
    if !errors.is_empty() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return new_password_page(&pages, status, &form.token, &errors);
    }
    let hash = state
        .hasher
        .hash(&SecretString::from(form.password))
        .await
        .map_err(AppError::internal)?;
    let ip = client_ip(req, &state);
    // A link used up since the form was shown changes nothing.
    let consumed = in_transaction(&state.db, async |conn| {
        let token = &form.token;
        if let Err(error) = links::consume(conn, token, LinkPurpose::ResetPassword, now).await? {
            return Ok(Err(error));
        }
        accounts::set_password_hash(&mut *conn, account.id, &hash, now).await?;
        // The new password, chosen through the mailed link, is what lifts a hold for too many
        // wrong codes.
        lockout::lift(conn, account.id).await?;
        // The link came by e-mail, so the address is proven as well.
        accounts::mark_email_confirmed(&mut *conn, account.id, now).await?;
        let ended = sessions::end_all(&mut *conn, account.id, None).await?;
        security_log::record(
            &mut *conn,
            Some(account.id),
            SecurityEvent::PasswordReset,
            &ip,
            json!({ "sessions_ended": ended }),
            now,
        )
        .await?;
        let message = Message::PasswordChanged {
            name: account.name.clone(),
        };
        mail_account(conn, pages.tenant(), now, &account, message).await?;
        Ok::<_, AppError>(Ok(()))
    })
    .await?;
    if let Err(error) = consumed {
        return link_refused(&pages, error);
    }
    let response = Redirect::see_other("/inloggen?melding=wachtwoord").into_response();
    Ok(cookies::attach(
        response,
        cookies::clear(&state.config.web, cookies::SESSION),
    ))
}
