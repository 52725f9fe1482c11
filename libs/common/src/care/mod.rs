//! One care page and everything on it (CP): the page and its members, and what happens to
//! pages when an account leaves.

pub mod leaving;
pub mod page;
