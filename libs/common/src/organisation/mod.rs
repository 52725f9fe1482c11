//! The tenant as an organisation (TEN, API-2): its administrators and their invitations, its
//! branding and settings, its employees, and the questions its clients ask (support).

pub mod admins;
pub mod branding;
pub mod employees;
pub mod invitations;
pub mod settings;
pub mod support;
