//! Waiting for something that happens elsewhere (a relay, a consumer, a NOTIFY) without
//! sleeping a fixed time: poll until it holds, and fail the test with what was awaited once a
//! deadline passes.

use std::time::{Duration, Instant};

/// Polls `check` until it returns `Some`, or panics after `timeout` with `what`. The pause
/// between polls grows from 50 ms to half a second: many tests poll the same shared services
/// (the mail catcher answers every poll with every mail it holds), and a wait that lasts
/// should not keep them busy.
pub async fn eventually<T, F, Fut>(timeout: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(50);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(pause).await;
        pause = (pause * 3 / 2).min(Duration::from_millis(500));
    }
}
