//! Job consumers run by the worker. Each is a `common::mq::Handler` with its `ConsumerSpec`
//! (add the spec to `ConsumerSpec::all` so the relay declares its queue); the worker runs every
//! one listed here with the shared retry, parking and shutdown behaviour.

use std::sync::Arc;

use common::mq::{ConsumerSpec, Handler};

/// The consumers this worker runs, with their handlers.
pub fn consumers() -> Vec<(ConsumerSpec, Arc<dyn Handler>)> {
    Vec::new()
}
