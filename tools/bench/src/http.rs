//! Requests per second and latency, all measured with the same load generator (wrk).

use std::net::SocketAddr;
use std::process::Command;

use anyhow::{bail, Context};
use bytes::Bytes;
use common::infra::tenancy::in_tenant_read_only;
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::web::Data;
use poem::{get, handler, EndpointExt, Route, Server};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use web::http::error::AppError;
use web::http::portal::Portal;
use web::http::state::AppState;

use common::audit::access_log::Part;
use web::access::care_page::Need;
use web::access::route_table::{self, route};

use crate::carepage::{signed_in_member, Unlogged};
use crate::setup::{check, context_err, tenant_host, BenchDatabase, DEMO_HOST};

/// What a current browser sends as `Accept-Encoding`.
const BROWSER_ENCODINGS: &str = "gzip, deflate, br, zstd";

pub struct Figures {
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

#[handler]
fn hello() -> &'static str {
    "hello"
}

/// The baseline for a page that reads one tenant row: the same query, schema-qualified,
/// straight on the pool, without tenant resolution, tenant transaction or page middleware.
#[handler]
async fn one_query(db: Data<&PgPool>) -> Result<String, AppError> {
    sqlx::query_scalar::<_, String>(
        "SELECT value #>> '{}' FROM tenant_demo.settings WHERE key = 'owner'",
    )
    .fetch_one(*db)
    .await
    .map_err(AppError::internal)
}

/// A portal page that reads one tenant table through the read-only tenant door, as the
/// portal's reading pages do.
#[handler]
async fn tenant_read(portal: Portal, state: Data<&AppState>) -> Result<String, AppError> {
    let owner = in_tenant_read_only(&state.db, &portal.tenant.slug, async |tx| {
        sqlx::query_scalar::<_, String>("SELECT value #>> '{}' FROM settings WHERE key = 'owner'")
            .fetch_one(tx.conn())
            .await
    })
    .await
    .map_err(AppError::internal)?;
    Ok(owner)
}

/// The demo portal's answer at `url` as sent (headers and body), with the encodings asked for.
async fn as_sent(
    url: &str,
    accept_encoding: Option<&str>,
) -> anyhow::Result<(poem::http::HeaderMap, Bytes)> {
    let mut request = reqwest::Client::new().get(url).header("Host", DEMO_HOST);
    if let Some(encodings) = accept_encoding {
        request = request.header("Accept-Encoding", encodings);
    }
    let response = request.send().await?;
    if !response.status().is_success() {
        bail!("{url} answers {}", response.status());
    }
    let mut headers = response.headers().clone();
    // The server sets these itself.
    headers.remove("content-length");
    headers.remove("date");
    Ok((headers, response.bytes().await?))
}

/// A second baseline beside the hello-world: bare poem sending the start page's exact bytes
/// and headers, with nothing computed. What the start page costs beyond it is our per-request
/// work; what this costs beyond hello-world is the size of a real page.
#[handler]
fn replay(page: Data<&(poem::http::HeaderMap, Bytes)>) -> poem::Response {
    let (headers, body) = *page;
    let mut response = poem::Response::from(body.clone());
    *response.headers_mut() = headers.clone();
    response
}

pub async fn serve(
    app: impl poem::Endpoint + 'static,
    stop: CancellationToken,
) -> anyhow::Result<SocketAddr> {
    let acceptor = TcpListener::bind("127.0.0.1:0").into_acceptor().await?;
    let addr = context_err(
        acceptor.local_addr()[0].as_socket_addr().copied(),
        "address",
    )?;
    tokio::spawn(
        Server::new_with_acceptor(acceptor).run_with_graceful_shutdown(
            app,
            stop.cancelled_owned(),
            None,
        ),
    );
    Ok(addr)
}

fn parse_millis(value: &str) -> Option<f64> {
    let value = value.trim();
    if let Some(us) = value.strip_suffix("us") {
        us.parse::<f64>().ok().map(|v| v / 1000.0)
    } else if let Some(ms) = value.strip_suffix("ms") {
        ms.parse().ok()
    } else if let Some(s) = value.strip_suffix('s') {
        s.parse::<f64>().ok().map(|v| v * 1000.0)
    } else {
        None
    }
}

