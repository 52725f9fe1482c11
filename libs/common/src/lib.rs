//! Domain logic shared by the Zorgportaal services, free of HTTP.

pub mod accounts;
pub mod activation;
pub mod audit;
pub mod care_pages;
pub mod clock;
pub mod config;
pub mod db;
pub mod employees;
pub mod i18n;
pub mod images;
pub mod letters;
pub mod mq;
pub mod outbox;
pub mod shutdown;
pub mod storage;
pub mod support;
pub mod telemetry;
pub mod templating;
pub mod tenancy;
pub mod tenant_admin;
