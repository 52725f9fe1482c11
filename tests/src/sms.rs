//! A local stand-in for the SMS/voice provider's HTTP endpoint that records every request, and
//! can be told to answer with failures first, or not to answer at all.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use poem::http::StatusCode;
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::web::{Data, Json, Path};
use poem::{handler, post, EndpointExt, Request, Route, Server};

#[derive(Debug, Clone)]
pub struct ProviderRequest {
    /// `messages` (SMS) or `voicemessages` (voice).
    pub kind: String,
    pub authorization: Option<String>,
    pub body: serde_json::Value,
}

#[derive(Default)]
struct Recorder {
    requests: Mutex<Vec<ProviderRequest>>,
    failures_left: AtomicUsize,
    stalls_left: AtomicUsize,
}

#[derive(Clone)]
pub struct SmsReceiver {
    url: String,
    recorder: Arc<Recorder>,
}

#[handler]
async fn receive(
    Path(kind): Path<String>,
    req: &Request,
    Json(body): Json<serde_json::Value>,
    recorder: Data<&Arc<Recorder>>,
) -> StatusCode {
    let failing = recorder
        .failures_left
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    if failing {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    recorder
        .requests
        .lock()
        .expect("recorder lock")
        .push(ProviderRequest {
            kind,
            authorization: req.header("authorization").map(str::to_owned),
            body,
        });
    let stalling = recorder
        .stalls_left
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    if stalling {
        // Taken in (and recorded), but the answer never comes within any sender's time-out.
        tokio::time::sleep(std::time::Duration::from_secs(600)).await;
    }
    StatusCode::CREATED
}

impl SmsReceiver {
    pub async fn start() -> Self {
        let recorder = Arc::new(Recorder::default());
        let acceptor = TcpListener::bind("127.0.0.1:0")
            .into_acceptor()
            .await
            .expect("bind SMS receiver");
        let addr = acceptor.local_addr()[0]
            .as_socket_addr()
            .copied()
            .expect("socket address");
        let app = Route::new()
            .at("/:kind", post(receive))
            .data(recorder.clone());
        tokio::spawn(Server::new_with_acceptor(acceptor).run(app));
        Self {
            url: format!("http://{addr}"),
            recorder,
        }
    }

    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The next `count` requests are answered 503 (and not recorded).
    pub fn fail_next(&self, count: usize) {
        self.recorder.failures_left.store(count, Ordering::SeqCst);
    }

    /// The next `count` requests are recorded, then left without an answer: the provider took
    /// them in, but the sender cannot know.
    pub fn stall_next(&self, count: usize) {
        self.recorder.stalls_left.store(count, Ordering::SeqCst);
    }

    pub fn requests(&self) -> Vec<ProviderRequest> {
        self.recorder
            .requests
            .lock()
            .expect("recorder lock")
            .clone()
    }
}
