//! minijinja environments for pages and messages. Templates hold structure only; their texts
//! come from the catalogues through `t("key", name=value)`, in the language of the context
//! variable `lang`.

use minijinja::value::{Kwargs, Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind, State};

use crate::infra::i18n::{self, Language};

/// An environment with the given embedded templates and the `t` function.
/// `.html` templates are escaped as HTML; `.txt` templates are not escaped.
pub fn environment(
    templates: &[(&'static str, &'static str)],
) -> Result<Environment<'static>, Error> {
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_function("t", translate);
    for (name, source) in templates {
        env.add_template(name, source)?;
    }
    Ok(env)
}

fn translate(state: &State, key: &str, kwargs: Kwargs) -> Result<String, Error> {
    let language = state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Language::parse))
        .ok_or_else(|| Error::new(ErrorKind::UndefinedError, "template context has no lang"))?;
    let mut args = Vec::new();
    for name in kwargs.args() {
        let value: Value = kwargs.get(name)?;
        // Whole numbers stay numbers, so that a message can choose its plural form.
        let arg = match value.as_i64().filter(|_| value.kind() == ValueKind::Number) {
            Some(count) => i18n::Arg::Count(count),
            None => i18n::Arg::Text(value.to_string()),
        };
        args.push((name, arg));
    }
    kwargs.assert_all_used()?;
    Ok(if args.is_empty() {
        i18n::text(language, key)
    } else {
        i18n::text_with(language, key, &args)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    #[test]
    fn t_translates_in_the_context_language_and_escapes_html() {
        let env =
            environment(&[("x.html", "<p>{{ t('email-greeting', name=name) }}</p>")]).unwrap();
        let html = env
            .get_template("x.html")
            .unwrap()
            .render(context! { lang => "nl", name => "<b>Ans</b>" })
            .unwrap();
        assert_eq!(html, "<p>Beste &lt;b&gt;Ans&lt;&#x2f;b&gt;,</p>");
    }

    #[test]
    fn a_count_picks_the_plural_form_and_text_that_looks_like_a_number_stays_text() {
        let env = environment(&[
            ("people.html", "{{ t('care-home-people', count=count) }}"),
            ("name.html", "{{ t('email-greeting', name=name) }}"),
        ])
        .unwrap();
        let people = |count: i64| {
            env.get_template("people.html")
                .unwrap()
                .render(context! { lang => "nl", count })
                .unwrap()
        };
        assert_eq!(people(1), "Wie doet er mee: 1 persoon");
        assert_eq!(people(3), "Wie doen er mee: 3 personen");
        let name = env
            .get_template("name.html")
            .unwrap()
            .render(context! { lang => "nl", name => "007" })
            .unwrap();
        assert_eq!(name, "Beste 007,");
    }

    #[test]
    fn a_template_without_lang_fails_loudly() {
        let env = environment(&[("x.txt", "{{ t('nav-home') }}")]).unwrap();
        assert!(env
            .get_template("x.txt")
            .unwrap()
            .render(context! {})
            .is_err());
    }
}
