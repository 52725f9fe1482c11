//! Every message, on every channel it is sent on, in every language.

use std::collections::BTreeSet;
use std::path::Path;

use common::infra::i18n::Language;
use common::infra::outbox::Message;
use common::infra::tenancy::{Branding, Tenant, TenantSlug, TenantStatus};
use minijinja::HtmlEscape;
use uuid::Uuid;

use super::{spaced_digits, MessageTemplates, RenderedEmail, TEMPLATES};

const CHANNELS: [&str; 3] = ["email", "sms", "voice"];
const EMAIL: &[&str] = &["email"];
const CODE: &[&str] = &["email", "sms", "voice"];
const PHONE: &[&str] = &["sms", "voice"];
const ALL: &[&str] = &["email", "sms", "voice"];

fn tenant(with_contact: bool) -> Tenant {
    Tenant {
        id: common::infra::tenancy::TenantId(Uuid::nil()),
        slug: TenantSlug::parse("de-linde").unwrap(),
        display_name: "Zorgcentrum De Linde".into(),
        status: TenantStatus::Active,
        branding: Branding {
            primary_color: "#0b5d4b".into(),
            accent_color: "#f2a900".into(),
            logo_key: None,
            welcome_text: None,
            support_phone: with_contact.then(|| "030 123 45 67".into()),
            support_email: with_contact.then(|| "zorg@delinde.example".into()),
            support_url: None,
        },
        hosts: vec!["de-linde.zorgportaal.test".into()],
        version: 1,
    }
}

fn link<T: From<String>>(path: &str) -> T {
    format!("https://de-linde.zorgportaal.test/{path}").into()
}

/// One fixture per message kind.
fn fixtures() -> Vec<Message> {
    vec![
        Message::DeliveryTest {
            reference: "ref-0042".into(),
        },
        Message::ConfirmEmail {
            name: "Ans de Vries".into(),
            link: link("account/bevestigen?token=confirm-token&x=1"),
        },
        Message::AccountExists {
            name: "Ans de Vries".into(),
            sign_in_link: link("inloggen"),
            reset_link: link("wachtwoord-vergeten"),
        },
        Message::SignInCode {
            name: "Ans de Vries".into(),
            code: "048213".into(),
        },
        Message::PasswordReset {
            name: "Ans de Vries".into(),
            link: link("wachtwoord-herstellen?token=reset-token"),
        },
        Message::PasswordChanged {
            name: "Ans de Vries".into(),
        },
        Message::CodeLockout {
            name: "Ans de Vries".into(),
            reset_link: link("wachtwoord-vergeten"),
        },
        Message::VerifyPhoneLink {
            name: "Ans de Vries".into(),
            link: link("telefoon/bevestigen?token=phone-token"),
            phone: "06 12345678".into(),
        },
        Message::PhoneCode {
            code: "730915".into(),
        },
        Message::PhoneChanged {
            name: "Ans de Vries".into(),
            phone_end: "••••••••78".into(),
        },
        Message::PhoneRemoved {
            name: "Ans de Vries".into(),
            phone_end: "••••••••78".into(),
        },
        Message::HelpQuestion {
            from_name: "Piet <Jansen>".into(),
            from_email: "piet@example.org".into(),
            subject: "Uitnodigen <familie>".into(),
            question: "Hoe nodig ik mijn dochter uit?\nZe heeft nog geen account.\n\n<b>Bedankt</b> & groet"
                .into(),
            reference: "VRG-2026-0001".into(),
        },
        Message::AccountDeleted {
            name: "Ans de Vries".into(),
        },
        Message::TenantAdminInvitation {
            link: link("beheerder-worden?token=invite-token"),
        },
        Message::NetworkInvitation {
            name: "Jan Jansen".into(),
            inviter: "Ans de Vries".into(),
            client: "Anna de Vries".into(),
            personal_message: Some("Hoi Jan, bij deze de uitnodiging.".into()),
            link: link("uitnodiging?token=network-token"),
            valid_until: "06-12-2026".into(),
        },
        Message::MemberRemoved {
            name: "Jan Jansen".into(),
            client: "Anna de Vries".into(),
            by: "Ans de Vries".into(),
        },
        Message::RightsEnding {
            name: "Jan Jansen".into(),
            client: "Anna de Vries".into(),
            granted_by: "Ans de Vries".into(),
            last_day: "17-12-2026".into(),
        },
        Message::MemberRemovedNotice {
            name: "Ans de Vries".into(),
            member: "Jan Jansen".into(),
            client: "Anna de Vries".into(),
        },
        Message::StaffInvitation {
            name: "Fatima el Amrani".into(),
            link: link("medewerker-worden?token=staff-token"),
        },
        Message::MessagesWaiting {
            name: "Jan Jansen".into(),
            client: "Anna de Vries".into(),
            count: 3,
            link: "https://portaal.example/zorgpagina/0191/berichten".into(),
        },
    ]
}

