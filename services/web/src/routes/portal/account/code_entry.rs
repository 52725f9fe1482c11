//! What a refused one-time code means for the person and for the records, the same for the
//! sign-in code (ACC-4) and the phone check (ACC-8): a wrong try counts towards the account's
//! limit and is logged, a locked code is logged, and each case has its own words.

use common::accounts::codes::CodeCheck;
use common::accounts::security_log::{self, SecurityEvent};
use common::accounts::AccountId;
use common::infra::i18n::{self, Language};
use poem::http::StatusCode;
use serde::Deserialize;
use serde_json::json;
use time::OffsetDateTime;

use crate::http::error::AppError;
use crate::http::forms::Secret;
use crate::http::state::AppState;

/// The form with the one field "code" (sign-in and phone).
#[derive(Debug, Default, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    pub code: Secret,
}

/// Who entered a code, where, and for what (`purpose` goes into the security log).
pub struct CodeEntry<'a> {
    pub account: AccountId,
    pub ip: &'a str,
    pub purpose: &'static str,
    pub language: Language,
    pub now: OffsetDateTime,
}

/// Records a refused code and returns the status and the text to show. `nothing_to_check` is
/// the catalogue key for a code that was never sent (or was already used).
pub async fn refused(
    state: &AppState,
    entry: &CodeEntry<'_>,
    check: CodeCheck,
    nothing_to_check: &str,
) -> Result<(StatusCode, String), AppError> {
    let log = |event, details| {
        security_log::record(
            &state.db,
            Some(entry.account),
            event,
            entry.ip,
            details,
            entry.now,
        )
    };
    let language = entry.language;
    Ok(match check {
        // The try was counted against the account before the check (`Limit::reserve`).
        CodeCheck::Wrong { tries_left } => {
            log(
                SecurityEvent::WrongCode,
                json!({ "purpose": entry.purpose, "tries_left": tries_left }),
            )
            .await?;
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                i18n::text_with(
                    language,
                    "code-wrong",
                    &[("tries", i64::from(tries_left).into())],
                ),
            )
        }
        CodeCheck::Locked => {
            log(
                SecurityEvent::CodeLocked,
                json!({ "purpose": entry.purpose }),
            )
            .await?;
            (
                StatusCode::TOO_MANY_REQUESTS,
                i18n::text(language, "code-locked"),
            )
        }
        CodeCheck::Expired => (
            StatusCode::UNPROCESSABLE_ENTITY,
            i18n::text(language, "code-expired"),
        ),
        CodeCheck::Missing | CodeCheck::Accepted => (
            StatusCode::UNPROCESSABLE_ENTITY,
            i18n::text(language, nothing_to_check),
        ),
    })
}
