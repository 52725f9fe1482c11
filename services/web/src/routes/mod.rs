//! Every route of the portal, in one table.

mod account;
mod activation;
pub mod admin;
mod administrators;
mod care_pages;
mod client_records;
mod employees;
mod health;
mod help;
mod language;
mod password_reset;
mod phone;
mod profile;
mod signin;
mod signup;
mod start;
mod static_files;
mod theme;

use poem::{get, post, Endpoint, EndpointExt, Route};

use crate::middleware::{request_context, security_headers};
use crate::state::AppState;

pub fn portal() -> Route {
    admin::mount(Route::new())
        .at("/healthz", get(health::live))
        .at("/readyz", get(health::ready))
        .at("/static/:file", get(static_files::serve))
        .at("/", get(start::page))
        .at("/toegankelijkheid", get(start::accessibility))
        .at("/taal", get(language::switch))
        .at("/theme.css", get(theme::stylesheet))
        .at("/branding/logo", get(theme::logo))
        .at("/aanmelden", get(signup::show_form).post(signup::submit))
        .at("/gebruiksvoorwaarden", get(signup::terms))
        .at(
            "/account/bevestigen",
            get(signup::confirm_page).post(signup::confirm),
        )
        .at("/inloggen", get(signin::show_form).post(signin::submit))
        .at(
            "/inloggen/code",
            get(signin::code_form).post(signin::code_submit),
        )
        .at("/inloggen/code/opnieuw", post(signin::resend_code))
        .at("/uitloggen", post(signin::sign_out))
        .at(
            "/wachtwoord-vergeten",
            get(password_reset::request_form).post(password_reset::request),
        )
        .at(
            "/wachtwoord-herstellen",
            get(password_reset::new_password_form).post(password_reset::set_new_password),
        )
        .at("/overzicht", get(account::overview))
        .at(
            "/zorgpagina/nieuw",
            get(care_pages::new_form).post(care_pages::create),
        )
        .at(
            "/zorgpagina/activatiecode",
            get(activation::activation_form).post(activation::activation_check),
        )
        .at(
            "/brief-aanvragen",
            get(activation::letter_request_form).post(activation::letter_request),
        )
        .at(
            "/zorgpagina/activatiecode/akkoord",
            post(activation::activation_agree),
        )
        .at("/zorgpagina/:id", get(care_pages::home))
        .at("/zorgpagina/:id/kalender", get(care_pages::calendar))
        .at("/zorgpagina/:id/berichten", get(care_pages::messages))
        .at("/zorgpagina/:id/dossier", get(care_pages::dossier))
        .at("/zorgpagina/:id/notities", get(care_pages::notes))
        .at("/zorgpagina/:id/connecties", get(care_pages::connections))
        .at("/zorgpagina/:id/meldingen", get(care_pages::notifications))
        .at(
            "/zorgpagina/:id/profiel",
            get(care_pages::profile).post(care_pages::update_profile),
        )
        .at(
            "/zorgpagina/:id/beheerders",
            get(care_pages::admins).post(care_pages::set_rights),
        )
        .at(
            "/zorgpagina/:id/verwijderen",
            get(care_pages::delete_form).post(care_pages::delete),
        )
        .at("/account/sessies", get(account::sessions_page))
        .at(
            "/account/sessies/overal-uitloggen",
            post(account::end_everywhere),
        )
        .at("/account/sessies/:id/uitloggen", post(account::end_session))
        .at(
            "/instellingen/telefoon",
            get(phone::show).post(phone::submit_number),
        )
        .at(
            "/instellingen/telefoon/bevestigen",
            get(phone::link_page).post(phone::open_link),
        )
        .at("/instellingen/telefoon/code", post(phone::confirm_code))
        .at("/instellingen/telefoon/opnieuw", post(phone::resend_code))
        .at("/instellingen/telefoon/annuleren", post(phone::cancel))
        .at("/instellingen/telefoon/verwijderen", post(phone::remove))
        .at(
            "/beheerder-worden",
            get(admin::invitation).post(admin::accept_invitation),
        )
        .at("/hulp", get(help::show).post(help::ask))
        .at("/veelgestelde-vragen", get(help::faq))
        .at("/instellingen", get(profile::show))
        .at("/instellingen/naam", post(profile::rename))
        .at("/instellingen/taal", post(profile::set_language))
        .at(
            "/instellingen/wachtwoord",
            get(profile::password_form).post(profile::change_password),
        )
        .at(
            "/account/foto",
            get(profile::photo).post(profile::upload_photo),
        )
        .at("/account/foto/verwijderen", post(profile::remove_photo))
        .at(
            "/account/verwijderen",
            get(profile::delete_form).post(profile::delete_account),
        )
}

/// `routes` behind the portal's middleware, with the shared state.
pub fn serve(routes: Route, state: AppState) -> impl Endpoint {
    routes
        .around(request_context)
        .around(security_headers)
        .data(state)
}