/// What a message must show, and on which channels it is sent. The match has no wildcard, so
/// a new message kind does not compile until it is described here (and the coverage test
/// below fails until it has a fixture).
struct Expect {
    channels: &'static [&'static str],
    /// Shown verbatim in every e-mail part and SMS: links, codes, numbers, references.
    shown: Vec<String>,
    /// The one-time code, read out digit by digit in a voice message.
    code: Option<String>,
}

fn expect(message: &Message) -> Expect {
    let (channels, shown, code): (_, Vec<&str>, Option<&str>) = match message {
        Message::DeliveryTest { reference } => (ALL, vec![&**reference], None),
        Message::ConfirmEmail { name: _, link } => (EMAIL, vec![&**link], None),
        Message::AccountExists {
            name: _,
            sign_in_link,
            reset_link,
        } => (EMAIL, vec![&**sign_in_link, &**reset_link], None),
        Message::SignInCode { name: _, code } => (CODE, vec![&**code], Some(&**code)),
        Message::PasswordReset { name: _, link } => (EMAIL, vec![&**link], None),
        Message::PasswordChanged { name: _ } => (EMAIL, vec![], None),
        Message::CodeLockout {
            name: _,
            reset_link,
        } => (EMAIL, vec![&**reset_link], None),
        Message::VerifyPhoneLink {
            name: _,
            link,
            phone,
        } => (EMAIL, vec![&**link, &**phone], None),
        Message::PhoneCode { code } => (PHONE, vec![&**code], Some(&**code)),
        Message::PhoneChanged { name: _, phone_end }
        | Message::PhoneRemoved { name: _, phone_end } => (EMAIL, vec![&**phone_end], None),
        Message::HelpQuestion {
            from_name,
            from_email,
            subject,
            question: _,
            reference,
        } => (
            EMAIL,
            vec![&**from_name, &**from_email, &**subject, &**reference],
            None,
        ),
        Message::AccountDeleted { name: _ } => (EMAIL, vec![], None),
        Message::TenantAdminInvitation { link } => (EMAIL, vec![&**link], None),
        Message::NetworkInvitation {
            name,
            inviter,
            client,
            personal_message,
            link,
            valid_until,
        } => (
            EMAIL,
            vec![
                &**name,
                &**inviter,
                &**client,
                personal_message.as_deref().unwrap_or_default(),
                &**link,
                &**valid_until,
            ],
            None,
        ),
        Message::MemberRemoved { name, client, by } => {
            (EMAIL, vec![&**name, &**client, &**by], None)
        }
        Message::MemberRemovedNotice {
            name,
            member,
            client,
        } => (EMAIL, vec![&**name, &**member, &**client], None),
        Message::MessagesWaiting {
            name,
            client,
            count: _,
            link,
        } => (EMAIL, vec![&**name, &**client, &**link], None),
        Message::StaffInvitation { name, link } => (EMAIL, vec![&**name, &**link], None),
        Message::RightsEnding {
            name,
            client,
            granted_by,
            last_day,
        } => (
            EMAIL,
            vec![&**name, &**client, &**granted_by, &**last_day],
            None,
        ),
    };
    Expect {
        channels,
        shown: shown.into_iter().map(str::to_owned).collect(),
        code: code.map(str::to_owned),
    }
}

