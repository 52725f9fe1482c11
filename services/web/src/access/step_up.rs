//! Step-up: a signed-in person gives the password again before an action that changes how
//! the account is protected (the password itself, the phone number, deleting the account). A
//! session left open on a shared computer is then not enough to take the account over.

use common::accounts::{
    self,
    security_log::{self, SecurityEvent},
};
use common::infra::throttle::SIGN_IN_ACCOUNT;
use poem::http::StatusCode;
use poem::Request;
use secrecy::SecretString;
use serde_json::json;

use crate::access::session::{client_ip, SignedIn};
use crate::http::error::AppError;
use crate::http::forms::wait_text;
use crate::http::state::AppState;

/// Checks the account's current password, limited like sign-in (a session left open must not
/// become a way to guess it). `Ok(Ok(()))` when it is right; otherwise the status and the
/// notice (a wait) to show.
pub async fn check_password(
    req: &Request,
    state: &AppState,
    me: &SignedIn,
    given: &str,
) -> Result<Result<(), (StatusCode, Option<String>)>, AppError> {
    let now = state.clock.now();
    let subject = me.account.email.to_lowercase();
    // Counted before the hash, like sign-in: parallel guesses get the limit and no more.
    let decision = SIGN_IN_ACCOUNT.reserve(&state.db, &subject, now).await?;
    if !decision.is_allowed() {
        let text = wait_text(me.account.language, decision);
        return Ok(Err((StatusCode::TOO_MANY_REQUESTS, Some(text))));
    }
    let hash = accounts::password_hash(&state.db, me.account.id).await?;
    let right = state
        .hasher
        .verify(&SecretString::from(given.to_owned()), hash.as_deref())
        .await
        .map_err(AppError::internal)?;
    if right {
        // Only wrong passwords count towards the limit.
        SIGN_IN_ACCOUNT.release(&state.db, &subject).await?;
        return Ok(Ok(()));
    }
    security_log::record(
        &state.db,
        Some(me.account.id),
        SecurityEvent::WrongPassword,
        &client_ip(req, state),
        json!({ "during": "settings" }),
        now,
    )
    .await?;
    Ok(Err((StatusCode::UNPROCESSABLE_ENTITY, None)))
}
