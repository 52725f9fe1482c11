//! The account pages (`web::routes::portal::account`): signing up and in, sessions and
//! password reset, the phone number, the profile and settings, and deleting the account.

mod deletion;
mod phone;
mod profile;
mod sign_in_budget;
mod sign_in_up;