/// The message kinds serde knows, read from its answer to an unknown kind.
fn all_kinds() -> BTreeSet<String> {
    let error = serde_json::from_str::<Message>(r#"{"kind":"?"}"#).unwrap_err();
    let error = error.to_string();
    let (_, expected) = error
        .split_once("expected one of")
        .unwrap_or_else(|| panic!("unexpected serde error: {error}"));
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// The catalogue keys the templates ask for. A missing key renders as itself, so none of
/// these may appear in a rendered message.
fn keys_used() -> BTreeSet<&'static str> {
    let mut keys = BTreeSet::new();
    for (_, source) in TEMPLATES {
        for call in source.split("t('").skip(1) {
            if let Some((key, _)) = call.split_once('\'') {
                keys.insert(key);
            }
        }
    }
    keys
}

fn assert_translated(what: &str, text: &str) {
    for key in keys_used() {
        assert!(!text.contains(key), "{what}: untranslated {key}:\n{text}");
    }
    for prefix in ["email-", "sms-", "voice-", "footer-"] {
        assert!(
            !text.contains(prefix),
            "{what}: looks untranslated:\n{text}"
        );
    }
}

fn escaped(text: &str) -> String {
    HtmlEscape(text).to_string()
}

fn render_email(
    templates: &MessageTemplates,
    tenant: &Tenant,
    language: Language,
    message: &Message,
) -> RenderedEmail {
    templates
        .email(
            message.template_name(),
            tenant,
            language,
            Some("Ans de Vries"),
            message,
        )
        .unwrap_or_else(|e| panic!("email/{} ({language}): {e:#}", message.template_name()))
}

fn render_short(
    templates: &MessageTemplates,
    channel: &str,
    tenant: &Tenant,
    language: Language,
    message: &Message,
) -> String {
    templates
        .short_text(channel, message.template_name(), tenant, language, message)
        .unwrap_or_else(|e| panic!("{channel}/{} ({language}): {e:#}", message.template_name()))
}

#[test]
fn every_message_kind_has_a_fixture() {
    let kinds = all_kinds();
    assert!(
        kinds.len() >= 10,
        "could not list the message kinds: {kinds:?}"
    );
    let fixtures: BTreeSet<String> = fixtures()
        .iter()
        .map(|m| m.template_name().to_owned())
        .collect();
    assert_eq!(fixtures, kinds, "every message kind needs a fixture");
}

#[test]
fn every_message_renders_on_its_channels_in_every_language() {
    let templates = MessageTemplates::new().unwrap();
    for tenant in [tenant(true), tenant(false)] {
        for message in fixtures() {
            let name = message.template_name();
            let expect = expect(&message);
            for language in Language::ALL {
                let what = |channel: &str| format!("{channel}/{name} ({language})");
                for &channel in expect.channels {
                    if channel == "email" {
                        let email = render_email(&templates, &tenant, language, &message);
                        assert!(!email.subject.is_empty(), "{}", what("email"));
                        assert!(!email.subject.contains('\n'), "{}", what("email"));
                        assert_translated(&what("email subject"), &email.subject);
                        assert_translated(&what("email html"), &email.html);
                        assert_translated(&what("email text"), &email.text);
                        // One greeting, whether the layout or the message gives it.
                        let greeting = if language == Language::Nl {
                            "Beste "
                        } else {
                            "Dear "
                        };
                        for part in [&email.text, &email.html] {
                            let greetings = part.matches(greeting).count();
                            assert!(greetings <= 1, "{}: {greetings} greetings", what("email"));
                        }
                        assert!(
                            email.html.starts_with("<!doctype html>")
                                && email.html.contains(&format!("<html lang=\"{language}\">"))
                                && email.html.contains(&format!(
                                    "<title>{}</title>",
                                    escaped(&email.subject)
                                )),
                            "{}: layout or title missing:\n{}",
                            what("email html"),
                            email.html
                        );
                        for value in &expect.shown {
                            assert!(
                                email.html.contains(&escaped(value)),
                                "{}: {value} missing:\n{}",
                                what("email html"),
                                email.html
                            );
                            assert!(
                                email.text.contains(value.as_str()),
                                "{}: {value} missing:\n{}",
                                what("email text"),
                                email.text
                            );
                        }
                    } else {
                        let text = render_short(&templates, channel, &tenant, language, &message);
                        assert_translated(&what(channel), &text);
                        assert!(text.contains("Zorgcentrum De Linde"), "{}", what(channel));
                        if channel == "sms" {
                            for value in &expect.shown {
                                assert!(text.contains(value.as_str()), "{}: {text}", what(channel));
                            }
                            assert!(
                                text.chars().count() <= 160 && text.is_ascii(),
                                "{}: not one plain SMS ({} characters): {text}",
                                what(channel),
                                text.chars().count()
                            );
                        }
                        if let (Some(code), "voice") = (&expect.code, channel) {
                            let spoken = spaced_digits(code);
                            assert_eq!(
                                text.matches(&spoken).count(),
                                2,
                                "{}: the code is said twice, digit by digit: {text}",
                                what(channel)
                            );
                            assert!(!text.contains(code.as_str()), "{}: {text}", what(channel));
                        }
                    }
                }
            }
            // And no template for a channel the message is not sent on, so `expect` stays
            // the truth about what is sent where.
            for channel in CHANNELS {
                let registered = TEMPLATES
                    .iter()
                    .any(|(path, _)| path.starts_with(&format!("{channel}/{name}/")));
                assert_eq!(
                    registered,
                    expect.channels.contains(&channel),
                    "{channel}/{name}: template registered but not expected, or the reverse"
                );
            }
        }
    }
}

#[test]
fn the_templates_folder_is_registered_completely() {
    fn walk(dir: &Path, root: &Path, found: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, found);
            } else {
                let relative = path.strip_prefix(root).unwrap();
                found.insert(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut on_disk = BTreeSet::new();
    walk(&root, &root, &mut on_disk);
    let registered: BTreeSet<String> = TEMPLATES.iter().map(|(p, _)| (*p).to_owned()).collect();
    assert_eq!(on_disk, registered);
}

fn email(language: Language, message: &Message) -> RenderedEmail {
    render_email(
        &MessageTemplates::new().unwrap(),
        &tenant(true),
        language,
        message,
    )
}

fn fixture(kind: &str) -> Message {
    fixtures()
        .into_iter()
        .find(|m| m.template_name() == kind)
        .unwrap()
}

#[test]
fn subjects_are_as_promised_on_the_portal_pages() {
    let confirm = fixture("confirm_email");
    assert_eq!(
        email(Language::Nl, &confirm).subject,
        "Welkom bij Zorgcentrum De Linde"
    );
    assert_eq!(
        email(Language::En, &confirm).subject,
        "Welcome to Zorgcentrum De Linde"
    );
    let code = fixture("sign_in_code");
    assert_eq!(
        email(Language::Nl, &code).subject,
        "Twee-factor authenticatie inlogcode voor Zorgcentrum De Linde"
    );
    assert_eq!(
        email(Language::En, &code).subject,
        "Two-factor sign-in code for Zorgcentrum De Linde"
    );
}

#[test]
fn links_are_buttons_in_branding_colours_and_plain_urls() {
    let confirm = email(Language::Nl, &fixture("confirm_email"));
    let link = escaped(&link::<String>(
        "account/bevestigen?token=confirm-token&x=1",
    ));
    assert!(confirm.html.contains(&format!("<a href=\"{link}\"")));
    assert!(
        confirm.html.contains("background:#0b5d4b"),
        "{}",
        confirm.html
    );
    assert!(
        confirm.html.contains("color:#ffffff;text-decoration:none"),
        "{}",
        confirm.html
    );
    assert!(confirm.html.contains(">E-mailadres bevestigen</a>"));
    assert!(confirm.html.contains(&format!(">{link}</a>")), "plain URL");
    assert!(confirm.text.contains("3 dagen geldig"));
    assert!(confirm.text.contains("maar één keer"));

    let reset = email(Language::Nl, &fixture("password_reset"));
    assert!(reset.html.contains(">Nieuw wachtwoord kiezen</a>"));
    assert!(reset.text.contains("1 uur geldig"));
}

#[test]
fn sign_in_code_texts() {
    let message = fixture("sign_in_code");
    let templates = MessageTemplates::new().unwrap();
    let tenant = tenant(true);
    assert_eq!(
        render_short(&templates, "sms", &tenant, Language::Nl, &message),
        "048213 is je inlogcode voor Zorgcentrum De Linde. Geldig 5 minuten. \
         Deel deze code met niemand."
    );
    let voice = render_short(&templates, "voice", &tenant, Language::Nl, &message);
    assert!(voice.contains("Je inlogcode is: 0, 4, 8, 2, 1, 3. Ik herhaal: 0, 4, 8, 2, 1, 3."));
    let html = email(Language::En, &message).html;
    assert!(html.contains("font-size:34px"), "the code is shown large");
    assert!(html.contains("048213"));
}

#[test]
fn contact_details_are_shown_only_when_the_organisation_has_them() {
    let templates = MessageTemplates::new().unwrap();
    let message = fixture("password_changed");
    let with = render_email(&templates, &tenant(true), Language::Nl, &message);
    assert!(with.html.contains("Telefoon: 030 123 45 67"));
    assert!(with.html.contains("mailto:zorg@delinde.example"));
    assert!(with.text.contains("E-mail: zorg@delinde.example"));
    let without = render_email(&templates, &tenant(false), Language::Nl, &message);
    assert!(!without.html.contains("Telefoon:") && !without.html.contains("mailto:"));
    assert!(!without.text.contains("Telefoon:") && !without.text.contains("E-mail:"));
}

#[test]
fn a_help_question_is_escaped_and_keeps_its_line_breaks() {
    let question = email(Language::Nl, &fixture("help_question"));
    assert!(question.html.contains(
        "Hoe nodig ik mijn dochter uit?<br>Ze heeft nog geen account.<br><br>\
         &lt;b&gt;Bedankt&lt;&#x2f;b&gt; &amp; groet"
    ));
    assert!(question.html.contains("Piet &lt;Jansen&gt;"));
    assert!(!question.html.contains("<b>") && !question.html.contains("<Jansen>"));
    assert!(question.text.contains(
        "Hoe nodig ik mijn dochter uit?\nZe heeft nog geen account.\n\n<b>Bedankt</b> & groet"
    ));
    assert!(
        question.text.starts_with("Vraag via het portaal\n"),
        "{}",
        question.text
    );
    assert!(
        !question.html.contains("Beste"),
        "no greeting to the organisation"
    );
    assert_eq!(
        question.subject,
        "Vraag via het portaal van Piet <Jansen> (kenmerk VRG-2026-0001)"
    );
}

#[test]
fn codes_are_spaced_for_speech() {
    assert_eq!(spaced_digits("048213"), "0, 4, 8, 2, 1, 3");
    assert_eq!(spaced_digits("12 34"), "1, 2, 3, 4");
    assert_eq!(spaced_digits(""), "");
}
