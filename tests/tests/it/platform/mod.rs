//! What runs beneath the pages: the outbox relay and delivery, retries and parking, broker
//! faults, SIGTERM to each service, the worker's memory under image work, migrations, tenant
//! isolation, object storage, the worker's housekeeping and the operator's `zorgctl`.

mod broker_faults;
mod delivery;
mod housekeeping;
mod image_jobs;
mod isolation;
mod migrate;
mod operator;
mod relay;
mod retry_parking;
mod sigterm;
mod storage;
