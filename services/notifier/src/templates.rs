//! Message templates: `templates/<channel>/<message>/…`, texts from the catalogues.

use common::infra::i18n::Language;
use common::infra::tenancy::{Color, Tenant};
use common::organisation::branding::Contrast;
use minijinja::{context, Environment, Error};

/// Registers `templates/<path>` under the name `<path>`.
macro_rules! template {
    ($path:literal) => {
        ($path, include_str!(concat!("../templates/", $path)))
    };
}

/// Every template, by channel: `<channel>/<message>/…` plus the shared `email/_…` parts.
/// A test checks that this list and the `templates` folder agree.
const TEMPLATES: &[(&str, &str)] = &[
    template!("email/_button.html"),
    template!("email/_contact.html"),
    template!("email/_contact.txt"),
    template!("email/_layout.html"),
    template!("email/_layout.txt"),
    template!("email/account_deleted/subject.txt"),
    template!("email/account_deleted/body.html"),
    template!("email/account_deleted/body.txt"),
    template!("email/account_exists/subject.txt"),
    template!("email/account_exists/body.html"),
    template!("email/account_exists/body.txt"),
    template!("email/code_lockout/subject.txt"),
    template!("email/code_lockout/body.html"),
    template!("email/code_lockout/body.txt"),
    template!("email/confirm_email/subject.txt"),
    template!("email/confirm_email/body.html"),
    template!("email/confirm_email/body.txt"),
    template!("email/delivery_test/subject.txt"),
    template!("email/delivery_test/body.html"),
    template!("email/delivery_test/body.txt"),
    template!("email/help_question/subject.txt"),
    template!("email/help_question/body.html"),
    template!("email/help_question/body.txt"),
    template!("email/member_removed/subject.txt"),
    template!("email/member_removed/body.html"),
    template!("email/member_removed/body.txt"),
    template!("email/member_removed_notice/subject.txt"),
    template!("email/member_removed_notice/body.html"),
    template!("email/member_removed_notice/body.txt"),
    template!("email/rights_ending/subject.txt"),
    template!("email/rights_ending/body.html"),
    template!("email/rights_ending/body.txt"),
    template!("email/messages_waiting/subject.txt"),
    template!("email/messages_waiting/body.html"),
    template!("email/messages_waiting/body.txt"),
    template!("email/staff_invitation/subject.txt"),
    template!("email/staff_invitation/body.html"),
    template!("email/staff_invitation/body.txt"),
    template!("email/network_invitation/subject.txt"),
    template!("email/network_invitation/body.html"),
    template!("email/network_invitation/body.txt"),
    template!("email/password_changed/subject.txt"),
    template!("email/password_changed/body.html"),
    template!("email/password_changed/body.txt"),
    template!("email/password_reset/subject.txt"),
    template!("email/password_reset/body.html"),
    template!("email/password_reset/body.txt"),
    template!("email/phone_changed/subject.txt"),
    template!("email/phone_changed/body.html"),
    template!("email/phone_changed/body.txt"),
    template!("email/phone_removed/subject.txt"),
    template!("email/phone_removed/body.html"),
    template!("email/phone_removed/body.txt"),
    template!("email/tenant_admin_invitation/subject.txt"),
    template!("email/tenant_admin_invitation/body.html"),
    template!("email/tenant_admin_invitation/body.txt"),
    template!("email/sign_in_code/subject.txt"),
    template!("email/sign_in_code/body.html"),
    template!("email/sign_in_code/body.txt"),
    template!("email/verify_phone_link/subject.txt"),
    template!("email/verify_phone_link/body.html"),
    template!("email/verify_phone_link/body.txt"),
    template!("sms/delivery_test/body.txt"),
    template!("sms/phone_code/body.txt"),
    template!("sms/sign_in_code/body.txt"),
    template!("voice/delivery_test/body.txt"),
    template!("voice/phone_code/body.txt"),
    template!("voice/sign_in_code/body.txt"),
];

/// `"123456"` becomes `"1, 2, 3, 4, 5, 6"`, so a speech engine reads a code digit by digit
/// with a short pause between them, instead of as one large number.
fn spaced_digits(value: &str) -> String {
    let chars: Vec<String> = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(String::from)
        .collect();
    chars.join(", ")
}

pub struct MessageTemplates {
    env: Environment<'static>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedEmail {
    pub subject: String,
    pub html: String,
    pub text: String,
}

impl MessageTemplates {
    pub fn new() -> Result<Self, Error> {
        let mut env = common::infra::templating::environment(TEMPLATES)?;
        env.add_filter("spaced_digits", spaced_digits);
        Ok(Self { env })
    }

    fn base_context(
        tenant: &Tenant,
        language: Language,
        message: &impl serde::Serialize,
    ) -> minijinja::Value {
        let on_primary = Color::parse(&tenant.branding.primary_color)
            .map(|c| c.readable_text().as_str().to_owned())
            .unwrap_or_else(|_| "#ffffff".into());
        context! {
            lang => language.code(),
            organisation => &tenant.display_name,
            branding => &tenant.branding,
            on_primary,
            message => minijinja::Value::from_serialize(message),
        }
    }

    pub fn email(
        &self,
        template: &str,
        tenant: &Tenant,
        language: Language,
        recipient_name: Option<&str>,
        message: &impl serde::Serialize,
    ) -> Result<RenderedEmail, Error> {
        let ctx = context! { recipient_name, ..Self::base_context(tenant, language, message) };
        let render = |part: &str| {
            self.env
                .get_template(&format!("email/{template}/{part}"))?
                .render(&ctx)
        };
        Ok(RenderedEmail {
            subject: render("subject.txt")?.trim().to_owned(),
            html: render("body.html")?,
            text: render("body.txt")?,
        })
    }

    /// The text of an SMS or of a spoken voice message (`channel` is `sms` or `voice`).
    pub fn short_text(
        &self,
        channel: &str,
        template: &str,
        tenant: &Tenant,
        language: Language,
        message: &impl serde::Serialize,
    ) -> Result<String, Error> {
        let text = self
            .env
            .get_template(&format!("{channel}/{template}/body.txt"))?
            .render(Self::base_context(tenant, language, message))?;
        Ok(text.trim().to_owned())
    }
}

#[cfg(test)]
mod tests;
