//! The doors: who may do what. The session of a signed-in person, the organisation's tenant
//! admins, and the members of a care page; the route tables put a door in front of every
//! route that needs one, log what the doors refuse, and write the access log of clients' data.

pub mod access_log;
pub mod care_page;
pub mod route_table;
pub mod session;
pub mod staff;
pub mod step_up;
pub mod tenant_admin;
