//! One care page and everything on it (CP): the page and its members, the rights of its
//! personal network and the invitations into it, and what happens to pages when an account
//! leaves.

pub mod leaving;
pub mod messages;
pub mod network;
pub mod notification_prefs;
pub mod page;
pub mod rights;
