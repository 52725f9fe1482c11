//! Every integration test in one binary, so the platform is linked once. The modules mirror
//! the web routes — `portal` (the pages a person uses) and `tenant_admin` (the organisation's
//! `/beheer` pages) — with `platform` for what has no page of its own: the outbox relay,
//! delivery, retries and parking, broker faults, SIGTERM, migrations, tenant isolation,
//! storage, housekeeping and the operator's `zorgctl`; and `rights` for the generated rights
//! and CSRF tests.
//!
//! `platform::broker_faults` disrupts the RabbitMQ every test shares: `bin/test` runs it last
//! and alone (`-E 'test(/^platform::broker_faults::/)'`).

mod platform;
mod portal;
mod rights;
mod staff;
mod tenant_admin;
