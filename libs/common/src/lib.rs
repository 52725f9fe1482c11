//! Domain logic shared by the Zorgportaal services, free of HTTP.
//!
//! Layers look downwards only: `infra` imports no context; the contexts import `infra` and
//! each other in the order `staff → clients → care → organisation → accounts → audit → infra`.

pub mod accounts;
pub mod audit;
pub mod care;
pub mod clients;
pub mod infra;
pub mod organisation;
pub mod staff;
