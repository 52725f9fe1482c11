//! Sign-ins per second with argon2id, and what they do to the start page's latency.
//!
//! Baseline: argon2id verifications per second on all cores, outside the web service (the
//! ceiling). Then wrk posts real sign-ins (password checked, session, code and outbox event
//! written) against a portal, and the start page is measured alone and again while the
//! sign-ins run flat out.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use common::accounts::password::PasswordHasher;
use tokio_util::sync::CancellationToken;

use crate::http::{row, wrk};
use crate::setup::{check, BenchDatabase, DEMO_HOST};

const PASSWORD: &str = "Tulp-Fietsbel-Kaas-42";
const ACCOUNTS: usize = 2_000;

/// Verifications per second with the production parameters on every core.
async fn raw_verifications(seconds: u64) -> anyhow::Result<f64> {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let hasher = PasswordHasher::new(cores)?;
    let secret = PASSWORD.to_owned().into();
    let hash: Arc<str> = Arc::from(hasher.hash(&secret).await?);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..cores * 2 {
        let hasher = hasher.clone();
        let hash = hash.clone();
        tasks.push(tokio::spawn(async move {
            let secret = PASSWORD.to_owned().into();
            let mut done = 0u64;
            while Instant::now() < deadline {
                if hasher.verify(&secret, Some(&hash)).await.unwrap_or(false) {
                    done += 1;
                }
            }
            done
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await?;
    }
    Ok(total as f64 / seconds as f64)
}

async fn seed_accounts(bench: &BenchDatabase, hash: &str) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO platform.accounts
           (id, email, name, password_hash, created_at, password_changed_at, email_confirmed_at)
         SELECT gen_random_uuid(), 'bench' || i || '@bench.localhost', 'Bench ' || i, $1,
                now(), now(), now()
         FROM generate_series(1, $2) AS i
         ON CONFLICT DO NOTHING",
    )
    .bind(hash)
    .bind(ACCOUNTS as i32)
    .execute(&bench.db)
    .await?;
    Ok(())
}

/// A wrk script that signs in the seeded accounts in turn with one browser's CSRF pair.
fn sign_in_script(cookie: &str, token: &str) -> String {
    format!(
        "local i = 0\nrequest = function()\n  i = (i % {ACCOUNTS}) + 1\n  local body = \"email=bench\" .. i .. \"%40bench.localhost&password={PASSWORD}&csrf={token}\"\n  return wrk.format(\"POST\", \"/inloggen\", {{ [\"Host\"] = \"{DEMO_HOST}\", [\"Cookie\"] = \"{cookie}\", [\"Content-Type\"] = \"application/x-www-form-urlencoded\" }}, body)\nend\n"
    )
}

pub async fn run(bench: &BenchDatabase, seconds: u64) -> anyhow::Result<()> {
    println!("Sign-in (argon2id m=19 MiB, t=2, p=1)");
    let ceiling = raw_verifications(seconds.min(5)).await?;
    println!(
        "  {:<44} {ceiling:>9.1} verifications/s  baseline",
        "argon2id on every core, no web"
    );

    let hash = PasswordHasher::new(1)?
        .hash(&PASSWORD.to_owned().into())
        .await?;
    seed_accounts(bench, &hash).await?;
    let stop = CancellationToken::new();
    let app = web::Application::build_with_pool(bench.config.clone(), bench.db.clone()).await?;
    let portal = app.local_addr();
    tokio::spawn(app.run_until_stopped(stop.clone()));

    // One browser's CSRF cookie and token, as a sign-in form would carry them.
    let page = reqwest::Client::new()
        .get(format!("http://{portal}/inloggen"))
        .header("Host", DEMO_HOST)
        .send()
        .await?;
    let cookie = page
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .context("no CSRF cookie on the sign-in page")?
        .to_owned();
    let body = page.text().await?;
    let token = body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .context("no CSRF token on the sign-in page")?
        .to_owned();
    let script =
        std::env::temp_dir().join(format!("zorgportaal-signin-{}.lua", std::process::id()));
    std::fs::write(&script, sign_in_script(&cookie, &token))?;
    let script_path = script.to_string_lossy().into_owned();
    let url = format!("http://{portal}/");
    let sign_in_url = format!("http://{portal}/inloggen");

    let sign_ins = wrk(&sign_in_url, &[], Some(&script_path), seconds)?;
    let issued: i64 = sqlx::query_scalar("SELECT count(*) FROM platform.sessions")
        .fetch_one(&bench.db)
        .await?;
    if issued == 0 {
        bail!("the sign-in load started no session: the requests were refused");
    }
    row("sign-ins (password checked, code queued)", &sign_ins, None);
    println!(
        "  {:<44} {:>9.0}% of the argon2id ceiling",
        "",
        sign_ins.requests_per_second / ceiling * 100.0
    );

    let alone = wrk(&url, &[("Host", DEMO_HOST)], None, seconds)?;
    row("start page, nothing else running", &alone, None);
    let background = {
        let script_path = script_path.clone();
        let sign_in_url = sign_in_url.clone();
        std::thread::spawn(move || wrk(&sign_in_url, &[], Some(&script_path), seconds + 2))
    };
    std::thread::sleep(Duration::from_secs(1));
    let loaded = wrk(&url, &[("Host", DEMO_HOST)], None, seconds)?;
    let during = background
        .join()
        .map_err(|_| anyhow::anyhow!("sign-in load thread panicked"))??;
    row("start page while sign-ins run flat out", &loaded, None);
    println!(
        "  {:<44} {:>9.0} sign-ins/s meanwhile; start page p99 {:.2} ms (target < 50 ms: {})",
        "",
        during.requests_per_second,
        loaded.p99_ms,
        check(loaded.p99_ms < 50.0)
    );
    println!();
    let _ = std::fs::remove_file(&script);
    // The queued codes are not for anyone.
    sqlx::query("DELETE FROM platform.outbox")
        .execute(&bench.db)
        .await?;
    stop.cancel();
    Ok(())
}
