//! A person's account (ACC): sign-up, sign-in with a second step, password reset, the overview,
//! sessions, phone numbers, settings and profile.

pub mod code_entry;
pub mod overview;
pub mod password_reset;
pub mod phone;
pub mod profile;
pub mod sessions;
pub mod signin;
pub mod signup;
