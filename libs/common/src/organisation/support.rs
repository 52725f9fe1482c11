//! Help (ACC-9): questions sent with the help form to the organisation, and its frequently
//! asked questions. Both live in the tenant's schema, reached through a [`TenantTx`].

use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::accounts::{AccountId, EmailAddress, PersonName};
use crate::infra::i18n::Language;
use crate::infra::tenancy::TenantTx;

pub const SUBJECT_MAX: usize = 200;
pub const QUESTION_MAX: usize = 5000;

crate::typed_id! {
    /// A support question's id (`support_questions.id` in the tenant schema).
    pub struct QuestionId;
}

/// Where a question stands in the inbox. Stored as `open` or `handled`; an unknown stored
/// status fails to decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum QuestionStatus {
    Open,
    Handled,
}

impl QuestionStatus {
    /// As stored, and as the inbox templates use it (`admin-status-open`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionStatus::Open => "open",
            QuestionStatus::Handled => "handled",
        }
    }
}

/// A question as the form brought it, before checking.
#[derive(Debug, Clone, Default)]
pub struct QuestionForm<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub subject: &'a str,
    pub question: &'a str,
}

/// A checked question, ready to store and send.
#[derive(Debug, Clone)]
pub struct NewQuestion {
    pub name: PersonName,
    pub email: EmailAddress,
    pub subject: String,
    pub question: String,
    pub language: Language,
    pub account: Option<AccountId>,
}

/// Trims `raw` and checks it holds 1 to `max` characters without control characters (line
/// breaks are allowed where `multiline`).
fn text_field(raw: &str, max: usize, multiline: bool) -> Option<String> {
    let text = raw.trim().replace("\r\n", "\n");
    let length = text.chars().count();
    let allowed = |c: char| !c.is_control() || (multiline && (c == '\n' || c == '\t'));
    ((1..=max).contains(&length) && text.chars().all(allowed)).then_some(text)
}

impl NewQuestion {
    /// Checks every field; on failure, returns the catalogue key of each problem by field.
    pub fn parse(
        form: &QuestionForm<'_>,
        language: Language,
        account: Option<AccountId>,
    ) -> Result<Self, Vec<(&'static str, &'static str)>> {
        let mut problems = Vec::new();
        let name = PersonName::parse(form.name).map_err(|e| problems.push(("name", e.code())));
        let email = EmailAddress::parse(form.email).map_err(|e| problems.push(("email", e.code())));
        let subject = text_field(form.subject, SUBJECT_MAX, false);
        if subject.is_none() {
            problems.push(("subject", "help-subject-invalid"));
        }
        let question = text_field(form.question, QUESTION_MAX, true);
        if question.is_none() {
            problems.push(("question", "help-question-invalid"));
        }
        match (name, email, subject, question) {
            (Ok(name), Ok(email), Some(subject), Some(question)) => Ok(Self {
                name,
                email,
                subject,
                question,
                language,
                account,
            }),
            _ => Err(problems),
        }
    }
}

/// The reference a question is known by, in the mail and in the reply: "VRG-3F9A2C71".
fn reference_for(id: Uuid) -> String {
    let hex = id.simple().to_string().to_uppercase();
    format!("VRG-{}", &hex[hex.len() - 8..])
}

/// A stored question.
#[derive(Debug, Clone)]
pub struct StoredQuestion {
    pub id: QuestionId,
    pub reference: String,
}

/// Stores `question` in the tenant's table.
pub async fn store_question(
    tx: &mut TenantTx,
    question: &NewQuestion,
    now: OffsetDateTime,
) -> Result<StoredQuestion, sqlx::Error> {
    let id = QuestionId(Uuid::new_v4());
    let reference = reference_for(id.0);
    sqlx::query!(
        "INSERT INTO support_questions
           (id, reference, account_id, name, email, subject, question, language, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        id as QuestionId,
        reference,
        question.account as Option<AccountId>,
        question.name.as_str(),
        question.email.as_str(),
        question.subject,
        question.question,
        question.language as Language,
        now,
    )
    .execute(tx.conn())
    .await?;
    Ok(StoredQuestion { id, reference })
}

/// One question and answer of the FAQ page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FaqEntry {
    pub question: String,
    pub answer: String,
}

