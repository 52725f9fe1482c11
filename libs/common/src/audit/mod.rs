//! What happened, and who did it: the tenant's audit trail of changes, and the access log of
//! clients' data (NEN 7513).

pub mod access_log;
pub mod trail;
