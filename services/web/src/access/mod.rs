//! The doors: who may do what. The session of a signed-in person, the organisation's tenant
//! admins, and the members of a care page; `door` names them for the route tables.

pub mod care_page;
pub mod session;
pub mod tenant_admin;
