//! The personal network of a care page (NET): who is invited and on what terms, the members
//! after they joined, and the log of every change.

pub mod invitations;
pub mod members;
