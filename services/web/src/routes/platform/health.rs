//! `/healthz`: the process answers. `/readyz`: it can reach PostgreSQL, RabbitMQ and S3.

use std::time::Duration;

use poem::http::StatusCode;
use poem::web::{Data, Json};
use poem::{handler, IntoResponse, Response};
use serde::Serialize;

use crate::http::state::AppState;

const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

#[handler]
pub fn live() -> &'static str {
    "ok"
}

#[derive(Serialize)]
struct Readiness {
    postgres: &'static str,
    rabbitmq: &'static str,
    s3: &'static str,
}

fn verdict<E>(result: Result<Result<(), E>, tokio::time::error::Elapsed>) -> &'static str {
    match result {
        Ok(Ok(())) => "ok",
        Ok(Err(_)) => "unreachable",
        Err(_) => "timeout",
    }
}

#[handler]
pub async fn ready(state: Data<&AppState>) -> Response {
    let postgres = tokio::time::timeout(CHECK_TIMEOUT, async {
        sqlx::query_scalar!("SELECT 1")
            .fetch_one(&state.db)
            .await
            .map(|_| ())
    });
    let rabbitmq = tokio::time::timeout(CHECK_TIMEOUT, async {
        let connection = state.broker.connect().await?;
        let _ = connection.close(200, "ready check".into()).await;
        Ok::<_, common::infra::mq::MqError>(())
    });
    let s3 = tokio::time::timeout(CHECK_TIMEOUT, state.storage.check());
    let (postgres, rabbitmq, s3) = tokio::join!(postgres, rabbitmq, s3);
    let readiness = Readiness {
        postgres: verdict(postgres),
        rabbitmq: verdict(rabbitmq),
        s3: verdict(s3),
    };
    let all_ok = [readiness.postgres, readiness.rabbitmq, readiness.s3]
        .iter()
        .all(|v| *v == "ok");
    let status = if all_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    Json(readiness).with_status(status).into_response()
}
