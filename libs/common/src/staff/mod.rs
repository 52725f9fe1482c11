//! The care team's own side (API-3, MSG-7): employees who sign in, the clients they are
//! assigned to, and their inbox of organisation threads.

pub mod assignments;
pub mod inbox;
pub mod sign_in;

pub use sign_in::{staff_member, StaffMember};
