//! "Wachtwoord vergeten?" (ACC-5): a single-use link by e-mail; the new password ends every
//! session of the account. The request page answers the same whether or not the address has
//! an account.

use common::accounts::links::{self, LinkPurpose};
use common::accounts::password::{self, PasswordProblem, RULES};
use common::accounts::security_log::{self, SecurityEvent};
use common::accounts::throttle::{RESET_ACCOUNT, RESET_IP};
use common::accounts::{self, sessions, EmailAddress};
use common::outbox::Message;
use minijinja::context;
use poem::http::StatusCode;
use poem::web::{Data, Form, Query, Redirect};
use poem::{handler, IntoResponse, Request, Response};
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::json;

use crate::auth::{client_ip, cookies};
use crate::error::AppError;
use crate::forms::{mail_account, wait_text, FieldErrors};
use crate::middleware::Portal;
use crate::routes::signup::link_refused;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    email: String,
}

fn request_page(
    state: &AppState,
    portal: &Portal,
    status: StatusCode,
    email: &str,
    error: Option<String>,
    sent: bool,
) -> Result<Response, AppError> {
    state.views.page_with_status(
        "reset_request.html",
        &portal.ctx,
        &portal.tenant,
        status,
        context! { email, error, sent },
    )
}

#[handler]
pub fn request_form(portal: Portal, state: Data<&AppState>) -> Result<Response, AppError> {
    request_page(&state, &portal, StatusCode::OK, "", None, false)
}

#[handler]
pub async fn request(
    req: &Request,
    portal: Portal,
    state: Data<&AppState>,
    Form(form): Form<RequestForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let language = portal.ctx.language;
    let Ok(email) = EmailAddress::parse(&form.email) else {
        let text = crate::forms::text(language, "input-email-invalid");
        return request_page(
            &state,
            &portal,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form.email,
            Some(text),
            false,
        );
    };
    let decision = RESET_IP
        .attempt(&state.db, &client_ip(req, &state), now)
        .await?
        .and(
            RESET_ACCOUNT
                .attempt(&state.db, &email.as_str().to_lowercase(), now)
                .await?,
        );
    if !decision.is_allowed() {
        return request_page(
            &state,
            &portal,
            StatusCode::TOO_MANY_REQUESTS,
            &form.email,
            Some(wait_text(language, decision)),
            false,
        );
    }
    let mut tx = state.db.begin().await?;
    if let Some((account, _)) = accounts::find_by_email(&mut *tx, &email).await? {
        let link = links::create(&mut tx, account.id, LinkPurpose::ResetPassword, now).await?;
        let message = Message::PasswordReset {
            name: account.name.clone(),
            link: portal
                .ctx
                .link(&format!("/wachtwoord-herstellen?token={}", link.value)),
        };
        mail_account(&mut tx, &portal.tenant, now, &account, message).await?;
    }
    tx.commit().await?;
    request_page(&state, &portal, StatusCode::OK, "", None, true)
}

#[derive(Debug, Default, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

fn rule_codes() -> Vec<&'static str> {
    RULES.iter().map(|r| r.code()).collect()
}

fn new_password_page(
    state: &AppState,
    portal: &Portal,
    status: StatusCode,
    token: &str,
    errors: &FieldErrors,
) -> Result<Response, AppError> {
    state.views.page_with_status(
        "reset_password.html",
        &portal.ctx,
        &portal.tenant,
        status,
        context! { token, errors, rules => rule_codes() },
    )
}

#[handler]
pub async fn new_password_form(
    portal: Portal,
    state: Data<&AppState>,
    Query(query): Query<TokenQuery>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    match links::peek(&state.db, &query.token, LinkPurpose::ResetPassword, now).await? {
        Ok(_) => new_password_page(
            &state,
            &portal,
            StatusCode::OK,
            &query.token,
            &FieldErrors::default(),
        ),
        Err(error) => link_refused(&state, &portal, error),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct NewPasswordForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirmation: String,
}

#[handler]
pub async fn set_new_password(
    req: &Request,
    portal: Portal,
    state: Data<&AppState>,
    Form(form): Form<NewPasswordForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let account_id =
        match links::peek(&state.db, &form.token, LinkPurpose::ResetPassword, now).await? {
            Ok(id) => id,
            Err(error) => return link_refused(&state, &portal, error),
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
        return new_password_page(
            &state,
            &portal,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form.token,
            &errors,
        );
    }
    let hash = state
        .hasher
        .hash(&SecretString::from(form.password))
        .await
        .map_err(AppError::internal)?;
    let mut tx = state.db.begin().await?;
    if let Err(error) =
        links::consume(&mut tx, &form.token, LinkPurpose::ResetPassword, now).await?
    {
        return link_refused(&state, &portal, error);
    }
    accounts::set_password_hash(&mut *tx, account.id, &hash, now).await?;
    // The link came by e-mail, so the address is proven as well.
    accounts::mark_email_confirmed(&mut *tx, account.id, now).await?;
    let ended = sessions::end_all(&mut *tx, account.id, None).await?;
    security_log::record(
        &mut *tx,
        Some(account.id),
        SecurityEvent::PasswordReset,
        &client_ip(req, &state),
        json!({ "sessions_ended": ended }),
        now,
    )
    .await?;
    let message = Message::PasswordChanged {
        name: account.name.clone(),
    };
    mail_account(&mut tx, &portal.tenant, now, &account, message).await?;
    tx.commit().await?;
    let response = Redirect::see_other("/inloggen?melding=wachtwoord").into_response();
    Ok(cookies::attach(
        response,
        cookies::clear(&state.config.web, cookies::SESSION),
    ))
}
