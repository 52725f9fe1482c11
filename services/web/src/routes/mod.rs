//! Every route of the portal. Routes that need a door come from the route tables of
//! `tenant_admin`, `staff` and `portal::care_page`; the rest are open or take a session themselves.

pub mod platform;
pub mod portal;
pub mod staff;
pub mod tenant_admin;

use poem::{get, post, Endpoint, EndpointExt, Route};

use crate::access::route_table;
use crate::http::middleware::request_context;
use crate::http::state::AppState;

pub fn portal() -> Route {
    let tables = route_table::mount(Route::new(), tenant_admin::table());
    let tables = route_table::mount(tables, staff::table());
    route_table::mount(tables, portal::care_page::table())
        .at("/healthz", get(platform::health::live))
        .at("/readyz", get(platform::health::ready))
        .at("/static/:file", get(platform::static_files::serve))
        .at("/", get(portal::start::page))
        .at("/toegankelijkheid", get(portal::start::accessibility))
        .at("/taal", get(portal::language::switch))
        .at("/theme.css", get(portal::theme::stylesheet))
        .at("/branding/logo", get(portal::theme::logo))
        .at(
            "/aanmelden",
            get(portal::account::signup::show_form).post(portal::account::signup::submit),
        )
        .at("/gebruiksvoorwaarden", get(portal::account::signup::terms))
        .at(
            "/account/bevestigen",
            get(portal::account::signup::confirm_page).post(portal::account::signup::confirm),
        )
        .at(
            "/inloggen",
            get(portal::account::signin::show_form).post(portal::account::signin::submit),
        )
        .at(
            "/inloggen/code",
            get(portal::account::signin::code_form).post(portal::account::signin::code_submit),
        )
        .at(
            "/inloggen/code/opnieuw",
            post(portal::account::signin::resend_code),
        )
        .at("/uitloggen", post(portal::account::signin::sign_out))
        .at(
            "/wachtwoord-vergeten",
            get(portal::account::password_reset::request_form)
                .post(portal::account::password_reset::request),
        )
        .at(
            "/wachtwoord-herstellen",
            get(portal::account::password_reset::new_password_form)
                .post(portal::account::password_reset::set_new_password),
        )
        .at("/overzicht", get(portal::account::overview::overview))
        .at(
            "/zorgpagina/nieuw",
            get(portal::care_page::new::new_form).post(portal::care_page::new::create),
        )
        .at(
            "/zorgpagina/activatiecode",
            get(portal::care_page::activation::activation_form)
                .post(portal::care_page::activation::activation_check),
        )
        .at(
            "/brief-aanvragen",
            get(portal::care_page::letter_request::letter_request_form)
                .post(portal::care_page::letter_request::letter_request),
        )
        .at(
            "/zorgpagina/activatiecode/akkoord",
            post(portal::care_page::activation::activation_agree),
        )
        .at(
            "/account/sessies",
            get(portal::account::sessions::sessions_page),
        )
        .at(
            "/account/sessies/overal-uitloggen",
            post(portal::account::sessions::end_everywhere),
        )
        .at(
            "/account/sessies/:id/uitloggen",
            post(portal::account::sessions::end_session),
        )
        .at(
            "/instellingen/telefoon",
            get(portal::account::phone::show).post(portal::account::phone::submit_number),
        )
        .at(
            "/instellingen/telefoon/bevestigen",
            get(portal::account::phone::link_page).post(portal::account::phone::open_link),
        )
        .at(
            "/instellingen/telefoon/code",
            post(portal::account::phone::confirm_code),
        )
        .at(
            "/instellingen/telefoon/opnieuw",
            post(portal::account::phone::resend_code),
        )
        .at(
            "/instellingen/telefoon/annuleren",
            post(portal::account::phone::cancel),
        )
        .at(
            "/instellingen/telefoon/verwijderen",
            post(portal::account::phone::remove),
        )
        .at(
            "/beheerder-worden",
            get(tenant_admin::invitation::invitation)
                .post(tenant_admin::invitation::accept_invitation),
        )
        .at(
            "/medewerker-worden",
            get(staff::invitation::invitation).post(staff::invitation::accept),
        )
        .at(
            "/uitnodiging",
            get(portal::care_page::invitations::open_link)
                .post(portal::care_page::invitations::accept),
        )
        .at("/hulp", get(portal::help::show).post(portal::help::ask))
        .at("/veelgestelde-vragen", get(portal::help::faq))
        .at("/instellingen", get(portal::account::profile::show))
        .at("/instellingen/naam", post(portal::account::profile::rename))
        .at(
            "/instellingen/taal",
            post(portal::account::profile::set_language),
        )
        .at(
            "/instellingen/wachtwoord",
            get(portal::account::profile::password_form)
                .post(portal::account::profile::change_password),
        )
        .at(
            "/account/foto",
            get(portal::account::profile::photo).post(portal::account::profile::upload_photo),
        )
        .at(
            "/account/foto/verwijderen",
            post(portal::account::profile::remove_photo),
        )
        .at(
            "/account/verwijderen",
            get(portal::account::profile::delete_form)
                .post(portal::account::profile::delete_account),
        )
}

/// `routes` behind the portal's middleware, with the shared state.
pub fn serve(routes: Route, state: AppState) -> impl Endpoint {
    routes.around(request_context).data(state)
}