pub fn wrk(
    url: &str,
    headers: &[(&str, &str)],
    script: Option<&str>,
    seconds: u64,
) -> anyhow::Result<Figures> {
    let mut command = Command::new("wrk");
    command.args(["-t2", "-c32", &format!("-d{seconds}s"), "--latency"]);
    for (name, value) in headers {
        command.args(["-H", &format!("{name}: {value}")]);
    }
    if let Some(script) = script {
        command.args(["-s", script]);
    }
    let output = command
        .arg(url)
        .output()
        .context("running wrk (apt-get install wrk)")?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() || text.contains("Non-2xx") {
        bail!("wrk against {url} failed or saw errors:\n{text}");
    }
    let field = |prefix: &str| {
        text.lines().find_map(|l| {
            l.trim()
                .strip_prefix(prefix)
                .map(|rest| rest.trim().to_owned())
        })
    };
    Ok(Figures {
        requests_per_second: context_err(
            field("Requests/sec:").and_then(|v| v.parse().ok()),
            "Requests/sec",
        )?,
        p50_ms: context_err(field("50%").and_then(|v| parse_millis(&v)), "p50")?,
        p99_ms: context_err(field("99%").and_then(|v| parse_millis(&v)), "p99")?,
    })
}

/// A figure beside its baseline; with a target where the project has set one.
pub fn row(name: &str, figures: &Figures, baseline: Option<(&Figures, Option<f64>)>) {
    let versus = match baseline {
        Some((base, target)) => {
            let ratio = figures.requests_per_second / base.requests_per_second;
            let verdict = target.map_or(String::new(), |target| {
                format!(
                    " (target >= {:.0}%: {})",
                    target * 100.0,
                    check(ratio >= target)
                )
            });
            format!("{:>5.0}% of baseline{verdict}", ratio * 100.0)
        }
        None => "baseline".to_owned(),
    };
    println!(
        "  {name:<44} {:>9.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  {versus}",
        figures.requests_per_second, figures.p50_ms, figures.p99_ms
    );
}

