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

/// Which of the one-byte hashes `wanted` `column` of `platform.<table>` still holds, in order.
async fn still_there(platform: &TestPlatform, table: &str, column: &str, wanted: &[u8]) -> Vec<u8> {
    let wanted: Vec<Vec<u8>> = wanted.iter().map(|byte| vec![*byte]).collect();
    let found: Vec<Vec<u8>> = sqlx::query_scalar(&format!(
        "SELECT {column} FROM platform.{table} WHERE {column} = ANY($1) ORDER BY {column}"
    ))
    .bind(wanted)
    .fetch_all(&platform.db)
    .await
    .unwrap();
    found.concat()
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
    // Used or expired links and codes are kept for a week: 8 days ago is gone, 6 days ago
    // is not.
    let gone_by = now - time::Duration::days(8);
    let kept_by = now - time::Duration::days(6);
    // A session that expired, a rate-limit window of yesterday.
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
    // A link and a code used, and a link and a code that expired unused: each 8 days ago
    // (hashes 0x1_) and 6 days ago (0x2_).
    for (prefix, at) in [(1, gone_by), (2, kept_by)] {
        sqlx::query(
            "WITH links AS (
                 INSERT INTO platform.account_links (token_hash, account_id, purpose, created_at,
                                                     expires_at, used_at)
                 VALUES (decode($1 || '1', 'hex'), $2, 'reset_password', $3 - interval '1 minute',
                         $3 + interval '1 hour', $3),
                        (decode($1 || '2', 'hex'), $2, 'reset_password', $3 - interval '1 hour',
                         $3, NULL))
             INSERT INTO platform.one_time_codes (id, account_id, purpose, code_hash, channel,
                                                  created_at, expires_at, used_at)
             VALUES (gen_random_uuid(), $2, 'verify_phone', decode($1 || '3', 'hex'), 'sms',
                     $3 - interval '1 minute', $3 + interval '5 minutes', $3),
                    (gen_random_uuid(), $2, 'verify_phone', decode($1 || '4', 'hex'), 'sms',
                     $3 - interval '5 minutes', $3, NULL)",
        )
        .bind(prefix.to_string())
        .bind(account)
        .bind(at)
        .execute(&platform.db)
        .await
        .unwrap();
    }

    // Each kind goes in one statement, so once the old rows of a kind are gone, the statement
    // that would have taken the 6-day-old ones with them has run.
    zorgportaal_tests::eventually(Duration::from_secs(10), "housekeeping", || async {
        let left = count(
            &platform,
            "SELECT (SELECT count(*) FROM platform.sessions WHERE tenant_slug = 'x')
                  + (SELECT count(*) FROM platform.throttles WHERE key = 'sign_in:old')
                  + (SELECT count(*) FROM platform.account_links WHERE token_hash IN ('\\x11', '\\x12'))
                  + (SELECT count(*) FROM platform.one_time_codes WHERE code_hash IN ('\\x13', '\\x14'))",
        )
        .await;
        (left == 0).then_some(())
    })
    .await;
    assert_eq!(
        still_there(&platform, "account_links", "token_hash", &[0x21, 0x22]).await,
        [0x21, 0x22],
        "6-day-old links stay"
    );
    assert_eq!(
        still_there(&platform, "one_time_codes", "code_hash", &[0x23, 0x24]).await,
        [0x23, 0x24],
        "6-day-old codes stay"
    );

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
