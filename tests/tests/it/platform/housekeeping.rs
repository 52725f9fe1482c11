//! The worker's housekeeping: ended sessions, finished rate-limit windows and long-finished
//! links and codes go; what is still in use stays.

use std::time::Duration;

use common::infra::clock::Clock;
use reqwest::StatusCode;
use zorgportaal_tests::accounts;
use zorgportaal_tests::{Services, TestPlatform};

async fn count(platform: &TestPlatform, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&platform.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_worker_removes_what_has_ended_and_keeps_what_is_in_use() {
    let platform = TestPlatform::start_with(
        Services::ALL,
        &[("WORKER_HOUSEKEEPING_MS", "200".to_owned())],
    )
    .await;
    let tenant = platform
        .create_tenant("Zorggroep Opruimen", "#1d5c8f")
        .await;
    let (mut visitor, _) = accounts::signed_in(&platform, &tenant, "ria").await;
    let account: uuid::Uuid = sqlx::query_scalar("SELECT id FROM platform.accounts")
        .fetch_one(&platform.db)
        .await
        .unwrap();
    let now = platform.clock.now();
    let long_ago = now - time::Duration::days(30);
    // A session that expired, a rate-limit window of yesterday, a link used a month ago and
    // one that expired a month ago, and a code used a month ago.
    sqlx::query(
        "INSERT INTO platform.sessions (token_hash, id, account_id, stage, remember, tenant_slug,
                                        created_at, last_seen_at, expires_at)
         VALUES ('\\x01', gen_random_uuid(), $1, 'active', true, 'x', $2, $2, $2 + interval '1 day')",
    )
    .bind(account)
    .bind(long_ago)
    .execute(&platform.db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO platform.throttles (key, window_start, hits, last_hit_at)
         VALUES ('sign_in:old', $1, 3, $1), ('sign_in:now', $2, 1, $2)",
    )
    .bind(now - time::Duration::days(2))
    .bind(now)
    .execute(&platform.db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO platform.account_links (token_hash, account_id, purpose, created_at,
                                             expires_at, used_at)
         VALUES ('\\x02', $1, 'reset_password', $2, $2 + interval '1 hour', $2),
                ('\\x03', $1, 'reset_password', $2, $2 + interval '1 hour', NULL)",
    )
    .bind(account)
    .bind(long_ago)
    .execute(&platform.db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO platform.one_time_codes (id, account_id, purpose, code_hash, channel,
                                              created_at, expires_at, used_at)
         VALUES (gen_random_uuid(), $1, 'verify_phone', '\\x04', 'sms', $2,
                 $2 + interval '5 minutes', $2)",
    )
    .bind(account)
    .bind(long_ago)
    .execute(&platform.db)
    .await
    .unwrap();

    zorgportaal_tests::eventually(Duration::from_secs(10), "housekeeping", || async {
        let left = count(
            &platform,
            "SELECT (SELECT count(*) FROM platform.sessions WHERE tenant_slug = 'x')
                  + (SELECT count(*) FROM platform.throttles WHERE key = 'sign_in:old')
                  + (SELECT count(*) FROM platform.account_links WHERE token_hash IN ('\\x02', '\\x03'))
                  + (SELECT count(*) FROM platform.one_time_codes WHERE code_hash = '\\x04')",
        )
        .await;
        (left == 0).then_some(())
    })
    .await;

    // What is in use stays: the signed-in session, today's window, this sign-in's welcome link.
    assert_eq!(visitor.get("/overzicht").await.status, StatusCode::OK);
    assert_eq!(
        count(
            &platform,
            "SELECT count(*) FROM platform.throttles WHERE key = 'sign_in:now'"
        )
        .await,
        1
    );
    assert!(count(&platform, "SELECT count(*) FROM platform.account_links").await >= 1);
    platform.finish().await;
}
