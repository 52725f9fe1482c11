//! The tenant admin's pages under `/beheer` (API-2), one module per screen: the start page,
//! branding (TEN-3), the support inbox (ACC-9), the organisation's settings (TEN-4), clients,
//! codes and letters (CP-2), employees and administrators. Outside `/beheer`, the invitation to
//! become an admin ([`invitation`]).
//!
//! Every page is listed once, in [`table`], each method behind [`AdminDoor`]: the router is
//! built from it, and the rights test reads the same list through [`doors`], so a page added
//! here is checked against non-admins automatically. The door runs before every handler and
//! leaves the admin, the viewer and the admin's own language in the request; handlers take
//! [`TenantAdmin`](crate::access::tenant_admin::TenantAdmin) and
//! [`PageRenderer`](crate::http::pages::PageRenderer) from there.

pub mod administrators;
pub mod branding;
pub mod client;
pub mod clients;
pub mod employee_sign_in;
pub mod employees;
pub mod home;
pub mod inbox;
pub mod invitation;
pub mod letters;
pub mod settings;

use serde::Deserialize;

use crate::access::route_table::{self, route, TableRoute};
use crate::access::tenant_admin::AdminDoor;
use crate::http::forms::FieldErrors;

/// Every admin page. Paths start with `/beheer`; `:id` stands for a question, client or
/// employee id.
pub fn table() -> Vec<TableRoute<AdminDoor>> {
    vec![
        route("/beheer").get(AdminDoor, home::home),
        route("/beheer/huisstijl")
            .get(AdminDoor, branding::show_branding)
            .post(AdminDoor, branding::save_branding),
        route("/beheer/huisstijl/voorbeeld.css").get(AdminDoor, branding::preview_css),
        route("/beheer/huisstijl/logo").post(AdminDoor, branding::upload_logo),
        route("/beheer/huisstijl/logo/verwijderen").post(AdminDoor, branding::remove_logo),
        route("/beheer/vragen").get(AdminDoor, inbox::show_inbox),
        route("/beheer/vragen/:id").get(AdminDoor, inbox::show_question),
        route("/beheer/vragen/:id/status").post(AdminDoor, inbox::set_question_status),
        route("/beheer/instellingen")
            .get(AdminDoor, settings::show_settings)
            .post(AdminDoor, settings::save_settings),
        route("/beheer/clienten")
            .get(AdminDoor, clients::show_clients)
            .post(AdminDoor, clients::create_client),
        route("/beheer/clienten/:id")
            .get(AdminDoor, client::show)
            .post(AdminDoor, client::save),
        route("/beheer/clienten/:id/code").post(AdminDoor, clients::new_code),
        route("/beheer/brieven.pdf").post(AdminDoor, letters::letters_pdf),
        route("/beheer/briefaanvragen").get(AdminDoor, letters::show_letter_requests),
        route("/beheer/briefaanvragen/brieven.pdf").post(AdminDoor, letters::letter_requests_pdf),
        route("/beheer/medewerkers")
            .get(AdminDoor, employees::show_list)
            .post(AdminDoor, employees::add),
        route("/beheer/medewerkers/:id")
            .get(AdminDoor, employees::show_one)
            .post(AdminDoor, employees::save),
        route("/beheer/medewerkers/:id/foto")
            .get(AdminDoor, employees::photo)
            .post(AdminDoor, employees::upload_photo),
        route("/beheer/medewerkers/:id/verwijderen").post(AdminDoor, employees::delete),
        route("/beheer/medewerkers/:id/inloggen").post(AdminDoor, employee_sign_in::invite),
        route("/beheer/medewerkers/:id/inloggen/intrekken")
            .post(AdminDoor, employee_sign_in::revoke),
        route("/beheer/clienten/:id/begeleiders").post(AdminDoor, client::assign),
        route("/beheer/clienten/:id/begeleiders/:medewerker/verwijderen")
            .post(AdminDoor, client::unassign),
        route("/beheer/beheerders")
            .get(AdminDoor, administrators::show)
            .post(AdminDoor, administrators::invite),
        route("/beheer/beheerders/:id/intrekken").post(AdminDoor, administrators::revoke),
    ]
}

/// The doors of [`table`], for the rights tests and the documentation.
pub fn doors() -> Vec<route_table::RouteInfo<AdminDoor>> {
    route_table::describe(&table())
}

/// `?melding=…`: what a redirect after a change asks the page to tell.
#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    melding: Option<String>,
}

impl NoticeQuery {
    pub(crate) fn melding(&self) -> Option<&str> {
        self.melding.as_deref()
    }
}

/// The notice of the branding, inbox and settings pages, which share their `melding` values.
fn notice_for(melding: Option<&str>) -> Option<&'static str> {
    match melding? {
        "huisstijl" => Some("admin-notice-branding"),
        "logo" => Some("admin-notice-logo"),
        "logo-verwijderd" => Some("admin-notice-logo-removed"),
        "instellingen" => Some("admin-notice-settings"),
        "afgehandeld" => Some("admin-notice-handled"),
        "heropend" => Some("admin-notice-reopened"),
        _ => None,
    }
}

/// The problems a form check found, by field, as the templates show them.
fn field_errors(problems: Vec<(&'static str, &'static str)>) -> FieldErrors {
    let mut errors = FieldErrors::default();
    for (field, code) in problems {
        errors.add(field, code);
    }
    errors
}
