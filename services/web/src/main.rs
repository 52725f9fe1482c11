//! The web process: configuration from the environment, telemetry, then the portal.

use anyhow::Context;
use common::infra::config::Config;

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
