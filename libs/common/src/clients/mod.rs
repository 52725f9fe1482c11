//! The organisation's clients and the road to a care page (CP-2, CP-8): client records,
//! activation codes and their letters, and letter requests.

pub mod activation;
pub mod letter_requests;
pub mod letters_pdf;
pub mod records;