/// The FAQ in `language`, in order; in Dutch when the organisation has none in `language`.
pub async fn faq(tx: &mut TenantTx, language: Language) -> Result<Vec<FaqEntry>, sqlx::Error> {
    let entries = faq_in(tx, language).await?;
    if entries.is_empty() && language != Language::Nl {
        return faq_in(tx, Language::Nl).await;
    }
    Ok(entries)
}

/// The FAQ entries in exactly `language`, in order.
async fn faq_in(tx: &mut TenantTx, language: Language) -> Result<Vec<FaqEntry>, sqlx::Error> {
    sqlx::query_as!(
        FaqEntry,
        "SELECT question, answer FROM faq_entries WHERE language = $1 ORDER BY position, id",
        language as Language,
    )
    .fetch_all(tx.conn())
    .await
}

/// A question as the support inbox shows it.
#[derive(Debug, Clone, Serialize)]
pub struct InboxQuestion {
    pub id: QuestionId,
    pub reference: String,
    pub name: String,
    pub email: String,
    pub subject: String,
    pub question: String,
    pub language: Language,
    pub status: QuestionStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub handled_at: Option<OffsetDateTime>,
}

// The two queries below select the same columns; the macros need each statement whole.

/// The support inbox: open questions first (oldest first, they have waited longest), then
/// handled ones (most recently handled first), at most `limit`.
pub async fn inbox(tx: &mut TenantTx, limit: i64) -> Result<Vec<InboxQuestion>, sqlx::Error> {
    sqlx::query_as!(
        InboxQuestion,
        r#"SELECT id AS "id: QuestionId", reference, name, email, subject, question,
                  language AS "language: Language", status AS "status: QuestionStatus",
                  created_at, handled_at
             FROM support_questions
            ORDER BY (status = 'open') DESC,
                     CASE WHEN status = 'open' THEN created_at END ASC,
                     handled_at DESC
            LIMIT $1"#,
        limit,
    )
    .fetch_all(tx.conn())
    .await
}

/// One question of this tenant, if `id` names one.
pub async fn find_question(
    tx: &mut TenantTx,
    id: QuestionId,
) -> Result<Option<InboxQuestion>, sqlx::Error> {
    sqlx::query_as!(
        InboxQuestion,
        r#"SELECT id AS "id: QuestionId", reference, name, email, subject, question,
                  language AS "language: Language", status AS "status: QuestionStatus",
                  created_at, handled_at
             FROM support_questions WHERE id = $1"#,
        id as QuestionId,
    )
    .fetch_optional(tx.conn())
    .await
}

/// Marks the question handled (or open again); false when this tenant has no such question.
pub async fn set_handled(
    tx: &mut TenantTx,
    id: QuestionId,
    handled: bool,
    now: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE support_questions
            SET status = CASE WHEN $2 THEN 'handled' ELSE 'open' END,
                handled_at = CASE WHEN $2 THEN coalesce(handled_at, $3) END
          WHERE id = $1",
        id as QuestionId,
        handled,
        now,
    )
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form<'a>(subject: &'a str, question: &'a str) -> QuestionForm<'a> {
        QuestionForm {
            name: "Ans de Vries",
            email: "ans@example.org",
            subject,
            question,
        }
    }

    #[test]
    fn questions_are_trimmed_and_checked_per_field() {
        let ok = NewQuestion::parse(
            &form(" Inloggen ", "Hoe log ik in?\r\nDank je."),
            Language::Nl,
            None,
        )
        .unwrap();
        assert_eq!(ok.subject, "Inloggen");
        assert_eq!(ok.question, "Hoe log ik in?\nDank je.");

        let problems = NewQuestion::parse(
            &QuestionForm {
                name: "",
                email: "geen-adres",
                subject: "a\nb",
                question: "  ",
            },
            Language::Nl,
            None,
        )
        .unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["name", "email", "subject", "question"]);
        assert!(NewQuestion::parse(&form(&"x".repeat(201), "v"), Language::Nl, None).is_err());
        assert!(NewQuestion::parse(&form("s", &"x".repeat(5001)), Language::Nl, None).is_err());
    }

    #[test]
    fn statuses_reach_the_templates_as_stored() {
        for status in [QuestionStatus::Open, QuestionStatus::Handled] {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
    }

    #[test]
    fn references_are_short_and_readable() {
        let reference = reference_for(Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef));
        assert_eq!(reference, "VRG-89ABCDEF");
    }
}
