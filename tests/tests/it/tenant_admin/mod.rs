//! The organisation's own administration under `/beheer` (`web::routes::tenant_admin`): who may
//! enter, branding, the support inbox, settings, administrators and employees.

mod admin;
mod audit;
mod employees;
