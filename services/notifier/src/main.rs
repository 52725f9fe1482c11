use common::config::Config;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _telemetry = common::telemetry::init("zorgportaal-notifier");
    let config = Config::from_process_env()?;
    let stop = common::shutdown::on_signal();
    let notifier = notifier::Notifier::build(config).await?;
    notifier.run_until_stopped(stop).await;
    tracing::info!("notifier stopped");
    Ok(())
}
