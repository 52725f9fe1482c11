use anyhow::Context;
use common::config::Config;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _telemetry = common::telemetry::init("zorgportaal-web");
    let config = Config::from_process_env()?;
    let stop = common::shutdown::on_signal();
    let app = web::Application::build(config).await?;
    tracing::info!(address = %app.local_addr(), "web listening");
    app.run_until_stopped(stop).await.context("web server")?;
    tracing::info!("web stopped");
    Ok(())
}
