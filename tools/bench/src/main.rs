//! The benchmark command (`bin/bench`). Every figure is printed next to a baseline measured in
//! the same run on the same machine, because machines are shared and absolute numbers drift.
//! It creates its own databases and queues and removes them afterwards.

mod carepage;
mod http;
mod images;
mod messages;
mod queue;
mod setup;
mod signin;

use anyhow::Context;
use common::infra::config::{Config, Env};

/// The web service's allocator (see `services/web/src/main.rs`): the portal runs inside this
/// process, and is measured with what it runs with in production.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Seconds per HTTP measurement (`BENCH_SECONDS`).
fn seconds() -> u64 {
    std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::from_env(&Env::from_map(
        std::env::vars()
            .chain([
                ("RUST_LOG".to_owned(), "error".to_owned()),
                ("WEB_BIND".to_owned(), "127.0.0.1:0".to_owned()),
            ])
            .collect(),
    ))?;
    // `bin/bench [migrate] [http] [signin] [relay] [email] [messages] [images]`: the named
    // parts only; none names all.
    let asked: Vec<String> = std::env::args().skip(1).collect();
    let wants = |part: &str| asked.is_empty() || asked.iter().any(|a| a == part);
    println!(
        "Zorgportaal benchmark ({} s per HTTP measurement, wrk -t2 -c32)\n",
        seconds()
    );

    if wants("migrate") {
        let migrate = setup::migrate_figures(&config)
            .await
            .context("migrate benchmark")?;
        println!("migrate");
        for figure in &migrate {
            println!("  {figure}");
        }
    }

    let bench = setup::BenchDatabase::create(&config, 1_000).await?;
    let result = async {
        if wants("http") {
            http::run(&bench, seconds())
                .await
                .context("HTTP benchmark")?;
        }
        if wants("signin") {
            signin::run(&bench, seconds())
                .await
                .context("sign-in benchmark")?;
        }
        if wants("relay") {
            queue::relay_throughput(&bench)
                .await
                .context("relay benchmark")?;
            queue::relay_lag(&bench).await.context("lag benchmark")?;
        }
        if wants("email") {
            queue::emails_end_to_end(&bench, 10_000)
                .await
                .context("e-mail benchmark")?;
        }
        if wants("messages") {
            messages::fan_out_to_network(&bench)
                .await
                .context("message fan-out benchmark")?;
        }
        if wants("images") {
            images::worker_memory(&bench)
                .await
                .context("image memory benchmark")?;
        }
        anyhow::Ok(())
    }
    .await;
    bench.drop_database().await;
    result
}
