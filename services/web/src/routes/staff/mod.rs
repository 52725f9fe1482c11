//! The care team's pages under `/medewerker` (API-3, MSG-7): the inbox of organisation
//! threads, a thread with its answer, a new thread with a client's care page, and the
//! attachments. Outside `/medewerker`, the invitation to sign in as an employee
//! ([`invitation`]).
//!
//! Every page is listed once, in [`table`], each method behind [`StaffDoor`]: the door finds
//! the employee, and the thread, page or file the path names, and writes the access-log row of
//! the client's page. The rights tests read the same table through [`doors`].

pub mod compose;
pub mod inbox;
pub mod invitation;
pub mod thread;

use common::audit::access_log::Action;

use crate::access::route_table::{self, route, TableRoute};
use crate::access::staff::{StaffDoor, StaffScope};

/// Every staff page.
pub fn table() -> Vec<TableRoute<StaffDoor>> {
    use StaffScope::{Attachment, Page, Thread};
    vec![
        route("/medewerker").get(StaffDoor::OWN, inbox::show_inbox),
        route("/medewerker/clienten").get(StaffDoor::OWN, compose::clients),
        route("/medewerker/berichten/:draad")
            .get(StaffDoor::reads(Thread), thread::show_thread)
            .post(StaffDoor::creates(Thread), thread::reply),
        route("/medewerker/zorgpagina/:zorgpagina/bericht")
            .get(StaffDoor::reads(Page), compose::compose)
            .post(StaffDoor::creates(Page), compose::send),
        route("/medewerker/bijlagen/:bijlage").get(
            StaffDoor {
                scope: Attachment,
                action: Action::Read,
            },
            thread::download,
        ),
    ]
}

/// The doors of [`table`], for the rights tests and the documentation.
pub fn doors() -> Vec<route_table::RouteInfo<StaffDoor>> {
    route_table::describe(&table())
}
