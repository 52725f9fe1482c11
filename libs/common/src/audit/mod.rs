//! What happened, and who did it: the tenant's audit trail of changes.

pub mod trail;
