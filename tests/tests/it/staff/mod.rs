//! The care team's side (`web::routes::staff`, API-3, MSG-7, BEY-3): becoming an employee who
//! signs in, the inbox of organisation threads with "mijn cliënten" and overdue threads first,
//! answering, and what the members then see.

mod inbox;
mod invitation;