pub async fn run(bench: &BenchDatabase, seconds: u64) -> anyhow::Result<()> {
    let stop = CancellationToken::new();
    let bare = serve(Route::new().at("/", get(hello)), stop.clone()).await?;
    let bare_query = serve(
        Route::new().at("/", get(one_query)).data(bench.db.clone()),
        stop.clone(),
    )
    .await?;
    let app = web::Application::build_with_pool(bench.config.clone(), bench.db.clone()).await?;
    let portal = app.local_addr();
    // The care-page home once more, behind the same door minus its access-log row.
    let unlogged = vec![route("/bench/zorgpagina/:id").get(
        Unlogged(Need::Member.reads(Part::Summary)),
        web::routes::portal::care_page::home::home,
    )];
    let routes = route_table::mount(
        web::routes::portal().at("/bench/tenant-read", get(tenant_read)),
        unlogged,
    );
    tokio::spawn(app.run_routes_until_stopped(routes, stop.clone()));

    let script =
        std::env::temp_dir().join(format!("zorgportaal-rotate-{}.lua", std::process::id()));
    std::fs::write(
        &script,
        format!(
            "local i = 0\nrequest = function()\n  i = (i % {n}) + 1\n  return wrk.format(\"GET\", \"/bench/tenant-read\", {{ [\"Host\"] = string.format(\"b%04d.bench.localhost\", i) }})\nend\n",
            n = bench.tenants
        ),
    )?;
    let script_path = script.to_string_lossy().into_owned();
    // Every tenant answers before the clock starts.
    let check_host = tenant_host(bench.tenants);
    let probe = reqwest::Client::new()
        .get(format!("http://{portal}/bench/tenant-read"))
        .header("Host", &check_host)
        .send()
        .await?;
    if !probe.status().is_success() {
        bail!("{check_host} does not answer: {}", probe.status());
    }

    println!("HTTP (requests per second, latency)");
    let page = as_sent(&format!("http://{portal}/"), None).await?;
    let (_, compressed) = as_sent(&format!("http://{portal}/"), Some(BROWSER_ENCODINGS)).await?;
    println!(
        "  the start page: {} bytes of HTML and {} headers, {} bytes as browsers get it",
        page.1.len(),
        page.0.len(),
        compressed.len()
    );
    let replayed = serve(Route::new().at("/", get(replay)).data(page), stop.clone()).await?;
    let hello_figures = wrk(&format!("http://{bare}/"), &[], None, seconds)?;
    row("bare poem hello-world", &hello_figures, None);
    let replay_figures = wrk(&format!("http://{replayed}/"), &[], None, seconds)?;
    row(
        "bare poem sending the start page's bytes",
        &replay_figures,
        Some((&hello_figures, None)),
    );
    let start = wrk(
        &format!("http://{portal}/"),
        &[("Host", DEMO_HOST)],
        None,
        seconds,
    )?;
    row(
        "branded start page (tenant from cache)",
        &start,
        Some((&hello_figures, Some(0.7))),
    );
    row(
        "  the same against the page's own bytes",
        &start,
        Some((&replay_figures, None)),
    );
    let start_as_browsers_ask = wrk(
        &format!("http://{portal}/"),
        &[("Host", DEMO_HOST), ("Accept-Encoding", BROWSER_ENCODINGS)],
        None,
        seconds,
    )?;
    row(
        "the same, as browsers ask it (gzip)",
        &start_as_browsers_ask,
        Some((&hello_figures, Some(0.7))),
    );
    let query_figures = wrk(&format!("http://{bare_query}/"), &[], None, seconds)?;
    row("bare one-query endpoint", &query_figures, None);
    let tenant_page = wrk(
        &format!("http://{portal}/bench/tenant-read"),
        &[("Host", DEMO_HOST)],
        None,
        seconds,
    )?;
    row(
        "page reading a tenant table (read-only door)",
        &tenant_page,
        Some((&query_figures, Some(0.7))),
    );
    let member = signed_in_member(bench).await?;
    let home_script =
        std::env::temp_dir().join(format!("zorgportaal-carepage-{}.lua", std::process::id()));
    std::fs::write(
        &home_script,
        format!(
            "wrk.headers[\"Host\"] = \"{DEMO_HOST}\"\nwrk.headers[\"Cookie\"] = \"{}\"\n",
            member.cookie
        ),
    )?;
    let home_url = format!("http://{portal}{}", member.home_path);
    let probe = reqwest::Client::new()
        .get(&home_url)
        .header("Host", DEMO_HOST)
        .header("Cookie", &member.cookie)
        .send()
        .await?;
    if probe.status() != reqwest::StatusCode::OK {
        bail!("the signed-in care-page home answers {}", probe.status());
    }
    let care_page_home = wrk(
        &home_url,
        &[],
        Some(&home_script.to_string_lossy()),
        seconds,
    )?;
    // Each page answers before its clock starts, so no figure measures an error page.
    for path in [
        format!("/bench/zorgpagina/{}", member.page_id),
        member.busy_network_path.clone(),
        member.busy_messages_path.clone(),
    ] {
        let probe = reqwest::Client::new()
            .get(format!("http://{portal}{path}"))
            .header("Host", DEMO_HOST)
            .header("Cookie", &member.cookie)
            .send()
            .await?;
        if probe.status() != reqwest::StatusCode::OK {
            bail!("{path} answers {}", probe.status());
        }
    }
    let unlogged_home = wrk(
        &format!("http://{portal}/bench/zorgpagina/{}", member.page_id),
        &[],
        Some(&home_script.to_string_lossy()),
        seconds,
    )?;
    row(
        "signed-in care-page home (session, door, page)",
        &care_page_home,
        // No target set yet: the figure and its share are what the issue asks for.
        Some((&query_figures, None)),
    );
    row(
        "  the same without its access-log row",
        &unlogged_home,
        Some((&query_figures, None)),
    );
    row(
        "  with the row against without it",
        &care_page_home,
        Some((&unlogged_home, Some(0.85))),
    );
    let busy_network = wrk(
        &format!("http://{portal}{}", member.busy_network_path),
        &[],
        Some(&home_script.to_string_lossy()),
        seconds,
    )?;
    row(
        "Connecties: 50 members, 20 invitations",
        &busy_network,
        Some((&query_figures, None)),
    );
    let busy_messages = wrk(
        &format!("http://{portal}{}", member.busy_messages_path),
        &[],
        Some(&home_script.to_string_lossy()),
        seconds,
    )?;
    row(
        "Berichten: first 25 of 400 threads, 10,000 messages",
        &busy_messages,
        Some((&query_figures, Some(0.5))),
    );
    let _ = std::fs::remove_file(&home_script);
    let rotating = wrk(
        &format!("http://{portal}/"),
        &[],
        Some(&script_path),
        seconds,
    )?;
    row(
        &format!("same page rotating over {} tenants", bench.tenants),
        &rotating,
        Some((&tenant_page, Some(0.6))),
    );
    println!();
    let _ = std::fs::remove_file(&script);
    stop.cancel();
    Ok(())
}
