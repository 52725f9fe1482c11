//! The web process: configuration from the environment, telemetry, then the portal.

use anyhow::Context;
use common::infra::config::Config;

/// mimalloc rather than glibc's allocator: per-thread heaps without arena locks between the
/// runtime's threads, for the many small allocations of a request. (The worker keeps glibc's:
/// with mimalloc its peak for thirty large photos rose from 265 to 369 MiB in `bin/bench images`.)
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _telemetry = common::infra::telemetry::init("zorgportaal-web");
    let config = Config::from_process_env()?;
    let stop = common::infra::shutdown::on_signal();
    let app = web::Application::build(config).await?;
    tracing::info!(address = %app.local_addr(), "web listening");
    app.run_until_stopped(stop).await.context("web server")?;
    tracing::info!("web stopped");
    Ok(())
}
