//! The worker process: configuration from the environment, telemetry, then the service.

use common::infra::config::Config;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _telemetry = common::infra::telemetry::init("zorgportaal-worker");
    let config = Config::from_process_env()?;
    let stop = common::infra::shutdown::on_signal();
    let worker = worker::Worker::build(config).await?;
    worker.run_until_stopped(stop).await;
    tracing::info!("worker stopped");
    Ok(())
}
