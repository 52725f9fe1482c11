//! Routes of the platform itself, the same on every portal: health checks and static files.

pub mod health;
pub mod static_files;
