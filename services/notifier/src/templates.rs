//! Message templates: `templates/<channel>/<message>/…`, texts from the catalogues.

use common::i18n::Language;
use common::tenancy::{Color, Tenant};
use minijinja::{context, Environment, Error};

const TEMPLATES: &[(&str, &str)] = &[
    (
        "email/_layout.html",
        include_str!("../templates/email/_layout.html"),
    ),
    (
        "email/_layout.txt",
        include_str!("../templates/email/_layout.txt"),
    ),
    (
        "email/delivery_test/subject.txt",
        include_str!("../templates/email/delivery_test/subject.txt"),
    ),
    (
        "email/delivery_test/body.html",
        include_str!("../templates/email/delivery_test/body.html"),
    ),
    (
        "email/delivery_test/body.txt",
        include_str!("../templates/email/delivery_test/body.txt"),
    ),
    (
        "sms/delivery_test/body.txt",
        include_str!("../templates/sms/delivery_test/body.txt"),
    ),
    (
        "voice/delivery_test/body.txt",
        include_str!("../templates/voice/delivery_test/body.txt"),
    ),
];

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
        Ok(Self {
            env: common::templating::environment(TEMPLATES)?,
        })
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
