//! The notifier process: configuration from the environment, telemetry, then the service.

use common::infra::config::Config;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _telemetry = common::infra::telemetry::init("zorgportaal-notifier");
    let config = Config::from_process_env()?;
    let stop = common::infra::shutdown::on_signal();
    let notifier = notifier::Notifier::build(config).await?;
    notifier.run_until_stopped(stop).await;
    tracing::info!("notifier stopped");
    Ok(())
}
